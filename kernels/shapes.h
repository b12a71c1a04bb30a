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

// conv2d over a gathered input, with an optional ReLU epilogue: the
// transform net's [upsample] -> reflection pad -> conv and VGG's conv -> ReLU,
// each one op. x (N,Ci,H,W) is read through the virtual input
//   xv = pad_p(upsample_up(x))      (N, Ci, up*H + 2p, up*W + 2p)
// (reflection padding, PyTorch ReflectionPad2d, or zeros), and
//   y = [relu](b + conv2d(xv, w, stride, pad 0))      (N, Co, Ho, Wo)
// The fields before `up` mean what they mean in Conv2dShape, with the
// padding `pad` applied to the upsampled image.
struct Conv2dFusedShape {
  int N, Ci, H, W, Co, K, stride, pad;
  int up = 1;            // 1, or 2: nearest x2 upsampling first
  bool reflect = false;  // reflection padding, else zeros
  bool relu = false;     // y = max(0, conv + b)
  // At most this many virtual rows read one row of x (copies()).
  static constexpr int kMaxCopies = 6;
  // The plain conv2d over the upsampled image with zero padding `pad`: the
  // same output grid and taps (in_y, in_x give virtual coordinates).
  MGST_HD Conv2dShape grid() const { return {N, Ci, up * H, up * W, Co, K, stride, pad}; }
  MGST_HD int Ho() const { return grid().Ho(); }
  MGST_HD int Wo() const { return grid().Wo(); }
  MGST_HD int64_t x_size() const { return int64_t(N) * Ci * H * W; }
  MGST_HD int64_t w_size() const { return int64_t(Co) * Ci * K * K; }
  MGST_HD int64_t y_size() const { return grid().y_size(); }
  // The row (column) of x, of extent n, that virtual coordinate v in
  // [-pad, up*n + pad) reads; -1 for zero padding.
  MGST_HD int src(int v, int n) const {
    const int u = up * n;
    if (reflect)
      v = reflect_index(v, u);
    else if (unsigned(v) >= unsigned(u))
      return -1;
    return up == 2 ? v >> 1 : v;
  }
  // The inverse map: writes to v[] every virtual coordinate (in [-pad,
  // up*n + pad)) whose src() is r, and returns how many (<= kMaxCopies:
  // `up` upsampled copies, each with up to two mirror images).
  MGST_HD int copies(int r, int n, int* v) const {
    const int u = up * n;
    int c = 0;
    for (int j = 0; j < up; ++j) {
      const int q = up * r + j;  // the upsampled coordinate
      v[c++] = q;
      if (!reflect) continue;
      if (q >= 1 && q <= pad) v[c++] = -q;  // mirrored across the first pixel
      if (q <= u - 2 && q >= u - 1 - pad) v[c++] = 2 * (u - 1) - q;  // across the last
    }
    return c;
  }
};

// weighted_sum's terms (kernels/api.inc "reduce"): k scalars, each the one
// float at x[i], with fixed weights w[i]. Passed by value: a CUDA kernel
// takes it as its parameter, so a launch needs no upload of the pointers.
struct ScalarTerms {
  static constexpr int kMax = 8;
  int k = 0;
  float w[kMax] = {};
  const float* x[kMax] = {};
};
// Their gradients: g[i] the one float of d/dx[i], each nullable.
struct ScalarGrads {
  float* g[ScalarTerms::kMax] = {};
};

}  // namespace mgst::kernels
