// A small pupil-centre regressor for the task evaluation (METHOD.md "Evaluation",
// issue 8): trained on synthetic eyes only, it reads the pupil centre of real
// eyes raw vs purified.
//
//   s1..sK  reflection pad, conv 3x3, IN, ReLU, max-pool 2x2   3 -> c1 -> ... -> cK
//   fc1     flatten (N, cK*h*w, 1, 1), 1x1 conv = linear, ReLU   -> hidden
//   fc2     1x1 conv = linear                                    -> 2
//   gaze1, gaze2 (cfg.gaze): a second head like fc1, fc2 on the same
//           flattened features                                   -> 2 more
// Output (N, 2): the normalised centre (u, v) = (2 (x + 0.5) / W - 1,
// 2 (y + 0.5) / H - 1), so the image spans [-1, 1] on both axes. Pixel
// convention: pixel (row i, column j) is centred at (x = j, y = i).
// With cfg.gaze the output is (N, 4): (u, v, yaw / kGazeScale,
// pitch / kGazeScale), gaze in radians as apps/data/synth_eyes.h (yaw > 0 moves
// the iris right, pitch > 0 up); the scale puts typical gazes in ~[-1, 1].
// The linear head is a 1x1 conv over the flattened features (no new kernel).
// Parameters: s1.conv.weight, s1.norm.weight, ..., fc1.weight, fc1.bias,
// fc2.weight, fc2.bias (then gaze1.*, gaze2.*). The gaze head has its own
// hidden layer (sharing fc1 cost the centre ~0.7 px on the demo eyes) and is
// initialised last, so the centre path's init does not depend on it.
//
// As a loss network (METHOD.md "Task-network style term") its feature layers
// are the stage outputs s1..sK (after each max pool: stride 2^k, any input
// size, since the stages are convolutional); it reads images in [0, 1]
// unnormalised, as it was trained. A saved regressor is a safetensors file of
// these parameters with its configuration in the metadata
// ("format": "mgst-pupil-regressor-v1", "config": JSON).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/parameters.h"
#include "core/rng.h"
#include "layers/conv_layer.h"
#include "models/loss_network.h"

namespace mgst::models {

struct PupilRegressorConfig {
  int height = 32, width = 48;            // input size (each stage halves it, floor)
  std::vector<int> channels{16, 32, 64};  // one conv stage per entry
  int hidden = 64;
  bool gaze = false;  // two more outputs: yaw, pitch (scaled)
};

class PupilRegressor : public LossNetwork {
 public:
  PupilRegressor(const PupilRegressorConfig& cfg, uint64_t seed, Device device = Device::cpu());

  // x (N, 3, H, W) in [0, 1] -> (N, outputs()): normalised centres (+ scaled gaze).
  Tensor forward(const Tensor& x) const;

  // LossNetwork: the stage outputs "s1".."sK" (each stage's max-pooled map).
  std::map<std::string, Tensor> features(const Tensor& img,
                                         const std::vector<std::string>& layers) const override;
  int stride(const std::string& layer) const override;
  std::string kind() const override { return "task network (pupil regressor)"; }
  // "s1", ..., "sK": every stage output (the default task layers).
  std::vector<std::string> feature_layers() const;
  // No weight gradients from now on (a loss network is frozen).
  void freeze();

  const PupilRegressorConfig& config() const { return cfg_; }
  int outputs() const { return cfg_.gaze ? 4 : 2; }
  static constexpr float kGazeScale = 0.6f;  // radians per output unit
  ParameterSet& parameters() { return params_; }
  const ParameterSet& parameters() const { return params_; }
  Device device() const { return params_.block().device(); }

  // Pixel <-> normalised coordinates at the regressor's input size.
  static float to_unit(float px, int size) { return 2.f * (px + 0.5f) / float(size) - 1.f; }
  static float to_pixel(float u, int size) { return (u + 1.f) * 0.5f * float(size) - 0.5f; }

 private:
  PupilRegressorConfig cfg_;
  ParameterSet params_;
  std::vector<layers::ConvLayer> stages_;
  int feat_h_ = 0, feat_w_ = 0;
  Tensor fc1_w_, fc1_b_, fc2_w_, fc2_b_;
  Tensor gz1_w_, gz1_b_, gz2_w_, gz2_b_;  // the gaze head (cfg.gaze)
};

// Writes the regressor's parameters and configuration (atomically);
// `metadata` adds entries (e.g. how it was trained).
void save_pupil_regressor(const std::string& path, const PupilRegressor& net,
                          const std::map<std::string, std::string>& metadata = {});
// Reads a file written by save_pupil_regressor; errors name `path`.
std::unique_ptr<PupilRegressor> load_pupil_regressor(const std::string& path, Device device);

}  // namespace mgst::models
