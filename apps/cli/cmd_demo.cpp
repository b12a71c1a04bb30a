// mgst demo: the flags of apps/train/demo.h; the task network is trained
// here (apps/eval, above apps/train).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/dataset.h"
#include "apps/eval/taskeval.h"
#include "apps/train/demo.h"
#include "core/io/fileio.h"

namespace mgst::cli {

int cmd_demo(const std::vector<std::string>& args) {
  ArgParser a(
      "demo [--out DIR] [--device cpu|cuda]",
      "Generates a built-in eye dataset (no downloads), trains a pupil regressor on its\n"
      "synthetic eyes as the task network, trains the purifier on it with METHOD's weights\n"
      "(1,1e4,10,0.1), auto style-layer weights and the task-network style term (w_psi auto),\n"
      "purifies held-out real-like eyes and writes DIR/before_after.png, DIR/loss.png,\n"
      "DIR/log.csv, DIR/checkpoint.safetensors, DIR/task_net.safetensors and\n"
      "DIR/summary.json. This is the purifier `mgst taskeval --demo` trains and scores\n"
      "(docs/RESULTS.md: purified beat raw there). On 2 busy CPU cores it took 14 min, the\n"
      "task network 12 of them (README); --no-task-net skips it.",
      {
          {"--out", "DIR", "demo_out", "output directory"},
          device_option("auto"),
          precision_option(),
          {"--steps", "N", "150", "purifier training steps"},
          {"--size", "HxW", "48x64", "image size"},
          {"--count", "N", "48", "generated images per domain"},
          {"--seed", "N", "0", "seed of the generated data and the training"},
          {"--mask-region", "R", "eye",
           "attention region: eye (eyelid opening) or iris (iris + pupil)"},
          {"--task-net-steps", "N", "3000",
           "the task network's training steps: the cap (early stopping, as taskeval --steps)"},
          {"--no-task-net", "", "",
           "no task network: VGG style terms only (faster; on the built-in eyes that purifier "
           "made the task worse, docs/RESULTS.md)"},
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
  if (!a.flag("--no-task-net")) {
    // psi as `taskeval --demo` trains it: its synthetic training eyes and seed.
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t psi_seed = c.seed + eval::kDemoPsiSeedOffset;
    std::printf("training the task network (pupil regressor seed %llu on 240 synthetic eyes)...\n",
                (unsigned long long)psi_seed);
    std::fflush(stdout);
    ensure_directory(c.out);
    c.task_net = std::filesystem::absolute(c.out + "/task_net.safetensors").string();
    eval::RegressorTrainConfig rc;  // taskeval's defaults
    rc.steps = a.get_int("--task-net-steps");
    if (rc.steps < 1) throw UsageError("--task-net-steps must be >= 1");
    const auto ri = eval::train_task_network(eval::demo_synthetic_train(c.height, c.width, c.seed,
                                                                        c.eye_region),
                                             rc, psi_seed, device_from(a), c.task_net);
    std::printf("task network: %d steps (kept %d), validation error %.2f px, %.0f s: %s\n",
                ri.steps_run, ri.best_step, ri.best_val_px,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                c.task_net.c_str());
  }
  train::run_demo(c);
  return 0;
}

}  // namespace mgst::cli
