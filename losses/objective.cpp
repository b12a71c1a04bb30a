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
  // The row weights of every layer and region: the empty-region guard,
  // computed on the device (a step reads nothing back), times the target's
  // validity. A target with one row (the mean target) has one validity,
  // applied as a factor; per-sample targets (paired) have their validity
  // uploaded in ONE copy for all layers and regions.
  std::vector<PooledRegions> pooled;
  std::vector<float> valid;
  bool per_sample = false;
  int64_t N = 0;
  for (const std::string& l : layers) {
    pooled.push_back(pool_regions(regions, net.stride(l)));
    N = feats.at(l).size(0);
    for (int r = 0; r < 2; ++r) {
      const GramTarget& tg = target.layers.at(l)[r];
      const int64_t R = tg.gram.size(0);
      MGST_CHECK(R == 1 || R == N,
                 "style target for " << l << " has " << R << " rows for a batch of " << N);
      per_sample = per_sample || R > 1;
      for (int64_t n = 0; n < N; ++n) valid.push_back(tg.valid[R == 1 ? 0 : n]);
    }
  }
  std::vector<Tensor> out;
  if (layers.empty()) return out;
  const Tensor valid_all =
      per_sample ? Tensor::from_vector({int64_t(valid.size())}, valid, feats.at(layers[0]).device())
                 : Tensor();
  auto row_weights = [&](std::size_t i, int r) {
    NoGradGuard no_grad;
    const Tensor& p = r == kAttention ? pooled[i].att : pooled[i].bkgd;
    const Tensor nonempty = ops::row_nonempty(p, kEmptyRegion);
    if (valid_all.defined())
      return ops::mul(nonempty, valid_all.view((int64_t(i) * 2 + r) * N, {N}));
    const float v = valid[(i * 2 + std::size_t(r)) * std::size_t(N)];
    return v == 1.f ? nonempty : ops::scale(nonempty, v);
  };
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& l = layers[i];
    const PooledRegions& p = pooled[i];
    const Tensor& F = feats.at(l);
    const int64_t C = F.size(1);
    std::vector<Tensor> region_terms;  // mse(G(F_l, r_l), T_l,r) for r = att, bkgd
    for (int r = 0; r < 2; ++r) {
      const GramTarget& tg = target.layers.at(l)[r];
      const int64_t R = tg.gram.size(0);
      const Tensor G = ops::masked_gram(F, r == kAttention ? p.att : p.bkgd, 1e-8f);
      region_terms.push_back(ops::weighted_row_mse(ops::reshape(G, {N, C * C}),
                                                   ops::reshape(tg.gram, {R, C * C}),
                                                   row_weights(i, r)));
    }
    const float w_l = float(layer_weights[i]);
    out.push_back(ops::weighted_sum(region_terms, {w_l, w_l}));  // w_l (att + bkgd)
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
