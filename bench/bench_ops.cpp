// Perf mode of the op harness (tests/ops/README.md, mode d): every case of
// the table with analytic counts, timed by Google Benchmark with the table's
// bytes and FLOPs as counters:
//   cpu/<case>             its CPU kernel's forward (wall time; GB/s, GFLOP/s)
//   cuda/<case> [version]  the forward of every CUDA version of the case, on
//                          device copies of its inputs, timed like bench_cuda
//                          (bench/cuda_timing.h: CUDA events, L2 flushed; GB/s,
//                          TFLOP/s, tf32_peak), in a build with a real GPU backend
//   mgst_bench_ops --benchmark_filter='conv2d|instance_norm'
//   mgst_bench_ops --benchmark_filter='^cuda/' --benchmark_min_time=0.01
// (MGST_OPS=conv2d narrows the table the same way as in the tests.) The cases
// are the tests' shapes (small): the model's full-size layers are bench_cuda's.
#include <benchmark/benchmark.h>

#include <limits>

#include "ops/harness.h"

#if defined(MGST_WITH_CUDA) && !defined(MGST_CUDA_EMULATED)
#include "bench/cuda_timing.h"
#define MGST_BENCH_OPS_CUDA 1
#endif

namespace ops = mgst::test::ops;

namespace {

void run_case(benchmark::State& st, const ops::OpCase& c) {
  ops::In x;
  for (const auto& in : c.inputs) x.push_back(in.data.get().data());
  std::vector<ops::FVec> y;
  ops::Out yp;
  for (const auto& o : c.outputs) y.emplace_back(std::size_t(o.size), 0.f);
  for (auto& v : y) yp.push_back(v.data());
  for (auto _ : st) {
    c.cpu.forward(x, yp);
    benchmark::DoNotOptimize(yp[0]);
  }
  st.counters["GB/s"] =
      benchmark::Counter(c.bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["GFLOP/s"] =
      benchmark::Counter(c.flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  for (const auto& in : c.inputs) in.data.release();
}

#ifdef MGST_BENCH_OPS_CUDA
namespace kc = mgst::kernels::cuda;

// One CUDA version's forward on device copies of the case's inputs.
void run_cuda(benchmark::State& st, const ops::OpCase& c, const ops::Impl& impl) {
  if (!mgst::bench::require_gpu(st)) return;
  std::vector<void*> bufs;
  auto device = [&](std::size_t n) {
    bufs.push_back(kc::device_alloc(std::max<std::size_t>(1, n) * sizeof(float)));
    return static_cast<float*>(bufs.back());
  };
  ops::In x;
  for (const auto& in : c.inputs) {
    const ops::FVec& v = in.data.get();
    float* p = device(v.size());
    kc::memcpy_h2d(p, v.data(), v.size() * sizeof(float));
    x.push_back(p);
  }
  ops::Out y;
  for (const auto& o : c.outputs) y.push_back(device(std::size_t(o.size)));
  mgst::bench::timed_loop(
      st, [&] { impl.forward(x, y); }, c.flops, c.bytes);
  for (void* p : bufs) kc::device_free(p);
  for (const auto& in : c.inputs) in.data.release();
}
#endif

}  // namespace

int main(int argc, char** argv) {
  for (const ops::OpCase& c : ops::op_table()) {
    if (!ops::selected(c) || (c.flops == 0 && c.bytes == 0)) continue;
    benchmark::RegisterBenchmark(("cpu/" + c.label()).c_str(),
                                 [&c](benchmark::State& st) { run_case(st, c); });
#ifdef MGST_BENCH_OPS_CUDA
    if (c.cpu_only) continue;
    for (const ops::Impl& impl : c.cuda)
      benchmark::RegisterBenchmark(("cuda/" + c.label() + " [" + impl.name + "]").c_str(),
                                   [&c, &impl](benchmark::State& st) { run_cuda(st, c, impl); })
          ->UseManualTime();
#endif
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
