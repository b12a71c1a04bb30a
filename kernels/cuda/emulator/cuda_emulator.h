// The CUDA emulator: runs mgst's own CUDA kernels on the CPU, so that the
// CUDA-vs-CPU parity tests run on machines without a GPU (CI, laptops).
//
// It is a checking tool, not a backend: blocks are shared out over the CPU
// cores, and within a block each CUDA thread is a fiber on its own small
// stack, switched only at __syncthreads(), warp shuffles and warp
// collectives (the TF32 mma of kernels/cuda/mma_tf32.cuh). That is enough to
// execute the index math, the tiling, the shared-memory staging and the
// reductions exactly as written, and to catch what CPU tests of the helpers cannot: unwritten
// outputs, wrong tile bounds, wrong reduction trees, a __syncthreads() that
// only part of a block reaches, a shuffle some lanes skipped.
//
// What it cannot show: speed, the memory model (every store is visible at
// once, so a missing __syncthreads between a write and another thread's
// read goes unnoticed unless MGST_EMU_ORDER=reverse changes the result),
// register or shared-memory limits, and anything about real hardware. A
// kernel that passes here has still not run on a GPU; notes must say so.
//
// How it is used (CMakeLists.txt, -DMGST_CUDA=EMULATE): each kernels/cuda
// file is copied with `k<<<grid, block, smem, stream>>>(args)` rewritten to
// `::mgst::emu::launcher(k, "k", grid, block, smem, stream)(args)`
// (rewrite_launches.cmake), compiled by the C++ compiler with this header
// force-included, and linked against cuda_emulator.cpp, which implements the
// part of the CUDA runtime API mgst calls (memory, pinned host memory,
// copies, streams, events, stream capture and graphs, errors, device
// properties) instead of libcudart.
#pragma once
#include <cuda_runtime.h>  // types (dim3, float4, cudaError_t), API declarations
#include <math.h>          // fmaf, sqrtf, ... in the global namespace, as device code sees them

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

// Device-code keywords. crt/host_defines.h already maps __device__,
// __global__, __host__, __forceinline__ and __align__ to plain C++ for a
// host compiler; the rest are ours. Shared memory is a thread_local static:
// one copy per OS thread, shared by the fibers of the block running there.
#undef __shared__
#define __shared__ static thread_local
#undef __constant__
#define __constant__
#undef __launch_bounds__
#define __launch_bounds__(...)

