// Harness entry: channel concatenation. Reference: kernels/ref/concat.h;
// backends: kernels/cpu/concat.cpp, kernels/cuda/concat.cu.
#include "kernels/ref/concat.h"

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

// inputs a (N,Ca,P), b (N,Cb,P); output y (N,Ca+Cb,P); da, db nullable.
// forward/backward: the CPU functions or a CUDA version's (same signatures)
template <class Fwd, class Bwd>
Impl impl(std::string name, Fwd forward, Bwd backward, int N, int Ca, int Cb, int P) {
  return {std::move(name),
          [=](const In& x, const Out& y) { forward(N, Ca, Cb, P, x[0], x[1], y[0]); },
          [=](const In&, const In&, const In& dy, const Out& g) {
            backward(N, Ca, Cb, P, dy[0], g[0], g[1]);
          }};
}

}  // namespace

std::vector<OpCase> concat_cases() {
  struct S {
    int N, Ca, Cb, P;
  };
  // The transform net's input is the image (3) and the mask (1) side by side.
  const S shapes[] = {{1, 1, 1, 1},    {2, 3, 1, 5},  {3, 2, 4, 7},   {2, 3, 1, 35},
                      {4, 3, 1, 4096}, {3, 5, 7, 17}, {1, 130, 64, 9}};
  std::vector<OpCase> cases;
  uint64_t seed = 1;
  for (const S s : shapes) {
    OpCase c;
    c.op = "concat_channels";
    c.shape = "N" + std::to_string(s.N) + " Ca" + std::to_string(s.Ca) + " Cb" +
              std::to_string(s.Cb) + " P" + std::to_string(s.P);
    const int64_t na = int64_t(s.N) * s.Ca * s.P, nb = int64_t(s.N) * s.Cb * s.P;
    c.inputs = {{"a", uniform(na, ++seed), true, true, false, elementwise(1e-8, 1e-8), exact()},
                {"b", uniform(nb, ++seed), true, true, false, elementwise(1e-8, 1e-8), exact()}};
    // pure data movement: exact (the gradients 1e-8: central differences round)
    c.outputs = {{"y", na + nb, exact(), exact()}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::concat_channels_forward(s.N, s.Ca, s.Cb, s.P, x[0], x[1])};
    };
    c.ref_backward = [s](const std::vector<Vec>&, const std::vector<Vec>& dy) {
      std::vector<Vec> g(2);
      kref::concat_channels_backward(s.N, s.Ca, s.Cb, s.P, dy[0], g[0], g[1]);
      return g;
    };
    c.cpu = impl("cpu", &kc::concat_channels_forward, &kc::concat_channels_backward, s.N, s.Ca,
                 s.Cb, s.P);
    c.cuda = MGST_OPS_CUDA_VERSIONS(concat_versions, [&](const char* name, const auto& f) {
      return impl(name, f.forward, f.backward, s.N, s.Ca, s.Cb, s.P);
    });
    c.bytes = 8.0 * (na + nb);
    c.gradcheck = na + nb <= 200;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
