// Reflection padding against index arithmetic written out here (PyTorch
// ReflectionPad2d: the edge pixel is not repeated), backward by finite
// differences.
#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
// Mirror without repeating the edge, written independently of reflect_index.
int mirror(int i, int n) { return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i); }

Vec pad_ref(int NC, int H, int W, int p, const Vec& x) {
  const int Hp = H + 2 * p, Wp = W + 2 * p;
  Vec y(std::size_t(NC) * Hp * Wp);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Hp; ++i)
      for (int j = 0; j < Wp; ++j)
        y[(std::size_t(c) * Hp + i) * Wp + j] = x[(std::size_t(c) * H + mirror(i - p, H)) * W + mirror(j - p, W)];
  return y;
}
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("reflection pad forward/backward") {
  const int cases[][4] = {{1, 1, 1, 0}, {2, 3, 4, 1}, {1, 5, 5, 2}, {3, 2, 7, 1}, {1, 9, 6, 4}, {2, 4, 3, 2}};
  uint64_t seed = 1;
  for (const auto& c : cases) {
    const int NC = c[0], H = c[1], W = c[2], p = c[3];
    CAPTURE(NC);
    CAPTURE(H);
    CAPTURE(W);
    CAPTURE(p);
    const auto x = random_vector(std::size_t(NC) * H * W, ++seed);
    const auto dy = random_vector(std::size_t(NC) * (H + 2 * p) * (W + 2 * p), ++seed);
    std::vector<float> y(dy.size()), dx(x.size(), 3.f);
    kc::reflection_pad_forward(NC, H, W, p, x.data(), y.data());
    all_close("pad y", y, pad_ref(NC, H, W, p, to_double(x)), 0, 0);
    kc::reflection_pad_backward(NC, H, W, p, dy.data(), dx.data());
    const auto ref = mgst::test::numeric_vjp(
        [&](const Vec& v) { return pad_ref(NC, H, W, p, v); }, to_double(x), to_double(dy));
    all_close("pad dx", dx, ref, 1e-5, 1e-5);
  }
}

TEST_CASE("reflection pad rejects pad >= H or W") {
  std::vector<float> x(64), y(256);
  CHECK_THROWS_AS(kc::reflection_pad_forward(1, 2, 5, 2, x.data(), y.data()), mgst::Error);
  CHECK_THROWS_AS(kc::reflection_pad_backward(1, 5, 1, 1, y.data(), x.data()), mgst::Error);
}

}  // TEST_SUITE
