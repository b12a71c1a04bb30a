// Training the purifier (SPEC "Training"): data, targets, the step, logs,
// checkpoints and resume. Used by `mgst train`, `mgst demo` and the tests.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "apps/dataset.h"
#include "core/json.h"
#include "losses/objective.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::app {

struct TrainConfig {
  std::string content, masks, style, style_masks;  // files or directories
  std::string vgg;                                 // "" = seeded random VGG
  int height = 96, width = 128;
  std::string crop = "center";
  std::string style_target = "mean";               // mean | paired
  bool residual = true;
  int warmup_steps = 100;
  MaskOptions content_masks, style_mask_options;
  losses::LossConfig loss;
  int batch = 4;
  int steps = 200;
  double lr = 1e-3;
  uint64_t seed = 0;
  int checkpoint_every = 100;
  bool skip_bad = false;  // drop unreadable / mismatched pairs with a warning
  std::string device = "auto";
  std::string out;  // run directory
  bool quiet = false;

  Json to_json() const;
  static TrainConfig from_json(const Json& j);
};

struct StepLog {
  int64_t step;
  double content, style, task, tv, total, images_per_s;
};

class Trainer {
 public:
  explicit Trainer(TrainConfig cfg);
  ~Trainer();
  // Continues from RUN_DIR/checkpoint.safetensors (config taken from it;
  // `steps` may be raised). Truncates log.csv to the checkpoint's step.
  static std::unique_ptr<Trainer> resume(const std::string& run_dir, int steps_override,
                                         bool quiet = false);

  // Prints SPEC's step-0 balance report (identity output and initial net).
  void balance_report();
  // Runs to cfg.steps, logging and checkpointing; writes the plot at the end.
  void run();
  StepLog step();  // one optimisation step

  const TrainConfig& config() const { return cfg_; }
  models::TransformNet& net() { return *net_; }
  const models::Vgg19& vgg() const { return *vgg_; }
  const losses::StyleTarget& mean_target() const { return mean_target_; }
  int64_t steps_done() const { return step_; }
  Device device() const { return device_; }

  void save_checkpoint(const std::string& path) const;
  // The batch of a step: a pure function of (seed, step), so resume replays it.
  Batch batch_for_step(int64_t step, std::vector<int>* pairing) const;
  // Host half of batch_for_step (file decoding and crops), safe to run on the
  // loader thread ahead of the step.
  struct HostBatch {
    std::vector<Sample> samples;
    std::vector<int> pairing;
  };
  HostBatch load_step(int64_t step) const;

 private:
  void setup();
  StepLog step_with(const HostBatch& hb);
  TrainConfig cfg_;
  Device device_;
  std::vector<SampleSource> content_, style_;
  CropOptions crop_;
  std::unique_ptr<models::Vgg19> vgg_;
  std::unique_ptr<models::TransformNet> net_;
  std::unique_ptr<Adam> adam_;
  std::vector<losses::StyleGrams> style_grams_;
  losses::StyleTarget mean_target_;
  int64_t step_ = 0;
  std::vector<StepLog> log_;
};

// Reads a checkpoint or weights file into a transform net (residual mode
// from metadata, else `residual_fallback`).
// Training on the built-in generated eyes (`mgst demo`, `mgst taskeval
// --demo`): DATA/{real,real_masks,synthetic,synthetic_masks}, `steps` steps
// with a warm-up of a fifth (1..20), and the demo's loss weights (README):
// with the random VGG and a few hundred CPU steps, SPEC's w_s = 1e4 barely
// moves the images; 3e5 with a stronger TV term (3) moved them without
// artefacts in our trials.
TrainConfig demo_train_config(const std::string& data, int height, int width, int steps);

std::unique_ptr<models::TransformNet> load_transform(const std::string& path, Device device,
                                                     bool residual_fallback,
                                                     bool force_mode = false);

// The frozen loss network up to the deepest layer `loss` needs, from `path`
// (torchvision keys) or, when `path` is empty, the seeded random VGG-19 —
// announced loudly on stderr unless `quiet`.
std::unique_ptr<models::Vgg19> load_loss_vgg(const std::string& path,
                                             const losses::LossConfig& loss, Device device,
                                             bool quiet = false);

// Loads the style set at (H, W) and computes each image's Grams once.
std::vector<losses::StyleGrams> style_set_grams(const models::Vgg19& vgg,
                                                const std::vector<SampleSource>& style, int H,
                                                int W, const MaskOptions& masks,
                                                const CropOptions& crop,
                                                const std::vector<std::string>& layers,
                                                Device device);

void write_log_csv(const std::string& path, const std::vector<StepLog>& rows);
std::vector<StepLog> read_log_csv(const std::string& path);

}  // namespace mgst::app
