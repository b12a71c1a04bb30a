// conv2d forward / backward_data / backward_weight against a direct
// double-precision convolution: tiny shapes (odd sizes, strides 1-3, padding,
// 1x1, batch 1, 1x1 images) with finite-difference gradients, plus one shape
// large enough for several im2col bands, checked against the exact adjoint.
#include <cstring>

#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::kernels::Conv2dShape;
using mgst::test::all_close;
using mgst::test::random_vector;
using mgst::test::to_double;
using Vec = std::vector<double>;

namespace {

Vec conv_ref(const Conv2dShape& s, const Vec& x, const Vec& w, const Vec* b) {
  const int Ho = s.Ho(), Wo = s.Wo();
  Vec y(s.y_size());
  for (int n = 0; n < s.N; ++n)
    for (int co = 0; co < s.Co; ++co)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          double acc = b ? (*b)[co] : 0.0;
          for (int ci = 0; ci < s.Ci; ++ci)
            for (int ky = 0; ky < s.K; ++ky)
              for (int kx = 0; kx < s.K; ++kx) {
                const int iy = s.in_y(oy, ky), ix = s.in_x(ox, kx);
                if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
                acc += w[((co * s.Ci + ci) * s.K + ky) * s.K + kx] *
                       x[((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix];
              }
          y[((int64_t(n) * s.Co + co) * Ho + oy) * Wo + ox] = acc;
        }
  return y;
}

// Exact adjoints of conv_ref (for shapes too large for finite differences).
void conv_adjoint_ref(const Conv2dShape& s, const Vec& x, const Vec& w, const Vec& dy,
                      Vec& dx, Vec& dw, Vec& db) {
  const int Ho = s.Ho(), Wo = s.Wo();
  dx.assign(s.x_size(), 0.0);
  dw.assign(s.w_size(), 0.0);
  db.assign(s.Co, 0.0);
  for (int n = 0; n < s.N; ++n)
    for (int co = 0; co < s.Co; ++co)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          const double g = dy[((int64_t(n) * s.Co + co) * Ho + oy) * Wo + ox];
          db[co] += g;
          for (int ci = 0; ci < s.Ci; ++ci)
            for (int ky = 0; ky < s.K; ++ky)
              for (int kx = 0; kx < s.K; ++kx) {
                const int iy = s.in_y(oy, ky), ix = s.in_x(ox, kx);
                if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
                const int64_t xi = ((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix;
                const int64_t wi = ((co * s.Ci + ci) * s.K + ky) * s.K + kx;
                dx[xi] += g * w[wi];
                dw[wi] += g * x[xi];
              }
        }
}

std::string name(const Conv2dShape& s) {
  return "N" + std::to_string(s.N) + " Ci" + std::to_string(s.Ci) + " " + std::to_string(s.H) +
         "x" + std::to_string(s.W) + " Co" + std::to_string(s.Co) + " K" + std::to_string(s.K) +
         " s" + std::to_string(s.stride) + " p" + std::to_string(s.pad);
}

}  // namespace

TEST_SUITE("kernels_cpu") {

TEST_CASE("conv2d forward and gradients match a direct double convolution") {
  const Conv2dShape shapes[] = {
      {1, 1, 1, 1, 1, 1, 1, 0},  // 1x1 image, pointwise
      {2, 3, 7, 5, 4, 3, 1, 1},  // VGG-like, odd sizes
      {1, 2, 9, 8, 3, 3, 2, 1},  // stride 2 with padding
      {2, 4, 6, 7, 5, 1, 1, 0},  // pointwise fast path
      {1, 2, 11, 10, 3, 9, 1, 0}, // 9x9 as after reflection padding
      {1, 3, 8, 9, 2, 5, 3, 2},  // stride 3, pad 2
      {1, 2, 3, 3, 2, 3, 1, 1},  // every output touches padding
      {2, 3, 6, 21, 1, 3, 1, 0}, // Co 1: direct path, one full vector + tail
      {1, 4, 9, 9, 2, 5, 1, 0},  // Co 2: direct path
      {2, 2, 7, 8, 3, 7, 1, 0},  // Co 3, K 7: direct path
  };
  uint64_t seed = 100;
  for (const auto& s : shapes) {
    CAPTURE(name(s));
    const auto x = random_vector(s.x_size(), ++seed), w = random_vector(s.w_size(), ++seed);
    const auto b = random_vector(s.Co, ++seed), dy = random_vector(s.y_size(), ++seed);
    const Vec xd = to_double(x), wd = to_double(w), bd = to_double(b), dyd = to_double(dy);

    std::vector<float> y(s.y_size());
    kc::conv2d_forward(s, x.data(), w.data(), b.data(), y.data());
    all_close("conv y", y, conv_ref(s, xd, wd, &bd), 1e-5, 1e-4);
    kc::conv2d_forward(s, x.data(), w.data(), nullptr, y.data());
    all_close("conv y (no bias)", y, conv_ref(s, xd, wd, nullptr), 1e-5, 1e-4);

    std::vector<float> dx(s.x_size(), 7.f), dw(s.w_size(), 7.f), db(s.Co, 7.f);
    kc::conv2d_backward_data(s, w.data(), dy.data(), dx.data());
    kc::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), db.data());
    const auto ndx = mgst::test::numeric_vjp([&](const Vec& v) { return conv_ref(s, v, wd, &bd); }, xd, dyd);
    const auto ndw = mgst::test::numeric_vjp([&](const Vec& v) { return conv_ref(s, xd, v, &bd); }, wd, dyd);
    const auto ndb = mgst::test::numeric_vjp([&](const Vec& v) { return conv_ref(s, xd, wd, &v); }, bd, dyd);
    all_close("conv dx", dx, ndx, 1e-4, 1e-4);
    all_close("conv dw", dw, ndw, 1e-4, 1e-4);
    all_close("conv db", db, ndb, 1e-4, 1e-4);
    kc::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), nullptr);  // db nullable
    all_close("conv dw (db null)", dw, ndw, 1e-4, 1e-4);
  }
}

