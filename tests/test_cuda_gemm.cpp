// CUDA sgemm: every version of the table (kernels/cuda/versions.h) vs
// the CPU backend, all transpose combinations, odd sizes, alpha/beta, padded
// leading dimensions; and vs cuBLAS where mgst_refs has it.
// Tolerance: matrix_close (normalised 2e-5): float32 dot products of up
// to K = 300 terms in a different order.
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"
#include "kernels/cuda/versions.h"
#ifdef MGST_HAVE_CUBLAS
#include <cublas_v2.h>
#endif

namespace {
struct G { int M, N, K; };
const G kSizes[] = {{1, 1, 1}, {3, 5, 7}, {64, 64, 64}, {65, 129, 33}, {128, 128, 8},
                    {200, 77, 300}, {17, 256, 129}};
}  // namespace

TEST_SUITE("cuda") {

TEST_CASE("cuda sgemm: every version, every transpose, alpha/beta, vs CPU") {
  MGST_REQUIRE_GPU();
  uint64_t seed = 1;
  for (G g : kSizes)
    if (!mgst::test::cuda::small_mode() || int64_t(g.M) * g.N * g.K <= (1 << 18))
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.f, 0.5f}) {
          CAPTURE(g.M); CAPTURE(g.N); CAPTURE(g.K); CAPTURE(ta); CAPTURE(tb); CAPTURE(beta);
          // stored shapes, with padded leading dimensions (+3)
          const int ar = ta ? g.K : g.M, ac = ta ? g.M : g.K, lda = ac + 3;
          const int br = tb ? g.N : g.K, bc = tb ? g.K : g.N, ldb = bc + 3;
          const int ldc = g.N + 3;
          const auto A = random_vector(std::size_t(ar) * lda, ++seed);
          const auto B = random_vector(std::size_t(br) * ldb, ++seed);
          const auto C0 = random_vector(std::size_t(g.M) * ldc, ++seed);
          auto ref = C0;
          kp::sgemm(ta, tb, g.M, g.N, g.K, 1.3f, A.data(), lda, B.data(), ldb, beta, ref.data(), ldc);
          DeviceBuffer dA(A), dB(B), dC(C0.size());
          for (const auto& v : kc::sgemm_versions()) {
            CAPTURE(v.name);
            if (beta == 0.f) {
              // beta = 0 must not read C: poisoned C still gives finite results
              // where written; the padding columns stay NaN and are skipped.
              dC.poison();
            } else {
              dC.upload(C0);
            }
            v.fn.sgemm(ta, tb, g.M, g.N, g.K, 1.3f, dA, lda, dB, ldb, beta, dC, ldc);
            dC.guards_intact(v.name);
            const auto got = dC.download();
            std::vector<float> gg, rr;
            for (int m = 0; m < g.M; ++m)
              for (int n = 0; n < g.N; ++n) {
                gg.push_back(got[std::size_t(m) * ldc + n]);
                rr.push_back(ref[std::size_t(m) * ldc + n]);
              }
            matrix_close(v.name, gg, rr);
            if (beta != 0.f) {  // padding columns untouched
              bool pad_ok = true;
              for (int m = 0; m < g.M; ++m)
                for (int n = g.N; n < ldc; ++n)
                  pad_ok = pad_ok && got[std::size_t(m) * ldc + n] == C0[std::size_t(m) * ldc + n];
              CHECK_MESSAGE(pad_ok, v.name << " wrote outside the N columns");
            }
          }
        }
}

TEST_CASE("cuda sgemm: dispatcher and bad arguments") {
  MGST_REQUIRE_GPU();
  const int M = 300, N = 600, K = 70;
  const auto A = random_vector(std::size_t(M) * K, 1), B = random_vector(std::size_t(K) * N, 2);
  std::vector<float> ref(std::size_t(M) * N);
  kp::sgemm(false, false, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, ref.data(), N);
  DeviceBuffer dA(A), dB(B), dC(ref.size());
  run_checked("sgemm", {&dC}, [&] { kc::sgemm(false, false, M, N, K, 1.f, dA, K, dB, N, 0.f, dC, N); });
  matrix_close("sgemm", dC.download(), ref);
  CHECK_THROWS_AS(kc::sgemm(false, false, M, N, K, 1.f, dA, K - 1, dB, N, 0.f, dC, N), mgst::Error);
}

#ifdef MGST_HAVE_CUBLAS
TEST_CASE("cuda sgemm: vs cuBLAS (pedantic fp32)") {
  MGST_REQUIRE_GPU();
  cublasHandle_t h;
  REQUIRE(cublasCreate(&h) == CUBLAS_STATUS_SUCCESS);
  REQUIRE(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH) == CUBLAS_STATUS_SUCCESS);
  for (G g : {G{512, 384, 256}, G{129, 1000, 77}}) {
    const auto A = random_vector(std::size_t(g.M) * g.K, 3), B = random_vector(std::size_t(g.K) * g.N, 4);
    DeviceBuffer dA(A), dB(B), dC(std::size_t(g.M) * g.N), dR(std::size_t(g.M) * g.N);
    const float one = 1.f, zero = 0.f;
    kc::synchronize();
    // Row-major C = A B is column-major C^T = B^T A^T.
    REQUIRE(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, g.N, g.M, g.K, &one, dB, g.N, dA, g.K, &zero,
                        dR, g.N) == CUBLAS_STATUS_SUCCESS);
    mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cublas");
    run_checked("sgemm", {&dC}, [&] { kc::sgemm(false, false, g.M, g.N, g.K, 1.f, dA, g.K, dB, g.N, 0.f, dC, g.N); });
    matrix_close("sgemm vs cuBLAS", dC.download(), dR.download());
  }
  cublasDestroy(h);
}
#endif

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
