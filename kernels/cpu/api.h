// CPU backend of the kernel contract (see kernels/api.inc).
#pragma once
#include <cstdint>

#include "kernels/shapes.h"

namespace mgst::kernels::cpu {
#include "kernels/api.inc"
}  // namespace mgst::kernels::cpu
