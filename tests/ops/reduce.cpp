// Harness entry: the sum, the weighted row mse, the non-empty row flags and
// the weighted sum of scalars. Reference: kernels/ref/reduce.h;
// backends: kernels/cpu/reduce.cpp, kernels/cuda/reduce.cu.
#include "kernels/ref/reduce.h"

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

using Fns = kernels::ReduceFns;  // kernels/fns.h
const Fns kCpu{
    &kc::sum_forward,          &kc::weighted_row_mse_forward, &kc::weighted_row_mse_backward,
    &kc::row_nonempty_forward, &kc::weighted_sum_forward,     &kc::weighted_sum_backward};

template <class F>  // kernels/fns.h's Fns, from the CPU or a CUDA table
Impl sum(std::string name, F f, int64_t n) {
  return {std::move(name), [=](const In& x, const Out& y) { f.sum_forward(n, x[0], y[0]); }};
}

// inputs a (R,M), t (R,M) or (M) with ts = 0, rw (R, optional); output out (1).
template <class F>
Impl row_mse(std::string name, F f, int R, int64_t M, int64_t ts) {
  return {std::move(name),
          [=](const In& x, const Out& y) {
            f.weighted_row_mse_forward(R, M, x[0], x[1], ts, x[2], y[0]);
          },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            f.weighted_row_mse_backward(R, M, x[0], x[1], ts, x[2], dy[0], g[0]);
          }};
}

// input x (R,M); output out (R).
template <class F>
Impl nonempty(std::string name, F f, int R, int64_t M, float threshold, float value) {
  return {std::move(name), [=](const In& x, const Out& y) {
            f.row_nonempty_forward(R, M, x[0], threshold, value, y[0]);
          }};
}

// inputs x_0..x_{k-1} (one float each); output out (1); w the fixed weights.
template <class F>
Impl wsum(std::string name, F f, std::vector<float> w) {
  auto terms = [w](const In& x) {
    kernels::ScalarTerms t;
    t.k = int(w.size());
    for (int i = 0; i < t.k; ++i) t.w[i] = w[std::size_t(i)], t.x[i] = x[std::size_t(i)];
    return t;
  };
  return {std::move(name),
          [=](const In& x, const Out& y) { f.weighted_sum_forward(terms(x), y[0]); },
          [=](const In& x, const In&, const In& dy, const Out& g) {
            kernels::ScalarGrads gx;
            for (std::size_t i = 0; i < w.size(); ++i) gx.g[i] = g[i];
            f.weighted_sum_backward(terms(x), dy[0], gx);
          }};
}

#ifdef MGST_WITH_CUDA
namespace cu = mgst::kernels::cuda;
#endif

}  // namespace

