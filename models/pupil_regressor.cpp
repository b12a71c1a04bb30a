#include "models/pupil_regressor.h"

#include <algorithm>

#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "kernels/error.h"
#include "layers/init.h"
#include "models/weights.h"

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

namespace {
// "sK" -> K (1-based stage), 0 when malformed.
int stage_of(const std::string& layer) {
  if (layer.size() < 2 || layer[0] != 's' || layer.size() > 4) return 0;
  if (layer.find_first_not_of("0123456789", 1) != std::string::npos || layer[1] == '0') return 0;
  return std::stoi(layer.substr(1));
}
constexpr const char* kFormat = "mgst-pupil-regressor-v1";
}  // namespace

std::vector<std::string> PupilRegressor::feature_layers() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < stages_.size(); ++i) out.push_back("s" + std::to_string(i + 1));
  return out;
}

int PupilRegressor::stride(const std::string& layer) const {
  const int k = stage_of(layer);
  MGST_CHECK(k >= 1 && k <= int(stages_.size()), "unknown task-network layer '"
                                                     << layer << "' (this regressor has s1..s"
                                                     << stages_.size() << ")");
  return 1 << k;
}

std::map<std::string, Tensor> PupilRegressor::features(
    const Tensor& img, const std::vector<std::string>& layers) const {
  MGST_CHECK(img.dim() == 4 && img.size(1) == 3,
             "task network: input must be (N, 3, H, W), got " << shape_str(img.shape()));
  int last = 0;
  for (const auto& l : layers) {
    stride(l);  // checks the name
    last = std::max(last, stage_of(l));
  }
  std::map<std::string, Tensor> out;
  Tensor h = img;
  for (int k = 1; k <= last; ++k) {
    h = ops::max_pool2x2(stages_[std::size_t(k - 1)].forward(h));
    const std::string name = "s" + std::to_string(k);
    if (std::find(layers.begin(), layers.end(), name) != layers.end()) out[name] = h;
  }
  return out;
}

void PupilRegressor::freeze() {
  for (auto& p : params_.items()) Tensor(p.tensor).set_requires_grad(false);
}

void save_pupil_regressor(const std::string& path, const PupilRegressor& net,
                          const std::map<std::string, std::string>& metadata) {
  const PupilRegressorConfig& c = net.config();
  Json j = Json::object();
  j["height"] = c.height, j["width"] = c.width, j["hidden"] = c.hidden, j["gaze"] = c.gaze;
  Json ch = Json::array();
  for (int v : c.channels) ch.push_back(v);
  j["channels"] = ch;
  std::map<std::string, std::string> meta = metadata;
  meta["format"] = kFormat;
  meta["config"] = j.dump();
  write_safetensors(path, parameters_to_arrays(net.parameters()), meta);
}

std::unique_ptr<PupilRegressor> load_pupil_regressor(const std::string& path, Device device) {
  const SafetensorsFile f = read_safetensors(path);
  auto fmt = f.metadata.find("format");
  auto cfg = f.metadata.find("config");
  MGST_CHECK(fmt != f.metadata.end() && fmt->second == kFormat && cfg != f.metadata.end(),
             path << ": not a saved pupil regressor (metadata 'format' must be " << kFormat
                  << "; write one with `mgst taskeval --save-regressor FILE`)");
  PupilRegressorConfig c;
  try {
    const Json j = Json::parse(cfg->second, path + " metadata 'config'");
    c.height = int(j.at("height").as_int()), c.width = int(j.at("width").as_int());
    c.hidden = int(j.at("hidden").as_int()), c.gaze = j.at("gaze").as_bool();
    c.channels.clear();
    for (const auto& v : j.at("channels").as_array()) c.channels.push_back(int(v.as_int()));
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    throw Error(path + ": metadata 'config' is not a pupil-regressor config: " + what);
  }
  auto net = std::make_unique<PupilRegressor>(c, 0, device);
  load_parameters(net->parameters(), f, path);
  return net;
}

}  // namespace mgst::models
