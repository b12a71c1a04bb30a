// Reference Adam step (PyTorch's formula, no weight decay) in double precision.
// The contract is in kernels/api.inc ("adam"); backends: kernels/cpu/adam.cpp,
// kernels/cuda/adam.cu. Header-only.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mgst::kernels::ref {

// One step t >= 1 on parameters p with gradient g; m, v are the moment buffers
// carried from step to step (zero before step 1). Per element:
//   m = b1 m + (1 - b1) g                         (first moment: running mean of g)
//   v = b2 v + (1 - b2) g^2                       (second moment: running mean of g^2)
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// (the 1 - b^t factors undo the bias of starting m and v at zero).
// With a guard (the contract's one value) that is not finite, nothing changes.
inline void adam_update(std::vector<double>& p, const std::vector<double>& g,
                        std::vector<double>& m, std::vector<double>& v, double lr, double b1,
                        double b2, double eps, int64_t t, const double* guard = nullptr) {
  if (guard && !std::isfinite(*guard)) return;
  for (std::size_t i = 0; i < p.size(); ++i) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const double denom = std::sqrt(v[i]) / std::sqrt(1 - std::pow(b2, double(t))) + eps;
    p[i] -= lr / (1 - std::pow(b1, double(t))) * m[i] / denom;
  }
}

}  // namespace mgst::kernels::ref
