// mgst bench: end-to-end throughput of the purifier on one device.
//
// Times a full training step exactly as `mgst train` runs it (transform-net
// forward, SPEC's losses with VGG-19 up to relu4_1 incl. the constant content
// target phi_c(x), backward, Adam) and inference (transform-net forward under
// NoGradGuard), on synthetic in-memory inputs (random image + a soft elliptic
// blob mask, a random style image with its own blob): no files needed, so the
// numbers measure compute only, not image decoding.
//
// Timing: `--warmup` untimed steps, then `--steps` timed steps; the median is
// reported (all samples too, in --json). Each step ends with a device
// synchronise and reads the loss back, as the trainer does.
// Then ONE extra step runs with the tape's tracing on (every op synchronised
// and timed, forward and backward) for the per-op breakdown; tracing adds a
// synchronise per op, so that step is reported separately and is not part of
// the median.
//
// Peak memory: CPU, mgst's tensor bytes (core/storage.h) peak over the timed
// training steps (weights, Adam state and style targets included); CUDA, the
// caching allocator's in-use peak. The process's max RSS is reported too, as
// it is the figure comparable with other frameworks.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "apps/commands.h"
#include "apps/dataset.h"
#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/json.h"
#include "core/ops.h"
#include "core/parameters.h"
#include "core/rng.h"
#include "core/storage.h"
#include "kernels/error.h"
#include "losses/objective.h"
#include "losses/regions.h"
#include "losses/style_target.h"
#include "models/transform_net.h"
#include "models/vgg19.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace mgst::app {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto c = line.find(':');
      if (c != std::string::npos) {
        std::string s = line.substr(c + 1);
        s.erase(0, s.find_first_not_of(" \t"));
        return s;
      }
    }
  }
  return "unknown CPU";
}

int cpu_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

std::size_t max_rss_bytes() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return std::size_t(ru.ru_maxrss) * 1024;  // Linux: KiB
}

// (N,3,H,W) uniform noise in [0,1): the content and style images.
Tensor random_image(int N, int H, int W, uint64_t seed, Device d) {
  Rng rng(seed);
  std::vector<float> v(std::size_t(N) * 3 * H * W);
  for (auto& x : v) x = float(rng.uniform());
  return Tensor::from_vector({N, 3, H, W}, v, d);
}

// (N,1,H,W) soft elliptic blobs (attention region about a quarter of the
// image, a 2-pixel soft edge), centre jittered per sample, so both regions
// are non-empty at every VGG layer used.
Tensor blob_mask(int N, int H, int W, uint64_t seed, Device d) {
  Rng rng(seed);
  std::vector<float> v(std::size_t(N) * H * W);
  for (int n = 0; n < N; ++n) {
    const double cy = H * rng.uniform(0.4, 0.6), cx = W * rng.uniform(0.4, 0.6);
    const double ry = std::max(2.0, H * 0.28), rx = std::max(2.0, W * 0.3);
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const double dy = (i + 0.5 - cy) / ry, dx = (j + 0.5 - cx) / rx;
        const double r = std::sqrt(dy * dy + dx * dx);  // 1 on the ellipse
        const double edge = (1.0 - r) * std::min(rx, ry) / 2.0;  // ~pixels inside / 2
        v[(std::size_t(n) * H + i) * W + j] = float(std::clamp(edge + 0.5, 0.0, 1.0));
      }
  }
  return Tensor::from_vector({N, 1, H, W}, v, d);
}

// Per-op aggregation of a traced step.
struct OpRow {
  std::string op, shape;  // shape only for the by-shape table
  int count = 0;
  double fwd_ms = 0, bwd_ms = 0;
  double fwd_flops = 0, bwd_flops = 0;  // bwd_flops: conv2d only (0 = unknown)
  double total() const { return fwd_ms + bwd_ms; }
};

