// mgst bench: end-to-end throughput of the purifier on one device.
//
// Times a full training step exactly as `mgst train` runs it (transform-net
// forward, METHOD.md's losses with VGG-19 up to relu4_1 incl. the constant content
// target phi_c(x), backward, Adam) and inference (transform-net forward under
// NoGradGuard), on synthetic in-memory inputs (random image + a soft elliptic
// blob mask, a random style image with its own blob): no files needed, so the
// numbers measure compute only, not image decoding.
//
// The step is the trainer's own (apps/train/device_step.h): inputs uploaded
// through pinned memory, no host wait until the one read of its results;
// on CUDA, replayed as a CUDA Graph after a warm-up step and a capture
// (--no-cuda-graph: eagerly). Under mpirun the step is written out here
// instead, to time the all-reduce on its own.
//
// Timing: `--warmup` untimed steps (with CUDA graphs at least 2: the eager
// step and the capture), then `--steps` timed steps; the median is
// reported (all samples too, in --json). Each step ends with the read of its
// loss values, as the trainer's does.
// Then ONE extra step runs with the tape's tracing on (every op synchronised
// and timed, forward and backward) for the per-op breakdown; tracing adds a
// synchronise per op, so that step is reported separately and is not part of
// the median.
//
// Peak memory: CPU, mgst's tensor bytes (core/storage.h) peak over the timed
// training steps (weights, Adam state and style targets included); CUDA, the
// caching allocator's in-use peak. The process's max RSS is reported too, as
// it is the figure comparable with other frameworks.
#include "apps/eval/bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "apps/train/device_step.h"
#include "apps/train/distributed.h"
#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/io/json.h"
#include "core/ops.h"
#include "core/parameters.h"
#include "core/rng.h"
#include "core/storage.h"
#include "core/trace.h"
#include "core/version.h"
#include "kernels/error.h"
#include "losses/objective.h"
#include "losses/regions.h"
#include "losses/style_target.h"
#include "models/transform_net.h"
#include "models/vgg19.h"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace mgst::eval {

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
        const double r = std::sqrt(dy * dy + dx * dx);           // 1 on the ellipse
        const double edge = (1.0 - r) * std::min(rx, ry) / 2.0;  // ~pixels inside / 2
        v[(std::size_t(n) * H + i) * W + j] = float(std::clamp(edge + 0.5, 0.0, 1.0));
      }
  }
  return Tensor::from_vector({N, 1, H, W}, v, d);
}

// One op of the traced step, as the tape recorded it.
struct TracedOp {
  std::string op;
  std::vector<Shape> input_shapes;
  Shape output_shape;
  double fwd_ms = 0, bwd_ms = 0, flops = 0;
  double bwd_operands = 0;  // conv2d: operands whose gradient the backward computes
};

// Per-op aggregation of a traced step.
struct OpRow {
  std::string op, shape;  // shape only for the by-shape table
  int count = 0;
  double fwd_ms = 0, bwd_ms = 0;
  double fwd_flops = 0, bwd_flops = 0;  // bwd_flops: convs only (0 = unknown)
  double total() const { return fwd_ms + bwd_ms; }
};

bool is_conv(const std::string& op) { return op == "conv2d" || op == "conv2d_fused"; }

// "9x9 4->32 264x264->256x256" for a conv (conv2d_fused: x before its
// upsampling and padding), else the output shape.
std::string shape_key(const TracedOp& e) {
  if (is_conv(e.op) && e.input_shapes.size() >= 2 && e.input_shapes[0].size() == 4 &&
      e.input_shapes[1].size() == 4 && e.output_shape.size() == 4) {
    const Shape &x = e.input_shapes[0], &w = e.input_shapes[1], &y = e.output_shape;
    std::ostringstream os;
    os << w[2] << "x" << w[3] << " " << x[1] << "->" << w[0] << " " << x[2] << "x" << x[3] << "->"
       << y[2] << "x" << y[3];
    return os.str();
  }
  return shape_str(e.output_shape);
}

