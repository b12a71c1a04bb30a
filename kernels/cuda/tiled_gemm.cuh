// One shared-memory tiled matrix-product kernel that sgemm, the three conv2d
// passes (as implicit GEMMs) and the masked Gram all instantiate.
//
//   C[z] (M, N) = sum_{k in [k0,k1)} A[z](m, k) * B[z](k, n)
//
// The kernel owns the tiling; an "Op" owns the tensor layout:
//   bool tile(BM, BN, Tile&)  block -> (m0, n0, z, k0, k1); false = no work
//   Row row(z, m) / float a(Row, k)   element of A (zero outside the matrix)
//   Col col(z, n) / float b(Col, k)   element of B (zero outside / padding)
//   kAsyncLoads, a_src / b_src        (mma_gemm.cuh) whether a/b are plain loads,
//                                     and then the element's address (nullptr: zero)
//   void store(z, m, n, v)            epilogue (bounds, bias, scaling)
// row()/col() run once per thread per block, so per-row/per-column index
// math (e.g. output pixel -> input window origin) is hoisted out of the
// k loop; a()/b() do only the per-k part (k -> channel, tap).
//
// Tiling: a block computes a BM x BN tile of C with (BM/TM) x (BN/TN)
// threads; each thread accumulates TM x TN outputs in registers (register
// blocking). K advances BK at a time through two shared-memory buffers: the
// next slab's global loads are issued into registers before the current
// slab's math, then stored to the other buffer (one barrier per slab).
// Per kk step a thread reads TM values of As and TN of Bs and does TM*TN
// FMAs: TM*TN/(TM+TN) FMAs per shared-memory value read (4x4: 2, 8x8: 4).
// Shared-memory reads are float4 for every TileConfig (TM, TN multiples of
// 4): a thread's TM rows are TM/4 groups of 4 consecutive rows, the groups
// BM/(TM/4) apart, so a quarter-warp reads 128 contiguous bytes (meant to
// avoid bank conflicts; unmeasured); A rows are padded by 4 floats for the
// same reason on the transposing stores into As.
#pragma once
#include <cuda_runtime.h>

#include "kernels/cuda/common.cuh"

