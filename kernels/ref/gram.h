// Reference masked Gram matrix and its backward, in double precision. The
// contract is in kernels/api.inc ("gram"); backends: kernels/cpu/gram.cpp,
// kernels/cuda/gram.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// F (N, C, P) features, w (N, P) pixel weights or empty = all ones; G (N, C, C):
//   D       = C * sum_p w_p + eps               (the normaliser of sample n)
//   G[i,j]  = sum_p (F[i,p] w_p) (F[j,p] w_p) / D
inline std::vector<double> masked_gram_forward(int N, int C, int P, const std::vector<double>& F,
                                               const std::vector<double>& w, double eps) {
  std::vector<double> G(std::size_t(N) * C * C);
  for (int n = 0; n < N; ++n) {
    auto wp = [&](int p) { return w.empty() ? 1.0 : w[std::size_t(n) * P + p]; };
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += wp(p);
    const double D = C * ws + eps;
    for (int i = 0; i < C; ++i)
      for (int j = 0; j < C; ++j) {
        double s = 0;
        for (int p = 0; p < P; ++p)
          s += F[(std::size_t(n) * C + i) * P + p] * wp(p) * F[(std::size_t(n) * C + j) * P + p] *
               wp(p);
        G[(std::size_t(n) * C + i) * C + j] = s / D;
      }
  }
  return G;
}

// dF[i,p] = w_p^2 * sum_j (dG[i,j] + dG[j,i]) F[j,p] / D  (F appears in G as
// both the row and the column factor, hence dG and its transpose).
inline std::vector<double> masked_gram_backward(int N, int C, int P, const std::vector<double>& F,
                                                const std::vector<double>& w, double eps,
                                                const std::vector<double>& dG) {
  std::vector<double> dF(F.size(), 0.0);
  for (int n = 0; n < N; ++n) {
    auto wp = [&](int p) { return w.empty() ? 1.0 : w[std::size_t(n) * P + p]; };
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += wp(p);
    const double D = C * ws + eps;
    const double* g = dG.data() + std::size_t(n) * C * C;
    for (int i = 0; i < C; ++i)
      for (int p = 0; p < P; ++p) {
        double s = 0;
        for (int j = 0; j < C; ++j)
          s += (g[i * C + j] + g[j * C + i]) * F[(std::size_t(n) * C + j) * P + p];
        dF[(std::size_t(n) * C + i) * P + p] = wp(p) * wp(p) * s / D;
      }
  }
  return dF;
}

}  // namespace mgst::kernels::ref
