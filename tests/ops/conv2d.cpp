// Harness entries: conv2d and conv2d_fused. Formulas and references:
// kernels/ref/conv2d.h; backends: kernels/cpu/conv2d.cpp, kernels/cuda/conv2d.cu
// (every version of their tables; the public functions run one of them,
// kernels/cuda/versions.h).
#include "kernels/ref/conv2d.h"

#include <cmath>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

using mgst::kernels::Conv2dFusedShape;
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

// ---- conv2d_fused --------------------------------------------------------------
namespace {

using FusedFns = kernels::Conv2dFusedFns;

// inputs: x (N,Ci,H,W), w (Co,Ci,K,K), b (Co, optional); output y (N,Co,Ho,Wo).
// The backward gets the forward's y (the ReLU's mask).
Impl fused_impl(std::string name, FusedFns f, const Conv2dFusedShape& s) {
  return {std::move(name), [=](const In& x, const Out& y) { f.forward(s, x[0], x[1], x[2], y[0]); },
          [=](const In& x, const In& y, const In& dy, const Out& g) {
            if (g[0]) f.backward_data(s, x[1], y[0], dy[0], nullptr, g[0]);  // dx_add: special.cpp
            f.backward_weight(s, x[0], y[0], dy[0], g[1], g[2]);             // db nullable
          }};
}

// "N1 Ci2 3x4 Co2 K3 s1 p1 up2 reflect relu" (3x4: x, before upsampling)
std::string describe(const Conv2dFusedShape& s) {
  return describe(Conv2dShape{s.N, s.Ci, s.H, s.W, s.Co, s.K, s.stride, s.pad}) +
         (s.up == 2 ? " up2" : "") + (s.reflect ? " reflect" : " zeros") + (s.relu ? " relu" : "");
}

Conv2dFusedShape fused(Conv2dShape g, int up, bool reflect, bool relu) {
  Conv2dFusedShape s{g.N, g.Ci, g.H, g.W, g.Co, g.K, g.stride, g.pad};
  s.up = up, s.reflect = reflect, s.relu = relu;
  return s;
}

}  // namespace

