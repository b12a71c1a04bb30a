#include "kernels/precision.h"

#include <atomic>

#include "kernels/error.h"

namespace mgst::kernels {
namespace {

// Two bits: conv tf32 (1), matmul tf32 (2). Atomic so that a reader on
// another thread never sees a torn policy.
std::atomic<int> g_policy{1};

int bits(const PrecisionPolicy& p) {
  return (p.conv == Precision::kTf32 ? 1 : 0) | (p.matmul == Precision::kTf32 ? 2 : 0);
}
PrecisionPolicy from_bits(int b) {
  return {b & 1 ? Precision::kTf32 : Precision::kFp32, b & 2 ? Precision::kTf32 : Precision::kFp32};
}

}  // namespace

PrecisionPolicy parse_precision(std::string_view name) {
  if (name == "fp32") return {Precision::kFp32, Precision::kFp32};
  if (name == "conv-tf32") return {Precision::kTf32, Precision::kFp32};
  if (name == "tf32") return {Precision::kTf32, Precision::kTf32};
  if (name == "matmul-tf32") return {Precision::kFp32, Precision::kTf32};
  MGST_FAIL("unknown precision '" << name << "' (expected " << precision_choices() << ")");
  return {};
}

std::string precision_name(const PrecisionPolicy& p) {
  switch (bits(p)) {
    case 0: return "fp32";
    case 1: return "conv-tf32";
    case 3: return "tf32";
    default: return "matmul-tf32";
  }
}

const char* precision_choices() { return "fp32|conv-tf32|matmul-tf32|tf32"; }

void set_precision(const PrecisionPolicy& p) { g_policy.store(bits(p)); }
PrecisionPolicy precision() { return from_bits(g_policy.load()); }

}  // namespace mgst::kernels
