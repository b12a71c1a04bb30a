// The TF32 tensor-core twin of tiled_gemm.cuh: the same Op interface (so
// sgemm, the three conv2d passes and the masked Gram each gain a tensor-core
// version by instantiating it), the math done by warps issuing
// mma.sync.m16n8k8.tf32 (mma_tf32.cuh) on operands staged in shared memory.
//
//   C[z] (M, N) = sum_{k in [k0,k1)} tf32(A[z](m, k)) * tf32(B[z](k, n))   (fp32 accumulation)
//
// tf32(v) is round-to-nearest (cvt.rna) to 10 mantissa bits, applied when a
// fragment is read from shared memory: relative error per operand <= 2^-11,
// the products exact, the sums fp32 (the tests' TF32 tolerance follows from
// that: tests/ops/harness.h, tf32()).
//
// Block tile BM x BN, K in slabs of BK = 8 (one mma k-step). The block's
// warps form a kWarpsM x kWarpsN grid; a warp owns a (BM/kWarpsM) x
// (BN/kWarpsN) part of C as kFragsM x kFragsN accumulator fragments of 16x8,
// i.e. per k-step it loads kFragsM A fragments and kFragsN B fragments and
// issues kFragsM * kFragsN mmas.
//
// Shared memory holds kStages slabs of A and B, k-major (As[k][m], Bs[k][n])
// with rows padded by 8 floats: a fragment read (lane -> (m = g, k = t) with
// g = lane/4, t = lane%4) touches bank (t * (BM + 8) + g) mod 32 = 8t + g,
// 32 different banks (for BM, BN multiples of 32): conflict-free.
//
// Two ways to fill a stage, chosen by the Op (Op::kAsyncLoads):
//   async (cp.async)  the Op names the source of each element
//                     (a_src / b_src: pointer, or nullptr for a zero), and
//                     4-byte cp.async copies fill stage i+kStages-1 while
//                     the warps compute on stage i (multi-stage pipeline,
//                     cp_async.cuh). Conv2d's gathers and sgemm.
//   registers         the Op computes each value (a / b, e.g. the Gram's
//                     F * mask): loads for stage i+kStages-1 are issued into
//                     registers before stage i's math and stored after it.
// Either way: one __syncthreads() per slab; the stage written at step i
// (slab i+kStages-1) is the one computed at step i-1, which every warp has
// left when it passes step i's barrier.
#pragma once
#include <cuda_runtime.h>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/mma_tf32.cuh"
#include "kernels/cuda/tf32.cuh"
#include "kernels/cuda/tiled_gemm.cuh"

