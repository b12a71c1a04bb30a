// Harness entry: reflection padding. Reference: kernels/ref/pad.h; backends:
// kernels/cpu/pad.cpp, kernels/cuda/pad.cu.
#include "kernels/ref/pad.h"

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

// input x (NC,H,W); output y (NC,H+2p,W+2p).
// forward/backward: the CPU functions or a CUDA version's (same signatures)
template <class Fwd, class Bwd>
Impl impl(std::string name, Fwd forward, Bwd backward, int NC, int H, int W, int p) {
  return {std::move(name), [=](const In& x, const Out& y) { forward(NC, H, W, p, x[0], y[0]); },
          [=](const In&, const In&, const In& dy, const Out& g) {
            backward(NC, H, W, p, dy[0], g[0]);
          }};
}

}  // namespace

std::vector<OpCase> pad_cases() {
  struct S {
    int NC, H, W, p;
  };
  // The transform net pads 4 before its 9x9 convs and 1 before its 3x3 ones
  // (METHOD.md "Transform network"); pad must stay below H and W.
  const S shapes[] = {{1, 1, 1, 0},   {2, 3, 4, 1}, {1, 5, 5, 2}, {3, 2, 7, 1},    {1, 9, 6, 4},
                      {2, 4, 3, 2},   {1, 2, 2, 1}, {3, 5, 7, 1}, {2, 9, 10, 4},   {4, 33, 17, 4},
                      {2, 64, 64, 1}, {1, 6, 5, 4}, {2, 3, 3, 0}, {128, 12, 12, 1}};
  std::vector<OpCase> cases;
  uint64_t seed = 1;
  for (const S s : shapes) {
    const int64_t n = int64_t(s.NC) * s.H * s.W,
                  ny = int64_t(s.NC) * (s.H + 2 * s.p) * (s.W + 2 * s.p);
    OpCase c;
    c.op = "reflection_pad";
    c.shape = "NC" + std::to_string(s.NC) + " " + std::to_string(s.H) + "x" + std::to_string(s.W) +
              " p" + std::to_string(s.p);
    // the backward sums up to 4 gradients per pixel
    c.inputs = {{"x", uniform(n, ++seed), true, false, false, elementwise(1e-5, 1e-5),
                 elementwise(1e-6, 1e-5)}};
    c.outputs = {{"y", ny, exact(), exact()}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::reflection_pad_forward(s.NC, s.H, s.W, s.p, x[0])};
    };
    c.ref_backward = [s](const std::vector<Vec>&, const std::vector<Vec>& dy) {
      return std::vector<Vec>{kref::reflection_pad_backward(s.NC, s.H, s.W, s.p, dy[0])};
    };
    c.cpu =
        impl("cpu", &kc::reflection_pad_forward, &kc::reflection_pad_backward, s.NC, s.H, s.W, s.p);
    c.cuda = MGST_OPS_CUDA_VERSIONS(pad_versions, [&](const char* name, const auto& f) {
      return impl(name, f.forward, f.backward, s.NC, s.H, s.W, s.p);
    });
    c.bytes = 4.0 * (n + ny);
    c.gradcheck = n <= 200;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
