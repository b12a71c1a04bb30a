// The two regions of METHOD.md ("Losses"): attention (weight m*v) and bkgd (weight (1-m)*v),
// at full resolution and pooled to each VGG layer's resolution.
#pragma once
#include <memory>
#include <vector>

#include "core/tensor.h"

namespace mgst::losses {

// Host copies of a RegionWeights' att and bkgd, read from the device once
// per batch (pool_regions' empty-region sums at every layer come from them,
// not from one device read per layer and region).
struct HostRegions {
  bool read = false;
  std::vector<float> att, bkgd;  // bkgd empty when RegionWeights::bkgd is undefined
};

struct RegionWeights {
  Tensor att;   // (N,1,H,W): m * v
  Tensor bkgd;  // (N,1,H,W): (1-m) * v, or undefined when there is no v
                // (then bkgd at a layer is computed as 1 - att_l, as METHOD.md says)
  // Filled by pool_regions on first use (shared by copies); make_regions
  // creates it, and pool_regions requires it.
  std::shared_ptr<HostRegions> host;
};

// m (N,1,H,W) in [0,1]; v (N,1,H,W) validity or undefined (= 1).
RegionWeights make_regions(const Tensor& m, const Tensor& v);

struct PooledRegions {
  Tensor att, bkgd;                      // (N,1,H/s,W/s)
  std::vector<float> att_sum, bkgd_sum;  // per sample, for the empty-region guard
};

// Average pool with window and stride `stride` (floor on odd sizes).
PooledRegions pool_regions(const RegionWeights& r, int stride);

// Per-sample sums of the average pool with window and stride `stride` (floor on odd
// sizes), from host values laid out (N,1,H,W).
std::vector<float> pooled_sums(const std::vector<float>& w, int64_t N, int64_t H, int64_t W,
                               int stride);

// METHOD.md's empty-region threshold on pooled mask sums.
constexpr float kEmptyRegion = 1e-6f;

}  // namespace mgst::losses
