// Running a trained purifier on images of any size: reflection-pad to a
// multiple of 4, batch images of equal size, crop back.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/data/image_io.h"
#include "apps/data/input_tree.h"
#include "models/transform_net.h"

namespace mgst::train {

struct PurifyInput {
  data::ImageF image;  // (3,H,W)
  data::ImageF mask;   // (1,H,W)
};

// Outputs (3,H,W), unclamped (clamp when writing).
std::vector<data::ImageF> purify(const models::TransformNet& net,
                                 const std::vector<PurifyInput>& inputs, int batch);

struct PurifyOptions {
  data::MaskOptions masks;    // how the mask files are read
  int batch = 4;              // images decoded, run and written together
  int height = 0, width = 0;  // 0: each image at its own size, no crop
  data::CropOptions crop;     // with a size: the crop the net sees (eye or center)
  bool write_crop = false;    // write the purified crop, not the frame it is pasted into
  std::string out_dir;
};

// `mgst purify`: streams `inputs` through the net `batch` at a time (each
// file decoded once; memory bounded by the batch, not the number of files),
// writing OUT_DIR/<relative stem>.png, with a progress line on stderr and
// a summary line on stdout. Outputs are staged in a hidden folder inside
// OUT_DIR and moved into place only when every input has been purified, so a
// broken input found late leaves OUT_DIR as it was.
void purify_files(const models::TransformNet& net, const data::InputListing& inputs,
                  const PurifyOptions& options);

// Pads bottom/right by reflection to the next multiple of `m`.
data::ImageF pad_to_multiple(const data::ImageF& img, int m);

}  // namespace mgst::train
