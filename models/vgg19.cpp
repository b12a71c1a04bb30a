#include "models/vgg19.h"

#include <cmath>

#include "core/autograd.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "core/rng.h"
#include "kernels/error.h"
#include "layers/init.h"
#include "models/weights.h"

namespace mgst::models {

namespace {

constexpr int kConvsPerBlock[5] = {2, 2, 4, 4, 4};
constexpr int kBlockChannels[5] = {64, 128, 256, 512, 512};

// Parses "relu{b}_{i}" -> (b, i), 1-based; false when malformed.
bool parse_layer(const std::string& s, int& b, int& i) {
  if (std::sscanf(s.c_str(), "relu%d_%d", &b, &i) != 2) return false;
  if (s != "relu" + std::to_string(b) + "_" + std::to_string(i)) return false;
  return b >= 1 && b <= 5 && i >= 1 && i <= kConvsPerBlock[b - 1];
}

int layer_position(const std::string& s) {
  int b, i;
  Vgg19::check_layer_name(s);
  parse_layer(s, b, i);
  int pos = 0;
  for (int k = 0; k < b - 1; ++k) pos += kConvsPerBlock[k];
  return pos + i - 1;
}

}  // namespace

void Vgg19::check_layer_name(const std::string& layer) {
  int b, i;
  MGST_CHECK(parse_layer(layer, b, i),
             "unknown VGG-19 layer '"
                 << layer << "' (expected relu1_1, relu1_2, relu2_1, "
                 << "relu2_2, relu3_1..relu3_4, relu4_1..relu4_4, relu5_1..relu5_4)");
}

int Vgg19::layer_stride(const std::string& layer) {
  int b, i;
  check_layer_name(layer);
  parse_layer(layer, b, i);
  return 1 << (b - 1);
}

int Vgg19::layer_channels(const std::string& layer) {
  int b, i;
  check_layer_name(layer);
  parse_layer(layer, b, i);
  return kBlockChannels[b - 1];
}

std::string Vgg19::deepest_of(const std::vector<std::string>& layers) {
  MGST_CHECK(!layers.empty(), "no VGG layers requested");
  std::string best = layers[0];
  for (const auto& l : layers)
    if (layer_position(l) > layer_position(best)) best = l;
  return best;
}

Vgg19::Vgg19(const std::string& deepest, const std::string& weights_path, Device device,
             uint64_t seed) {
  const int last = layer_position(deepest);
  Rng rng(seed);
  int index = 0, in_ch = 3, pos = 0;
  for (int b = 0; b < 5 && pos <= last; ++b) {
    for (int i = 0; i < kConvsPerBlock[b] && pos <= last; ++i, ++pos) {
      const int out_ch = kBlockChannels[b];
      Conv c;
      c.relu_name = "relu" + std::to_string(b + 1) + "_" + std::to_string(i + 1);
      c.feature_index = index;
      c.pool_after = i == kConvsPerBlock[b] - 1;
      c.weight = layers::normal({out_ch, in_ch, 3, 3}, std::sqrt(2.0 / (out_ch * 9.0)), rng);
      c.bias = Tensor::zeros({out_ch});
      const std::string key = "features." + std::to_string(index);
      params_.add(key + ".weight", c.weight);
      params_.add(key + ".bias", c.bias);
      convs_.push_back(c);
      index += c.pool_after ? 3 : 2;  // conv, relu[, pool]
      in_ch = out_ch;
    }
  }
  if (!weights_path.empty()) {
    const SafetensorsFile file = read_safetensors(weights_path);
    for (auto& p : params_.items())
      load_tensor(p.tensor, p.name, file, weights_path,
                  "; keys must be torchvision's features.N.weight/bias");
    pretrained_ = true;
  }
  params_.pack(device);
  for (auto& p : params_.items()) Tensor(p.tensor).set_requires_grad(false);  // frozen
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
  std::vector<float> a(3), sh(3);
  for (int c = 0; c < 3; ++c) {
    a[c] = 1.f / stdv[c];
    sh[c] = -mean[c] / stdv[c];
  }
  norm_scale_ = Tensor::from_vector({3}, a, device);
  norm_shift_ = Tensor::from_vector({3}, sh, device);
}

std::map<std::string, Tensor> Vgg19::features(const Tensor& img,
                                              const std::vector<std::string>& layers) const {
  MGST_CHECK(img.dim() == 4 && img.size(1) == 3,
             "vgg19: input must be (N, 3, H, W), got " << shape_str(img.shape()));
  int last = -1;
  for (const auto& l : layers) last = std::max(last, layer_position(l));
  MGST_CHECK(last < int(convs_.size()), "vgg19: layer " << deepest_of(layers)
                                                        << " was not built (deepest built: "
                                                        << convs_.back().relu_name << ")");
  std::map<std::string, Tensor> out;
  Tensor h = ops::channel_affine(img, norm_scale_, norm_shift_);
  for (int k = 0; k <= last; ++k) {
    const Conv& c = convs_[k];
    h = ops::conv2d_fused(h, c.weight, c.bias, {.stride = 1, .pad = 1, .relu = true});  // conv+ReLU
    for (const auto& l : layers)
      if (l == c.relu_name) out[l] = h;
    if (c.pool_after && k < last) h = ops::max_pool2x2(h);
  }
  return out;
}

}  // namespace mgst::models
