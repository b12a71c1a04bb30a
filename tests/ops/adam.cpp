// Harness entry: the Adam update. Reference: kernels/ref/adam.h; backends:
// kernels/cpu/adam.cpp, kernels/cuda/adam.cu.
#include "kernels/ref/adam.h"

#include <limits>

#include "kernels/adam_schedule.h"
#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

constexpr float kLr = 1e-3f, kB1 = 0.9f, kB2 = 0.999f, kEps = 1e-8f;
constexpr int kSteps = 5;  // the moment buffers carry state from step to step

struct Fns {
  decltype(&kc::adam_update) update;
  decltype(&kc::copy) copy;
  decltype(&kc::fill) fill;
};

// inputs p0 (n), g (kSteps, n), coef (kSteps, 2), guard (1, optional);
// outputs p, m, v (n) after kSteps steps from m = v = 0.
Impl impl(std::string name, Fns f, int64_t n) {
  return {std::move(name), [=](const In& x, const Out& y) {
            f.copy(n, x[0], y[0]);
            f.fill(n, 0.f, y[1]);
            f.fill(n, 0.f, y[2]);
            for (int t = 1; t <= kSteps; ++t)
              f.update(n, y[0], x[1] + (t - 1) * n, y[1], y[2], kB1, kB2, kEps, x[2] + 2 * (t - 1),
                       x[3]);
          }};
}

// The coefficients of steps 1..kSteps as the trainer uploads them
// (kernels/adam_schedule.h); the reference recomputes them from lr and t.
FVec coefficients() {
  FVec c;
  for (int t = 1; t <= kSteps; ++t)
    for (float v : kernels::adam_coefficients(kLr, kB1, kB2, t)) c.push_back(v);
  return c;
}

}  // namespace

std::vector<OpCase> adam_cases() {
  std::vector<OpCase> cases;
  // The transform net has ~1.7M parameters in one block (METHOD.md "Training").
  // guard: a finite value (update; the variant without it passes nullptr),
  // then NaN and inf (no update at all: p = p0, m = v = 0).
  struct Entry {
    int64_t n;
    float guard;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN(),
              inf = std::numeric_limits<float>::infinity();
  for (const Entry e : {Entry{1, 0.5f}, Entry{7, -3.f}, Entry{33, 0.f}, Entry{4096, 1e30f},
                        Entry{50001, 2.f}, Entry{100003, 1.f}, Entry{33, nan}, Entry{4096, -inf}}) {
    const int64_t n = e.n;
    OpCase c;
    c.op = "adam_update";
    c.shape = "n" + std::to_string(n) + " x" + std::to_string(kSteps) + " steps, guard " +
              std::to_string(e.guard);
    c.inputs = {{"p0", [n] { return uniform(n, 1); }},
                {"g", [n] { return uniform(n * kSteps, 100 + n); }},
                {"coef", coefficients()},
                {"guard", FVec{e.guard}}};
    c.inputs[3].optional = true;
    // one float formula on both sides: fma contraction and sqrt rounding differ
    c.outputs = {{"p", n, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5)},
                 {"m", n, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5)},
                 {"v", n, elementwise(1e-7, 1e-5), elementwise(1e-6, 1e-5)}};
    c.ref = [n](const std::vector<Vec>& x) {
      Vec p = x[0], m(n, 0.0), v(n, 0.0);
      const double* guard = x[3].empty() ? nullptr : &x[3][0];
      for (int t = 1; t <= kSteps; ++t)
        kref::adam_update(p, Vec(x[1].begin() + (t - 1) * n, x[1].begin() + t * n), m, v, kLr, kB1,
                          kB2, kEps, t, guard);
      return std::vector<Vec>{p, m, v};
    };
    c.cpu = impl("cpu", {&kc::adam_update, &kc::copy, &kc::fill}, n);
#ifdef MGST_WITH_CUDA
    namespace cu = mgst::kernels::cuda;
    for (const auto& ver : cu::adam_versions())
      c.cuda.push_back(impl(ver.name, {ver.fn.update, &cu::copy, &cu::fill}, n));
#endif
    c.flops = 12.0 * n * kSteps;
    c.bytes = 4.0 * 7 * n * kSteps;  // read p, g, m, v; write p, m, v
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
