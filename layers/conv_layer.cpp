#include "layers/conv_layer.h"

#include "core/ops.h"
#include "kernels/error.h"
#include "layers/init.h"

namespace mgst::layers {

namespace {
constexpr float kNormEps = 1e-5f;  // the instance norms' eps (PyTorch's default)
}  // namespace

ConvLayer::ConvLayer(const ConvLayerSpec& spec, ParameterSet& params, const std::string& conv_name,
                     const std::string& norm_name, Rng& rng)
    : spec_(spec) {
  const int k = spec.kernel;
  const int64_t fan_in = int64_t(spec.in_channels) * k * k;
  const Shape wshape{spec.out_channels, spec.in_channels, k, k};
  weight_ = spec.zero_init ? Tensor::zeros(wshape) : uniform_fan_in(wshape, fan_in, rng);
  bias_ = spec.zero_init ? Tensor::zeros({spec.out_channels})
                         : uniform_fan_in({spec.out_channels}, fan_in, rng);
  params.add(conv_name + ".weight", weight_);
  params.add(conv_name + ".bias", bias_);
  if (spec.norm) {
    gamma_ = Tensor::ones({spec.out_channels});
    beta_ = Tensor::zeros({spec.out_channels});
    params.add(norm_name + ".weight", gamma_);
    params.add(norm_name + ".bias", beta_);
  }
}

Tensor ConvLayer::conv(const Tensor& x) const {
  // [upsample] -> reflection pad -> conv as one op (on CUDA the conv gathers x
  // through the padding and the upsampling, neither tensor stored).
  return ops::conv2d_fused(x, weight_, bias_,
                           {.stride = spec_.stride,
                            .pad = spec_.kernel / 2,
                            .upsample = spec_.upsample,
                            .reflect = true});
}

Tensor ConvLayer::forward(const Tensor& x) const {
  Tensor h = conv(x);
  // norm then ReLU: one op, one kernel each way (core/ops.h instance_norm_relu)
  if (spec_.norm && spec_.relu) return ops::instance_norm_relu(h, gamma_, beta_, kNormEps);
  if (spec_.norm) h = ops::instance_norm(h, gamma_, beta_, kNormEps);
  if (spec_.relu) h = ops::relu(h);
  return h;
}

Tensor ConvLayer::forward_add(const Tensor& x, const Tensor& skip) const {
  MGST_CHECK(spec_.norm && !spec_.relu,
             "ConvLayer::forward_add: needs a normalised layer without ReLU (the skip is added "
             "after the norm)");
  return ops::instance_norm_add(conv(x), gamma_, beta_, skip, kNormEps);
}

ResidualBlock::ResidualBlock(int channels, ParameterSet& params, const std::string& prefix,
                             Rng& rng)
    : a_({channels, channels, 3, 1, false, true, true}, params, prefix + ".conv1",
         prefix + ".norm1", rng),
      b_({channels, channels, 3, 1, false, true, false}, params, prefix + ".conv2",
         prefix + ".norm2", rng) {}

Tensor ResidualBlock::forward(const Tensor& x) const {
  return b_.forward_add(a_.forward(x), x);  // norm2(conv2(...)) + x in norm2's kernel
}

}  // namespace mgst::layers
