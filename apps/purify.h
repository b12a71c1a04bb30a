// Running a trained purifier on images of any size: reflection-pad to a
// multiple of 4, batch images of equal size, crop back.
#pragma once
#include <vector>

#include "apps/image_io.h"
#include "models/transform_net.h"

namespace mgst::app {

struct PurifyInput {
  io::ImageF image;  // (3,H,W)
  io::ImageF mask;   // (1,H,W)
};

// Outputs (3,H,W), unclamped (clamp when writing).
std::vector<io::ImageF> purify(const models::TransformNet& net,
                               const std::vector<PurifyInput>& inputs, int batch);

// Pads bottom/right by reflection to the next multiple of `m`.
io::ImageF pad_to_multiple(const io::ImageF& img, int m);

}  // namespace mgst::app
