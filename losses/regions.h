// The two regions of METHOD.md ("Losses"): attention (weight m*v) and bkgd (weight (1-m)*v),
// at full resolution and pooled to each VGG layer's resolution.
#pragma once
#include <map>
#include <memory>
#include <vector>

#include "core/tensor.h"

namespace mgst::losses {

struct PooledRegions {
  Tensor both;       // (2N,1,H/s,W/s): rows 0..N-1 attention, N..2N-1 bkgd (one launch)
  Tensor att, bkgd;  // (N,1,H/s,W/s): views into `both`
};

struct RegionWeights {
  Tensor att;   // (N,1,H,W): m * v
  Tensor bkgd;  // (N,1,H,W): (1-m) * v, or undefined when there is no v
                // (then bkgd at a layer is computed as 1 - att_l, as METHOD.md says)
  Tensor both;  // with v: (2N,1,H,W), att then bkgd (att and bkgd are views into
                // it), so that one avg_pool pools both; undefined without v
  // pool_regions' results by stride, shared by the copies of these weights:
  // the layers of one batch that share a stride (relu2_1 and the content
  // layer relu2_2) pool once. att and bkgd must not change once pooled.
  std::shared_ptr<std::map<int, PooledRegions>> pooled =
      std::make_shared<std::map<int, PooledRegions>>();
};

// m (N,1,H,W) in [0,1]; v (N,1,H,W) validity or undefined (= 1).
RegionWeights make_regions(const Tensor& m, const Tensor& v);

// Average pool with window and stride `stride` (floor on odd sizes; stride
// 1 is the weights themselves), computed once per stride for `r` (its cache),
// both regions in one launch: avg_pool of `both` with v, else att_l and
// 1 - att_l by ops::avg_pool_complement. Device work only: a training step
// calls it and must not wait for the GPU.
PooledRegions pool_regions(const RegionWeights& r, int stride);

// Per-sample sums of a pooled region (N,1,h,w), read to the host (waits for
// the device): for reports and the style set's region flags, not the step.
std::vector<float> region_sums(const Tensor& pooled);

// METHOD.md's empty-region threshold on pooled mask sums.
constexpr float kEmptyRegion = 1e-6f;

}  // namespace mgst::losses
