#include "models/transform_net.h"

#include "core/ops.h"
#include "kernels/error.h"
#include "models/weights.h"

namespace mgst::models {

using layers::ConvLayer;
using layers::ConvLayerSpec;

TransformNet::TransformNet(bool residual, uint64_t seed, Device device) : residual_(residual) {
  Rng rng(seed);
  // Registration order = parameter order in files and in the parameter block.
  c1_ = ConvLayer({4, 32, 9, 1}, params_, "c1.conv", "c1.norm", rng);
  c2_ = ConvLayer({32, 64, 3, 2}, params_, "c2.conv", "c2.norm", rng);
  c3_ = ConvLayer({64, 128, 3, 2}, params_, "c3.conv", "c3.norm", rng);
  for (int i = 0; i < 5; ++i)
    res_[i] = layers::ResidualBlock(128, params_, "r" + std::to_string(i + 1), rng);
  u1_ = ConvLayer({128, 64, 3, 1, /*upsample=*/true}, params_, "u1.conv", "u1.norm", rng);
  u2_ = ConvLayer({64, 32, 3, 1, /*upsample=*/true}, params_, "u2.conv", "u2.norm", rng);
  ConvLayerSpec last{32, 3, 9, 1, false, /*norm=*/false, /*relu=*/false};
  last.zero_init = residual;
  c4_ = ConvLayer(last, params_, "c4.conv", "", rng);
  params_.pack(device);
}

Tensor TransformNet::forward(const Tensor& x, const Tensor& m) const {
  return forward_with_activations(x, m, nullptr);
}

Tensor TransformNet::forward_with_activations(const Tensor& x, const Tensor& m,
                                              std::vector<NamedTensor>* acts) const {
  MGST_CHECK(x.dim() == 4 && x.size(1) == 3,
             "transform net: input must be (N, 3, H, W), got " << shape_str(x.shape()));
  MGST_CHECK(m.dim() == 4 && m.size(1) == 1 && m.size(0) == x.size(0) && m.size(2) == x.size(2) &&
                 m.size(3) == x.size(3),
             "transform net: mask " << shape_str(m.shape()) << " does not fit image "
                                    << shape_str(x.shape()));
  MGST_CHECK(x.size(2) % 4 == 0 && x.size(3) % 4 == 0,
             "transform net: H and W must be multiples of 4, got " << x.size(2) << "x"
                                                                   << x.size(3));
  auto keep = [acts](const char* name, const Tensor& t) {
    if (acts) acts->push_back({name, t});
    return t;
  };
  Tensor h = ops::concat_channels(x, m);
  h = keep("c1", c1_.forward(h));
  h = keep("c2", c2_.forward(h));
  h = keep("c3", c3_.forward(h));
  static const char* kRes[5] = {"r1", "r2", "r3", "r4", "r5"};
  for (int i = 0; i < 5; ++i) h = keep(kRes[i], res_[i].forward(h));
  h = keep("u1", u1_.forward(h));
  h = keep("u2", u2_.forward(h));
  h = keep("c4", c4_.forward(h));
  return residual_ ? ops::add(x, h) : h;
}

void TransformNet::load(const SafetensorsFile& file, const std::string& path) {
  load_parameters(params_, file, path, {"adam."});
}

void TransformNet::save(const std::string& path) const {
  write_safetensors(path, parameters_to_arrays(params_),
                    {{"format", "mgst-transform-v1"}, {"residual", residual_ ? "true" : "false"}});
}

bool TransformNet::residual_from_metadata(const SafetensorsFile& file, bool fallback) {
  auto it = file.metadata.find("residual");
  if (it == file.metadata.end()) return fallback;
  MGST_CHECK(it->second == "true" || it->second == "false",
             "metadata 'residual' must be \"true\" or \"false\", got \"" << it->second << "\"");
  return it->second == "true";
}

}  // namespace mgst::models
