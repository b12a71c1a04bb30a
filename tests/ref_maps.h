// Plain-loop double-precision building blocks of the loss references
// (tests/test_losses_reference.cpp, tests/test_task_style.cpp), written from
// docs/METHOD.md only: feature maps, the pooled masks at a layer's stride,
// the masked Gram matrix and the mse over its entries.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace mgst::test::ref {

using Vec = std::vector<double>;

// One sample's feature maps (C, H, W), row-major.
struct Map {
  int C = 0, H = 0, W = 0;
  Vec d;
  Map() = default;
  Map(int c, int h, int w) : C(c), H(h), W(w), d(std::size_t(c) * h * w, 0.0) {}
  double& at(int c, int i, int j) { return d[(std::size_t(c) * H + i) * W + j]; }
  double at(int c, int i, int j) const { return d[(std::size_t(c) * H + i) * W + j]; }
};

// Average pool of a (H, W) plane with window = stride = s (floor).
inline Map avg_pool(const Map& m, int s) {
  Map out(1, m.H / s, m.W / s);
  for (int i = 0; i < out.H; ++i)
    for (int j = 0; j < out.W; ++j) {
      double acc = 0;
      for (int a = 0; a < s; ++a)
        for (int b = 0; b < s; ++b) acc += m.at(0, i * s + a, j * s + b);
      out.at(0, i, j) = acc / (s * s);
    }
  return out;
}

// 2x2 max pool, stride 2, floor on odd sizes.
inline Map max_pool(const Map& in) {
  Map out(in.C, in.H / 2, in.W / 2);
  for (int c = 0; c < in.C; ++c)
    for (int i = 0; i < out.H; ++i)
      for (int j = 0; j < out.W; ++j)
        out.at(c, i, j) =
            std::max(std::max(in.at(c, 2 * i, 2 * j), in.at(c, 2 * i, 2 * j + 1)),
                     std::max(in.at(c, 2 * i + 1, 2 * j), in.at(c, 2 * i + 1, 2 * j + 1)));
  return out;
}

inline double plane_sum(const Map& m) {
  double s = 0;
  for (double v : m.d) s += v;
  return s;
}

inline Map one_minus(const Map& m) {
  Map o = m;
  for (auto& v : o.d) v = 1.0 - v;
  return o;
}

// METHOD.md "Masked Gram matrix": G = (F*w)(F*w)^T / (C * sum w + eps).
inline Vec masked_gram_ref(const Map& F, const Map& w) {
  const int C = F.C;
  const std::size_t P = std::size_t(F.H) * F.W;
  Vec fw(std::size_t(C) * P);
  for (int c = 0; c < C; ++c)
    for (std::size_t p = 0; p < P; ++p) fw[c * P + p] = F.d[c * P + p] * w.d[p];
  const double den = C * plane_sum(w) + 1e-8;
  Vec G(std::size_t(C) * C);
  for (int a = 0; a < C; ++a)
    for (int b = a; b < C; ++b) {
      double s = 0;
      for (std::size_t p = 0; p < P; ++p) s += fw[a * P + p] * fw[b * P + p];
      G[std::size_t(a) * C + b] = G[std::size_t(b) * C + a] = s / den;
    }
  return G;
}

inline double mse_vec(const Vec& a, const Vec& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s / double(a.size());
}

}  // namespace mgst::test::ref
