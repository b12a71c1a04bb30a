// Instance norm against a double reference (biased variance), backward for
// x, gamma and beta by finite differences, and bit-identical statistics and
// parameter gradients for 1 and 2 threads.
#include <cmath>
#include <cstring>

#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
constexpr double kEps = 1e-5;

Vec in_ref(int N, int C, int P, const Vec& x, const Vec& g, const Vec& b, Vec* mean = nullptr,
           Vec* rstd = nullptr) {
  Vec y(x.size());
  for (int nc = 0; nc < N * C; ++nc) {
    double mu = 0, var = 0;
    for (int p = 0; p < P; ++p) mu += x[std::size_t(nc) * P + p];
    mu /= P;
    for (int p = 0; p < P; ++p) var += std::pow(x[std::size_t(nc) * P + p] - mu, 2);
    var /= P;
    const double rs = 1 / std::sqrt(var + kEps);
    if (mean) (*mean)[nc] = mu;
    if (rstd) (*rstd)[nc] = rs;
    for (int p = 0; p < P; ++p)
      y[std::size_t(nc) * P + p] = (x[std::size_t(nc) * P + p] - mu) * rs * g[nc % C] + b[nc % C];
  }
  return y;
}
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("instance norm forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {2, 3, 7}, {1, 2, 25}, {3, 1, 4}};
  uint64_t seed = 3;
  for (const auto& c : cases) {
    const int N = c[0], C = c[1], P = c[2];
    CAPTURE(N);
    CAPTURE(C);
    CAPTURE(P);
    const auto x = random_vector(std::size_t(N) * C * P, ++seed);
    const auto g = random_vector(C, ++seed, 0.5f, 1.5f), b = random_vector(C, ++seed);
    const auto dy = random_vector(x.size(), ++seed);
    const Vec xd = to_double(x), gd = to_double(g), bd = to_double(b);
    Vec rm(N * C), rr(N * C);
    const Vec ry = in_ref(N, C, P, xd, gd, bd, &rm, &rr);
    std::vector<float> y(x.size()), mean(N * C), rstd(N * C);
    kc::instance_norm_forward(N, C, P, x.data(), g.data(), b.data(), float(kEps), y.data(),
                              mean.data(), rstd.data());
    all_close("in y", y, ry, 1e-5, 1e-4);
    all_close("in mean", mean, rm, 1e-6, 1e-5);
    all_close("in rstd", rstd, rr, 1e-6, 1e-5);
    if (P == 1) continue;  // y == beta: every gradient but dbeta is 0 and FD is ill-posed
    std::vector<float> dx(x.size()), dg(C), db(C);
    kc::instance_norm_backward(N, C, P, x.data(), g.data(), mean.data(), rstd.data(), dy.data(),
                               dx.data(), dg.data(), db.data());
    const Vec dyd = to_double(dy);
    all_close("in dx", dx, mgst::test::numeric_vjp([&](const Vec& v) { return in_ref(N, C, P, v, gd, bd); }, xd, dyd),
              1e-4, 1e-3);
    all_close("in dgamma", dg, mgst::test::numeric_vjp([&](const Vec& v) { return in_ref(N, C, P, xd, v, bd); }, gd, dyd),
              1e-4, 1e-4);
    all_close("in dbeta", db, mgst::test::numeric_vjp([&](const Vec& v) { return in_ref(N, C, P, xd, gd, v); }, bd, dyd),
              1e-4, 1e-4);
    // Nullable outputs.
    std::vector<float> dx2(x.size());
    kc::instance_norm_backward(N, C, P, x.data(), g.data(), mean.data(), rstd.data(), dy.data(),
                               dx2.data(), nullptr, nullptr);
    CHECK(dx2 == dx);
    kc::instance_norm_backward(N, C, P, x.data(), g.data(), mean.data(), rstd.data(), dy.data(),
                               nullptr, dg.data(), nullptr);
  }
}

TEST_CASE("instance norm is bit-identical for 1 and 2 threads") {
  const int N = 4, C = 8, P = 64 * 64;
  const auto x = random_vector(std::size_t(N) * C * P, 1, -2.f, 3.f);
  const auto g = random_vector(C, 2), b = random_vector(C, 3), dy = random_vector(x.size(), 4);
  std::vector<float> out[2];
  for (int t = 1; t <= 2; ++t) {
    mgst::test::ScopedThreads th(t);
    std::vector<float> y(x.size()), mean(N * C), rstd(N * C), dx(x.size()), dg(C), db(C);
    kc::instance_norm_forward(N, C, P, x.data(), g.data(), b.data(), 1e-5f, y.data(), mean.data(), rstd.data());
    kc::instance_norm_backward(N, C, P, x.data(), g.data(), mean.data(), rstd.data(), dy.data(), dx.data(),
                               dg.data(), db.data());
    for (auto* v : {&y, &mean, &rstd, &dx, &dg, &db}) out[t - 1].insert(out[t - 1].end(), v->begin(), v->end());
  }
  CHECK(std::memcmp(out[0].data(), out[1].data(), out[0].size() * sizeof(float)) == 0);
}

}  // TEST_SUITE
