// METHOD.md's colour baselines for the task evaluation: a purifier that does not
// beat them is not working.
//   global  per channel, y = (x - mean_x) / std_x * std_s + mean_s, with the
//           style set's pooled mean/std over its valid pixels;
//   region  the same per region (attention m, bkgd 1 - m, both times the
//           validity v), blended y = m T_att(x) + (1 - m) T_bkgd(x); a region
//           that is empty in the image or in the style set stays unchanged.
// Because `region` reads the mask it can leak the mask into the image: the
// task evaluation's shifted-mask control applies to it as to the purifier.
#pragma once
#include <vector>

#include "apps/data/colour_stats.h"
#include "apps/data/image_io.h"

namespace mgst::eval {

struct StyleColourStats {
  data::ColourStats global, att, bkgd;
};

// Pooled statistics of a set of images (3,H,W) with masks (1,H,W) and
// optional validities (empty = all valid).
StyleColourStats style_colour_stats(const std::vector<const data::ImageF*>& images,
                                    const std::vector<const data::ImageF*>& masks,
                                    const std::vector<const data::ImageF*>& valids);

// Pools per-image statistics (weighted by region weight).
data::ColourStats pool_stats(const std::vector<data::ColourStats>& parts);

data::ImageF global_colour_transfer(const data::ImageF& img, const data::ImageF& valid,
                                    const data::ColourStats& target);
data::ImageF region_colour_transfer(const data::ImageF& img, const data::ImageF& mask,
                                    const data::ImageF& valid, const StyleColourStats& target);

}  // namespace mgst::eval
