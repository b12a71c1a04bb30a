// The harness modes over the one op table (tests/ops/harness.h):
//   (a) "ops: CPU kernels vs the double references"        suite kernels_cpu
//   (c) "ops: CPU gradients vs central differences"         suite gradcheck
//   (b) "ops: every CUDA version vs the CPU kernels"        suite cuda
// A case runs once per variant: all inputs present, then each optional input
// (a bias, a weight mask) absent.
#include <cstring>
#include <limits>

#include "ops/harness.h"
#include "test_util.h"

#ifdef MGST_WITH_CUDA
#include "cuda_test_util.h"
#endif

namespace mgst::test::ops {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// One comparison for every tolerance kind (test_util.h's helpers).
template <class Ref>
bool compare(const std::string& what, const FVec& got, const Ref& ref, const Tol& t) {
  switch (t.kind) {
    case Tol::kElementwise:
      return all_close(what.c_str(), got, ref, t.atol, t.rtol);
    case Tol::kNormalised:
      return normalized_close(what.c_str(), got, ref, t.norm);
    case Tol::kMatrix: {
      double ref_max = 0;
      for (const auto r : ref) ref_max = std::max(ref_max, std::fabs(double(r)));
      const bool a = normalized_close(what.c_str(), got, ref, t.norm);
      const bool b = all_close(what.c_str(), got, ref, 1e-4 * ref_max + 1e-30, 1e-4);
      return a && b;
    }
  }
  return false;
}

bool same_bits(const FVec& a, const FVec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Which optional inputs are present: all, then each optional one left out.
std::vector<std::vector<bool>> variants(const OpCase& c) {
  std::vector<std::vector<bool>> v{std::vector<bool>(c.inputs.size(), true)};
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    if (c.inputs[i].optional) {
      v.push_back(v[0]);
      v.back()[i] = false;
    }
  return v;
}

std::string variant_name(const OpCase& c, const std::vector<bool>& present) {
  std::string s = c.label();
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!present[i]) s += " (no " + c.inputs[i].name + ")";
  return s;
}

// The upstream gradients: one random dy per output the backward takes.
std::vector<FVec> make_dy(const OpCase& c) {
  std::vector<FVec> dy;
  uint64_t seed = 9000;
  for (const auto& o : c.outputs)
    if (o.has_grad) dy.push_back(uniform(std::size_t(o.size), ++seed));
  return dy;
}

void release_inputs(const OpCase& c) {
  for (const auto& in : c.inputs) in.data.release();
}

// An absent optional input the backward does not read (a bias) only drops
// its own gradient, which the nullable check already covers.
bool backward_differs(const OpCase& c, const std::vector<bool>& present) {
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!present[i] && !c.inputs[i].backward_reads) return false;
  return true;
}

bool has_backward(const OpCase& c) {
  if (!c.cpu.backward) return false;
  for (const auto& in : c.inputs)
    if (in.grad) return true;
  return false;
}

// ---- host runs ------------------------------------------------------------

struct HostRun {
  std::vector<FVec> y;     // forward outputs
  std::vector<FVec> grad;  // one per input (empty: not computed)
};

In host_inputs(const OpCase& c, const std::vector<bool>& present) {
  In x;
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    x.push_back(present[i] ? c.inputs[i].data.get().data() : nullptr);
  return x;
}

std::vector<FVec> host_forward(const OpCase& c, const Impl& impl, const std::vector<bool>& present) {
  std::vector<FVec> y;
  Out yp;
  for (const auto& o : c.outputs) y.emplace_back(std::size_t(o.size), kNaN);  // unwritten shows
  for (auto& v : y) yp.push_back(v.data());
  impl.forward(host_inputs(c, present), yp);
  return y;
}

// The backward with the gradients in `want` (per input); the others nullptr.
std::vector<FVec> host_backward(const OpCase& c, const Impl& impl, const std::vector<bool>& present,
                                const std::vector<FVec>& y, const std::vector<FVec>& dy,
                                const std::vector<bool>& want) {
  std::vector<FVec> g(c.inputs.size());
  Out gp;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    if (want[i]) g[i].assign(c.inputs[i].data.get().size(), kNaN);
    gp.push_back(want[i] ? g[i].data() : nullptr);
  }
  In yp, dyp;
  for (const auto& v : y) yp.push_back(v.data());
  for (const auto& v : dy) dyp.push_back(v.data());
  impl.backward(host_inputs(c, present), yp, dyp, gp);
  return g;
}

