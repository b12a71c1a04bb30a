// Reference channel concatenation and its backward (the split). The contract is
// in kernels/api.inc ("concat"); backends: kernels/cpu/concat.cpp,
// kernels/cuda/concat.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// y (N, Ca+Cb, P) = [a (N, Ca, P) ; b (N, Cb, P)]: per sample, a's planes then b's.
inline std::vector<double> concat_channels_forward(int N, int Ca, int Cb, int P,
                                                   const std::vector<double>& a,
                                                   const std::vector<double>& b) {
  std::vector<double> y;
  y.reserve(a.size() + b.size());
  for (int n = 0; n < N; ++n) {
    y.insert(y.end(), a.begin() + std::size_t(n) * Ca * P, a.begin() + std::size_t(n + 1) * Ca * P);
    y.insert(y.end(), b.begin() + std::size_t(n) * Cb * P, b.begin() + std::size_t(n + 1) * Cb * P);
  }
  return y;
}

// The split: da (N, Ca, P) and db (N, Cb, P) are the two halves of dy per sample.
inline void concat_channels_backward(int N, int Ca, int Cb, int P, const std::vector<double>& dy,
                                     std::vector<double>& da, std::vector<double>& db) {
  da.clear();
  db.clear();
  const std::size_t row = std::size_t(Ca + Cb) * P;  // one sample of dy
  for (int n = 0; n < N; ++n) {
    const auto s = dy.begin() + n * row;
    da.insert(da.end(), s, s + std::size_t(Ca) * P);
    db.insert(db.end(), s + std::size_t(Ca) * P, s + row);
  }
}

// [x_0, ..., x_{k-1}, sum_i x_i]
inline std::vector<double> pack_scalars_forward(const std::vector<double>& x) {
  std::vector<double> out = x;
  double total = 0;
  for (double v : x) total += v;
  out.push_back(total);
  return out;
}

}  // namespace mgst::kernels::ref
