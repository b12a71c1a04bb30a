// The CUDA backend's runtime (kernels/cuda/runtime.h): device discovery,
// the one stream, the caching allocator and copies.
//
// Caching allocator: requests are rounded up to a size class (512 B
// minimum, then 4 classes per power of two, so at most 25% waste); a freed
// block goes onto its class's free list and the next request of that class
// takes it back without cudaMalloc. A training loop allocates the same sizes
// every step, so after the first step it does no cudaMalloc/cudaFree. When
// cudaMalloc fails the cache is returned to the driver and the request is
// retried once; if it still fails the error names the request and the cache.
#include <cuda_runtime.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/runtime.h"

namespace mgst::kernels::cuda {

namespace {

// ActivityCounters: relaxed atomics, the order between them does not matter.
std::atomic<long long> g_launches{0}, g_host_syncs{0};

// cudaStreamSynchronize on the backend's stream, counted.
cudaError_t wait_for_stream() {
  g_host_syncs.fetch_add(1, std::memory_order_relaxed);
  return cudaStreamSynchronize(stream());
}

struct DeviceInfo {
  bool ok = false;
  std::string description;
};

const DeviceInfo& device_info() {
  static const DeviceInfo info = [] {
    DeviceInfo d;
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
      (void)cudaGetLastError();
      d.description = std::string("no CUDA device: ") + cudaGetErrorString(err);
      return d;
    }
    if (count == 0) {
      d.description = "no CUDA device: cudaGetDeviceCount returned 0";
      return d;
    }
    cudaDeviceProp prop{};
    const cudaError_t perr = cudaGetDeviceProperties(&prop, 0);
    if (perr != cudaSuccess) {
      (void)cudaGetLastError();
      d.description = std::string("CUDA device 0 unusable: ") + cudaGetErrorString(perr);
      return d;
    }
    std::ostringstream os;
    os << prop.name << " (sm_" << prop.major << prop.minor << ", " << prop.multiProcessorCount
       << " SMs, " << (prop.totalGlobalMem >> 20) << " MiB)";
    d.description = os.str();
    d.ok = true;
    return d;
  }();
  return info;
}

std::string bytes_str(std::size_t b) {
  std::ostringstream os;
  if (b >= (std::size_t(1) << 20))
    os << double(b) / double(1 << 20) << " MiB";
  else
    os << b << " B";
  return os.str();
}

// Size class: 512 B minimum, then 4 classes per power of two.
std::size_t size_class(std::size_t bytes) {
  if (bytes <= 512) return 512;
  std::size_t pow2 = 512;
  while (pow2 * 2 < bytes) pow2 *= 2;  // pow2 < bytes <= 2*pow2
  const std::size_t step = pow2 / 4;   // classes pow2 + k*step, k=1..4
  return ((bytes + step - 1) / step) * step;
}

class CachingAllocator {
 public:
  void* alloc(std::size_t bytes) {
    if (bytes == 0) bytes = 1;
    const std::size_t cls = size_class(bytes);
    std::lock_guard<std::mutex> lock(mu_);
    void* p = nullptr;
    auto it = free_.find(cls);
    if (it != free_.end() && !it->second.empty()) {
      p = it->second.back();
      it->second.pop_back();
      cached_ -= cls;
    } else {
      cudaError_t err = cudaMalloc(&p, cls);
      if (err != cudaSuccess) {
        (void)cudaGetLastError();
        release_locked();  // give the cache back and retry once
        err = cudaMalloc(&p, cls);
      }
      if (err != cudaSuccess) {
        (void)cudaGetLastError();
        std::ostringstream os;
        os << "CUDA out of memory: requested " << bytes_str(bytes) << " (class " << bytes_str(cls)
           << "), in use " << bytes_str(in_use_) << ", cached " << bytes_str(cached_) << ", peak "
           << bytes_str(peak_) << ": " << cudaGetErrorString(err);
        ::mgst::detail::throw_error(os.str(), __FILE__, __LINE__);
      }
    }
    if (poison_) MGST_CHECK_CUDA(cudaMemsetAsync(p, 0xFF, cls, stream()));
    live_[p] = cls;
    in_use_ += cls;
    peak_ = std::max(peak_, in_use_);
    return p;
  }

