// Perf mode of the op harness (tests/ops/README.md, mode d): every case of
// the table with analytic counts, its CPU kernel's forward timed by Google
// Benchmark, with GB/s and GFLOP/s from the table's bytes and FLOPs.
//   mgst_bench_ops --benchmark_filter='conv2d|instance_norm'
// (MGST_OPS=conv2d narrows the table the same way as in the tests.)
#include <benchmark/benchmark.h>

#include <limits>

#include "ops/harness.h"

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

}  // namespace

int main(int argc, char** argv) {
  for (const ops::OpCase& c : ops::op_table()) {
    if (!ops::selected(c) || (c.flops == 0 && c.bytes == 0)) continue;
    benchmark::RegisterBenchmark(("cpu/" + c.label()).c_str(),
                                 [&c](benchmark::State& st) { run_case(st, c); });
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
