// The version tables of the CUDA backend: for every op family of
// kernels/api.inc, its versions oldest first (kernels/versions.h's
// KernelVersion) and the index of the one the public cuda:: function runs.
// The public functions dispatch through these tables; the tests and the
// benchmarks iterate them, so what is listed is what is dispatched, tested
// and timed. Ops with one version list it as v1 (its function IS the public
// one). Each table lives in its op's .cu file, beside the kernels.
// Plain C++: callers need no CUDA headers.
//
// The Fns structs hold pointers with exactly kernels/api.inc's signatures
// (decltype of the public function, qualified because the member may share
// its name), so a version cannot drift from the contract.
#pragma once
#include <span>

#include "kernels/cuda/api.h"
#include "kernels/versions.h"

namespace mgst::kernels::cuda {

// ---- gemm.cu ----------------------------------------------------------------
struct SgemmFns {
  decltype(&cuda::sgemm) sgemm;
};
std::span<const KernelVersion<SgemmFns>> sgemm_versions();
int sgemm_dispatched();  // index into sgemm_versions() that cuda::sgemm runs

// ---- conv2d.cu --------------------------------------------------------------
struct Conv2dFns {
  decltype(&cuda::conv2d_forward) forward;
  decltype(&cuda::conv2d_backward_data) backward_data;
  decltype(&cuda::conv2d_backward_weight) backward_weight;
};
std::span<const KernelVersion<Conv2dFns>> conv2d_versions();
int conv2d_dispatched();  // index that cuda::conv2d_* run

// ---- instance_norm.cu -------------------------------------------------------
struct InstanceNormFns {
  decltype(&cuda::instance_norm_forward) forward;
  decltype(&cuda::instance_norm_backward) backward;
};
std::span<const KernelVersion<InstanceNormFns>> instance_norm_versions();
int instance_norm_dispatched();  // index that cuda::instance_norm_* run

// ---- gram.cu ----------------------------------------------------------------
struct MaskedGramFns {
  decltype(&cuda::masked_gram_forward) forward;
  decltype(&cuda::masked_gram_backward) backward;
};
std::span<const KernelVersion<MaskedGramFns>> masked_gram_versions();
int masked_gram_dispatched();

// ---- elementwise.cu ---------------------------------------------------------
struct ElementwiseFns {
  decltype(&cuda::fill) fill;
  decltype(&cuda::copy) copy;
  decltype(&cuda::add) add;
  decltype(&cuda::sub) sub;
  decltype(&cuda::mul) mul;
  decltype(&cuda::scale) scale;
  decltype(&cuda::axpy) axpy;
  decltype(&cuda::scale_by_scalar) scale_by_scalar;
  decltype(&cuda::relu_forward) relu_forward;
  decltype(&cuda::relu_backward) relu_backward;
  decltype(&cuda::channel_affine_forward) channel_affine_forward;
  decltype(&cuda::channel_affine_backward) channel_affine_backward;
};
std::span<const KernelVersion<ElementwiseFns>> elementwise_versions();
int elementwise_dispatched();

// ---- pad.cu -----------------------------------------------------------------
struct PadFns {
  decltype(&cuda::reflection_pad_forward) forward;
  decltype(&cuda::reflection_pad_backward) backward;
};
std::span<const KernelVersion<PadFns>> pad_versions();
int pad_dispatched();

// ---- resample.cu ------------------------------------------------------------
struct ResampleFns {
  decltype(&cuda::upsample_nearest2x_forward) upsample_forward;
  decltype(&cuda::upsample_nearest2x_backward) upsample_backward;
  decltype(&cuda::max_pool2x2_forward) max_pool_forward;
  decltype(&cuda::max_pool2x2_backward) max_pool_backward;
  decltype(&cuda::avg_pool_forward) avg_pool_forward;
  decltype(&cuda::avg_pool_backward) avg_pool_backward;
};
std::span<const KernelVersion<ResampleFns>> resample_versions();
int resample_dispatched();

// ---- concat.cu --------------------------------------------------------------
struct ConcatFns {
  decltype(&cuda::concat_channels_forward) forward;
  decltype(&cuda::concat_channels_backward) backward;
};
std::span<const KernelVersion<ConcatFns>> concat_versions();
int concat_dispatched();

// ---- reduce.cu --------------------------------------------------------------
struct ReduceFns {
  decltype(&cuda::sum_forward) sum_forward;
  decltype(&cuda::weighted_row_mse_forward) weighted_row_mse_forward;
  decltype(&cuda::weighted_row_mse_backward) weighted_row_mse_backward;
};
std::span<const KernelVersion<ReduceFns>> reduce_versions();
int reduce_dispatched();

// ---- losses.cu --------------------------------------------------------------
struct LossesFns {
  decltype(&cuda::masked_mse_forward) masked_mse_forward;
  decltype(&cuda::masked_mse_backward) masked_mse_backward;
  decltype(&cuda::task_edge_loss_forward) task_edge_loss_forward;
  decltype(&cuda::task_edge_loss_backward) task_edge_loss_backward;
  decltype(&cuda::total_variation_forward) total_variation_forward;
  decltype(&cuda::total_variation_backward) total_variation_backward;
};
std::span<const KernelVersion<LossesFns>> losses_versions();
int losses_dispatched();

// ---- adam.cu ----------------------------------------------------------------
struct AdamFns {
  decltype(&cuda::adam_update) update;
};
std::span<const KernelVersion<AdamFns>> adam_versions();
int adam_dispatched();

}  // namespace mgst::kernels::cuda
