// Masked Gram matrix per sample n, F (N, C, P), weights w (N, P) (nullable = ones):
//   D_n = C * sum_p w[n,p] + eps
//   G[n] (C, C) = (F[n] * w[n]) (F[n] * w[n])^T / D_n
//   dF[n,i,p] = w[n,p]^2 * sum_j (dG[n,i,j] + dG[n,j,i]) F[n,j,p] / D_n
//
// Forward, three launches:
//   1. gram_denominator_kernel: D_n by a fixed-order block reduction.
//   2. tiled_gemm_kernel with GramOp: only the upper-triangle tile pairs
//      (ti <= tj) of each sample are computed, the mask multiplied in while
//      loading both tiles (no F*w buffer); P is split so the few tiles still
//      fill the GPU, each split writing its partial tile to scratch.
//   3. gram_combine_kernel: G[i,j] = (sum over splits, in order, of the
//      partial at (min(i,j), max(i,j))) / D_n: the mirror and the
//      normalisation fused into the split combine. Deterministic and
//      exactly symmetric.
// Backward: S_n = (dG + dG^T) / D_n (small kernel), then dF = S_n F[n] via
// the same tiled kernel with w^2 applied in the epilogue.
//
// Versions (kVersions below), all unmeasured:
//   v1_upper_splitk  the above on the fp32 SIMT tiles (tiled_gemm.cuh);
//                    cuda::masked_gram_* run it under the fp32 matmul policy
//                    (kernels/precision.h; the default, like PyTorch's bmm).
//   v2_tf32_mma      the same Ops, splits and combine on TF32 tensor cores
//                    (mma_gemm.cuh): the forward's F * mask goes through
//                    registers (a value, not a copy), the backward's S and F
//                    through the 4-stage cp.async pipeline. The mirror still
//                    reads one computed triangle: exactly symmetric. Run
//                    under the matmul-tf32 / tf32 policies.
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/mma_gemm.cuh"
#include "kernels/cuda/tiled_gemm.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

using detail::ceil_div;
using detail::Tile;

// grid (N), block 256: D[n] = C * sum_p w[n, p] + eps (w == nullptr: C*P + eps).
__global__ void gram_denominator_kernel(int C, int P, const float* __restrict__ w, float eps,
                                        double* __restrict__ D) {
  __shared__ double red[32];
  const int n = blockIdx.x;
  double s = 0;
  if (w) {
    for (int p = threadIdx.x; p < P; p += blockDim.x) s += w[int64_t(n) * P + p];
    s = detail::block_sum(s, red);
  } else {
    s = P;
  }
  if (threadIdx.x == 0) D[n] = double(C) * s + double(eps);
}

// Upper-triangle tiles of (F w)(F w)^T. Grid (T(T+1)/2, splits, N) with
// T = ceil(C / tile): x = tile pair (ti <= tj), y = split of P, z = sample.
struct GramOp {
  int C, P, T, splits, chunk;
  const float* F;
  const float* w;
  float* ws;  // (N, splits, C, C) partials; only upper tiles written

  struct Row {
    const float* f;
    const float* w;
    bool ok;
  };
  using Col = Row;
  static constexpr bool kAsyncLoads = false;  // a() multiplies by the mask: values, not copies

  __device__ bool tile(int bm, int bn, Tile& t) const {
    int rem = blockIdx.x, ti = 0;
    while (rem >= T - ti) rem -= T - ti, ++ti;
    t.m0 = ti * bm;
    t.n0 = (ti + rem) * bn;
    t.z = blockIdx.z;
    t.k0 = blockIdx.y * chunk;
    t.k1 = min(P, t.k0 + chunk);
    return true;
  }
  __device__ Row row(int z, int m) const {
    return {F + (int64_t(z) * C + m) * P, w ? w + int64_t(z) * P : nullptr, m < C};
  }
  __device__ float a(const Row& r, int k) const {
    if (!r.ok) return 0.f;
    const float f = __ldg(r.f + k);
    return r.w ? f * __ldg(r.w + k) : f;
  }
  __device__ Col col(int z, int n) const { return row(z, n); }
  __device__ float b(const Col& c, int k) const { return a(c, k); }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= C || n >= C) return;
    ws[((int64_t(z) * splits + blockIdx.y) * C + m) * C + n] = v;
  }
};

