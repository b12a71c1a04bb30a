// CUDA timing for the benchmark binaries (bench_cuda.cpp, the CUDA rows of
// bench_ops.cpp): CUDA events on the backend's stream around each iteration
// (Google Benchmark's UseManualTime), one warm-up call first, the L2 flushed
// before every iteration outside the timed region; counters from analytic
// counts over GPU time (TFLOP/s, GB/s, the share of the card's TF32 peak, and
// time ratios to references measured earlier in the same run).
#pragma once
#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kernels/cuda/runtime.h"

namespace mgst::bench {

namespace kc = mgst::kernels::cuda;

inline cudaStream_t stream() { return static_cast<cudaStream_t>(kc::stream_handle()); }

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::abort();
  }
}

// Evicts the L2 between iterations so every iteration reads from HBM.
struct L2Flush {
  void* buf = nullptr;
  std::size_t bytes = 0;
  L2Flush() {
    int dev = 0, l2 = 0;
    check(cudaGetDevice(&dev), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev), "L2 size");
    bytes = std::size_t(std::max(l2, 1 << 20)) * 2;
    buf = kc::device_alloc(bytes);
  }
  ~L2Flush() { kc::device_free(buf); }
  void operator()() const { check(cudaMemsetAsync(buf, 0, bytes, stream()), "L2 flush"); }
};

// The card and its dense peak rates in TFLOP/s, from NVIDIA's H100 / H200
// datasheets: TF32 tensor core "989 TFLOPS with sparsity", i.e. 494.7 dense
// (132 SMs x 4 tensor cores x 512 TF32 FLOP/clock x 1.83 GHz), and FP32
// 66.9 (132 SMs x 128 lanes x 2 FLOP x 1.98 GHz). H100 SXM5 and H200 SXM only:
// the H100 PCIe (114 SMs) and the NVL boards (lower clocks) have other peaks,
// and any other card is "unknown" (no peak fractions rather than wrong ones).
struct Card {
  std::string name;
  double tf32 = 0, fp32 = 0;  // 0: unknown
};
inline const Card& card() {
  static const Card c = [] {
    Card k;
    cudaDeviceProp p{};
    int dev = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
      k.name = "no GPU";
      return k;
    }
    const std::string n = p.name;
    const auto has = [&](const char* t) { return n.find(t) != std::string::npos; };
    k.name = n + ", " + std::to_string(p.multiProcessorCount) + " SMs";
    if ((has("H100") || has("H200")) && !has("PCIe") && !has("NVL") &&
        p.multiProcessorCount == 132) {
      k.tf32 = 494.7;
      k.fp32 = 66.9;
    } else {
      k.name += " (unknown card: no peak fractions)";
    }
    return k;
  }();
  return c;
}

// Ratios within a group of contenders of one problem ("conv2d/<layer>/<pass>"):
// every row records its mean time under group/self, and reports
// x_<ref> = time(ref) / own time for each reference already measured.
struct Compare {
  std::string group, self;
  std::vector<std::string> refs;
};
inline std::map<std::string, double>& group_times() {
  static std::map<std::string, double> t;
  return t;
}

// Runs `fn` once to warm up, then times each iteration with CUDA events.
// Sets TFLOP/s and GB/s from the analytic counts (0 = not reported), the
// share of the TF32 peak and the ratios of `cmp`.
inline void timed_loop(benchmark::State& st, const std::function<void()>& fn, double flops,
                       double bytes, const Compare& cmp = {}) {
  static L2Flush* flush = new L2Flush;  // once per process
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "event");
  check(cudaEventCreate(&b), "event");
  try {
    fn();  // warm-up: module load, cuDNN plans, allocator free lists
    kc::synchronize();
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
    cudaEventDestroy(a);
    cudaEventDestroy(b);
    return;
  }
  double total_s = 0;
  for (auto _ : st) {
    (*flush)();
    check(cudaEventRecord(a, stream()), "record");
    fn();
    check(cudaEventRecord(b, stream()), "record");
    check(cudaEventSynchronize(b), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "elapsed");
    st.SetIterationTime(ms / 1e3);
    total_s += ms / 1e3;
  }
  const double iters = double(st.iterations());
  if (total_s > 0) {
    const double tflops = flops * iters / total_s / 1e12;
    if (flops > 0) st.counters["TFLOP/s"] = tflops;
    if (flops > 0 && card().tf32 > 0) st.counters["tf32_peak"] = tflops / card().tf32;
    if (bytes > 0) st.counters["GB/s"] = bytes * iters / total_s / 1e9;
    if (!cmp.group.empty()) {
      const double mean_s = total_s / iters;
      group_times()[cmp.group + "/" + cmp.self] = mean_s;
      for (const std::string& r : cmp.refs) {
        const auto it = group_times().find(cmp.group + "/" + r);
        if (it != group_times().end()) st.counters["x_" + r] = it->second / mean_s;
      }
    }
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
}

inline bool require_gpu(benchmark::State& st) {
  if (kc::available()) return true;
  st.SkipWithError("no GPU");
  return false;
}

}  // namespace mgst::bench
