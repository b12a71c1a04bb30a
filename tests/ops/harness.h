// The op harness (ggml's tests/test-backend-ops.cpp in mgst's shape): every op
// of kernels/api.inc is a list of OpCase entries, and the same four modes run
// over all of them (tests/ops/modes.cpp):
//   (a) CPU kernel vs the double reference of kernels/ref/<op>.h   suite kernels_cpu
//   (b) every CUDA version vs the CPU kernel, outputs NaN-poisoned,
//       buffers guarded by sentinel bytes                         suite cuda
//   (c) CPU backward vs central differences of the reference      suite gradcheck
//   (d) GB/s and GFLOP/s per case from the analytic counts        bench/bench_ops.cpp
// The checklist for adding an op is in tests/ops/README.md.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/cpu/api.h"
#include "kernels/fns.h"
#include "kernels/precision.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/versions.h"
#endif

namespace mgst::kernels::ref {}  // namespace mgst::kernels::ref

namespace mgst::test::ops {

namespace kc = mgst::kernels::cpu;    // the CPU backend
namespace kref = mgst::kernels::ref;  // the double references

using Vec = std::vector<double>;       // one tensor in double (references)
using FVec = std::vector<float>;       // one tensor in float (backends)
using In = std::vector<const float*>;  // the case's inputs, in order
using Out = std::vector<float*>;       // outputs (nullptr = not wanted)

// How a result is compared with what it should be.
struct Tol {
  enum Kind {
    kElementwise,  // |got - ref| <= atol + rtol |ref| everywhere
    kNormalised,   // ||got - ref|| / ||ref|| <= norm (reductions, Grams)
    kMatrix,       // kNormalised plus elementwise |got - ref| <= atol max|ref| + rtol |ref|
                   // (sums of products)
  } kind = kElementwise;
  double atol = 0, rtol = 0, norm = 0;
};
inline Tol exact() { return {Tol::kElementwise, 0, 0, 0}; }
inline Tol elementwise(double atol, double rtol) { return {Tol::kElementwise, atol, rtol, 0}; }
inline Tol normalised(double norm) { return {Tol::kNormalised, 0, 0, norm}; }
inline Tol matrix(double norm = 2e-5) { return {Tol::kMatrix, 1e-4, 1e-4, norm}; }
// A TF32 tensor-core version (KernelVersion::precision == kTf32) vs the fp32
// CPU kernel, for every output and gradient of every case. Each operand is
// rounded to 10 mantissa bits (relative error <= u = 2^-11 = 4.9e-4), the
// products are exact and summed in fp32, so a sum of K products carries a
// relative error of about u (random signs: the errors of the terms add in
// quadrature, like the terms): ||got - ref|| / ||ref|| <= 2e-3 = 4u, and no
// element off by more than 1% of the largest |ref|. A real fault (a wrong
// fragment lane, a lost k-slab, a stale pipeline stage) is O(1) or at least
// sqrt(8/K) relative, far above these.
inline Tol tf32() { return {Tol::kMatrix, 1e-2, 1e-2, 2e-3}; }

// An input's values: given, or made on first use and dropped after the case
// (so the table costs no time or memory for cases a mode skips).
class Data {
 public:
  Data(FVec v) : v_(std::move(v)), made_(true) {}  // NOLINT: implicit on purpose
  template <class F, class = decltype(FVec(std::declval<F&>()()))>
  Data(F make) : make_(std::move(make)) {}  // NOLINT
  const FVec& get() const {
    if (!made_) v_ = make_(), made_ = true;
    return v_;
  }
  void release() const {
    if (make_) v_ = FVec{}, made_ = false;
  }

