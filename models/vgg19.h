// The loss network: VGG-19's convolutional part in torchvision's layout
// (features.{0,2,5,7,10,...,34}: conv 3x3, zero pad 1, bias, ReLU; 2x2 max
// pool after relu1_2, relu2_2, relu3_4, relu4_4), fed ImageNet-normalised
// images. Frozen: its weights never require grad, only its input may.
// Only the layers up to the deepest one asked for are built and run.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/parameters.h"
#include "models/loss_network.h"

namespace mgst::models {

class Vgg19 : public LossNetwork {
 public:
  // `deepest`: e.g. "relu4_1". `weights_path` empty = seeded random init
  // (torchvision's kaiming-normal, fan_out), announced by the caller.
  Vgg19(const std::string& deepest, const std::string& weights_path, Device device,
        uint64_t seed = 0);

  // img (N,3,H,W) in [0,1] -> the requested relu layers' activations.
  std::map<std::string, Tensor> features(const Tensor& img,
                                         const std::vector<std::string>& layers) const override;
  int stride(const std::string& layer) const override { return layer_stride(layer); }
  std::string kind() const override { return "VGG-19"; }

  bool pretrained() const { return pretrained_; }
  const ParameterSet& parameters() const { return params_; }

  // relu{b}_{i} -> its downsampling factor (1, 2, 4, 8, 16) and channels.
  static int layer_stride(const std::string& layer);
  static int layer_channels(const std::string& layer);
  // Deepest of several layer names (by position in the network).
  static std::string deepest_of(const std::vector<std::string>& layers);
  // Throws a clear error for a name that is not relu{1..5}_{i}.
  static void check_layer_name(const std::string& layer);

 private:
  struct Conv {
    std::string relu_name;  // "relu2_1"
    int feature_index;      // torchvision index of the conv
    bool pool_after;        // 2x2 max pool follows its ReLU
    Tensor weight, bias;
  };
  std::vector<Conv> convs_;
  ParameterSet params_;
  Tensor norm_scale_, norm_shift_;  // (C): x * (1/std) + (-mean/std)
  bool pretrained_ = false;
};

}  // namespace mgst::models
