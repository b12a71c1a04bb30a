// Nearest x2 upsampling, 2x2 max pooling and k x k average pooling against
// straightforward loops; backward by finite differences (max pool on
// distinct values, so no test point sits on a tie) plus an explicit tie test.
#include <algorithm>
#include <numeric>

#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
Vec up_ref(int NC, int H, int W, const Vec& x) {
  Vec y(std::size_t(NC) * 4 * H * W);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < 2 * H; ++i)
      for (int j = 0; j < 2 * W; ++j)
        y[(std::size_t(c) * 2 * H + i) * 2 * W + j] = x[(std::size_t(c) * H + i / 2) * W + j / 2];
  return y;
}

// op 0: max, 1: mean over k x k windows.
Vec pool_ref(int NC, int H, int W, int k, int op, const Vec& x) {
  const int Ho = H / k, Wo = W / k;
  Vec y(std::size_t(NC) * Ho * Wo);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j) {
        double m = -1e300, s = 0;
        for (int u = 0; u < k; ++u)
          for (int v = 0; v < k; ++v) {
            const double e = x[(std::size_t(c) * H + i * k + u) * W + j * k + v];
            m = std::max(m, e);
            s += e;
          }
        y[(std::size_t(c) * Ho + i) * Wo + j] = op == 0 ? m : s / (k * k);
      }
  return y;
}

// Distinct values in [-1, 1) spaced 2/n apart, shuffled.
std::vector<float> distinct(std::size_t n, uint64_t seed) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.f);
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  for (auto& e : v) e = -1.f + 2.f * e / float(n);
  return v;
}
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("nearest 2x upsampling forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {2, 3, 5}, {3, 4, 4}, {1, 7, 2}};
  uint64_t seed = 1;
  for (const auto& c : cases) {
    const int NC = c[0], H = c[1], W = c[2];
    CAPTURE(H);
    CAPTURE(W);
    const auto x = random_vector(std::size_t(NC) * H * W, ++seed);
    const auto dy = random_vector(x.size() * 4, ++seed);
    std::vector<float> y(dy.size()), dx(x.size());
    kc::upsample_nearest2x_forward(NC, H, W, x.data(), y.data());
    all_close("up y", y, up_ref(NC, H, W, to_double(x)), 0, 0);
    kc::upsample_nearest2x_backward(NC, H, W, dy.data(), dx.data());
    all_close("up dx", dx,
              mgst::test::numeric_vjp([&](const Vec& v) { return up_ref(NC, H, W, v); }, to_double(x), to_double(dy)),
              1e-5, 1e-5);
  }
}

TEST_CASE("2x2 max pool forward/backward (floor on odd sizes)") {
  const int cases[][3] = {{1, 2, 2}, {2, 5, 7}, {3, 4, 6}, {1, 3, 2}};
  uint64_t seed = 10;
  for (const auto& c : cases) {
    const int NC = c[0], H = c[1], W = c[2];
    CAPTURE(H);
    CAPTURE(W);
    const auto x = distinct(std::size_t(NC) * H * W, ++seed);
    const auto dy = random_vector(std::size_t(NC) * (H / 2) * (W / 2), ++seed);
    std::vector<float> y(dy.size()), dx(x.size(), 5.f);
    kc::max_pool2x2_forward(NC, H, W, x.data(), y.data());
    all_close("maxpool y", y, pool_ref(NC, H, W, 2, 0, to_double(x)), 0, 0);
    kc::max_pool2x2_backward(NC, H, W, x.data(), dy.data(), dx.data());
    // Step well below the gap between distinct values (2 / n).
    all_close("maxpool dx", dx,
              mgst::test::numeric_vjp([&](const Vec& v) { return pool_ref(NC, H, W, 2, 0, v); },
                                      to_double(x), to_double(dy), 1e-4 / x.size()),
              1e-5, 1e-5);
  }
}

TEST_CASE("2x2 max pool ties route to the first element in window order") {
  const std::vector<float> x = {1, 3, 3, 3,   // window 0: 3 at (0,1) first; window 1: (0,2)
                                3, 0, 3, 3};
  const std::vector<float> dy = {10, 20};
  std::vector<float> y(2), dx(8);
  kc::max_pool2x2_forward(1, 2, 4, x.data(), y.data());
  CHECK(y == std::vector<float>{3, 3});
  kc::max_pool2x2_backward(1, 2, 4, x.data(), dy.data(), dx.data());
  CHECK(dx == std::vector<float>{0, 10, 20, 0, 0, 0, 0, 0});
}

TEST_CASE("average pool forward/backward (floor on odd sizes)") {
  const int cases[][4] = {{1, 1, 1, 1}, {2, 5, 7, 2}, {1, 9, 8, 4}, {3, 6, 6, 3}, {1, 4, 5, 1}};
  uint64_t seed = 20;
  for (const auto& c : cases) {
    const int NC = c[0], H = c[1], W = c[2], k = c[3];
    CAPTURE(H);
    CAPTURE(W);
    CAPTURE(k);
    const auto x = random_vector(std::size_t(NC) * H * W, ++seed);
    const auto dy = random_vector(std::size_t(NC) * (H / k) * (W / k), ++seed);
    std::vector<float> y(dy.size()), dx(x.size(), 5.f);
    kc::avg_pool_forward(NC, H, W, k, x.data(), y.data());
    all_close("avgpool y", y, pool_ref(NC, H, W, k, 1, to_double(x)), 1e-6, 1e-5);
    kc::avg_pool_backward(NC, H, W, k, dy.data(), dx.data());
    all_close("avgpool dx", dx,
              mgst::test::numeric_vjp([&](const Vec& v) { return pool_ref(NC, H, W, k, 1, v); },
                                      to_double(x), to_double(dy)),
              1e-5, 1e-5);
  }
}

}  // TEST_SUITE
