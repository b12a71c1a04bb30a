// Harness entry: instance norm. Formula and reference: kernels/ref/instance_norm.h;
// backends: kernels/cpu/instance_norm.cpp, kernels/cuda/instance_norm.cu.
#include "kernels/ref/instance_norm.h"

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

constexpr float kEps = 1e-5f;

// inputs: x (N,C,P), gamma (C), beta (C); outputs: y (N,C,P), mean, rstd (N*C).
// forward/backward: the CPU functions or a CUDA version's (same signatures)
template <class Fwd, class Bwd>
Impl impl(std::string name, Fwd forward, Bwd backward, int N, int C, int P) {
  return {std::move(name),
          [=](const In& x, const Out& y) {
            forward(N, C, P, x[0], x[1], x[2], kEps, y[0], y[1], y[2]);
          },
          // the backward reads x, gamma and the saved mean/rstd; dbeta needs no beta
          [=](const In& x, const In& y, const In& dy, const Out& g) {
            backward(N, C, P, x[0], x[1], y[1], y[2], dy[0], g[0], g[1], g[2]);
          }};
}

}  // namespace

std::vector<OpCase> instance_norm_cases() {
  struct S {
    int N, C, P;
  };
  // The transform net normalises 32, 64 and 128 channels (METHOD.md "Transform
  // network"), here on small planes; plus 1x1 planes, odd P, > 128 channels.
  const S shapes[] = {{1, 1, 1},   {2, 3, 7},       {1, 2, 25},    {3, 1, 4},   {1, 3, 7},
                      {2, 5, 33},  {3, 4, 1023},    {2, 32, 4096}, {1, 64, 63}, {1, 128, 16},
                      {2, 130, 9}, {4, 8, 64 * 64}, {4, 8, 65536}};
  std::vector<OpCase> cases;
  uint64_t seed = 300;
  for (const S s : shapes) {
    const int64_t n = int64_t(s.N) * s.C * s.P, nc = int64_t(s.N) * s.C;
    OpCase c;
    c.op = "instance_norm";
    c.shape = "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " P" + std::to_string(s.P);
    // gamma kept in [0.5, 1.5): away from 0, where y stops depending on x.
    c.inputs = {{"x", [n, sd = ++seed] { return uniform(n, sd, -2.f, 3.f); }, true, true, false,
                 elementwise(1e-4, 1e-3), elementwise(1e-5, 1e-4)},
                {"gamma", uniform(s.C, ++seed, 0.5f, 1.5f), true, true, false,
                 elementwise(1e-4, 1e-4), normalised(1e-5)},
                {"beta", uniform(s.C, ++seed), true, true, false, elementwise(1e-4, 1e-4),
                 normalised(1e-5)}};
    c.outputs = {{"y", n, elementwise(1e-5, 1e-4), elementwise(1e-5, 1e-4)},
                 {"mean", nc, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5), false},
                 {"rstd", nc, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5), false}};
    c.ref = [s](const std::vector<Vec>& x) {
      Vec mean, rstd;
      Vec y = kref::instance_norm_forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, &mean, &rstd);
      return std::vector<Vec>{y, mean, rstd};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(3);
      kref::instance_norm_backward(s.N, s.C, s.P, x[0], x[1], kEps, dy[0], g[0], g[1], g[2]);
      return g;
    };
    c.cpu = impl("cpu", &kc::instance_norm_forward, &kc::instance_norm_backward, s.N, s.C, s.P);
    c.cuda = MGST_OPS_CUDA_VERSIONS(instance_norm_versions, [&](const char* name, const auto& f) {
      return impl(name, f.forward, f.backward, s.N, s.C, s.P);
    });
    // forward: 2 passes of statistics + the affine map; backward not counted
    c.flops = 7.0 * n;
    c.bytes = 4.0 * (2 * n + 2 * s.C + 2 * nc);
    // P = 1: y == beta, every gradient but dbeta is 0 and differences are ill-posed
    c.gradcheck = n <= 200 && s.P > 1;
    c.big = n > (1 << 18);
    c.threads = s.N == 4 && s.P == 64 * 64;
    c.skip_ref = s.P == 65536;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
