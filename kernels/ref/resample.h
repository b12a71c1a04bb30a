// Reference resampling: nearest 2x upsampling, 2x2 max pooling, k x k average
// pooling, each with its backward. The contract is in kernels/api.inc
// ("resample"); backends: kernels/cpu/resample.cpp, kernels/cuda/resample.cu.
// Header-only. Pooled sizes round down (floor): a last odd row/column is dropped.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// y (NC, 2H, 2W): y[c,i,j] = x[c, i/2, j/2], x (NC, H, W).
inline std::vector<double> upsample_nearest2x_forward(int NC, int H, int W,
                                                      const std::vector<double>& x) {
  std::vector<double> y(std::size_t(NC) * 4 * H * W);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < 2 * H; ++i)
      for (int j = 0; j < 2 * W; ++j)
        y[(std::size_t(c) * 2 * H + i) * 2 * W + j] = x[(std::size_t(c) * H + i / 2) * W + j / 2];
  return y;
}

// dx[c,i,j] = sum of the 2x2 block of dy that copied x[c,i,j].
inline std::vector<double> upsample_nearest2x_backward(int NC, int H, int W,
                                                       const std::vector<double>& dy) {
  std::vector<double> dx(std::size_t(NC) * H * W, 0.0);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < 2 * H; ++i)
      for (int j = 0; j < 2 * W; ++j)
        dx[(std::size_t(c) * H + i / 2) * W + j / 2] +=
            dy[(std::size_t(c) * 2 * H + i) * 2 * W + j];
  return dx;
}

// Row-major offset (u*W + v, u,v in {0,1}) of the maximum of the 2x2 window at
// output (i, j) of plane c; on a tie the first one in window order wins.
inline std::size_t max_pool2x2_argmax(int H, int W, const std::vector<double>& x, int c, int i,
                                      int j) {
  std::size_t best = (std::size_t(c) * H + 2 * i) * W + 2 * j;  // window's top-left
  for (int u = 0; u < 2; ++u)
    for (int v = 0; v < 2; ++v) {
      const std::size_t q = (std::size_t(c) * H + 2 * i + u) * W + 2 * j + v;
      if (x[q] > x[best]) best = q;  // strictly greater: ties keep the first
    }
  return best;
}

// y (NC, H/2, W/2): y[c,i,j] = max of the 2x2 window x[c, 2i..2i+1, 2j..2j+1].
inline std::vector<double> max_pool2x2_forward(int NC, int H, int W, const std::vector<double>& x) {
  const int Ho = H / 2, Wo = W / 2;
  std::vector<double> y(std::size_t(NC) * Ho * Wo);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j)
        y[(std::size_t(c) * Ho + i) * Wo + j] = x[max_pool2x2_argmax(H, W, x, c, i, j)];
  return y;
}

// dx = dy routed to the window's (first) maximum, zero elsewhere.
inline std::vector<double> max_pool2x2_backward(int NC, int H, int W, const std::vector<double>& x,
                                                const std::vector<double>& dy) {
  const int Ho = H / 2, Wo = W / 2;
  std::vector<double> dx(x.size(), 0.0);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j)
        dx[max_pool2x2_argmax(H, W, x, c, i, j)] += dy[(std::size_t(c) * Ho + i) * Wo + j];
  return dx;
}

// y (NC, H/k, W/k): y[c,i,j] = mean of the k x k window at (i*k, j*k);
// with `complement`, y (2, NC, H/k, W/k): those, then 1 - each.
inline std::vector<double> avg_pool_forward(int NC, int H, int W, int k,
                                            const std::vector<double>& x, bool complement = false) {
  const int Ho = H / k, Wo = W / k;
  const std::size_t half = std::size_t(NC) * Ho * Wo;
  std::vector<double> y(complement ? 2 * half : half);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j) {
        double s = 0;
        for (int u = 0; u < k; ++u)
          for (int v = 0; v < k; ++v) s += x[(std::size_t(c) * H + i * k + u) * W + j * k + v];
        y[(std::size_t(c) * Ho + i) * Wo + j] = s / (k * k);
        if (complement) y[half + (std::size_t(c) * Ho + i) * Wo + j] = 1 - s / (k * k);
      }
  return y;
}

// dx = dy / k^2 on every pixel of the window; pixels in no window get 0.
inline std::vector<double> avg_pool_backward(int NC, int H, int W, int k,
                                             const std::vector<double>& dy) {
  const int Ho = H / k, Wo = W / k;
  std::vector<double> dx(std::size_t(NC) * H * W, 0.0);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j)
        for (int u = 0; u < k; ++u)
          for (int v = 0; v < k; ++v)
            dx[(std::size_t(c) * H + i * k + u) * W + j * k + v] =
                dy[(std::size_t(c) * Ho + i) * Wo + j] / (k * k);
  return dx;
}

}  // namespace mgst::kernels::ref
