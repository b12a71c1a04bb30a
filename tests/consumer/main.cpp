// Builds against the installed headers and library: a conv + relu + mean,
// then a backward pass. Prints the gradient norm, exits 0 when it is finite.
#include <cmath>
#include <cstdio>

#include "core/autograd.h"
#include "core/ops.h"

int main() {
  using namespace mgst;
  Tensor x = Tensor::full({1, 2, 5, 5}, 0.5f);
  Tensor w = Tensor::full({3, 2, 3, 3}, 0.1f).set_requires_grad(true);
  Tensor loss = ops::mean(ops::relu(ops::conv2d(x, w, Tensor(), 1, 1)));
  loss.backward();
  double norm = 0;
  for (float g : w.grad().to_vector()) norm += double(g) * g;
  std::printf("loss %.6f, |dL/dw| %.6f\n", loss.item(), std::sqrt(norm));
  return std::isfinite(norm) && norm > 0 ? 0 : 1;
}
