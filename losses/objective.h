// METHOD.md's total loss: L = w_c L_c + w_s L_s + w_t L_t + w_tv L_tv, all terms
// averaged over the batch.
//   L_c  content: mse(phi_c(y), phi_c(x)) + lambda_att * masked mse on the attention region
//   L_s  region style: sum_l w_l sum_{att,bkgd} mse(G(phi_l(y), r_l), T_l,r), empty-region guard
//   L_t  task-guided edge loss on luminance in the attention region
//   L_tv total variation
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
  double lambda_att = 1.0;
  double w_content = 1.0, w_style = 1e4, w_task = 10.0, w_tv = 0.1;

  std::vector<std::string> vgg_layers() const;  // style layers + content layer
  std::string deepest_layer() const;
  void validate() const;  // layer names, weight counts
};

struct LossTerms {
  Tensor content, style, task, tv;      // unweighted (style includes the per-layer w_l)
  Tensor total;                         // weighted sum
  std::vector<Tensor> style_per_layer;  // w_l * sum_r mse(...), sums to `style`
};

// y (N,3,H,W) the output (may require grad), x (N,3,H,W) the content input
// (constant), regions of x, and the style target (rows 1 or N).
LossTerms compute_losses(const models::Vgg19& vgg, const LossConfig& cfg, const Tensor& y,
                         const Tensor& x, const RegionWeights& regions, const StyleTarget& target);

}  // namespace mgst::losses
