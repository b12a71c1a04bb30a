// Running a trained purifier on images of any size: reflection-pad to a
// multiple of 4, batch images of equal size, crop back.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/data/image_io.h"
#include "models/transform_net.h"

namespace mgst::train {

struct PurifyInput {
  data::ImageF image;  // (3,H,W)
  data::ImageF mask;   // (1,H,W)
};

// Outputs (3,H,W), unclamped (clamp when writing).
std::vector<data::ImageF> purify(const models::TransformNet& net,
                                 const std::vector<PurifyInput>& inputs, int batch);

// `mgst purify`: each image of `sources` (with its mask, read with `masks`)
// at its own size, written to OUT_DIR/<stem>.png, printing "[i/n] path".
void purify_files(const models::TransformNet& net, const std::vector<data::SampleSource>& sources,
                  const data::MaskOptions& masks, int batch, const std::string& out_dir);

// Pads bottom/right by reflection to the next multiple of `m`.
data::ImageF pad_to_multiple(const data::ImageF& img, int m);

}  // namespace mgst::train
