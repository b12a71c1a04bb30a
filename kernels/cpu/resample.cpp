// Resampling by whole-pixel windows, planes (NC, H, W):
//   nearest x2:  y[i][j] = x[i/2][j/2];  dx[u][v] = sum of the 2x2 dy block
//   max 2x2/2:   y[i][j] = max of x[2i..2i+1][2j..2j+1]; ties -> first in
//                row-major window order; dx routes dy to that element
//   avg k/k:     y[i][j] = mean of the k x k window; dx = dy / k^2 on it
// Pools floor odd sizes: uncovered rows/columns get dx = 0.
#include <cstring>

#include "kernels/checks.h"
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {

void upsample_nearest2x_forward(int NC, int H, int W, const float* x, float* y) {
  check_upsample2x_shape("upsample_nearest2x_forward", NC, H, W);
  detail::parallel_for(NC, int64_t(4) * H * W, [&](int64_t c) {
    const float* xc = x + c * H * W;
    float* yc = y + c * 4 * H * W;
    for (int i = 0; i < H; ++i) {
      float* y0 = yc + int64_t(2 * i) * 2 * W;
      for (int j = 0; j < W; ++j) y0[2 * j] = y0[2 * j + 1] = xc[int64_t(i) * W + j];
      std::memcpy(y0 + 2 * W, y0, sizeof(float) * 2 * W);
    }
  });
}

void upsample_nearest2x_backward(int NC, int H, int W, const float* dy, float* dx) {
  check_upsample2x_shape("upsample_nearest2x_backward", NC, H, W);
  detail::parallel_for(NC, int64_t(4) * H * W, [&](int64_t c) {
    const float* dyc = dy + c * 4 * H * W;
    float* dxc = dx + c * H * W;
    for (int i = 0; i < H; ++i) {
      const float* r0 = dyc + int64_t(2 * i) * 2 * W;
      const float* r1 = r0 + 2 * W;
      for (int j = 0; j < W; ++j)
        dxc[int64_t(i) * W + j] = (r0[2 * j] + r0[2 * j + 1]) + (r1[2 * j] + r1[2 * j + 1]);
    }
  });
}

void max_pool2x2_forward(int NC, int H, int W, const float* x, float* y) {
  check_max_pool2x2_shape("max_pool2x2_forward", NC, H, W);
  const int Ho = H / 2, Wo = W / 2;
  detail::parallel_for(NC, int64_t(H) * W, [&](int64_t c) {
    const float* xc = x + c * H * W;
    float* yc = y + c * Ho * Wo;
    for (int i = 0; i < Ho; ++i) {
      const float* r0 = xc + int64_t(2 * i) * W;
      const float* r1 = r0 + W;
      for (int j = 0; j < Wo; ++j) {
        // Strict > keeps the first maximum in window order.
        float m = r0[2 * j];
        if (r0[2 * j + 1] > m) m = r0[2 * j + 1];
        if (r1[2 * j] > m) m = r1[2 * j];
        if (r1[2 * j + 1] > m) m = r1[2 * j + 1];
        yc[int64_t(i) * Wo + j] = m;
      }
    }
  });
}

void max_pool2x2_backward(int NC, int H, int W, const float* x, const float* dy, float* dx) {
  check_max_pool2x2_shape("max_pool2x2_backward", NC, H, W);
  const int Ho = H / 2, Wo = W / 2;
  detail::parallel_for(NC, int64_t(H) * W, [&](int64_t c) {
    const float* xc = x + c * H * W;
    const float* dyc = dy + c * Ho * Wo;
    float* dxc = dx + c * H * W;
    std::memset(dxc, 0, sizeof(float) * H * W);
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j) {
        const int64_t o[4] = {int64_t(2 * i) * W + 2 * j, int64_t(2 * i) * W + 2 * j + 1,
                              int64_t(2 * i + 1) * W + 2 * j, int64_t(2 * i + 1) * W + 2 * j + 1};
        int best = 0;
        for (int t = 1; t < 4; ++t)
          if (xc[o[t]] > xc[o[best]]) best = t;
        dxc[o[best]] = dyc[int64_t(i) * Wo + j];
      }
  });
}

void avg_pool_forward(int NC, int H, int W, int k, bool complement, const float* x, float* y) {
  check_avg_pool_shape("avg_pool_forward", NC, H, W, k);
  const int Ho = H / k, Wo = W / k;
  const float inv = 1.f / float(k * k);
  detail::parallel_for(NC, int64_t(H) * W, [&](int64_t c) {
    const float* xc = x + c * H * W;
    float* yc = y + c * Ho * Wo;
    for (int i = 0; i < Ho; ++i)
      for (int j = 0; j < Wo; ++j) {
        float s = 0.f;
        for (int u = 0; u < k; ++u)
          for (int v = 0; v < k; ++v) s += xc[int64_t(i * k + u) * W + j * k + v];
        const float v = s * inv;
        yc[int64_t(i) * Wo + j] = v;
        if (complement) yc[int64_t(NC) * Ho * Wo + int64_t(i) * Wo + j] = 1.f - v;
      }
  });
}

void avg_pool_backward(int NC, int H, int W, int k, const float* dy, float* dx) {
  check_avg_pool_shape("avg_pool_backward", NC, H, W, k);
  const int Ho = H / k, Wo = W / k;
  const float inv = 1.f / float(k * k);
  detail::parallel_for(NC, int64_t(H) * W, [&](int64_t c) {
    const float* dyc = dy + c * Ho * Wo;
    float* dxc = dx + c * H * W;
    for (int u = 0; u < H; ++u)
      for (int v = 0; v < W; ++v) {
        const int i = u / k, j = v / k;
        dxc[int64_t(u) * W + v] = (i < Ho && j < Wo) ? dyc[int64_t(i) * Wo + j] * inv : 0.f;
      }
  });
}

}  // namespace mgst::kernels::cpu
