// Harness entry: nearest 2x upsampling, 2x2 max pooling, k x k average pooling
// (and its form with the complement, the style loss's region weights).
// Reference: kernels/ref/resample.h; backends: kernels/cpu/resample.cpp,
// kernels/cuda/resample.cu.
#include "kernels/ref/resample.h"

#include <cmath>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

using Fns = kernels::ResampleFns;  // kernels/fns.h

enum Kind { kUpsample, kMaxPool, kAvgPool, kAvgPoolComplement };

// input x (NC,H,W); output y (NC,2H,2W), (NC,H/k,W/k) or (2,NC,H/k,W/k).
template <class F>  // kernels/fns.h's Fns, from the CPU or a CUDA table
Impl impl(std::string name, F f, Kind kind, int NC, int H, int W, int k) {
  switch (kind) {
    case kUpsample:
      return {std::move(name),
              [=](const In& x, const Out& y) { f.upsample_forward(NC, H, W, x[0], y[0]); },
              [=](const In&, const In&, const In& dy, const Out& g) {
                f.upsample_backward(NC, H, W, dy[0], g[0]);
              }};
    case kMaxPool:
      return {std::move(name),
              [=](const In& x, const Out& y) { f.max_pool_forward(NC, H, W, x[0], y[0]); },
              [=](const In& x, const In&, const In& dy, const Out& g) {
                f.max_pool_backward(NC, H, W, x[0], dy[0], g[0]);
              }};
    case kAvgPoolComplement:  // forward only: region weights take no gradient
      return {std::move(name), [=](const In& x, const Out& y) {
                f.avg_pool_forward(NC, H, W, k, true, x[0], y[0]);
              }};
    case kAvgPool: break;
  }
  return {std::move(name),
          [=](const In& x, const Out& y) { f.avg_pool_forward(NC, H, W, k, false, x[0], y[0]); },
          [=](const In&, const In&, const In& dy, const Out& g) {
            f.avg_pool_backward(NC, H, W, k, dy[0], g[0]);
          }};
}

const Fns kCpu{&kc::upsample_nearest2x_forward, &kc::upsample_nearest2x_backward,
               &kc::max_pool2x2_forward,        &kc::max_pool2x2_backward,
               &kc::avg_pool_forward,           &kc::avg_pool_backward};

// Max pool input: distinct values (no ties) where central differences run;
// elsewhere every third value rounded to a multiple of 1/2, so windows tie
// and both backends must route to the first maximum in window order.
FVec pool_input(std::size_t n, uint64_t seed, bool for_gradcheck) {
  if (for_gradcheck) return distinct(n, seed);
  FVec x = uniform(n, seed);
  for (std::size_t i = 0; i < n; i += 3) x[i] = std::round(x[i] * 2) / 2;
  return x;
}

}  // namespace