std::vector<bool> all_grads(const OpCase& c, const std::vector<bool>& present) {
  std::vector<bool> w(c.inputs.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = present[i] && c.inputs[i].grad;
  return w;
}

HostRun host_run(const OpCase& c, const Impl& impl, const std::vector<bool>& present,
                 const std::vector<FVec>& dy) {
  HostRun r{host_forward(c, impl, present), {}};
  if (has_backward(c)) r.grad = host_backward(c, impl, present, r.y, dy, all_grads(c, present));
  return r;
}

std::vector<Vec> ref_inputs(const OpCase& c, const std::vector<bool>& present) {
  std::vector<Vec> x;
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    x.push_back(present[i] ? Vec(c.inputs[i].data.get().begin(), c.inputs[i].data.get().end()) : Vec{});
  return x;
}

// Mode (a) for one case and variant.
void cpu_vs_reference(const OpCase& c, const std::vector<bool>& present) {
  const std::string name = variant_name(c, present);
  const auto dy = make_dy(c);
  const HostRun run = host_run(c, c.cpu, present, dy);
  const auto rx = ref_inputs(c, present);
  const auto ry = c.ref(rx);
  for (std::size_t k = 0; k < c.outputs.size(); ++k)
    compare(name + " " + c.outputs[k].name, run.y[k], ry[k], c.outputs[k].ref);
  if (c.check_outputs) c.check_outputs("cpu", run.y);
  if (!has_backward(c) || !backward_differs(c, present)) return;
  if (c.ref_backward) {
    const auto rg = c.ref_backward(rx, to_double(dy));
    for (std::size_t i = 0; i < c.inputs.size(); ++i)
      if (!run.grad[i].empty())
        compare(name + " d" + c.inputs[i].name, run.grad[i], rg[i], c.inputs[i].grad_ref);
  }
  // A nullable gradient left out must not change the others (same bits).
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    if (!c.inputs[i].nullable || run.grad[i].empty()) continue;
    auto want = all_grads(c, present);
    want[i] = false;
    const auto g = host_backward(c, c.cpu, present, run.y, dy, want);
    for (std::size_t j = 0; j < c.inputs.size(); ++j)
      if (want[j])
        CHECK_MESSAGE(same_bits(g[j], run.grad[j]),
                      name << ": d" << c.inputs[j].name << " changed with d" << c.inputs[i].name
                           << " = nullptr");
  }
  if (c.threads) {  // the same bits for any thread count
    HostRun r1, r2;
    {
      ScopedThreads t(1);
      r1 = host_run(c, c.cpu, present, dy);
    }
    {
      ScopedThreads t(2);
      r2 = host_run(c, c.cpu, present, dy);
    }
    for (std::size_t k = 0; k < r1.y.size(); ++k)
      CHECK_MESSAGE(same_bits(r1.y[k], r2.y[k]), name << " " << c.outputs[k].name << ": 1 vs 2 threads");
    for (std::size_t i = 0; i < r1.grad.size(); ++i)
      CHECK_MESSAGE(same_bits(r1.grad[i], r2.grad[i]), name << " d" << c.inputs[i].name << ": 1 vs 2 threads");
  }
}

// Mode (c): d/dx_i of L = sum_k dy_k . y_k(x) by central differences of the
// double reference, against the CPU backward.
void gradcheck(const OpCase& c, const std::vector<bool>& present) {
  const std::string name = variant_name(c, present);
  const auto dy = make_dy(c);
  const HostRun run = host_run(c, c.cpu, present, dy);
  Vec dy_flat;
  for (const auto& v : dy) dy_flat.insert(dy_flat.end(), v.begin(), v.end());
  const auto rx = ref_inputs(c, present);
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    if (run.grad[i].empty()) continue;
    auto f = [&](const Vec& v) {
      auto x = rx;
      x[i] = v;
      const auto y = c.ref(x);
      Vec flat;
      for (std::size_t k = 0; k < c.outputs.size(); ++k)
        if (c.outputs[k].has_grad) flat.insert(flat.end(), y[k].begin(), y[k].end());
      return flat;
    };
    compare(name + " d" + c.inputs[i].name + " (finite differences)", run.grad[i],
            numeric_vjp(f, rx[i], dy_flat, c.fd_step), c.inputs[i].grad_ref);
  }
}

}  // namespace

