// TF32 rounding for the CUDA kernels' tensor-core paths (see mma_tf32.cuh).
// On a GPU the PTX instruction itself; in the -DMGST_CUDA=EMULATE build the
// emulator's bit-exact model (kernels/cuda/emulator/cuda_emulator.h).
// Internal to kernels/cuda.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

namespace mgst::kernels::cuda::detail {

// Round an fp32 value to TF32 (PTX cvt.rna.tf32.f32: to nearest, ties away
// from zero, low 13 mantissa bits zero; NaN stays NaN, inf stays inf), the
// result still an fp32 value. This is what __float_to_tf32 does; feeding the
// mma unconverted values instead truncates them (truncate_tf32).
__device__ __forceinline__ float to_tf32(float x) {
#if defined(MGST_CUDA_EMULATED)
  return ::mgst::emu::cvt_rna_tf32(x);
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  std::uint32_t u;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(u) : "f"(x));
  return __uint_as_float(u);
#else
  // Older architectures (and nvcc's host pass) have no cvt to TF32: the same
  // rounding on the bits. mgst launches no TF32 kernel there.
  std::uint32_t u = __float_as_uint(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return __uint_as_float(u | 0x7fffe000u);
  return __uint_as_float((u + 0x1000u) & ~0x1fffu);
#endif
}

// The TF32 value the tensor cores read from an fp32 operand fed without
// to_tf32: its low 13 bits dropped (toward zero).
__device__ __forceinline__ float truncate_tf32(float x) {
#if defined(MGST_CUDA_EMULATED)
  return ::mgst::emu::truncate_tf32(x);
#else
  std::uint32_t u = __float_as_uint(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return __uint_as_float(u | 0x7fffe000u);
  return __uint_as_float(u & ~0x1fffu);
#endif
}

}  // namespace mgst::kernels::cuda::detail
