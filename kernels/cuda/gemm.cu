// sgemm: C (M,N) = alpha * op(A) op(B) + beta * C, row-major, op = optional
// transpose (see kernels/api.inc). No cuBLAS: cuBLAS is only the reference
// in tests/benchmarks.
//
// Versions (the table kVersions below; cuda::sgemm, the tests and the
// benchmarks all go through it). Nothing here has run on a GPU: every
// performance reason below is a hypothesis, unmeasured.
//   v1_naive      one thread per C element, the K loop straight from global
//                 memory.
//   v2_smem16     same thread mapping, but the block stages 16x16 tiles of
//                 op(A) and op(B) in shared memory, one element per thread
//                 each, then every thread reads a row of one and a column
//                 of the other (the classic CUDA
//                 programming guide kernel): a block loads each value of
//                 its A rows and B columns once, where v1's threads load it
//                 16 times (once per thread that uses it).
//   v3_tile64     the generic detail::tiled_gemm_kernel (tiled_gemm.cuh)
//                 with 64x64x8 tiles: each thread keeps a 4x4 block of C in
//                 registers (register blocking), float4 shared-memory reads,
//                 double-buffered slabs. FMAs per shared-memory value read =
//                 TM*TN/(TM+TN) = 16/8 = 2 (v2: 1/2, two reads per FMA).
//   v4_tile128    the same kernel with 128x128x8 tiles, 8x8 per thread:
//                 64/16 = 4 FMAs per shared value read, 2x v3's; but 4x
//                 fewer blocks for the same C.
//   v5_tile_auto  v4 when the 128-tiles alone make at least kTargetSMs
//                 blocks (common.cuh: one per SM of the target GPU), else
//                 v3 (more, smaller blocks for small products). The choice
//                 depends on the shape alone. cuda::sgemm runs this one
//                 under the fp32 matmul policy (kernels/precision.h).
//   v6_tf32_mma   v5's tile choice, the math on TF32 tensor cores
//                 (mma_gemm.cuh): each warp issues mma.m16n8k8 on
//                 fragments read from shared memory, which a 4-stage
//                 cp.async pipeline fills (the A/B loads are plain copies).
//                 Operands rounded to TF32 (10-bit mantissa), fp32 sums.
//                 cuda::sgemm runs it under the tf32 matmul policy.
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/mma_gemm.cuh"
#include "kernels/cuda/tiled_gemm.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace detail {

// ---- split-K combine (shared with conv2d / gram) ---------------------------
// grid-stride over i in [0, n): y[i] = ws[0*n+i] + ws[1*n+i] + ... in order.
__global__ void sum_splits_kernel(int64_t n, int splits, const float* __restrict__ ws,
                                  float* __restrict__ y) {
  for (int64_t i : detail::grid_stride(n)) {
    float s = 0.f;
    for (int z = 0; z < splits; ++z) s += ws[z * n + i];
    y[i] = s;
  }
}

void launch_sum_splits(int64_t n, int splits, const float* ws, float* y) {
  sum_splits_kernel<<<grid_for(n), kThreads, 0, stream()>>>(n, splits, ws, y);
  MGST_CHECK_LAUNCH("sum_splits", "n=", n, "splits=", splits);
}

namespace {

// v1: grid (ceil(N/16), ceil(M/16)), block 16x16; thread -> C[m = y, n = x].
__global__ void sgemm_naive_kernel(bool ta, bool tb, int M, int N, int K, float alpha,
                                   const float* __restrict__ A, int lda,
                                   const float* __restrict__ B, int ldb, float beta,
                                   float* __restrict__ C, int ldc) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x;
  const int m = blockIdx.y * blockDim.y + threadIdx.y;
  if (m >= M || n >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) {
    const float a = ta ? A[int64_t(k) * lda + m] : A[int64_t(m) * lda + k];
    const float b = tb ? B[int64_t(n) * ldb + k] : B[int64_t(k) * ldb + n];
    acc = fmaf(a, b, acc);
  }
  float* c = C + int64_t(m) * ldc + n;
  // beta == 0 must not read C (it may hold garbage or NaN).
  *c = beta == 0.f ? alpha * acc : alpha * acc + beta * *c;
}

