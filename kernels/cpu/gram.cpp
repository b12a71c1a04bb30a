// Masked Grams of k weightings per sample, F (N, C, P), w (kN, P) (nullptr =
// ones, k = 1), row z = g*N + n weighting sample n:
//   G[z] = (F[n]*w[z])(F[n]*w[z])^T / D_z,  D_z = C * sum_p w[z,p] + eps,  G (kN, C, C)
//   dF[n,i,p] = sum_g w[z,p]^2 * sum_j (dG[z,i,j] + dG[z,j,i]) F[n,j,p] / D_z
// Forward: Fw is formed kChunk columns at a time, each chunk's product comes
// from sgemm (deterministic for any thread count) and the chunks are summed
// into a double accumulator in chunk order, so long P (65536 at 256x256)
// keeps float32 rounding to one chunk's worth; D_z (double) divides, and is
// saved as a float for the backward. Backward: per sample one
// product with inner dimension kC, [S_0 .. S_k-1] (C, kC) times the stacked
// [w_0^2 F; ..; w_k-1^2 F] (kC, P), S_g the symmetrised dG / D; the stacked
// operand is formed kChunk columns at a time, like the forward's Fw.
#include <vector>

#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {
namespace {
constexpr int kGramChunk = 4096;

double weight_sum(int P, const float* w) {
  if (!w) return P;
  return detail::det_sum(P, [&](int64_t i) { return double(w[i]); });
}
}  // namespace

void masked_gram_forward(int N, int k, int C, int P, const float* F, const float* w, float eps,
                         float* G, float* Dout) {
  MGST_CHECK(N >= 0 && k >= 1 && C > 0 && P > 0 && (w || k == 1),
             "masked_gram_forward: bad shape N=" << N << " k=" << k << " C=" << C << " P=" << P);
  const int chunk = std::min(P, kGramChunk);
  std::vector<float> fw(w ? int64_t(C) * chunk : 0), part(int64_t(C) * C);
  std::vector<double> acc(int64_t(C) * C);
  for (int z = 0; z < k * N; ++z) {
    const float* Fn = F + int64_t(z % N) * C * P;
    const float* wn = w ? w + int64_t(z) * P : nullptr;
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int p0 = 0; p0 < P; p0 += chunk) {
      const int len = std::min(chunk, P - p0);
      const float* src = Fn + p0;
      int ld = P;
      if (wn) {
        detail::parallel_for(C, len, [&](int64_t c) {
          const float* f = Fn + c * P + p0;
          float* d = fw.data() + c * len;
#pragma omp simd
          for (int i = 0; i < len; ++i) d[i] = f[i] * wn[p0 + i];
        });
        src = fw.data();
        ld = len;
      }
      sgemm(false, true, C, C, len, 1.f, src, ld, src, ld, 0.f, part.data(), C);
      for (int64_t i = 0; i < int64_t(C) * C; ++i) acc[i] += part[i];
    }
    const double D = double(C) * weight_sum(P, wn) + double(eps);
    float* Gz = G + int64_t(z) * C * C;
    for (int64_t i = 0; i < int64_t(C) * C; ++i) Gz[i] = float(acc[i] / D);
    if (Dout) Dout[z] = float(D);
  }
}

void masked_gram_backward(int N, int k, int C, int P, const float* F, const float* w,
                          const float* Dz, const float* dG, float* dF) {
  MGST_CHECK(N >= 0 && k >= 1 && C > 0 && P > 0 && (w || k == 1),
             "masked_gram_backward: bad shape N=" << N << " k=" << k << " C=" << C << " P=" << P);
  const int64_t KC = int64_t(k) * C;  // the product's inner dimension
  const int chunk = std::min(P, kGramChunk);
  std::vector<float> S(C * KC), wwF(w ? KC * chunk : 0);
  for (int n = 0; n < N; ++n) {
    const float* Fn = F + int64_t(n) * C * P;
    float* dFn = dF + int64_t(n) * C * P;
    for (int g = 0; g < k; ++g) {  // S[i, g*C + j] = (dG[z,i,j] + dG[z,j,i]) / D_z
      const int64_t z = int64_t(g) * N + n;
      const double D = Dz[z];
      const float* dGz = dG + z * C * C;
      for (int i = 0; i < C; ++i)
        for (int j = 0; j < C; ++j)
          S[i * KC + g * C + j] =
              float((double(dGz[int64_t(i) * C + j]) + dGz[int64_t(j) * C + i]) / D);
    }
    if (!w) {  // k = 1, no weights: dF = S F
      sgemm(false, false, C, P, C, 1.f, S.data(), C, Fn, P, 0.f, dFn, P);
      continue;
    }
    for (int p0 = 0; p0 < P; p0 += chunk) {
      const int len = std::min(chunk, P - p0);
      detail::parallel_for(KC, len, [&](int64_t r) {  // row r = g*C + j: w[z]^2 F[n,j]
        const float* wz = w + (r / C * N + n) * int64_t(P) + p0;
        const float* f = Fn + (r % C) * P + p0;
        float* d = wwF.data() + r * len;
#pragma omp simd
        for (int i = 0; i < len; ++i) d[i] = wz[i] * wz[i] * f[i];
      });
      sgemm(false, false, C, len, int(KC), 1.f, S.data(), int(KC), wwF.data(), len, 0.f, dFn + p0,
            P);
    }
  }
}

}  // namespace mgst::kernels::cpu
