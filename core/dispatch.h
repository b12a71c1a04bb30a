// Op dispatch by device: MGST_KERNEL(device, fn, args...) calls
// kernels::cpu::fn or kernels::cuda::fn (same contract, kernels/api.inc).
#pragma once
#include <cstddef>

#include "core/device.h"
#include "kernels/cpu/api.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/api.h"
#endif

namespace mgst {
namespace detail {
[[noreturn]] void no_cuda_backend(const char* op);
}

// Byte copies between any two devices.
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, std::size_t bytes);
void copy_to_host(void* dst, const void* device_src, std::size_t bytes);
// Wait for queued device work (no-op on CPU); used around timings.
void synchronize(Device d);

}  // namespace mgst

#ifdef MGST_WITH_CUDA
#define MGST_KERNEL(dev, fn, ...) \
  ((dev).is_cuda() ? ::mgst::kernels::cuda::fn(__VA_ARGS__) : ::mgst::kernels::cpu::fn(__VA_ARGS__))
#else
#define MGST_KERNEL(dev, fn, ...) \
  ((dev).is_cuda() ? ::mgst::detail::no_cuda_backend(#fn) : ::mgst::kernels::cpu::fn(__VA_ARGS__))
#endif
