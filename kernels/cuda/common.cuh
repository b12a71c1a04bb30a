// Shared pieces of the CUDA kernels: the backend's stream, grid sizing, a
// scratch buffer from the caching allocator, and deterministic warp/block
// reductions. Internal to kernels/cuda (needs CUDA headers).
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/runtime.h"
#include "kernels/error.h"

namespace mgst::kernels::cuda {

// The backend's one stream (created on first use, see runtime.cu). Every
// launch and copy of the backend goes here, so ordering is program order.
cudaStream_t stream();

namespace detail {

constexpr int kThreads = 256;  // default block size of the elementwise kernels

// The one GPU size the backend plans for: 132 = the SM count of an H100 /
// H200 SXM. Every shape-dependent choice (a version's tile size, a split-K
// count, a grid cap) sizes itself against this constant and NEVER against
// the running device's multiProcessorCount: the choice, and with it the
// order of every floating-point sum, depends on the shape alone, so the
// same inputs give the same bits on any GPU. (On a GPU with fewer SMs the
// work still runs, in more waves.)
constexpr int kTargetSMs = 132;

// Blocks for a grid-stride loop over n items: kTargetSMs x 16 blocks of 256
// at most (meant to fill the target GPU; unmeasured), never more than the
// work needs.
inline unsigned grid_for(int64_t n, int threads = kThreads) {
  const int64_t blocks = (n + threads - 1) / threads;
  return unsigned(std::max<int64_t>(1, std::min<int64_t>(blocks, int64_t(kTargetSMs) * 16)));
}

// The indices of [first, end) one thread owns in a grid-stride loop: thread t
// of the grid takes first + t, then steps by the grid's thread count.
//   for (int64_t i : grid_stride(total)) y[i] = ...;
struct GridStride {
  struct Index {
    int64_t i, step;
    __device__ int64_t operator*() const { return i; }
    __device__ Index& operator++() {
      i += step;
      return *this;
    }
    __device__ bool operator!=(const Index& end) const { return i < end.i; }
  };
  int64_t first, last;  // [first, last)
  __device__ Index begin() const {
    return {first + blockIdx.x * int64_t(blockDim.x) + threadIdx.x,
            int64_t(gridDim.x) * blockDim.x};
  }
  __device__ Index end() const { return {last, 0}; }
};
__device__ __forceinline__ GridStride grid_stride(int64_t first, int64_t end) {
  return {first, end};
}
__device__ __forceinline__ GridStride grid_stride(int64_t n) { return {0, n}; }

// Flat index i of a row-major (planes, rows, cols) tensor as (plane, row, col):
//   const auto [c, y, x] = plane_index(i, H, W);
struct PlaneIndex {
  int64_t plane;
  int y, x;
};
__device__ __forceinline__ PlaneIndex plane_index(int64_t i, int H, int W) {
  return {i / (int64_t(W) * H), int(i / W % H), int(i % W)};
}

inline unsigned ceil_div(int64_t a, int64_t b) { return unsigned((a + b - 1) / b); }

// Scratch memory from the caching allocator, freed at scope exit. Freeing
// right after the launches that use it is safe: there is one stream, so a
// later allocation reusing the block runs its kernels after ours.
class Scratch {
 public:
  explicit Scratch(std::size_t bytes) : p_(bytes ? device_alloc(bytes) : nullptr) {}
  ~Scratch() { device_free(p_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  void* p_;
};

// Sum over a warp, fixed butterfly order: every lane gets the same bits.
template <class T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024). Fixed
// order (warp butterflies, then warp 0 over the warp sums), so the result
// depends only on the values, not on timing. Returned to every thread.
// `shared` holds 32 T. Contains __syncthreads: call from all threads.
template <class T>
__device__ __forceinline__ T block_sum(T v, T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int nwarps = blockDim.x >> 5;
  v = warp_sum(v);
  __syncthreads();  // protect `shared` from a previous call's readers
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  T r = lane < nwarps ? shared[lane] : T(0);
  r = warp_sum(r);
  return r;
}

}  // namespace detail
}  // namespace mgst::kernels::cuda
