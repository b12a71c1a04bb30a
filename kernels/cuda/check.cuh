// Error checking for the CUDA backend (STYLE.md example 8: one macro that
// throws). Library code never exits: a failed CUDA call or launch becomes an
// mgst::Error carrying the statement, CUDA's message, the op's shapes and
// file:line, and apps/ decides what to do with it.
#pragma once
#include <cuda_runtime.h>

#include <sstream>
#include <string>
#include <string_view>

#include "kernels/error.h"

namespace mgst::kernels::cuda::detail {

// "a=3 b=4" from MGST_CHECK_LAUNCH's shape arguments.
inline void stream_shapes(std::ostringstream&) {}
template <class T, class... Rest>
void stream_shapes(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << ' ' << first;
  stream_shapes(os, rest...);
}

// One more kernel launch in ActivityCounters (runtime.h), under the op name
// MGST_CHECK_LAUNCH was given (kept only while launch_log_enabled, see
// runtime.h launches_by_op); every launch site is counted once.
void count_launch(std::string_view op);

}  // namespace mgst::kernels::cuda::detail

// MGST_CHECK_CUDA(cudaMemcpy(...)): throws mgst::Error naming the statement,
// the CUDA error and file:line when the call does not return cudaSuccess.
#define MGST_CHECK_CUDA(stmt)                                                                  \
  do {                                                                                         \
    const cudaError_t mgst_err_ = (stmt);                                                      \
    if (mgst_err_ != cudaSuccess) {                                                            \
      (void)cudaGetLastError(); /* clear non-sticky errors */                                  \
      std::ostringstream mgst_os_;                                                             \
      mgst_os_ << "CUDA call failed: " << #stmt << ": " << cudaGetErrorName(mgst_err_) << " (" \
               << cudaGetErrorString(mgst_err_) << ") in " << __func__;                        \
      ::mgst::detail::throw_error(mgst_os_.str(), __FILE__, __LINE__);                         \
    }                                                                                          \
  } while (0)

// After every <<< >>>: MGST_CHECK_LAUNCH("conv2d_forward", "N=", N, "Co=", Co).
// cudaGetLastError catches bad launch configurations (too many threads, too
// much shared memory) right away; faults inside the kernel surface at the
// next synchronising call, which MGST_CHECK_CUDA reports.
#define MGST_CHECK_LAUNCH(op, ...)                                                              \
  do {                                                                                          \
    ::mgst::kernels::cuda::detail::count_launch(op);                                            \
    const cudaError_t mgst_err_ = cudaGetLastError();                                           \
    if (mgst_err_ != cudaSuccess) {                                                             \
      std::ostringstream mgst_os_;                                                              \
      mgst_os_ << "CUDA kernel launch failed: " << (op) << " [shapes:";                         \
      ::mgst::kernels::cuda::detail::stream_shapes(mgst_os_, __VA_ARGS__);                      \
      mgst_os_ << "]: " << cudaGetErrorName(mgst_err_) << " (" << cudaGetErrorString(mgst_err_) \
               << ")";                                                                          \
      ::mgst::detail::throw_error(mgst_os_.str(), __FILE__, __LINE__);                          \
    }                                                                                           \
  } while (0)
