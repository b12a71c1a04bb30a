// CUDA backend of the kernel contract (see kernels/api.inc). Plain C++
// header: callers need no CUDA headers. Pointers are device pointers; all
// launches go to the backend's one stream (kernels/cuda/runtime.h).
#pragma once
#include <cstdint>

#include "kernels/shapes.h"

namespace mgst::kernels::cuda {
#include "kernels/api.inc"
}  // namespace mgst::kernels::cuda
