// Harness entry: the elementwise ops, ReLU and the per-channel affine map.
// Reference: kernels/ref/elementwise.h; backends: kernels/cpu/elementwise.cpp,
// kernels/cuda/elementwise.cu.
#include "kernels/ref/elementwise.h"

#include <memory>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

using Fns = kernels::ElementwiseFns;  // kernels/fns.h

const Fns kCpu{&kc::fill,
               &kc::copy,
               &kc::add,
               &kc::sub,
               &kc::mul,
               &kc::scale,
               &kc::axpy,
               &kc::scale_by_scalar,
               &kc::relu_forward,
               &kc::relu_backward,
               &kc::channel_affine_forward,
               &kc::channel_affine_backward};

constexpr float kFill = 2.5f, kScale = -1.75f, kAxpy = 0.3f;

// One flat op of length n: its inputs are x[0], x[1] (when it has them).
template <class F>  // kernels/fns.h's Fns, from the CPU or a CUDA table
Impl flat(std::string name, F f, const std::string& op, int64_t n) {
  std::function<void(const In&, const Out&)> fwd;
  std::function<void(const In&, const In&, const In&, const Out&)> bwd;
  if (op == "fill") fwd = [=](const In&, const Out& y) { f.fill(n, kFill, y[0]); };
  if (op == "copy") fwd = [=](const In& x, const Out& y) { f.copy(n, x[0], y[0]); };
  if (op == "add") fwd = [=](const In& x, const Out& y) { f.add(n, x[0], x[1], y[0]); };
  if (op == "sub") fwd = [=](const In& x, const Out& y) { f.sub(n, x[0], x[1], y[0]); };
  if (op == "mul") fwd = [=](const In& x, const Out& y) { f.mul(n, x[0], x[1], y[0]); };
  if (op == "scale") fwd = [=](const In& x, const Out& y) { f.scale(n, x[0], kScale, y[0]); };
  if (op == "axpy")  // y = y0, then y += alpha x (axpy accumulates)
    fwd = [=](const In& x, const Out& y) {
      f.copy(n, x[1], y[0]);
      f.axpy(n, kAxpy, x[0], y[0]);
    };
  if (op == "scale_by_scalar")
    fwd = [=](const In& x, const Out& y) { f.scale_by_scalar(n, x[0], x[1], y[0]); };
  if (op == "relu") {
    fwd = [=](const In& x, const Out& y) { f.relu_forward(n, x[0], y[0]); };
    // the backward reads the forward OUTPUT y
    bwd = [=](const In&, const In& y, const In& dy, const Out& g) {
      f.relu_backward(n, y[0], dy[0], g[0]);
    };
  }
  return {std::move(name), fwd, bwd};
}

// channel affine: inputs x (N,C,P), a (C), b (C); output y (N,C,P).
template <class F>
Impl affine(std::string name, F f, int N, int C, int P) {
  return {std::move(name),
          [=](const In& x, const Out& y) {
            f.channel_affine_forward(N, C, P, x[0], x[1], x[2], y[0]);
          },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            f.channel_affine_backward(N, C, P, x[1], dy[0], g[0]);
          }};
}

}  // namespace

