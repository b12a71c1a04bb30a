// Adam (PyTorch semantics, no weight decay), step t >= 1, over one flat
// parameter block (the caller keeps every parameter, gradient and moment in
// one contiguous block each, so a training step is ONE launch):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
// The bias corrections come from device memory (coef, kernels/adam_schedule.h:
// computed on the host in double), so a replayed CUDA Graph takes each step's
// lr and t. Grid-stride, float4 when all four arrays are 16-byte aligned (the
// usual case). A non-null guard is read by every thread first: not finite,
// no update (the trainer's device-side NaN/Inf guard; the host learns of it
// after the step).
#include <cstdint>

#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

struct AdamCoef {
  float b1, b2, eps, step_size, sqrt_bc2;
};
struct AdamConsts {
  float b1, b2, eps;
};

__device__ __forceinline__ void adam_one(float& p, float g, float& m, float& v, const AdamCoef& c) {
  m = c.b1 * m + (1.f - c.b1) * g;
  v = c.b2 * v + (1.f - c.b2) * g * g;
  p -= c.step_size * m / (sqrtf(v) / c.sqrt_bc2 + c.eps);
}

// grid-stride over i in [0, n) (float4 groups when vec4, then a scalar tail).
__global__ void adam_kernel(int64_t n, float* __restrict__ p, const float* __restrict__ g,
                            float* __restrict__ m, float* __restrict__ v, AdamConsts k,
                            const float* __restrict__ coef, bool vec4,
                            const float* __restrict__ guard) {
  if (guard && !isfinite(*guard)) return;
  const AdamCoef c{k.b1, k.b2, k.eps, coef[0], coef[1]};
  int64_t done = 0;
  if (vec4) {
    const int64_t n4 = n / 4;
    for (int64_t i : detail::grid_stride(n4)) {
      float4 P = reinterpret_cast<float4*>(p)[i], M = reinterpret_cast<float4*>(m)[i],
             V = reinterpret_cast<float4*>(v)[i];
      const float4 G = reinterpret_cast<const float4*>(g)[i];
      adam_one(P.x, G.x, M.x, V.x, c);
      adam_one(P.y, G.y, M.y, V.y, c);
      adam_one(P.z, G.z, M.z, V.z, c);
      adam_one(P.w, G.w, M.w, V.w, c);
      reinterpret_cast<float4*>(p)[i] = P;
      reinterpret_cast<float4*>(m)[i] = M;
      reinterpret_cast<float4*>(v)[i] = V;
    }
    done = n4 * 4;
  }
  for (int64_t i : detail::grid_stride(done, n)) adam_one(p[i], g[i], m[i], v[i], c);
}

bool aligned16(const void* q) { return (reinterpret_cast<std::uintptr_t>(q) & 15) == 0; }

}  // namespace

void adam_update(int64_t n, float* p, const float* g, float* m, float* v, float beta1, float beta2,
                 float eps, const float* coef, const float* guard) {
  MGST_CHECK(n >= 0 && coef, "adam_update: bad arguments n=" << n << " coef=" << coef);
  if (n == 0) return;
  const bool vec4 = aligned16(p) && aligned16(g) && aligned16(m) && aligned16(v);
  adam_kernel<<<detail::grid_for(vec4 ? (n + 3) / 4 : n), detail::kThreads, 0, stream()>>>(
      n, p, g, m, v, AdamConsts{beta1, beta2, eps}, coef, vec4, guard);
  MGST_CHECK_LAUNCH("adam_update", "n=", n);
}

// The version table (kernels/cuda/versions.h): one version, the functions above.
MGST_CUDA_ONE_VERSION(adam, AdamFns,
                      {"v1_grid_stride_float4",
                       "one grid-stride kernel over the flat parameter block, float4 when aligned",
                       "unmeasured",
                       "test: MGST_OPS=adam_update mgst_tests -ts=cuda -tc='cuda ops*'; bench: "
                       "mgst_bench_cuda --benchmark_filter='adam/.*/v1_grid_stride_float4/'",
                       {adam_update}})

}  // namespace mgst::kernels::cuda
