// Reference sgemm: the triple loop in double precision. The contract is in
// kernels/api.inc ("gemm"); backends: kernels/cpu/gemm.cpp, kernels/cuda/gemm.cu.
// Header-only, no dependencies: tests/ops/ compares every backend with it.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// C = alpha * op(A) op(B) + beta * C, row-major, op(A) (M,K), op(B) (K,N).
// C is the whole stored matrix (M, ldc): the ldc - N padding columns are
// returned unchanged, and beta == 0 never reads C (it may hold NaN).
inline std::vector<double> sgemm(bool trans_a, bool trans_b, int M, int N, int K, double alpha,
                                 const std::vector<double>& A, int lda,
                                 const std::vector<double>& B, int ldb, double beta,
                                 const std::vector<double>& C, int ldc) {
  std::vector<double> out = C;  // (M, ldc); padding columns stay as they are
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;  // s = sum_k op(A)[i,k] * op(B)[k,j]
      for (int k = 0; k < K; ++k) {
        // op(A)[i,k]: A stored (M,K) with row stride lda, or (K,M) when transposed
        const double a = trans_a ? A[std::size_t(k) * lda + i] : A[std::size_t(i) * lda + k];
        // op(B)[k,j]: B stored (K,N), or (N,K) when transposed
        const double b = trans_b ? B[std::size_t(j) * ldb + k] : B[std::size_t(k) * ldb + j];
        s += a * b;
      }
      double& c = out[std::size_t(i) * ldc + j];
      c = alpha * s + (beta == 0 ? 0.0 : beta * c);  // beta = 0: C is not read
    }
  return out;
}

}  // namespace mgst::kernels::ref
