#include "models/pupil_regressor.h"

#include "core/ops.h"
#include "kernels/error.h"
#include "layers/init.h"

namespace mgst::models {

PupilRegressor::PupilRegressor(const PupilRegressorConfig& cfg, uint64_t seed, Device device)
    : cfg_(cfg) {
  MGST_CHECK(!cfg.channels.empty() && cfg.hidden >= 1, "pupil regressor: empty configuration");
  Rng rng(seed);
  int cin = 3, h = cfg.height, w = cfg.width;
  for (std::size_t i = 0; i < cfg.channels.size(); ++i) {
    const std::string name = "s" + std::to_string(i + 1);
    stages_.emplace_back(layers::ConvLayerSpec{cin, cfg.channels[i], 3, 1}, params_, name + ".conv",
                         name + ".norm", rng);
    MGST_CHECK(h >= 2 && w >= 2, "pupil regressor: input " << cfg.height << "x" << cfg.width
                                                           << " is too small for "
                                                           << cfg.channels.size() << " stages");
    cin = cfg.channels[i], h /= 2, w /= 2;
  }
  MGST_CHECK(h >= 1 && w >= 1,
             "pupil regressor: input " << cfg.height << "x" << cfg.width << " is too small");
  feat_h_ = h, feat_w_ = w;
  const int64_t flat = int64_t(cin) * h * w;
  // Linear layers as 1x1 convs over the flattened features (PyTorch's Linear
  // init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))).
  // One two-layer head: draws w1, b1, w2, b2 in that order and registers them.
  auto head = [&](const std::string& name1, const std::string& name2, Tensor& w1, Tensor& b1,
                  Tensor& w2, Tensor& b2) {
    w1 = layers::uniform_fan_in({cfg.hidden, flat, 1, 1}, flat, rng);
    b1 = layers::uniform_fan_in({cfg.hidden}, flat, rng);
    w2 = layers::uniform_fan_in({2, cfg.hidden, 1, 1}, cfg.hidden, rng);
    b2 = layers::uniform_fan_in({2}, cfg.hidden, rng);
    params_.add(name1 + ".weight", w1);
    params_.add(name1 + ".bias", b1);
    params_.add(name2 + ".weight", w2);
    params_.add(name2 + ".bias", b2);
  };
  head("fc1", "fc2", fc1_w_, fc1_b_, fc2_w_, fc2_b_);
  // drawn last: the centre path's init does not depend on the gaze head
  if (cfg.gaze) head("gaze1", "gaze2", gz1_w_, gz1_b_, gz2_w_, gz2_b_);
  params_.pack(device);
}

Tensor PupilRegressor::forward(const Tensor& x) const {
  MGST_CHECK(x.dim() == 4 && x.size(1) == 3 && x.size(2) == cfg_.height && x.size(3) == cfg_.width,
             "pupil regressor: input must be (N, 3, " << cfg_.height << ", " << cfg_.width
                                                      << "), got " << shape_str(x.shape()));
  Tensor h = x;
  for (const auto& s : stages_) h = ops::max_pool2x2(s.forward(h));  // (N, c, H/2^k, W/2^k)
  const int64_t N = x.size(0);
  h = ops::reshape(h, {N, h.size(1) * h.size(2) * h.size(3), 1, 1});  // flatten
  Tensor c = ops::relu(ops::conv2d(h, fc1_w_, fc1_b_, 1, 0));         // (N, hidden, 1, 1)
  c = ops::conv2d(c, fc2_w_, fc2_b_, 1, 0);                           // (N, 2, 1, 1)
  if (cfg_.gaze) {
    Tensor g = ops::relu(ops::conv2d(h, gz1_w_, gz1_b_, 1, 0));
    c = ops::concat_channels(c, ops::conv2d(g, gz2_w_, gz2_b_, 1, 0));  // (N, 4, 1, 1)
  }
  return ops::reshape(c, {N, outputs()});
}

}  // namespace mgst::models
