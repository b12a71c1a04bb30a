// CUDA masked Gram vs the CPU backend (with and without weights), backward,
// exact symmetry, determinism; and vs cuBLAS SGEMM on (F*w) where available.
// Tolerance: normalised 2e-5 (float32 dot products over P up to 4096 in a
// different blocking than the CPU's chunked sgemm + double accumulation).
#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#include "kernels/cpu/api.h"
#ifdef MGST_HAVE_CUBLAS
#include <cublas_v2.h>
#endif

TEST_SUITE("cuda") {

TEST_CASE("cuda masked_gram: forward/backward vs CPU, symmetric, deterministic") {
  MGST_REQUIRE_GPU();
  struct S { int N, C, P; };
  for (S s : {S{1, 1, 1}, S{2, 3, 17}, S{2, 64, 1024}, S{1, 65, 333}, S{2, 130, 257},
              S{4, 128, 4096}, S{1, 256, 200}}) {
    if (mgst::test::cuda::small_mode() && int64_t(s.N) * s.C * s.P > (1 << 18)) continue;
    for (int weighted = 0; weighted < 2; ++weighted) {
      CAPTURE(s.N); CAPTURE(s.C); CAPTURE(s.P); CAPTURE(weighted);
      const std::size_t nF = std::size_t(s.N) * s.C * s.P, nG = std::size_t(s.N) * s.C * s.C;
      const auto F = random_vector(nF, 1);
      auto w = random_vector(std::size_t(s.N) * s.P, 2, 0.f, 1.f);
      for (std::size_t i = 0; i < w.size(); i += 5) w[i] = 0.f;  // masked-out pixels
      const auto dGv = random_vector(nG, 3);
      const float* wp = weighted ? w.data() : nullptr;
      std::vector<float> G_ref(nG), dF_ref(nF);
      kp::masked_gram_forward(s.N, s.C, s.P, F.data(), wp, 1e-8f, G_ref.data());
      kp::masked_gram_backward(s.N, s.C, s.P, F.data(), wp, 1e-8f, dGv.data(), dF_ref.data());
      DeviceBuffer dFin(F), dw(w), G(nG), dG(dGv), dF(nF);
      float* dwp = weighted ? dw.get() : nullptr;
      run_checked("masked_gram_forward", {&G}, [&] { kc::masked_gram_forward(s.N, s.C, s.P, dFin, dwp, 1e-8f, G); });
      const auto g1 = G.download();
      matrix_close("masked_gram_forward", g1, G_ref);
      bool sym = true;
      for (int n = 0; n < s.N; ++n)
        for (int i = 0; i < s.C; ++i)
          for (int j = 0; j < i; ++j)
            sym = sym && g1[(std::size_t(n) * s.C + i) * s.C + j] == g1[(std::size_t(n) * s.C + j) * s.C + i];
      CHECK_MESSAGE(sym, "Gram not exactly symmetric");
      kc::masked_gram_forward(s.N, s.C, s.P, dFin, dwp, 1e-8f, G);
      CHECK_MESSAGE(G.download() == g1, "Gram not bit-reproducible");
      run_checked("masked_gram_backward", {&dF}, [&] { kc::masked_gram_backward(s.N, s.C, s.P, dFin, dwp, 1e-8f, dG, dF); });
      matrix_close("masked_gram_backward", dF.download(), dF_ref);
    }
  }
}

#ifdef MGST_HAVE_CUBLAS
TEST_CASE("cuda masked_gram: vs cuBLAS SGEMM of (F*w)(F*w)^T") {
  MGST_REQUIRE_GPU();
  cublasHandle_t h;
  REQUIRE(cublasCreate(&h) == CUBLAS_STATUS_SUCCESS);
  REQUIRE(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH) == CUBLAS_STATUS_SUCCESS);
  const int C = 256, P = 4096;
  const auto F = random_vector(std::size_t(C) * P, 5);
  const auto w = random_vector(P, 6, 0.f, 1.f);
  std::vector<float> Fw(F.size());
  double wsum = 0;
  for (int p = 0; p < P; ++p) wsum += w[p];
  for (int c = 0; c < C; ++c)
    for (int p = 0; p < P; ++p) Fw[std::size_t(c) * P + p] = F[std::size_t(c) * P + p] * w[p];
  DeviceBuffer dF(F), dw(w), dFw(Fw), G(std::size_t(C) * C), R(std::size_t(C) * C);
  const float alpha = float(1.0 / (C * wsum + 1e-8)), zero = 0.f;
  kc::synchronize();
  // Row-major Fw (C,P) is column-major Fw^T (P,C): G = Fw Fw^T = (Fw^T)^T (Fw^T).
  REQUIRE(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, C, C, P, &alpha, dFw, P, dFw, P, &zero, R, C) ==
          CUBLAS_STATUS_SUCCESS);
  mgst::test::cuda::check_cuda(cudaDeviceSynchronize(), "cublas");
  run_checked("masked_gram_forward", {&G}, [&] { kc::masked_gram_forward(1, C, P, dF, dw, 1e-8f, G); });
  matrix_close("masked_gram vs cuBLAS", G.download(), R.download());
  cublasDestroy(h);
}
#endif

}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
