// Harness entry: channel concatenation and the scalar pack. Reference: kernels/ref/concat.h;
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

// inputs x_0..x_{k-1} (one float each); output out (k+1).
template <class Pack>
Impl pack(std::string name, Pack f, int k) {
  return {std::move(name), [=](const In& x, const Out& y) {
            kernels::ScalarTerms t;
            t.k = k;
            for (int i = 0; i < k; ++i) t.x[i] = x[std::size_t(i)];
            f(t, y[0]);
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
  // A training step's results: the loss terms (5 or 6), the gradient sum, and
  // their total; values of either sign and far apart.
  const std::vector<std::vector<float>> packs = {{0.5f},
                                                 {1e4f, -2.f, 3e-3f},
                                                 {1.f, 2.f, -3.f, 4e5f, 5.f, -6e-4f, 7.f, 8.f}};
  for (const auto& v : packs) {
    OpCase c;
    c.op = "pack_scalars";
    c.shape = "k" + std::to_string(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      c.inputs.push_back({"x" + std::to_string(i), [x = v[i]] { return FVec{x}; }});
    const int k = int(v.size());
    // the copies are exact, the total a double sum rounded once on both backends
    c.outputs = {{"out", k + 1, elementwise(0, 1e-7), exact()}};
    c.ref = [](const std::vector<Vec>& x) {
      Vec xs;
      for (const Vec& e : x) xs.push_back(e[0]);
      return std::vector<Vec>{kref::pack_scalars_forward(xs)};
    };
    c.cpu = pack("cpu", &kc::pack_scalars_forward, k);
    c.cuda = MGST_OPS_CUDA_VERSIONS(concat_versions, [&](const char* name, const auto& f) {
      return pack(name, f.pack_scalars, k);
    });
    c.bytes = 4.0 * (2 * k + 1);
    c.deterministic = true;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
