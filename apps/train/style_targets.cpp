#include "apps/train/style_targets.h"

#include "apps/train/distributed.h"
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

// Image i's Grams from the rank that computed them (i % ranks) to every
// rank, one broadcast per image: per layer and region the (C,C) Gram, then
// the region's presence flag.
void share_grams(std::vector<losses::StyleGrams>& set, const std::vector<std::string>& layers,
                 Device device) {
  const World& w = world();
  // The channel count of each layer (VGG's or the task network's), from
  // rank 0, which always computes image 0.
  std::vector<float> channels(layers.size());
  if (w.rank == 0)
    for (std::size_t k = 0; k < layers.size(); ++k)
      channels[k] = float(set[0].gram.at(layers[k])[0].size(1));
  broadcast(channels.data(), int64_t(channels.size()), 0);
  std::size_t floats = 0;
  for (const float c : channels) floats += 2 * std::size_t(int64_t(c) * int64_t(c) + 1);
  std::vector<float> buf(floats);
  for (std::size_t i = 0; i < set.size(); ++i) {
    const int owner = int(i % std::size_t(w.size));
    losses::StyleGrams& g = set[i];
    std::size_t at = 0;
    if (owner == w.rank)
      for (const auto& l : layers)
        for (int r = 0; r < 2; ++r) {
          const std::vector<float> v = g.gram.at(l)[r].to_vector();
          std::copy(v.begin(), v.end(), buf.begin() + long(at));
          at += v.size();
          buf[at++] = g.present.at(l)[r] ? 1.f : 0.f;
        }
    broadcast(buf.data(), int64_t(buf.size()), owner);
    if (owner == w.rank) continue;
    at = 0;
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const std::string& l = layers[k];
      const int64_t C = int64_t(channels[k]);
      for (int r = 0; r < 2; ++r) {
        g.gram[l][r] = Tensor::from_vector({1, C, C},
                                           std::vector<float>(buf.begin() + long(at),
                                                              buf.begin() + long(at + C * C)),
                                           device);
        at += std::size_t(C * C);
        g.present[l][r] = buf[at++] > 0.5f;
      }
    }
  }
}

}  // namespace

std::vector<losses::StyleGrams> style_set_grams(const models::LossNetwork& net,
                                                const std::vector<std::string>& layers,
                                                const std::vector<data::SampleSource>& style,
                                                const data::CropOptions& crop,
                                                const TrainConfig& cfg, Device device) {
  // In a data-parallel run each rank decodes and computes images i with
  // i % ranks == rank, then every rank receives all of them.
  const World& w = world();
  std::vector<losses::StyleGrams> out(style.size());
  Rng unused(0);
  data::CropOptions style_crop = crop;
  if (style_crop.mode == data::CropMode::Random) style_crop.mode = data::CropMode::Center;
  bool any_attention = false;
  for (std::size_t i = std::size_t(w.rank); i < style.size(); i += std::size_t(w.size)) {
    const data::Sample smp = data::load_sample(style[i], cfg.height, cfg.width,
                                               cfg.style_mask_options, style_crop, unused);
    any_attention = any_attention || has_attention(smp);
    const data::Batch b = data::make_batch({smp}, device);
    out[i] = losses::compute_style_grams(net, b.x, losses::make_regions(b.m, b.v), layers);
  }
  if (w.size > 1) share_grams(out, layers, device);
  if (!allreduce_max(any_attention ? 1 : 0)) fail_empty_style_attention(cfg, style.size());
  return out;
}

losses::StyleTarget single_style_target(const models::LossNetwork& net, const data::Sample& style,
                                        const std::vector<std::string>& layers, Device device) {
  const data::Batch b = data::make_batch({style}, device);
  return losses::mean_style_target(
      {losses::compute_style_grams(net, b.x, losses::make_regions(b.m, b.v), layers)}, layers);
}

}  // namespace mgst::train
