// The version tables of the CUDA backend: for every op family of
// kernels/api.inc, its versions oldest first (kernels/versions.h's
// KernelVersion) and the index of the one the public cuda:: function runs.
// The public functions dispatch through these tables; the tests and the
// benchmarks iterate them, so what is listed is what is dispatched, tested
// and timed. Ops with one version list it as v1 (its function IS the public
// one). Each table lives in its op's .cu file, beside the kernels.
// Plain C++: callers need no CUDA headers.
//
// The Fns structs (kernels/fns.h) hold pointers with exactly kernels/api.inc's
// signatures, so a version cannot drift from the contract.
#pragma once
#include <span>

#include "kernels/cuda/api.h"
#include "kernels/fns.h"
#include "kernels/versions.h"

namespace mgst::kernels::cuda {

// ---- gemm.cu ----------------------------------------------------------------
using kernels::SgemmFns;
std::span<const KernelVersion<SgemmFns>> sgemm_versions();
int sgemm_dispatched();  // index into sgemm_versions() that cuda::sgemm runs (by precision())

// ---- conv2d.cu --------------------------------------------------------------
using kernels::Conv2dFns;
std::span<const KernelVersion<Conv2dFns>> conv2d_versions();
int conv2d_dispatched();  // index that cuda::conv2d_* run (by precision())

// ---- conv2d.cu: conv2d_fused ------------------------------------------------
using kernels::Conv2dFusedFns;
std::span<const KernelVersion<Conv2dFusedFns>> conv2d_fused_versions();
int conv2d_fused_dispatched();  // index that cuda::conv2d_fused_* run (by precision())

// ---- instance_norm.cu -------------------------------------------------------
using kernels::InstanceNormFns;
std::span<const KernelVersion<InstanceNormFns>> instance_norm_versions();
int instance_norm_dispatched();  // index that cuda::instance_norm_* run
using kernels::InstanceNormFusedFns;
std::span<const KernelVersion<InstanceNormFusedFns>> instance_norm_fused_versions();
int instance_norm_fused_dispatched();  // index that cuda::instance_norm_relu_backward runs

// ---- gram.cu ----------------------------------------------------------------
using kernels::MaskedGramFns;
std::span<const KernelVersion<MaskedGramFns>> masked_gram_versions();
int masked_gram_dispatched();  // (by precision())

// ---- elementwise.cu ---------------------------------------------------------
using kernels::ElementwiseFns;
std::span<const KernelVersion<ElementwiseFns>> elementwise_versions();
int elementwise_dispatched();

// ---- pad.cu -----------------------------------------------------------------
using kernels::PadFns;
std::span<const KernelVersion<PadFns>> pad_versions();
int pad_dispatched();

// ---- resample.cu ------------------------------------------------------------
using kernels::ResampleFns;
std::span<const KernelVersion<ResampleFns>> resample_versions();
int resample_dispatched();

// ---- concat.cu --------------------------------------------------------------
using kernels::ConcatFns;
std::span<const KernelVersion<ConcatFns>> concat_versions();
int concat_dispatched();

// ---- reduce.cu --------------------------------------------------------------
using kernels::ReduceFns;
std::span<const KernelVersion<ReduceFns>> reduce_versions();
int reduce_dispatched();

// ---- losses.cu --------------------------------------------------------------
using kernels::LossesFns;
std::span<const KernelVersion<LossesFns>> losses_versions();
int losses_dispatched();

// ---- adam.cu ----------------------------------------------------------------
using kernels::AdamFns;
std::span<const KernelVersion<AdamFns>> adam_versions();
int adam_dispatched();

}  // namespace mgst::kernels::cuda

// For the .cu file of an op with one version: defines <op>_versions() (a
// one-entry table, the entry given as the braced KernelVersion initialiser)
// and <op>_dispatched() (0).
#define MGST_CUDA_ONE_VERSION(op, Fns, ...)                       \
  std::span<const KernelVersion<Fns>> op##_versions() {           \
    static constexpr KernelVersion<Fns> kTable[] = {__VA_ARGS__}; \
    return kTable;                                                \
  }                                                               \
  int op##_dispatched() { return 0; }
