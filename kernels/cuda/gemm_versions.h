// The sgemm versions of kernels/cuda/gemm.cu, as one table that the
// dispatcher (cuda::sgemm), the tests and the benchmarks all iterate.
// Plain C++: no CUDA headers needed.
#pragma once
#include <span>

namespace mgst::kernels::cuda {

using SgemmFn = void (*)(bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                         const float* A, int lda, const float* B, int ldb, float beta,
                         float* C, int ldc);

struct SgemmVersion {
  const char* name;  // "v1_naive", ...
  const char* what;  // one line: what changed from the previous version
  SgemmFn fn;
};

std::span<const SgemmVersion> sgemm_versions();

}  // namespace mgst::kernels::cuda
