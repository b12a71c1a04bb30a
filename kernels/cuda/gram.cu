// Masked Grams of k weightings per sample, F (N, C, P), weights w (kN, P)
// (nullable = ones, k = 1); row z = g*N + n weights sample n = z % N (the
// style loss stacks a layer's two regions: k = 2, g = 0 attention, 1 bkgd):
//   D_z = C * sum_p w[z,p] + eps
//   G[z] (C, C) = (F[n] * w[z]) (F[n] * w[z])^T / D_z
//   dF[n,i,p] = sum_g w[z,p]^2 * sum_j (dG[z,i,j] + dG[z,j,i]) F[n,j,p] / D_z
//
// Forward, two launches for all kN rows:
//   1. tiled_gemm_kernel with GramOp: only the upper-triangle tile pairs
//      (ti <= tj) of each row z are computed, the mask multiplied in while
//      loading both tiles (no F*w buffer); P is split so the few tiles still
//      fill the GPU, each split writing its partial tile to scratch.
//   2. gram_combine_kernel: each block first sums w[z, :] (the same
//      fixed-order block reduction in every block of row z, so all get the
//      same D_z; block 0 saves it as a float for the backward), then
//      G[i,j] = (sum over splits, in order, of the partial at
//      (min(i,j), max(i,j))) / D_z: the denominator, the mirror and the
//      normalisation fused into the split combine. Deterministic and
//      exactly symmetric.
// Backward, ONE launch: a product per sample with inner dimension kC
// (GramBwdOp), reading the forward's saved D,
//   dF[n] (C, P) = [S_0 .. S_k-1] (C, kC) . [w_0^2 F[n]; ..; w_k-1^2 F[n]] (kC, P),
// S_g = (dG[z] + dG[z]^T) / D_z formed as the A operand is loaded and w_g^2
// applied as the B operand is loaded: no S buffer, no symmetrising kernel,
// and the k weightings' gradients sum inside the product (no add after it).
// Each output is one dot product in a fixed order: deterministic.
//
// Versions (kVersions below), all unmeasured:
//   v1_upper_splitk  the above on the fp32 SIMT tiles (tiled_gemm.cuh);
//                    cuda::masked_gram_* run it under the fp32 matmul policy
//                    (kernels/precision.h; the default, like PyTorch's bmm).
//   v2_tf32_mma      the same Ops, splits and combine on TF32 tensor cores
//                    (mma_gemm.cuh): both passes stage their operands through
//                    registers (the forward's F * mask, the backward's S and
//                    w^2 F are values, not copies). The mirror still reads one
//                    computed triangle: exactly symmetric. Run under the
//                    matmul-tf32 / tf32 policies.
// (Until 2026-12-06 the forward was three launches per weighting (D_n by a
// kernel of its own), the backward three: the denominators again, S by a
// small kernel, then S F with w^2 in the epilogue through the cp.async
// pipeline; a style layer's two regions then cost six forward launches,
// six backward ones and an add: now two and one.)
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/mma_gemm.cuh"
#include "kernels/cuda/tiled_gemm.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

using detail::ceil_div;
using detail::Tile;

