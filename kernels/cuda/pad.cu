// Reflection padding (PyTorch ReflectionPad2d), x (NC, H, W) -> y (NC, H+2p, W+2p):
//   y[c, i, j] = x[c, reflect(i - p, H), reflect(j - p, W)],   p < H, p < W.
// The backward is a gather, not a scatter (no atomics, deterministic): input
// row iy receives from padded rows iy+p (itself), p-iy (top mirror, when
// 1 <= iy <= p) and 2H-2-iy+p (bottom mirror, when H-1-p <= iy <= H-2);
// likewise for columns; dx sums the (up to 3x3) products of those sets.
#include "kernels/checks.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

// grid-stride over i = (c*Hp + oy)*Wp + ox of y.
__global__ void reflection_pad_forward_kernel(int64_t total, int H, int W, int pad,
                                              const float* __restrict__ x, float* __restrict__ y) {
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, oy, ox] = detail::plane_index(i, Hp, Wp);
    y[i] = x[(c * H + reflect_index(oy - pad, H)) * W + reflect_index(ox - pad, W)];
  }
}

// Padded coordinates that reflect onto input coordinate v (extent n): up to 3.
__device__ __forceinline__ int sources(int v, int n, int pad, int out[3]) {
  int k = 0;
  out[k++] = v + pad;
  if (v >= 1 && v <= pad) out[k++] = pad - v;
  if (v <= n - 2 && v >= n - 1 - pad) out[k++] = 2 * n - 2 - v + pad;
  return k;
}

// grid-stride over i = (c*H + iy)*W + ix of dx.
__global__ void reflection_pad_backward_kernel(int64_t total, int H, int W, int pad,
                                               const float* __restrict__ dy,
                                               float* __restrict__ dx) {
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, iy, ix] = detail::plane_index(i, H, W);
    int rows[3], cols[3];
    const int nr = sources(iy, H, pad, rows), nc = sources(ix, W, pad, cols);
    const float* plane = dy + c * Hp * Wp;
    float acc = 0.f;
    for (int a = 0; a < nr; ++a)
      for (int b = 0; b < nc; ++b) acc += plane[int64_t(rows[a]) * Wp + cols[b]];
    dx[i] = acc;
  }
}

}  // namespace

void reflection_pad_forward(int NC, int H, int W, int pad, const float* x, float* y) {
  check_reflection_pad_shape("reflection_pad_forward", NC, H, W, pad);
  const int64_t total = int64_t(NC) * (H + 2 * pad) * (W + 2 * pad);
  if (!total) return;
  reflection_pad_forward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total,
                                                                                            H, W,
                                                                                            pad, x,
                                                                                            y);
  MGST_CHECK_LAUNCH("reflection_pad_forward", "NC=", NC, "H=", H, "W=", W, "pad=", pad);
}

void reflection_pad_backward(int NC, int H, int W, int pad, const float* dy, float* dx) {
  check_reflection_pad_shape("reflection_pad_backward", NC, H, W, pad);
  const int64_t total = int64_t(NC) * H * W;
  if (!total) return;
  reflection_pad_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(
      total, H, W, pad, dy, dx);
  MGST_CHECK_LAUNCH("reflection_pad_backward", "NC=", NC, "H=", H, "W=", W, "pad=", pad);
}

// The version table (kernels/cuda/versions.h): one version, the functions above.
MGST_CUDA_ONE_VERSION(
    pad, PadFns,
    {"v1_gather",
     "one thread per output element; the backward gathers up to 3x3 mirrored taps (no atomics)",
     "unmeasured",
     "test: MGST_OPS=reflection_pad mgst_tests -ts=cuda -tc='cuda ops*'; bench: none yet",
     {reflection_pad_forward, reflection_pad_backward}})

}  // namespace mgst::kernels::cuda
