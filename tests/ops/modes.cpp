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
    case Tol::kElementwise: return all_close(what.c_str(), got, ref, t.atol, t.rtol);
    case Tol::kNormalised: return normalized_close(what.c_str(), got, ref, t.norm);
    case Tol::kMatrix: {
      double ref_max = 0;
      for (const auto r : ref) ref_max = std::max(ref_max, std::fabs(double(r)));
      const bool a = normalized_close(what.c_str(), got, ref, t.norm);
      const bool b = all_close(what.c_str(), got, ref, t.atol * ref_max + 1e-30, t.rtol);
      return a && b;
    }
  }
  return false;
}

bool same_bits(const FVec& a, const FVec& b) {
  // (memcmp must not see the null data() of an empty vector)
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
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

std::vector<FVec> host_forward(const OpCase& c, const Impl& impl,
                               const std::vector<bool>& present) {
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
    x.push_back(present[i] ? Vec(c.inputs[i].data.get().begin(), c.inputs[i].data.get().end())
                           : Vec{});
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
        CHECK_MESSAGE(same_bits(g[j], run.grad[j]), name << ": d" << c.inputs[j].name
                                                         << " changed with d" << c.inputs[i].name
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
      CHECK_MESSAGE(same_bits(r1.y[k], r2.y[k]),
                    name << " " << c.outputs[k].name << ": 1 vs 2 threads");
    for (std::size_t i = 0; i < r1.grad.size(); ++i)
      CHECK_MESSAGE(same_bits(r1.grad[i], r2.grad[i]),
                    name << " d" << c.inputs[i].name << ": 1 vs 2 threads");
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

}  // namespace mgst::test::ops

using mgst::test::ops::op_table;
using mgst::test::ops::OpCase;
using mgst::test::ops::selected;

TEST_SUITE("kernels_cpu") {
  TEST_CASE("ops: CPU kernels vs the double references") {
    for (const OpCase& c : op_table()) {
      if (c.skip_ref || !selected(c)) continue;
      for (const auto& present : mgst::test::ops::variants(c))
        mgst::test::ops::cpu_vs_reference(c, present);
      mgst::test::ops::release_inputs(c);
    }
  }
}  // TEST_SUITE

TEST_SUITE("kernels_cpu") {
  // Every op of kernels/api.inc has cases, every op with a backward has a
  // central-difference case, every case that is not CPU-only has a CUDA
  // version. MGST_OPS_CENSUS=1 prints the counts per op: cases, and
  // (case x variant x implementation) runs of forward / backward / gradcheck.
  TEST_CASE("ops: the table covers every op of the kernel contract") {
    const char* ops[] = {"sgemm",
                         "conv2d",
                         "conv2d_fused",
                         "reflection_pad",
                         "upsample_nearest2x",
                         "max_pool2x2",
                         "avg_pool",
                         "avg_pool_complement",
                         "instance_norm",
                         "instance_norm_relu",
                         "instance_norm_add",
                         "fill",
                         "copy",
                         "add",
                         "sub",
                         "mul",
                         "scale",
                         "axpy",
                         "scale_by_scalar",
                         "relu",
                         "channel_affine",
                         "concat_channels",
                         "pack_scalars",
                         "masked_gram",
                         "sum",
                         "weighted_row_mse",
                         "masked_mse",
                         "task_edge_loss",
                         "total_variation",
                         "adam_update"};
    const bool census = std::getenv("MGST_OPS_CENSUS") != nullptr;
    long total[6] = {};
    for (const char* op : ops) {
      long cases = 0, gradchecks = 0,
           n[6] = {};  // cpu fwd, cpu bwd, gradcheck, cuda fwd, cuda bwd, versions
      bool backward = false;
      for (const OpCase& c : op_table()) {
        if (c.op != op) continue;
        ++cases;
        backward = backward || mgst::test::ops::has_backward(c);
        const auto vs = mgst::test::ops::variants(c);
        const long nv = long(vs.size());
        long nb = 0;
        for (const auto& present : vs)
          nb += mgst::test::ops::has_backward(c) && mgst::test::ops::backward_differs(c, present);
        if (!c.skip_ref) n[0] += nv, n[1] += nb;
        if (c.gradcheck && nb) n[2] += nb, ++gradchecks;
        long with_backward = 0;  // CUDA versions that have a backward of their own
        for (const auto& impl : c.cuda) with_backward += bool(impl.backward);
        if (!c.cpu_only) n[3] += nv * long(c.cuda.size()), n[4] += nb * with_backward;
#ifdef MGST_WITH_CUDA
        CHECK_MESSAGE((c.cpu_only || !c.cuda.empty()), c.label() << ": no CUDA version");
#endif
      }
      CHECK_MESSAGE(cases > 0, op << ": no case in the table");
      if (backward) CHECK_MESSAGE(gradchecks > 0, op << ": no central-difference case");
      for (int k = 0; k < 5; ++k) total[k] += n[k];
      total[5] += cases;
      if (census)
        std::printf(
            "census %-20s cases %4ld  cpu fwd %4ld bwd %4ld  gradcheck %3ld  cuda fwd %4ld bwd "
            "%4ld\n",
            op, cases, n[0], n[1], n[2], n[3], n[4]);
    }
    if (census)
      std::printf(
          "census %-20s cases %4ld  cpu fwd %4ld bwd %4ld  gradcheck %3ld  cuda fwd %4ld bwd "
          "%4ld\n",
          "total", total[5], total[0], total[1], total[2], total[3], total[4]);
  }
}  // TEST_SUITE

TEST_SUITE("gradcheck") {
  TEST_CASE("ops: CPU gradients vs central differences of the references") {
    for (const OpCase& c : op_table()) {
      if (!c.gradcheck || !mgst::test::ops::has_backward(c) || !selected(c)) continue;
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
    compare(name + " " + c.outputs[k].name, got[k], cpu.y[k],
            impl.tf32 ? tf32() : c.outputs[k].cuda);
  if (c.check_outputs) c.check_outputs(impl.name, got);
  if (c.deterministic) {
    const auto again = forward();
    for (std::size_t k = 0; k < got.size(); ++k)
      CHECK_MESSAGE(same_bits(again[k], got[k]),
                    name << " " << c.outputs[k].name << ": not bit-reproducible");
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
    g.push_back(present[i] && c.inputs[i].grad
                    ? std::make_unique<DeviceBuffer>(c.inputs[i].data.get().size())
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
    if (want[i])
      compare(name + " d" + c.inputs[i].name, grads[i], cpu.grad[i],
              impl.tf32 ? tf32() : c.inputs[i].grad_cuda);
  if (c.deterministic) {
    const auto again = backward(want);
    for (std::size_t i = 0; i < c.inputs.size(); ++i)
      if (want[i])
        CHECK_MESSAGE(same_bits(again[i], grads[i]),
                      name << " d" << c.inputs[i].name << ": not bit-reproducible");
  }
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {  // nullable gradients left out
    if (!c.inputs[i].nullable || !want[i]) continue;
    auto w = want;
    w[i] = false;
    const auto gi = backward(w);
    for (std::size_t j = 0; j < c.inputs.size(); ++j)
      if (w[j])
        compare(name + " d" + c.inputs[j].name + " (d" + c.inputs[i].name + " = nullptr)", gi[j],
                cpu.grad[j], impl.tf32 ? tf32() : c.inputs[j].grad_cuda);
  }
}

}  // namespace
}  // namespace mgst::test::ops

TEST_SUITE("cuda") {
  TEST_CASE("cuda ops: every CUDA version vs the CPU kernels, guarded and poisoned") {
    MGST_REQUIRE_GPU();
    const bool small = mgst::test::ops::small_mode();
    for (const OpCase& c : op_table()) {
      if (c.cpu_only || (small && c.big) || !selected(c)) continue;
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
