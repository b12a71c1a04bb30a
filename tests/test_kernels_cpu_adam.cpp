// Adam against the PyTorch formula in double over several steps (the moment
// buffers carry state from step to step).
#include <cmath>

#include "kernels/cpu/api.h"
#include "kernels/error.h"
#include "test_util.h"

namespace kc = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::random_vector;

TEST_SUITE("kernels_cpu") {

TEST_CASE("adam matches the PyTorch update over several steps") {
  for (int64_t n : {int64_t(1), int64_t(33), int64_t(50001)}) {
    CAPTURE(n);
    auto p = random_vector(n, 1);
    std::vector<float> m(n, 0.f), v(n, 0.f);
    std::vector<double> pr(p.begin(), p.end()), mr(n, 0.0), vr(n, 0.0);
    const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (int t = 1; t <= 5; ++t) {
      const auto g = random_vector(n, 100 + t);
      kc::adam_update(n, p.data(), g.data(), m.data(), v.data(), float(lr), float(b1),
                      float(b2), float(eps), t);
      for (int64_t i = 0; i < n; ++i) {
        mr[i] = b1 * mr[i] + (1 - b1) * g[i];
        vr[i] = b2 * vr[i] + (1 - b2) * double(g[i]) * g[i];
        const double denom = std::sqrt(vr[i]) / std::sqrt(1 - std::pow(b2, t)) + eps;
        pr[i] -= lr / (1 - std::pow(b1, t)) * mr[i] / denom;
      }
    }
    all_close("adam m", m, mr, 1e-6, 1e-5);
    all_close("adam v", v, vr, 1e-7, 1e-5);
    all_close("adam p", p, pr, 1e-6, 1e-5);
  }
  std::vector<float> x(1);
  CHECK_THROWS_AS(kc::adam_update(1, x.data(), x.data(), x.data(), x.data(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0),
                  mgst::Error);
}

}  // TEST_SUITE
