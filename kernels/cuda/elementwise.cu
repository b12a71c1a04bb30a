// Elementwise ops on flat float arrays (y may alias an input, so no
// __restrict__ here), and the per-channel affine map:
//   fill/copy/add/sub/mul/scale/axpy/scale_by_scalar/relu/relu_backward
//   channel affine y[n,c,p] = x * a[c] + b[c], dx = dy * a[c]
// One kernel template: y[i] = op(u[i], v[i]) over i < n, grid-stride; when
// every pointer is 16-byte aligned the body runs on float4 (16-byte loads
// and stores, 4 independent elements per thread) and a scalar tail.
#include <cstdint>

#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

struct Fill {
  float v;
  __device__ float operator()(float, float) const { return v; }
};
struct Copy {
  __device__ float operator()(float u, float) const { return u; }
};
struct Add {
  __device__ float operator()(float u, float v) const { return u + v; }
};
struct Sub {
  __device__ float operator()(float u, float v) const { return u - v; }
};
struct Mul {
  __device__ float operator()(float u, float v) const { return u * v; }
};
struct Scale {
  float alpha;
  __device__ float operator()(float u, float) const { return alpha * u; }
};
// axpy: u = x, v = y (old value): y = y + alpha x
struct Axpy {
  float alpha;
  __device__ float operator()(float u, float v) const { return fmaf(alpha, u, v); }
};
// scale_by_scalar: the scalar lives on the device; every thread reads it.
struct ScaleByDeviceScalar {
  const float* g;
  __device__ float operator()(float u, float) const { return u * __ldg(g); }
};
struct Relu {
  __device__ float operator()(float u, float) const { return u > 0.f ? u : 0.f; }
};
// relu backward: u = y (forward output), v = dy
struct ReluBackward {
  __device__ float operator()(float u, float v) const { return u > 0.f ? v : 0.f; }
};

// grid-stride over i in [0, n) (float4 groups i in [0, n/4) when vec4).
// u / v may be nullptr when the op ignores them.
template <class Op>
__global__ void map_kernel(int64_t n, const float* u, const float* v, float* y, Op op, bool vec4) {
  int64_t done = 0;
  if (vec4) {
    const int64_t n4 = n / 4;
    for (int64_t i : detail::grid_stride(n4)) {
      const float4 a = u ? reinterpret_cast<const float4*>(u)[i] : float4{0, 0, 0, 0};
      const float4 b = v ? reinterpret_cast<const float4*>(v)[i] : float4{0, 0, 0, 0};
      reinterpret_cast<float4*>(y)[i] =
          float4{op(a.x, b.x), op(a.y, b.y), op(a.z, b.z), op(a.w, b.w)};
    }
    done = n4 * 4;
  }
  for (int64_t i : detail::grid_stride(done, n)) y[i] = op(u ? u[i] : 0.f, v ? v[i] : 0.f);
}

bool aligned16(const void* p) { return (reinterpret_cast<std::uintptr_t>(p) & 15) == 0; }

template <class Op>
void map(const char* name, int64_t n, const float* u, const float* v, float* y, Op op) {
  MGST_CHECK(n >= 0, name << ": negative length " << n);
  if (n == 0) return;
  MGST_CHECK(y, name << ": null output");
  const bool vec4 = aligned16(u) && aligned16(v) && aligned16(y);  // nullptr is aligned
  map_kernel<Op>
      <<<detail::grid_for(vec4 ? (n + 3) / 4 : n), detail::kThreads, 0, stream()>>>(n, u, v, y, op,
                                                                                    vec4);
  MGST_CHECK_LAUNCH(name, "n=", n);
}

// i = (n*C + c)*P + p; y = x * a[c] + (b ? b[c] : 0).
__global__ void channel_affine_kernel(int64_t total, int C, int P, const float* x,
                                      const float* __restrict__ a, const float* __restrict__ b,
                                      float* y) {
  for (int64_t i : detail::grid_stride(total)) {
    const int c = int(i / P % C);
    y[i] = b ? fmaf(x[i], a[c], b[c]) : x[i] * a[c];
  }
}

void launch_channel_affine(const char* name, int N, int C, int P, const float* x, const float* a,
                           const float* b, float* y) {
  MGST_CHECK(N >= 0 && C >= 0 && P >= 0, name << ": bad shape N=" << N << " C=" << C << " P=" << P);
  const int64_t total = int64_t(N) * C * P;
  if (!total) return;
  channel_affine_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total, C, P, x,
                                                                                    a, b, y);
  MGST_CHECK_LAUNCH(name, "N=", N, "C=", C, "P=", P);
}

}  // namespace

void fill(int64_t n, float value, float* y) { map("fill", n, nullptr, nullptr, y, Fill{value}); }
void copy(int64_t n, const float* x, float* y) { map("copy", n, x, nullptr, y, Copy{}); }
void add(int64_t n, const float* a, const float* b, float* y) { map("add", n, a, b, y, Add{}); }
void sub(int64_t n, const float* a, const float* b, float* y) { map("sub", n, a, b, y, Sub{}); }
void mul(int64_t n, const float* a, const float* b, float* y) { map("mul", n, a, b, y, Mul{}); }
void scale(int64_t n, const float* x, float alpha, float* y) {
  map("scale", n, x, nullptr, y, Scale{alpha});
}
void axpy(int64_t n, float alpha, const float* x, float* y) {
  map("axpy", n, x, y, y, Axpy{alpha});
}
void scale_by_scalar(int64_t n, const float* x, const float* gout, float* y) {
  MGST_CHECK(gout, "scale_by_scalar: null scalar");
  map("scale_by_scalar", n, x, nullptr, y, ScaleByDeviceScalar{gout});
}
void relu_forward(int64_t n, const float* x, float* y) {
  map("relu_forward", n, x, nullptr, y, Relu{});
}
void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  map("relu_backward", n, y, dy, dx, ReluBackward{});
}
void channel_affine_forward(int N, int C, int P, const float* x, const float* a, const float* b,
                            float* y) {
  launch_channel_affine("channel_affine_forward", N, C, P, x, a, b, y);
}
void channel_affine_backward(int N, int C, int P, const float* a, const float* dy, float* dx) {
  launch_channel_affine("channel_affine_backward", N, C, P, dy, a, nullptr, dx);
}

// The version table (kernels/cuda/versions.h): one version, the functions above.
MGST_CUDA_ONE_VERSION(
    elementwise, ElementwiseFns,
    {"v1_grid_stride_float4",
     "one grid-stride map kernel per op, float4 body when every pointer is 16-byte aligned",
     "unmeasured",
     "test: MGST_OPS=add,sub,mul,scale,relu,channel_affine,fill,copy,axpy,scale_by_scalar "
     "mgst_tests -ts=cuda -tc='cuda ops*'; bench: none yet",
     {fill, copy, add, sub, mul, scale, axpy, scale_by_scalar, relu_forward, relu_backward,
      channel_affine_forward, channel_affine_backward}})

}  // namespace mgst::kernels::cuda
