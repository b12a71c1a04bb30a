// Resampling, x (NC, H, W):
//   nearest x2:  y (NC, 2H, 2W), y[i][j] = x[i/2][j/2];  dx = sum of its 2x2 dy
//   max pool 2:  y (NC, H/2, W/2), max of the 2x2 window; ties -> first in
//                row-major window order; dx routes dy to that element (rows/
//                columns beyond the floor get 0)
//   avg pool k:  y (NC, H/k, W/k), window mean; dx = dy / k^2 inside windows, 0 outside
// Every kernel is one thread per element of the tensor it writes (a gather:
// no atomics). Grid-stride over that tensor's flat index.
#include "kernels/checks.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

// i = (c*2H + oy)*2W + ox of y.
__global__ void upsample2x_forward_kernel(int64_t total, int H, int W, const float* __restrict__ x,
                                          float* __restrict__ y) {
  const int Wo = 2 * W, Ho = 2 * H;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, oy, ox] = detail::plane_index(i, Ho, Wo);
    y[i] = x[(c * H + oy / 2) * W + ox / 2];
  }
}

// i = (c*H + iy)*W + ix of dx.
__global__ void upsample2x_backward_kernel(int64_t total, int H, int W,
                                           const float* __restrict__ dy, float* __restrict__ dx) {
  const int Wo = 2 * W;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, iy, ix] = detail::plane_index(i, H, W);
    const float* r0 = dy + (c * 2 * H + 2 * iy) * Wo + 2 * ix;
    const float* r1 = r0 + Wo;
    dx[i] = (r0[0] + r0[1]) + (r1[0] + r1[1]);
  }
}

// Index (0..3, row-major) of the window's maximum, first on ties.
__device__ __forceinline__ int argmax2x2(const float* w0, int W) {
  const float v[4] = {w0[0], w0[1], w0[W], w0[W + 1]};
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (v[k] > v[best]) best = k;
  return best;
}

// i = (c*Ho + oy)*Wo + ox of y.
__global__ void max_pool2x2_forward_kernel(int64_t total, int H, int W, const float* __restrict__ x,
                                           float* __restrict__ y) {
  const int Ho = H / 2, Wo = W / 2;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, oy, ox] = detail::plane_index(i, Ho, Wo);
    const float* w0 = x + (c * H + 2 * oy) * W + 2 * ox;
    const int k = argmax2x2(w0, W);
    y[i] = w0[(k >> 1) * W + (k & 1)];
  }
}

// i = (c*H + iy)*W + ix of dx.
__global__ void max_pool2x2_backward_kernel(int64_t total, int H, int W,
                                            const float* __restrict__ x,
                                            const float* __restrict__ dy, float* __restrict__ dx) {
  const int Ho = H / 2, Wo = W / 2;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, iy, ix] = detail::plane_index(i, H, W);
    const int oy = iy / 2, ox = ix / 2;
    float g = 0.f;
    if (oy < Ho && ox < Wo) {
      const int k = argmax2x2(x + (c * H + 2 * oy) * W + 2 * ox, W);
      if (k == (iy & 1) * 2 + (ix & 1)) g = dy[(c * Ho + oy) * Wo + ox];
    }
    dx[i] = g;
  }
}

// i = (c*Ho + oy)*Wo + ox of y's first NC planes; with `complement` the
// same thread writes 1 - y[i] to plane c of the second half (at i + total).
__global__ void avg_pool_forward_kernel(int64_t total, int H, int W, int k, bool complement,
                                        const float* __restrict__ x, float* __restrict__ y) {
  const int Ho = H / k, Wo = W / k;
  const float inv = 1.f / float(k * k);
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, oy, ox] = detail::plane_index(i, Ho, Wo);
    const float* w0 = x + (c * H + int64_t(oy) * k) * W + int64_t(ox) * k;
    float s = 0.f;
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) s += w0[int64_t(a) * W + b];
    const float v = s * inv;
    y[i] = v;
    if (complement) y[total + i] = 1.f - v;
  }
}

// i = (c*H + iy)*W + ix of dx.
__global__ void avg_pool_backward_kernel(int64_t total, int H, int W, int k,
                                         const float* __restrict__ dy, float* __restrict__ dx) {
  const int Ho = H / k, Wo = W / k;
  const float inv = 1.f / float(k * k);
  for (int64_t i : detail::grid_stride(total)) {
    const auto [c, iy, ix] = detail::plane_index(i, H, W);
    const int oy = iy / k, ox = ix / k;
    dx[i] = (oy < Ho && ox < Wo) ? dy[(c * Ho + oy) * Wo + ox] * inv : 0.f;
  }
}

template <class Kernel, class... Args>
void launch(const char* op, Kernel kernel, int64_t total, int NC, int H, int W, Args... args) {
  if (total <= 0) return;
  kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total, H, W, args...);
  MGST_CHECK_LAUNCH(op, "NC=", NC, "H=", H, "W=", W);
}

}  // namespace

void upsample_nearest2x_forward(int NC, int H, int W, const float* x, float* y) {
  check_upsample2x_shape("upsample_nearest2x_forward", NC, H, W);
  launch("upsample_nearest2x_forward", upsample2x_forward_kernel, int64_t(NC) * 4 * H * W, NC, H, W,
         x, y);
}
void upsample_nearest2x_backward(int NC, int H, int W, const float* dy, float* dx) {
  check_upsample2x_shape("upsample_nearest2x_backward", NC, H, W);
  launch("upsample_nearest2x_backward", upsample2x_backward_kernel, int64_t(NC) * H * W, NC, H, W,
         dy, dx);
}
void max_pool2x2_forward(int NC, int H, int W, const float* x, float* y) {
  check_max_pool2x2_shape("max_pool2x2_forward", NC, H, W);
  launch("max_pool2x2_forward", max_pool2x2_forward_kernel, int64_t(NC) * (H / 2) * (W / 2), NC, H,
         W, x, y);
}
void max_pool2x2_backward(int NC, int H, int W, const float* x, const float* dy, float* dx) {
  check_max_pool2x2_shape("max_pool2x2_backward", NC, H, W);
  launch("max_pool2x2_backward", max_pool2x2_backward_kernel, int64_t(NC) * H * W, NC, H, W, x, dy,
         dx);
}
void avg_pool_forward(int NC, int H, int W, int k, bool complement, const float* x, float* y) {
  check_avg_pool_shape("avg_pool_forward", NC, H, W, k);
  launch("avg_pool_forward", avg_pool_forward_kernel, int64_t(NC) * (H / k) * (W / k), NC, H, W, k,
         complement, x, y);
}
void avg_pool_backward(int NC, int H, int W, int k, const float* dy, float* dx) {
  check_avg_pool_shape("avg_pool_backward", NC, H, W, k);
  launch("avg_pool_backward", avg_pool_backward_kernel, int64_t(NC) * H * W, NC, H, W, k, dy, dx);
}

// The version table (kernels/cuda/versions.h): one version, the functions above.
MGST_CUDA_ONE_VERSION(
    resample, ResampleFns,
    {"v1_gather",
     "one thread per element of the tensor written, grid-stride (gathers, no atomics)",
     "unmeasured",
     "test: MGST_OPS=upsample_nearest2x,max_pool2x2,avg_pool mgst_tests -ts=cuda -tc='cuda ops*'; "
     "bench: none yet",
     {upsample_nearest2x_forward, upsample_nearest2x_backward, max_pool2x2_forward,
      max_pool2x2_backward, avg_pool_forward, avg_pool_backward}})

}  // namespace mgst::kernels::cuda
