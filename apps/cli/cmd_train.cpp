// mgst train: METHOD.md's training loop on the user's data.
#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"

namespace mgst::cli {

int cmd_train(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--content", "DIR", "", "real images (content), a directory or one file"},
      {"--masks", "DIR", "", "their masks, matched by file stem (none: m = 1)"},
      {"--style", "DIR", "", "synthetic style images"},
      {"--style-masks", "DIR", "", "their masks (none: m = 1)"},
      {"--vgg", "FILE", "", "VGG-19 weights (safetensors, torchvision keys); none: random VGG"},
      {"--size", "HxW", "96x128", "training size (H and W multiples of 4)"},
      {"--crop", "MODE", "center", "eye[:F] | center | random"},
      {"--style-target", "MODE", "mean", "mean (style-set mean Grams) | paired"},
      {"--residual", "", "", "predict a correction y = x + c4(...) (the default)"},
      {"--no-residual", "", "", "plain Johnson net y = c4(...)"},
      {"--warmup-steps", "N", "100", "linear learning-rate warm-up"},
      {"--batch", "N", "4", "batch size"},
      {"--steps", "N", "200", "total optimisation steps"},
      {"--lr", "X", "1e-3", "Adam learning rate"},
      {"--seed", "N", "0", "seed of the initialisation and the data order"},
      {"--checkpoint-every", "K", "100", "write RUN_DIR/checkpoint.safetensors every K steps"},
      device_option("auto"),
      {"--out", "RUN_DIR", "", "run directory: checkpoint, log.csv, loss.png"},
      {"--resume", "RUN_DIR", "",
       "continue the run in RUN_DIR (its saved config; --steps may raise the total)"},
      {"--detect-anomaly", "", "", "check every op's output and gradient for NaN/Inf"},
      {"--skip-bad", "", "",
       "skip unreadable or mismatched image/mask pairs with a warning (default: error)"},
      {"--quiet", "", "", "no per-step lines"},
  };
  append(specs, mask_option_specs());
  append(specs, loss_option_specs());
  ArgParser a("train --content DIR --style DIR --out RUN_DIR [options]",
              "Trains the mask-guided purifier (docs/METHOD.md, \"Training\"). On 2 CPU cores a\n"
              "step at 96x128 takes seconds: CPU runs are smoke-scale; a useful purifier needs\n"
              "tens of thousands of steps on a GPU.",
              specs);
  if (!a.parse(args)) return 0;
  Tape::current().set_detect_anomaly(a.flag("--detect-anomaly"));
  std::unique_ptr<train::Trainer> t;
  if (a.given("--resume")) {
    t = train::Trainer::resume(a.get("--resume"), a.given("--steps") ? a.get_int("--steps") : 0,
                               a.flag("--quiet"));
    std::printf("resuming %s at step %lld of %d\n", a.get("--resume").c_str(),
                (long long)t->steps_done(), t->config().steps);
  } else {
    if (a.flag("--residual") && a.flag("--no-residual"))
      throw UsageError("--residual and --no-residual exclude each other");
    train::TrainConfig c;
    c.content = a.require("--content");
    c.masks = a.get("--masks");
    c.style = a.require("--style");
    c.style_masks = a.get("--style-masks");
    c.vgg = a.get("--vgg");
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
    c.device = a.get("--device");
    c.out = a.require("--out");
    c.quiet = a.flag("--quiet");
    c.skip_bad = a.flag("--skip-bad");
    c.content_masks = mask_options_from(a);
    c.style_mask_options = c.content_masks;
    c.style_mask_options.ignore_black = a.flag("--ignore-black");
    c.content_masks.ignore_black = false;  // METHOD.md "Data": --ignore-black is for style images
    c.loss = loss_config_from(a);
    if (c.steps < 0) throw UsageError("--steps must be >= 0");
    t = std::make_unique<train::Trainer>(c);
    t->balance_report();
  }
  t->run();
  return 0;
}

}  // namespace mgst::cli
