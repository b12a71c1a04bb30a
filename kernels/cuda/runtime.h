// The CUDA backend's runtime: device discovery, the one stream, and the
// caching device allocator. Plain C++ header (no CUDA includes).
#pragma once
#include <cstddef>
#include <string>

namespace mgst::kernels::cuda {

// True when a usable GPU is present. Never throws; safe to call without one.
bool available();
// "NVIDIA H100 80GB HBM3 (sm_90)" or the reason none is usable.
std::string device_description();

// Caching allocator: freed blocks are kept per size class and reused, so a
// training loop does no cudaMalloc/cudaFree after its first step. Out of
// memory throws mgst::Error naming the requested size and the cache state.
void* device_alloc(std::size_t bytes);
void device_free(void* p);
void release_cached_memory();  // returns cached blocks to the driver

struct MemoryStats {
  std::size_t in_use = 0;  // bytes handed out and not yet freed
  std::size_t cached = 0;  // bytes held in the free lists
  std::size_t peak = 0;    // max of in_use since start / reset
};
MemoryStats memory_stats();
void reset_peak_memory();

void memcpy_h2d(void* dst, const void* src, std::size_t bytes);
void memcpy_d2h(void* dst, const void* src, std::size_t bytes);
void memcpy_d2d(void* dst, const void* src, std::size_t bytes);
void synchronize();

// What the backend has asked of the GPU since the process started:
// kernel launches (every MGST_CHECK_LAUNCH, i.e. every <<< >>> of
// kernels/cuda) and host synchronisations (each call that waits for the
// stream: memcpy_h2d, memcpy_d2h, synchronize, freeing cached blocks).
// mgst bench divides their growth over the timed steps by the step count.
struct ActivityCounters {
  long long launches = 0;
  long long host_syncs = 0;
};
ActivityCounters activity_counters();

// The backend's one stream as an opaque handle (a cudaStream_t), for tests
// and benchmarks that record CUDA events or hand the stream to cuDNN/cuBLAS.
void* stream_handle();

}  // namespace mgst::kernels::cuda
