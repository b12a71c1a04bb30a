// Reference region losses: the attention-region content term (masked mse), the
// task-guided edge loss and total variation, in double precision. The contract
// is in kernels/api.inc ("region losses"); backends: kernels/cpu/losses.cpp,
// kernels/cuda/losses.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// a, b (N, C, P), m (N, P):
//   out = (1/N) sum_n [sum_p m[n,p] sum_c (a - b)^2] / (C sum_p m[n,p] + eps)
inline double masked_mse_forward(int N, int C, int P, const std::vector<double>& a,
                                 const std::vector<double>& b, const std::vector<double>& m,
                                 double eps) {
  double s = 0;
  for (int n = 0; n < N; ++n) {
    double ms = 0, num = 0;  // sum of the mask; masked sum of squares
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

// da[n,c,p] = gout * 2 m[n,p] (a - b) / (N (C sum_p m[n,p] + eps))
inline std::vector<double> masked_mse_backward(int N, int C, int P, const std::vector<double>& a,
                                               const std::vector<double>& b,
                                               const std::vector<double>& m, double eps,
                                               double gout) {
  std::vector<double> da(a.size());
  for (int n = 0; n < N; ++n) {
    double ms = 0;
    for (int p = 0; p < P; ++p) ms += m[std::size_t(n) * P + p];
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < P; ++p) {
        const std::size_t i = (std::size_t(n) * C + c) * P + p;
        da[i] = gout * 2 * m[std::size_t(n) * P + p] * (a[i] - b[i]) / (N * (C * ms + eps));
      }
  }
  return da;
}

// y, x (N, 3, H, W) images, m (N, H, W) mask. Luminance g = .299 R + .587 G + .114 B;
// horizontal and vertical differences of g at pixel p, weighted by m at p:
//   out = (1/N) sum_n [sum_p m_p ((dxg(y) - dxg(x))^2 + (dyg(y) - dyg(x))^2)] / (sum_p m_p + eps)
// where dxg(img)_p = g(p + one column) - g(p) exists for all but the last column,
// and dyg(img)_p = g(p + one row) - g(p) for all but the last row.
inline double task_edge_loss_forward(int N, int H, int W, const std::vector<double>& y,
                                     const std::vector<double>& x, const std::vector<double>& m,
                                     double eps) {
  const std::size_t HW = std::size_t(H) * W;
  auto g = [&](const std::vector<double>& img, int n, int i, int j) {  // luminance at (i, j)
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
        if (j + 1 < W) {  // horizontal edge: the difference of differences
          const double d =
              (g(y, n, i, j + 1) - g(y, n, i, j)) - (g(x, n, i, j + 1) - g(x, n, i, j));
          num += mp * d * d;
        }
        if (i + 1 < H) {  // vertical edge
          const double d =
              (g(y, n, i + 1, j) - g(y, n, i, j)) - (g(x, n, i + 1, j) - g(x, n, i, j));
          num += mp * d * d;
        }
      }
    s += num / (ms + eps);
  }
  return s / N;
}

// y (N, C, H, W):
//   out = mean over horizontal neighbours of (y[..,j+1] - y[..,j])^2
//       + mean over vertical neighbours of (y[..,i+1,:] - y[..,i,:])^2
// (a mean over an empty set, W = 1 or H = 1, contributes 0).
inline double total_variation_forward(int N, int C, int H, int W, const std::vector<double>& y) {
  double sx = 0, sy = 0;
  for (int nc = 0; nc < N * C; ++nc)
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const std::size_t q = (std::size_t(nc) * H + i) * W + j;
        if (j + 1 < W) sx += (y[q + 1] - y[q]) * (y[q + 1] - y[q]);
        if (i + 1 < H) sy += (y[q + W] - y[q]) * (y[q + W] - y[q]);
      }
  const double nx = double(N) * C * H * (W - 1), ny = double(N) * C * (H - 1) * W;  // pair counts
  return (nx > 0 ? sx / nx : 0) + (ny > 0 ? sy / ny : 0);
}

// Each squared difference (y[q'] - y[q])^2 / n sends +2 d / n to q' and -2 d / n to q.
inline std::vector<double> total_variation_backward(int N, int C, int H, int W,
                                                    const std::vector<double>& y, double gout) {
  std::vector<double> dy(y.size(), 0.0);
  const double nx = double(N) * C * H * (W - 1), ny = double(N) * C * (H - 1) * W;
  for (int nc = 0; nc < N * C; ++nc)
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const std::size_t q = (std::size_t(nc) * H + i) * W + j;
        if (j + 1 < W) {
          const double d = gout * 2 * (y[q + 1] - y[q]) / nx;
          dy[q + 1] += d;
          dy[q] -= d;
        }
        if (i + 1 < H) {
          const double d = gout * 2 * (y[q + W] - y[q]) / ny;
          dy[q + W] += d;
          dy[q] -= d;
        }
      }
  return dy;
}

}  // namespace mgst::kernels::ref
