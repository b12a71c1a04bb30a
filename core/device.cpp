#include "core/device.h"

#include "core/storage.h"
#include "kernels/error.h"
#include "kernels/precision.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace mgst {

bool cuda_compiled() {
#ifdef MGST_WITH_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() {
#ifdef MGST_WITH_CUDA
  return kernels::cuda::available();
#else
  return false;
#endif
}

std::string cuda_description() {
#ifdef MGST_WITH_CUDA
  return kernels::cuda::device_description();
#else
  return "mgst was built without the CUDA backend";
#endif
}

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::cpu();
  if (name == "cuda") {
    MGST_CHECK(cuda_available(),
               "--device cuda: no usable GPU (" << cuda_description() << "); use --device cpu");
    return Device::cuda();
  }
  if (name == "auto") return cuda_available() ? Device::cuda() : Device::cpu();
  MGST_FAIL("unknown device '" << name << "' (expected cpu, cuda or auto)");
}

void reset_peak_memory(Device device) {
#ifdef MGST_WITH_CUDA
  if (device.is_cuda()) return kernels::cuda::reset_peak_memory();
#endif
  reset_cpu_peak_bytes();
}

std::size_t peak_memory_bytes(Device device) {
#ifdef MGST_WITH_CUDA
  if (device.is_cuda()) return kernels::cuda::memory_stats().peak;
#endif
  return cpu_peak_bytes();
}

DeviceActivity device_activity(Device device) {
#ifdef MGST_WITH_CUDA
  if (device.is_cuda()) {
    const auto c = kernels::cuda::activity_counters();
    return {c.launches, c.host_syncs, c.result_waits, c.graph_launches};
  }
#endif
  (void)device;
  return {};
}

void set_precision(const std::string& name) {
  kernels::set_precision(kernels::parse_precision(name));
}
std::string precision() { return kernels::precision_name(kernels::precision()); }
const char* precision_choices() { return kernels::precision_choices(); }

}  // namespace mgst