// "9x9 4->32 264x264->256x256" for a conv, else the output shape.
std::string shape_key(const TraceEntry& e) {
  if (e.op == "conv2d" && e.input_shapes.size() >= 2 && e.input_shapes[0].size() == 4 &&
      e.input_shapes[1].size() == 4 && e.output_shape.size() == 4) {
    const Shape &x = e.input_shapes[0], &w = e.input_shapes[1], &y = e.output_shape;
    std::ostringstream os;
    os << w[2] << "x" << w[3] << " " << x[1] << "->" << w[0] << " " << x[2] << "x" << x[3] << "->"
       << y[2] << "x" << y[3];
    return os.str();
  }
  return shape_str(e.output_shape);
}

std::vector<OpRow> sorted_rows(std::map<std::string, OpRow>& m) {
  std::vector<OpRow> rows;
  for (auto& [k, r] : m) rows.push_back(r);
  std::sort(rows.begin(), rows.end(), [](const OpRow& a, const OpRow& b) {
    return a.total() > b.total();
  });
  return rows;
}

double gflops(double flops, double ms) { return ms > 0 && flops > 0 ? flops / ms / 1e6 : 0; }

Json row_json(const OpRow& r, double step_ms, bool with_shape) {
  Json j = Json::object();
  j["op"] = r.op;
  if (with_shape) j["shape"] = r.shape;
  j["count"] = r.count;
  j["forward_ms"] = r.fwd_ms;
  j["backward_ms"] = r.bwd_ms;
  j["total_ms"] = r.total();
  j["share"] = step_ms > 0 ? r.total() / step_ms : 0.0;
  j["forward_gflops"] = r.fwd_flops > 0 ? Json(gflops(r.fwd_flops, r.fwd_ms)) : Json();
  j["backward_gflops"] = r.bwd_flops > 0 ? Json(gflops(r.bwd_flops, r.bwd_ms)) : Json();
  return j;
}

