#include "core/dispatch.h"

#include <cstring>

#include "kernels/error.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace mgst {

void detail::no_cuda_backend(const char* op) {
  MGST_FAIL(op << ": tensor on cuda, but mgst was built without the CUDA backend");
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, std::size_t bytes) {
  if (bytes == 0) return;
  if (dst_dev.is_cpu() && src_dev.is_cpu()) {
    std::memcpy(dst, src, bytes);
    return;
  }
#ifdef MGST_WITH_CUDA
  if (dst_dev.is_cuda() && src_dev.is_cuda())
    kernels::cuda::memcpy_d2d(dst, src, bytes);
  else if (dst_dev.is_cuda())
    kernels::cuda::memcpy_h2d(dst, src, bytes);
  else
    kernels::cuda::memcpy_d2h(dst, src, bytes);
#else
  detail::no_cuda_backend("copy");
#endif
}

void copy_to_host(void* dst, const void* device_src, std::size_t bytes) {
  copy_bytes(dst, Device::cpu(), device_src, Device::cuda(), bytes);
}

void synchronize(Device d) {
#ifdef MGST_WITH_CUDA
  if (d.is_cuda()) kernels::cuda::synchronize();
#endif
}

}  // namespace mgst
