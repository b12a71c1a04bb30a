// Harness entry: the region losses (masked mse, task edge loss, total
// variation). Reference: kernels/ref/losses.h; backends: kernels/cpu/losses.cpp,
// kernels/cuda/losses.cu.
#include "kernels/ref/losses.h"

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

constexpr float kEps = 1e-8f;

using Fns = kernels::LossesFns;  // kernels/fns.h
const Fns kCpu{&kc::masked_mse_forward,      &kc::masked_mse_backward,
               &kc::task_edge_loss_forward,  &kc::task_edge_loss_backward,
               &kc::total_variation_forward, &kc::total_variation_backward};

// masked_mse and task_edge_loss share one signature: (N, d1, d2, a, b, m, eps,
// out) forward, (N, d1, d2, a, b, m, eps, gout, da) backward.
//   masked_mse:     a, b (N,C,P), m (N,P);       (d1, d2) = (C, P); gradient da
//   task_edge_loss: y, x (N,3,H,W), m (N,H,W);   (d1, d2) = (H, W); gradient dy
template <auto Forward, auto Backward, class F>  // F: kernels/fns.h's Fns (CPU or a CUDA table)
Impl region_loss(std::string name, F f, int N, int d1, int d2) {
  return {std::move(name),
          [=](const In& x, const Out& y) { (f.*Forward)(N, d1, d2, x[0], x[1], x[2], kEps, y[0]); },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            (f.*Backward)(N, d1, d2, x[0], x[1], x[2], kEps, dy[0], g[0]);
          }};
}
template <class F>
Impl masked_mse(std::string name, F f, int N, int C, int P) {
  return region_loss<&F::masked_mse_forward, &F::masked_mse_backward>(std::move(name), f, N, C, P);
}
template <class F>
Impl edge(std::string name, F f, int N, int H, int W) {
  return region_loss<&F::task_edge_loss_forward, &F::task_edge_loss_backward>(std::move(name), f, N,
                                                                              H, W);
}
// input y (N,C,H,W); output out (1).
template <class F>  // kernels/fns.h's Fns, from the CPU or a CUDA table
Impl tv(std::string name, F f, int N, int C, int H, int W) {
  return {std::move(name),
          [=](const In& x, const Out& y) { f.total_variation_forward(N, C, H, W, x[0], y[0]); },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            f.total_variation_backward(N, C, H, W, x[0], dy[0], g[0]);
          }};
}

#ifdef MGST_WITH_CUDA
namespace cu = mgst::kernels::cuda;
// every version of the CUDA table: `call` names the version `ver`
#define MGST_OPS_CUDA(call) \
  for (const auto& ver : cu::losses_versions()) c.cuda.push_back(call)
#else
#define MGST_OPS_CUDA(call) (void)0
#endif

// A scalar loss: both backends accumulate in double, so only the final
// rounding and the order of the sum differ; gradients are tiny terms of big sums.
const Tol kValueRef = elementwise(1e-6, 1e-5), kValueCuda = elementwise(1e-7, 1e-5);
const Tol kGradRef = elementwise(1e-6, 1e-4), kGradCuda = elementwise(1e-7, 1e-5);

}  // namespace

