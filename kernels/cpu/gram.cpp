// Masked Gram matrix per sample n, F (C, P), weights w (P) (nullptr = ones):
//   G = (F*w)(F*w)^T / D,  D = C * sum_p w_p + eps,  G (N, C, C)
//   dF[i,p] = w_p^2 * sum_j (dG[i,j] + dG[j,i]) F[j,p] / D
// Forward: Fw is formed kChunk columns at a time, each chunk's product comes
// from sgemm (deterministic for any thread count) and the chunks are summed
// into a double accumulator in chunk order, so long P (65536 at 256x256)
// keeps float32 rounding to one chunk's worth. Backward is one sgemm with
// the symmetrised dG (its inner dimension is only C).
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

void masked_gram_forward(int N, int C, int P, const float* F, const float* w, float eps, float* G) {
  MGST_CHECK(N >= 0 && C > 0 && P > 0,
             "masked_gram_forward: bad shape N=" << N << " C=" << C << " P=" << P);
  const int chunk = std::min(P, kGramChunk);
  std::vector<float> fw(w ? int64_t(C) * chunk : 0), part(int64_t(C) * C);
  std::vector<double> acc(int64_t(C) * C);
  for (int n = 0; n < N; ++n) {
    const float* Fn = F + int64_t(n) * C * P;
    const float* wn = w ? w + int64_t(n) * P : nullptr;
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
    float* Gn = G + int64_t(n) * C * C;
    for (int64_t i = 0; i < int64_t(C) * C; ++i) Gn[i] = float(acc[i] / D);
  }
}

void masked_gram_backward(int N, int C, int P, const float* F, const float* w, float eps,
                          const float* dG, float* dF) {
  MGST_CHECK(N >= 0 && C > 0 && P > 0,
             "masked_gram_backward: bad shape N=" << N << " C=" << C << " P=" << P);
  std::vector<float> S(int64_t(C) * C);
  for (int n = 0; n < N; ++n) {
    const float* Fn = F + int64_t(n) * C * P;
    const float* wn = w ? w + int64_t(n) * P : nullptr;
    const float* dGn = dG + int64_t(n) * C * C;
    float* dFn = dF + int64_t(n) * C * P;
    const double D = double(C) * weight_sum(P, wn) + double(eps);
    for (int i = 0; i < C; ++i)
      for (int j = 0; j < C; ++j)
        S[int64_t(i) * C + j] =
            float((double(dGn[int64_t(i) * C + j]) + dGn[int64_t(j) * C + i]) / D);
    sgemm(false, false, C, P, C, 1.f, S.data(), C, Fn, P, 0.f, dFn, P);
    if (wn)
      detail::parallel_for(C, P, [&](int64_t c) {
        float* d = dFn + c * P;
#pragma omp simd
        for (int64_t p = 0; p < P; ++p) d[p] *= wn[p] * wn[p];
      });
  }
}

}  // namespace mgst::kernels::cpu
