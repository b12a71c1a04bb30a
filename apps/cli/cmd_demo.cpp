// mgst demo: the flags of apps/train/demo.h.
#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/dataset.h"
#include "apps/train/demo.h"

namespace mgst::cli {

int cmd_demo(const std::vector<std::string>& args) {
  ArgParser a("demo [--out DIR] [--device cpu|cuda]",
              "Generates a built-in eye dataset (no downloads), trains the purifier on it,\n"
              "purifies held-out real-like eyes and writes DIR/before_after.png, DIR/loss.png,\n"
              "DIR/log.csv and DIR/checkpoint.safetensors. CPU-scale: a few minutes on 2 cores.",
              {
                  {"--out", "DIR", "demo_out", "output directory"},
                  device_option("auto"),
                  precision_option(),
                  {"--steps", "N", "200", "training steps"},
                  {"--size", "HxW", "72x96", "image size"},
                  {"--count", "N", "48", "generated images per domain"},
                  {"--seed", "N", "0", "seed of the generated data and the training"},
                  {"--mask-region", "R", "eye",
                   "attention region: eye (eyelid opening) or iris (iris + pupil)"},
              });
  if (!a.parse(args)) return 0;
  train::DemoConfig c;
  c.out = a.get("--out");
  std::tie(c.height, c.width) = data::parse_size(a.get("--size"));
  c.count = a.get_int("--count");
  c.seed = uint64_t(a.get_int("--seed"));
  if (c.count < 2) throw UsageError("--count must be >= 2");
  const std::string region = a.get("--mask-region");
  if (region != "eye" && region != "iris") throw UsageError("--mask-region: expected eye or iris");
  c.eye_region = region == "eye";
  c.steps = a.get_int("--steps");
  c.device = a.get("--device");
  c.precision = a.get("--precision");
  train::run_demo(c);
  return 0;
}

}  // namespace mgst::cli
