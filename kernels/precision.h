// The precision policy of the CUDA backend, per op family, like PyTorch's
// torch.backends.cudnn.allow_tf32 (convolutions) and
// torch.backends.cuda.matmul.allow_tf32 (matrix products):
//
//   family   ops                      fp32 path (exact)   tf32 path (tensor cores)
//   conv     conv2d, all three passes v6_igemm_auto_db    v7_tf32_mma_db
//            conv2d_fused, all three  v3_igemm_auto_db    v4_tf32_mma_db
//   matmul   sgemm, masked Gram       the SIMT versions   the *_tf32_mma versions
//
// The default is PyTorch eager's: TF32 convolutions, fp32 matrix products
// (allow_tf32 True for cuDNN, False for matmul since PyTorch 1.12), so a
// side-by-side with PyTorch compares the same arithmetic. The CPU backend
// is always fp32. Names for the command line and checkpoints:
//   "fp32"       conv fp32, matmul fp32 (every op on the exact path)
//   "conv-tf32"  conv tf32, matmul fp32 (the default)
//   "matmul-tf32" conv fp32, matmul tf32
//   "tf32"       conv tf32, matmul tf32
// What TF32 costs on mgst's model is measured in docs/PRECISION.md.
// Plain C++ (no CUDA headers): core and apps set it, kernels/cuda reads it.
#pragma once
#include <string>
#include <string_view>

namespace mgst::kernels {

enum class Precision { kFp32, kTf32 };

struct PrecisionPolicy {
  Precision conv = Precision::kTf32;
  Precision matmul = Precision::kFp32;
  bool operator==(const PrecisionPolicy&) const = default;
};

// One of the names above -> the policy; anything else throws
// mgst::Error naming the accepted values.
PrecisionPolicy parse_precision(std::string_view name);
std::string precision_name(const PrecisionPolicy& p);
// The names parse_precision accepts, for help texts: "fp32|conv-tf32|matmul-tf32|tf32".
const char* precision_choices();

// The policy the CUDA backend's public functions dispatch by (process-wide;
// set it between steps, not while kernels of another thread are launching).
void set_precision(const PrecisionPolicy& p);
PrecisionPolicy precision();
// (A policy for a scope: core/device.h's ScopedPrecision.)

}  // namespace mgst::kernels
