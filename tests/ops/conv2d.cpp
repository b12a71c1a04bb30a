// Harness entry: conv2d. Formula and reference: kernels/ref/conv2d.h; backends:
// kernels/cpu/conv2d.cpp, kernels/cuda/conv2d.cu (every version of its table;
// the public functions run one of them, kernels/cuda/versions.h).
#include "kernels/ref/conv2d.h"

#include <cmath>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

using mgst::kernels::Conv2dShape;

using Fns = kernels::Conv2dFns;  // kernels/fns.h

// inputs: x (N,Ci,H,W), w (Co,Ci,K,K), b (Co, optional); output y (N,Co,Ho,Wo).
Impl impl(std::string name, Fns f, const Conv2dShape& s) {
  return {std::move(name), [=](const In& x, const Out& y) { f.forward(s, x[0], x[1], x[2], y[0]); },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            if (g[0]) f.backward_data(s, x[1], dy[0], g[0]);
            f.backward_weight(s, x[0], dy[0], g[1], g[2]);  // db nullable
          }};
}

// MGST_TEST_SMALL (the emulator under ASan): v1's weight gradient runs one
// 256-thread block per weight, so it skips shapes with over 20000 weights;
// the tiled versions still see every shape.
[[maybe_unused]] bool v1_too_slow(const std::string& name, const Conv2dShape& s) {
  return name.rfind("v1", 0) == 0 && s.w_size() > 20000;
}

std::vector<Impl> cuda_impls(const Conv2dShape& s) {
  std::vector<Impl> v;
#ifdef MGST_WITH_CUDA
  namespace cu = mgst::kernels::cuda;
  for (const auto& ver : cu::conv2d_versions()) {
    v.push_back(impl(ver.name, {ver.fn.forward, ver.fn.backward_data, ver.fn.backward_weight}, s));
    v.back().skip_small = v1_too_slow(ver.name, s);
    v.back().tf32 = ver.precision == kernels::Precision::kTf32;
    // the full-size run skips v1 on VGG's largest layers (minutes on the emulator)
    if (v1_too_slow(ver.name, s) && s.w_size() > 200000) v.pop_back();
  }
#else
  (void)s;
#endif
  return v;
}

std::string describe(const Conv2dShape& s) {
  return "N" + std::to_string(s.N) + " Ci" + std::to_string(s.Ci) + " " + std::to_string(s.H) +
         "x" + std::to_string(s.W) + " Co" + std::to_string(s.Co) + " K" + std::to_string(s.K) +
         " s" + std::to_string(s.stride) + " p" + std::to_string(s.pad);
}

// Float sums of `terms` products in [-1,1): rounding grows like sqrt(terms).
Tol sum_tol(double terms) { return elementwise(2e-5 * std::sqrt(terms + 1), 1e-4); }

}  // namespace

