// Adam's two per-step coefficients, which adam_update (kernels/api.inc) reads
// from the backend's memory rather than as launch arguments: a step
// captured once as a CUDA Graph (core/cuda_graph.h) replays with a new
// learning rate and step count by rewriting them, not by recapturing.
//   step_size = lr / (1 - b1^t)     sqrt_bc2 = sqrt(1 - b2^t)
// computed in double (as PyTorch does in Python floats), then rounded once.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>

namespace mgst::kernels {

inline std::array<float, 2> adam_coefficients(float lr, float beta1, float beta2, int64_t t) {
  return {float(double(lr) / (1.0 - std::pow(double(beta1), double(t)))),
          float(std::sqrt(1.0 - std::pow(double(beta2), double(t))))};
}

}  // namespace mgst::kernels
