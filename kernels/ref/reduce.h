// Reference reductions: the sum, the weighted row mse, the non-empty row
// flags and the weighted sum of scalars, in double precision.
// The contract is in kernels/api.inc ("reduce"); backends: kernels/cpu/reduce.cpp,
// kernels/cuda/reduce.cu. Header-only.
#pragma once
#include <cstdint>
#include <vector>

namespace mgst::kernels::ref {

// out = sum_i x_i
inline double sum_forward(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s;
}

// a (R, M); t (R, M) with row stride ts = M, or one row (M) broadcast with ts = 0;
// rw (R) row weights or empty = all ones:
//   out = (1/R) sum_r rw[r] * (1/M) sum_m (a[r,m] - t[r,m])^2
inline double weighted_row_mse_forward(int R, int64_t M, const std::vector<double>& a,
                                       const std::vector<double>& t, int64_t ts,
                                       const std::vector<double>& rw) {
  double s = 0;
  for (int r = 0; r < R; ++r) {
    double e = 0;  // this row's sum of squared differences
    for (int64_t m = 0; m < M; ++m)
      e += (a[r * M + m] - t[r * ts + m]) * (a[r * M + m] - t[r * ts + m]);
    s += (rw.empty() ? 1.0 : rw[r]) * e / double(M);
  }
  return s / R;
}

// da[r,m] = gout * rw[r] * 2 (a[r,m] - t[r,m]) / (R M)
inline std::vector<double> weighted_row_mse_backward(int R, int64_t M, const std::vector<double>& a,
                                                     const std::vector<double>& t, int64_t ts,
                                                     const std::vector<double>& rw, double gout) {
  std::vector<double> da(a.size());
  for (int r = 0; r < R; ++r)
    for (int64_t m = 0; m < M; ++m)
      da[r * M + m] =
          gout * (rw.empty() ? 1.0 : rw[r]) * 2 * (a[r * M + m] - t[r * ts + m]) / (double(R) * M);
  return da;
}

// out[r] = value when sum_m x[r,m] >= threshold, else 0
inline std::vector<double> row_nonempty_forward(int R, int64_t M, const std::vector<double>& x,
                                                double threshold, double value) {
  std::vector<double> out(static_cast<std::size_t>(R), 0.0);
  for (int r = 0; r < R; ++r) {
    double s = 0;
    for (int64_t m = 0; m < M; ++m) s += x[std::size_t(r * M + m)];
    out[std::size_t(r)] = s >= threshold ? value : 0.0;
  }
  return out;
}

// out = sum_i w_i x_i (x: the k scalars)
inline double weighted_sum_forward(const std::vector<double>& w, const std::vector<double>& x) {
  double s = 0;
  for (std::size_t i = 0; i < w.size(); ++i) s += w[i] * x[i];
  return s;
}

// gx_i = w_i gout
inline std::vector<double> weighted_sum_backward(const std::vector<double>& w, double gout) {
  std::vector<double> gx;
  for (double wi : w) gx.push_back(wi * gout);
  return gx;
}

}  // namespace mgst::kernels::ref
