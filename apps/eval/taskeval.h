// Does purification help the task? (METHOD.md "Evaluation", issue 8.)
// A pupil-centre regressor (models/pupil_regressor.h) is trained on synthetic
// eyes only, with several seeds, and reads real eyes under each condition:
//   raw (= the identity baseline), purified (a trained transform net),
//   global colour transfer, region colour transfer (apps/eval/colour_transfer.h),
// plus a constant prediction (the training set's mean centre) as the floor
// every model must beat. Errors are Euclidean pixel distances at the
// evaluation size; an image's error is the mean over the seeds. Intervals are
// percentile bootstraps over images (paired for the differences to raw).
// Where every training and test sample has gaze (EyeSample::has_gaze), the
// regressor also predicts (yaw, pitch) with its own L2 term, and each
// condition also reports the angular error in degrees between predicted and
// true 3-D gaze vectors (mean over seeds per image, same bootstrap).
// The shifted-mask control moves only the input masks by `leak_shift` px to
// the right, re-runs every mask-reading condition and reports how far the
// predictions move: a method that paints the mask into the image moves them.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/data/eye_formats.h"
#include "apps/data/synth_eyes.h"
#include "core/io/json.h"
#include "models/pupil_regressor.h"
#include "models/transform_net.h"

namespace mgst::eval {

struct RegressorTrainConfig {
  // height/width are taken from the samples; empty channels = automatic:
  // 16, 32, 64, then 64 per extra stage until the last map is <= 6 rows
  // (keeps the linear head small: at 72x96, 9x12x64 inputs did not train).
  models::PupilRegressorConfig net{0, 0, {}, 64};
  // A cap: with early stopping (patience > 0) training ends when the error on
  // a validation split of the training images (every round(1/val_fraction)-th,
  // at least 10 images in all) has not improved for `patience` checks, one
  // every `eval_every` steps, and the best checked weights are kept.
  int steps = 3000;
  int eval_every = 100;
  int patience = 5;
  double val_fraction = 0.15;
  int batch = 16;
  double lr = 2e-3;  // Adam, cosine decay to 0 over `steps`
  // Geometric augmentation (on by default): a random translation of up to
  // max_shift px (edge-padded) and a horizontal flip (x -> W-1-x, yaw -> -yaw).
  bool geometric = true;
  int max_shift = 3;
  // More geometric augmentation (off at 0; with `geometric`): a turn by up to
  // max_rotate_deg degrees and a scale in [1 - max_scale, 1 + max_scale]
  // about the image centre, before the translation (rotate_scale; the centre
  // moves with the image, the gaze turns with it: data::rotate_gaze).
  double max_rotate_deg = 0;
  double max_scale = 0;
  // Colour augmentation (off by default: it hides the very domain gap a
  // purifier must close): per-channel gain in [1-c, 1+c] and offset in
  // [-c/2, c/2], c = colour_jitter, clamped to [0, 1].
  bool colour = false;
  double colour_jitter = 0.2;
  // Weight of the gaze L2 term (on yaw, pitch / kGazeScale). Demo eyes, 3 seeds:
  // 0.3 kept the held-out centre error (1.29 px vs 1.30 without gaze) at
  // 4.9 deg; 1.0 gave 4.7 deg but 2.6 px.
  double gaze_weight = 0.3;
};

// How a regressor's training went.
struct RegressorTrainInfo {
  int steps_run = 0;          // optimiser steps taken (<= the cap)
  int best_step = 0;          // the step whose weights were kept
  int val_images = 0;         // size of the early-stopping split (0: none, ran to the cap)
  double best_val_px = -1.0;  // its mean error at best_step (px), -1 without a split
};

// Trains on `train` (all the same size); `loss_log` receives each step's loss
// (centre + gaze_weight * gaze). The gaze head is trained when every sample
// has gaze.
std::unique_ptr<models::PupilRegressor> train_regressor(const std::vector<data::EyeSample>& train,
                                                        const RegressorTrainConfig& cfg,
                                                        uint64_t seed, Device device,
                                                        std::vector<double>* loss_log = nullptr,
                                                        RegressorTrainInfo* info = nullptr);

// The built-in eyes (apps/data/synth_eyes.h) as labelled samples named
// PREFIX000, PREFIX001, ...; the mask is the eyelid opening (`eye_region`)
// or the iris + pupil.
std::vector<data::EyeSample> eye_samples(const std::vector<data::SynthEye>& set, bool eye_region,
                                         const std::string& prefix);

// The built-in eyes' task network psi, as `taskeval --demo` and `mgst demo`
// train it for the purifier's task-network style term: the regressor of seed
// data_seed + kDemoPsiSeedOffset (outside the scoring regressors' seeds) on
// the demo's synthetic training eyes (240 at HxW, the set `taskeval --demo`
// trains its scorers on), written to `path` with its seed and steps in the
// metadata (`mgst train --task-net path`).
constexpr uint64_t kDemoPsiSeedOffset = 1000;
std::vector<data::EyeSample> demo_synthetic_train(int height, int width, uint64_t data_seed,
                                                  bool eye_region);
RegressorTrainInfo train_task_network(const std::vector<data::EyeSample>& synthetic,
                                      const RegressorTrainConfig& cfg, uint64_t seed, Device device,
                                      const std::string& path);

// Predicted centres in pixels of the images' own frame; images are clamped to
// [0, 1] first (as when written to files). `gaze` (needs a gaze head)
// receives the predicted gaze in radians.
std::vector<data::Point2> predict_centres(const models::PupilRegressor& net,
                                          const std::vector<data::ImageF>& images, int batch = 32,
                                          std::vector<data::Gaze>* gaze = nullptr);

// Euclidean distances to each sample's (cx, cy).
std::vector<double> pixel_errors(const std::vector<data::Point2>& pred,
                                 const std::vector<data::EyeSample>& truth);
// Angles (degrees) to each sample's gaze.
std::vector<double> gaze_errors(const std::vector<data::Gaze>& pred,
                                const std::vector<data::EyeSample>& truth);

double mean_of(const std::vector<double>& v);
double median_of(std::vector<double> v);
struct Interval {
  double low = 0, high = 0;
};
// Percentile bootstrap interval of the mean (resampling the entries).
Interval bootstrap_mean_ci(const std::vector<double>& v, int resamples, uint64_t seed,
                           double level = 0.95);

// Masks moved `dx` px to the right (zeros enter at the left).
data::ImageF shift_mask(const data::ImageF& mask, int dx);

struct TaskEvalConfig {
  RegressorTrainConfig regressor;
  int seeds = 3;
  uint64_t seed = 0;  // regressor seeds are seed, seed+1, ...
  int leak_shift = 12;
  int bootstrap = 2000;
  Device device = Device::cpu();
  // METHOD.md "No scoring with the loss network": seeds never used for the
  // scoring regressors (the seed of the task network a purifier was trained
  // with); the regressor seeds are the first `seeds` of seed, seed+1, ... not
  // listed here.
  std::vector<uint64_t> exclude_seeds;
  // That task network, when at hand: it is checked never to be one of the
  // scorers, and its own score is reported apart, marked.
  const models::PupilRegressor* loss_network = nullptr;
  std::string save_regressor;  // write the first seed's regressor here ("" = none)
  // A folder of trained scoring regressors, keyed by a hash of the training
  // images, their centres, the regressor settings and the seed: a run that
  // finds its key loads the regressor instead of training it ("" = none).
  std::string regressor_cache;
  std::string csv;      // per-image table ("" = none)
  bool verbose = true;  // progress to stderr
};

struct TaskEvalData {
  std::vector<data::EyeSample> train;  // synthetic domain, with ground truth
  std::vector<data::EyeSample>
      synthetic_test;                      // held-out synthetic (in-domain check; may be empty)
  std::vector<data::EyeSample> real_test;  // real domain, with ground truth
  std::vector<data::EyeSample> style;      // the style set for the colour baselines
};

// Runs everything; `purifier` may be null (then no "purified" entry).
// Returns the report (see README "Does purification help the task?").
Json run_taskeval(const TaskEvalData& data, const models::TransformNet* purifier,
                  const TaskEvalConfig& cfg);

// The report as a small table.
void print_taskeval_table(const Json& report, std::FILE* out);

}  // namespace mgst::eval
