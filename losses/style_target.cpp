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
    const Tensor G = ops::masked_gram(F, p.both);  // (2, C, C): attention, bkgd
    const int64_t C = F.size(1);
    g.gram[l] = {G.view(0, {1, C, C}), G.view(C * C, {1, C, C})};
    const std::vector<float> sums = region_sums(p.both);  // one read: attention, bkgd
    g.present[l] = {sums[0] >= kEmptyRegion, sums[1] >= kEmptyRegion};
  }
  return g;
}

const StackedTarget& stacked_target(const StyleTarget& t, const std::string& layer, int64_t N) {
  const auto key = std::make_pair(layer, N);
  if (const auto it = t.stacked->find(key); it != t.stacked->end()) return it->second;
  NoGradGuard no_grad;
  const auto& regions = t.layers.at(layer);
  const Tensor& first = regions[0].gram;
  const int64_t C = first.size(1), CC = C * C;
  StackedTarget s;
  s.gram = Tensor::empty({2 * N, C, C}, first.device());
  for (int r = 0; r < 2; ++r) {
    const GramTarget& tg = regions[std::size_t(r)];
    const int64_t R = tg.gram.size(0);
    MGST_CHECK((R == 1 || R == N) && tg.gram.numel() == R * CC && int64_t(tg.valid.size()) == R,
               "style target for " << layer << " has " << R << " rows for a batch of " << N);
    if (R == N) s.gram.view(r * N * CC, {N, C, C}).copy_from(tg.gram);
    for (int64_t n = 0; n < N; ++n) {
      if (R == 1) s.gram.view((r * N + n) * CC, {1, C, C}).copy_from(tg.gram);
      s.valid.push_back(tg.valid[std::size_t(R == 1 ? 0 : n)]);
    }
  }
  bool uniform = true;
  for (float v : s.valid) uniform = uniform && v == s.valid[0];
  if (!uniform) s.valid_rows = Tensor::from_vector({2 * N}, s.valid, first.device());
  return t.stacked->emplace(key, std::move(s)).first->second;
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
  // Built stacked (stacked_target's form, region r's rows r*N..r*N+N-1), the
  // per-region grams as views into it; the row validity of every layer goes
  // up in one copy.
  std::vector<float> valid_all;
  std::vector<StackedTarget> stacks;
  for (const auto& l : layers) {
    const Tensor& first = set[0].gram.at(l)[0];
    const int64_t C = first.size(1), CC = C * C;
    StackedTarget s;
    s.gram = Tensor::empty({2 * N, C, C}, first.device());
    for (int r = 0; r < 2; ++r) {
      std::vector<float> valid(N);
      for (int n = 0; n < N; ++n) {
        const int k = pairing[n];
        MGST_CHECK(k >= 0 && k < int(set.size()),
                   "pairing index " << k << " outside the style set");
        s.gram.view((r * N + n) * CC, first.shape()).copy_from(set[k].gram.at(l)[r]);
        valid[n] = set[k].present.at(l)[r] ? 1.f : 0.f;
      }
      t.layers[l][r] = {s.gram.view(r * N * CC, {N, C, C}), valid};
      s.valid.insert(s.valid.end(), valid.begin(), valid.end());
    }
    valid_all.insert(valid_all.end(), s.valid.begin(), s.valid.end());
    stacks.push_back(std::move(s));
  }
  const Tensor valid_dev = layers.empty()
                               ? Tensor()
                               : Tensor::from_vector({int64_t(valid_all.size())}, valid_all,
                                                     set[0].gram.at(layers[0])[0].device());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    stacks[i].valid_rows = valid_dev.view(int64_t(i) * 2 * N, {2 * int64_t(N)});
    t.stacked->emplace(std::make_pair(layers[i], int64_t(N)), std::move(stacks[i]));
  }
  return t;
}

}  // namespace mgst::losses
