#include "losses/style_target.h"

#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"

namespace mgst::losses {

StyleGrams compute_style_grams(const models::LossNetwork& net, const Tensor& img,
                               const RegionWeights& regions,
                               const std::vector<std::string>& layers) {
  NoGradGuard no_grad;
  MGST_CHECK(img.dim() == 4 && img.size(0) == 1,
             "style image must be (1, 3, H, W), got " << shape_str(img.shape()));
  const auto feats = net.features(img, layers);
  StyleGrams g;
  for (const auto& l : layers) {
    const PooledRegions p = pool_regions(regions, net.stride(l));
    const Tensor& F = feats.at(l);
    g.gram[l] = {ops::masked_gram(F, p.att), ops::masked_gram(F, p.bkgd)};
    g.present[l] = {region_sums(p.att)[0] >= kEmptyRegion, region_sums(p.bkgd)[0] >= kEmptyRegion};
  }
  return g;
}

StyleTarget mean_style_target(const std::vector<StyleGrams>& set,
                              const std::vector<std::string>& layers) {
  NoGradGuard no_grad;
  MGST_CHECK(!set.empty(), "the style set is empty");
  StyleTarget t;
  for (const auto& l : layers) {
    for (int r = 0; r < 2; ++r) {
      const Tensor& first = set[0].gram.at(l)[r];
      // Accumulate in double on the host: the set can hold hundreds of images.
      std::vector<double> acc(first.numel(), 0.0);
      int count = 0;
      for (const auto& s : set) {
        if (!s.present.at(l)[r]) continue;
        const std::vector<float> g = s.gram.at(l)[r].to_vector();
        for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += g[i];
        ++count;
      }
      std::vector<float> mean(acc.size(), 0.f);
      for (std::size_t i = 0; i < acc.size(); ++i) mean[i] = count ? float(acc[i] / count) : 0.f;
      t.layers[l][r] = {Tensor::from_vector(first.shape(), mean, first.device()),
                        {count > 0 ? 1.f : 0.f}};
    }
  }
  return t;
}

StyleTarget paired_style_target(const std::vector<StyleGrams>& set, const std::vector<int>& pairing,
                                const std::vector<std::string>& layers) {
  NoGradGuard no_grad;
  MGST_CHECK(!set.empty() && !pairing.empty(), "paired style target: empty style set or batch");
  StyleTarget t;
  const int N = int(pairing.size());
  for (const auto& l : layers) {
    for (int r = 0; r < 2; ++r) {
      const Tensor& first = set[0].gram.at(l)[r];
      const int64_t CC = first.numel();
      Tensor stacked = Tensor::empty({N, first.size(1), first.size(2)}, first.device());
      std::vector<float> valid(N);
      for (int n = 0; n < N; ++n) {
        const int k = pairing[n];
        MGST_CHECK(k >= 0 && k < int(set.size()),
                   "pairing index " << k << " outside the style set");
        stacked.view(n * CC, first.shape()).copy_from(set[k].gram.at(l)[r]);
        valid[n] = set[k].present.at(l)[r] ? 1.f : 0.f;
      }
      t.layers[l][r] = {stacked, valid};
    }
  }
  return t;
}

}  // namespace mgst::losses
