// Style-side Gram matrices: computed once per style image (constants) and
// combined into the target of the region style loss.
//   mean   : per layer and region, the mean of the style images' masked Grams,
//            leaving out images whose region is empty (METHOD.md's default);
//   paired : each training sample gets one style image's own Grams.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "losses/regions.h"
#include "models/loss_network.h"

namespace mgst::losses {

enum Region { kAttention = 0, kBkgd = 1 };
inline const char* region_name(int r) { return r == kAttention ? "att" : "bkgd"; }

// One style image's Grams: per layer, per region, a (C,C) Gram and whether
// that region is non-empty at that layer.
struct StyleGrams {
  std::map<std::string, std::array<Tensor, 2>> gram;  // (1,C,C)
  std::map<std::string, std::array<bool, 2>> present;
};

// img (1,3,H,W), regions of that image; `net` is VGG-19 or the task network.
StyleGrams compute_style_grams(const models::LossNetwork& net, const Tensor& img,
                               const RegionWeights& regions,
                               const std::vector<std::string>& layers);

// The target of one layer and region: gram (R,C,C) with R = 1 (broadcast to
// the batch) or N, and valid[r] = 0 where the target region is empty.
struct GramTarget {
  Tensor gram;
  std::vector<float> valid;
};
// A layer's target for a batch of N with both regions stacked like
// PooledRegions::both: what the region style loss compares its (2N, C, C)
// Grams with, in one row mse.
struct StackedTarget {
  Tensor gram;               // (2N, C, C): rows 0..N-1 attention, N..2N-1 bkgd
  std::vector<float> valid;  // (2N)
  Tensor valid_rows;         // (2N) on the gram's device where the rows' validity may
                             // differ (always for a paired target); undefined where
                             // all rows share valid[0], a factor of the row weights
};
struct StyleTarget {
  std::map<std::string, std::array<GramTarget, 2>> layers;
  // stacked_target's results by (layer, N), shared by the copies of this
  // target: `layers` must not change once stacked.
  std::shared_ptr<std::map<std::pair<std::string, int64_t>, StackedTarget>> stacked =
      std::make_shared<std::map<std::pair<std::string, int64_t>, StackedTarget>>();
};

// The target of `layer` for a batch of N, stacked once per target and N (a
// one-row target repeated N times; device copies, no wait for the device).
const StackedTarget& stacked_target(const StyleTarget& t, const std::string& layer, int64_t N);

// METHOD.md's `mean` target over a style set.
StyleTarget mean_style_target(const std::vector<StyleGrams>& set,
                              const std::vector<std::string>& layers);
// METHOD.md's `paired` target: sample n uses set[pairing[n]].
StyleTarget paired_style_target(const std::vector<StyleGrams>& set, const std::vector<int>& pairing,
                                const std::vector<std::string>& layers);

}  // namespace mgst::losses