TEST_CASE("conv2d over several im2col bands matches the exact adjoint") {
  // Ci*K*K = 576 and Wo = 80: the 2 Mi-float column budget splits 60 rows.
  const Conv2dShape s{2, 64, 60, 80, 5, 3, 1, 1};
  const auto x = random_vector(s.x_size(), 1), w = random_vector(s.w_size(), 2);
  const auto b = random_vector(s.Co, 3), dy = random_vector(s.y_size(), 4);
  const Vec xd = to_double(x), wd = to_double(w), bd = to_double(b), dyd = to_double(dy);
  std::vector<float> y(s.y_size()), dx(s.x_size()), dw(s.w_size()), db(s.Co);
  kc::conv2d_forward(s, x.data(), w.data(), b.data(), y.data());
  all_close("big conv y", y, conv_ref(s, xd, wd, &bd), 1e-4, 1e-4);
  Vec rdx, rdw, rdb;
  conv_adjoint_ref(s, xd, wd, dyd, rdx, rdw, rdb);
  kc::conv2d_backward_data(s, w.data(), dy.data(), dx.data());
  kc::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), db.data());
  all_close("big conv dx", dx, rdx, 1e-4, 1e-4);
  // dw sums N*Ho*Wo = 9600 products per entry.
  all_close("big conv dw", dw, rdw, 2e-3, 1e-4);
  all_close("big conv db", db, rdb, 1e-3, 1e-5);

  // Same bits for any thread count.
  std::vector<float> dw1(dw.size()), db1(db.size()), dx1(dx.size());
  {
    mgst::test::ScopedThreads t(1);
    kc::conv2d_backward_weight(s, x.data(), dy.data(), dw1.data(), db1.data());
    kc::conv2d_backward_data(s, w.data(), dy.data(), dx1.data());
  }
  CHECK(std::memcmp(dw.data(), dw1.data(), dw.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(db.data(), db1.data(), db.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(dx.data(), dx1.data(), dx.size() * sizeof(float)) == 0);
}

TEST_CASE("conv2d with few output channels (direct path) matches the exact adjoint") {
  // The transform net's output layer: 9x9, 32->3-like, no padding; Wo = 67
  // gives four full 16-lane vectors and a tail of 3.
  for (const Conv2dShape s : {Conv2dShape{2, 5, 28, 75, 3, 9, 1, 0}, Conv2dShape{1, 6, 20, 150, 2, 3, 1, 0}}) {
    CAPTURE(name(s));
    const auto x = random_vector(s.x_size(), 11), w = random_vector(s.w_size(), 12);
    const auto b = random_vector(s.Co, 13), dy = random_vector(s.y_size(), 14);
    const Vec xd = to_double(x), wd = to_double(w), bd = to_double(b), dyd = to_double(dy);
    std::vector<float> y(s.y_size()), dx(s.x_size()), dw(s.w_size()), db(s.Co);
    kc::conv2d_forward(s, x.data(), w.data(), b.data(), y.data());
    all_close("direct conv y", y, conv_ref(s, xd, wd, &bd), 1e-4, 1e-4);
    Vec rdx, rdw, rdb;
    conv_adjoint_ref(s, xd, wd, dyd, rdx, rdw, rdb);
    kc::conv2d_backward_data(s, w.data(), dy.data(), dx.data());
    kc::conv2d_backward_weight(s, x.data(), dy.data(), dw.data(), db.data());
    all_close("direct conv dx", dx, rdx, 1e-4, 1e-4);
    all_close("direct conv dw", dw, rdw, 1e-3, 1e-4);
    all_close("direct conv db", db, rdb, 1e-4, 1e-5);
  }
}

TEST_CASE("conv2d rejects a kernel larger than the padded image") {
  const Conv2dShape s{1, 1, 2, 2, 1, 5, 1, 0};
  std::vector<float> buf(64);
  CHECK_THROWS_AS(kc::conv2d_forward(s, buf.data(), buf.data(), nullptr, buf.data()), mgst::Error);
}

}  // TEST_SUITE