std::vector<OpRow> sorted_rows(const std::map<std::string, OpRow>& m) {
  std::vector<OpRow> rows;
  for (const auto& [k, r] : m) rows.push_back(r);
  std::sort(rows.begin(), rows.end(),
            [](const OpRow& a, const OpRow& b) { return a.total() > b.total(); });
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

// The benchmarked model on synthetic in-memory inputs.
struct BenchModel {
  losses::LossConfig loss;  // METHOD.md's defaults
  models::Vgg19 vgg;
  models::TransformNet net;
  Adam adam;
  Tensor x, m, s, ms;
  losses::StyleTarget target;
  std::vector<double> losses_seen;
  // Under mpirun: each step averages the gradient block over the ranks
  // (apps/train/distributed.h), timed on its own.
  bool distributed = train::world().size > 1;
  std::vector<double> allreduce_ms, wait_ms;
  data::Batch host_batch;  // x and m on the CPU, for the DeviceStep
  train::DeviceStep step;

  BenchModel(const BenchConfig& c)
      : vgg(loss.deepest_layer(), "", c.device, c.seed),
        net(/*residual=*/true, c.seed, c.device),
        adam(net.parameters(), AdamConfig{1e-3f}),
        x(random_image(c.batch, c.height, c.width, c.seed * 4 + 1, c.device)),
        m(blob_mask(c.batch, c.height, c.width, c.seed * 4 + 2, c.device)),
        s(random_image(1, c.height, c.width, c.seed * 4 + 3, c.device)),
        ms(blob_mask(1, c.height, c.width, c.seed * 4 + 4, c.device)),
        target(losses::mean_style_target(
            {losses::compute_style_grams(vgg, s, losses::make_regions(ms, Tensor()),
                                         loss.style_layers)},
            loss.style_layers)),
        step(net, vgg, adam, c.device, c.cuda_graph) {
    host_batch.x = x.to(Device::cpu());
    host_batch.m = m.to(Device::cpu());
  }

  // One training step as Trainer::step runs it (constant lr: warm-up only
  // changes a coefficient).
  void train_step(Device device) {
    if (!distributed) {
      train::DeviceStep::Objective o;
      o.loss = &loss;
      o.target = &target;
      const auto r = step.run(host_batch, o, 1e-3f, adam.steps_taken() + 1);
      adam.set_steps_taken(adam.steps_taken() + 1);
      losses_seen.push_back(r.values[4]);
      return;
    }
    const losses::RegionWeights regions = losses::make_regions(m, Tensor());
    const Tensor y = net.forward(x, m);
    const auto t = losses::compute_losses(vgg, loss, y, x, regions, target);
    t.total.backward();
    NoGradGuard no_grad;
    Tensor g = net.parameters().gather_grads();
    synchronize(device);
    const auto t0 = Clock::now();
    train::barrier();  // the wait for the slowest rank, timed apart from the transfer
    wait_ms.push_back(ms_since(t0));
    const auto t1 = Clock::now();
    train::allreduce_mean(g);
    synchronize(device);
    allreduce_ms.push_back(ms_since(t1));
    adam.step(1e-3f, g);
    net.parameters().zero_grad();
    losses_seen.push_back(double(t.total.item()));  // reads back: synchronises
    synchronize(device);
  }
  void infer(Device device) {
    NoGradGuard no_grad;
    const Tensor y = net.forward(x, m);
    synchronize(device);
  }
};

struct Timings {
  std::vector<double> train_ms, infer_ms;
  std::size_t train_peak = 0, infer_peak = 0;
  // Per timed training step, from device_activity (CUDA only; 0 on the CPU).
  double launches_per_step = 0, host_syncs_per_step = 0;
  double result_waits_per_step = 0, graph_launches_per_step = 0;
};

Timings time_steps(BenchModel& bm, const BenchConfig& c) {
  Timings t;
  const bool graphs = c.device.is_cuda() && c.cuda_graph && !bm.distributed;
  const int warmup = graphs ? std::max(c.warmup, 2) : c.warmup;
  for (int i = 0; i < warmup; ++i) {
    const auto t0 = Clock::now();
    bm.train_step(c.device);
    std::fprintf(stderr, "  warm-up train step %d/%d: %.1f ms%s\n", i + 1, warmup, ms_since(t0),
                 graphs && i == 1 ? " (CUDA graph capture)" : "");
  }
  reset_peak_memory(c.device);
  const DeviceActivity before = device_activity(c.device);
  bm.allreduce_ms.clear(), bm.wait_ms.clear();
  for (int i = 0; i < c.steps; ++i) {
    const auto t0 = Clock::now();
    bm.train_step(c.device);
    t.train_ms.push_back(ms_since(t0));
    std::fprintf(stderr, "  train step %d/%d: %.1f ms\n", i + 1, c.steps, t.train_ms.back());
  }
  t.train_peak = peak_memory_bytes(c.device);
  const DeviceActivity after = device_activity(c.device);
  if (c.steps > 0) {
    t.launches_per_step = double(after.launches - before.launches) / c.steps;
    t.host_syncs_per_step = double(after.host_syncs - before.host_syncs) / c.steps;
    t.result_waits_per_step = double(after.result_waits - before.result_waits) / c.steps;
    t.graph_launches_per_step = double(after.graph_launches - before.graph_launches) / c.steps;
  }

  for (int i = 0; i < c.warmup; ++i) bm.infer(c.device);
  reset_peak_memory(c.device);
  for (int i = 0; i < c.infer_steps; ++i) {
    const auto t0 = Clock::now();
    bm.infer(c.device);
    t.infer_ms.push_back(ms_since(t0));
  }
  t.infer_peak = peak_memory_bytes(c.device);
  std::fprintf(stderr, "  inference: median %.1f ms over %d repeats\n", median(t.infer_ms),
               c.infer_steps);
  return t;
}

struct TraceReport {
  std::map<std::string, OpRow> by_op, by_shape;
  double step_ms = 0, ops_ms = 0, adam_ms = 0, content_target_ms = 0;
};

// The one place that touches the tape's tracing: a full training step
// (forward, losses, backward, Adam) with tracing on, as TracedOps.
std::vector<TracedOp> run_traced_step(BenchModel& bm, Device device, TraceReport& rep) {
  TraceScope trace;  // tracing off again on return, also on an exception
  synchronize(device);
  const auto t0 = Clock::now();
  {
    const losses::RegionWeights regions = losses::make_regions(bm.m, Tensor());
    const Tensor y = bm.net.forward(bm.x, bm.m);
    const auto t = losses::compute_losses(bm.vgg, bm.loss, y, bm.x, regions, bm.target);
    t.total.backward();
    synchronize(device);
    const auto ta = Clock::now();
    bm.adam.step(1e-3f);
    bm.net.parameters().zero_grad();
    synchronize(device);
    rep.adam_ms = ms_since(ta);
  }
  rep.step_ms = ms_since(t0);
  std::vector<TracedOp> ops;
  for (const TraceEntry& e : trace.entries()) {
    // conv2d, conv2d_fused: operands (x, w) whose gradient the backward computes
    const double bwd_mult = is_conv(e.op) && e.input_requires_grad.size() >= 2
                                ? double(e.input_requires_grad[0]) + e.input_requires_grad[1]
                                : 0;
    ops.push_back(
        {e.op, e.input_shapes, e.output_shape, e.forward_ms, e.backward_ms, e.flops, bwd_mult});
  }
  return ops;
}

// One traced step, aggregated per op and per (op, shape).
TraceReport trace_breakdown(BenchModel& bm, Device device) {
  TraceReport rep;
  // The constant content target phi_c(x) runs under NoGradGuard, so it is
  // not on the tape: time it on its own.
  {
    NoGradGuard no_grad;
    synchronize(device);
    const auto t0 = Clock::now();
    const auto f = bm.vgg.features(bm.x, {bm.loss.content_layer});
    synchronize(device);
    rep.content_target_ms = ms_since(t0);
  }
  for (const TracedOp& e : run_traced_step(bm, device, rep)) {
    const double bf = e.bwd_operands * e.flops;
    for (int which = 0; which < 2; ++which) {
      const std::string key = which == 0 ? e.op : e.op + " " + shape_key(e);
      OpRow& r = (which == 0 ? rep.by_op : rep.by_shape)[key];
      r.op = e.op;
      if (which == 1) r.shape = shape_key(e);
      r.count += 1;
      r.fwd_ms += e.fwd_ms;
      r.bwd_ms += e.bwd_ms;
      r.fwd_flops += e.flops;
      r.bwd_flops += bf;
    }
    rep.ops_ms += e.fwd_ms + e.bwd_ms;
  }
  return rep;
}

// What every report prints: medians, rates, peaks.
struct Summary {
  std::string description;
  double step_ms = 0, inf_ms = 0, train_ips = 0, infer_ips = 0;
  bool finite = true;
  // Under mpirun: the ranks, their summed training images/s and the median
  // all-reduce time of rank 0's timed steps.
  int ranks = 1;
  double total_train_ips = 0, allreduce_ms = 0, wait_ms = 0;
};

void print_json(const BenchConfig& c, const BenchModel& bm, const Timings& t, const Summary& s,
                const TraceReport& tr) {
  Json o = Json::object();
  o["framework"] = "mgst";
  o["mgst_version"] = version_string();
  o["device"] = s.description;
  o["device_kind"] = c.device.str();
  o["precision"] = c.device.is_cuda() ? precision() : "fp32";  // the CPU is always fp32
  o["threads"] = c.device.is_cpu() ? cpu_threads() : 0;
  o["height"] = c.height, o["width"] = c.width, o["batch"] = c.batch;
  o["steps"] = c.steps, o["warmup"] = c.warmup, o["infer_steps"] = c.infer_steps;
  o["train_step_ms"] = s.step_ms;
  o["train_images_per_s"] = s.train_ips;
  o["infer_ms"] = s.inf_ms;
  o["infer_images_per_s"] = s.infer_ips;
  o["peak_memory_bytes"] = int64_t(t.train_peak);
  o["infer_peak_memory_bytes"] = int64_t(t.infer_peak);
  o["peak_memory_kind"] =
      c.device.is_cuda() ? "cuda_allocator_in_use_peak" : "mgst_cpu_tensor_bytes_peak";
  o["peak_rss_bytes"] = int64_t(max_rss_bytes());
  // Per timed training step (CUDA only): kernels run (a replayed graph's
  // count), host waits before the step's last launch, the end-of-step waits
  // for its results, graph replays.
  o["launches_per_step"] = t.launches_per_step;
  o["host_syncs_per_step"] = t.host_syncs_per_step;
  o["result_waits_per_step"] = t.result_waits_per_step;
  o["cuda_graph"] = t.graph_launches_per_step > 0;
  o["graph_launches_per_step"] = t.graph_launches_per_step;
  Json tm = Json::array(), im = Json::array(), ls = Json::array();
  for (double v : t.train_ms) tm.push_back(v);
  for (double v : t.infer_ms) im.push_back(v);
  for (double v : bm.losses_seen) ls.push_back(v);
  o["train_step_ms_all"] = tm;
  o["infer_ms_all"] = im;
  o["losses"] = ls;
  o["loss_finite"] = s.finite;
  o["parameters"] = int64_t(bm.net.parameters().total_numel());
  o["ranks"] = s.ranks;
  o["total_train_images_per_s"] = s.total_train_ips;
  o["allreduce_ms"] = s.allreduce_ms;
  o["rank_wait_ms"] = s.wait_ms;
  if (c.trace) {
    o["traced_step_ms"] = tr.step_ms;
    o["traced_ops_ms"] = tr.ops_ms;
    o["adam_ms"] = tr.adam_ms;
    o["content_target_ms"] = tr.content_target_ms;
    Json ops = Json::array(), shapes = Json::array();
    const std::vector<OpRow> ops_rows = sorted_rows(tr.by_op),
                             shape_rows = sorted_rows(tr.by_shape);
    for (const auto& r : ops_rows) ops.push_back(row_json(r, tr.step_ms, false));
    for (int i = 0; i < int(shape_rows.size()) && i < c.top; ++i)
      shapes.push_back(row_json(shape_rows[i], tr.step_ms, true));
    o["ops"] = ops;
    o["ops_by_shape"] = shapes;
  } else {
    o["ops"] = Json::array();
  }
  std::printf("%s\n", o.dump().c_str());
}

void print_summary(const BenchConfig& c, const BenchModel& bm, const Timings& t, const Summary& s) {
  std::printf("mgst bench  device %s (%s)  %dx%d batch %d  residual net, %lld parameters\n",
              c.device.str().c_str(), s.description.c_str(), c.height, c.width, c.batch,
              (long long)bm.net.parameters().total_numel());
  std::printf("  train:     %9.1f ms/step (median of %d)  %8.2f images/s\n", s.step_ms, c.steps,
              s.train_ips);
  std::printf("  inference: %9.1f ms/batch (median of %d) %8.2f images/s\n", s.inf_ms,
              c.infer_steps, s.infer_ips);
  std::printf("  peak memory: train %.1f MiB, inference %.1f MiB (%s); process max RSS %.1f MiB\n",
              t.train_peak / 1048576.0, t.infer_peak / 1048576.0,
              c.device.is_cuda() ? "CUDA allocator in use" : "mgst tensor bytes",
              max_rss_bytes() / 1048576.0);
  if (c.device.is_cuda())
    std::printf(
        "  per train step: %.0f kernel launches, %.0f host syncs (+%.0f wait for the results), "
        "CUDA graph: %s\n",
        t.launches_per_step, t.host_syncs_per_step, t.result_waits_per_step,
        t.graph_launches_per_step > 0 ? "yes (one replay per step)" : "no");
  if (s.ranks > 1)
    std::printf(
        "  ranks: %d (%s), batch %d per rank: %.2f images/s on rank 0, %.2f in total;\n"
        "         gradient all-reduce %.2f ms/step (median; %.2f MB) after %.2f ms waiting for "
        "the slowest rank\n",
        s.ranks, train::distributed_backends().c_str(), c.batch, s.train_ips, s.total_train_ips,
        s.allreduce_ms, 4e-6 * double(bm.net.parameters().total_numel()), s.wait_ms);
  if (!s.finite) std::printf("  note: the loss became non-finite during the timed steps\n");
}

void print_breakdown(const BenchConfig& c, const TraceReport& tr) {
  const std::vector<OpRow> ops_rows = sorted_rows(tr.by_op), shape_rows = sorted_rows(tr.by_shape);
  const double untraced = tr.step_ms - tr.ops_ms - tr.adam_ms;
  std::printf("\nper-op breakdown of one traced step: %.1f ms wall (each op synchronised)\n",
              tr.step_ms);
  std::printf("  %-16s %6s %10s %10s %10s %7s %9s %9s\n", "op", "count", "fwd ms", "bwd ms",
              "total ms", "share", "fwd GF/s", "bwd GF/s");
  for (const auto& r : ops_rows)
    std::printf("  %-16s %6d %10.2f %10.2f %10.2f %6.1f%% %9s %9s\n", r.op.c_str(), r.count,
                r.fwd_ms, r.bwd_ms, r.total(), 100.0 * r.total() / tr.step_ms,
                fmt_gflops(r.fwd_flops, r.fwd_ms).c_str(),
                fmt_gflops(r.bwd_flops, r.bwd_ms).c_str());
  std::printf("  %-16s %6s %10s %10s %10.2f %6.1f%%\n", "adam (untraced)", "1", "", "", tr.adam_ms,
              100.0 * tr.adam_ms / tr.step_ms);
  std::printf("  %-16s %6s %10s %10s %10.2f %6.1f%%   (phi_c(x) alone: %.2f ms)\n",
              "rest (untraced)", "", "", "", untraced, 100.0 * untraced / tr.step_ms,
              tr.content_target_ms);
  std::printf(
      "  rest = constant content target phi_c(x) under NoGradGuard, region pooling, "
      "allocation\n");
  std::printf(
      "\ntop %d (op, shape) of the traced step; conv: KxK Ci->Co in HxW->out HxW; bwd "
      "GF/s counts only the gradients computed\n",
      c.top);
  std::printf(
      "  conv GF/s are model FLOPs: every pass (forward, data and weight gradient) as 2 x the\n"
      "  forward's MACs on the padded, upsampled input, whatever a kernel executes. On CUDA\n"
      "  the data gradient's GEMM runs over x's pixels: an upsampled layer's executes a\n"
      "  quarter of its credited MACs (it sums a pixel's copies first), a stride-2 layer's 4x.\n");
  std::printf("  %-44s %6s %10s %10s %7s %9s %9s\n", "op shape", "count", "fwd ms", "bwd ms",
              "share", "fwd GF/s", "bwd GF/s");
  for (int i = 0; i < int(shape_rows.size()) && i < c.top; ++i) {
    const OpRow& r = shape_rows[i];
    std::printf("  %-44s %6d %10.2f %10.2f %6.1f%% %9s %9s\n", (r.op + " " + r.shape).c_str(),
                r.count, r.fwd_ms, r.bwd_ms, 100.0 * r.total() / tr.step_ms,
                fmt_gflops(r.fwd_flops, r.fwd_ms).c_str(),
                fmt_gflops(r.bwd_flops, r.bwd_ms).c_str());
  }
}

}  // namespace