std::vector<OpCase> conv2d_fused_cases() {
  constexpr bool R = true;  // reflection padding / ReLU on
  struct Entry {
    Conv2dFusedShape s;
    bool cuda = true;
  };
  // H, W below are x's (before the x2 upsampling).
  const Entry shapes[] = {
      // tiny, for finite differences: every combination, odd sizes, pad 1 and 4,
      // strides 1, 2, 3
      {fused({1, 2, 5, 4, 3, 3, 1, 1}, 1, R, false)},      // the transform net's 3x3
      {fused({1, 2, 3, 4, 2, 3, 1, 1}, 2, R, false)},      // u1/u2: upsample + reflect
      {fused({1, 2, 5, 6, 2, 9, 1, 4}, 1, R, false)},      // c1/c4: 9x9, pad 4
      {fused({1, 1, 3, 3, 2, 9, 1, 4}, 2, R, false)},      // upsampled 6x6, pad 4: double mirrors
      {fused({1, 2, 7, 6, 3, 3, 2, 1}, 1, R, false)},      // c2/c3: stride 2
      {fused({1, 2, 4, 5, 2, 3, 2, 1}, 2, R, false)},      // stride 2 after upsampling
      {fused({1, 2, 8, 7, 2, 5, 3, 2}, 1, R, false)},      // stride 3, pad 2
      {fused({2, 3, 5, 7, 4, 3, 1, 1}, 1, false, R)},      // VGG: zero pad 1 + ReLU
      {fused({1, 2, 4, 3, 3, 3, 1, 1}, 2, R, R)},          // all three
      {fused({1, 2, 4, 4, 2, 3, 1, 1}, 2, false, false)},  // upsample + zero padding
      {fused({1, 2, 5, 5, 2, 3, 2, 0}, 1, false, R)},      // no padding, stride 2, ReLU
      // the transform net's layers (METHOD.md "Transform network") at small sizes
      {fused({2, 4, 19, 23, 32, 9, 1, 4}, 1, R, false)},   // c1
      {fused({2, 32, 17, 16, 64, 3, 2, 1}, 1, R, false)},  // c2, odd input
      {fused({1, 64, 9, 9, 128, 3, 2, 1}, 1, R, false)},   // c3
      {fused({2, 128, 6, 7, 128, 3, 1, 1}, 1, R, false)},  // residual
      {fused({1, 128, 5, 6, 64, 3, 1, 1}, 2, R, false)},   // u1
      {fused({2, 64, 7, 5, 32, 3, 1, 1}, 2, R, false)},    // u2, odd
      {fused({2, 32, 13, 11, 3, 9, 1, 4}, 1, R, false)},   // c4
      // VGG-19 (METHOD.md "Loss network") at small sizes: zero pad 1 + ReLU
      {fused({1, 3, 16, 16, 64, 3, 1, 1}, 1, false, R)},    // conv1_1
      {fused({2, 130, 9, 11, 129, 3, 1, 1}, 1, false, R)},  // > 128 channels both sides
      {fused({1, 256, 5, 5, 256, 3, 1, 1}, 1, false, R)},   // conv3_x
      // everything at once, more channels
      {fused({1, 20, 9, 7, 33, 3, 1, 1}, 2, R, R)},
      // CPU blocking: the padded input is split into column bands
      {fused({2, 64, 30, 40, 5, 3, 1, 1}, 2, R, R), false},
  };
  std::vector<OpCase> cases;
  uint64_t seed = 300;
  for (const Entry& e : shapes) {
    const Conv2dFusedShape& s = e.s;
    OpCase c;
    c.cpu_only = !e.cuda;
    c.op = "conv2d_fused";
    c.shape = describe(s);
    // dx sums every tap of every copy of a pixel: up to up^2 copies inside,
    // more at mirrored edges.
    const double fwd_terms = double(s.Ci) * s.K * s.K,
                 dx_terms = double(s.Co) * s.K * s.K * s.up * s.up * 4,
                 dw_terms = double(s.N) * s.Ho() * s.Wo();
    c.inputs = {{"x", uniform(s.x_size(), ++seed), true, false, false, sum_tol(dx_terms), matrix()},
                {"w", uniform(s.w_size(), ++seed), true, false, false, sum_tol(dw_terms), matrix()},
                {"b", uniform(s.Co, ++seed), true, true, true, sum_tol(dw_terms), matrix()}};
    c.inputs[2].backward_reads = s.relu;  // through the ReLU's mask
    c.outputs = {{"y", s.y_size(), sum_tol(fwd_terms), matrix()}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::conv2d_fused_forward(s, x[0], x[1], x[2])};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      std::vector<Vec> g(3);
      kref::conv2d_fused_backward(s, x[0], x[1], x[2], dy[0], g[0], g[1], g[2]);
      return g;
    };
    c.cpu = fused_impl("cpu",
                       {&kc::conv2d_fused_forward, &kc::conv2d_fused_backward_data,
                        &kc::conv2d_fused_backward_weight},
                       s);
    c.cuda = MGST_OPS_CUDA_VERSIONS(conv2d_fused_versions, [&](std::string name, FusedFns f) {
      return fused_impl(std::move(name), f, s);
    });
    const double macs = double(s.y_size()) * s.Ci * s.K * s.K;
    c.flops = 2 * macs;
    c.bytes = 4.0 * double(s.x_size() + s.w_size() + s.Co + s.y_size());
    c.gradcheck = s.x_size() + s.w_size() <= 600;
    c.big = macs > 1e7;
    c.skip_ref = c.big && !c.cpu_only;
    c.deterministic = s.Ci == 64 && s.H == 9;  // split-K sums in a fixed order
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
