// Asynchronous global -> shared copies (PTX cp.async, sm_80 and later) for
// the multi-stage shared-memory pipelines of the tensor-core kernels
// (mma_gemm.cuh). Internal to kernels/cuda.
//
//   cp_async4(dst, src)  queue a 4-byte copy; src == nullptr writes 0.f
//                        (src-size 0: zero fill, nothing read), which is how
//                        an implicit GEMM loads its padding and the tile
//                        edges without a branch around the copy
//   cp_async_commit()    close this thread's group of queued copies
//   cp_async_wait<N>()   wait until at most N of this thread's committed
//                        groups are still in flight
// A copy is visible to OTHER threads only after the issuing thread's wait
// AND a __syncthreads() that follows it.
//
// 4-byte copies, because an implicit GEMM gathers single floats (a 3x3
// window does not give 16 contiguous, aligned bytes); .ca is the only cache
// mode PTX allows for 4 bytes. On a GPU these are the PTX instructions; in
// the -DMGST_CUDA=EMULATE build the emulator queues the copies per thread
// and performs them at the wait, poisoning the destination until then
// (kernels/cuda/emulator/cuda_emulator.h), so a kernel that reads a stage
// before waiting for it fails its tests.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

namespace mgst::kernels::cuda::detail {

__device__ __forceinline__ void cp_async4(float* smem_dst, const float* gmem_src) {
#if defined(MGST_CUDA_EMULATED)
  ::mgst::emu::cp_async(smem_dst, gmem_src, 4, gmem_src ? 4 : 0);
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const unsigned dst = unsigned(__cvta_generic_to_shared(smem_dst));
  // src-size 0 reads nothing; the address must still be a valid operand.
  const int src_bytes = gmem_src ? 4 : 0;
  const float* src = gmem_src ? gmem_src : smem_dst;
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(dst), "l"(src), "r"(src_bytes)
               : "memory");
#else
  (void)smem_dst;
  (void)gmem_src;
#if defined(__CUDA_ARCH__)
  __trap();  // no cp.async before sm_80; mgst launches no kernel using it there
#endif
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#if defined(MGST_CUDA_EMULATED)
  ::mgst::emu::cp_async_commit();
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::: "memory");
#endif
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
#if defined(MGST_CUDA_EMULATED)
  ::mgst::emu::cp_async_wait(N);
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#endif
}

}  // namespace mgst::kernels::cuda::detail