// grid-stride over i = (n*C + r)*C + c of G.
__global__ void gram_combine_kernel(int N, int C, int splits, const float* __restrict__ ws,
                                    const double* __restrict__ D, float* __restrict__ G) {
  const int64_t total = int64_t(N) * C * C;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [n, r, c] = detail::plane_index(i, C, C);
    const int lo = min(r, c), hi = max(r, c);
    double s = 0;
    for (int sp = 0; sp < splits; ++sp) s += ws[((n * splits + sp) * C + lo) * C + hi];
    G[i] = float(s / D[n]);
  }
}

// grid-stride over i = (n*C + r)*C + c: S = (dG[r,c] + dG[c,r]) / D_n.
__global__ void gram_sym_kernel(int N, int C, const float* __restrict__ dG,
                                const double* __restrict__ D, float* __restrict__ S) {
  const int64_t total = int64_t(N) * C * C;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [n, r, c] = detail::plane_index(i, C, C);
    const float* g = dG + n * C * C;
    S[i] = float((double(g[int64_t(r) * C + c]) + g[int64_t(c) * C + r]) / D[n]);
  }
}

// dF[n] (C, P) = S[n] (C, C) . F[n] (C, P), times w^2 per column.
// Grid (ceil(P/BN), ceil(C/BM), N): x = pixel tile, y = channel tile, z = sample.
struct GramBwdOp {
  int C, P;
  const float* S;
  const float* F;
  const float* w;
  float* dF;

  using Row = detail::RowPointer;
  using Col = Row;

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, C);
    return true;
  }
  static constexpr bool kAsyncLoads = true;
  __device__ Row row(int z, int m) const { return {S + (int64_t(z) * C + m) * C, m < C}; }
  __device__ const float* a_src(const Row& r, int k) const { return r.ok ? r.p + k : nullptr; }
  __device__ float a(const Row& r, int k) const { return detail::load_or_zero(a_src(r, k)); }
  __device__ Col col(int z, int n) const { return {F + int64_t(z) * C * P + n, n < P}; }
  __device__ const float* b_src(const Col& c, int k) const {
    return c.ok ? c.p + int64_t(k) * P : nullptr;
  }
  __device__ float b(const Col& c, int k) const { return detail::load_or_zero(b_src(c, k)); }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= C || n >= P) return;
    const float wv = w ? w[int64_t(z) * P + n] : 1.f;
    dF[(int64_t(z) * C + m) * P + n] = v * wv * wv;
  }
};

void check(int N, int C, int P, const char* op) {
  MGST_CHECK(N >= 0 && C > 0 && P > 0, op << ": bad shape N=" << N << " C=" << C << " P=" << P);
  MGST_CHECK(int64_t(N) * C * P < (int64_t(1) << 31) && N < 65536,
             op << ": too large N=" << N << " C=" << C << " P=" << P);
}

void launch_denominator(int N, int C, int P, const float* w, float eps, double* D) {
  gram_denominator_kernel<<<N, 256, 0, stream()>>>(C, P, w, eps, D);
  MGST_CHECK_LAUNCH("masked_gram denominator", "N=", N, "C=", C, "P=", P);
}

template <class Cfg>
void gram_forward_tiled(int N, int C, int P, const float* F, const float* w, const double* D,
                        float* G) {
  const int T = int(ceil_div(C, Cfg::BM));
  const int pairs = T * (T + 1) / 2;
  int chunk = 0, splits = 1;
  detail::choose_split(int64_t(pairs) * N, P, Cfg::BK, chunk, splits);
  detail::Scratch ws(std::size_t(N) * splits * C * C * sizeof(float));
  const GramOp op{C, P, T, splits, chunk, F, w, ws.as<float>()};
  detail::launch_gemm<Cfg>(op, dim3(pairs, splits, N), "masked_gram_forward");
  const int64_t total = int64_t(N) * C * C;
  gram_combine_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(N, C, splits,
                                                                                  ws.as<float>(), D,
                                                                                  G);
  MGST_CHECK_LAUNCH("masked_gram combine", "N=", N, "C=", C, "splits=", splits);
}

