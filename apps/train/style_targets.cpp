#include "apps/train/style_targets.h"

#include "losses/regions.h"

namespace mgst::train {

std::vector<losses::StyleGrams> style_set_grams(const models::Vgg19& vgg,
                                                const std::vector<data::SampleSource>& style,
                                                const data::CropOptions& crop,
                                                const TrainConfig& cfg, Device device) {
  std::vector<losses::StyleGrams> out;
  Rng unused(0);
  data::CropOptions style_crop = crop;
  if (style_crop.mode == data::CropMode::Random) style_crop.mode = data::CropMode::Center;
  for (const auto& s : style) {
    const data::Sample smp =
        data::load_sample(s, cfg.height, cfg.width, cfg.style_mask_options, style_crop, unused);
    const data::Batch b = data::make_batch({smp}, device);
    out.push_back(losses::compute_style_grams(vgg, b.x, losses::make_regions(b.m, b.v),
                                              cfg.loss.style_layers));
  }
  return out;
}

losses::StyleTarget single_style_target(const models::Vgg19& vgg, const data::Sample& style,
                                        const std::vector<std::string>& layers, Device device) {
  const data::Batch b = data::make_batch({style}, device);
  return losses::mean_style_target(
      {losses::compute_style_grams(vgg, b.x, losses::make_regions(b.m, b.v), layers)}, layers);
}

}  // namespace mgst::train
