// The two regions of METHOD.md ("Losses"): attention (weight m*v) and bkgd (weight (1-m)*v),
// at full resolution and pooled to each VGG layer's resolution.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace mgst::losses {

struct RegionWeights {
  Tensor att;   // (N,1,H,W): m * v
  Tensor bkgd;  // (N,1,H,W): (1-m) * v, or undefined when there is no v
                // (then bkgd at a layer is computed as 1 - att_l, as METHOD.md says)
};

// m (N,1,H,W) in [0,1]; v (N,1,H,W) validity or undefined (= 1).
RegionWeights make_regions(const Tensor& m, const Tensor& v);

struct PooledRegions {
  Tensor att, bkgd;  // (N,1,H/s,W/s)
};

// Average pool with window and stride `stride` (floor on odd sizes). Device
// work only: a training step calls it and must not wait for the GPU.
PooledRegions pool_regions(const RegionWeights& r, int stride);

// Per-sample sums of a pooled region (N,1,h,w), read to the host (waits for
// the device): for reports and the style set's region flags, not the step.
std::vector<float> region_sums(const Tensor& pooled);

// METHOD.md's empty-region threshold on pooled mask sums.
constexpr float kEmptyRegion = 1e-6f;

}  // namespace mgst::losses