// v2: grid (ceil(N/16), ceil(M/16)), block 16x16; thread (ty, tx) -> C[m0 + ty, n0 + tx].
// Per K step of 16: thread (ty, tx) loads As[ty][tx] = op(A)(m0+ty, k0+tx) and
// Bs[ty][tx] = op(B)(k0+ty, n0+tx) (0 outside the matrices), the block syncs,
// and each thread adds As[ty][:] . Bs[:][tx]. Same k order as v1.
constexpr int kSmemTile = 16;
__global__ void sgemm_smem_kernel(bool ta, bool tb, int M, int N, int K, float alpha,
                                  const float* __restrict__ A, int lda, const float* __restrict__ B,
                                  int ldb, float beta, float* __restrict__ C, int ldc) {
  constexpr int T = kSmemTile;
  __shared__ float As[T][T];
  __shared__ float Bs[T][T];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int m = blockIdx.y * T + ty, n = blockIdx.x * T + tx;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += T) {
    // Out-of-range threads still load zeros and reach both barriers.
    const int ka = k0 + tx, kb = k0 + ty;
    As[ty][tx] = m < M && ka < K ? (ta ? A[int64_t(ka) * lda + m] : A[int64_t(m) * lda + ka]) : 0.f;
    Bs[ty][tx] = n < N && kb < K ? (tb ? B[int64_t(n) * ldb + kb] : B[int64_t(kb) * ldb + n]) : 0.f;
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < T; ++kk) acc = fmaf(As[ty][kk], Bs[kk][tx], acc);
    __syncthreads();  // before the next step overwrites the tiles
  }
  if (m >= M || n >= N) return;
  float* c = C + int64_t(m) * ldc + n;
  *c = beta == 0.f ? alpha * acc : alpha * acc + beta * *c;
}

// A(m,k) / B(k,n) through row/column base pointers and a k stride, so the
// transposes cost nothing in the k loop.
struct SgemmOp {
  const float* A;
  const float* B;
  float* C;
  int M, N, K, lda, ldb, ldc;
  bool ta, tb;
  float alpha, beta;

  struct Row {
    const float* p;
    int64_t stride;
    bool ok;
  };
  struct Col {
    const float* p;
    int64_t stride;
    bool ok;
  };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, K);  // a 2-D grid: z = 0
    return true;
  }
  __device__ Row row(int, int m) const {
    if (m >= M) return {A, 0, false};
    return ta ? Row{A + m, lda, true} : Row{A + int64_t(m) * lda, 1, true};
  }
  static constexpr bool kAsyncLoads = true;
  __device__ const float* a_src(const Row& r, int k) const {
    return r.ok ? r.p + k * r.stride : nullptr;
  }
  __device__ float a(const Row& r, int k) const { return load_or_zero(a_src(r, k)); }
  __device__ Col col(int, int n) const {
    if (n >= N) return {B, 0, false};
    return tb ? Col{B + int64_t(n) * ldb, 1, true} : Col{B + n, ldb, true};
  }
  __device__ const float* b_src(const Col& c, int k) const {
    return c.ok ? c.p + k * c.stride : nullptr;
  }
  __device__ float b(const Col& c, int k) const { return load_or_zero(b_src(c, k)); }
  __device__ void store(int, int m, int n, float v) const {
    if (m >= M || n >= N) return;
    float* c = C + int64_t(m) * ldc + n;
    *c = beta == 0.f ? alpha * v : alpha * v + beta * *c;
  }
};

void check_sgemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
                 int ldb, const float* C, int ldc) {
  MGST_CHECK(M >= 0 && N >= 0 && K >= 0,
             "sgemm: negative size M=" << M << " N=" << N << " K=" << K);
  MGST_CHECK(lda >= (ta ? M : K) && ldb >= (tb ? K : N) && ldc >= N,
             "sgemm: leading dimension too small: lda=" << lda << " ldb=" << ldb << " ldc=" << ldc
                                                        << " for M=" << M << " N=" << N << " K="
                                                        << K << " ta=" << ta << " tb=" << tb);
  MGST_CHECK((A && B && C) || M == 0 || N == 0, "sgemm: null pointer");
}

