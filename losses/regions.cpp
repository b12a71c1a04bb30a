#include "losses/regions.h"

#include "core/autograd.h"
#include "core/ops.h"

namespace mgst::losses {

RegionWeights make_regions(const Tensor& m, const Tensor& v) {
  NoGradGuard no_grad;
  if (!v.defined()) return {m, Tensor()};
  Tensor ones = Tensor::ones(m.shape(), m.device());
  return {ops::mul(m, v), ops::mul(ops::sub(ones, m), v)};
}

std::vector<float> per_sample_sums(const Tensor& w) {
  const std::vector<float> h = w.to_vector();
  const int64_t N = w.size(0), per = N ? w.numel() / N : 0;
  std::vector<float> out(N);
  for (int64_t n = 0; n < N; ++n) {
    double s = 0;
    for (int64_t i = 0; i < per; ++i) s += h[n * per + i];
    out[n] = float(s);
  }
  return out;
}

PooledRegions pool_regions(const RegionWeights& r, int stride) {
  NoGradGuard no_grad;
  PooledRegions p;
  p.att = ops::avg_pool(r.att, stride);
  if (r.bkgd.defined()) {
    p.bkgd = ops::avg_pool(r.bkgd, stride);
  } else {
    p.bkgd = ops::sub(Tensor::ones(p.att.shape(), p.att.device()), p.att);
  }
  p.att_sum = per_sample_sums(p.att);
  p.bkgd_sum = per_sample_sums(p.bkgd);
  return p;
}

}  // namespace mgst::losses