template <class Cfg>
void gram_backward_tiled(int N, int C, int P, const float* S, const float* F, const float* w,
                         float* dF) {
  const GramBwdOp op{C, P, S, F, w, dF};
  detail::launch_gemm<Cfg>(op, dim3(ceil_div(P, Cfg::BN), ceil_div(C, Cfg::BM), N),
                           "masked_gram_backward");
}

// The tiles by C: Small (64) for C <= 64, else Big (128). v1 runs the fp32
// SIMT kernel, v2 the TF32 tensor-core one (same Ops, same splits).
template <class Small, class Big>
void gram_forward(int N, int C, int P, const float* F, const float* w, float eps, float* G) {
  check(N, C, P, "masked_gram_forward");
  if (N == 0) return;
  detail::Scratch D(std::size_t(N) * sizeof(double));
  launch_denominator(N, C, P, w, eps, D.as<double>());
  if (C <= 64)
    gram_forward_tiled<Small>(N, C, P, F, w, D.as<double>(), G);
  else
    gram_forward_tiled<Big>(N, C, P, F, w, D.as<double>(), G);
}

template <class Small, class Big>
void gram_backward(int N, int C, int P, const float* F, const float* w, float eps, const float* dG,
                   float* dF) {
  check(N, C, P, "masked_gram_backward");
  if (N == 0) return;
  detail::Scratch D(std::size_t(N) * sizeof(double));
  detail::Scratch S(std::size_t(N) * C * C * sizeof(float));
  launch_denominator(N, C, P, w, eps, D.as<double>());
  const int64_t total = int64_t(N) * C * C;
  gram_sym_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(N, C, dG,
                                                                              D.as<double>(),
                                                                              S.as<float>());
  MGST_CHECK_LAUNCH("masked_gram_backward sym", "N=", N, "C=", C);
  if (C <= 64)
    gram_backward_tiled<Small>(N, C, P, S.as<float>(), F, w, dF);
  else
    gram_backward_tiled<Big>(N, C, P, S.as<float>(), F, w, dF);
}

#define MGST_GRAM_RUN(v)                                                                    \
  "test: MGST_OPS=masked_gram mgst_tests -ts=cuda -tc='cuda ops*'; bench: mgst_bench_cuda " \
  "--benchmark_filter='gram/.*/" v "/'"
constexpr KernelVersion<MaskedGramFns> kVersions[] = {
    {"v1_upper_splitk",
     "upper-triangle tiles of the tiled kernel, P split, fixed-order combine that mirrors and "
     "normalises",
     "unmeasured",
     MGST_GRAM_RUN("v1_upper_splitk"),
     {gram_forward<detail::Tile64, detail::Tile128>,
      gram_backward<detail::Tile64, detail::Tile128>}},
    {"v2_tf32_mma",
     "v1 on TF32 tensor cores (mma.m16n8k8): the forward stages F*mask through registers, the "
     "backward's S.F through a 4-stage cp.async pipeline",
     "unmeasured",
     MGST_GRAM_RUN("v2_tf32_mma"),
     {gram_forward<detail::MmaTile64, detail::MmaTile128>,
      gram_backward<detail::MmaTile64, detail::MmaTile128>},
     Precision::kTf32},
};
#undef MGST_GRAM_RUN
// The fp32 matmul policy runs v1, the tf32 one v2 (kernels/precision.h).
constexpr int kFp32Version = find_version(kVersions, "v1_upper_splitk");
constexpr int kTf32Version = find_version(kVersions, "v2_tf32_mma");
static_assert(kFp32Version >= 0 && kTf32Version >= 0);

}  // namespace

std::span<const KernelVersion<MaskedGramFns>> masked_gram_versions() { return kVersions; }
int masked_gram_dispatched() {
  return precision().matmul == Precision::kTf32 ? kTf32Version : kFp32Version;
}

void masked_gram_forward(int N, int C, int P, const float* F, const float* w, float eps, float* G) {
  kVersions[masked_gram_dispatched()].fn.forward(N, C, P, F, w, eps, G);
}
void masked_gram_backward(int N, int C, int P, const float* F, const float* w, float eps,
                          const float* dG, float* dF) {
  kVersions[masked_gram_dispatched()].fn.backward(N, C, P, F, w, eps, dG, dF);
}

}  // namespace mgst::kernels::cuda
