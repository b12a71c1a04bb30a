// mgst train: METHOD.md's training loop on the user's data.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/train/distributed.h"
#include "apps/train/run_dir.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"

namespace mgst::cli {

namespace {

using train::TrainConfig;

std::vector<OptionSpec> train_option_specs() {
  std::vector<OptionSpec> specs = {
      {"--content", "DIR", "", "real images (content), a directory or one file"},
      mask_file_option("--masks", "DIR"),
      {"--style", "DIR", "", "synthetic style images"},
      mask_file_option("--style-masks", "DIR"),
      {"--val-content", "DIR", "",
       "held-out real images: validation loss (no gradients, mean style target) in log.csv at "
       "each checkpoint; also the rows of samples/ and before_after.png"},
      mask_file_option("--val-masks", "DIR"),
      {"--vgg", "FILE", "", "VGG-19 weights (safetensors, torchvision keys); none: random VGG"},
      {"--size", "HxW", "96x128", "training size (H and W multiples of 4)"},
      {"--crop", "MODE", "center", "eye[:F] | center | random"},
      {"--style-target", "MODE", "mean", "mean (style-set mean Grams) | paired"},
      {"--residual", "", "", "predict a correction y = x + c4(...) (the default)"},
      {"--no-residual", "", "", "plain Johnson net y = c4(...)"},
      {"--warmup-steps", "N", "100", "linear learning-rate warm-up"},
      {"--batch", "N", "4",
       "batch size (under mpirun: the global batch, split evenly over the ranks)"},
      {"--steps", "N", "200", "total optimisation steps"},
      {"--lr", "X", "1e-3", "Adam learning rate"},
      {"--seed", "N", "0", "seed of the initialisation and the data order"},
      {"--checkpoint-every", "K", "100",
       "write RUN_DIR/checkpoint.safetensors (and redraw loss.png) every K steps; 0: at the end"},
      {"--keep-checkpoints", "K", "0",
       "also keep the last K checkpoints as RUN_DIR/checkpoint_<step>.safetensors"},
      {"--log-every", "N", "1", "a step line every N steps (and at the last step)"},
      {"--sample-every", "K", "0",
       "every K steps write RUN_DIR/samples/step_<s>.png (input | purified | style) for the first "
       "4 --val-content (else content) images; 0: none"},
      device_option("auto"),
      precision_option(),
      no_cuda_graph_option(),
      {"--out", "RUN_DIR", "",
       "run directory: checkpoint, log.csv, loss.png, before_after.png (must not hold a run)"},
      {"--overwrite", "", "", "start a new run in an --out directory that holds one (deletes it)"},
      {"--resume", "RUN_DIR", "",
       "continue the run in RUN_DIR with its saved config; flags that keep the model (data paths, "
       "--steps, --lr, --warmup-steps, --batch, --device, --precision, intervals) override it"},
      {"--detect-anomaly", "", "", "check every op's output and gradient for NaN/Inf"},
      {"--skip-bad", "", "",
       "skip unreadable or mismatched image/mask pairs with a warning (default: error)"},
      {"--quiet", "", "", "no per-step lines"},
  };
  append(specs, mask_option_specs());
  specs.push_back({"--style-attention-labels", "L1,L2,..", "(--attention-labels)",
                   "the attention labels of the style masks (0/255 masks from `mgst masks`: 255)"});
  append(specs, loss_option_specs());
  append(specs,
         {
             {"--task-net", "FILE", "",
              "a frozen task network (`mgst taskeval --save-regressor FILE`) as a second loss "
              "network: adds the task-network style term L_psi (METHOD.md)"},
             {"--task-style-weight", "W|auto", "0",
              "weight w_psi of L_psi (0: off); auto: w_psi L_psi = w_s L_s at the identity on "
              "the first batch"},
             {"--task-layers", "L,..", "",
              "task-network layers of L_psi: s1,s2,.. (default: every stage)"},
         });
  return specs;
}

std::string absolute_path(const std::string& p) {
  return p.empty() ? p : std::filesystem::absolute(p).lexically_normal().string();
}

// Every setting from the flags, defaults where not given. Data paths are made
// absolute, so a resume from another directory finds them.
TrainConfig config_from_flags(const ArgParser& a) {
  TrainConfig c;
  c.content = absolute_path(a.get("--content"));
  c.masks = absolute_path(a.get("--masks"));
  c.style = absolute_path(a.get("--style"));
  c.style_masks = absolute_path(a.get("--style-masks"));
  c.val_content = absolute_path(a.get("--val-content"));
  c.val_masks = absolute_path(a.get("--val-masks"));
  c.vgg = absolute_path(a.get("--vgg"));
  std::tie(c.height, c.width) = data::parse_size(a.get("--size"));
  c.crop = a.get("--crop");
  c.style_target = a.get("--style-target");
  c.residual = !a.flag("--no-residual");
  c.warmup_steps = a.get_int("--warmup-steps");
  c.batch = a.get_int("--batch");
  c.steps = a.get_int("--steps");
  c.lr = a.get_double("--lr");
  c.seed = uint64_t(a.get_int("--seed"));
  c.checkpoint_every = a.get_int("--checkpoint-every");
  c.keep_checkpoints = a.get_int("--keep-checkpoints");
  c.log_every = a.get_int("--log-every");
  c.sample_every = a.get_int("--sample-every");
  c.device = a.get("--device");
  c.precision = a.get("--precision");
  c.out = a.get("--out");
  c.quiet = a.flag("--quiet");
  c.skip_bad = a.flag("--skip-bad");
  c.cuda_graph = !a.flag("--no-cuda-graph");
  c.content_masks = mask_options_from(a);
  c.style_mask_options = c.content_masks;
  if (a.given("--style-attention-labels")) {
    c.style_mask_options.attention_labels = a.get_ints("--style-attention-labels");
    for (int l : c.style_mask_options.attention_labels)
      if (l < 0 || l > 255)
        throw UsageError("--style-attention-labels: " + std::to_string(l) + " is not in 0..255");
  }
  if (!c.style_mask_options.ignore_labels.empty() && c.style_mask_options.attention_labels.empty())
    throw UsageError("--ignore-labels needs label-map style masks: also give --attention-labels");
  c.style_mask_options.ignore_black = a.flag("--ignore-black");
  c.content_masks.ignore_black = false;  // METHOD.md "Data": --ignore-black is for style images
  c.loss = loss_config_from(a);
  c.task_net = absolute_path(a.get("--task-net"));
  if (a.get("--task-style-weight") == "auto") {
    c.loss.task_style_weight_auto = true;
  } else {
    c.loss.w_task_style = a.get_double("--task-style-weight");
    if (!(c.loss.w_task_style >= 0) || !std::isfinite(c.loss.w_task_style))
      throw UsageError("--task-style-weight: expected a number >= 0 or auto");
  }
  if (a.given("--task-layers")) {
    std::stringstream ss(a.get("--task-layers"));
    for (std::string item; std::getline(ss, item, ',');) c.loss.task_layers.push_back(item);
  }
  if (c.steps < 0) throw UsageError("--steps must be >= 0");
  return c;
}

// A new run's task-network flags go together (on --resume they cannot change).
void check_task_flags(const TrainConfig& c) {
  if (c.task_net.empty() &&
      (c.loss.w_task_style != 0 || c.loss.task_style_weight_auto || !c.loss.task_layers.empty()))
    throw UsageError("--task-style-weight and --task-layers need --task-net FILE");
  if (!c.task_net.empty() && c.loss.w_task_style == 0 && !c.loss.task_style_weight_auto)
    throw UsageError("--task-net " + c.task_net + " needs --task-style-weight W (> 0) or auto");
}

std::string text(const std::string& s) { return s.empty() ? "(none)" : s; }
std::string text(bool b) { return b ? "on" : "off"; }
template <class T>
std::string text(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
template <class T>
std::string text(const std::vector<T>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + text(x);
  return s.empty() ? "(none)" : s;
}

// One setting of the config as --resume sees it: the flags that set it,
// whether it may change without changing the model or the objective, how it
// prints, and how it is copied from the command line's config.
struct Setting {
  std::vector<std::string> flags;
  bool keeps_model;
  std::string (*show)(const TrainConfig&);
  void (*copy)(TrainConfig& to, const TrainConfig& from);
};

template <auto Member>
Setting field(std::vector<std::string> flags, bool keeps_model) {
  return {std::move(flags), keeps_model, [](const TrainConfig& c) { return text(c.*Member); },
          [](TrainConfig& to, const TrainConfig& from) { to.*Member = from.*Member; }};
}

// A setting of the style masks' options (TrainConfig::style_mask_options),
// refused on --resume.
template <auto Member>
Setting style_mask_field(std::string flag) {
  return {{std::move(flag)},
          false,
          [](const TrainConfig& c) { return text(c.style_mask_options.*Member); },
          [](TrainConfig& to, const TrainConfig& from) {
            to.style_mask_options.*Member = from.style_mask_options.*Member;
          }};
}

// A setting of the loss configuration (TrainConfig::loss), refused on --resume.
template <auto Member>
Setting loss_field(std::string flag) {
  return {{std::move(flag)},
          false,
          [](const TrainConfig& c) { return text(c.loss.*Member); },
          [](TrainConfig& to, const TrainConfig& from) { to.loss.*Member = from.loss.*Member; }};
}

const std::vector<Setting>& settings() {
  using C = TrainConfig;
  static const std::vector<Setting> all = {
      field<&C::content>({"--content"}, true),
      field<&C::masks>({"--masks"}, true),
      field<&C::style>({"--style"}, true),
      field<&C::style_masks>({"--style-masks"}, true),
      field<&C::val_content>({"--val-content"}, true),
      field<&C::val_masks>({"--val-masks"}, true),
      field<&C::warmup_steps>({"--warmup-steps"}, true),
      field<&C::batch>({"--batch"}, true),
      field<&C::steps>({"--steps"}, true),
      field<&C::lr>({"--lr"}, true),
      field<&C::checkpoint_every>({"--checkpoint-every"}, true),
      field<&C::keep_checkpoints>({"--keep-checkpoints"}, true),
      field<&C::log_every>({"--log-every"}, true),
      field<&C::sample_every>({"--sample-every"}, true),
      field<&C::device>({"--device"}, true),
      field<&C::precision>({"--precision"}, true),
      field<&C::skip_bad>({"--skip-bad"}, true),
      field<&C::cuda_graph>({"--no-cuda-graph"}, true),
      // These define the model or the objective: refused on --resume.
      field<&C::vgg>({"--vgg"}, false),
      {{"--size"},
       false,
       [](const C& c) { return std::to_string(c.height) + "x" + std::to_string(c.width); },
       [](C& to, const C& from) { to.height = from.height, to.width = from.width; }},
      field<&C::crop>({"--crop"}, false),
      field<&C::style_target>({"--style-target"}, false),
      {{"--residual", "--no-residual"},
       false,
       [](const C& c) { return std::string(c.residual ? "--residual" : "--no-residual"); },
       [](C& to, const C& from) { to.residual = from.residual; }},
      {{"--seed"},
       false,
       [](const C& c) { return std::to_string(c.seed); },
       [](C& to, const C& from) { to.seed = from.seed; }},
      {{"--loss-weights"},
       false,
       [](const C& c) {
         return text(
             std::vector<double>{c.loss.w_content, c.loss.w_style, c.loss.w_task, c.loss.w_tv});
       },
       [](C& to, const C& from) {
         to.loss.w_content = from.loss.w_content, to.loss.w_style = from.loss.w_style;
         to.loss.w_task = from.loss.w_task, to.loss.w_tv = from.loss.w_tv;
       }},
      loss_field<&losses::LossConfig::style_layers>("--style-layers"),
      {{"--style-layer-weights"},
       false,
       [](const C& c) {
         return c.loss.style_layer_weights_auto ? std::string("auto")
                                                : text(c.loss.style_layer_weights);
       },
       [](C& to, const C& from) {
         to.loss.style_layer_weights = from.loss.style_layer_weights;
         to.loss.style_layer_weights_auto = from.loss.style_layer_weights_auto;
       }},
      field<&C::task_net>({"--task-net"}, false),
      {{"--task-style-weight"},
       false,
       [](const C& c) {
         return c.loss.task_style_weight_auto ? std::string("auto") : text(c.loss.w_task_style);
       },
       [](C& to, const C& from) {
         to.loss.w_task_style = from.loss.w_task_style;
         to.loss.task_style_weight_auto = from.loss.task_style_weight_auto;
       }},
      loss_field<&losses::LossConfig::task_layers>("--task-layers"),
      {{"--content-layer"},
       false,
       [](const C& c) { return c.loss.content_layer; },
       [](C& to, const C& from) { to.loss.content_layer = from.loss.content_layer; }},
      loss_field<&losses::LossConfig::lambda_att>("--lambda-att"),
      {{"--attention-labels"},
       false,
       [](const C& c) { return text(c.content_masks.attention_labels); },
       [](C& to, const C& from) { to.content_masks = from.content_masks; }},
      style_mask_field<&data::MaskOptions::attention_labels>("--style-attention-labels"),
      {{"--ignore-labels"},
       false,
       [](const C& c) { return text(c.content_masks.ignore_labels); },
       [](C& to, const C& from) {
         to.content_masks.ignore_labels = from.content_masks.ignore_labels;
         to.style_mask_options.ignore_labels = from.style_mask_options.ignore_labels;
       }},
      style_mask_field<&data::MaskOptions::ignore_black>("--ignore-black"),
  };
  return all;
}

// --resume: the flags given on the command line change the saved config,
// one printed line per change; a flag that would change the model or the
// objective is refused (the same value as saved is accepted silently).
void apply_resume_overrides(const ArgParser& a, const TrainConfig& given, TrainConfig& saved,
                            const std::string& run_dir) {
  for (const Setting& s : settings()) {
    std::string flag;
    for (const auto& f : s.flags)
      if (a.given(f)) flag = f;
    if (flag.empty()) continue;
    const std::string before = s.show(saved), after = s.show(given);
    if (before == after) continue;
    // A switch pair (--residual / --no-residual) shows as the flag itself.
    const bool is_switch = s.flags.size() > 1;
    if (!s.keeps_model)
      throw UsageError((is_switch ? flag : flag + " " + after) +
                       ": cannot change on --resume, it changes the model or the objective (the "
                       "run in " +
                       run_dir + " was trained with " +
                       (is_switch ? before : s.flags[0] + " " + before) +
                       "); start a new run (--out NEW_DIR) to train with it");
    std::printf("resume: %s %s -> %s\n", flag.c_str(), before.c_str(), after.c_str());
    s.copy(saved, given);
  }
  saved.quiet = given.quiet;  // how to print is this invocation's choice, not the checkpoint's
}

int train_command(const std::vector<std::string>& args) {
  ArgParser a("train --content DIR --style DIR --out RUN_DIR [options]",
              "Trains the mask-guided purifier (docs/METHOD.md, \"Training\"). On 2 CPU cores a\n"
              "step at 96x128 takes seconds: CPU runs are smoke-scale; a useful purifier needs\n"
              "tens of thousands of steps on a GPU. The first Ctrl-C (SIGINT) or SIGTERM stops\n"
              "after the current step with a checkpoint (exit 130); a second aborts at once.\n"
              "Data-parallel: mpirun -np N mgst train ... runs N ranks (one GPU each on CUDA);\n"
              "--batch is the global batch, split evenly over them; rank 0 prints and writes\n"
              "the run directory; each rank uses cores/ranks CPU threads unless OMP_NUM_THREADS\n"
              "is set (docs/SCALING.md).",
              train_option_specs());
  if (!a.parse(args)) return 0;
  Tape::current().set_detect_anomaly(a.flag("--detect-anomaly"));
  if (a.flag("--residual") && a.flag("--no-residual"))
    throw UsageError("--residual and --no-residual exclude each other");
  const TrainConfig given = config_from_flags(a);
  std::unique_ptr<train::Trainer> t;
  if (a.given("--resume")) {
    const std::string run_dir = a.get("--resume");
    if (a.given("--out"))
      throw UsageError("--out with --resume: the run continues in " + run_dir +
                       " (to branch it, copy the directory and resume the copy)");
    if (a.flag("--overwrite")) throw UsageError("--overwrite with --resume: nothing is replaced");
    t = train::Trainer::resume(run_dir, [&](TrainConfig& saved) {
      apply_resume_overrides(a, given, saved, run_dir);
    });
    std::printf("resuming %s at step %lld of %d\n", run_dir.c_str(), (long long)t->steps_done(),
                t->config().steps);
  } else {
    TrainConfig c = given;
    c.content = absolute_path(a.require("--content"));
    c.style = absolute_path(a.require("--style"));
    c.out = a.require("--out");
    check_task_flags(c);
    train::refuse_to_overwrite(c.out, a.flag("--overwrite"));
    t = std::make_unique<train::Trainer>(c);
    // Only now, with the new run's data checked, is the old one removed.
    if (a.flag("--overwrite")) train::clear_run(c.out);
    if (train::world().root()) t->balance_report();
  }
  return t->run() == train::Trainer::RunEnd::Interrupted ? 130 : 0;
}

}  // namespace

int cmd_train(const std::vector<std::string>& args) {
  return run_as_rank("train", [&] { return train_command(args); });
}

}  // namespace mgst::cli