// ---- input makers and small helpers (harness.h) ----------------------------

FVec uniform(std::size_t n, uint64_t seed, float lo, float hi) {
  return random_vector(n, seed, lo, hi);
}

FVec distinct(std::size_t n, uint64_t seed) {
  FVec v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = float(i);
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  for (auto& e : v) e = -1.f + 2.f * e / float(n);
  return v;
}

FVec away_from_zero(std::size_t n, uint64_t seed, float margin) {
  return mgst::test::away_from_zero(random_vector(n, seed), margin);
}

FVec mask(int N, int64_t P, uint64_t seed) {
  auto m = random_vector(std::size_t(N) * P, seed, 0.f, 1.f);
  for (std::size_t i = 0; i < m.size(); i += 3) m[i] = 0.f;
  if (N > 1)
    for (int64_t p = 0; p < P; ++p) m[P + p] = 0.f;
  return m;
}

std::vector<Vec> to_double(const std::vector<FVec>& v) {
  std::vector<Vec> d;
  for (const auto& e : v) d.push_back(mgst::test::to_double(e));
  return d;
}

bool small_mode() {
  const char* v = std::getenv("MGST_TEST_SMALL");
  return v && *v && *v != '0';
}

const std::vector<OpCase>& op_table() {
  static const std::vector<OpCase> table = [] {
    std::vector<OpCase> t;
    for (auto family : {gemm_cases, conv2d_cases, pad_cases, resample_cases, instance_norm_cases,
                        elementwise_cases, concat_cases, gram_cases, reduce_cases, losses_cases,
                        adam_cases})
      for (auto& c : family()) t.push_back(std::move(c));
    return t;
  }();
  return table;
}

}  // namespace mgst::test::ops

using mgst::test::ops::op_table;
using mgst::test::ops::OpCase;

TEST_SUITE("kernels_cpu") {
TEST_CASE("ops: CPU kernels vs the double references") {
  for (const OpCase& c : op_table()) {
    if (c.skip_ref) continue;
    for (const auto& present : mgst::test::ops::variants(c)) mgst::test::ops::cpu_vs_reference(c, present);
    mgst::test::ops::release_inputs(c);
  }
}
}  // TEST_SUITE

TEST_SUITE("gradcheck") {
TEST_CASE("ops: CPU gradients vs central differences of the references") {
  for (const OpCase& c : op_table()) {
    if (!c.gradcheck || !mgst::test::ops::has_backward(c)) continue;
    for (const auto& present : mgst::test::ops::variants(c))
      if (mgst::test::ops::backward_differs(c, present)) mgst::test::ops::gradcheck(c, present);
    mgst::test::ops::release_inputs(c);
  }
}
}  // TEST_SUITE

#ifdef MGST_WITH_CUDA
namespace mgst::test::ops {
namespace {

using mgst::test::cuda::DeviceBuffer;
using mgst::test::cuda::run_checked;

std::vector<FVec> download(const std::vector<std::unique_ptr<DeviceBuffer>>& b) {
  std::vector<FVec> v;
  for (const auto& e : b) v.push_back(e ? e->download() : FVec{});
  return v;
}

// Mode (b) for one case, one CUDA version, one variant.
void cuda_vs_cpu(const OpCase& c, const Impl& impl, const std::vector<bool>& present) {
  const std::string name = variant_name(c, present) + " [" + impl.name + "]";
  CAPTURE(name);
  const auto dy = make_dy(c);
  const HostRun cpu = host_run(c, c.cpu, present, dy);

  std::vector<std::unique_ptr<DeviceBuffer>> x, y, dyd, yd, g;
  In xp;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    x.push_back(present[i] ? std::make_unique<DeviceBuffer>(c.inputs[i].data.get()) : nullptr);
    xp.push_back(x.back() ? x.back()->get() : nullptr);
  }
  std::vector<DeviceBuffer*> outs;
  Out yp;
  for (const auto& o : c.outputs) {
    y.push_back(std::make_unique<DeviceBuffer>(std::size_t(o.size)));
    outs.push_back(y.back().get());
    yp.push_back(y.back()->get());
  }
  auto forward = [&] {
    run_checked(name.c_str(), {}, [&] {
      for (auto* b : outs) b->poison();
      impl.forward(xp, yp);
    });
    for (auto* b : outs) b->guards_intact(name.c_str());
    return download(y);
  };
  const auto got = forward();
  for (std::size_t k = 0; k < c.outputs.size(); ++k)
    compare(name + " " + c.outputs[k].name, got[k], cpu.y[k], c.outputs[k].cuda);
  if (c.check_outputs) c.check_outputs(impl.name, got);
  if (c.deterministic) {
    const auto again = forward();
    for (std::size_t k = 0; k < got.size(); ++k)
      CHECK_MESSAGE(same_bits(again[k], got[k]), name << " " << c.outputs[k].name << ": not bit-reproducible");
  }
  if (!has_backward(c) || !impl.backward || !backward_differs(c, present)) return;