namespace mgst::emu {

// The coordinates of the CUDA thread whose fiber is running.
struct ThreadCoords {
  uint3 thread{0, 0, 0};
  uint3 block{0, 0, 0};
  dim3 block_dim{1, 1, 1};
  dim3 grid_dim{1, 1, 1};
};
const ThreadCoords& coords();

// Park the running fiber until every thread of its block (or its warp) has
// arrived; a divergent barrier is reported as a launch failure.
void block_barrier();
void warp_barrier();
// kWarpSlotBytes per lane for the exchanges of the running thread's warp
// (shuffles use 16; warp_collective, e.g. an mma's fragments, up to all 64).
constexpr std::size_t kWarpSlotBytes = 64;
unsigned char* warp_exchange_slot(int lane);
int lane_id();
// How many threads the running thread's warp has: 32, or fewer in the last
// warp of a block whose size is not a multiple of 32.
int warp_lanes();
// Fails the launch from device code with `what` (the kernel, block and
// thread are added): for what the hardware leaves undefined, which the
// emulator must not quietly give a meaning. The calling fiber never resumes.
[[noreturn]] void fault(const char* what);
// Faults unless the running thread's warp has all 32 lanes (`op` names the
// warp-wide operation in the message).
void require_full_warp(const char* op);

// PTX cvt.rna.tf32.f32, bit-exact: round the fp32 value to TF32's 10
// mantissa bits, to nearest with ties AWAY from zero (not to even), low 13
// bits zero. Working on the magnitude bits makes the sign symmetric and
// carries into the exponent by themselves: the largest values round to inf
// (FLT_MAX does), subnormals round on the same grid, inf stays inf. Only NaN
// needs a case: its payload may live in the low 13 bits only, and clearing
// them would make it inf.
inline float cvt_rna_tf32(float x) {
  const auto u = std::bit_cast<std::uint32_t>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return std::bit_cast<float>(u | 0x7fffe000u);
  return std::bit_cast<float>((u + 0x1000u) & ~0x1fffu);
}

// What the tensor cores do with an fp32 operand that was not converted: they
// read only its TF32 bits, i.e. the low 13 bits are dropped (truncation,
// toward zero). NaN is kept a NaN (an assumption: what the hardware makes of
// a NaN whose payload is all in the dropped bits is not documented).
inline float truncate_tf32(float x) {
  const auto u = std::bit_cast<std::uint32_t>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return std::bit_cast<float>(u | 0x7fffe000u);
  return std::bit_cast<float>(u & ~0x1fffu);
}

// A warp collective (mma.sync, wmma's *_sync): every lane publishes `mine`,
// the warp meets, each lane calls `f(all)` with the 32 lanes' values
// (all[lane]) and gets its result, the warp meets again (so the next
// exchange cannot overwrite a slot before every lane has read it). The
// hardware requires the whole warp: a warp of fewer than 32 threads faults,
// and lanes that return or wait elsewhere make the meeting a divergence that
// fails the launch (as for a shuffle). `what` names the operation in errors.
template <class T, class F>
auto warp_collective(const char* what, const T& mine, F&& f) {
  static_assert(sizeof(T) <= kWarpSlotBytes && std::is_trivially_copyable_v<T>);
  require_full_warp(what);
  std::memcpy(warp_exchange_slot(lane_id()), &mine, sizeof(T));
  warp_barrier();
  T all[32];
  for (int l = 0; l < 32; ++l) std::memcpy(&all[l], warp_exchange_slot(l), sizeof(T));
  warp_barrier();
  return f(static_cast<const T*>(all));
}

// cp.async (sm_80+ asynchronous global -> shared copies), per thread as in
// PTX: cp_async() queues a copy of `bytes` (4, 8 or 16; dst and src aligned
// to it) reading `src_bytes` of them from src and zero-filling the rest
// (src_bytes 0: all zeros, src not read); cp_async_commit() closes the
// thread's open group; cp_async_wait(n) completes every committed group but
// the n most recent. Copies issued but not committed are not waited for.
// To make a kernel that reads too early fail, the destination is filled
// with 0xff bytes (a NaN as float) when the copy is issued and receives the
// data only when its group is waited for; the source is read at issue. A
// thread's own wait does not publish its copies to other threads' reads on
// real hardware either: only a __syncthreads() after the wait does, and
// here the other threads of the block see the poison until the issuing
// thread has waited (which the emulator's warp-by-warp schedule exposes).
// Copies still pending when a thread exits are dropped (nothing can read
// them). kernels/cuda/cp_async.cuh is the kernels' interface.
void cp_async(void* dst, const void* src, int bytes, int src_bytes);
void cp_async_commit();
void cp_async_wait(int n);

// Stream capture (cudaStreamBeginCapture .. cudaStreamEndCapture): while a
// stream captures, work sent to it is recorded as a graph node instead of
// run, and cudaGraphLaunch runs the nodes in order. `node` is the work;
// returns false (run it now) when `stream` is not capturing. What real
// capture forbids fails here too, and invalidates the capture: a wait for
// the capturing stream or the device, a synchronous copy, a copy between
// the device and pageable (not cudaMallocHost) host memory, a cudaMalloc
// outside cudaStreamCaptureModeRelaxed, a cudaFree.
bool record_if_capturing(cudaStream_t stream, std::function<void()> node);

// Runs `thread_body` for every thread of the grid; returns the error a real
// launch would report (bad configuration, barrier divergence).
cudaError_t run_grid(dim3 grid, dim3 block, const char* kernel_name,
                     const std::function<void()>& thread_body);
// Records a launch error for the next cudaGetLastError (first one wins).
void set_last_error(cudaError_t err);

// The object `launcher(k, grid, block, ...)` returns; called with the
// kernel's arguments. Arguments are converted to the kernel's parameter
// types once (as a launch does) and every thread gets its own copy.
template <class... Params>
class Launcher {
 public:
  Launcher(void (*kernel)(Params...), const char* name, dim3 grid, dim3 block, cudaStream_t stream)
      : kernel_(kernel), name_(name), grid_(grid), block_(block), stream_(stream) {}

