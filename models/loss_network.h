// A frozen network whose named feature maps feed the style losses
// (METHOD.md "Loss network" and "Task-network style term"): VGG-19 and the
// synthetic-trained pupil regressor both serve through this one interface,
// so the masked-Gram style machinery (losses/) is written once.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace mgst::models {

class LossNetwork {
 public:
  virtual ~LossNetwork() = default;
  // img (N,3,H,W) in [0,1] -> the requested layers' feature maps, each fed
  // the image in the network's own input convention. Only input gradients.
  virtual std::map<std::string, Tensor> features(const Tensor& img,
                                                 const std::vector<std::string>& layers) const = 0;
  // The layer's downsampling factor (the masks are average-pooled by it);
  // throws a clear error for a name the network does not have.
  virtual int stride(const std::string& layer) const = 0;
  // What the network is, for messages ("VGG-19", "task network").
  virtual std::string kind() const = 0;
};

}  // namespace mgst::models
