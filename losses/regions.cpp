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
  // [m; 1 - m] * [v; v]: both regions' full-resolution weights in one tensor
  const int64_t N = m.size(0), per = N ? m.numel() / N : 0;
  Tensor vv = Tensor::empty({2 * N, m.size(1), m.size(2), m.size(3)}, m.device());
  vv.view(0, v.shape()).copy_from(v);
  vv.view(N * per, v.shape()).copy_from(v);
  r.both = ops::mul(ops::avg_pool_complement(m, 1), vv);
  r.att = r.both.view(0, m.shape());
  r.bkgd = r.both.view(N * per, m.shape());
  return r;
}

namespace {
// att and bkgd as views of the stacked (2N, ...) weights
PooledRegions split(const Tensor& both) {
  const int64_t N = both.size(0) / 2;
  Shape half = both.shape();
  half[0] = N;
  PooledRegions p;
  p.both = both;
  p.att = both.view(0, half);
  p.bkgd = both.view(both.numel() / 2, half);
  return p;
}
}  // namespace

PooledRegions pool_regions(const RegionWeights& r, int stride) {
  if (r.pooled) {
    const auto it = r.pooled->find(stride);
    if (it != r.pooled->end()) return it->second;
  }
  NoGradGuard no_grad;
  const PooledRegions p = split(r.both.defined() ? ops::avg_pool(r.both, stride)
                                                 : ops::avg_pool_complement(r.att, stride));
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
