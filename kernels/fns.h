// The functions of each op family of kernels/api.inc, as one struct: what a
// version-table entry holds (kernels/versions.h, kernels/cuda/versions.h) and
// what the op harness (tests/ops) calls, for either backend. The member types
// are the CPU declarations'; the CUDA backend includes the same api.inc, so its
// functions have exactly these types and a version cannot drift from the
// contract. (decltype is qualified because a member may share its name.)
#pragma once
#include "kernels/cpu/api.h"

namespace mgst::kernels {

struct SgemmFns {
  decltype(&cpu::sgemm) sgemm;
};

struct Conv2dFns {
  decltype(&cpu::conv2d_forward) forward;
  decltype(&cpu::conv2d_backward_data) backward_data;
  decltype(&cpu::conv2d_backward_weight) backward_weight;
};

struct Conv2dFusedFns {
  decltype(&cpu::conv2d_fused_forward) forward;
  decltype(&cpu::conv2d_fused_backward_data) backward_data;
  decltype(&cpu::conv2d_fused_backward_weight) backward_weight;
};

struct InstanceNormFns {
  decltype(&cpu::instance_norm_forward) forward;
  decltype(&cpu::instance_norm_backward) backward;
};

// instance_norm with the op that follows it in the transform net fused in
// (the add form has no backward of its own: instance_norm_backward's).
struct InstanceNormFusedFns {
  decltype(&cpu::instance_norm_relu_forward) relu_forward;
  decltype(&cpu::instance_norm_relu_backward) relu_backward;
  decltype(&cpu::instance_norm_add_forward) add_forward;
};

struct MaskedGramFns {
  decltype(&cpu::masked_gram_forward) forward;
  decltype(&cpu::masked_gram_backward) backward;
};

struct ElementwiseFns {
  decltype(&cpu::fill) fill;
  decltype(&cpu::copy) copy;
  decltype(&cpu::add) add;
  decltype(&cpu::sub) sub;
  decltype(&cpu::mul) mul;
  decltype(&cpu::scale) scale;
  decltype(&cpu::axpy) axpy;
  decltype(&cpu::scale_by_scalar) scale_by_scalar;
  decltype(&cpu::relu_forward) relu_forward;
  decltype(&cpu::relu_backward) relu_backward;
  decltype(&cpu::channel_affine_forward) channel_affine_forward;
  decltype(&cpu::channel_affine_backward) channel_affine_backward;
};

struct PadFns {
  decltype(&cpu::reflection_pad_forward) forward;
  decltype(&cpu::reflection_pad_backward) backward;
};

struct ResampleFns {
  decltype(&cpu::upsample_nearest2x_forward) upsample_forward;
  decltype(&cpu::upsample_nearest2x_backward) upsample_backward;
  decltype(&cpu::max_pool2x2_forward) max_pool_forward;
  decltype(&cpu::max_pool2x2_backward) max_pool_backward;
  decltype(&cpu::avg_pool_forward) avg_pool_forward;
  decltype(&cpu::avg_pool_backward) avg_pool_backward;
};

struct ConcatFns {
  decltype(&cpu::concat_channels_forward) forward;
  decltype(&cpu::concat_channels_backward) backward;
  decltype(&cpu::pack_scalars_forward) pack_scalars;
};

struct ReduceFns {
  decltype(&cpu::sum_forward) sum_forward;
  decltype(&cpu::weighted_row_mse_forward) weighted_row_mse_forward;
  decltype(&cpu::weighted_row_mse_backward) weighted_row_mse_backward;
  decltype(&cpu::row_nonempty_forward) row_nonempty_forward;
  decltype(&cpu::weighted_sum_forward) weighted_sum_forward;
  decltype(&cpu::weighted_sum_backward) weighted_sum_backward;
};

struct LossesFns {
  decltype(&cpu::masked_mse_forward) masked_mse_forward;
  decltype(&cpu::masked_mse_backward) masked_mse_backward;
  decltype(&cpu::task_edge_loss_forward) task_edge_loss_forward;
  decltype(&cpu::task_edge_loss_backward) task_edge_loss_backward;
  decltype(&cpu::total_variation_forward) total_variation_forward;
  decltype(&cpu::total_variation_backward) total_variation_backward;
};

struct AdamFns {
  decltype(&cpu::adam_update) update;
};

}  // namespace mgst::kernels