namespace mgst::kernels::cuda::detail {

template <int BM_, int BN_, int WarpsM_, int WarpsN_, int Stages_>
struct MmaTileConfig {
  static constexpr int BM = BM_, BN = BN_, BK = kMmaK, kStages = Stages_;
  static constexpr int kWarpsM = WarpsM_, kWarpsN = WarpsN_;
  static constexpr int kThreads = 32 * kWarpsM * kWarpsN;
  static constexpr int kWarpM = BM / kWarpsM, kWarpN = BN / kWarpsN;  // a warp's part of C
  static constexpr int kFragsM = kWarpM / kMmaM, kFragsN = kWarpN / kMmaN;
  static constexpr int kAStride = BM + 8, kBStride = BN + 8;  // padded smem rows
  static constexpr int kARowStride = kThreads / BK;           // A rows loaded per pass
  static constexpr int kALoads = BM / kARowStride;            // A elements per thread
  static constexpr int kBRowStride = kThreads / BN;           // B k-rows per pass
  static constexpr int kBLoads = BK / kBRowStride;            // B elements per thread
  static_assert(kWarpM % kMmaM == 0 && kWarpN % kMmaN == 0, "warp tile of whole fragments");
  static_assert(BM % 32 == 0 && BN % 32 == 0, "conflict-free fragment reads");
  static_assert(kThreads % BK == 0 && BM % kARowStride == 0, "A load mapping");
  static_assert(kThreads % BN == 0 && BK % kBRowStride == 0, "B load mapping");
  static_assert(kStages >= 2, "a pipeline needs two stages");
  // The 48 KiB of static shared memory a block may declare.
  static_assert(kStages * BK * (kAStride + kBStride) * 4 <= 48 * 1024, "shared memory");
};

// 128x128: 8 warps as 2x4, each 64x32 of C (4x4 fragments, 64 accumulators
// per thread); 4 stages = 34 KiB of shared memory.
using MmaTile128 = MmaTileConfig<128, 128, 2, 4, 4>;
// 64x64: 4 warps as 2x2, each 32x32 of C (2x4 fragments); 4 stages = 18 KiB.
using MmaTile64 = MmaTileConfig<64, 64, 2, 2, 4>;

template <class Cfg, class Op>
__global__ void __launch_bounds__(Cfg::kThreads) mma_gemm_kernel(const Op op) {
  constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, S = Cfg::kStages;
  constexpr bool kAsync = Op::kAsyncLoads;
  __shared__ __align__(16) float As[S][BK][Cfg::kAStride];
  __shared__ __align__(16) float Bs[S][BK][Cfg::kBStride];

  Tile t;
  if (!op.tile(BM, BN, t)) return;
  const int tid = threadIdx.x;
  const int a_k = tid % BK, a_m = tid / BK;  // this thread's A elements
  const int b_n = tid % BN, b_k = tid / BN;  // this thread's B elements
  typename Op::Row rows[Cfg::kALoads];
#pragma unroll
  for (int i = 0; i < Cfg::kALoads; ++i) rows[i] = op.row(t.z, t.m0 + a_m + i * Cfg::kARowStride);
  const typename Op::Col col = op.col(t.z, t.n0 + b_n);
  const int slabs = (t.k1 - t.k0 + BK - 1) / BK;

  // Stage `slab` into buffer `buf`: cp.async copies (async Ops) ...
  auto copy_slab = [&](int slab, int buf) {
    if constexpr (kAsync) {  // (discarded for the others, which have no a_src/b_src)
      if (slab >= slabs) return;
      const int k0 = t.k0 + slab * BK;
#pragma unroll
      for (int i = 0; i < Cfg::kALoads; ++i) {
        const int k = k0 + a_k;
        cp_async4(&As[buf][a_k][a_m + i * Cfg::kARowStride],
                  k < t.k1 ? op.a_src(rows[i], k) : nullptr);
      }
#pragma unroll
      for (int i = 0; i < Cfg::kBLoads; ++i) {
        const int kr = b_k + i * Cfg::kBRowStride, k = k0 + kr;
        cp_async4(&Bs[buf][kr][b_n], k < t.k1 ? op.b_src(col, k) : nullptr);
      }
    }
  };
  // ... or values through registers (the others).
  float ra[Cfg::kALoads], rb[Cfg::kBLoads];
  auto load_slab = [&](int slab) {
    const int k0 = t.k0 + slab * BK;
#pragma unroll
    for (int i = 0; i < Cfg::kALoads; ++i) {
      const int k = k0 + a_k;
      ra[i] = slab < slabs && k < t.k1 ? op.a(rows[i], k) : 0.f;
    }
#pragma unroll
    for (int i = 0; i < Cfg::kBLoads; ++i) {
      const int k = k0 + b_k + i * Cfg::kBRowStride;
      rb[i] = slab < slabs && k < t.k1 ? op.b(col, k) : 0.f;
    }
  };
  auto store_slab = [&](int slab, int buf) {
    if (slab >= slabs) return;
#pragma unroll
    for (int i = 0; i < Cfg::kALoads; ++i) As[buf][a_k][a_m + i * Cfg::kARowStride] = ra[i];
#pragma unroll
    for (int i = 0; i < Cfg::kBLoads; ++i) Bs[buf][b_k + i * Cfg::kBRowStride][b_n] = rb[i];
  };

  const int lane = tid % 32, warp = tid / 32;
  const int wm0 = (warp / Cfg::kWarpsN) * Cfg::kWarpM, wn0 = (warp % Cfg::kWarpsN) * Cfg::kWarpN;
  float acc[Cfg::kFragsM][Cfg::kFragsN][4];
#pragma unroll
  for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.f;

  // One k-step on buffer `buf`: fragments from shared memory (rounded to
  // TF32 here, once per read), then every (i, j) mma of the warp's part.
  auto compute = [&](int buf) {
    float a[Cfg::kFragsM][4], b[Cfg::kFragsN][2];
#pragma unroll
    for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const FragCoord p = mma_tf32_a_coord(lane, e);  // (m, k) in the fragment
        a[i][e] = to_tf32(As[buf][p.col][wm0 + i * kMmaM + p.row]);
      }
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j)
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const FragCoord p = mma_tf32_b_coord(lane, e);  // (k, n) in the fragment
        b[j][e] = to_tf32(Bs[buf][p.row][wn0 + j * kMmaN + p.col]);
      }
