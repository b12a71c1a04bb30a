// Region losses; every sum is deterministic (parallel.h) and in double.
//
// Masked mse, a, b (N,C,P), m (N,P), D_n = C sum_p m[n,p] + eps:
//   out = (1/N) sum_n sum_p m[n,p] sum_c (a-b)^2 / D_n
//   da  = gout * 2 m[n,p] (a-b) / (N D_n)
//
// Task edge loss on luminance g = .299R + .587G + .114B of y, x (N,3,H,W),
// m (N,H,W), with e_x(p) = dx g(y) - dx g(x) at p (column j < W-1) and e_y
// likewise (row i < H-1), each weighted by m at p, D_n = sum_p m + eps:
//   out = (1/N) sum_n sum_p m_p (e_x(p)^2 + e_y(p)^2) / D_n
//   dL/dg(y)(p) = 2/(N D_n) [m(p-col) e_x(p-col) - m(p) e_x(p)
//                            + m(p-row) e_y(p-row) - m(p) e_y(p)]
//   dy[c] = gout * coef_c * dL/dg(y)   (a gather: no scatter races)
//
// Total variation, y (N,C,H,W):
//   out = sum (y[..,j+1]-y[..,j])^2 / (NCH(W-1)) + sum (y[i+1,..]-y[i,..])^2 / (NC(H-1)W)
//   (an empty mean contributes 0); dy gathers the two neighbour differences.
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {
namespace {
constexpr float kLum[3] = {0.299f, 0.587f, 0.114f};

// Luminance of pixel q of sample n in (N,3,H,W), in double.
inline double lum(const float* img, int64_t HW, int64_t n, int64_t q) {
  const float* s = img + n * 3 * HW + q;
  return double(kLum[0]) * s[0] + double(kLum[1]) * s[HW] + double(kLum[2]) * s[2 * HW];
}
}  // namespace

void masked_mse_forward(int N, int C, int P, const float* a, const float* b, const float* m,
                        float eps, float* out) {
  MGST_CHECK(N > 0 && C > 0 && P > 0,
             "masked_mse_forward: bad shape N=" << N << " C=" << C << " P=" << P);
  const auto msum =
      detail::det_row_sums(N, P, [&](int64_t n, int64_t p) { return double(m[n * P + p]); });
  const auto num = detail::det_row_sums(int64_t(N) * C, P, [&](int64_t nc, int64_t p) {
    const double d = double(a[nc * P + p]) - double(b[nc * P + p]);
    return double(m[nc / C * P + p]) * d * d;
  });
  double s = 0;
  for (int n = 0; n < N; ++n) {
    double sn = 0;
    for (int c = 0; c < C; ++c) sn += num[int64_t(n) * C + c];
    s += sn / (double(C) * msum[n] + double(eps));
  }
  out[0] = float(s / N);
}

void masked_mse_backward(int N, int C, int P, const float* a, const float* b, const float* m,
                         float eps, const float* gout, float* da) {
  MGST_CHECK(N > 0 && C > 0 && P > 0,
             "masked_mse_backward: bad shape N=" << N << " C=" << C << " P=" << P);
  const auto msum =
      detail::det_row_sums(N, P, [&](int64_t n, int64_t p) { return double(m[n * P + p]); });
  detail::parallel_for(int64_t(N) * C, P, [&](int64_t nc) {
    const int64_t n = nc / C;
    const float k = float(2.0 * gout[0] / (N * (double(C) * msum[n] + double(eps))));
    const float* mp = m + n * P;
    const float* ap = a + nc * P;
    const float* bp = b + nc * P;
    float* dp = da + nc * P;
#pragma omp simd
    for (int64_t p = 0; p < P; ++p) dp[p] = k * mp[p] * (ap[p] - bp[p]);
  });
}

void task_edge_loss_forward(int N, int H, int W, const float* y, const float* x, const float* m,
                            float eps, float* out) {
  MGST_CHECK(N > 0 && H > 0 && W > 0,
             "task_edge_loss_forward: bad shape N=" << N << " H=" << H << " W=" << W);
  const int64_t HW = int64_t(H) * W;
  const auto msum =
      detail::det_row_sums(N, HW, [&](int64_t n, int64_t q) { return double(m[n * HW + q]); });
  // Rows of the sum: (n, image row i); elements: columns j.
  const auto num = detail::det_row_sums(int64_t(N) * H, W, [&](int64_t ni, int64_t j) {
    const int64_t n = ni / H, i = ni % H, q = i * W + j;
    const double gy = lum(y, HW, n, q), gx = lum(x, HW, n, q);
    double e = 0;
    if (j + 1 < W) {
      const double d = (lum(y, HW, n, q + 1) - gy) - (lum(x, HW, n, q + 1) - gx);
      e += d * d;
    }
    if (i + 1 < H) {
      const double d = (lum(y, HW, n, q + W) - gy) - (lum(x, HW, n, q + W) - gx);
      e += d * d;
    }
    return double(m[n * HW + q]) * e;
  });
  double s = 0;
  for (int n = 0; n < N; ++n) {
    double sn = 0;
    for (int i = 0; i < H; ++i) sn += num[int64_t(n) * H + i];
    s += sn / (msum[n] + double(eps));
  }
  out[0] = float(s / N);
}

void task_edge_loss_backward(int N, int H, int W, const float* y, const float* x, const float* m,
                             float eps, const float* gout, float* dy) {
  MGST_CHECK(N > 0 && H > 0 && W > 0,
             "task_edge_loss_backward: bad shape N=" << N << " H=" << H << " W=" << W);
  const int64_t HW = int64_t(H) * W;
  const auto msum =
      detail::det_row_sums(N, HW, [&](int64_t n, int64_t q) { return double(m[n * HW + q]); });
  // Weighted difference at q along step s (1 = column, W = row).
  auto term = [&](int64_t n, int64_t q, int64_t s) {
    const double d =
        (lum(y, HW, n, q + s) - lum(y, HW, n, q)) - (lum(x, HW, n, q + s) - lum(x, HW, n, q));
    return double(m[n * HW + q]) * d;
  };
  detail::parallel_for(int64_t(N) * H, int64_t(W) * 12, [&](int64_t ni) {
    const int64_t n = ni / H, i = ni % H;
    const double k = 2.0 * gout[0] / (N * (msum[n] + double(eps)));
    for (int64_t j = 0; j < W; ++j) {
      const int64_t q = i * W + j;
      double g = 0;
      if (j > 0) g += term(n, q - 1, 1);
      if (j + 1 < W) g -= term(n, q, 1);
      if (i > 0) g += term(n, q - W, W);
      if (i + 1 < H) g -= term(n, q, W);
      for (int c = 0; c < 3; ++c) dy[(n * 3 + c) * HW + q] = float(k * kLum[c] * g);
    }
  });
}

void total_variation_forward(int N, int C, int H, int W, const float* y, float* out) {
  MGST_CHECK(N > 0 && C > 0 && H > 0 && W > 0, "total_variation_forward: bad shape N="
                                                   << N << " C=" << C << " H=" << H << " W=" << W);
  const int64_t rows = int64_t(N) * C * H;
  const auto sx = detail::det_row_sums(rows, W - 1, [&](int64_t r, int64_t j) {
    const double d = double(y[r * W + j + 1]) - y[r * W + j];
    return d * d;
  });
  // Vertical differences: row r pairs with r + 1 unless r is a plane's last.
  const auto sy = detail::det_row_sums(rows, W, [&](int64_t r, int64_t j) {
    if (r % H == H - 1) return 0.0;
    const double d = double(y[(r + 1) * W + j]) - y[r * W + j];
    return d * d;
  });
  double tx = 0, ty = 0;
  for (int64_t r = 0; r < rows; ++r) tx += sx[r], ty += sy[r];
  const double nx = double(rows) * (W - 1), ny = double(N) * C * (H - 1) * W;
  out[0] = float((nx > 0 ? tx / nx : 0.0) + (ny > 0 ? ty / ny : 0.0));
}

void total_variation_backward(int N, int C, int H, int W, const float* y, const float* gout,
                              float* dy) {
  MGST_CHECK(N > 0 && C > 0 && H > 0 && W > 0, "total_variation_backward: bad shape N="
                                                   << N << " C=" << C << " H=" << H << " W=" << W);
  const double nx = double(N) * C * H * (W - 1), ny = double(N) * C * (H - 1) * W;
  const float kx = nx > 0 ? float(2.0 * gout[0] / nx) : 0.f;
  const float ky = ny > 0 ? float(2.0 * gout[0] / ny) : 0.f;
  detail::parallel_for(int64_t(N) * C * H, W, [&](int64_t r) {
    const int64_t i = r % H;
    const float* yr = y + r * W;
    float* dr = dy + r * W;
    for (int64_t j = 0; j < W; ++j) {
      float g = 0.f;
      if (j > 0) g += kx * (yr[j] - yr[j - 1]);
      if (j + 1 < W) g -= kx * (yr[j + 1] - yr[j]);
      if (i > 0) g += ky * (yr[j] - yr[j - W]);
      if (i + 1 < H) g -= ky * (yr[j + W] - yr[j]);
      dr[j] = g;
    }
  });
}

}  // namespace mgst::kernels::cpu