void sgemm_v1(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc) {
  check_sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  const dim3 block(16, 16), grid(ceil_div(N, 16), ceil_div(M, 16));
  sgemm_naive_kernel<<<grid, block, 0, stream()>>>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C,
                                                   ldc);
  MGST_CHECK_LAUNCH("sgemm_v1_naive", "M=", M, "N=", N, "K=", K);
}

void sgemm_v2(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc) {
  check_sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  const dim3 block(kSmemTile, kSmemTile), grid(ceil_div(N, kSmemTile), ceil_div(M, kSmemTile));
  sgemm_smem_kernel<<<grid, block, 0, stream()>>>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C,
                                                  ldc);
  MGST_CHECK_LAUNCH("sgemm_v2_smem16", "M=", M, "N=", N, "K=", K);
}

template <class Cfg>
void sgemm_tiled(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc) {
  check_sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  const SgemmOp op{A, B, C, M, N, K, lda, ldb, ldc, ta, tb, alpha, beta};
  launch_gemm<Cfg>(op, dim3(ceil_div(N, Cfg::BN), ceil_div(M, Cfg::BM)), "sgemm_tiled");
}

// v5 (Tile64, Tile128) and v6 (MmaTile64, MmaTile128): the tile by shape
// (see the file comment).
template <class Small, class Big>
void sgemm_auto(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc) {
  const int64_t tiles128 = int64_t(ceil_div(M, 128)) * ceil_div(N, 128);
  if (tiles128 >= kTargetSMs)
    sgemm_tiled<Big>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else
    sgemm_tiled<Small>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

#define MGST_SGEMM_RUN(v)                                                      \
  "test: MGST_OPS=sgemm mgst_tests -ts=cuda -tc='cuda ops*' (every version); " \
  "bench: mgst_bench_cuda --benchmark_filter='sgemm/.*/" v "/'"
constexpr KernelVersion<SgemmFns> kVersions[] = {
    {"v1_naive",
     "one thread per C element, operands straight from global memory",
     "unmeasured",
     MGST_SGEMM_RUN("v1_naive"),
     {sgemm_v1}},
    {"v2_smem16",
     "v1's mapping, 16x16 tiles of A and B staged in shared memory",
     "unmeasured",
     MGST_SGEMM_RUN("v2_smem16"),
     {sgemm_v2}},
    {"v3_tile64",
     "64x64x8 tiles, 4x4 register blocking (2 FMAs per shared value read), float4 shared reads, "
     "double buffer",
     "unmeasured",
     MGST_SGEMM_RUN("v3_tile64"),
     {sgemm_tiled<Tile64>}},
    {"v4_tile128",
     "v3's kernel with 128x128x8 tiles, 8x8 per thread (4 FMAs per shared value read)",
     "unmeasured",
     MGST_SGEMM_RUN("v4_tile128"),
     {sgemm_tiled<Tile128>}},
    {"v5_tile_auto",
     "v4 when its tiles make >= kTargetSMs blocks, else v3 (shape alone decides)",
     "unmeasured",
     MGST_SGEMM_RUN("v5_tile_auto"),
     {sgemm_auto<Tile64, Tile128>}},
    {"v6_tf32_mma",
     "v5's tile choice on TF32 tensor cores: mma.m16n8k8 warps, 4-stage cp.async pipeline",
     "unmeasured",
     MGST_SGEMM_RUN("v6_tf32_mma"),
     {sgemm_auto<MmaTile64, MmaTile128>},
     Precision::kTf32},
};
#undef MGST_SGEMM_RUN
// The fp32 matmul policy runs v5, the tf32 one v6 (kernels/precision.h).
constexpr int kFp32Version = find_version(kVersions, "v5_tile_auto");
constexpr int kTf32Version = find_version(kVersions, "v6_tf32_mma");
static_assert(kFp32Version >= 0 && kTf32Version >= 0);

}  // namespace
}  // namespace detail

std::span<const KernelVersion<SgemmFns>> sgemm_versions() { return detail::kVersions; }
int sgemm_dispatched() {
  return precision().matmul == Precision::kTf32 ? detail::kTf32Version : detail::kFp32Version;
}

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc) {
  detail::kVersions[sgemm_dispatched()].fn.sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb,
                                                 beta, C, ldc);
}

}  // namespace mgst::kernels::cuda