std::string fmt_gflops(double flops, double ms) {
  if (flops <= 0) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", gflops(flops, ms));
  return b;
}

}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
  ArgParser a(
      "bench [--device cpu|cuda|auto] [--size S|HxW] [--batch B] [--steps N] [--warmup N] [--json]",
      "Times one full training step (transform net forward, SPEC's losses with VGG-19 up to\n"
      "relu4_1, backward, Adam) and inference (transform net forward, no autograd) on\n"
      "synthetic in-memory inputs (random images, blob masks; seeded random VGG, which\n"
      "costs the same as a pretrained one). Reports the median of the timed repeats after\n"
      "warm-up, images/s, peak memory, and a per-op breakdown from one extra step traced\n"
      "with the autograd tape (each op synchronised and timed; not part of the median).\n"
      "CPU threads: OMP_NUM_THREADS. Progress goes to stderr; with --json stdout holds one\n"
      "JSON object only. bench/compare_pytorch.sh puts it beside bench/pytorch_reference.py.",
      {
          {"--device", "D", "auto", "cpu | cuda | auto"},
          {"--size", "S|HxW", "256", "image size (square S or HxW; multiples of 4)"},
          {"--batch", "B", "4", "batch size"},
          {"--steps", "N", "5", "timed training steps (median reported)"},
          {"--warmup", "N", "1", "untimed warm-up steps before each timing (train and inference)"},
          {"--infer-steps", "N", "10", "timed inference repeats (median reported)"},
          {"--no-trace", "", "", "skip the traced step and the per-op breakdown"},
          {"--top", "K", "15", "rows of the by-shape breakdown to print / put in the JSON"},
          {"--seed", "N", "0", "seed of the inputs and of the weights"},
          {"--json", "", "", "print one JSON object on stdout (progress stays on stderr)"},
      });
  if (!a.parse(args)) return 0;
  const Device device = parse_device(a.get("--device"));
  const auto [H, W] = parse_size(a.get("--size"));
  const int N = a.get_int("--batch"), steps = a.get_int("--steps");
  const int warmup = a.get_int("--warmup"), infer_steps = a.get_int("--infer-steps");
  const int top = a.get_int("--top");
  const uint64_t seed = uint64_t(a.get_int("--seed"));
  const bool json = a.flag("--json"), trace = !a.flag("--no-trace");
  if (H % 4 || W % 4 || H < 16 || W < 16)
    throw UsageError("--size " + a.get("--size") + ": H and W must be multiples of 4, at least 16");
  if (N < 1) throw UsageError("--batch must be >= 1");
  if (steps < 1 || infer_steps < 1) throw UsageError("--steps and --infer-steps must be >= 1");
  if (warmup < 0) throw UsageError("--warmup must be >= 0");

  std::string description;
  if (device.is_cuda()) {
    description = cuda_description();
  } else {
    description = cpu_model_name() + ", " + std::to_string(cpu_threads()) + " threads";
  }
  std::fprintf(stderr, "mgst bench: %s (%s), %dx%d, batch %d, %d warm-up + %d timed steps\n",
               device.str().c_str(), description.c_str(), H, W, N, warmup, steps);

  // ---- model, loss network, optimiser, style target --------------------------
  const losses::LossConfig loss;  // SPEC's defaults
  const models::Vgg19 vgg(loss.deepest_layer(), "", device, seed);
  models::TransformNet net(/*residual=*/true, seed, device);
  Adam adam(net.parameters(), AdamConfig{1e-3f});
  const Tensor x = random_image(N, H, W, seed * 4 + 1, device);
  const Tensor m = blob_mask(N, H, W, seed * 4 + 2, device);
  const Tensor s = random_image(1, H, W, seed * 4 + 3, device);
  const Tensor ms = blob_mask(1, H, W, seed * 4 + 4, device);
  const losses::StyleTarget target = losses::mean_style_target(
      {losses::compute_style_grams(vgg, s, losses::make_regions(ms, Tensor()), loss.style_layers)},
      loss.style_layers);

  std::vector<double> losses_seen;
  // One training step as Trainer::step runs it (constant lr: warm-up only
  // scales a scalar).
  auto train_step = [&]() {
    const losses::RegionWeights regions = losses::make_regions(m, Tensor());
    const Tensor y = net.forward(x, m);
    const auto t = losses::compute_losses(vgg, loss, y, x, regions, target);
    t.total.backward();
    adam.step(1e-3f);
    net.parameters().zero_grad();
    losses_seen.push_back(double(t.total.item()));  // reads back: synchronises
    synchronize(device);
  };
  auto infer = [&]() {
    NoGradGuard no_grad;
    const Tensor y = net.forward(x, m);
    synchronize(device);
    return y;
  };
  auto reset_peak = [&]() {
#ifdef MGST_WITH_CUDA
    if (device.is_cuda()) return kernels::cuda::reset_peak_memory();
#endif
    reset_cpu_peak_bytes();
  };
  auto peak = [&]() -> std::size_t {
#ifdef MGST_WITH_CUDA
    if (device.is_cuda()) return kernels::cuda::memory_stats().peak;
#endif
    return cpu_peak_bytes();
  };

  // ---- training ----------------------------------------------------------------
  for (int i = 0; i < warmup; ++i) {
    const auto t0 = Clock::now();
    train_step();
    std::fprintf(stderr, "  warm-up train step %d/%d: %.1f ms\n", i + 1, warmup, ms_since(t0));
  }
  reset_peak();
  std::vector<double> train_ms;
  for (int i = 0; i < steps; ++i) {
    const auto t0 = Clock::now();
    train_step();
    train_ms.push_back(ms_since(t0));
    std::fprintf(stderr, "  train step %d/%d: %.1f ms\n", i + 1, steps, train_ms.back());
  }
  const std::size_t train_peak = peak();

  // ---- inference -----------------------------------------------------------------
  for (int i = 0; i < warmup; ++i) infer();
  reset_peak();
  std::vector<double> infer_ms;
  for (int i = 0; i < infer_steps; ++i) {
    const auto t0 = Clock::now();
    infer();
    infer_ms.push_back(ms_since(t0));
  }
  const std::size_t infer_peak = peak();
  std::fprintf(stderr, "  inference: median %.1f ms over %d repeats\n", median(infer_ms),
               infer_steps);

  // ---- one traced step: per-op breakdown ------------------------------------------
  std::map<std::string, OpRow> by_op, by_shape;
  double traced_step_ms = 0, traced_ops_ms = 0, adam_ms = 0, content_target_ms = 0;
  if (trace) {
    // The constant content target phi_c(x) runs under NoGradGuard, so it is
    // not on the tape: time it on its own.
    {
      NoGradGuard no_grad;
      synchronize(device);
      const auto t0 = Clock::now();
      const auto f = vgg.features(x, {loss.content_layer});
      synchronize(device);
      content_target_ms = ms_since(t0);
    }
    TraceScope trace;  // tracing off again at the end of this block, also on an exception
    synchronize(device);
    const auto t0 = Clock::now();
    {
      const losses::RegionWeights regions = losses::make_regions(m, Tensor());
      const Tensor y = net.forward(x, m);
      const auto t = losses::compute_losses(vgg, loss, y, x, regions, target);
      t.total.backward();
      synchronize(device);
      const auto ta = Clock::now();
      adam.step(1e-3f);
      net.parameters().zero_grad();
      synchronize(device);
      adam_ms = ms_since(ta);
    }
    traced_step_ms = ms_since(t0);
    for (const TraceEntry& e : trace.entries()) {
      // conv2d: operands (x, w) whose gradient the backward computes
      const double bwd_mult = e.op == "conv2d" && e.input_requires_grad.size() >= 2
                                  ? double(e.input_requires_grad[0]) + e.input_requires_grad[1]
                                  : 0;
      const double bf = bwd_mult * e.flops;
      for (int which = 0; which < 2; ++which) {
        const std::string key = which == 0 ? e.op : e.op + " " + shape_key(e);
        OpRow& r = (which == 0 ? by_op : by_shape)[key];
        r.op = e.op;
        if (which == 1) r.shape = shape_key(e);
        r.count += 1;
        r.fwd_ms += e.forward_ms;
        r.bwd_ms += e.backward_ms;
        r.fwd_flops += e.flops;
        r.bwd_flops += bf;
      }
      traced_ops_ms += e.forward_ms + e.backward_ms;
    }
  }
  const std::vector<OpRow> ops_rows = sorted_rows(by_op), shape_rows = sorted_rows(by_shape);

  // ---- report ----------------------------------------------------------------------
  const double step_ms = median(train_ms), inf_ms = median(infer_ms);
  const double train_ips = N / (step_ms / 1e3), infer_ips = N / (inf_ms / 1e3);
  bool finite = true;
  for (double v : losses_seen) finite = finite && std::isfinite(v);

  if (json) {
    Json o = Json::object();
    o["framework"] = "mgst";
    o["device"] = description;
    o["device_kind"] = device.str();
    o["threads"] = device.is_cpu() ? cpu_threads() : 0;
    o["height"] = H, o["width"] = W, o["batch"] = N;
    o["steps"] = steps, o["warmup"] = warmup, o["infer_steps"] = infer_steps;
    o["train_step_ms"] = step_ms;
    o["train_images_per_s"] = train_ips;
    o["infer_ms"] = inf_ms;
    o["infer_images_per_s"] = infer_ips;
    o["peak_memory_bytes"] = int64_t(train_peak);
    o["infer_peak_memory_bytes"] = int64_t(infer_peak);
    o["peak_memory_kind"] = device.is_cuda() ? "cuda_allocator_in_use_peak" : "mgst_cpu_tensor_bytes_peak";
    o["peak_rss_bytes"] = int64_t(max_rss_bytes());
    Json tm = Json::array(), im = Json::array(), ls = Json::array();
    for (double v : train_ms) tm.push_back(v);
    for (double v : infer_ms) im.push_back(v);
    for (double v : losses_seen) ls.push_back(v);
    o["train_step_ms_all"] = tm;
    o["infer_ms_all"] = im;
    o["losses"] = ls;
    o["loss_finite"] = finite;
    o["parameters"] = int64_t(net.parameters().total_numel());
    if (trace) {
      o["traced_step_ms"] = traced_step_ms;
      o["traced_ops_ms"] = traced_ops_ms;
      o["adam_ms"] = adam_ms;
      o["content_target_ms"] = content_target_ms;
      Json ops = Json::array(), shapes = Json::array();
      for (const auto& r : ops_rows) ops.push_back(row_json(r, traced_step_ms, false));
      for (int i = 0; i < int(shape_rows.size()) && i < top; ++i)
        shapes.push_back(row_json(shape_rows[i], traced_step_ms, true));
      o["ops"] = ops;
      o["ops_by_shape"] = shapes;
    } else {
      o["ops"] = Json::array();
    }
    std::printf("%s\n", o.dump().c_str());
    return 0;
  }

  std::printf("mgst bench  device %s (%s)  %dx%d batch %d  residual net, %lld parameters\n",
              device.str().c_str(), description.c_str(), H, W, N,
              (long long)net.parameters().total_numel());
  std::printf("  train:     %9.1f ms/step (median of %d)  %8.2f images/s\n", step_ms, steps,
              train_ips);
  std::printf("  inference: %9.1f ms/batch (median of %d) %8.2f images/s\n", inf_ms, infer_steps,
              infer_ips);
  std::printf("  peak memory: train %.1f MiB, inference %.1f MiB (%s); process max RSS %.1f MiB\n",
              train_peak / 1048576.0, infer_peak / 1048576.0,
              device.is_cuda() ? "CUDA allocator in use" : "mgst tensor bytes",
              max_rss_bytes() / 1048576.0);
  if (!finite) std::printf("  note: the loss became non-finite during the timed steps\n");
  if (!trace) return 0;
  const double untraced = traced_step_ms - traced_ops_ms - adam_ms;
  std::printf("\nper-op breakdown of one traced step: %.1f ms wall (each op synchronised)\n",
              traced_step_ms);
  std::printf("  %-16s %6s %10s %10s %10s %7s %9s %9s\n", "op", "count", "fwd ms", "bwd ms",
              "total ms", "share", "fwd GF/s", "bwd GF/s");
  auto print_row = [&](const OpRow& r, const std::string& name) {
    std::printf("  %-16s %6d %10.2f %10.2f %10.2f %6.1f%% %9s %9s\n", name.c_str(), r.count,
                r.fwd_ms, r.bwd_ms, r.total(), 100.0 * r.total() / traced_step_ms,
                fmt_gflops(r.fwd_flops, r.fwd_ms).c_str(), fmt_gflops(r.bwd_flops, r.bwd_ms).c_str());
  };
  for (const auto& r : ops_rows) print_row(r, r.op);
  std::printf("  %-16s %6s %10s %10s %10.2f %6.1f%%\n", "adam (untraced)", "1", "", "", adam_ms,
              100.0 * adam_ms / traced_step_ms);
  std::printf("  %-16s %6s %10s %10s %10.2f %6.1f%%   (phi_c(x) alone: %.2f ms)\n",
              "rest (untraced)", "", "", "", untraced, 100.0 * untraced / traced_step_ms,
              content_target_ms);
  std::printf("  rest = constant content target phi_c(x) under NoGradGuard, region pooling, "
              "allocation\n");
  std::printf("\ntop %d (op, shape) of the traced step; conv: KxK Ci->Co in HxW->out HxW; bwd "
              "GF/s counts only the gradients computed\n",
              top);
  std::printf("  %-44s %6s %10s %10s %7s %9s %9s\n", "op shape", "count", "fwd ms", "bwd ms",
              "share", "fwd GF/s", "bwd GF/s");
  for (int i = 0; i < int(shape_rows.size()) && i < top; ++i) {
    const OpRow& r = shape_rows[i];
    std::printf("  %-44s %6d %10.2f %10.2f %6.1f%% %9s %9s\n", (r.op + " " + r.shape).c_str(),
                r.count, r.fwd_ms, r.bwd_ms, 100.0 * r.total() / traced_step_ms,
                fmt_gflops(r.fwd_flops, r.fwd_ms).c_str(),
                fmt_gflops(r.bwd_flops, r.bwd_ms).c_str());
  }
  return 0;
}

}  // namespace mgst::app
