// sgemm: C (M,N) = alpha * op(A) op(B) + beta * C, row-major, op = optional
// transpose (see kernels/api.inc). No cuBLAS: cuBLAS is only the reference
// in tests/benchmarks.
//
// Versions (the table sgemm_versions() below; tests and benchmarks iterate it):
//   v1_naive    one thread per C element, K loop straight from global memory.
//   v2_tile64   64x64x8 shared-memory tiles, 4x4 register blocking per thread,
//               double-buffered slabs (detail::tiled_gemm_kernel, Tile64).
//   v3_tile128  128x128x8 tiles, 8x8 register blocking, float4 shared reads
//               (Tile128): 4x the math per shared-memory load of v2.
// cuda::sgemm uses v3 when the 128-tiles fill the GPU (>= 132 tiles), else
// v2 (smaller tiles = more blocks for small products).
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/gemm_versions.h"
#include "kernels/cuda/tiled_gemm.cuh"

namespace mgst::kernels::cuda {
namespace detail {

// ---- split-K combine (shared with conv2d / gram) ---------------------------
// grid-stride over i in [0, n): y[i] = ws[0*n+i] + ws[1*n+i] + ... in order.
__global__ void sum_splits_kernel(int64_t n, int splits, const float* __restrict__ ws,
                                  float* __restrict__ y) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
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

// A(m,k) / B(k,n) through row/column base pointers and a k stride, so the
// transposes cost nothing in the k loop.
struct SgemmOp {
  const float* A;
  const float* B;
  float* C;
  int M, N, K, lda, ldb, ldc;
  bool ta, tb;
  float alpha, beta;

  struct Row { const float* p; int64_t stride; bool ok; };
  struct Col { const float* p; int64_t stride; bool ok; };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, K);  // a 2-D grid: z = 0
    return true;
  }
  __device__ Row row(int, int m) const {
    if (m >= M) return {A, 0, false};
    return ta ? Row{A + m, lda, true} : Row{A + int64_t(m) * lda, 1, true};
  }
  __device__ float a(const Row& r, int k) const { return r.ok ? __ldg(r.p + k * r.stride) : 0.f; }
  __device__ Col col(int, int n) const {
    if (n >= N) return {B, 0, false};
    return tb ? Col{B + int64_t(n) * ldb, 1, true} : Col{B + n, ldb, true};
  }
  __device__ float b(const Col& c, int k) const { return c.ok ? __ldg(c.p + k * c.stride) : 0.f; }
  __device__ void store(int, int m, int n, float v) const {
    if (m >= M || n >= N) return;
    float* c = C + int64_t(m) * ldc + n;
    *c = beta == 0.f ? alpha * v : alpha * v + beta * *c;
  }
};

void check_sgemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda,
                 const float* B, int ldb, const float* C, int ldc) {
  MGST_CHECK(M >= 0 && N >= 0 && K >= 0, "sgemm: negative size M=" << M << " N=" << N << " K=" << K);
  MGST_CHECK(lda >= (ta ? M : K) && ldb >= (tb ? K : N) && ldc >= N,
             "sgemm: leading dimension too small: lda=" << lda << " ldb=" << ldb << " ldc=" << ldc
             << " for M=" << M << " N=" << N << " K=" << K << " ta=" << ta << " tb=" << tb);
  MGST_CHECK((A && B && C) || M == 0 || N == 0, "sgemm: null pointer");
}

void sgemm_v1(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
              const float* B, int ldb, float beta, float* C, int ldc) {
  check_sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  const dim3 block(16, 16), grid(ceil_div(N, 16), ceil_div(M, 16));
  sgemm_naive_kernel<<<grid, block, 0, stream()>>>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  MGST_CHECK_LAUNCH("sgemm_v1_naive", "M=", M, "N=", N, "K=", K);
}

template <class Cfg>
void sgemm_tiled(bool ta, bool tb, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc) {
  check_sgemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  const SgemmOp op{A, B, C, M, N, K, lda, ldb, ldc, ta, tb, alpha, beta};
  launch_tiled_gemm<Cfg>(op, dim3(ceil_div(N, Cfg::BN), ceil_div(M, Cfg::BM)), "sgemm_tiled");
}

const SgemmVersion kSgemmVersions[] = {
    {"v1_naive", "one thread per C element, operands straight from global memory", sgemm_v1},
    {"v2_tile64", "64x64x8 shared-memory tiles, 4x4 register blocking, double buffer",
     sgemm_tiled<Tile64>},
    {"v3_tile128", "128x128x8 tiles, 8x8 register blocking, float4 shared-memory reads",
     sgemm_tiled<Tile128>},
};

}  // namespace
}  // namespace detail

std::span<const SgemmVersion> sgemm_versions() { return detail::kSgemmVersions; }

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
           int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  const int64_t tiles128 = int64_t(detail::ceil_div(M, 128)) * detail::ceil_div(N, 128);
  const auto& v = detail::kSgemmVersions[tiles128 >= 132 ? 2 : 1];
  v.fn(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace mgst::kernels::cuda