std::vector<OpCase> losses_cases() {
  std::vector<OpCase> cases;
  struct M {
    int N, C, P;
  };
  // The attention-region content term compares VGG features (64..512 channels).
  for (const M s : {M{1, 1, 1}, M{2, 3, 7}, M{3, 2, 10}, M{2, 3, 17}, M{4, 64, 4096}, M{3, 5, 1023},
                    M{2, 96 * 128, 3}}) {
    const int64_t n = int64_t(s.N) * s.C * s.P;
    OpCase c;
    c.op = "masked_mse";
    c.shape = "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " P" + std::to_string(s.P);
    c.inputs = {{"a", [n] { return uniform(n, 71 + n); }, true, false, false, kGradRef, kGradCuda},
                {"b", [n] { return uniform(n, 72 + n); }},
                {"m", [s, n] { return mask(s.N, s.P, 73 + n); }}};
    c.outputs = {{"out", 1, kValueRef, kValueCuda}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{{kref::masked_mse_forward(s.N, s.C, s.P, x[0], x[1], x[2], kEps)}};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      return std::vector<Vec>{
          kref::masked_mse_backward(s.N, s.C, s.P, x[0], x[1], x[2], kEps, dy[0][0]), {}, {}};
    };
    c.cpu = masked_mse("cpu", kCpu, s.N, s.C, s.P);
    MGST_OPS_CUDA(masked_mse(ver.name, ver.fn, s.N, s.C, s.P));
    c.flops = 3.0 * n;
    c.bytes = 8.0 * n;
    c.gradcheck = n <= 100;
    c.deterministic = true;
    c.threads = s.C == 96 * 128;
    cases.push_back(std::move(c));
  }
  struct E {
    int N, H, W;
  };
  for (const E s : {E{1, 1, 1}, E{1, 1, 5}, E{2, 4, 3}, E{1, 5, 6}, E{1, 2, 3}, E{2, 17, 13},
                    E{4, 64, 64}, E{3, 1, 9}, E{2, 9, 1}, E{2, 96, 128}}) {
    const int64_t n = int64_t(s.N) * 3 * s.H * s.W;
    OpCase c;
    c.op = "task_edge_loss";
    c.shape = "N" + std::to_string(s.N) + " " + std::to_string(s.H) + "x" + std::to_string(s.W);
    c.inputs = {{"y", [n] { return uniform(n, 81 + n, 0.f, 1.f); }, true, false, false, kGradRef,
                 kGradCuda},
                {"x", [n] { return uniform(n, 82 + n, 0.f, 1.f); }},
                {"m", [s, n] { return mask(s.N, int64_t(s.H) * s.W, 83 + n); }}};
    c.outputs = {{"out", 1, kValueRef, kValueCuda}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{
          {kref::task_edge_loss_forward(s.N, s.H, s.W, x[0], x[1], x[2], kEps)}};
    };
    c.cpu = edge("cpu", kCpu, s.N, s.H, s.W);
    MGST_OPS_CUDA(edge(ver.name, ver.fn, s.N, s.H, s.W));
    c.flops = 20.0 * s.N * s.H * s.W;
    c.bytes = 4.0 * (2 * n + int64_t(s.N) * s.H * s.W);
    c.gradcheck = n <= 100;
    c.deterministic = true;
    c.threads = s.H == 96;
    cases.push_back(std::move(c));
  }
  struct T {
    int N, C, H, W;
  };
  for (const T s : {T{1, 1, 1, 1}, T{1, 2, 1, 6}, T{2, 1, 5, 1}, T{2, 3, 4, 5}, T{1, 3, 1, 7},
                    T{2, 3, 9, 1}, T{2, 3, 17, 13}, T{4, 3, 128, 128}, T{2, 3, 96, 128}}) {
    const int64_t n = int64_t(s.N) * s.C * s.H * s.W;
    OpCase c;
    c.op = "total_variation";
    c.shape = "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " " + std::to_string(s.H) +
              "x" + std::to_string(s.W);
    c.inputs = {{"y", [n] { return uniform(n, 91 + n); }, true, false, false, kGradRef, kGradCuda}};
    c.outputs = {{"out", 1, kValueRef, kValueCuda}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{{kref::total_variation_forward(s.N, s.C, s.H, s.W, x[0])}};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      return std::vector<Vec>{kref::total_variation_backward(s.N, s.C, s.H, s.W, x[0], dy[0][0])};
    };
    c.cpu = tv("cpu", kCpu, s.N, s.C, s.H, s.W);
    MGST_OPS_CUDA(tv(ver.name, ver.fn, s.N, s.C, s.H, s.W));
    c.flops = 6.0 * n;
    c.bytes = 4.0 * n;
    c.gradcheck = n <= 100;
    c.deterministic = true;
    c.threads = s.H == 96;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
