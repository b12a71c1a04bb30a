#include "losses/regions.h"

#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"

namespace mgst::losses {

RegionWeights make_regions(const Tensor& m, const Tensor& v) {
  NoGradGuard no_grad;
  RegionWeights r;
  if (!v.defined()) {
    r.att = m;
    return r;
  }
  Tensor ones = Tensor::ones(m.shape(), m.device());
  r.att = ops::mul(m, v);
  r.bkgd = ops::mul(ops::sub(ones, m), v);
  return r;
}

PooledRegions pool_regions(const RegionWeights& r, int stride) {
  if (r.pooled) {
    const auto it = r.pooled->find(stride);
    if (it != r.pooled->end()) return it->second;
  }
  NoGradGuard no_grad;
  PooledRegions p;
  p.att = ops::avg_pool(r.att, stride);
  if (r.bkgd.defined()) {
    p.bkgd = ops::avg_pool(r.bkgd, stride);
  } else {
    p.bkgd = ops::sub(Tensor::ones(p.att.shape(), p.att.device()), p.att);
  }
  if (r.pooled) r.pooled->emplace(stride, p);
  return p;
}

std::vector<float> region_sums(const Tensor& pooled) {
  const int64_t N = pooled.size(0), per = N ? pooled.numel() / N : 0;
  const std::vector<float> w = pooled.to_vector();
  std::vector<float> out(std::size_t(N), 0.f);
  for (int64_t n = 0; n < N; ++n) {
    double s = 0;
    for (int64_t i = 0; i < per; ++i) s += w[std::size_t(n * per + i)];
    out[std::size_t(n)] = float(s);
  }
  return out;
}

}  // namespace mgst::losses
