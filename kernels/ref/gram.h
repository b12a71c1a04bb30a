// Reference masked Gram matrix and its backward, in double precision. The
// contract is in kernels/api.inc ("gram"); backends: kernels/cpu/gram.cpp,
// kernels/cuda/gram.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// F (N, C, P) features, w (kN, P) pixel weights (k weightings per sample, row
// z = g*N + n weighting sample n) or empty = all ones (k = 1); G (kN, C, C):
//   D_z      = C * sum_p w[z,p] + eps             (the normaliser of row z)
//   G[z,i,j] = sum_p (F[n,i,p] w[z,p]) (F[n,j,p] w[z,p]) / D_z,   n = z % N
inline std::vector<double> masked_gram_forward(int N, int k, int C, int P,
                                               const std::vector<double>& F,
                                               const std::vector<double>& w, double eps) {
  std::vector<double> G(std::size_t(k) * N * C * C);
  for (int z = 0; z < k * N; ++z) {
    const int n = z % N;
    auto wp = [&](int p) { return w.empty() ? 1.0 : w[std::size_t(z) * P + p]; };
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += wp(p);
    const double D = C * ws + eps;
    for (int i = 0; i < C; ++i)
      for (int j = 0; j < C; ++j) {
        double s = 0;
        for (int p = 0; p < P; ++p)
          s += F[(std::size_t(n) * C + i) * P + p] * wp(p) * F[(std::size_t(n) * C + j) * P + p] *
               wp(p);
        G[(std::size_t(z) * C + i) * C + j] = s / D;
      }
  }
  return G;
}

// D (kN): the normalisers D_z the forward saves for the backward.
inline std::vector<double> masked_gram_denominators(int N, int k, int C, int P,
                                                    const std::vector<double>& w, double eps) {
  std::vector<double> D(std::size_t(k) * N);
  for (int z = 0; z < k * N; ++z) {
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += w.empty() ? 1.0 : w[std::size_t(z) * P + p];
    D[std::size_t(z)] = C * ws + eps;
  }
  return D;
}

// dF[n,i,p] = sum_g w[z,p]^2 * sum_j (dG[z,i,j] + dG[z,j,i]) F[n,j,p] / D_z,
// z = g*N + n (F appears in G[z] as both the row and the column factor, hence
// dG and its transpose; the k weightings of a sample add their gradients).
inline std::vector<double> masked_gram_backward(int N, int k, int C, int P,
                                                const std::vector<double>& F,
                                                const std::vector<double>& w, double eps,
                                                const std::vector<double>& dG) {
  std::vector<double> dF(F.size(), 0.0);
  for (int z = 0; z < k * N; ++z) {
    const int n = z % N;
    auto wp = [&](int p) { return w.empty() ? 1.0 : w[std::size_t(z) * P + p]; };
    double ws = 0;
    for (int p = 0; p < P; ++p) ws += wp(p);
    const double D = C * ws + eps;
    const double* g = dG.data() + std::size_t(z) * C * C;
    for (int i = 0; i < C; ++i)
      for (int p = 0; p < P; ++p) {
        double s = 0;
        for (int j = 0; j < C; ++j)
          s += (g[i * C + j] + g[j * C + i]) * F[(std::size_t(n) * C + j) * P + p];
        dF[(std::size_t(n) * C + i) * P + p] += wp(p) * wp(p) * s / D;
      }
  }
  return dF;
}

}  // namespace mgst::kernels::ref