std::vector<OpCase> resample_cases() {
  struct S {
    int NC, H, W;
  };
  // VGG-19 pools 64..512 channels; the transform net upsamples 128 and 64.
  const S shapes[] = {{1, 1, 1}, {2, 3, 5}, {3, 4, 4},   {1, 7, 2},   {1, 2, 2},   {2, 5, 7},
                      {3, 4, 6}, {1, 3, 2}, {3, 8, 8},   {4, 33, 17}, {2, 64, 63}, {1, 9, 8},
                      {3, 6, 6}, {1, 4, 5}, {128, 6, 5}, {256, 4, 4}};
  std::vector<OpCase> cases;
  uint64_t seed = 1;
  for (const S s : shapes) {
    const int64_t n = int64_t(s.NC) * s.H * s.W;
    const std::string hw =
        "NC" + std::to_string(s.NC) + " " + std::to_string(s.H) + "x" + std::to_string(s.W);
    const bool tiny = n <= 200;
    {
      OpCase c;
      c.op = "upsample_nearest2x";
      c.shape = hw;
      c.inputs = {{"x", uniform(n, ++seed), true, false, false, elementwise(1e-5, 1e-5),
                   elementwise(1e-6, 1e-5)}};
      c.outputs = {{"y", 4 * n, exact(), exact()}};
      c.ref = [s](const std::vector<Vec>& x) {
        return std::vector<Vec>{kref::upsample_nearest2x_forward(s.NC, s.H, s.W, x[0])};
      };
      c.ref_backward = [s](const std::vector<Vec>&, const std::vector<Vec>& dy) {
        return std::vector<Vec>{kref::upsample_nearest2x_backward(s.NC, s.H, s.W, dy[0])};
      };
      c.cpu = impl("cpu", kCpu, kUpsample, s.NC, s.H, s.W, 2);
      c.cuda = MGST_OPS_CUDA_VERSIONS(resample_versions, [&](const char* name, const auto& f) {
        return impl(name, f, kUpsample, s.NC, s.H, s.W, 2);
      });
      c.bytes = 4.0 * 5 * n;
      c.gradcheck = tiny;
      cases.push_back(std::move(c));
    }
    if (s.H >= 2 && s.W >= 2) {
      OpCase c;
      c.op = "max_pool2x2";
      c.shape = hw;
      const int64_t ny = int64_t(s.NC) * (s.H / 2) * (s.W / 2);
      c.inputs = {{"x", pool_input(n, ++seed, tiny), true, false, false, elementwise(1e-5, 1e-5),
                   elementwise(1e-6, 1e-5)}};
      c.outputs = {{"y", ny, exact(), exact()}};
      c.ref = [s](const std::vector<Vec>& x) {
        return std::vector<Vec>{kref::max_pool2x2_forward(s.NC, s.H, s.W, x[0])};
      };
      c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
        return std::vector<Vec>{kref::max_pool2x2_backward(s.NC, s.H, s.W, x[0], dy[0])};
      };
      c.cpu = impl("cpu", kCpu, kMaxPool, s.NC, s.H, s.W, 2);
      c.cuda = MGST_OPS_CUDA_VERSIONS(resample_versions, [&](const char* name, const auto& f) {
        return impl(name, f, kMaxPool, s.NC, s.H, s.W, 2);
      });
      c.flops = 3.0 * ny;
      c.bytes = 4.0 * (n + ny);
      c.gradcheck = tiny;
      c.fd_step = 1e-4 / double(n);  // well below the gap between distinct values (2 / n)
      cases.push_back(std::move(c));
    }
    for (int k : {1, 2, 3, 4, 8}) {
      if (s.H < k || s.W < k) continue;
      OpCase c;
      c.op = "avg_pool";
      c.shape = hw + " k" + std::to_string(k);
      const int64_t ny = int64_t(s.NC) * (s.H / k) * (s.W / k);
      c.inputs = {{"x", uniform(n, ++seed), true, false, false, elementwise(1e-5, 1e-5),
                   elementwise(1e-6, 1e-5)}};
      c.outputs = {{"y", ny, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5)}};
      c.ref = [s, k](const std::vector<Vec>& x) {
        return std::vector<Vec>{kref::avg_pool_forward(s.NC, s.H, s.W, k, x[0])};
      };
      c.ref_backward = [s, k](const std::vector<Vec>&, const std::vector<Vec>& dy) {
        return std::vector<Vec>{kref::avg_pool_backward(s.NC, s.H, s.W, k, dy[0])};
      };
      c.cpu = impl("cpu", kCpu, kAvgPool, s.NC, s.H, s.W, k);
      c.cuda = MGST_OPS_CUDA_VERSIONS(resample_versions, [&](const char* name, const auto& f) {
        return impl(name, f, kAvgPool, s.NC, s.H, s.W, k);
      });
      c.flops = double(n);
      c.bytes = 4.0 * (n + ny);
      c.gradcheck = tiny;
      cases.push_back(std::move(c));

      // The same pool with the complement: x in [0, 1] like a mask.
      OpCase cc;
      cc.op = "avg_pool_complement";
      cc.shape = hw + " k" + std::to_string(k);
      cc.inputs = {{"x", uniform(n, ++seed, 0.f, 1.f)}};
      cc.outputs = {{"y", 2 * ny, elementwise(1e-6, 1e-5), elementwise(1e-6, 1e-5)}};
      cc.ref = [s, k](const std::vector<Vec>& x) {
        return std::vector<Vec>{kref::avg_pool_forward(s.NC, s.H, s.W, k, x[0], true)};
      };
      cc.cpu = impl("cpu", kCpu, kAvgPoolComplement, s.NC, s.H, s.W, k);
      cc.cuda = MGST_OPS_CUDA_VERSIONS(resample_versions, [&](const char* name, const auto& f) {
        return impl(name, f, kAvgPoolComplement, s.NC, s.H, s.W, k);
      });
      cc.flops = double(n);
      cc.bytes = 4.0 * (n + 2 * ny);
      cases.push_back(std::move(cc));
    }
  }
  return cases;
}

}  // namespace mgst::test::ops
