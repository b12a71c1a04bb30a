// Reference conv2d: the direct 7-deep loop in double precision, and its exact
// adjoint; conv2d_fused as the composition of the references it fuses. The
// contract is in kernels/api.inc ("conv2d", "conv2d_fused"); backends:
// kernels/cpu/conv2d.cpp, kernels/cuda/conv2d.cu. Header-only.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/ref/pad.h"
#include "kernels/ref/resample.h"
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

// conv2d_fused, written as the ops it fuses, one after the other:
// upsample (up = 2), pad (reflection: its own op; zeros: the conv's), conv, ReLU.
// Returns the virtual input xv, materialised, and in g the conv that reads it.
inline std::vector<double> conv2d_fused_input(const Conv2dFusedShape& s,
                                              const std::vector<double>& x, Conv2dShape& g) {
  const int NC = s.N * s.Ci;
  std::vector<double> xv = s.up == 2 ? upsample_nearest2x_forward(NC, s.H, s.W, x) : x;
  g = s.grid();
  if (s.reflect) {
    xv = reflection_pad_forward(NC, g.H, g.W, s.pad, xv);
    g.H += 2 * s.pad, g.W += 2 * s.pad, g.pad = 0;  // the conv sees the padded image
  }
  return xv;
}

// y = [relu](b + conv2d(xv, w)); b empty = no bias.
inline std::vector<double> conv2d_fused_forward(const Conv2dFusedShape& s,
                                                const std::vector<double>& x,
                                                const std::vector<double>& w,
                                                const std::vector<double>& b) {
  Conv2dShape g;
  const std::vector<double> xv = conv2d_fused_input(s, x, g);
  std::vector<double> y = conv2d_forward(g, xv, w, b);
  if (s.relu)
    for (double& v : y) v = v > 0 ? v : 0.0;  // max(0, .)
  return y;
}

// The adjoint, the forward's steps in reverse: the ReLU passes dy where its
// output is positive, then the conv's adjoint on the virtual input, then the
// padding's adjoint and the upsampling's (each pixel of x collects the
// gradient of every copy of it).
inline void conv2d_fused_backward(const Conv2dFusedShape& s, const std::vector<double>& x,
                                  const std::vector<double>& w, const std::vector<double>& b,
                                  const std::vector<double>& dy, std::vector<double>& dx,
                                  std::vector<double>& dw, std::vector<double>& db) {
  Conv2dShape g;
  const std::vector<double> xv = conv2d_fused_input(s, x, g);
  std::vector<double> d = dy;
  if (s.relu) {
    const std::vector<double> y = conv2d_forward(g, xv, w, b);  // before the ReLU
    for (std::size_t i = 0; i < d.size(); ++i)
      if (!(y[i] > 0)) d[i] = 0.0;  // d max(0, v)/dv = 1 for v > 0, else 0
  }
  std::vector<double> dxv;
  conv2d_backward(g, xv, w, d, dxv, dw, db);
  const int NC = s.N * s.Ci;
  if (s.reflect) dxv = reflection_pad_backward(NC, s.up * s.H, s.up * s.W, s.pad, dxv);
  dx = s.up == 2 ? upsample_nearest2x_backward(NC, s.H, s.W, dxv) : dxv;
}

}  // namespace mgst::kernels::ref
