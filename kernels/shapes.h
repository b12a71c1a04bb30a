// Shapes and index math shared by the CPU and CUDA kernels.
// Everything here is __host__ __device__ so that CPU tests can check the
// same index arithmetic the GPU kernels use.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define MGST_HD __host__ __device__ __forceinline__
#else
#define MGST_HD inline
#endif

namespace mgst::kernels {

// Reflection padding index (PyTorch ReflectionPad2d: the edge pixel is not
// repeated). Valid for -n < i < 2n-1, i.e. pad < n.
MGST_HD int reflect_index(int i, int n) {
  if (i < 0) i = -i;
  if (i >= n) i = 2 * (n - 1) - i;
  return i;
}

// Output extent of a conv / pool window: floor((n + 2*pad - k) / stride) + 1.
MGST_HD int conv_out_size(int n, int k, int stride, int pad) {
  return (n + 2 * pad - k) / stride + 1;
}

// conv2d geometry. x (N,Ci,H,W), w (Co,Ci,K,K), b (Co), y (N,Co,Ho,Wo),
// zero padding `pad` on each side, square kernel, equal strides.
struct Conv2dShape {
  int N, Ci, H, W, Co, K, stride, pad;
  MGST_HD int Ho() const { return conv_out_size(H, K, stride, pad); }
  MGST_HD int Wo() const { return conv_out_size(W, K, stride, pad); }
  MGST_HD int64_t x_size() const { return int64_t(N) * Ci * H * W; }
  MGST_HD int64_t w_size() const { return int64_t(Co) * Ci * K * K; }
  MGST_HD int64_t y_size() const { return int64_t(N) * Co * Ho() * Wo(); }
  // Implicit-GEMM view: y[n] (Co, Ho*Wo) = w (Co, Ci*K*K) . col (Ci*K*K, Ho*Wo)
  MGST_HD int gemm_k() const { return Ci * K * K; }
  MGST_HD int gemm_n() const { return Ho() * Wo(); }
  // Input coordinate read by output (oy, ox) through kernel tap (ky, kx);
  // outside [0,H)x[0,W) means zero padding.
  MGST_HD int in_y(int oy, int ky) const { return oy * stride - pad + ky; }
  MGST_HD int in_x(int ox, int kx) const { return ox * stride - pad + kx; }
};

}  // namespace mgst::kernels
