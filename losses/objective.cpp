#include "losses/objective.h"

#include <cmath>
#include <set>

#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"

namespace mgst::losses {

std::vector<std::string> LossConfig::vgg_layers() const {
  std::vector<std::string> out = style_layers;
  bool has = false;
  for (const auto& l : out) has = has || l == content_layer;
  if (!has) out.push_back(content_layer);
  return out;
}

std::string LossConfig::deepest_layer() const { return models::Vgg19::deepest_of(vgg_layers()); }

void LossConfig::validate() const {
  models::Vgg19::check_layer_name(content_layer);
  MGST_CHECK(!style_layers.empty(), "no style layers given");
  std::set<std::string> seen;
  for (const auto& l : style_layers) {
    models::Vgg19::check_layer_name(l);
    MGST_CHECK(seen.insert(l).second, "style layer " << l << " listed twice");
  }
  MGST_CHECK(style_layer_weights.size() == style_layers.size() ||
                 (style_layer_weights_auto && style_layer_weights.empty()),
             style_layer_weights.size()
                 << " style-layer weights for " << style_layers.size() << " style layers");
}

std::vector<Tensor> region_style_loss(const models::LossNetwork& net,
                                      const std::map<std::string, Tensor>& feats,
                                      const std::vector<std::string>& layers,
                                      const std::vector<double>& layer_weights,
                                      const RegionWeights& regions, const StyleTarget& target) {
  MGST_CHECK(layer_weights.size() == layers.size(), layer_weights.size()
                                                        << " layer weights for " << layers.size()
                                                        << " " << net.kind() << " style layers");
  // Per layer, both regions at once: G (2N, C, C) = the masked Grams of F_l
  // by the stacked pooled weights (rows 0..N-1 attention, N..2N-1 bkgd), one
  // row mse against the stacked target with row weights 2 w_l where the
  // region is non-empty (the device guard) times the target's validity:
  //   (1/2N) sum_r 2 w_l [nonempty_r valid_r] mse(G_r, T_r)
  //     = w_l (mean_n att_n + mean_n bkgd_n)
  // as METHOD.md's w_l sum_r mse(G(F_l, r_l), T_l,r), the batch mean
  // dividing by N per region.
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& l = layers[i];
    const PooledRegions p = pool_regions(regions, net.stride(l));
    const Tensor& F = feats.at(l);
    const int64_t N = F.size(0), C = F.size(1);
    const StackedTarget& tg = stacked_target(target, l, N);
    const float two_wl = 2.f * float(layer_weights[i]);
    Tensor row_weight;
    {
      NoGradGuard no_grad;
      row_weight = tg.valid_rows.defined()
                       ? ops::mul(ops::row_nonempty(p.both, kEmptyRegion, two_wl), tg.valid_rows)
                       : ops::row_nonempty(p.both, kEmptyRegion, two_wl * tg.valid[0]);
    }
    const Tensor G = ops::masked_gram(F, p.both, 1e-8f);
    out.push_back(ops::weighted_row_mse(ops::reshape(G, {2 * N, C * C}),
                                        ops::reshape(tg.gram, {2 * N, C * C}), row_weight));
  }
  return out;
}

std::vector<double> balanced_layer_weights(const std::vector<double>& per_layer,
                                           const std::vector<std::string>& layers) {
  MGST_CHECK(per_layer.size() == layers.size() && !layers.empty(),
             "balanced layer weights: " << per_layer.size() << " losses for " << layers.size()
                                        << " layers");
  double total = 0;
  for (double v : per_layer) total += v;
  std::vector<double> w;
  for (std::size_t i = 0; i < per_layer.size(); ++i) {
    MGST_CHECK(std::isfinite(per_layer[i]) && per_layer[i] > 0,
               "--style-layer-weights auto: the style loss of layer "
                   << layers[i] << " is " << per_layer[i]
                   << " at the identity on the first batch, so it cannot be balanced; give the "
                      "weights explicitly");
    w.push_back(total / (double(per_layer.size()) * per_layer[i]));
  }
  return w;
}

namespace {
// sum_i x_i, one weighted_sum launch
Tensor sum_of(const std::vector<Tensor>& x) {
  return ops::weighted_sum(x, std::vector<float>(x.size(), 1.f));
}
}  // namespace

LossTerms compute_losses(const models::Vgg19& vgg, const LossConfig& cfg, const Tensor& y,
                         const Tensor& x, const RegionWeights& regions, const StyleTarget& target,
                         const TaskStyleTerm& psi) {
  MGST_CHECK(y.shape() == x.shape(),
             "losses: output " << shape_str(y.shape()) << " vs input " << shape_str(x.shape()));
  const auto fy = vgg.features(y, cfg.vgg_layers());
  Tensor fx_content;
  {
    NoGradGuard no_grad;  // phi_c(x) is a constant target
    fx_content = vgg.features(x, {cfg.content_layer}).at(cfg.content_layer);
  }
  LossTerms t;

  // Content: full + attention region.
  const Tensor& fy_c = fy.at(cfg.content_layer);
  const PooledRegions rc = pool_regions(regions, models::Vgg19::layer_stride(cfg.content_layer));
  // L_c = mse + lambda_att * masked mse (each weighted sum below is one kernel
  // launch forward and one backward: ops::weighted_sum)
  t.content = ops::weighted_sum({ops::mse(fy_c, fx_content),
                                 ops::masked_mse(fy_c, fx_content, rc.att, 1e-8f)},
                                {1.f, float(cfg.lambda_att)});

  // Region style.
  MGST_CHECK(cfg.style_layer_weights.size() == cfg.style_layers.size(),
             "style-layer weights not set (--style-layer-weights auto is resolved by the trainer "
             "on its first batch)");
  t.style_per_layer =
      region_style_loss(vgg, fy, cfg.style_layers, cfg.style_layer_weights, regions, target);
  t.style = sum_of(t.style_per_layer);  // L_s = sum_l w_l (att_l + bkgd_l)

  t.task = ops::task_edge_loss(y, x, regions.att, 1e-8f);
  t.tv = ops::total_variation(y);
  // L = w_c L_c + w_s L_s + w_t L_t + w_tv L_tv (+ w_psi L_psi)
  std::vector<Tensor> terms = {t.content, t.style, t.task, t.tv};
  std::vector<float> weights = {float(cfg.w_content), float(cfg.w_style), float(cfg.w_task),
                                float(cfg.w_tv)};
  if (psi.net) {
    MGST_CHECK(psi.target, "task-network style term without its target");
    const auto fpsi = psi.net->features(y, psi.layers);
    t.task_style_per_layer =
        region_style_loss(*psi.net, fpsi, psi.layers, std::vector<double>(psi.layers.size(), 1.0),
                          regions, *psi.target);
    t.task_style = sum_of(t.task_style_per_layer);
    terms.push_back(t.task_style);
    weights.push_back(float(cfg.w_task_style));
  }
  t.total = ops::weighted_sum(terms, weights);
  return t;
}

}  // namespace mgst::losses