// Upper-triangle tiles of (F w)(F w)^T. Grid (T(T+1)/2, splits, kN) with
// T = ceil(C / tile): x = tile pair (ti <= tj), y = split of P, z = weighting
// row (sample z % N).
struct GramOp {
  int N, C, P, T, splits, chunk;
  const float* F;
  const float* w;
  float* ws;  // (kN, splits, C, C) partials; only upper tiles written

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
    return {F + (int64_t(z % N) * C + m) * P, w ? w + int64_t(z) * P : nullptr, m < C};
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

// Elements of G[z] per combine block (4 per thread).
constexpr int kCombinePerBlock = 4 * detail::kThreads;

// grid (ceil(C*C / kCombinePerBlock), kN), block kThreads: y = row z, x = a
// run of kCombinePerBlock elements e = r*C + c of G[z]. Every block of row z
// sums w[z, :] in the same fixed order (block_sum), so all of them divide by
// the same D_z = C * sum_p w[z,p] + eps (w == nullptr: C*P + eps); block 0
// saves it to Dout[z] (nullable). The repeated sums read w (P values) once
// per block: P * ceil(C*C / kCombinePerBlock) reads per row, instead of a
// launch of their own.
__global__ void gram_combine_kernel(int C, int P, int splits, const float* __restrict__ w,
                                    float eps, const float* __restrict__ ws, float* __restrict__ G,
                                    float* __restrict__ Dout) {
  __shared__ double red[32];
  const int z = blockIdx.y;
  double wsum = P;
  if (w) {
    wsum = 0;
    for (int p = threadIdx.x; p < P; p += blockDim.x) wsum += w[int64_t(z) * P + p];
    wsum = detail::block_sum(wsum, red);
  }
  const double D = double(C) * wsum + double(eps);
  if (Dout && blockIdx.x == 0 && threadIdx.x == 0) Dout[z] = float(D);
  const int64_t CC = int64_t(C) * C, e0 = int64_t(blockIdx.x) * kCombinePerBlock;
  const int64_t e1 = min(CC, e0 + kCombinePerBlock);
  for (int64_t e = e0 + threadIdx.x; e < e1; e += blockDim.x) {
    const int r = int(e / C), c = int(e % C);
    const int lo = min(r, c), hi = max(r, c);
    double s = 0;
    for (int sp = 0; sp < splits; ++sp) s += ws[((int64_t(z) * splits + sp) * C + lo) * C + hi];
    G[z * CC + e] = float(s / D);
  }
}

// dF[n] (C, P) = A (C, kC) . B (kC, P), one product per sample with the
// weightings stacked along the inner dimension kk = g*C + j (z = g*N + n):
//   A[i, kk] = (dG[z,i,j] + dG[z,j,i]) / D_z   (the symmetrised, normalised dG)
//   B[kk, p] = w[z,p]^2 F[n,j,p]
// Grid (ceil(P/BN), ceil(C/BM), N): x = pixel tile, y = channel tile, z = sample.
struct GramBwdOp {
  int N, C, P, K;   // K = k * C, the inner dimension
  const float* dG;  // (kN, C, C)
  const float* D;   // (kN), saved by the forward
  const float* F;
  const float* w;  // (kN, P) or nullptr (k = 1)
  float* dF;

  struct Row {  // A row i of sample n
    int n, i;
    bool ok;
  };
  struct Col {  // B column p of sample n
    int n, p;
    bool ok;
  };
  static constexpr bool kAsyncLoads = false;  // a() and b() compute their values

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, K);
    return true;
  }
  __device__ Row row(int z, int m) const { return {z, m, m < C}; }
  __device__ float a(const Row& r, int kk) const {
    if (!r.ok) return 0.f;
    const int g = kk / C, j = kk - g * C;
    const int64_t z = int64_t(g) * N + r.n;
    const float* G = dG + z * C * C;
    return float((double(__ldg(G + int64_t(r.i) * C + j)) + __ldg(G + int64_t(j) * C + r.i)) /
                 double(__ldg(D + z)));
  }
  __device__ Col col(int z, int n) const { return {z, n, n < P}; }
  __device__ float b(const Col& c, int kk) const {
    if (!c.ok) return 0.f;
    const int g = kk / C, j = kk - g * C;
    const float f = __ldg(F + (int64_t(c.n) * C + j) * P + c.p);
    if (!w) return f;
    const float wv = __ldg(w + (int64_t(g) * N + c.n) * P + c.p);
    return wv * wv * f;
  }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= C || n >= P) return;
    dF[(int64_t(z) * C + m) * P + n] = v;
  }
};

void check(int N, int k, int C, int P, const float* w, const char* op) {
  MGST_CHECK(N >= 0 && k >= 1 && C > 0 && P > 0 && (w || k == 1),
             op << ": bad shape N=" << N << " k=" << k << " C=" << C << " P=" << P
                << (w ? "" : " (no weights: k must be 1)"));
  MGST_CHECK(int64_t(N) * C * P < (int64_t(1) << 31) && int64_t(k) * N < 65536 &&
                 int64_t(k) * N * P < (int64_t(1) << 31),
             op << ": too large N=" << N << " k=" << k << " C=" << C << " P=" << P);
}

