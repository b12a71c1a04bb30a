// "The last block finishes" (the CUDA programming guide's threadFenceReduction
// sample): a grid-wide combine in the same launch that writes the per-block
// partials, instead of a second kernel. Every block writes its partials to
// fixed slots, makes them visible device-wide (__threadfence) and takes a
// ticket; the one block that draws the last ticket knows that every other
// block has written and fenced, and combines all the partials itself, in a
// fixed order. Which block is last depends on timing; what it computes does
// not (the slots and the combine order are fixed by the shape), so the
// result is as deterministic as the two-kernel form, bit for bit.
//
// The ticket counter: atomicInc(ticket, blocks - 1) hands out 0 .. blocks-1
// and wraps back to 0 on the last one, so the counter is 0 again when the
// launch ends, with no reset and no memset: a launch replayed from a CUDA
// graph starts from 0 like an eager one. A counter may be shared by every
// kernel that uses it as long as no two of those launches overlap: mgst
// launches everything on one stream (runtime.h's stream()), so they run one
// after another. What would break it: two streams (or graph branches)
// running such kernels at once, or a launch that dies half-way (the counter
// is left mid-count; the next launch would pick the wrong last block).
// Without relocatable device code a `static __device__` counter is one per
// .cu file, which is how the callers hold theirs.
#pragma once
#include "kernels/cuda/common.cuh"

namespace mgst::kernels::cuda::detail {

// Call from every thread of the block, after the block's writes that the
// last block will read (by any of its threads). True in every thread of the
// one block that arrives last; that block must then read the other blocks'
// writes through a volatile pointer (an L1 line cached earlier in the
// launch would be stale). Contains __syncthreads().
__device__ __forceinline__ bool last_block_arrives(unsigned* ticket) {
  __shared__ bool last;
  __threadfence();  // this thread's writes are visible device-wide before the ticket ...
  __syncthreads();  // ... for every thread of the block
  if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) {
    const unsigned blocks = gridDim.x * gridDim.y * gridDim.z;
    last = atomicInc(ticket, blocks - 1) == blocks - 1;
    if (last) __threadfence();  // the reads of the others' partials come after the ticket
  }
  __syncthreads();
  return last;
}

}  // namespace mgst::kernels::cuda::detail