namespace mgst::kernels::cuda::detail {

struct Tile {
  int m0, n0, z, k0, k1;
};

// The plain tile of most ops: block (x, y, z) covers rows from y*bm and
// columns from x*bn of batch z, over k in [k0, k1).
__device__ __forceinline__ Tile grid_tile(int bm, int bn, int k0, int k1) {
  return {int(blockIdx.y) * bm, int(blockIdx.x) * bn, int(blockIdx.z), k0, k1};
}

// The plainest Op::Row (or Op::Col): where the operand row starts in global
// memory, and whether it lies inside the matrix (false: its loads are zeros).
struct RowPointer {
  const float* p;
  bool ok;
};

// An operand element through its source pointer (Op::a_src / b_src of the
// Ops that name one, the same pointers mma_gemm.cuh's cp.async copies read):
// nullptr is a zero (padding, outside the matrix).
__device__ __forceinline__ float load_or_zero(const float* p) { return p ? __ldg(p) : 0.f; }

// dst[0..3] = src[0..3] in one 16-byte shared-memory read (src 16-byte aligned).
__device__ __forceinline__ void copy4(float* dst, const float* src) {
  const float4 v = *reinterpret_cast<const float4*>(src);
  dst[0] = v.x;
  dst[1] = v.y;
  dst[2] = v.z;
  dst[3] = v.w;
}

template <int BM_, int BN_, int BK_, int TM_, int TN_>
struct TileConfig {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, TM = TM_, TN = TN_;
  static constexpr int kThreadsN = BN / TN, kThreadsM = BM / TM;
  static constexpr int kThreads = kThreadsM * kThreadsN;
  static constexpr int kARowStride = kThreads / BK;  // A rows loaded per pass
  static constexpr int kALoads = BM / kARowStride;   // A elements per thread
  static constexpr int kBRowStride = kThreads / BN;  // B k-rows per pass
  static constexpr int kBLoads = BK / kBRowStride;   // B elements per thread
  static_assert(TM % 4 == 0 && TN % 4 == 0, "float4 register blocking");
  static_assert(kThreads % BK == 0 && BM % kARowStride == 0, "A load mapping");
  static_assert(kThreads % BN == 0 && BK % kBRowStride == 0, "B load mapping");
};

using Tile64 = TileConfig<64, 64, 8, 4, 4>;     // 256 threads, 4x4 per thread
using Tile128 = TileConfig<128, 128, 8, 8, 8>;  // 256 threads, 8x8 per thread

// Grid: whatever op.tile() decodes (typically x = N tiles, y = M tiles,
// z = batch image or K split). Block: Cfg::kThreads threads; thread
// (ty, tx) = (tid / kThreadsN, tid % kThreadsN) owns rows
// m0 + g*(BM/(TM/4)) + ty*4 + [0,4) and columns n0 + g*(BN/(TN/4)) + tx*4 + [0,4).
template <class Cfg, class Op>
__global__ void __launch_bounds__(Cfg::kThreads) tiled_gemm_kernel(const Op op) {
  constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, TM = Cfg::TM, TN = Cfg::TN;
  __shared__ __align__(16) float As[2][BK][BM + 4];
  __shared__ __align__(16) float Bs[2][BK][BN];

  Tile t;
  if (!op.tile(BM, BN, t)) return;
  const int tid = threadIdx.x;
  const int a_k = tid % BK, a_m = tid / BK;  // this thread's A loads
  const int b_n = tid % BN, b_k = tid / BN;  // this thread's B loads
  typename Op::Row rows[Cfg::kALoads];
#pragma unroll
  for (int i = 0; i < Cfg::kALoads; ++i) rows[i] = op.row(t.z, t.m0 + a_m + i * Cfg::kARowStride);
  const typename Op::Col col = op.col(t.z, t.n0 + b_n);

  float ra[Cfg::kALoads], rb[Cfg::kBLoads];
  auto load = [&](int k0) {
#pragma unroll
    for (int i = 0; i < Cfg::kALoads; ++i) {
      const int k = k0 + a_k;
      ra[i] = k < t.k1 ? op.a(rows[i], k) : 0.f;
    }
#pragma unroll
    for (int i = 0; i < Cfg::kBLoads; ++i) {
      const int k = k0 + b_k + i * Cfg::kBRowStride;
      rb[i] = k < t.k1 ? op.b(col, k) : 0.f;
    }
  };
  auto stash = [&](int buf) {
#pragma unroll
    for (int i = 0; i < Cfg::kALoads; ++i) As[buf][a_k][a_m + i * Cfg::kARowStride] = ra[i];
#pragma unroll
    for (int i = 0; i < Cfg::kBLoads; ++i) Bs[buf][b_k + i * Cfg::kBRowStride][b_n] = rb[i];
  };

  const int tx = tid % Cfg::kThreadsN, ty = tid / Cfg::kThreadsN;
  constexpr int kMGroupStride = BM / (TM / 4), kNGroupStride = BN / (TN / 4);
  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  load(t.k0);
  stash(0);
  __syncthreads();
  int buf = 0;
  for (int k0 = t.k0; k0 < t.k1; k0 += BK) {
    const bool more = k0 + BK < t.k1;
    if (more) load(k0 + BK);  // in flight while we compute on `buf`
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float am[TM], bn[TN];
#pragma unroll
      for (int g = 0; g < TM / 4; ++g) copy4(&am[g * 4], &As[buf][kk][g * kMGroupStride + ty * 4]);
#pragma unroll
      for (int g = 0; g < TN / 4; ++g) copy4(&bn[g * 4], &Bs[buf][kk][g * kNGroupStride + tx * 4]);
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(am[i], bn[j], acc[i][j]);
    }
    if (more) {
      // The other buffer was last read in the previous slab, before the
      // barrier that ended it: safe to overwrite.
      stash(buf ^ 1);
      __syncthreads();
      buf ^= 1;
    }
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int m = t.m0 + (i / 4) * kMGroupStride + ty * 4 + (i % 4);
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int n = t.n0 + (j / 4) * kNGroupStride + tx * 4 + (j % 4);
      op.store(t.z, m, n, acc[i][j]);
    }
  }
}

template <class Cfg, class Op>
void launch_tiled_gemm(const Op& op, dim3 grid, const char* what) {
  tiled_gemm_kernel<Cfg, Op><<<grid, Cfg::kThreads, 0, stream()>>>(op);
  MGST_CHECK_LAUNCH(what, "grid=", grid.x, "x", grid.y, "x", grid.z, "tile=", Cfg::BM, "x",
                    Cfg::BN);
}

// Fixed-order sum of `splits` partial results: y[i] = sum_s ws[s*n + i]
// (gemm.cu). Split-K without float atomics, so the result is bit-reproducible.
void launch_sum_splits(int64_t n, int splits, const float* ws, float* y);

// K-split for a product with few output tiles and a long K: about two
// blocks per SM of the target GPU (kTargetSMs, common.cuh: the split, and
// so the bits, depend on the shape alone), each split at least 16 slabs
// long. Returns the chunk length (multiple of bk) and the split count.
// "Two blocks per SM" is a sizing guess, unmeasured.
inline void choose_split(int64_t tiles, int64_t K, int bk, int& chunk, int& splits) {
  const int64_t target_blocks = 2 * int64_t(kTargetSMs);
  int64_t want = std::max<int64_t>(1, (target_blocks + tiles - 1) / tiles);
  const int64_t max_splits = std::max<int64_t>(1, K / (int64_t(bk) * 16));  // >= 16 slabs each
  want = std::min(want, max_splits);
  int64_t c = (K + want - 1) / want;
  c = (c + bk - 1) / bk * bk;
  chunk = int(c);
  splits = int((K + c - 1) / c);
}

}  // namespace mgst::kernels::cuda::detail
