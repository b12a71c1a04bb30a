// sgemm: C (M,N) = alpha * op(A) (M,K) . op(B) (K,N) + beta * C, row-major.
//
// Goto/BLIS structure: the K dimension is cut into KC blocks; for each block a
// KC x NC slab of op(B) is packed into NR-wide column panels and an MC x KC
// block of op(A) into MR-tall row panels, so that the micro-kernel reads both
// operands contiguously whatever the transposes and leading dimensions. The
// micro-kernel keeps an MR x NR tile of C in registers (AVX-512: 8 x 48 = 24
// zmm accumulators; AVX2: 6 x 16 = 12 ymm; scalar fallback: 4 x 4).
//
// Threads split C into a grid of tiles whose borders are multiples of MR/NR,
// and each thread runs the blocked algorithm on its tile with its own packing
// buffers (no barriers). Every element of C is accumulated over k in the same
// order whatever the grid, so results are bit-identical for any thread count.
// beta == 0 never reads C (it may hold NaN).
#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "kernels/cpu/api.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {
namespace {

// The six vector operations of the micro-kernel, spelled with one intrinsic
// prefix (_mm512 or _mm256).
#define MGST_VEC_OPS(P)                                              \
  inline vf vzero() { return P##_setzero_ps(); }                     \
  inline vf vload(const float* p) { return P##_loadu_ps(p); }        \
  inline void vstore(float* p, vf v) { P##_storeu_ps(p, v); }        \
  inline vf vset1(float x) { return P##_set1_ps(x); }                \
  inline vf vfma(vf a, vf b, vf c) { return P##_fmadd_ps(a, b, c); } \
  inline vf vmul(vf a, vf b) { return P##_mul_ps(a, b); }
#if defined(__AVX512F__)
using vf = __m512;
constexpr int W = 16, MR = 8, NV = 3;
MGST_VEC_OPS(_mm512)
#elif defined(__AVX2__) && defined(__FMA__)
using vf = __m256;
constexpr int W = 8, MR = 6, NV = 2;
MGST_VEC_OPS(_mm256)
#else
using vf = float;
constexpr int W = 1, MR = 4, NV = 4;
inline vf vzero() { return 0.f; }
inline vf vload(const float* p) { return *p; }
inline void vstore(float* p, vf v) { *p = v; }
inline vf vset1(float x) { return x; }
inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
inline vf vmul(vf a, vf b) { return a * b; }
#endif
#undef MGST_VEC_OPS
constexpr int NR = W * NV;

// Block sizes: a KC x NR panel of B (48 KiB with AVX-512) stays in L1/L2
// while the MC x KC block of A (128 KiB) sits in L2; the KC x NC slab of B
// (1.5 MiB) is reused by every A block.
constexpr int KC = 256;
constexpr int MC = 16 * MR;
constexpr int NC = 32 * NR;

// R x NR tile (R <= MR): c = alpha * a.b + beta * c, a packed (kc, MR),
// b packed (kc, NR). The accumulators never leave registers.
template <int R>
void micro_kernel(int kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                  int64_t ldc, float alpha, float beta) {
  vf acc[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = vzero();
  for (int k = 0; k < kc; ++k) {
    vf bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = vload(b + j * W);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const vf ai = vset1(a[i]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = vfma(ai, bv[j], acc[i][j]);
    }
    a += MR;
    b += NR;
  }
  const vf va = vset1(alpha);
  if (beta == 0.f) {
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) vstore(c + i * ldc + j * W, vmul(va, acc[i][j]));
  } else {
    const vf vb = vset1(beta);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) {
        float* p = c + i * ldc + j * W;
        vstore(p, vfma(vb, vload(p), vmul(va, acc[i][j])));
      }
  }
}

using KernelFn = void (*)(int, const float*, const float*, float*, int64_t, float, float);

template <int... Rs>
constexpr auto make_kernel_table(std::integer_sequence<int, Rs...>) {
  return std::array<KernelFn, sizeof...(Rs)>{&micro_kernel<Rs + 1>...};
}
constexpr auto kKernels = make_kernel_table(std::make_integer_sequence<int, MR>{});

// Tile of C with fewer than NR columns: compute into a full-width scratch
// tile, then merge the valid columns with the same formula as the full path.
void edge_tile(int r, int nr, int kc, const float* a, const float* b, float* c, int64_t ldc,
               float alpha, float beta) {
  alignas(64) float tmp[MR * NR];
  kKernels[r - 1](kc, a, b, tmp, NR, 1.f, 0.f);
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < nr; ++j) {
      float* p = c + i * ldc + j;
      const float v = alpha * tmp[i * NR + j];
      *p = beta == 0.f ? v : beta * *p + v;
    }
}

// Pack op(A)[i0:i0+mc, p0:p0+kc] into MR-row panels, (kc, MR) each,
// zero-padded to a multiple of MR rows.
void pack_a(bool trans, const float* A, int64_t lda, int i0, int mc, int p0, int kc, float* dst) {
  for (int ir = 0; ir < mc; ir += MR) {
    const int r = std::min(MR, mc - ir);
    float* d = dst + int64_t(ir) * kc;
    if (!trans) {
      // op(A)[i][k] = A[i*lda + k]: rows are contiguous, gather across them.
      for (int i = 0; i < r; ++i) {
        const float* s = A + int64_t(i0 + ir + i) * lda + p0;
        for (int k = 0; k < kc; ++k) d[k * MR + i] = s[k];
      }
    } else {
      // op(A)[i][k] = A[k*lda + i]: MR consecutive floats per k.
      for (int k = 0; k < kc; ++k) {
        const float* s = A + int64_t(p0 + k) * lda + i0 + ir;
        for (int i = 0; i < r; ++i) d[k * MR + i] = s[i];
      }
    }
    if (r < MR)
      for (int k = 0; k < kc; ++k)
        for (int i = r; i < MR; ++i) d[k * MR + i] = 0.f;
  }
}

// Pack op(B)[p0:p0+kc, j0:j0+nc] into NR-column panels, (kc, NR) each,
// zero-padded to a multiple of NR columns.
void pack_b(bool trans, const float* B, int64_t ldb, int p0, int kc, int j0, int nc, float* dst) {
  for (int jr = 0; jr < nc; jr += NR) {
    const int n = std::min(NR, nc - jr);
    float* d = dst + int64_t(jr) * kc;
    if (!trans) {
      for (int k = 0; k < kc; ++k) {
        const float* s = B + int64_t(p0 + k) * ldb + j0 + jr;
        float* dk = d + k * NR;
        if (n == NR) {
          std::memcpy(dk, s, NR * sizeof(float));
        } else {
          for (int j = 0; j < n; ++j) dk[j] = s[j];
          for (int j = n; j < NR; ++j) dk[j] = 0.f;
        }
      }
    } else {
      // op(B)[k][j] = B[j*ldb + k]: read each stored row contiguously.
      for (int j = 0; j < n; ++j) {
        const float* s = B + int64_t(j0 + jr + j) * ldb + p0;
        for (int k = 0; k < kc; ++k) d[k * NR + j] = s[k];
      }
      for (int j = n; j < NR; ++j)
        for (int k = 0; k < kc; ++k) d[k * NR + j] = 0.f;
    }
  }
}

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], AlignedFree>;

float* thread_buffer(Buffer& buf, std::size_t floats) {
  if (!buf) {
    buf.reset(static_cast<float*>(std::aligned_alloc(64, floats * sizeof(float))));
    MGST_CHECK(buf, "sgemm: out of memory for packing buffers");
  }
  return buf.get();
}

// The blocked algorithm on C[m0:m1, n0:n1], single thread.
void gemm_tile(bool ta, bool tb, int m0, int m1, int n0, int n1, int K, float alpha, const float* A,
               int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  thread_local Buffer abuf, bbuf;
  float* ap = thread_buffer(abuf, std::size_t(MC) * KC);
  float* bp = thread_buffer(bbuf, std::size_t(KC) * NC);
  for (int jc = n0; jc < n1; jc += NC) {
    const int nc = std::min(NC, n1 - jc);
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = std::min(KC, K - pc);
      // Later K blocks accumulate onto what the first one wrote.
      const float bet = pc == 0 ? beta : 1.f;
      pack_b(tb, B, ldb, pc, kc, jc, nc, bp);
      for (int ic = m0; ic < m1; ic += MC) {
        const int mc = std::min(MC, m1 - ic);
        pack_a(ta, A, lda, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const float* bpanel = bp + int64_t(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int r = std::min(MR, mc - ir);
            float* c = C + int64_t(ic + ir) * ldc + jc + jr;
            const float* apanel = ap + int64_t(ir) * kc;
            if (nr == NR)
              kKernels[r - 1](kc, apanel, bpanel, c, ldc, alpha, bet);
            else
              edge_tile(r, nr, kc, apanel, bpanel, c, ldc, alpha, bet);
          }
        }
      }
    }
  }
}

// C = beta * C without touching A, B (K == 0 or alpha == 0).
void scale_c(int M, int N, float beta, float* C, int64_t ldc) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float* p = C + int64_t(i) * ldc + j;
      *p = beta == 0.f ? 0.f : beta * *p;
    }
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc) {
  MGST_CHECK(M >= 0 && N >= 0 && K >= 0,
             "sgemm: negative size M=" << M << " N=" << N << " K=" << K);
  MGST_CHECK(lda >= std::max(1, trans_a ? M : K) && ldb >= std::max(1, trans_b ? K : N) &&
                 ldc >= std::max(1, N),
             "sgemm: leading dimension too small (M="
                 << M << " N=" << N << " K=" << K << " lda=" << lda << " ldb=" << ldb
                 << " ldc=" << ldc << " trans_a=" << trans_a << " trans_b=" << trans_b << ")");
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.f) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  // Thread grid tm x tn; tiles are whole MR/NR panels so the tile edges, and
  // with them the arithmetic, do not depend on the grid.
  const double flops = 2.0 * M * N * K;
  int nt = (omp_in_parallel() || flops < 4e6) ? 1 : omp_get_max_threads();
  const int mpanels = (M + MR - 1) / MR, npanels = (N + NR - 1) / NR;
  nt = std::max(1, std::min(nt, mpanels * npanels));
  int tm = 1, tn = nt;
  double best = 1e300;
  for (int d = 1; d <= nt; ++d) {
    if (nt % d) continue;
    const int pm = (mpanels + d - 1) / d, pn = (npanels + nt / d - 1) / (nt / d);
    if (d > mpanels || nt / d > npanels) continue;
    // Per-thread work is pm*pn panel pairs; packing cost grows with pm + pn.
    const double cost = double(pm) * MR * pn * NR + 4.0 * (pm * MR + pn * NR);
    if (cost < best) best = cost, tm = d, tn = nt / d;
  }
  nt = tm * tn;
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    const int t = omp_get_thread_num();
    const int ti = t / tn, tj = t % tn;
    const int pm0 = int(int64_t(mpanels) * ti / tm), pm1 = int(int64_t(mpanels) * (ti + 1) / tm);
    const int pn0 = int(int64_t(npanels) * tj / tn), pn1 = int(int64_t(npanels) * (tj + 1) / tn);
    const int m0 = pm0 * MR, m1 = std::min(M, pm1 * MR);
    const int n0 = pn0 * NR, n1 = std::min(N, pn1 * NR);
    if (m0 < m1 && n0 < n1)
      gemm_tile(trans_a, trans_b, m0, m1, n0, n1, K, alpha, A, lda, B, ldb, beta, C, ldc);
  }
}

}  // namespace mgst::kernels::cpu
