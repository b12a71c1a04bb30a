// Instance norm over each plane (n, c) of P = H*W values:
//   mean = sum x / P,  var = sum (x - mean)^2 / P (biased),  rstd = 1/sqrt(var + eps)
//   y = (x - mean) * rstd * gamma[c] + beta[c]
// Backward, with xhat = (x - mean) * rstd:
//   dbeta[c] = sum_{n,p} dy,  dgamma[c] = sum_{n,p} dy * xhat
//   dx = gamma[c] * rstd * (dy - mean_p(dy) - xhat * mean_p(dy * xhat))
// Statistics are two-pass in double with fixed lanes, one plane per task, and
// the per-channel sums over the batch are combined serially in n order:
// deterministic for any thread count.
// The fused forms (relu: y = max(., 0), and its backward reading dy * (y > 0);
// add: y = . + r) are the same two loops with another store or another read
// of dy, so each gives the bits of the unfused ops it replaces.
#include <cmath>
#include <vector>

#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {

namespace {

// The forward of every form: the statistics, then out(j, v) stores
// v = x[j] * scale + shift (the normalised, affine value) at flat index j.
template <class Out>
void forward_planes(const char* name, int N, int C, int P, const float* x, const float* gamma,
                    const float* beta, float eps, float* mean, float* rstd, Out out) {
  MGST_CHECK(N >= 0 && C >= 0 && P > 0, name << ": bad shape N=" << N << " C=" << C << " P=" << P);
  detail::parallel_for(int64_t(N) * C, P, [&](int64_t nc) {
    const float* xp = x + nc * P;
    const double mu = detail::lane_sum(P, [&](int64_t i) { return double(xp[i]); }) / P;
    const double var = detail::lane_sum(P,
                                        [&](int64_t i) {
                                          const double d = double(xp[i]) - mu;
                                          return d * d;
                                        }) /
                       P;
    const double rs = 1.0 / std::sqrt(var + double(eps));
    const int c = int(nc % C);
    const float sc = float(rs * gamma[c]);
    const float sh = float(double(beta[c]) - mu * rs * gamma[c]);
    const int64_t o = nc * P;
#pragma omp simd
    for (int64_t i = 0; i < P; ++i) out(o + i, xp[i] * sc + sh);
    mean[nc] = float(mu);
    rstd[nc] = float(rs);
  });
}

// The backward of every form: grad(j) is the dy the norm sees at flat index j
// (dy itself, or dy masked by a ReLU's output).
template <class Grad>
void backward_planes(const char* name, int N, int C, int P, const float* x, const float* gamma,
                     const float* mean, const float* rstd, Grad grad, float* dx, float* dgamma,
                     float* dbeta) {
  MGST_CHECK(N >= 0 && C >= 0 && P > 0, name << ": bad shape N=" << N << " C=" << C << " P=" << P);
  const int64_t NC = int64_t(N) * C;
  std::vector<double> sdy(NC), sdyx(NC);  // per plane: sum dy, sum dy*xhat
  detail::parallel_for(NC, P, [&](int64_t nc) {
    const float* xp = x + nc * P;
    const int64_t o = nc * P;
    const double mu = mean[nc], rs = rstd[nc];
    sdy[nc] = detail::lane_sum(P, [&](int64_t i) { return double(grad(o + i)); });
    sdyx[nc] = detail::lane_sum(P, [&](int64_t i) {
      return double(grad(o + i)) * (double(xp[i]) - mu) * rs;
    });
    if (dx) {
      const int c = int(nc % C);
      const float k = float(gamma[c] * rs);
      const float a = float(sdy[nc] / P), b = float(sdyx[nc] / P);
      const float mu_f = mean[nc], rs_f = rstd[nc];
      float* xo = dx + o;
#pragma omp simd
      for (int64_t i = 0; i < P; ++i) {
        const float xh = (xp[i] - mu_f) * rs_f;
        xo[i] = k * (grad(o + i) - a - xh * b);
      }
    }
  });
  for (int c = 0; c < C; ++c) {
    double g = 0, b = 0;
    for (int n = 0; n < N; ++n) g += sdyx[int64_t(n) * C + c], b += sdy[int64_t(n) * C + c];
    if (dgamma) dgamma[c] = float(g);
    if (dbeta) dbeta[c] = float(b);
  }
}

}  // namespace

void instance_norm_forward(int N, int C, int P, const float* x, const float* gamma,
                           const float* beta, float eps, float* y, float* mean, float* rstd) {
  forward_planes("instance_norm_forward", N, C, P, x, gamma, beta, eps, mean, rstd,
                 [y](int64_t j, float v) { y[j] = v; });
}

void instance_norm_backward(int N, int C, int P, const float* x, const float* gamma,
                            const float* mean, const float* rstd, const float* dy, float* dx,
                            float* dgamma, float* dbeta) {
  backward_planes(
      "instance_norm_backward", N, C, P, x, gamma, mean, rstd, [dy](int64_t j) { return dy[j]; },
      dx, dgamma, dbeta);
}

void instance_norm_relu_forward(int N, int C, int P, const float* x, const float* gamma,
                                const float* beta, float eps, float* y, float* mean, float* rstd) {
  forward_planes("instance_norm_relu_forward", N, C, P, x, gamma, beta, eps, mean, rstd,
                 [y](int64_t j, float v) { y[j] = v > 0.f ? v : 0.f; });  // relu_forward's form
}

void instance_norm_relu_backward(int N, int C, int P, const float* x, const float* gamma,
                                 const float* mean, const float* rstd, const float* y,
                                 const float* dy, float* dx, float* dgamma, float* dbeta) {
  backward_planes(
      "instance_norm_relu_backward", N, C, P, x, gamma, mean, rstd,
      [y, dy](int64_t j) { return y[j] > 0.f ? dy[j] : 0.f; }, dx, dgamma, dbeta);
}

void instance_norm_add_forward(int N, int C, int P, const float* x, const float* gamma,
                               const float* beta, const float* r, float eps, float* y, float* mean,
                               float* rstd) {
  forward_planes("instance_norm_add_forward", N, C, P, x, gamma, beta, eps, mean, rstd,
                 [y, r](int64_t j, float v) { y[j] = v + r[j]; });
}

}  // namespace mgst::kernels::cpu