void run_bench(const BenchConfig& c) {
  Summary s;
  s.description = c.device.is_cuda()
                      ? cuda_description() + ", precision " + precision()
                      : cpu_model_name() + ", " + std::to_string(cpu_threads()) + " threads";
  std::fprintf(stderr, "mgst bench: %s (%s), %dx%d, batch %d, %d warm-up + %d timed steps\n",
               c.device.str().c_str(), s.description.c_str(), c.height, c.width, c.batch, c.warmup,
               c.steps);
  BenchModel bm(c);
  const Timings t = time_steps(bm, c);
  const TraceReport tr = c.trace ? trace_breakdown(bm, c.device) : TraceReport{};
  s.step_ms = median(t.train_ms), s.inf_ms = median(t.infer_ms);
  s.train_ips = c.batch / (s.step_ms / 1e3), s.infer_ips = c.batch / (s.inf_ms / 1e3);
  for (double v : bm.losses_seen) s.finite = s.finite && std::isfinite(v);
  s.ranks = train::world().size;
  s.total_train_ips = s.train_ips;
  train::allreduce_sum(&s.total_train_ips, 1);
  s.allreduce_ms = median(bm.allreduce_ms), s.wait_ms = median(bm.wait_ms);
  if (c.json) return print_json(c, bm, t, s, tr);
  print_summary(c, bm, t, s);
  if (c.trace) print_breakdown(c, tr);
}

}  // namespace mgst::eval
