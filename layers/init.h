// Parameter initialisation, seeded.
#pragma once
#include "core/rng.h"
#include "core/tensor.h"

namespace mgst::layers {

// PyTorch's default Conv2d init: kaiming_uniform(a=sqrt(5)) for the weight and
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias; both reduce to
// U(-b, b) with b = 1/sqrt(fan_in).
Tensor uniform_fan_in(const Shape& shape, int64_t fan_in, Rng& rng);
// N(0, std) (torchvision VGG: kaiming_normal fan_out, relu).
Tensor normal(const Shape& shape, double std, Rng& rng);

}  // namespace mgst::layers