std::vector<OpCase> conv2d_cases() {
  struct Entry {
    Conv2dShape s;
    bool cuda = true;
  };
  const Entry shapes[] = {
      // tiny, for finite differences
      {{1, 1, 1, 1, 1, 1, 1, 0}},           // 1x1 image, pointwise
      {{2, 3, 7, 5, 4, 3, 1, 1}, false},    // VGG-like 3x3 p1, odd sizes
      {{1, 2, 9, 8, 3, 3, 2, 1}, false},    // stride 2 with padding
      {{2, 4, 6, 7, 5, 1, 1, 0}, false},    // pointwise fast path
      {{1, 2, 11, 10, 3, 9, 1, 0}, false},  // 9x9 as after reflection padding
      {{1, 3, 8, 9, 2, 5, 3, 2}, false},    // stride 3, pad 2
      {{1, 2, 3, 3, 2, 3, 1, 1}, false},    // every output touches padding
      {{2, 3, 6, 21, 1, 3, 1, 0}, false},   // Co 1: CPU direct path, one full vector + tail
      {{1, 4, 9, 9, 2, 5, 1, 0}, false},    // Co 2: direct path
      {{2, 2, 7, 8, 3, 7, 1, 0}, false},    // Co 3, K 7: direct path
      {{1, 3, 5, 7, 2, 3, 1, 1}},           // tiny, odd
      // the transform net (METHOD.md "Transform network") at small sizes
      {{2, 4, 19, 23, 32, 9, 1, 0}},     // c1: 9x9 ->32 (4 input channels: image + mask)
      {{2, 4, 17, 13, 5, 9, 1, 4}},      // 9x9 with pad 4
      {{2, 32, 21, 19, 3, 9, 1, 0}},     // c4: 9x9 32->3
      {{2, 32, 34, 34, 64, 3, 2, 0}},    // c2: 3x3 s2 32->64 (after reflection pad)
      {{1, 64, 17, 17, 128, 3, 2, 1}},   // 3x3 s2 p1, odd input
      {{1, 64, 18, 18, 128, 3, 2, 0}},   // c3: 3x3 s2 64->128
      {{2, 128, 12, 12, 128, 3, 1, 1}},  // residual 128->128
      {{2, 128, 10, 10, 64, 3, 1, 0}},   // upsampling block 128->64
      // VGG-19 (METHOD.md "Loss network") at small sizes
      {{1, 3, 16, 16, 64, 3, 1, 1}},    // conv1_1
      {{2, 130, 9, 11, 129, 3, 1, 1}},  // > 128 channels both sides, odd
      {{1, 256, 5, 5, 256, 3, 1, 1}},   // conv3_x, 256 channels
      // edges
      {{3, 7, 10, 9, 6, 5, 2, 2}},  // 5x5 s2 p2
      {{1, 5, 6, 6, 7, 1, 1, 0}},   // 1x1 conv
      {{1, 2, 7, 7, 3, 3, 3, 0}},   // stride 3
      // CPU blocking: Ci*K*K = 576, Wo = 80 splits the im2col budget into bands
      {{2, 64, 60, 80, 5, 3, 1, 1}, false},
      // CPU direct path (few output channels) with long rows: tails of 16 lanes
      {{2, 5, 28, 75, 3, 9, 1, 0}, false},
      {{1, 6, 20, 150, 2, 3, 1, 0}, false},
      {{2, 32, 20, 20, 64, 3, 1, 1}},  // the old dispatch/determinism shape
  };
  std::vector<OpCase> cases;
  uint64_t seed = 100;
  for (const Entry& e : shapes) {
    const Conv2dShape& s = e.s;
    OpCase c;
    c.cpu_only = !e.cuda;
    c.op = "conv2d";
    c.shape = describe(s);
    const double fwd_terms = double(s.Ci) * s.K * s.K, dx_terms = double(s.Co) * s.K * s.K,
                 dw_terms = double(s.N) * s.Ho() * s.Wo();
    c.inputs = {{"x", uniform(s.x_size(), ++seed), true, false, false, sum_tol(dx_terms), matrix()},
                {"w", uniform(s.w_size(), ++seed), true, false, false, sum_tol(dw_terms), matrix()},
                {"b", uniform(s.Co, ++seed), true, true, true, sum_tol(dw_terms), matrix()}};
    c.inputs[2].backward_reads = false;
    c.outputs = {{"y", s.y_size(), sum_tol(fwd_terms), matrix()}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::conv2d_forward(s, x[0], x[1], x[2])};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(3);
      kref::conv2d_backward(s, x[0], x[1], dy[0], g[0], g[1], g[2]);
      return g;
    };
    c.cpu = impl("cpu",
                 {&kc::conv2d_forward, &kc::conv2d_backward_data, &kc::conv2d_backward_weight}, s);
    c.cuda = cuda_impls(s);
    const double macs = double(s.y_size()) * s.Ci * s.K * s.K;
    c.flops = 2 * macs;
    c.bytes = 4.0 * double(s.x_size() + s.w_size() + s.Co + s.y_size());
    c.gradcheck = s.x_size() + s.w_size() <= 600;
    c.big = macs > 1e7;
    // The largest CUDA shapes: CUDA vs CPU only (double references take seconds).
    c.skip_ref = c.big && !c.cpu_only;
    c.threads = s.Ci == 64 && s.H == 60;
    c.deterministic = s.Ci == 64 && s.H == 17;  // split-K sums in a fixed order
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
