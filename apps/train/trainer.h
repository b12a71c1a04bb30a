// Training the purifier (METHOD.md "Training"): data, targets, the step, logs,
// checkpoints and resume. Used by `mgst train`, `mgst demo`, `mgst taskeval
// --demo` and the tests. The config is apps/train/config.h, the log
// apps/train/log_csv.h.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/train/config.h"
#include "apps/train/log_csv.h"
#include "losses/objective.h"
#include "losses/style_target.h"
#include "models/pupil_regressor.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::train {

class DeviceStep;

class Trainer {
 public:
  explicit Trainer(TrainConfig cfg);
  ~Trainer();
  // Continues from RUN_DIR/checkpoint.safetensors: its saved config, passed
  // through `adjust` first (the command line's overrides), then the weights,
  // Adam state and step. Truncates log.csv to the checkpoint's step.
  static std::unique_ptr<Trainer> resume(const std::string& run_dir,
                                         const std::function<void(TrainConfig&)>& adjust);
  // The same with only the total steps (if > 0) and quiet changed.
  static std::unique_ptr<Trainer> resume(const std::string& run_dir, int steps_override,
                                         bool quiet = false);

  // Prints METHOD.md's step-0 balance report (identity output and initial net).
  void balance_report();
  // Runs to cfg.steps, logging and checkpointing (with loss.png redrawn at
  // each checkpoint); writes before_after.png at the end. The first SIGINT or
  // SIGTERM ends the run after the current step (checkpoint, plots and the
  // resume command written and printed): Interrupted. A second one kills the
  // process at once; the atomic writes keep the last checkpoint.
  enum class RunEnd { Finished, Interrupted };
  RunEnd run();
  StepLog step();  // one optimisation step

  const TrainConfig& config() const { return cfg_; }
  models::TransformNet& net() { return *net_; }
  const models::Vgg19& vgg() const { return *vgg_; }
  const losses::StyleTarget& mean_target() const { return mean_target_; }
  // The task-network style term (net null without --task-net).
  losses::TaskStyleTerm task_style_term() const;
  int64_t steps_done() const { return step_; }
  Device device() const { return device_; }

  void save_checkpoint(const std::string& path) const;
  // The learning rate of step s: cfg.lr after the linear warm-up.
  double lr_at(int64_t s) const;
  // The loss on the --val-content set (no gradients), against the mean style target.
  LossValues validation_loss() const;
  // The (whole, global) batch of a step: a pure function of (seed, step), so
  // resume replays it, with any number of ranks.
  data::Batch batch_for_step(int64_t step, std::vector<int>* pairing) const;
  // Host half of batch_for_step (file decoding and crops), safe to run on the
  // loader thread ahead of the step: this rank's slice of the global batch
  // (apps/train/distributed.h), or all of it with `whole_batch`.
  struct HostBatch {
    std::vector<data::Sample> samples;
    std::vector<int> pairing;
    // The samples as one CPU batch, when the loader thread assembled them
    // already (run()); else step_with does, after a test edited a sample.
    data::Batch assembled;
  };
  HostBatch load_step(int64_t step, bool whole_batch = false) const;
  // The next step on a given batch (step() is step_with(load_step(next))).
  // Public for tests that hand it a batch of their own, e.g. with a NaN.
  StepLog step_with(const HostBatch& hb);

 private:
  void setup();
  void load_fixed_sets();
  // --task-net: loads psi (frozen), resolves its layers, its mean target.
  void setup_task_net();
  // The `auto` weights (--style-layer-weights, --task-style-weight) from the
  // first batch at the identity, when the config does not hold them yet.
  void resolve_auto_weights();
  // Step 1's batch, its regions and style target (the balance report's and
  // the `auto` weights' batch).
  struct FirstBatch {
    data::Batch batch;
    losses::RegionWeights regions;
    losses::StyleTarget target;
  };
  FirstBatch first_batch() const;
  void print_step(const StepLog& r, double elapsed_s, double eta_s) const;
  // checkpoint.safetensors, the kept copy (--keep-checkpoints) and loss.png.
  void write_checkpoint_files() const;
  // The before/after grid of the fixed preview batch.
  void write_preview(const std::string& path) const;
  TrainConfig cfg_;
  Device device_;
  std::vector<data::SampleSource> content_, style_;
  data::CropOptions crop_;
  std::unique_ptr<models::Vgg19> vgg_;
  std::unique_ptr<models::TransformNet> net_;
  std::unique_ptr<Adam> adam_;
  std::unique_ptr<DeviceStep> device_step_;  // after net_ and adam_: it holds references
  std::vector<losses::StyleGrams> style_grams_;
  losses::StyleTarget mean_target_;
  std::unique_ptr<models::PupilRegressor> task_net_;  // psi (--task-net), frozen
  losses::StyleTarget task_target_;                   // the style set's mean Grams of psi
  std::vector<data::Sample> val_;                     // --val-content, centre-cropped once
  // A fixed batch for samples/ and before_after.png: the first validation
  // images, else the first content images; beside them the first style images.
  std::vector<data::Sample> preview_, preview_styles_;
  LogColumns log_columns_;  // log.csv's optional columns
  int64_t step_ = 0;
  std::vector<StepLog> log_;
};

}  // namespace mgst::train