  // The backward reads the CPU's forward outputs, so only the backward differs.
  In ydp, dyp;
  for (const auto& v : cpu.y) {
    yd.push_back(std::make_unique<DeviceBuffer>(v));
    ydp.push_back(yd.back()->get());
  }
  for (const auto& v : dy) {
    dyd.push_back(std::make_unique<DeviceBuffer>(v));
    dyp.push_back(dyd.back()->get());
  }
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    g.push_back(present[i] && c.inputs[i].grad ? std::make_unique<DeviceBuffer>(c.inputs[i].data.get().size())
                                               : nullptr);
  auto backward = [&](const std::vector<bool>& want) {
    Out gp;
    std::vector<DeviceBuffer*> gb;
    for (std::size_t i = 0; i < g.size(); ++i) {
      gp.push_back(want[i] ? g[i]->get() : nullptr);
      if (want[i]) gb.push_back(g[i].get());
    }
    run_checked(name.c_str(), {}, [&] {
      for (auto* b : gb) b->poison();
      impl.backward(xp, ydp, dyp, gp);
    });
    for (auto* b : gb) b->guards_intact(name.c_str());
    auto v = download(g);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!want[i]) v[i].clear();
    return v;
  };
  const auto want = all_grads(c, present);
  const auto grads = backward(want);
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    if (want[i]) compare(name + " d" + c.inputs[i].name, grads[i], cpu.grad[i], c.inputs[i].grad_cuda);
  if (c.deterministic) {
    const auto again = backward(want);
    for (std::size_t i = 0; i < c.inputs.size(); ++i)
      if (want[i])
        CHECK_MESSAGE(same_bits(again[i], grads[i]), name << " d" << c.inputs[i].name << ": not bit-reproducible");
  }
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {  // nullable gradients left out
    if (!c.inputs[i].nullable || !want[i]) continue;
    auto w = want;
    w[i] = false;
    const auto gi = backward(w);
    for (std::size_t j = 0; j < c.inputs.size(); ++j)
      if (w[j])
        compare(name + " d" + c.inputs[j].name + " (d" + c.inputs[i].name + " = nullptr)", gi[j],
                cpu.grad[j], c.inputs[j].grad_cuda);
  }
}

}  // namespace
}  // namespace mgst::test::ops

TEST_SUITE("cuda") {
TEST_CASE("ops: every CUDA version vs the CPU kernels, guarded and poisoned") {
  MGST_REQUIRE_GPU();
  const bool small = mgst::test::ops::small_mode();
  for (const OpCase& c : op_table()) {
    if (c.cpu_only || (small && c.big)) continue;
    REQUIRE_MESSAGE(!c.cuda.empty(), c.label() << ": no CUDA version in the table");
    for (const auto& impl : c.cuda) {
      if (small && impl.skip_small) continue;
      for (const auto& present : mgst::test::ops::variants(c))
        mgst::test::ops::cuda_vs_cpu(c, impl, present);
    }
    mgst::test::ops::release_inputs(c);
  }
}
}  // TEST_SUITE
#endif  // MGST_WITH_CUDA
