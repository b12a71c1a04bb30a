// Index rules above the kernels that must agree with them exactly (code
// above core never includes kernels/ itself).
#pragma once
#include "kernels/shapes.h"

namespace mgst {

// Reflection padding index, the rule of ops::reflection_pad (PyTorch
// ReflectionPad2d: the edge pixel is not repeated). Valid for -n < i < 2n-1.
inline int reflect_index(int i, int n) { return kernels::reflect_index(i, n); }

}  // namespace mgst
