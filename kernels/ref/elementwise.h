// Reference elementwise ops, ReLU and the per-channel affine map, in double
// precision. The contract is in kernels/api.inc ("elementwise"); backends:
// kernels/cpu/elementwise.cpp, kernels/cuda/elementwise.cu. Header-only.
#pragma once
#include <cstddef>
#include <vector>

namespace mgst::kernels::ref {

// y[i] = f(a[i], b[i]) for two equally long vectors: add, sub, mul, ...
template <class F>
std::vector<double> zip(const std::vector<double>& a, const std::vector<double>& b, F f) {
  std::vector<double> y(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) y[i] = f(a[i], b[i]);
  return y;
}

inline std::vector<double> add(const std::vector<double>& a, const std::vector<double>& b) {
  return zip(a, b, [](double u, double v) { return u + v; });  // y = a + b
}
inline std::vector<double> sub(const std::vector<double>& a, const std::vector<double>& b) {
  return zip(a, b, [](double u, double v) { return u - v; });  // y = a - b
}
inline std::vector<double> mul(const std::vector<double>& a, const std::vector<double>& b) {
  return zip(a, b, [](double u, double v) { return u * v; });  // y = a * b
}
// y = alpha * x
inline std::vector<double> scale(const std::vector<double>& x, double alpha) {
  return zip(x, x, [alpha](double u, double) { return alpha * u; });
}
// y + alpha * x (axpy accumulates into y)
inline std::vector<double> axpy(double alpha, const std::vector<double>& x,
                                const std::vector<double>& y) {
  return zip(x, y, [alpha](double u, double v) { return v + alpha * u; });
}

// y = max(x, 0)
inline std::vector<double> relu_forward(const std::vector<double>& x) {
  return zip(x, x, [](double u, double) { return u > 0 ? u : 0.0; });
}
// dx = dy where the forward OUTPUT y is positive, else 0 (d max(x,0)/dx = [x > 0])
inline std::vector<double> relu_backward(const std::vector<double>& y,
                                         const std::vector<double>& dy) {
  return zip(y, dy, [](double u, double g) { return u > 0 ? g : 0.0; });
}

// x, y (N, C, P); a, b (C): y[n,c,p] = x[n,c,p] * a[c] + b[c]
inline std::vector<double> channel_affine_forward(int N, int C, int P, const std::vector<double>& x,
                                                  const std::vector<double>& a,
                                                  const std::vector<double>& b) {
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int c = int(i / P % C);  // i = (n*C + c)*P + p
    y[i] = x[i] * a[c] + b[c];
  }
  (void)N;
  return y;
}
// dx = dy * a[c]
inline std::vector<double> channel_affine_backward(int N, int C, int P,
                                                   const std::vector<double>& a,
                                                   const std::vector<double>& dy) {
  return channel_affine_forward(N, C, P, dy, a, std::vector<double>(C, 0.0));
}

}  // namespace mgst::kernels::ref