 private:
  std::function<FVec()> make_;
  mutable FVec v_;
  mutable bool made_ = false;
};

struct Input {
  std::string name;
  Data data;
  bool grad = false;           // the backward returns its gradient
  bool nullable = false;       // its gradient output may be nullptr (the kernel skips it)
  bool optional = false;       // the input itself may be nullptr (a bias, a weight mask)
  Tol grad_ref, grad_cuda;     // gradient vs reference (or differences), vs CPU
  bool backward_reads = true;  // absent, it changes the backward (a weight mask; not a bias)
};

struct Output {
  std::string name;
  int64_t size;
  Tol ref, cuda;         // vs reference, vs CPU
  bool has_grad = true;  // the backward takes a dy for it (saved statistics: false)
};

// One implementation of the op: the CPU kernel or one CUDA version, on
// pointers of its own memory (host or device), with the case's shape bound in.
struct Impl {
  std::string name;
  // forward(inputs, outputs)
  std::function<void(const In& x, const Out& y)> forward;
  // backward(inputs, forward outputs, dy per has_grad output, grads per grad input)
  std::function<void(const In& x, const In& y, const In& dy, const Out& dx)> backward;
  bool skip_small = false;  // too slow under MGST_TEST_SMALL (the emulator under ASan)
  bool tf32 = false;        // a TF32 tensor-core version: compared with tf32()
};

// Reference results for a case: `absent` marks optional inputs passed as empty.
using RefForward = std::function<std::vector<Vec>(const std::vector<Vec>& x)>;
using RefBackward =
    std::function<std::vector<Vec>(const std::vector<Vec>& x, const std::vector<Vec>& dy)>;

struct OpCase {
  std::string op;     // "conv2d"
  std::string shape;  // "N2 Ci4 19x23 Co32 K9 s1 p0"
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  RefForward ref;            // the double reference (kernels/ref/<op>.h)
  RefBackward ref_backward;  // exact reference gradients, or empty (then only (c))
  Impl cpu;
  std::vector<Impl> cuda;       // every CUDA version, then the dispatched public function
  double flops = 0, bytes = 0;  // analytic counts of the forward (for the perf mode)
  // Flags for special-purpose checks.
  bool gradcheck = false;      // small enough for central differences
  double fd_step = 1e-6;       // finite-difference step (max pool: below the value gap)
  bool big = false;            // skipped under MGST_TEST_SMALL
  bool deterministic = false;  // CUDA: two runs give the same bits
  bool threads = false;        // CPU: 1 and 2 threads give the same bits
  bool skip_ref = false;       // too big for the double reference (CUDA vs CPU only)
  bool cpu_only = false;       // checks CPU-side structure (blocking, threads): no CUDA run
  // Extra check on one backend's forward outputs (e.g. exact Gram symmetry).
  std::function<void(const std::string& who, const std::vector<FVec>& y)> check_outputs;
  std::string label() const { return op + " " + shape; }
};

// One Impl per entry of a CUDA version table (kernels/cuda/versions.h):
// make(name, fns) builds each. MGST_OPS_CUDA_VERSIONS(pad_versions, make) is
// that, or no Impl at all in a build without the CUDA backend.
template <class Table, class Make>
std::vector<Impl> each_version(const Table& table, Make make) {
  std::vector<Impl> v;
  for (const auto& ver : table) {
    v.push_back(make(ver.name, ver.fn));
    v.back().tf32 = ver.precision == kernels::Precision::kTf32;
  }
  return v;
}
#ifdef MGST_WITH_CUDA
#define MGST_OPS_CUDA_VERSIONS(table, ...) \
  ::mgst::test::ops::each_version(::mgst::kernels::cuda::table(), __VA_ARGS__)
#else
#define MGST_OPS_CUDA_VERSIONS(table, ...) \
  std::vector<::mgst::test::ops::Impl> {}
#endif

// The table: every op family's cases, in kernels/api.inc order.
const std::vector<OpCase>& op_table();

// The families (one file each in tests/ops/).
std::vector<OpCase> gemm_cases();
std::vector<OpCase> conv2d_cases();
std::vector<OpCase> conv2d_fused_cases();
std::vector<OpCase> pad_cases();
std::vector<OpCase> resample_cases();
std::vector<OpCase> instance_norm_cases();
std::vector<OpCase> elementwise_cases();
std::vector<OpCase> concat_cases();
std::vector<OpCase> gram_cases();
std::vector<OpCase> reduce_cases();
std::vector<OpCase> losses_cases();
std::vector<OpCase> adam_cases();

// Input makers.
FVec uniform(std::size_t n, uint64_t seed, float lo = -1.f, float hi = 1.f);
// Distinct values in [-1, 1) spaced 2/n apart, shuffled: no max-pool ties.
FVec distinct(std::size_t n, uint64_t seed);
// Values at least `margin` from zero: no finite-difference point on a ReLU kink.
FVec away_from_zero(std::size_t n, uint64_t seed, float margin = 0.05f);
// Mask in [0, 1) with an exact zero every third pixel and, when N > 1, an
// all-zero sample n = 1 (a mask multiplies: no kink, so zeros are fine).
FVec mask(int N, int64_t P, uint64_t seed);

std::vector<Vec> to_double(const std::vector<FVec>& v);
// MGST_OPS=conv2d,sgemm (op names, comma-separated) runs only those ops' cases.
bool selected(const OpCase& c);
// MGST_TEST_SMALL is set.
bool small_mode();

}  // namespace mgst::test::ops