std::vector<OpCase> reduce_cases() {
  std::vector<OpCase> cases;
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(255), int64_t(1000), int64_t(4097),
                    int64_t(300001), int64_t(1) << 20, int64_t(16) * 1000 * 1000 + 3}) {
    OpCase c;
    c.op = "sum";
    c.shape = "n" + std::to_string(n);
    c.inputs = {{"x", [n] { return uniform(n, 3 + n, -1.f, 3.f); }}};
    // both backends accumulate in double: only the final rounding differs
    c.outputs = {{"out", 1, elementwise(1e-6, 1e-6), elementwise(1e-7, 1e-5)}};
    c.ref = [](const std::vector<Vec>& x) { return std::vector<Vec>{{kref::sum_forward(x[0])}}; };
    c.cpu = sum("cpu", kCpu, n);
#ifdef MGST_WITH_CUDA
    for (const auto& ver : cu::reduce_versions()) c.cuda.push_back(sum(ver.name, ver.fn, n));
#endif
    c.flops = double(n);
    c.bytes = 4.0 * n;
    c.big = n > (1 << 20);
    c.skip_ref = n >= (1 << 20);  // CUDA sizes: several blocks and the two-stage combine
    c.deterministic = true;
    c.threads = n == 300001 || n == 1000;
    cases.push_back(std::move(c));
  }
  struct S {
    int R;
    int64_t M;
    bool broadcast;
  };
  // The content and feature-reconstruction terms compare VGG activations row
  // by row; R = 1 is the plain mse.
  const S shapes[] = {{1, 1, false},   {1, 37, false},     {3, 11, true},     {4, 9, false},
                      {2, 5, true},    {2, 40000, false},  {1, 1000, false},  {4, 4096, false},
                      {4, 4096, true}, {3, 262144, false}, {3, 262144, true}, {7, 33, false},
                      {7, 33, true}};
  uint64_t seed = 50;
  for (const S s : shapes) {
    const int64_t ts = s.broadcast ? 0 : s.M;
    OpCase c;
    c.op = "weighted_row_mse";
    c.shape = "R" + std::to_string(s.R) + " M" + std::to_string(s.M) +
              (s.broadcast ? " broadcast t" : "");
    Input rw{"row_weight", uniform(s.R, ++seed, 0.f, 2.f)};
    rw.optional = true;
    c.inputs = {{"a", [s, sd = ++seed] { return uniform(int64_t(s.R) * s.M, sd); }, true, false,
                 false, elementwise(1e-6, 1e-4), elementwise(1e-6, 1e-5)},
                {"t",
                 [s, sd = ++seed] { return uniform(s.broadcast ? s.M : int64_t(s.R) * s.M, sd); }},
                rw};
    c.outputs = {{"out", 1, elementwise(1e-6, 1e-5), elementwise(1e-7, 1e-5)}};
    c.ref = [s, ts](const std::vector<Vec>& x) {
      return std::vector<Vec>{{kref::weighted_row_mse_forward(s.R, s.M, x[0], x[1], ts, x[2])}};
    };
    c.ref_backward = [s, ts](const std::vector<Vec>& x, const std::vector<Vec>& dy) {
      return std::vector<Vec>{
          kref::weighted_row_mse_backward(s.R, s.M, x[0], x[1], ts, x[2], dy[0][0]), {}, {}};
    };
    c.cpu = row_mse("cpu", kCpu, s.R, s.M, ts);
#ifdef MGST_WITH_CUDA
    for (const auto& ver : cu::reduce_versions())
      c.cuda.push_back(row_mse(ver.name, ver.fn, s.R, s.M, ts));
#endif
    c.flops = 3.0 * s.R * s.M;
    c.bytes = 4.0 * (2.0 * s.R * s.M);
    c.gradcheck = s.R * s.M < 1000;
    c.deterministic = true;
    cases.push_back(std::move(c));
  }
  // The empty-region guard: rows of pooled mask weights (>= 0), some empty
  // (all 0), some with a little weight (1e-4 per row, far above the 1e-6
  // threshold), some half full; one row per sample and region. The value
  // written for a non-empty row: 1, or a style layer's row weight 2 w_l.
  struct E {
    int R;
    int64_t M;
    float value;
  };
  for (const E e : {E{1, 1, 1.f}, E{5, 7, 2.5f}, E{6, 48 * 64, 1.f}, E{3, 100003, 0.125f}}) {
    OpCase c;
    c.op = "row_nonempty";
    c.shape = "R" + std::to_string(e.R) + " M" + std::to_string(e.M);
    c.inputs = {{"x", [e, sd = ++seed] {
                   FVec x = uniform(int64_t(e.R) * e.M, sd, 0.f, 1.f);
                   for (int r = 0; r < e.R; ++r)
                     for (int64_t m = 0; m < e.M; ++m) {
                       float& v = x[std::size_t(r * e.M + m)];
                       v = r % 3 == 0 ? 0.f : r % 3 == 1 ? (m == e.M / 2 ? 1e-4f : 0.f) : v;
                     }
                   return x;
                 }}};
    c.outputs = {{"out", e.R, elementwise(0, 0), elementwise(0, 0)}};
    c.ref = [e](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::row_nonempty_forward(e.R, e.M, x[0], 1e-6, e.value)};
    };
    c.cpu = nonempty("cpu", kCpu, e.R, e.M, 1e-6f, e.value);
#ifdef MGST_WITH_CUDA
    for (const auto& ver : cu::reduce_versions())
      c.cuda.push_back(nonempty(ver.name, ver.fn, e.R, e.M, 1e-6f, e.value));
#endif
    c.flops = double(e.R) * e.M;
    c.bytes = 4.0 * e.R * e.M;
    c.deterministic = true;
    cases.push_back(std::move(c));
  }
  // The objective's loss arithmetic: content = mse + lambda masked_mse, a
  // style layer w_l (att + bkgd), total = w_c c + w_s s + w_t t + w_tv tv; up
  // to ScalarTerms::kMax terms, weights of either sign and far apart.
  const std::vector<std::vector<float>> weight_sets = {
      {0.75f}, {1.f, 2.5f}, {1e4f, 1.f, 10.f, 0.1f}, {-3.f, 0.f, 1.f, 1e-3f, 7.f, 2.f, -0.5f, 4.f}};
  for (const auto& w : weight_sets) {
    OpCase c;
    c.op = "weighted_sum";
    c.shape = "k" + std::to_string(w.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      c.inputs.push_back({"x" + std::to_string(i),
                          [sd = ++seed] { return uniform(1, sd, 0.1f, 3.f); }, true, true, false,
                          elementwise(1e-6, 1e-5), exact()});
    // the CPU and CUDA kernels do the same double sum and the same float products
    c.outputs = {{"out", 1, elementwise(1e-6, 1e-6), exact()}};
    const Vec wd(w.begin(), w.end());
    c.ref = [wd](const std::vector<Vec>& x) {
      Vec xs;
      for (const Vec& v : x) xs.push_back(v[0]);
      return std::vector<Vec>{{kref::weighted_sum_forward(wd, xs)}};
    };
    c.ref_backward = [wd](const std::vector<Vec>&, const std::vector<Vec>& dy) {
      std::vector<Vec> g;
      for (double v : kref::weighted_sum_backward(wd, dy[0][0])) g.push_back({v});
      return g;
    };
    c.cpu = wsum("cpu", kCpu, w);
#ifdef MGST_WITH_CUDA
    for (const auto& ver : cu::reduce_versions()) c.cuda.push_back(wsum(ver.name, ver.fn, w));
#endif
    c.flops = 2.0 * double(w.size());
    c.bytes = 4.0 * (double(w.size()) + 1);
    c.gradcheck = true;
    c.deterministic = true;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
