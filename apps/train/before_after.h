// The before/after grid of `mgst demo` and `mgst train` (its end and
// --sample-every): one row per input, columns input | purified | a style
// image, so a run's effect can be judged by eye.
#pragma once
#include <string>
#include <vector>

#include "apps/data/image_io.h"
#include "apps/train/purify.h"
#include "models/transform_net.h"

namespace mgst::train {

// Writes the PNG at `path`; row i shows inputs[i], its purified image and
// styles[i % styles.size()]. `inputs` and `styles` must not be empty.
void write_before_after(const std::string& path, const models::TransformNet& net,
                        const std::vector<PurifyInput>& inputs,
                        const std::vector<data::ImageF>& styles);

}  // namespace mgst::train
