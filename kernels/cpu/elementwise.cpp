// Elementwise ops on flat arrays (y may alias an input), and the per-channel
// affine map of NCHW tensors:
//   fill, copy, y = a+b, a-b, a*b, alpha*x, y += alpha*x, y = x*gout[0],
//   relu y = max(x, 0), dx = dy * (y > 0),
//   channel affine y[n,c,p] = x*a[c] + b[c], dx = dy*a[c]
// Every loop is a plain vectorisable body under one OpenMP static split.
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {
namespace {
// Bodies run on [i0, i1) blocks so the inner loop vectorises.
template <class F>
void blocked(const char* op, int64_t n, F&& f) {
  MGST_CHECK(n >= 0, op << ": negative length " << n);
  constexpr int64_t B = 1 << 14;
  detail::parallel_for((n + B - 1) / B, B,
                       [&](int64_t blk) { f(blk * B, std::min(n, blk * B + B)); });
}
}  // namespace

void fill(int64_t n, float value, float* y) {
  blocked("fill", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = value;
  });
}

void copy(int64_t n, const float* x, float* y) {
  blocked("copy", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = x[i];
  });
}

void add(int64_t n, const float* a, const float* b, float* y) {
  blocked("add", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = a[i] + b[i];
  });
}

void sub(int64_t n, const float* a, const float* b, float* y) {
  blocked("sub", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = a[i] - b[i];
  });
}

void mul(int64_t n, const float* a, const float* b, float* y) {
  blocked("mul", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = a[i] * b[i];
  });
}

void scale(int64_t n, const float* x, float alpha, float* y) {
  blocked("scale", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = alpha * x[i];
  });
}

void axpy(int64_t n, float alpha, const float* x, float* y) {
  blocked("axpy", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] += alpha * x[i];
  });
}

void scale_by_scalar(int64_t n, const float* x, const float* gout, float* y) {
  const float g = gout[0];  // read before the loop, in case y aliases gout
  scale(n, x, g, y);
}

void relu_forward(int64_t n, const float* x, float* y) {
  blocked("relu_forward", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
  });
}

void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  blocked("relu_backward", n, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
  });
}

void channel_affine_forward(int N, int C, int P, const float* x, const float* a, const float* b,
                            float* y) {
  MGST_CHECK(N >= 0 && C >= 0 && P >= 0,
             "channel_affine_forward: bad shape N=" << N << " C=" << C << " P=" << P);
  detail::parallel_for(int64_t(N) * C, P, [&](int64_t nc) {
    const float ac = a[nc % C], bc = b[nc % C];
    const float* xp = x + nc * P;
    float* yp = y + nc * P;
#pragma omp simd
    for (int64_t i = 0; i < P; ++i) yp[i] = xp[i] * ac + bc;
  });
}

void channel_affine_backward(int N, int C, int P, const float* a, const float* dy, float* dx) {
  MGST_CHECK(N >= 0 && C >= 0 && P >= 0,
             "channel_affine_backward: bad shape N=" << N << " C=" << C << " P=" << P);
  detail::parallel_for(int64_t(N) * C, P, [&](int64_t nc) {
    const float ac = a[nc % C];
    const float* dp = dy + nc * P;
    float* xp = dx + nc * P;
#pragma omp simd
    for (int64_t i = 0; i < P; ++i) xp[i] = dp[i] * ac;
  });
}

}  // namespace mgst::kernels::cpu
