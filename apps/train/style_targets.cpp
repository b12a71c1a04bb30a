#include "apps/train/style_targets.h"

#include "kernels/error.h"
#include "losses/regions.h"

namespace mgst::train {

namespace {

// A pixel of the attention region: m > 0 and not removed by the validity mask.
bool has_attention(const data::Sample& s) {
  for (std::size_t i = 0; i < s.mask.data.size(); ++i)
    if (s.mask.data[i] > 0.f && (s.valid.data.empty() || s.valid.data[i] > 0.f)) return true;
  return false;
}

// Every style image's attention region is empty: the style target's attention
// Grams would be zero and training would pull the real eyes toward nothing,
// so stop (a warning went unnoticed) and name the flag to fix.
[[noreturn]] void fail_empty_style_attention(const TrainConfig& cfg, std::size_t n) {
  const auto& labels = cfg.style_mask_options.attention_labels;
  std::string labels_text;
  for (int l : labels) labels_text += (labels_text.empty() ? "" : ",") + std::to_string(l);
  if (!labels.empty())
    MGST_FAIL("none of the " << n << " style images has a non-empty attention region: no pixel of "
                             << "their masks (--style-masks " << cfg.style_masks
                             << ") has one of the style attention labels " << labels_text
                             << ". Fix --style-attention-labels (it defaults to "
                             << "--attention-labels); 0/255 masks as `mgst masks` writes them "
                             << "need --style-attention-labels 255");
  MGST_FAIL("none of the " << n << " style images has a non-empty attention region: their masks "
                           << "(--style-masks " << cfg.style_masks << ") are all 0"
                           << (cfg.style_mask_options.uses_validity()
                                   ? " where --ignore-labels/--ignore-black leave pixels"
                                   : "")
                           << ". Fix --style-masks (or, for label-map masks, give "
                           << "--style-attention-labels)");
}

}  // namespace

std::vector<losses::StyleGrams> style_set_grams(const models::LossNetwork& net,
                                                const std::vector<std::string>& layers,
                                                const std::vector<data::SampleSource>& style,
                                                const data::CropOptions& crop,
                                                const TrainConfig& cfg, Device device) {
  std::vector<losses::StyleGrams> out;
  Rng unused(0);
  data::CropOptions style_crop = crop;
  if (style_crop.mode == data::CropMode::Random) style_crop.mode = data::CropMode::Center;
  bool any_attention = false;
  for (const auto& s : style) {
    const data::Sample smp =
        data::load_sample(s, cfg.height, cfg.width, cfg.style_mask_options, style_crop, unused);
    any_attention = any_attention || has_attention(smp);
    const data::Batch b = data::make_batch({smp}, device);
    out.push_back(losses::compute_style_grams(net, b.x, losses::make_regions(b.m, b.v), layers));
  }
  if (!any_attention) fail_empty_style_attention(cfg, style.size());
  return out;
}

losses::StyleTarget single_style_target(const models::LossNetwork& net, const data::Sample& style,
                                        const std::vector<std::string>& layers, Device device) {
  const data::Batch b = data::make_batch({style}, device);
  return losses::mean_style_target(
      {losses::compute_style_grams(net, b.x, losses::make_regions(b.m, b.v), layers)}, layers);
}

}  // namespace mgst::train
