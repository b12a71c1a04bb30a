// Reflection padding (PyTorch ReflectionPad2d, the edge pixel not repeated):
//   y[c, i, j] = x[c, reflect(i - p, H), reflect(j - p, W)],  y (NC, H+2p, W+2p)
//   dx[c, u, v] = sum of dy[c, i, j] over the (i, j) that read x[c, u, v]
// The backward gathers per plane in a fixed order (plane-parallel), so it is
// deterministic without atomics.
#include <cstring>

#include "kernels/checks.h"
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"

namespace mgst::kernels::cpu {
void reflection_pad_forward(int NC, int H, int W, int pad, const float* x, float* y) {
  check_reflection_pad_shape("reflection_pad_forward", NC, H, W, pad);
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  detail::parallel_for(NC, int64_t(Hp) * Wp, [&](int64_t c) {
    const float* xc = x + c * H * W;
    float* yc = y + c * Hp * Wp;
    for (int i = 0; i < Hp; ++i) {
      const float* xr = xc + int64_t(reflect_index(i - pad, H)) * W;
      float* yr = yc + int64_t(i) * Wp;
      for (int j = 0; j < pad; ++j) yr[j] = xr[reflect_index(j - pad, W)];
      std::memcpy(yr + pad, xr, sizeof(float) * W);
      for (int j = pad + W; j < Wp; ++j) yr[j] = xr[reflect_index(j - pad, W)];
    }
  });
}

void reflection_pad_backward(int NC, int H, int W, int pad, const float* dy, float* dx) {
  check_reflection_pad_shape("reflection_pad_backward", NC, H, W, pad);
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  detail::parallel_for(NC, int64_t(Hp) * Wp, [&](int64_t c) {
    const float* dyc = dy + c * Hp * Wp;
    float* dxc = dx + c * H * W;
    std::memset(dxc, 0, sizeof(float) * H * W);
    for (int i = 0; i < Hp; ++i) {
      float* dxr = dxc + int64_t(reflect_index(i - pad, H)) * W;
      const float* dyr = dyc + int64_t(i) * Wp;
      for (int j = 0; j < pad; ++j) dxr[reflect_index(j - pad, W)] += dyr[j];
#pragma omp simd
      for (int j = 0; j < W; ++j) dxr[j] += dyr[pad + j];
      for (int j = pad + W; j < Wp; ++j) dxr[reflect_index(j - pad, W)] += dyr[j];
    }
  });
}

}  // namespace mgst::kernels::cpu
