// METHOD.md's total loss: L = w_c L_c + w_s L_s + w_t L_t + w_tv L_tv, all terms
// averaged over the batch.
//   L_c  content: mse(phi_c(y), phi_c(x)) + lambda_att * masked mse on the attention region
//   L_s  region style: sum_l w_l sum_{att,bkgd} mse(G(phi_l(y), r_l), T_l,r), empty-region guard
//   L_t  task-guided edge loss on luminance in the attention region
//   L_tv total variation
//   L_psi (optional) the task-network style term: the region style loss on a
//         second frozen loss network psi (METHOD.md "Task-network style term")
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"
#include "losses/regions.h"
#include "losses/style_target.h"
#include "models/vgg19.h"

namespace mgst::losses {

struct LossConfig {
  std::string content_layer = "relu2_2";
  std::vector<std::string> style_layers = {"relu1_1", "relu2_1", "relu3_1", "relu4_1"};
  std::vector<double> style_layer_weights = {1, 1, 1, 1};
  // --style-layer-weights auto (METHOD.md "Balanced style layers"): the
  // trainer sets style_layer_weights from the first batch; empty until then.
  bool style_layer_weights_auto = false;
  double lambda_att = 1.0;
  double w_content = 1.0, w_style = 1e4, w_task = 10.0, w_tv = 0.1;
  // The task-network style term: its weight w_psi (0 = off) and layers
  // (empty = every feature layer of the task network). With
  // task_style_weight_auto the trainer sets w_task_style from the first batch
  // (w_psi L_psi = w_s L_s at the identity); 0 until then.
  double w_task_style = 0.0;
  bool task_style_weight_auto = false;
  std::vector<std::string> task_layers;

  std::vector<std::string> vgg_layers() const;  // style layers + content layer
  std::string deepest_layer() const;
  void validate() const;  // layer names, weight counts
};

struct LossTerms {
  Tensor content, style, task, tv;           // unweighted (style includes the per-layer w_l)
  Tensor task_style;                         // L_psi, unweighted; undefined without a task network
  Tensor total;                              // weighted sum
  std::vector<Tensor> style_per_layer;       // w_l * sum_r mse(...), sums to `style`
  std::vector<Tensor> task_style_per_layer;  // sum_r mse(...) per task layer
};

// The region style loss of one loss network: for each layer l,
// w_l * sum_{att,bkgd} mse(G(F_l, r_l), T_l,r) (a batch mean), masks pooled at
// the network's stride for l, a region empty in the sample or the target
// contributing 0. `feats` holds F_l for every layer; returns one term per layer.
std::vector<Tensor> region_style_loss(const models::LossNetwork& net,
                                      const std::map<std::string, Tensor>& feats,
                                      const std::vector<std::string>& layers,
                                      const std::vector<double>& layer_weights,
                                      const RegionWeights& regions, const StyleTarget& target);

// The second loss network psi of L_psi and its target (the synthetic set's
// mean Grams of psi's features) on `layers`; net == nullptr: no L_psi.
struct TaskStyleTerm {
  const models::LossNetwork* net = nullptr;
  const StyleTarget* target = nullptr;
  std::vector<std::string> layers;
};

// y (N,3,H,W) the output (may require grad), x (N,3,H,W) the content input
// (constant), regions of x, and the style target (rows 1 or N). With
// `psi.net`, L_psi is computed and added with weight cfg.w_task_style.
LossTerms compute_losses(const models::Vgg19& vgg, const LossConfig& cfg, const Tensor& y,
                         const Tensor& x, const RegionWeights& regions, const StyleTarget& target,
                         const TaskStyleTerm& psi = {});

// METHOD.md "Balanced style layers": w_l = L_s / (K L_s,l) from the
// unweighted per-layer losses at the identity (L_s their sum). A layer whose
// loss is 0 cannot be balanced: an error naming it.
std::vector<double> balanced_layer_weights(const std::vector<double>& per_layer,
                                           const std::vector<std::string>& layers);

}  // namespace mgst::losses
