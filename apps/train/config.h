// The training run's settings (every `mgst train` flag), stored as JSON in
// each checkpoint's metadata so --resume and `mgst inspect` read them back.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "apps/data/dataset.h"
#include "core/device.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "losses/objective.h"

namespace mgst::train {

struct TrainConfig {
  std::string content, masks, style, style_masks;  // files or directories
  std::string vgg;                                 // "" = seeded random VGG
  std::string task_net;  // saved pupil regressor, psi of the task-network style term ("": none)
  int64_t task_net_seed = -1;  // its seed (from its metadata; -1 unknown): taskeval avoids it
  int height = 96, width = 128;
  std::string crop = "center";
  std::string style_target = "mean";  // mean | paired
  bool residual = true;
  int warmup_steps = 100;
  data::MaskOptions content_masks, style_mask_options;
  losses::LossConfig loss;
  int batch = 4;
  int steps = 200;
  double lr = 1e-3;
  uint64_t seed = 0;
  int checkpoint_every = 100;
  int keep_checkpoints = 0;            // also keep the last K as checkpoint_<step>.safetensors
  int log_every = 1;                   // a step line every N steps
  int sample_every = 0;                // RUN_DIR/samples/step_<s>.png every K steps (0: none)
  std::string val_content, val_masks;  // held-out set for validation loss ("": none)
  bool skip_bad = false;               // drop unreadable / mismatched pairs with a warning
  std::string device = "auto";
  std::string precision = kDefaultPrecision;  // CUDA arithmetic (core/device.h)
  bool cuda_graph = true;  // replay the step as a CUDA Graph (apps/train/device_step.h)
  std::string out;         // run directory
  bool quiet = false;

  Json to_json() const;
  static TrainConfig from_json(const Json& j);
};
// The config a checkpoint recorded (metadata "config"); none for a plain
// weights file. A config that does not parse is an error naming `path`.
std::optional<TrainConfig> saved_config(const SafetensorsFile& file, const std::string& path);

// Training on the built-in generated eyes (`mgst demo`, `mgst taskeval
// --demo`): DATA/{real,real_masks,synthetic,synthetic_masks}, `steps` steps
// with a warm-up of a fifth (1..20), METHOD.md's loss weights (1,1e4,10,0.1)
// and `auto` style-layer weights. docs/RESULTS.md chose them: with the task
// network added (task_net, w_psi auto) the purified built-in eyes beat raw
// for regressors that are not the task network. The earlier demo weights
// (w_s 3e5, w_tv 3) moved the images more but made the task worse.
TrainConfig demo_train_config(const std::string& data, int height, int width, int steps);

}  // namespace mgst::train
