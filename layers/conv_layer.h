// The transform net's building block (Johnson et al.):
//   [nearest upsample x2] -> reflection pad k/2 -> conv k x k -> [instance norm] -> [ReLU]
// (the first three are one op, ops::conv2d_fused: no upsampled or padded
// tensor; instance norm and ReLU together are one op, ops::instance_norm_relu).
// Parameters, registered under `prefix` (METHOD.md names):
//   prefix.conv.weight (Co,Ci,k,k), prefix.conv.bias (Co),
//   prefix.norm.weight (Co), prefix.norm.bias (Co)  (when normalised)
// A residual block names its two convs conv1/conv2 and norms norm1/norm2,
// hence the separate conv/norm names.
#pragma once
#include <string>

#include "core/parameters.h"
#include "core/rng.h"

namespace mgst::layers {

struct ConvLayerSpec {
  int in_channels, out_channels, kernel, stride = 1;
  bool upsample = false;  // nearest x2 before the conv
  bool norm = true;       // instance norm with affine
  bool relu = true;
  bool zero_init = false;  // weight and bias start at 0 (the residual output layer)
};

class ConvLayer {
 public:
  ConvLayer() = default;
  ConvLayer(const ConvLayerSpec& spec, ParameterSet& params, const std::string& conv_name,
            const std::string& norm_name, Rng& rng);
  Tensor forward(const Tensor& x) const;
  // The same plus `skip` (x's output shape) after the norm, in the norm's
  // kernel: a normalised layer without ReLU (the residual block's second).
  Tensor forward_add(const Tensor& x, const Tensor& skip) const;
  const ConvLayerSpec& spec() const { return spec_; }

 private:
  Tensor conv(const Tensor& x) const;  // [upsample], reflection pad, conv
  ConvLayerSpec spec_{};
  Tensor weight_, bias_, gamma_, beta_;
};

// r.conv1, r.norm1, ReLU, r.conv2, r.norm2, + x (the last two as one op,
// ops::instance_norm_add)
class ResidualBlock {
 public:
  ResidualBlock() = default;
  ResidualBlock(int channels, ParameterSet& params, const std::string& prefix, Rng& rng);
  Tensor forward(const Tensor& x) const;

 private:
  ConvLayer a_, b_;
};

}  // namespace mgst::layers
