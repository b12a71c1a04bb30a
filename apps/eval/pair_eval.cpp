#include "apps/eval/pair_eval.h"

#include <utility>

#include "apps/data/colour_stats.h"
#include "apps/train/style_targets.h"
#include "core/autograd.h"
#include "core/version.h"
#include "losses/regions.h"

namespace mgst::eval {

namespace {

// The attention and bkgd weights m v and (1 - m) v of a sample.
std::pair<data::ImageF, data::ImageF> region_pair(const data::Sample& s) {
  data::ImageF att = s.mask, bkgd = s.mask;
  for (std::size_t p = 0; p < att.data.size(); ++p) {
    const float v = s.valid.data.empty() ? 1.f : s.valid.data[p];
    att.data[p] = s.mask.data[p] * v;
    bkgd.data[p] = (1.f - s.mask.data[p]) * v;
  }
  return {att, bkgd};
}

Json both(const data::ImageF& img, const data::ImageF& att, const data::ImageF& bkgd) {
  Json j = Json::object();
  j["att"] = data::to_json(data::colour_stats(img, att));
  j["bkgd"] = data::to_json(data::colour_stats(img, bkgd));
  return j;
}

}  // namespace

Json eval_pair(const data::Sample& cs, const data::Sample& ss, const models::TransformNet* net,
               const models::Vgg19& vgg, const losses::LossConfig& loss, Device device) {
  const data::Batch cb = data::make_batch({cs}, device);
  const losses::StyleTarget target = train::single_style_target(vgg, ss, loss.style_layers, device);
  NoGradGuard no_grad;
  const Tensor y = net ? net->forward(cb.x, cb.m) : cb.x;
  const losses::RegionWeights regions = losses::make_regions(cb.m, cb.v);
  const auto t = losses::compute_losses(vgg, loss, y, cb.x, regions, target);

  Json out = Json::object();
  out["content"] = double(t.content.item());
  out["style"] = double(t.style.item());
  out["task"] = double(t.task.item());
  out["tv"] = double(t.tv.item());
  out["total"] = double(t.total.item());
  Json layers = Json::object();
  for (std::size_t i = 0; i < loss.style_layers.size(); ++i)
    layers[loss.style_layers[i]] = double(t.style_per_layer[i].item());
  out["style_per_layer"] = layers;
  // Region colour statistics of output, input and style.
  const data::ImageF out_img = data::tensor_image(y, 0);
  const auto [c_att, c_bkgd] = region_pair(cs);
  const auto [s_att, s_bkgd] = region_pair(ss);
  Json stats = Json::object();
  stats["output"] = both(out_img, c_att, c_bkgd);
  stats["input"] = both(cs.image, c_att, c_bkgd);
  stats["style"] = both(ss.image, s_att, s_bkgd);
  out["stats"] = stats;
  out["size"] = std::to_string(cs.image.height) + "x" + std::to_string(cs.image.width);
  out["vgg"] = vgg.pretrained() ? "pretrained" : "random";
  out["mgst_version"] = version_string();
  return out;
}

}  // namespace mgst::eval
