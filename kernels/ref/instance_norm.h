// Reference instance norm: per-plane statistics and the affine map, with the
// analytic backward, in double precision; and the two fused forms the
// transform net uses (norm then ReLU, norm then + residual), written as that
// composition. The contract is in kernels/api.inc ("instance_norm");
// backends: kernels/cpu/instance_norm.cpp, kernels/cuda/instance_norm.cu; the
// harness entries: tests/ops/instance_norm.cpp. Header-only.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// x (N, C, P) with P = H*W pixels per plane; gamma, beta (C).
// For each plane (n, c):
//   mean = (1/P) sum_p x                         (the plane's average)
//   var  = (1/P) sum_p (x - mean)^2              (biased: divide by P, not P-1)
//   rstd = 1 / sqrt(var + eps)
//   y    = (x - mean) * rstd * gamma[c] + beta[c]
// Returns y (N, C, P); mean and rstd (N*C), when given, receive the statistics.
inline std::vector<double> instance_norm_forward(int N, int C, int P, const std::vector<double>& x,
                                                 const std::vector<double>& gamma,
                                                 const std::vector<double>& beta, double eps,
                                                 std::vector<double>* mean = nullptr,
                                                 std::vector<double>* rstd = nullptr) {
  std::vector<double> y(x.size());
  if (mean) mean->assign(std::size_t(N) * C, 0.0);
  if (rstd) rstd->assign(std::size_t(N) * C, 0.0);
  for (int nc = 0; nc < N * C; ++nc) {  // plane nc = n*C + c
    const double* xp = x.data() + std::size_t(nc) * P;
    const int c = nc % C;
    double mu = 0;
    for (int p = 0; p < P; ++p) mu += xp[p];
    mu /= P;
    double var = 0;
    for (int p = 0; p < P; ++p) var += (xp[p] - mu) * (xp[p] - mu);
    var /= P;
    const double rs = 1 / std::sqrt(var + eps);
    if (mean) (*mean)[nc] = mu;
    if (rstd) (*rstd)[nc] = rs;
    for (int p = 0; p < P; ++p) y[std::size_t(nc) * P + p] = (xp[p] - mu) * rs * gamma[c] + beta[c];
  }
  return y;
}

// Backward for an upstream gradient dy (N, C, P). With xhat = (x - mean) * rstd:
//   dbeta[c]  = sum_{n,p} dy                      (y = ... + beta)
//   dgamma[c] = sum_{n,p} dy * xhat               (y = xhat * gamma + ...)
//   dx = gamma * rstd * (dy - mean_p(dy) - xhat * mean_p(dy * xhat))
// (the two means subtract what flows through the plane's mean and variance).
inline void instance_norm_backward(int N, int C, int P, const std::vector<double>& x,
                                   const std::vector<double>& gamma, double eps,
                                   const std::vector<double>& dy, std::vector<double>& dx,
                                   std::vector<double>& dgamma, std::vector<double>& dbeta) {
  std::vector<double> mean, rstd;
  instance_norm_forward(N, C, P, x, gamma, std::vector<double>(C, 0.0), eps, &mean, &rstd);
  dx.assign(x.size(), 0.0);
  dgamma.assign(C, 0.0);  // sums over the batch: start from zero
  dbeta.assign(C, 0.0);
  for (int nc = 0; nc < N * C; ++nc) {
    const std::size_t o = std::size_t(nc) * P;
    const int c = nc % C;
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int p = 0; p < P; ++p) {
      const double xhat = (x[o + p] - mean[nc]) * rstd[nc];
      sum_dy += dy[o + p];
      sum_dy_xhat += dy[o + p] * xhat;
    }
    dbeta[c] += sum_dy;
    dgamma[c] += sum_dy_xhat;
    for (int p = 0; p < P; ++p) {
      const double xhat = (x[o + p] - mean[nc]) * rstd[nc];
      dx[o + p] = gamma[c] * rstd[nc] * (dy[o + p] - sum_dy / P - xhat * sum_dy_xhat / P);
    }
  }
}

// y = relu(instance_norm(x)): the norm above, then max(., 0).
inline std::vector<double> instance_norm_relu_forward(int N, int C, int P,
                                                      const std::vector<double>& x,
                                                      const std::vector<double>& gamma,
                                                      const std::vector<double>& beta, double eps,
                                                      std::vector<double>* mean = nullptr,
                                                      std::vector<double>* rstd = nullptr) {
  std::vector<double> y = instance_norm_forward(N, C, P, x, gamma, beta, eps, mean, rstd);
  for (double& v : y) v = v > 0 ? v : 0;
  return y;
}

// Its backward: the ReLU passes dy where its output y > 0 (y recomputed here),
// and the norm's backward takes that.
inline void instance_norm_relu_backward(int N, int C, int P, const std::vector<double>& x,
                                        const std::vector<double>& gamma,
                                        const std::vector<double>& beta, double eps,
                                        const std::vector<double>& dy, std::vector<double>& dx,
                                        std::vector<double>& dgamma, std::vector<double>& dbeta) {
  const std::vector<double> y = instance_norm_relu_forward(N, C, P, x, gamma, beta, eps);
  std::vector<double> masked(dy.size());
  for (std::size_t i = 0; i < dy.size(); ++i) masked[i] = y[i] > 0 ? dy[i] : 0;
  instance_norm_backward(N, C, P, x, gamma, eps, masked, dx, dgamma, dbeta);
}

// y = instance_norm(x) + r, r (N, C, P). Its backward is the norm's for x,
// gamma and beta, and dr = dy.
inline std::vector<double> instance_norm_add_forward(
    int N, int C, int P, const std::vector<double>& x, const std::vector<double>& gamma,
    const std::vector<double>& beta, const std::vector<double>& r, double eps,
    std::vector<double>* mean = nullptr, std::vector<double>* rstd = nullptr) {
  std::vector<double> y = instance_norm_forward(N, C, P, x, gamma, beta, eps, mean, rstd);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += r[i];
  return y;
}

}  // namespace mgst::kernels::ref