std::vector<OpCase> elementwise_cases() {
  std::vector<OpCase> cases;
  // Lengths: empty, 1, below and across the float4 width (3, 4), the CPU's
  // serial/threaded split (16385), odd and large ones.
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(3), int64_t(4), int64_t(17), int64_t(1000),
                    int64_t(4097), int64_t(16385), int64_t(100003), int64_t(1) << 20}) {
    const bool fd = n <= 100;  // central differences for relu
    // made once per length, copied into each op's case when it runs
    const auto a = std::make_shared<const FVec>(away_from_zero(n, 1 + n)),
               b = std::make_shared<const FVec>(uniform(n, 2 + n));
    for (const std::string op :
         {"fill", "copy", "add", "sub", "mul", "scale", "axpy", "scale_by_scalar", "relu"}) {
      OpCase c;
      c.op = op;
      c.shape = "n" + std::to_string(n);
      const Tol exact_op = exact(), rounded = elementwise(1e-6, 1e-6),
                cuda = elementwise(1e-6, 1e-5);
      const bool is_exact = op == "fill" || op == "copy" || op == "relu";
      // relu: values kept 0.05 away from its kink
      if (op == "copy" || op == "scale" || op == "relu")
        c.inputs = {
            {"x", [a] { return *a; }, op == "relu", false, false, elementwise(1e-6, 1e-6), cuda}};
      if (op == "add" || op == "sub" || op == "mul" || op == "axpy")
        c.inputs = {{"a", [a] { return *a; }}, {"b", [b] { return *b; }}};
      if (op == "scale_by_scalar") c.inputs = {{"x", [b] { return *b; }}, {"gout", FVec{0.37f}}};
      c.outputs = {{"y", n, is_exact ? exact_op : rounded, cuda}};
      c.ref = [op, n](const std::vector<Vec>& x) -> std::vector<Vec> {
        if (op == "fill") return {Vec(std::size_t(n), double(kFill))};
        if (op == "copy") return {x[0]};
        if (op == "add") return {kref::add(x[0], x[1])};
        if (op == "sub") return {kref::sub(x[0], x[1])};
        if (op == "mul") return {kref::mul(x[0], x[1])};
        if (op == "scale") return {kref::scale(x[0], double(kScale))};
        if (op == "axpy") return {kref::axpy(double(kAxpy), x[0], x[1])};
        if (op == "scale_by_scalar") return {kref::scale(x[0], x[1][0])};
        return {kref::relu_forward(x[0])};
      };
      if (op == "relu")
        c.ref_backward = [](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
          return std::vector<Vec>{kref::relu_backward(kref::relu_forward(x[0]), dy[0])};
        };
      c.cpu = flat("cpu", kCpu, op, n);
      c.cuda = MGST_OPS_CUDA_VERSIONS(elementwise_versions, [&](const char* name, const auto& f) {
        return flat(name, f, op, n);
      });
      c.bytes = 4.0 * n * (1 + double(c.inputs.size()));
      c.flops = is_exact && op != "relu" ? 0 : double(n);
      c.gradcheck = fd;
      c.skip_ref = n == int64_t(1) << 20;  // a CUDA size (its grid-stride loop)
      cases.push_back(std::move(c));
    }
  }
  struct S {
    int N, C, P;
  };
  // The loss network's ImageNet normalisation: 3 channels (METHOD.md "Loss network").
  for (const S s : {S{1, 1, 1}, S{2, 3, 5}, S{4, 3, 9000}, S{1, 3, 1}, S{2, 3, 257}, S{4, 3, 4096},
                    S{3, 7, 33}, S{1, 130, 9}}) {
    const int64_t n = int64_t(s.N) * s.C * s.P;
    OpCase c;
    c.op = "channel_affine";
    c.shape = "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " P" + std::to_string(s.P);
    c.inputs = {{"x", [n] { return uniform(n, 11 + n); }, true, false, false,
                 elementwise(1e-6, 1e-6), elementwise(1e-6, 1e-5)},
                {"a", uniform(s.C, 12 + n)},
                {"b", uniform(s.C, 13 + n)}};
    c.outputs = {{"y", n, elementwise(1e-6, 1e-6), elementwise(1e-6, 1e-5)}};
    c.ref = [s](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::channel_affine_forward(s.N, s.C, s.P, x[0], x[1], x[2])};
    };
    c.ref_backward = [s](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      return std::vector<Vec>{kref::channel_affine_backward(s.N, s.C, s.P, x[1], dy[0]), {}, {}};
    };
    c.cpu = affine("cpu", kCpu, s.N, s.C, s.P);
    c.cuda = MGST_OPS_CUDA_VERSIONS(elementwise_versions, [&](const char* name, const auto& f) {
      return affine(name, f, s.N, s.C, s.P);
    });
    c.flops = 2.0 * n;
    c.bytes = 8.0 * n;
    c.gradcheck = n < 100;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
