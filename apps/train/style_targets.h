// Style targets from style images: each image's masked Grams, computed once.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/train/config.h"
#include "losses/style_target.h"
#include "models/vgg19.h"

namespace mgst::train {

// Loads the style set as the run reads it (cfg's size and style masks;
// `crop` parsed from cfg.crop) and computes each image's Grams once on `net`'s
// `layers` (VGG-19 and cfg.loss.style_layers, or the task network and its
// layers; a random crop is read as a centre crop: the targets are fixed).
std::vector<losses::StyleGrams> style_set_grams(const models::LossNetwork& net,
                                                const std::vector<std::string>& layers,
                                                const std::vector<data::SampleSource>& style,
                                                const data::CropOptions& crop,
                                                const TrainConfig& cfg, Device device);

// The style target of one style sample (its own Grams, METHOD.md's `mean` over one image).
losses::StyleTarget single_style_target(const models::LossNetwork& net, const data::Sample& style,
                                        const std::vector<std::string>& layers, Device device);

}  // namespace mgst::train