#pragma unroll
    for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
      for (int j = 0; j < Cfg::kFragsN; ++j) mma_m16n8k8_tf32(acc[i][j], a[i], b[j], acc[i][j]);
  };

  // Prologue: slabs 0..S-2 in flight (or staged) before the first math.
#pragma unroll
  for (int s = 0; s < S - 1; ++s) {
    if constexpr (kAsync) {
      copy_slab(s, s);
      cp_async_commit();  // one group per slab, empty past the end: the count stays uniform
    } else {
      load_slab(s);
      store_slab(s, s);
    }
  }
  for (int i = 0; i < slabs; ++i) {
    if constexpr (kAsync) cp_async_wait<S - 2>();  // this thread's copies of slab i landed
    __syncthreads();  // everyone's landed; everyone left stage (i-1) % S
    const int next = i + S - 1;
    if constexpr (kAsync) {
      copy_slab(next, next % S);
      cp_async_commit();
    } else {
      load_slab(next);  // global loads in flight during the math
    }
    compute(i % S);
    if constexpr (!kAsync) store_slab(next, next % S);
  }

#pragma unroll
  for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const FragCoord p = mma_tf32_c_coord(lane, e);
        op.store(t.z, t.m0 + wm0 + i * kMmaM + p.row, t.n0 + wn0 + j * kMmaN + p.col, acc[i][j][e]);
      }
}

template <class Cfg, class Op>
void launch_mma_gemm(const Op& op, dim3 grid, const char* what) {
  mma_gemm_kernel<Cfg, Op><<<grid, Cfg::kThreads, 0, stream()>>>(op);
  MGST_CHECK_LAUNCH(what, "grid=", grid.x, "x", grid.y, "x", grid.z, "tf32 tile=", Cfg::BM, "x",
                    Cfg::BN);
}

template <class Cfg>
inline constexpr bool kIsMmaTile = false;
template <int BM, int BN, int WM, int WN, int S>
inline constexpr bool kIsMmaTile<MmaTileConfig<BM, BN, WM, WN, S>> = true;

// The one launcher an op's host code calls: the fp32 SIMT kernel for a
// TileConfig, the TF32 tensor-core kernel for an MmaTileConfig (both take
// the same Op and grid), so each op writes its GEMM passes once.
template <class Cfg, class Op>
void launch_gemm(const Op& op, dim3 grid, const char* what) {
  if constexpr (kIsMmaTile<Cfg>)
    launch_mma_gemm<Cfg>(op, grid, what);
  else
    launch_tiled_gemm<Cfg>(op, grid, what);
}

}  // namespace mgst::kernels::cuda::detail
