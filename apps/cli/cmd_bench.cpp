// mgst bench: the flags of apps/eval/bench.h's runner.
#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/dataset.h"
#include "apps/eval/bench.h"

namespace mgst::cli {

namespace {
int bench_command(const std::vector<std::string>& args) {
  ArgParser a(
      "bench [--device cpu|cuda|auto] [--size S|HxW] [--batch B] [--steps N] [--warmup N] [--json]",
      "Times one full training step (transform net forward, the losses of docs/METHOD.md with\n"
      "VGG-19 up to "
      "relu4_1, backward, Adam) and inference (transform net forward, no autograd) on\n"
      "synthetic in-memory inputs (random images, blob masks; seeded random VGG, which\n"
      "costs the same as a pretrained one). Reports the median of the timed repeats after\n"
      "warm-up, images/s, peak memory, and a per-op breakdown from one extra step traced\n"
      "with the autograd tape (each op synchronised and timed; not part of the median).\n"
      "On CUDA the step is the trainer's: replayed as a CUDA Graph after a warm-up step and\n"
      "its capture (both untimed); it reports launches, host syncs and graph use per step.\n"
      "CPU threads: OMP_NUM_THREADS. Progress goes to stderr; with --json stdout holds one\n"
      "JSON object only. bench/compare_pytorch.py puts it beside bench/pytorch_reference.py.\n"
      "Under mpirun -np N each rank times --batch images per step and averages the gradient\n"
      "block over the ranks as mgst train does; rank 0 reports images/s per rank and in\n"
      "total and the all-reduce time per step (docs/SCALING.md).",
      {
          device_option("auto"),
          precision_option(),
          {"--size", "S|HxW", "256", "image size (square S or HxW; multiples of 4)"},
          {"--batch", "B", "4", "batch size (under mpirun: per rank)"},
          {"--steps", "N", "5", "timed training steps (median reported)"},
          {"--warmup", "N", "1",
           "untimed warm-up steps before each timing (train and inference; with CUDA graphs at "
           "least 2: the eager step and the capture)"},
          {"--infer-steps", "N", "10", "timed inference repeats (median reported)"},
          {"--no-trace", "", "", "skip the traced step and the per-op breakdown"},
          no_cuda_graph_option(),
          {"--top", "K", "15", "rows of the by-shape breakdown to print / put in the JSON"},
          {"--seed", "N", "0", "seed of the inputs and of the weights"},
          {"--json", "", "", "print one JSON object on stdout (progress stays on stderr)"},
      });
  if (!a.parse(args)) return 0;
  eval::BenchConfig c;
  c.device = device_from(a);
  std::tie(c.height, c.width) = data::parse_size(a.get("--size"));
  c.batch = a.get_int("--batch"), c.steps = a.get_int("--steps");
  c.warmup = a.get_int("--warmup"), c.infer_steps = a.get_int("--infer-steps");
  c.top = a.get_int("--top");
  c.seed = uint64_t(a.get_int("--seed"));
  c.json = a.flag("--json"), c.trace = !a.flag("--no-trace");
  c.cuda_graph = !a.flag("--no-cuda-graph");
  if (c.height % 4 || c.width % 4 || c.height < 16 || c.width < 16)
    throw UsageError("--size " + a.get("--size") + ": H and W must be multiples of 4, at least 16");
  if (c.batch < 1) throw UsageError("--batch must be >= 1");
  if (c.steps < 1 || c.infer_steps < 1) throw UsageError("--steps and --infer-steps must be >= 1");
  if (c.warmup < 0) throw UsageError("--warmup must be >= 0");
  eval::run_bench(c);
  return 0;
}
}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
  return run_as_rank("bench", [&] { return bench_command(args); });
}

}  // namespace mgst::cli
