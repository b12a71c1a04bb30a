#include "layers/init.h"

#include <cmath>
#include <vector>

namespace mgst::layers {

Tensor uniform_fan_in(const Shape& shape, int64_t fan_in, Rng& rng) {
  const double bound = 1.0 / std::sqrt(double(fan_in));
  std::vector<float> v(shape_numel(shape));
  for (auto& x : v) x = float(rng.uniform(-bound, bound));
  return Tensor::from_vector(shape, v);
}

Tensor normal(const Shape& shape, double std, Rng& rng) {
  std::vector<float> v(shape_numel(shape));
  for (auto& x : v) x = float(std * rng.normal());
  return Tensor::from_vector(shape, v);
}

}  // namespace mgst::layers
