// The conv2d versions of kernels/cuda/conv2d.cu, as one table that the
// dispatcher (cuda::conv2d_*), the tests and the benchmarks all iterate, so
// the list of versions can never drift from what is dispatched and tested.
// Plain C++: no CUDA headers needed.
#pragma once
#include <span>

#include "kernels/shapes.h"

namespace mgst::kernels::cuda {

struct Conv2dVersion {
  const char* name;  // "v1_direct", ...
  const char* what;  // one line: what changed from the previous version
  void (*forward)(const Conv2dShape& s, const float* x, const float* w, const float* b,
                  float* y);
  void (*backward_data)(const Conv2dShape& s, const float* w, const float* dy, float* dx);
  void (*backward_weight)(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                          float* db);
};

// All versions, oldest first. Every entry implements all three passes.
std::span<const Conv2dVersion> conv2d_versions();
// Index into conv2d_versions() of the one cuda::conv2d_* dispatches to.
int conv2d_best_version();

}  // namespace mgst::kernels::cuda
