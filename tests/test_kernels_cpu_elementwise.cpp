// Elementwise ops and the per-channel affine map against plain loops, at
// lengths that hit the serial path, block edges and the threaded path.
#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

TEST_SUITE("kernels_cpu") {

TEST_CASE("elementwise ops match plain loops") {
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(17), int64_t(16385), int64_t(100003)}) {
    CAPTURE(n);
    const auto a = mgst::test::away_from_zero(random_vector(n, 1 + n));
    const auto b = random_vector(n, 2 + n);
    std::vector<float> y(n);
    Vec r(n);
    auto check = [&](const char* what, auto f) {
      for (int64_t i = 0; i < n; ++i) r[i] = f(double(a[i]), double(b[i]), double(y[i]));
    };
    kc::fill(n, 2.5f, y.data());
    check("fill", [](double, double, double) { return 2.5; });
    all_close("fill", y, r, 0, 0);
    kc::copy(n, a.data(), y.data());
    all_close("copy", y, to_double(a), 0, 0);
    kc::add(n, a.data(), b.data(), y.data());
    check("add", [](double x, double z, double) { return x + z; });
    all_close("add", y, r, 1e-6, 1e-6);
    kc::sub(n, a.data(), b.data(), y.data());
    check("sub", [](double x, double z, double) { return x - z; });
    all_close("sub", y, r, 1e-6, 1e-6);
    kc::mul(n, a.data(), b.data(), y.data());
    check("mul", [](double x, double z, double) { return x * z; });
    all_close("mul", y, r, 1e-6, 1e-6);
    kc::scale(n, a.data(), -1.5f, y.data());
    check("scale", [](double x, double, double) { return -1.5 * x; });
    all_close("scale", y, r, 1e-6, 1e-6);
    std::vector<float> y0 = b;
    kc::axpy(n, 0.25f, a.data(), y0.data());
    check("axpy", [](double x, double z, double) { return z + 0.25 * x; });
    all_close("axpy", y0, r, 1e-6, 1e-6);
    const float g = 3.f;
    kc::scale_by_scalar(n, a.data(), &g, y.data());
    check("scale_by_scalar", [](double x, double, double) { return 3 * x; });
    all_close("scale_by_scalar", y, r, 1e-6, 1e-6);
    kc::relu_forward(n, a.data(), y.data());
    check("relu", [](double x, double, double) { return x > 0 ? x : 0.0; });
    all_close("relu", y, r, 0, 0);
    // relu backward from the forward output y, checked by finite differences.
    std::vector<float> dx(n);
    kc::relu_backward(n, y.data(), b.data(), dx.data());
    if (n < 100) {
      const auto fd = mgst::test::numeric_vjp(
          [](const Vec& v) {
            Vec o(v.size());
            for (std::size_t i = 0; i < v.size(); ++i) o[i] = v[i] > 0 ? v[i] : 0.0;
            return o;
          },
          to_double(a), to_double(b));
      all_close("relu dx", dx, fd, 1e-6, 1e-6);
    } else {
      check("relu dx", [](double x, double z, double) { return x > 0 ? z : 0.0; });
      all_close("relu dx", dx, r, 0, 0);
    }
  }
}

TEST_CASE("elementwise ops work in place") {
  auto a = random_vector(1000, 5);
  const auto keep = a;
  kc::add(int64_t(a.size()), a.data(), a.data(), a.data());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == 2 * keep[i]);
}

TEST_CASE("channel affine forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {2, 3, 5}, {4, 3, 9000}};
  uint64_t seed = 7;
  for (const auto& c : cases) {
    const int N = c[0], C = c[1], P = c[2];
    CAPTURE(P);
    const auto x = random_vector(std::size_t(N) * C * P, ++seed);
    const auto a = random_vector(C, ++seed), b = random_vector(C, ++seed);
    const auto dy = random_vector(x.size(), ++seed);
    auto ref = [&](const Vec& v) {
      Vec o(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        const int ch = int(i / P % C);
        o[i] = v[i] * a[ch] + b[ch];
      }
      return o;
    };
    std::vector<float> y(x.size()), dx(x.size());
    kc::channel_affine_forward(N, C, P, x.data(), a.data(), b.data(), y.data());
    all_close("affine y", y, ref(to_double(x)), 1e-6, 1e-6);
    kc::channel_affine_backward(N, C, P, a.data(), dy.data(), dx.data());
    if (x.size() < 100) {
      all_close("affine dx", dx, mgst::test::numeric_vjp(ref, to_double(x), to_double(dy)), 1e-5, 1e-5);
    } else {
      Vec r(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) r[i] = double(dy[i]) * a[i / P % C];
      all_close("affine dx", dx, r, 1e-6, 1e-6);
    }
  }
}

}  // TEST_SUITE
