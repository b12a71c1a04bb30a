// CPU backend benchmarks: sgemm at large square sizes and at the model's
// conv-as-GEMM sizes, conv2d forward / backward_data / backward_weight at the
// model's layer shapes (transform net after reflection padding, VGG-19 with
// zero padding 1). Counters: GFLOP/s (analytic 2*M*N*K or 2*N*Co*Ci*K*K*Ho*Wo)
// and peak_frac, the share of the peak FMA rate measured by BM_peak_fma (a
// register-only FMA loop on every OpenMP thread) in this same process.
// Wall-clock time is used throughout (the kernels are multi-threaded).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <chrono>
#include <random>
#include <vector>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "kernels/cpu/api.h"

namespace kc = mgst::kernels::cpu;
using mgst::kernels::Conv2dShape;

namespace {

using Clock = std::chrono::steady_clock;

// Peak single-precision FMA rate of `threads` threads: 12 independent
// accumulator chains hide the FMA latency; nothing touches memory.
double fma_peak_gflops(int threads, double seconds = 0.2) {
  double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
  {
#if defined(__AVX512F__)
    using V = __m512;
    constexpr int lanes = 16;
#define MGST_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MGST_SET1(x) _mm512_set1_ps(x)
#elif defined(__AVX2__) && defined(__FMA__)
    using V = __m256;
    constexpr int lanes = 8;
#define MGST_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MGST_SET1(x) _mm256_set1_ps(x)
#else
    using V = float;
    constexpr int lanes = 1;
#define MGST_FMA(a, b, c) ((a) * (b) + (c))
#define MGST_SET1(x) (x)
#endif
    V acc[12];
    for (int i = 0; i < 12; ++i) acc[i] = MGST_SET1(0.001f * i);
    const V b = MGST_SET1(0.999999f), c = MGST_SET1(1e-7f);
    const int64_t inner = 1 << 20;
    int64_t reps = 0;
    const auto t0 = Clock::now();
    double el = 0;
    do {
      for (int64_t k = 0; k < inner; ++k)
        for (int i = 0; i < 12; ++i) acc[i] = MGST_FMA(acc[i], b, c);
      ++reps;
      el = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (el < seconds);
    for (int i = 0; i < 12; ++i) benchmark::DoNotOptimize(acc[i]);
    total += double(reps) * inner * 12 * lanes * 2 / el / 1e9;
#undef MGST_FMA
#undef MGST_SET1
  }
  return total;
}

double peak() {
  static const double p = fma_peak_gflops(omp_get_max_threads());
  return p;
}

std::vector<float> random_data(std::size_t n, uint64_t seed) {
  std::mt19937 gen{static_cast<uint32_t>(seed)};
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

// Times `body` per iteration (wall clock) and sets the GFLOP/s counters.
template <class F>
void run_timed(benchmark::State& state, double flops, F&& body) {
  body();  // warm-up: packing buffers, column scratch, page faults
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    body();
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(dt);
    seconds += dt;
  }
  const double gflops = flops * double(state.iterations()) / seconds / 1e9;
  state.counters["GFLOP/s"] = gflops;
  state.counters["peak_frac"] = gflops / peak();
  state.counters["threads"] = omp_get_max_threads();
}

void BM_peak_fma(benchmark::State& state) {
  const int threads = int(state.range(0));
  double g = 0;
  for (auto _ : state) g = fma_peak_gflops(threads, 0.1);
  state.counters["GFLOP/s"] = g;
  state.counters["threads"] = threads;
}
BENCHMARK(BM_peak_fma)->Arg(1)->Arg(2)->Iterations(3)->Unit(benchmark::kMillisecond);

// sgemm: range = M, N, K, trans_a, trans_b.
void BM_sgemm(benchmark::State& state) {
  const int M = int(state.range(0)), N = int(state.range(1)), K = int(state.range(2));
  const bool ta = state.range(3), tb = state.range(4);
  const auto A = random_data(std::size_t(M) * K, 1), B = random_data(std::size_t(K) * N, 2);
  std::vector<float> C(std::size_t(M) * N);
  run_timed(state, 2.0 * M * N * K, [&] {
    kc::sgemm(ta, tb, M, N, K, 1.f, A.data(), ta ? M : K, B.data(), tb ? K : N, 0.f, C.data(), N);
  });
}
BENCHMARK(BM_sgemm)
    ->ArgNames({"M", "N", "K", "ta", "tb"})
    ->Args({1024, 1024, 1024, 0, 0})
    ->Args({2048, 2048, 2048, 0, 0})
    ->Args({2048, 2048, 2048, 1, 1})
    // conv-as-GEMM, one sample: forward (Co, HoWo, CiKK)
    ->Args({128, 4096, 1152, 0, 0})  // 3x3 128->128 at 64x64
    ->Args({32, 65536, 324, 0, 0})   // 9x9 4->32 at 256x256
    ->Args({3, 65536, 2592, 0, 0})   // 9x9 32->3 at 256x256
    ->Args({64, 65536, 576, 0, 0})   // VGG 3x3 64->64 at 256x256
    // backward_data (CiKK, HoWo, Co) and backward_weight (Co, CiKK, HoWo)
    ->Args({1152, 4096, 128, 1, 0})
    ->Args({128, 1152, 4096, 0, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// conv2d: range = N, Ci, H, W, Co, K, stride, pad, which (0 fwd, 1 bwd data, 2 bwd weight).
void BM_conv2d(benchmark::State& state) {
  const Conv2dShape s{int(state.range(0)), int(state.range(1)), int(state.range(2)),
                      int(state.range(3)), int(state.range(4)), int(state.range(5)),
                      int(state.range(6)), int(state.range(7))};
  const int which = int(state.range(8));
  const auto x = random_data(s.x_size(), 1), w = random_data(s.w_size(), 2);
  const auto b = random_data(s.Co, 3), dy = random_data(s.y_size(), 4);
  std::vector<float> y(s.y_size()), dx(s.x_size()), dw(s.w_size()), db(s.Co);
  const double flops = 2.0 * s.N * s.Co * double(s.gemm_k()) * s.gemm_n();
  run_timed(state, flops, [&] {
    if (which == 0) kc::conv2d_forward(s, x.data(), w.data(), b.data(), y.data());
    if (which == 1) kc::conv2d_backward_data(s, w.data(), dy.data(), dx.data());
    if (which == 2) kc::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), db.data());
  });
  static const char* names[] = {"forward", "backward_data", "backward_weight"};
  state.SetLabel(names[which]);
}

void conv_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"N", "Ci", "H", "W", "Co", "K", "s", "p", "op"});
  // Transform net at 256x256, batch 4; inputs already reflection-padded (pad 0).
  const std::vector<std::vector<int64_t>> shapes = {
      {4, 4, 264, 264, 32, 9, 1, 0},   // c1 9x9 4->32
      {4, 32, 130, 130, 64, 3, 2, 0},  // c2 3x3/2 32->64
      {4, 64, 66, 66, 128, 3, 2, 0},   // c3 3x3/2 64->128
      {4, 128, 66, 66, 128, 3, 1, 0},  // residual 3x3 128->128 at 64x64
      {4, 32, 264, 264, 3, 9, 1, 0},   // c4 9x9 32->3
      // VGG-19, zero padding 1, batch 4 at 256x256 input
      {4, 3, 256, 256, 64, 3, 1, 1},
      {4, 64, 256, 256, 64, 3, 1, 1},
      {4, 64, 128, 128, 128, 3, 1, 1},
      {4, 128, 128, 128, 128, 3, 1, 1},
      {4, 128, 64, 64, 256, 3, 1, 1},
      {4, 256, 64, 64, 256, 3, 1, 1},
      {4, 256, 32, 32, 512, 3, 1, 1},
  };
  for (const auto& s : shapes)
    for (int op = 0; op < 3; ++op) {
      auto a = s;
      a.push_back(op);
      b->Args(a);
    }
}
BENCHMARK(BM_conv2d)->Apply(conv_shapes)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
