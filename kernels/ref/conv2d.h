// Reference conv2d: the direct 7-deep loop in double precision, and its exact
// adjoint. The contract is in kernels/api.inc ("conv2d"); backends:
// kernels/cpu/conv2d.cpp, kernels/cuda/conv2d.cu. Header-only.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/shapes.h"

namespace mgst::kernels::ref {

// y[n,co,oy,ox] = b[co] + sum_{ci,ky,kx} w[co,ci,ky,kx] * x[n,ci,iy,ix],
// iy = oy*stride - pad + ky, ix = ox*stride - pad + kx, zero outside the image.
// x (N, Ci, H, W), w (Co, Ci, K, K), b (Co) or empty = no bias; y (N, Co, Ho, Wo).
inline std::vector<double> conv2d_forward(const Conv2dShape& s, const std::vector<double>& x,
                                          const std::vector<double>& w,
                                          const std::vector<double>& b) {
  const int Ho = s.Ho(), Wo = s.Wo();
  std::vector<double> y(s.y_size());
  for (int n = 0; n < s.N; ++n)
    for (int co = 0; co < s.Co; ++co)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          double acc = b.empty() ? 0.0 : b[co];  // start from the bias
          for (int ci = 0; ci < s.Ci; ++ci)
            for (int ky = 0; ky < s.K; ++ky)
              for (int kx = 0; kx < s.K; ++kx) {
                const int iy = s.in_y(oy, ky), ix = s.in_x(ox, kx);
                if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;  // zero padding
                acc += w[((int64_t(co) * s.Ci + ci) * s.K + ky) * s.K + kx] *
                       x[((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix];
              }
          y[((int64_t(n) * s.Co + co) * Ho + oy) * Wo + ox] = acc;
        }
  return y;
}

// The adjoint of conv2d_forward for an upstream gradient dy (N, Co, Ho, Wo):
// every product w*x of the forward sends dy back to both factors.
// dx (N, Ci, H, W) = sum dy * w;  dw (Co, Ci, K, K) = sum dy * x;  db (Co) = sum dy.
inline void conv2d_backward(const Conv2dShape& s, const std::vector<double>& x,
                            const std::vector<double>& w, const std::vector<double>& dy,
                            std::vector<double>& dx, std::vector<double>& dw,
                            std::vector<double>& db) {
  const int Ho = s.Ho(), Wo = s.Wo();
  dx.assign(s.x_size(), 0.0);  // sums: start from zero
  dw.assign(s.w_size(), 0.0);
  db.assign(s.Co, 0.0);
  for (int n = 0; n < s.N; ++n)
    for (int co = 0; co < s.Co; ++co)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          const double g = dy[((int64_t(n) * s.Co + co) * Ho + oy) * Wo + ox];
          db[co] += g;  // y = b + ...: dy/db = 1
          for (int ci = 0; ci < s.Ci; ++ci)
            for (int ky = 0; ky < s.K; ++ky)
              for (int kx = 0; kx < s.K; ++kx) {
                const int iy = s.in_y(oy, ky), ix = s.in_x(ox, kx);
                if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;  // padding: no input
                const int64_t xi = ((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix;
                const int64_t wi = ((int64_t(co) * s.Ci + ci) * s.K + ky) * s.K + kx;
                dx[xi] += g * w[wi];  // d(w*x)/dx = w
                dw[wi] += g * x[xi];  // d(w*x)/dw = x
              }
        }
}

}  // namespace mgst::kernels::ref