template <class Cfg>
void gram_forward_tiled(int N, int Z, int C, int P, const float* F, const float* w, float eps,
                        float* G, float* Dout) {
  const int T = int(ceil_div(C, Cfg::BM));
  const int pairs = T * (T + 1) / 2;
  int chunk = 0, splits = 1;
  detail::choose_split(int64_t(pairs) * Z, P, Cfg::BK, chunk, splits);
  detail::Scratch ws(std::size_t(Z) * splits * C * C * sizeof(float));
  const GramOp op{N, C, P, T, splits, chunk, F, w, ws.as<float>()};
  detail::launch_gemm<Cfg>(op, dim3(pairs, splits, Z), "masked_gram_forward");
  const dim3 grid(unsigned(ceil_div(int64_t(C) * C, kCombinePerBlock)), unsigned(Z));
  gram_combine_kernel<<<grid, detail::kThreads, 0, stream()>>>(C, P, splits, w, eps, ws.as<float>(),
                                                               G, Dout);
  MGST_CHECK_LAUNCH("masked_gram combine", "rows=", Z, "C=", C, "splits=", splits);
}

// The tiles by C: Small (64) for C <= 64, else Big (128). v1 runs the fp32
// SIMT kernel, v2 the TF32 tensor-core one (same Ops, same splits).
template <class Small, class Big>
void gram_forward(int N, int k, int C, int P, const float* F, const float* w, float eps, float* G,
                  float* Dout) {
  check(N, k, C, P, w, "masked_gram_forward");
  if (N == 0) return;
  const int Z = k * N;
  if (C <= 64)
    gram_forward_tiled<Small>(N, Z, C, P, F, w, eps, G, Dout);
  else
    gram_forward_tiled<Big>(N, Z, C, P, F, w, eps, G, Dout);
}

template <class Small, class Big>
void gram_backward(int N, int k, int C, int P, const float* F, const float* w, const float* D,
                   const float* dG, float* dF) {
  check(N, k, C, P, w, "masked_gram_backward");
  if (N == 0) return;
  const GramBwdOp op{N, C, P, k * C, dG, D, F, w, dF};
  if (C <= 64)
    detail::launch_gemm<Small>(op, dim3(ceil_div(P, Small::BN), ceil_div(C, Small::BM), N),
                               "masked_gram_backward");
  else
    detail::launch_gemm<Big>(op, dim3(ceil_div(P, Big::BN), ceil_div(C, Big::BM), N),
                             "masked_gram_backward");
}

#define MGST_GRAM_RUN(v)                                                                    \
  "test: MGST_OPS=masked_gram mgst_tests -ts=cuda -tc='cuda ops*'; bench: mgst_bench_cuda " \
  "--benchmark_filter='gram/.*/" v "/'"
constexpr KernelVersion<MaskedGramFns> kVersions[] = {
    {"v1_upper_splitk",
     "upper-triangle tiles of the tiled kernel, P split, fixed-order combine that sums the "
     "weights, mirrors and normalises; backward one product over the k weightings, dG "
     "symmetrised as it is loaded",
     "unmeasured",
     MGST_GRAM_RUN("v1_upper_splitk"),
     {gram_forward<detail::Tile64, detail::Tile128>,
      gram_backward<detail::Tile64, detail::Tile128>}},
    {"v2_tf32_mma",
     "v1 on TF32 tensor cores (mma.m16n8k8): both passes stage their operands through "
     "registers (F*mask; the symmetrised dG and w^2 F)",
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

void masked_gram_forward(int N, int k, int C, int P, const float* F, const float* w, float eps,
                         float* G, float* D) {
  kVersions[masked_gram_dispatched()].fn.forward(N, k, C, P, F, w, eps, G, D);
}
void masked_gram_backward(int N, int k, int C, int P, const float* F, const float* w,
                          const float* D, const float* dG, float* dF) {
  kVersions[masked_gram_dispatched()].fn.backward(N, k, C, P, F, w, D, dG, dF);
}

}  // namespace mgst::kernels::cuda
