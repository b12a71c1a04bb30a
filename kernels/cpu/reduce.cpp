// Scalar reductions (deterministic: fixed chunks summed in double, combined
// in a fixed order; see parallel.h):
//   sum:  out = sum_i x_i
//   weighted row mse, a (R, M), target row r at t + r * t_row_stride:
//     out = (1/R) sum_r rw[r] * (1/M) sum_m (a[r,m] - t[r,m])^2
//     da  = gout * rw[r] * 2 (a - t) / (R M)
//   weighted sum of k scalars: out = sum_i w_i x_i (double, index order);
//     gx_i = w_i gout
#include "kernels/checks.h"
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {

void sum_forward(int64_t n, const float* x, float* out) {
  MGST_CHECK(n >= 0, "sum_forward: negative length " << n);
  out[0] = float(detail::det_sum(n, [&](int64_t i) { return double(x[i]); }));
}

void weighted_row_mse_forward(int R, int64_t M, const float* a, const float* t,
                              int64_t t_row_stride, const float* row_weight, float* out) {
  check_row_mse_shape("weighted_row_mse_forward", R, M, t_row_stride);
  const auto rows = detail::det_row_sums(R, M, [&](int64_t r, int64_t m) {
    const double d = double(a[r * M + m]) - double(t[r * t_row_stride + m]);
    return d * d;
  });
  double s = 0;
  for (int r = 0; r < R; ++r) s += (row_weight ? double(row_weight[r]) : 1.0) * rows[r];
  out[0] = float(s / (double(R) * double(M)));
}

void weighted_row_mse_backward(int R, int64_t M, const float* a, const float* t,
                               int64_t t_row_stride, const float* row_weight, const float* gout,
                               float* da) {
  check_row_mse_shape("weighted_row_mse_backward", R, M, t_row_stride);
  const double g = double(gout[0]) * 2.0 / (double(R) * double(M));
  for (int r = 0; r < R; ++r) {
    const float k = float(g * (row_weight ? double(row_weight[r]) : 1.0));
    const float* ar = a + int64_t(r) * M;
    const float* tr = t + r * t_row_stride;
    float* dr = da + int64_t(r) * M;
    constexpr int64_t B = 1 << 14;
    detail::parallel_for((M + B - 1) / B, B, [&](int64_t blk) {
      const int64_t i1 = std::min(M, blk * B + B);
#pragma omp simd
      for (int64_t i = blk * B; i < i1; ++i) dr[i] = k * (ar[i] - tr[i]);
    });
  }
}

void row_nonempty_forward(int R, int64_t M, const float* x, float threshold, float value,
                          float* out) {
  MGST_CHECK(R >= 0 && M >= 0, "row_nonempty_forward: bad shape R=" << R << " M=" << M);
  const auto rows =
      detail::det_row_sums(R, M, [&](int64_t r, int64_t m) { return double(x[r * M + m]); });
  for (int r = 0; r < R; ++r) out[r] = rows[std::size_t(r)] >= double(threshold) ? value : 0.f;
}

void weighted_sum_forward(const ScalarTerms& t, float* out) {
  check_scalar_terms("weighted_sum_forward", t);
  double s = 0;
  for (int i = 0; i < t.k; ++i) s += double(t.w[i]) * double(t.x[i][0]);
  out[0] = float(s);
}

void weighted_sum_backward(const ScalarTerms& t, const float* gout, const ScalarGrads& gx) {
  check_scalar_terms("weighted_sum_backward", t);
  for (int i = 0; i < t.k; ++i)
    if (gx.g[i]) gx.g[i][0] = t.w[i] * gout[0];
}

}  // namespace mgst::kernels::cpu
