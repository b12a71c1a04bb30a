// PyTorch Adam without weight decay, step t >= 1, elementwise:
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
// The bias corrections come in coef (kernels/adam_schedule.h, computed once
// in double as PyTorch does in Python floats); the update runs in float.
#include <cmath>

#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {

void adam_update(int64_t n, float* p, const float* g, float* m, float* v, float beta1, float beta2,
                 float eps, const float* coef, const float* guard) {
  MGST_CHECK(n >= 0 && coef, "adam_update: need n >= 0 and the coefficients (n=" << n << ")");
  if (guard && !std::isfinite(*guard)) return;  // the step's NaN/Inf guard is up
  const float step = coef[0], bc2_sqrt = coef[1];
  const float one_b1 = 1.f - beta1, one_b2 = 1.f - beta2;
  constexpr int64_t B = 1 << 14;
  detail::parallel_for((n + B - 1) / B, B, [&](int64_t blk) {
    const int64_t i1 = std::min(n, blk * B + B);
#pragma omp simd
    for (int64_t i = blk * B; i < i1; ++i) {
      const float gi = g[i];
      const float mi = beta1 * m[i] + one_b1 * gi;
      const float vi = beta2 * v[i] + one_b2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= step * mi / (std::sqrt(vi) / bc2_sqrt + eps);
    }
  });
}

}  // namespace mgst::kernels::cpu
