#include "losses/regions.h"

#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"

namespace mgst::losses {

RegionWeights make_regions(const Tensor& m, const Tensor& v) {
  NoGradGuard no_grad;
  auto host = std::make_shared<HostRegions>();
  if (!v.defined()) return {m, Tensor(), host};
  Tensor ones = Tensor::ones(m.shape(), m.device());
  return {ops::mul(m, v), ops::mul(ops::sub(ones, m), v), host};
}

std::vector<float> pooled_sums(const std::vector<float>& w, int64_t N, int64_t H, int64_t W,
                               int stride) {
  const int64_t Ho = H / stride, Wo = W / stride;
  std::vector<float> out(std::size_t(N), 0.f);
  for (int64_t n = 0; n < N; ++n) {
    double s = 0;  // the sum of the window means = (sum over the covered pixels) / stride^2
    for (int64_t y = 0; y < Ho * stride; ++y)
      for (int64_t x = 0; x < Wo * stride; ++x) s += w[std::size_t((n * H + y) * W + x)];
    out[std::size_t(n)] = float(s / (double(stride) * stride));
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
  MGST_CHECK(r.host, "pool_regions: RegionWeights must come from make_regions");
  HostRegions& h = *r.host;
  if (!h.read) {  // once per batch: the full-resolution weights
    h.att = r.att.to_vector();
    if (r.bkgd.defined()) h.bkgd = r.bkgd.to_vector();
    h.read = true;
  }
  const int64_t N = r.att.size(0), H = r.att.size(2), W = r.att.size(3);
  p.att_sum = pooled_sums(h.att, N, H, W, stride);
  if (r.bkgd.defined()) {
    p.bkgd_sum = pooled_sums(h.bkgd, N, H, W, stride);
  } else {  // bkgd = 1 - att at the layer: its sum is the pixel count less att's
    const double pixels = double(H / stride) * double(W / stride);
    p.bkgd_sum.resize(p.att_sum.size());
    for (std::size_t n = 0; n < p.att_sum.size(); ++n)
      p.bkgd_sum[n] = float(pixels - double(p.att_sum[n]));
  }
  return p;
}

}  // namespace mgst::losses
