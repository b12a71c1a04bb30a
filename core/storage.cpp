#include "core/storage.h"

#include <atomic>
#include <cstdlib>
#include <new>

#include "kernels/error.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace mgst {

namespace {
std::atomic<std::size_t> g_cpu_in_use{0};
std::atomic<std::size_t> g_cpu_peak{0};
constexpr std::size_t kAlign = 64;
}  // namespace

Storage::Storage(std::size_t bytes, Device device) : bytes_(bytes), device_(device) {
  const std::size_t rounded = ((bytes + kAlign - 1) / kAlign) * kAlign;
  if (rounded == 0) return;  // empty tensors own no memory
  if (device.is_cpu()) {
    data_ = std::aligned_alloc(kAlign, rounded);
    MGST_CHECK(data_ != nullptr, "out of CPU memory allocating " << bytes << " bytes ("
                                                                 << g_cpu_in_use.load()
                                                                 << " bytes in use)");
    const std::size_t now = g_cpu_in_use.fetch_add(rounded) + rounded;
    std::size_t peak = g_cpu_peak.load();
    while (now > peak && !g_cpu_peak.compare_exchange_weak(peak, now)) {
    }
  } else {
#ifdef MGST_WITH_CUDA
    data_ = kernels::cuda::device_alloc(rounded);
#else
    MGST_FAIL("cannot allocate on cuda: mgst was built without the CUDA backend");
#endif
  }
}

Storage::~Storage() {
  if (!data_) return;
  if (device_.is_cpu()) {
    std::free(data_);
    g_cpu_in_use.fetch_sub(((bytes_ + kAlign - 1) / kAlign) * kAlign);
  } else {
#ifdef MGST_WITH_CUDA
    kernels::cuda::device_free(data_);
#endif
  }
}

std::size_t cpu_bytes_in_use() { return g_cpu_in_use.load(); }
std::size_t cpu_peak_bytes() { return g_cpu_peak.load(); }
void reset_cpu_peak_bytes() { g_cpu_peak.store(g_cpu_in_use.load()); }

}  // namespace mgst
