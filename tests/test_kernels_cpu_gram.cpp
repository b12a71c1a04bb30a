// Masked Gram matrix against a double reference (normalised error), with and
// without weights, backward by finite differences, and bit-identical results
// for 1 and 2 threads on a size with several chunks.
#include <cstring>

#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::normalized_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
constexpr double kEps = 1e-8;

Vec gram_ref(int N, int C, int P, const Vec& F, const Vec* w) {
  Vec G(std::size_t(N) * C * C);
  for (int n = 0; n < N; ++n) {
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += w ? (*w)[std::size_t(n) * P + p] : 1.0;
    const double D = C * ws + kEps;
    for (int i = 0; i < C; ++i)
      for (int j = 0; j < C; ++j) {
        double s = 0;
        for (int p = 0; p < P; ++p) {
          const double wp = w ? (*w)[std::size_t(n) * P + p] : 1.0;
          s += F[(std::size_t(n) * C + i) * P + p] * wp * F[(std::size_t(n) * C + j) * P + p] * wp;
        }
        G[(std::size_t(n) * C + i) * C + j] = s / D;
      }
  }
  return G;
}
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("masked gram forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {2, 3, 10}, {1, 5, 33}, {2, 4, 7}};
  uint64_t seed = 9;
  for (const auto& c : cases) {
    const int N = c[0], C = c[1], P = c[2];
    CAPTURE(N);
    CAPTURE(C);
    CAPTURE(P);
    const auto F = random_vector(std::size_t(N) * C * P, ++seed);
    const auto w = random_vector(std::size_t(N) * P, ++seed, 0.f, 1.f);
    const auto dG = random_vector(std::size_t(N) * C * C, ++seed);
    const Vec Fd = to_double(F), wd = to_double(w), dGd = to_double(dG);
    for (int use_w = 0; use_w < 2; ++use_w) {
      CAPTURE(use_w);
      const float* wp = use_w ? w.data() : nullptr;
      const Vec* wr = use_w ? &wd : nullptr;
      std::vector<float> G(dG.size()), dF(F.size());
      kc::masked_gram_forward(N, C, P, F.data(), wp, float(kEps), G.data());
      normalized_close("gram G", G, gram_ref(N, C, P, Fd, wr), 1e-5);
      kc::masked_gram_backward(N, C, P, F.data(), wp, float(kEps), dG.data(), dF.data());
      const auto fd = mgst::test::numeric_vjp([&](const Vec& v) { return gram_ref(N, C, P, v, wr); }, Fd, dGd);
      all_close("gram dF", dF, fd, 1e-5, 1e-4);
    }
  }
}

TEST_CASE("masked gram over many chunks: accurate and bit-identical for 1 and 2 threads") {
  const int N = 2, C = 16, P = 9000;
  const auto F = random_vector(std::size_t(N) * C * P, 1, 0.f, 2.f);  // ReLU-like, large sums
  const auto w = random_vector(std::size_t(N) * P, 2, 0.f, 1.f);
  const Vec wd = to_double(w);
  std::vector<float> G[2];
  for (int t = 1; t <= 2; ++t) {
    mgst::test::ScopedThreads th(t);
    G[t - 1].resize(std::size_t(N) * C * C);
    kc::masked_gram_forward(N, C, P, F.data(), w.data(), 1e-8f, G[t - 1].data());
  }
  normalized_close("gram G (long P)", G[0], gram_ref(N, C, P, to_double(F), &wd), 1e-6);
  CHECK(std::memcmp(G[0].data(), G[1].data(), G[0].size() * sizeof(float)) == 0);
}

}  // TEST_SUITE
