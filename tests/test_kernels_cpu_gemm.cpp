// sgemm against a double-precision triple loop: every transpose combination,
// odd sizes that cross the MR/NR/KC/MC block edges, padded leading
// dimensions, alpha/beta, beta = 0 over a NaN-filled C, and bit-identical
// results for 1 and 2 threads.
#include <cstring>
#include <limits>

#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;

namespace {

struct Case {
  bool ta, tb;
  int M, N, K, pad;  // pad: extra columns in every leading dimension
  float alpha, beta;
};

// Runs one case; C has ldc = N + pad and its padding must stay untouched.
void run_case(const Case& c, uint64_t seed) {
  const int lda = (c.ta ? c.M : c.K) + c.pad, ldb = (c.tb ? c.K : c.N) + c.pad;
  const int ldc = c.N + c.pad;
  const auto A = random_vector(std::size_t(c.ta ? c.K : c.M) * lda, seed);
  const auto B = random_vector(std::size_t(c.tb ? c.N : c.K) * ldb, seed + 1);
  auto C = random_vector(std::size_t(c.M) * ldc, seed + 2);
  if (c.beta == 0.f)  // beta == 0 must not read C: poison it
    for (int i = 0; i < c.M; ++i)
      for (int j = 0; j < c.N; ++j) C[std::size_t(i) * ldc + j] = std::numeric_limits<float>::quiet_NaN();
  std::vector<double> ref(std::size_t(c.M) * ldc);
  for (int i = 0; i < c.M; ++i)
    for (int j = 0; j < ldc; ++j) {
      const std::size_t o = std::size_t(i) * ldc + j;
      if (j >= c.N) {
        ref[o] = C[o];
        continue;
      }
      double s = 0;
      for (int k = 0; k < c.K; ++k) {
        const double a = c.ta ? A[std::size_t(k) * lda + i] : A[std::size_t(i) * lda + k];
        const double b = c.tb ? B[std::size_t(j) * ldb + k] : B[std::size_t(k) * ldb + j];
        s += a * b;
      }
      ref[o] = c.alpha * s + (c.beta == 0.f ? 0.0 : c.beta * double(C[o]));
    }
  kc::sgemm(c.ta, c.tb, c.M, c.N, c.K, c.alpha, A.data(), lda, B.data(), ldb,
            c.beta, C.data(), ldc);
  CAPTURE(c.ta);
  CAPTURE(c.tb);
  CAPTURE(c.M);
  CAPTURE(c.N);
  CAPTURE(c.K);
  CAPTURE(c.pad);
  CAPTURE(c.beta);
  // Inputs in [-1, 1): the error grows like sqrt(K) * eps * typical |C|.
  all_close("sgemm C", C, ref, 2e-5 * std::sqrt(double(c.K) + 1), 1e-4);
}

}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("sgemm matches a double reference for all transposes and odd sizes") {
  const int shapes[][3] = {{1, 1, 1},   {7, 5, 3},     {9, 49, 17},  {37, 53, 71},
                           {130, 97, 300}, {3, 200, 40}, {129, 2, 513}, {16, 96, 256}};
  uint64_t seed = 10;
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (const auto& s : shapes) {
        run_case({bool(ta), bool(tb), s[0], s[1], s[2], 0, 1.f, 0.f}, seed += 3);
        run_case({bool(ta), bool(tb), s[0], s[1], s[2], 5, 0.7f, -1.3f}, seed += 3);
        run_case({bool(ta), bool(tb), s[0], s[1], s[2], 3, -2.f, 0.f}, seed += 3);
      }
}

TEST_CASE("sgemm with K = 0 or alpha = 0 only scales C") {
  std::vector<float> C = {1, 2, 3, 4}, A = {1, 2}, B = {3, 4};
  kc::sgemm(false, false, 2, 2, 0, 1.f, A.data(), 1, B.data(), 2, 0.5f, C.data(), 2);
  CHECK(C == std::vector<float>{0.5f, 1, 1.5f, 2});
  std::vector<float> N(4, std::numeric_limits<float>::quiet_NaN());
  kc::sgemm(false, false, 2, 2, 1, 0.f, A.data(), 1, B.data(), 2, 0.f, N.data(), 2);
  CHECK(N == std::vector<float>(4, 0.f));
}

TEST_CASE("sgemm rejects bad leading dimensions") {
  std::vector<float> A(16), B(16), C(16);
  CHECK_THROWS_AS(kc::sgemm(false, false, 4, 4, 4, 1.f, A.data(), 3, B.data(), 4, 0.f, C.data(), 4),
                  mgst::Error);
  CHECK_THROWS_AS(kc::sgemm(false, true, 4, 4, 4, 1.f, A.data(), 4, B.data(), 4, 0.f, C.data(), 2),
                  mgst::Error);
}

TEST_CASE("sgemm is bit-identical for 1 and 2 threads") {
  const int M = 150, N = 333, K = 700;
  const auto A = random_vector(std::size_t(M) * K, 1), B = random_vector(std::size_t(K) * N, 2);
  std::vector<float> C1(std::size_t(M) * N), C2(C1.size());
  {
    mgst::test::ScopedThreads t(1);
    kc::sgemm(false, true, M, N, K, 1.f, A.data(), K, B.data(), K, 0.f, C1.data(), N);
  }
  {
    mgst::test::ScopedThreads t(2);
    kc::sgemm(false, true, M, N, K, 1.f, A.data(), K, B.data(), K, 0.f, C2.data(), N);
  }
  CHECK(std::memcmp(C1.data(), C2.data(), C1.size() * sizeof(float)) == 0);
}

}  // TEST_SUITE
