// Harness entry: the masked Gram matrix. Reference: kernels/ref/gram.h;
// backends: kernels/cpu/gram.cpp, kernels/cuda/gram.cu.
#include "kernels/ref/gram.h"

#include <doctest/doctest.h>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

constexpr float kEps = 1e-8f;

// inputs F (N,C,P), w (kN,P; with k = 1 optional: all ones); outputs G
// (kN,C,C) and the normalisers D (kN) the backward reads.
// forward/backward: the CPU functions or a CUDA version's (same signatures)
template <class Fwd, class Bwd>
Impl impl(std::string name, Fwd forward, Bwd backward, int N, int k, int C, int P) {
  return {std::move(name),
          [=](const In& x, const Out& y) { forward(N, k, C, P, x[0], x[1], kEps, y[0], y[1]); },
          [=](const In& x, const In& y, const In& dy, const Out& g) {
            backward(N, k, C, P, x[0], x[1], y[1], dy[0], g[0]);
          }};
}

}  // namespace

std::vector<OpCase> gram_cases() {
  struct S {
    int N, k, C, P;
    float lo, hi;
  };
  // VGG-19's style layers have 64, 128, 256 and 512 channels (METHOD.md "Loss
  // network"), here on few pixels; > 128 and odd channel counts cross the
  // CUDA tiles. F in [0, 2): ReLU-like, large sums (the long-P case). k = 2:
  // the style loss's two regions of a layer in one call (the backward sums
  // both weightings' gradients in one product of inner dimension 2C).
  const S shapes[] = {{1, 1, 1, 1, -1, 1},     {2, 1, 3, 10, -1, 1},    {1, 1, 5, 33, -1, 1},
                      {2, 1, 4, 7, -1, 1},     {2, 1, 3, 17, -1, 1},    {2, 1, 64, 1024, -1, 1},
                      {1, 1, 65, 333, -1, 1},  {2, 1, 130, 257, -1, 1}, {4, 1, 128, 4096, -1, 1},
                      {1, 1, 256, 200, -1, 1}, {1, 1, 512, 16, -1, 1},  {2, 1, 16, 9000, 0, 2},
                      {2, 2, 3, 10, -1, 1},    {1, 2, 5, 33, -1, 1},    {3, 2, 4, 7, -1, 1},
                      {2, 2, 64, 1024, -1, 1}, {1, 2, 65, 333, -1, 1},  {2, 2, 130, 257, -1, 1},
                      {3, 3, 33, 70, -1, 1}};
  std::vector<OpCase> cases;
  uint64_t seed = 9;
  for (const S s : shapes) {
    const int64_t nF = int64_t(s.N) * s.C * s.P, nG = int64_t(s.k) * s.N * s.C * s.C;
    OpCase c;
    c.op = "masked_gram";
    c.shape = "N" + std::to_string(s.N) + " k" + std::to_string(s.k) + " C" + std::to_string(s.C) +
              " P" + std::to_string(s.P);
    // zero weight = masked-out pixel; no weights (k = 1 only): all ones
    Input w{"w", [s, sd = ++seed] { return mask(1, int64_t(s.k) * s.N * s.P, sd); }};
    w.optional = s.k == 1;
    c.inputs = {{"F", [s, nF, sd = ++seed] { return uniform(nF, sd, s.lo, s.hi); }, true, false,
                 false, elementwise(1e-5, 1e-4), matrix()},
                w};
    c.outputs = {{"G", nG, normalised(s.P > 5000 ? 1e-6 : 1e-5), matrix()},
                 {"D", int64_t(s.k) * s.N, elementwise(0, 1e-6), elementwise(0, 1e-6), false}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::masked_gram_forward(s.N, s.k, s.C, s.P, x[0], x[1], kEps),
                              kref::masked_gram_denominators(s.N, s.k, s.C, s.P, x[1], kEps)};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      return std::vector<Vec>{kref::masked_gram_backward(s.N, s.k, s.C, s.P, x[0], x[1], kEps,
                                                         dy[0]),
                              {}};
    };
    c.cpu = impl("cpu", &kc::masked_gram_forward, &kc::masked_gram_backward, s.N, s.k, s.C, s.P);
    c.cuda = MGST_OPS_CUDA_VERSIONS(masked_gram_versions, [&](const char* name, const auto& f) {
      return impl(name, f.forward, f.backward, s.N, s.k, s.C, s.P);
    });
    c.flops = 2.0 * s.k * s.N * s.C * s.C * s.P;
    c.bytes = 4.0 * (nF + int64_t(s.k) * s.N * s.P + nG);
    c.gradcheck = nF <= 200;
    c.big = nF > (1 << 18);
    // the largest CUDA shapes: CUDA vs CPU only (the double reference takes seconds)
    c.skip_ref = double(s.k) * s.N * s.C * s.C * s.P > 5e6;
    c.deterministic = true;
    c.threads = s.P == 9000;
    c.cpu_only = s.P == 9000;
    // G is symmetric by construction; the kernels compute one triangle and mirror it.
    c.check_outputs = [s](const std::string& who, const std::vector<FVec>& y) {
      bool sym = true;
      for (int n = 0; n < s.k * s.N; ++n)
        for (int i = 0; i < s.C; ++i)
          for (int j = 0; j < i; ++j)
            sym = sym && y[0][(std::size_t(n) * s.C + i) * s.C + j] ==
                             y[0][(std::size_t(n) * s.C + j) * s.C + i];
      CHECK_MESSAGE(sym, who << ": Gram not exactly symmetric");
    };
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
