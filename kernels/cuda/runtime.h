// The CUDA backend's runtime: device discovery, the one stream, and the
// caching device allocator. Plain C++ header (no CUDA includes).
#pragma once
#include <cstddef>
#include <map>
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
  std::size_t cached = 0;  // bytes held in the free lists (graph pools' included)
  std::size_t peak = 0;    // max of in_use since start / reset; a graph replay
                           // counts its pool's free blocks as in use
};
MemoryStats memory_stats();
void reset_peak_memory();

// Copies from or to pageable host memory wait for the stream (the host
// buffer may be reused as soon as they return).
void memcpy_h2d(void* dst, const void* src, std::size_t bytes);
void memcpy_d2h(void* dst, const void* src, std::size_t bytes);
void memcpy_d2d(void* dst, const void* src, std::size_t bytes);
void synchronize();

// Pinned (page-locked) host memory, and copies through it that are queued
// on the stream without waiting: the host must leave the buffer alone
// until a later wait (wait_for_results or synchronize). A training step's
// inputs go up and its results come back this way, so nothing inside the
// step waits for the GPU.
void* pinned_alloc(std::size_t bytes);
void pinned_free(void* p);
void memcpy_h2d_async(void* dst, const void* pinned_src, std::size_t bytes);
void memcpy_d2h_async(void* pinned_dst, const void* src, std::size_t bytes);
// The wait at the end of a step, once all its work is queued, before the
// host reads the results copied by memcpy_d2h_async. Counted apart from
// host_syncs (ActivityCounters::result_waits).
void wait_for_results();

// CUDA Graphs by stream capture. begin_capture() starts recording the
// stream (cudaStreamCaptureModeRelaxed: the allocator may still cudaMalloc
// a new block); from then until end_capture() every block the allocator
// hands out or takes back belongs to the graph's private pool, so no block
// a graph uses is ever given to other work while the graph exists (its
// replays write them again). end_capture() instantiates the graph; a
// capture broken by a forbidden call (a host wait, a pageable copy) throws
// mgst::Error naming CUDA's reason. launch_graph() queues one replay.
// destroy_graph() frees it and gives its pool's free blocks back to the
// cache (blocks still held by tensors go back when those are freed).
void begin_capture();
int end_capture();     // a graph id > 0
void abort_capture();  // ends a capture that threw, dropping what it recorded
void launch_graph(int graph);
void destroy_graph(int graph);
bool capturing();

// What the backend has asked of the GPU since the process started:
// kernel launches (every MGST_CHECK_LAUNCH, i.e. every <<< >>> of
// kernels/cuda, plus each replayed graph's kernels), host
// synchronisations (each call that waits for the stream: memcpy_h2d,
// memcpy_d2h, synchronize, freeing cached blocks), the end-of-step waits of
// wait_for_results, and graph replays. Launches recorded during a capture
// are not counted: the replay that follows counts them.
// mgst bench divides their growth over the timed steps by the step count.
struct ActivityCounters {
  long long launches = 0;
  long long host_syncs = 0;
  long long result_waits = 0;
  long long graph_launches = 0;
};
ActivityCounters activity_counters();

// Kernel launches by the op name each launch site gives MGST_CHECK_LAUNCH
// ("instance_norm_relu_forward", "conv2d_fused_forward", ...), counted while
// enable_launch_log(true) (off by default: a map update per launch). Which
// kernels a step runs, in place of which others; a capture counts its
// launches once, when recorded.
void enable_launch_log(bool on);
std::map<std::string, long long> launches_by_op();

// The backend's one stream as an opaque handle (a cudaStream_t), for tests
// and benchmarks that record CUDA events or hand the stream to cuDNN/cuBLAS.
void* stream_handle();

}  // namespace mgst::kernels::cuda
