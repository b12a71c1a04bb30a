// Reference reflection padding (PyTorch ReflectionPad2d: the edge pixel is not
// repeated). The contract is in kernels/api.inc ("pad"); backends:
// kernels/cpu/pad.cpp, kernels/cuda/pad.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// Mirror index i into [0, n) without repeating the edge: -1 -> 1, n -> n-2.
// Written out here, independently of kernels/shapes.h's reflect_index.
inline int mirror(int i, int n) { return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i); }

// y (NC, H+2p, W+2p): y[c,i,j] = x[c, mirror(i-p, H), mirror(j-p, W)], x (NC, H, W).
inline std::vector<double> reflection_pad_forward(int NC, int H, int W, int p,
                                                  const std::vector<double>& x) {
  const int Hp = H + 2 * p, Wp = W + 2 * p;
  std::vector<double> y(std::size_t(NC) * Hp * Wp);
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Hp; ++i)
      for (int j = 0; j < Wp; ++j)
        y[(std::size_t(c) * Hp + i) * Wp + j] =
            x[(std::size_t(c) * H + mirror(i - p, H)) * W + mirror(j - p, W)];
  return y;
}

// The adjoint: every padded pixel sends its gradient back to the pixel it
// copied, so an interior pixel near the edge collects up to 4 gradients.
inline std::vector<double> reflection_pad_backward(int NC, int H, int W, int p,
                                                   const std::vector<double>& dy) {
  const int Hp = H + 2 * p, Wp = W + 2 * p;
  std::vector<double> dx(std::size_t(NC) * H * W, 0.0);  // a sum: start from zero
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < Hp; ++i)
      for (int j = 0; j < Wp; ++j)
        dx[(std::size_t(c) * H + mirror(i - p, H)) * W + mirror(j - p, W)] +=
            dy[(std::size_t(c) * Hp + i) * Wp + j];
  return dx;
}

}  // namespace mgst::kernels::ref