  void free(void* p) {
    if (!p) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(p);
    MGST_CHECK(it != live_.end(),
               "device_free: pointer " << p << " was not returned by device_alloc (double free?)");
    const std::size_t cls = it->second;
    live_.erase(it);
    in_use_ -= cls;
    cached_ += cls;
    free_[cls].push_back(p);
  }

  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    release_locked();
  }

  MemoryStats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    MemoryStats s;
    s.in_use = in_use_;
    s.cached = cached_;
    s.peak = peak_;
    return s;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mu_);
    peak_ = in_use_;
  }

 private:
  void release_locked() {
    // Blocks may still be read by queued kernels: wait before freeing.
    (void)wait_for_stream();
    for (auto& [cls, list] : free_) {
      for (void* p : list) (void)cudaFree(p);
      cached_ -= cls * list.size();
      list.clear();
    }
    (void)cudaGetLastError();
  }

  // MGST_CUDA_POISON_ALLOC=1 (the test binary sets it): every block handed
  // out is filled with 0xFF bytes, a NaN, so a kernel that reads memory it
  // never wrote (scratch, a reused block) fails its comparison.
  const bool poison_ = [] {
    const char* v = std::getenv("MGST_CUDA_POISON_ALLOC");
    return v && *v && *v != '0';
  }();
  std::mutex mu_;
  std::map<std::size_t, std::vector<void*>> free_;  // size class -> blocks
  std::unordered_map<void*, std::size_t> live_;     // pointer -> size class
  std::size_t in_use_ = 0, cached_ = 0, peak_ = 0;
};

// Never destroyed: at process exit the CUDA context may already be gone, and
// the driver reclaims everything anyway.
CachingAllocator& allocator() {
  static auto* a = new CachingAllocator;
  return *a;
}

}  // namespace

bool available() {
  try {
    return device_info().ok;
  } catch (...) {
    return false;
  }
}

std::string device_description() { return device_info().description; }

cudaStream_t stream() {
  // A blocking stream (not cudaStreamNonBlocking): it also orders against
  // the legacy default stream, so a plain cudaMemset/cudaMemcpy elsewhere
  // (tests poisoning buffers) cannot race with our kernels.
  static cudaStream_t s = [] {
    MGST_CHECK(available(), "CUDA backend used without a GPU: " << device_description());
    cudaStream_t st = nullptr;
    MGST_CHECK_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamDefault));
    return st;
  }();
  return s;
}

void* device_alloc(std::size_t bytes) { return allocator().alloc(bytes); }
void device_free(void* p) { allocator().free(p); }
void release_cached_memory() { allocator().release(); }
MemoryStats memory_stats() { return allocator().stats(); }
void reset_peak_memory() { allocator().reset_peak(); }

void memcpy_h2d(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()));
  // The host buffer may be pageable and reused right after we return.
  MGST_CHECK_CUDA(wait_for_stream());
}

void memcpy_d2h(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()));
  MGST_CHECK_CUDA(wait_for_stream());
}

void memcpy_d2d(void* dst, const void* src, std::size_t bytes) {
  if (!bytes) return;
  MGST_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream()));
}

void synchronize() { MGST_CHECK_CUDA(wait_for_stream()); }

ActivityCounters activity_counters() {
  return {g_launches.load(std::memory_order_relaxed), g_host_syncs.load(std::memory_order_relaxed)};
}

namespace detail {
void count_launch() { g_launches.fetch_add(1, std::memory_order_relaxed); }
}  // namespace detail

void* stream_handle() { return static_cast<void*>(stream()); }

}  // namespace mgst::kernels::cuda
