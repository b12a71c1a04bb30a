// CUDA test helpers: device buffers with sentinel guards (STYLE.md example 7),
// NaN poisoning of outputs, upload/download, and the GPU-or-skip guard.
// Used only inside `#ifdef MGST_WITH_CUDA` test files.
#pragma once
#ifdef MGST_WITH_CUDA
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "kernels/cpu/api.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/runtime.h"
#include "kernels/error.h"
#include "test_util.h"

// First line of every CUDA test case: without a usable GPU the case passes
// vacuously (the `cuda` CTest entry is SKIPPED as a whole by tests/main.cpp;
// this guard covers a plain `mgst_tests` run with no suite filter).
#define MGST_REQUIRE_GPU()                                                         \
  do {                                                                             \
    if (!::mgst::kernels::cuda::available()) {                                     \
      MESSAGE("no GPU, skipped: " << ::mgst::kernels::cuda::device_description()); \
      return;                                                                      \
    }                                                                              \
  } while (0)

namespace mgst::test::cuda {

// MGST_TEST_SMALL=1 (tools/gpu-check.sh under compute-sanitizer, where
// kernels run 10-100x slower): tests skip their largest shapes.
inline bool small_mode() {
  const char* v = std::getenv("MGST_TEST_SMALL");
  return v && *v && *v != '0';
}

inline void check_cuda(cudaError_t e, const char* what) {
  REQUIRE_MESSAGE(e == cudaSuccess,
                  what << ": " << cudaGetErrorName(e) << " (" << cudaGetErrorString(e) << ")");
}

// n floats on the device with kGuard floats of sentinel bytes before and
// after. Allocated with plain cudaMalloc (not the caching allocator), so
// compute-sanitizer also sees writes past the guards. The data pointer is
// 256-byte aligned (kGuard*4 = 256), like the allocator's blocks.
class DeviceBuffer {
 public:
  static constexpr std::size_t kGuard = 64;
  static constexpr unsigned char kSentinel = 0xA5;

  explicit DeviceBuffer(std::size_t n) : n_(n) {
    check_cuda(cudaMalloc(&base_, bytes_total()), "cudaMalloc(test buffer)");
    check_cuda(cudaMemset(base_, kSentinel, bytes_total()), "cudaMemset(sentinel)");
  }
  explicit DeviceBuffer(const std::vector<float>& host) : DeviceBuffer(host.size()) {
    upload(host);
  }
  ~DeviceBuffer() { cudaFree(base_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  float* get() const { return base_ + kGuard; }
  operator float*() const { return get(); }
  std::size_t size() const { return n_; }

  void upload(const std::vector<float>& host) {
    REQUIRE(host.size() == n_);
    kernels::cuda::synchronize();
    check_cuda(cudaMemcpy(get(), host.data(), n_ * sizeof(float), cudaMemcpyHostToDevice),
               "upload");
  }
  std::vector<float> download() const {
    kernels::cuda::synchronize();
    std::vector<float> host(n_);
    check_cuda(cudaMemcpy(host.data(), get(), n_ * sizeof(float), cudaMemcpyDeviceToHost),
               "download");
    return host;
  }
  // Fill the data with 0xFF bytes (a NaN) so an element the kernel does not
  // write fails the comparison.
  void poison() {
    kernels::cuda::synchronize();
    check_cuda(cudaMemset(get(), 0xFF, n_ * sizeof(float)), "poison");
    check_cuda(cudaDeviceSynchronize(), "poison sync");
  }
  // CHECKs that both guard regions still hold the sentinel; names `what`.
  bool guards_intact(const char* what) const {
    kernels::cuda::synchronize();
    std::vector<unsigned char> g(kGuard * sizeof(float));
    bool ok = true;
    for (int side = 0; side < 2; ++side) {
      const float* at = side == 0 ? base_ : base_ + kGuard + n_;
      check_cuda(cudaMemcpy(g.data(), at, g.size(), cudaMemcpyDeviceToHost), "guard read");
      const auto bad =
          std::count_if(g.begin(), g.end(), [](unsigned char c) { return c != kSentinel; });
      CHECK_MESSAGE(bad == 0, what << ": " << bad << " guard bytes overwritten "
                                   << (side == 0 ? "before" : "after") << " the buffer of " << n_
                                   << " floats");
      ok = ok && bad == 0;
    }
    return ok;
  }

 private:
  std::size_t bytes_total() const { return (n_ + 2 * kGuard) * sizeof(float); }
  std::size_t n_;
  float* base_ = nullptr;
};

// Poison the outputs, run the launch, wait for it (surfacing kernel faults
// as a failed check), then check every output's guards.
template <class F>
void run_checked(const char* what, std::initializer_list<DeviceBuffer*> outputs, F&& launch) {
  for (DeviceBuffer* b : outputs) b->poison();
  launch();
  check_cuda(cudaStreamSynchronize(nullptr), what);
  kernels::cuda::synchronize();
  check_cuda(cudaGetLastError(), what);
  for (DeviceBuffer* b : outputs) b->guards_intact(what);
}

// Products and convolutions: float32 sums of K products in a different
// order than the CPU twin. The rounding error of each output grows like
// sqrt(K) * 6e-8 * (sum of |terms|), so for K up to a few thousand the
// normalised error ||got - ref|| / ||ref|| stays near 1e-6; 2e-5 leaves
// margin. A per-element check with atol = 1e-4 * max|ref| on top catches a
// few wrong elements that the norm would average away.
inline bool matrix_close(const char* what, const std::vector<float>& got,
                         const std::vector<float>& ref, double norm_tol = 2e-5) {
  double ref_max = 0;
  for (float r : ref) ref_max = std::max(ref_max, double(std::fabs(r)));
  const bool a = normalized_close(what, got, ref, norm_tol);
  const bool b = all_close(what, got, ref, 1e-4 * ref_max + 1e-30, 1e-4);
  return a && b;
}

// Elementwise ops: identical float formula, up to fma contraction: 1 ulp-ish.
inline bool elementwise_close(const char* what, const std::vector<float>& got,
                              const std::vector<float>& ref) {
  return all_close(what, got, ref, 1e-6, 1e-5);
}

// Scalar losses/sums: both sides accumulate in double; the float inputs are
// identical, so only the final rounding and the summation order differ.
inline bool scalar_close(const char* what, float got, float ref) {
  return all_close(what, std::vector<float>{got}, std::vector<float>{ref}, 1e-7, 1e-5);
}

}  // namespace mgst::test::cuda

// The names every CUDA test file uses: the two backends and the helpers above.
namespace kc = mgst::kernels::cuda;
namespace kp = mgst::kernels::cpu;
using mgst::test::all_close;
using mgst::test::normalized_close;
using mgst::test::random_vector;
using mgst::test::cuda::DeviceBuffer;
using mgst::test::cuda::elementwise_close;
using mgst::test::cuda::matrix_close;
using mgst::test::cuda::run_checked;
using mgst::test::cuda::scalar_close;
using mgst::test::cuda::small_mode;
#endif  // MGST_WITH_CUDA
