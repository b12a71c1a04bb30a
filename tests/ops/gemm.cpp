// Harness entry: sgemm. Formula and reference: kernels/ref/gemm.h; backends:
// kernels/cpu/gemm.cpp, kernels/cuda/gemm.cu (every version of its table).
#include "kernels/ref/gemm.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/harness.h"

namespace mgst::test::ops {
namespace {

struct Fns {
  decltype(&kc::sgemm) sgemm;
  decltype(&kc::copy) copy;  // C0 -> C first: sgemm updates C in place
};

struct G {
  bool ta, tb;
  int M, N, K, pad;  // pad: extra columns in every leading dimension
  float alpha, beta;
  int lda() const { return (ta ? M : K) + pad; }
  int ldb() const { return (tb ? K : N) + pad; }
  int ldc() const { return N + pad; }
};

// inputs: A, B (stored with lda, ldb), C0 (M, ldc); output C (M, ldc).
Impl impl(std::string name, Fns f, const G& g) {
  return {std::move(name), [=](const In& x, const Out& y) {
            f.copy(int64_t(g.M) * g.ldc(), x[2], y[0]);
            f.sgemm(g.ta, g.tb, g.M, g.N, g.K, g.alpha, x[0], g.lda(), x[1], g.ldb(), g.beta, y[0],
                    g.ldc());
          }};
}

std::vector<Impl> cuda_impls(const G& g) {
  std::vector<Impl> v;
#ifdef MGST_WITH_CUDA
  namespace cu = mgst::kernels::cuda;
  for (const auto& ver : cu::sgemm_versions()) {
    v.push_back(impl(ver.name, {ver.fn.sgemm, &cu::copy}, g));
    v.back().tf32 = ver.precision == kernels::Precision::kTf32;
  }
#else
  (void)g;
#endif
  return v;
}

}  // namespace

std::vector<OpCase> gemm_cases() {
  struct MNK {
    int M, N, K;
  };
  struct AB {
    int pad;
    float alpha, beta;
  };
  // The CPU's blocking: odd sizes across its MR/NR/KC/MC block edges.
  const MNK cpu_sizes[] = {{1, 1, 1},      {7, 5, 3},    {9, 49, 17},   {37, 53, 71},
                           {130, 97, 300}, {3, 200, 40}, {129, 2, 513}, {16, 96, 256}};
  const AB cpu_abs[] = {{0, 1.f, 0.f}, {5, 0.7f, -1.3f}, {3, -2.f, 0.f}};
  // Both backends: odd sizes across the CUDA 64/128 tiles. (The model's GEMMs
  // are its convolutions, tests/ops/conv2d.cpp, and Grams, tests/ops/gram.cpp.)
  const MNK cuda_sizes[] = {{1, 1, 1},     {3, 5, 7},      {64, 64, 64},  {65, 129, 33},
                            {128, 128, 8}, {200, 77, 300}, {17, 256, 129}};
  const AB cuda_abs[] = {{3, 1.3f, 0.f}, {3, 1.3f, 0.5f}};
  std::vector<OpCase> cases;
  uint64_t seed = 10;
  auto add = [&](const MNK& s, const AB& ab, bool ta, bool tb, bool cpu_only) {
    const G g{ta, tb, s.M, s.N, s.K, ab.pad, ab.alpha, ab.beta};
    OpCase c;
    c.op = "sgemm";
    c.shape = std::string(ta ? "T" : "N") + (tb ? "T" : "N") + " M" + std::to_string(s.M) + " N" +
              std::to_string(s.N) + " K" + std::to_string(s.K) + " pad" + std::to_string(ab.pad) +
              " alpha" + std::to_string(ab.alpha).substr(0, 4) + " beta" +
              std::to_string(ab.beta).substr(0, 4);
    auto C0 = uniform(std::size_t(s.M) * g.ldc(), seed + 2);
    if (ab.beta == 0.f)  // beta == 0 must not read C: NaN where it would be read
      for (int i = 0; i < s.M; ++i)
        std::fill_n(C0.begin() + std::size_t(i) * g.ldc(), s.N,
                    std::numeric_limits<float>::quiet_NaN());
    c.inputs = {{"A", uniform(std::size_t(ta ? s.K : s.M) * g.lda(), seed)},
                {"B", uniform(std::size_t(tb ? s.N : s.K) * g.ldb(), seed + 1)},
                {"C0", std::move(C0)}};
    seed += 3;
    // C includes the padding columns, which must come back unchanged.
    c.outputs = {{"C", int64_t(s.M) * g.ldc(), elementwise(2e-5 * std::sqrt(double(s.K) + 1), 1e-4),
                  matrix()}};
    c.ref = [g](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::sgemm(g.ta, g.tb, g.M, g.N, g.K, g.alpha, x[0], g.lda(), x[1],
                                          g.ldb(), g.beta, x[2], g.ldc())};
    };
    c.cpu = impl("cpu", {&kc::sgemm, &kc::copy}, g);
    c.cuda = cuda_impls(g);
    c.flops = 2.0 * s.M * s.N * s.K;
    c.bytes = 4.0 * (double(s.M) * s.K + double(s.K) * s.N + 2.0 * s.M * s.N);
    c.big = int64_t(s.M) * s.N * s.K > (1 << 18);
    c.cpu_only = cpu_only;
    cases.push_back(std::move(c));
  };
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      for (const MNK& s : cpu_sizes)
        for (const AB& ab : cpu_abs) add(s, ab, ta, tb, true);
      for (const MNK& s : cuda_sizes)
        for (const AB& ab : cuda_abs) add(s, ab, ta, tb, false);
    }
  // Bit-identical for 1 and 2 threads on a size the CPU splits across threads.
  {
    const G g{false, true, 150, 333, 700, 0, 1.f, 0.f};
    OpCase c;
    c.op = "sgemm";
    c.shape = "NT M150 N333 K700 (threads)";
    c.inputs = {{"A", uniform(150 * 700, 1)},
                {"B", uniform(333 * 700, 2)},
                {"C0", FVec(150 * 333, 0.f)}};
    c.outputs = {{"C", 150 * 333, elementwise(2e-5 * std::sqrt(701.0), 1e-4), matrix()}};
    c.ref = [g](const std::vector<Vec>& x) {
      return std::vector<Vec>{kref::sgemm(g.ta, g.tb, g.M, g.N, g.K, g.alpha, x[0], g.lda(), x[1],
                                          g.ldb(), g.beta, x[2], g.ldc())};
    };
    c.cpu = impl("cpu", {&kc::sgemm, &kc::copy}, g);
    c.cuda = cuda_impls(g);
    c.flops = 2.0 * 150 * 333 * 700;
    c.bytes = 4.0 * (150 * 700 + 333 * 700 + 2 * 150 * 333);
    c.big = true;
    c.threads = true;
    c.cpu_only = true;
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace mgst::test::ops
