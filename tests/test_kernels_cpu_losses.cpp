// Region losses (masked mse, task edge loss, total variation) against
// double-precision loops written from the formulas in kernels/api.inc;
// backward by finite differences; bit-identical values for 1 and 2 threads.
#include <cstring>

#include "kernels/cpu/api.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {
double masked_mse_ref(int N, int C, int P, const Vec& a, const Vec& b, const Vec& m, double eps) {
  double s = 0;
  for (int n = 0; n < N; ++n) {
    double ms = 0, num = 0;
    for (int p = 0; p < P; ++p) ms += m[std::size_t(n) * P + p];
    for (int p = 0; p < P; ++p)
      for (int c = 0; c < C; ++c) {
        const std::size_t i = (std::size_t(n) * C + c) * P + p;
        num += m[std::size_t(n) * P + p] * (a[i] - b[i]) * (a[i] - b[i]);
      }
    s += num / (C * ms + eps);
  }
  return s / N;
}

double edge_ref(int N, int H, int W, const Vec& y, const Vec& x, const Vec& m, double eps) {
  const std::size_t HW = std::size_t(H) * W;
  auto g = [&](const Vec& img, int n, int i, int j) {
    const std::size_t q = std::size_t(n) * 3 * HW + std::size_t(i) * W + j;
    return 0.299 * img[q] + 0.587 * img[q + HW] + 0.114 * img[q + 2 * HW];
  };
  double s = 0;
  for (int n = 0; n < N; ++n) {
    double ms = 0, num = 0;
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const double mp = m[n * HW + std::size_t(i) * W + j];
        ms += mp;
        if (j + 1 < W) {
          const double d = (g(y, n, i, j + 1) - g(y, n, i, j)) - (g(x, n, i, j + 1) - g(x, n, i, j));
          num += mp * d * d;
        }
        if (i + 1 < H) {
          const double d = (g(y, n, i + 1, j) - g(y, n, i, j)) - (g(x, n, i + 1, j) - g(x, n, i, j));
          num += mp * d * d;
        }
      }
    s += num / (ms + eps);
  }
  return s / N;
}

double tv_ref(int N, int C, int H, int W, const Vec& y) {
  double sx = 0, sy = 0;
  for (int nc = 0; nc < N * C; ++nc)
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const std::size_t q = (std::size_t(nc) * H + i) * W + j;
        if (j + 1 < W) sx += (y[q + 1] - y[q]) * (y[q + 1] - y[q]);
        if (i + 1 < H) sy += (y[q + W] - y[q]) * (y[q + W] - y[q]);
      }
  const double nx = double(N) * C * H * (W - 1), ny = double(N) * C * (H - 1) * W;
  return (nx > 0 ? sx / nx : 0) + (ny > 0 ? sy / ny : 0);
}

const float kGout = 0.8f;
}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("masked mse forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {2, 3, 7}, {3, 2, 10}};
  uint64_t seed = 70;
  for (const auto& c : cases) {
    const int N = c[0], C = c[1], P = c[2];
    CAPTURE(N);
    CAPTURE(C);
    CAPTURE(P);
    const auto a = random_vector(std::size_t(N) * C * P, ++seed), b = random_vector(a.size(), ++seed);
    const auto m = random_vector(std::size_t(N) * P, ++seed, 0.f, 1.f);
    const Vec ad = to_double(a), bd = to_double(b), md = to_double(m);
    float out = 0;
    kc::masked_mse_forward(N, C, P, a.data(), b.data(), m.data(), 1e-8f, &out);
    all_close("masked mse", std::vector<float>{out},
              std::vector<double>{masked_mse_ref(N, C, P, ad, bd, md, 1e-8)}, 1e-6, 1e-5);
    std::vector<float> da(a.size());
    kc::masked_mse_backward(N, C, P, a.data(), b.data(), m.data(), 1e-8f, &kGout, da.data());
    const auto fd = mgst::test::numeric_gradient(
        [&](const Vec& v) { return kGout * masked_mse_ref(N, C, P, v, bd, md, 1e-8); }, ad);
    all_close("masked mse da", da, fd, 1e-6, 1e-4);
  }
}

