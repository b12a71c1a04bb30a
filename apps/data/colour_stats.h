// Per-channel colour statistics of an image inside a weighted region
// (METHOD.md "Evaluation": "region colour statistics").
#pragma once
#include <array>

#include "apps/data/image_io.h"
#include "core/io/json.h"

namespace mgst::data {

struct ColourStats {
  std::array<double, 3> mean{}, std{};
  double weight = 0;  // sum of the region weights (0: empty region, stats are 0)
};

// img (3,H,W), weight (1,H,W) >= 0: weighted mean and (biased) std per channel.
ColourStats colour_stats(const ImageF& img, const ImageF& weight);
Json to_json(const ColourStats& s);

}  // namespace mgst::data