  // The launch: run now, or recorded as a graph node (with its converted
  // arguments) when the stream is capturing.
  template <class... Args>
  void operator()(Args&&... args) const {
    auto launch = [kernel = kernel_, name = name_, grid = grid_, block = block_,
                   params = std::tuple<std::decay_t<Params>...>(std::forward<Args>(args)...)] {
      const cudaError_t err = run_grid(grid, block, name, [&] {
        std::tuple<std::decay_t<Params>...> mine = params;  // by-value parameters
        std::apply(kernel, mine);
      });
      if (err != cudaSuccess) set_last_error(err);
    };
    if (!record_if_capturing(stream_, launch)) launch();
  }

 private:
  void (*kernel_)(Params...);
  const char* name_;
  dim3 grid_, block_;
  cudaStream_t stream_;
};

template <class... Params>
Launcher<Params...> launcher(void (*kernel)(Params...), const char* name, dim3 grid, dim3 block,
                             std::size_t /*dynamic_smem*/ = 0, cudaStream_t stream = nullptr) {
  return Launcher<Params...>(kernel, name, grid, block, stream);
}

}  // namespace mgst::emu

// Built-in variables.
#define threadIdx (::mgst::emu::coords().thread)
#define blockIdx (::mgst::emu::coords().block)
#define blockDim (::mgst::emu::coords().block_dim)
#define gridDim (::mgst::emu::coords().grid_dim)

// The device math library's integer and float min/max overloads.
#define MGST_EMU_MINMAX(T)                         \
  inline T min(T a, T b) { return b < a ? b : a; } \
  inline T max(T a, T b) { return a < b ? b : a; }
MGST_EMU_MINMAX(int)
MGST_EMU_MINMAX(unsigned)
MGST_EMU_MINMAX(long)
MGST_EMU_MINMAX(unsigned long)
MGST_EMU_MINMAX(long long)
MGST_EMU_MINMAX(unsigned long long)
MGST_EMU_MINMAX(float)
MGST_EMU_MINMAX(double)
#undef MGST_EMU_MINMAX

inline void __syncthreads() { ::mgst::emu::block_barrier(); }

// Device atomics on global memory (the few mgst uses), real atomics: the
// blocks of a grid run on several OS threads at once. Relaxed, as CUDA's
// atomicInc/atomicAdd are: ordering with other memory comes from
// __threadfence(), a full fence here as on the GPU. (x86 orders stores by
// itself, so a missing fence is not something the emulator can show.)
// atomicInc: old = *p; *p = old >= limit ? 0 : old + 1; returns old.
inline unsigned atomicInc(unsigned* p, unsigned limit) {
  std::atomic_ref<unsigned> a(*p);
  unsigned old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old >= limit ? 0u : old + 1u, std::memory_order_relaxed))
    ;
  return old;
}
inline unsigned atomicAdd(unsigned* p, unsigned v) {
  return std::atomic_ref<unsigned>(*p).fetch_add(v, std::memory_order_relaxed);
}
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }

template <class T>
inline T __ldg(const T* p) {
  return *p;
}

// Full-warp exchange: every lane publishes its value, the warp meets, each
// lane reads its partner's, the warp meets again (so the next shuffle
// cannot overwrite a slot before it is read). mgst only uses full masks.
template <class T>
inline T __shfl_xor_sync(unsigned /*mask*/, T v, int lane_mask, int /*width*/ = 32) {
  static_assert(sizeof(T) <= 16 && std::is_trivially_copyable_v<T>);
  const int lane = ::mgst::emu::lane_id();
  std::memcpy(::mgst::emu::warp_exchange_slot(lane), &v, sizeof(T));
  ::mgst::emu::warp_barrier();
  T r;
  std::memcpy(&r, ::mgst::emu::warp_exchange_slot(lane ^ lane_mask), sizeof(T));
  ::mgst::emu::warp_barrier();
  return r;
}

// nvcuda::wmma (TF32 m16n16k8), built on warp_collective.
#include "kernels/cuda/emulator/wmma.h"