TEST_CASE("task edge loss forward/backward") {
  const int cases[][3] = {{1, 1, 1}, {1, 1, 5}, {2, 4, 3}, {1, 5, 6}};
  uint64_t seed = 80;
  for (const auto& c : cases) {
    const int N = c[0], H = c[1], W = c[2];
    CAPTURE(N);
    CAPTURE(H);
    CAPTURE(W);
    const auto y = random_vector(std::size_t(N) * 3 * H * W, ++seed, 0.f, 1.f);
    const auto x = random_vector(y.size(), ++seed, 0.f, 1.f);
    const auto m = random_vector(std::size_t(N) * H * W, ++seed, 0.f, 1.f);
    const Vec yd = to_double(y), xd = to_double(x), md = to_double(m);
    float out = -1;
    kc::task_edge_loss_forward(N, H, W, y.data(), x.data(), m.data(), 1e-8f, &out);
    all_close("edge loss", std::vector<float>{out},
              std::vector<double>{edge_ref(N, H, W, yd, xd, md, 1e-8)}, 1e-6, 1e-5);
    std::vector<float> dy(y.size(), 9.f);
    kc::task_edge_loss_backward(N, H, W, y.data(), x.data(), m.data(), 1e-8f, &kGout, dy.data());
    const auto fd = mgst::test::numeric_gradient(
        [&](const Vec& v) { return kGout * edge_ref(N, H, W, v, xd, md, 1e-8); }, yd);
    all_close("edge loss dy", dy, fd, 1e-6, 1e-4);
  }
}

TEST_CASE("total variation forward/backward, empty means contribute 0") {
  const int cases[][4] = {{1, 1, 1, 1}, {1, 2, 1, 6}, {2, 1, 5, 1}, {2, 3, 4, 5}};
  uint64_t seed = 90;
  for (const auto& c : cases) {
    const int N = c[0], C = c[1], H = c[2], W = c[3];
    CAPTURE(N);
    CAPTURE(C);
    CAPTURE(H);
    CAPTURE(W);
    const auto y = random_vector(std::size_t(N) * C * H * W, ++seed);
    const Vec yd = to_double(y);
    float out = -1;
    kc::total_variation_forward(N, C, H, W, y.data(), &out);
    all_close("tv", std::vector<float>{out}, std::vector<double>{tv_ref(N, C, H, W, yd)}, 1e-6, 1e-5);
    std::vector<float> dy(y.size(), 9.f);
    kc::total_variation_backward(N, C, H, W, y.data(), &kGout, dy.data());
    const auto fd = mgst::test::numeric_gradient([&](const Vec& v) { return kGout * tv_ref(N, C, H, W, v); }, yd);
    all_close("tv dy", dy, fd, 1e-6, 1e-4);
  }
}

TEST_CASE("region losses are bit-identical for 1 and 2 threads") {
  const int N = 2, C = 3, H = 96, W = 128, P = H * W;
  const auto a = random_vector(std::size_t(N) * C * P, 1, 0.f, 1.f), b = random_vector(a.size(), 2, 0.f, 1.f);
  const auto m = random_vector(std::size_t(N) * P, 3, 0.f, 1.f);
  float out[2][3];
  for (int t = 1; t <= 2; ++t) {
    mgst::test::ScopedThreads th(t);
    kc::masked_mse_forward(N, C, P, a.data(), b.data(), m.data(), 1e-8f, &out[t - 1][0]);
    kc::task_edge_loss_forward(N, H, W, a.data(), b.data(), m.data(), 1e-8f, &out[t - 1][1]);
    kc::total_variation_forward(N, C, H, W, a.data(), &out[t - 1][2]);
  }
  CHECK(std::memcmp(out[0], out[1], sizeof(out[0])) == 0);
}

}  // TEST_SUITE
