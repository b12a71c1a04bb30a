// The TF32 tensor-core instruction for the CUDA kernels: a wrapper for the
// warp-wide PTX instruction
//   mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32   (sm_80 and later)
// with the coordinates of every fragment element, for kernels that load
// fragments themselves and need (row, col) in their epilogue. Internal to
// kernels/cuda.
//
// On a GPU it is the instruction itself (inline PTX). In the
// -DMGST_CUDA=EMULATE build it is a warp collective of the emulator
// (kernels/cuda/emulator/cuda_emulator.h) that gathers the 32 lanes'
// fragments, multiplies in the documented layout and hands each lane its
// part of D. The emulator's
// accumulation (fp32, in k order) is not the hardware's, whose internal
// order and rounding are not documented: results agree to fp32 accumulation
// error, not bit for bit.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/tf32.cuh"

namespace mgst::kernels::cuda::detail {

// ---- mma.m16n8k8 with .tf32 operands and .f32 accumulators -----------------------------
//
// D (16x8) = A (16x8, row) * B (8x8, col) + C (16x8). Fragment layout from
// the PTX ISA, section "Matrix Fragments for mma.m16n8k8" (9.7.14.5.7 in PTX
// ISA 9.x; https://docs.nvidia.com/cuda/parallel-thread-execution/
// #warp-level-matrix-fragment-mma-1688), .tf32 A and B, .f32 C/D, with
//   groupID g = laneid >> 2, threadID_in_group t = laneid % 4:
//   A: a0 (g, t)   a1 (g+8, t)   a2 (g, t+4)   a3 (g+8, t+4)
//   B: b0 (k=t, n=g)   b1 (k=t+4, n=g)
//   C/D: c0 (g, 2t)   c1 (g, 2t+1)   c2 (g+8, 2t)   c3 (g+8, 2t+1)
// The .tf32 A ordering is NOT the .f16 one (there a1 is (g, 2t+1) and a2 is
// (g+8, 2t)): code written for f16 fragments silently computes a wrong
// product with tf32 (tests/test_cuda_emulator.cpp shows the emulator
// rejecting that swap).

constexpr int kMmaM = 16, kMmaN = 8, kMmaK = 8;

struct FragCoord {
  int row, col;
};

// Element i (0..3) of lane's A fragment: (row m, col k) of A.
__host__ __device__ constexpr FragCoord mma_tf32_a_coord(int lane, int i) {
  return {(lane >> 2) + 8 * (i & 1), (lane & 3) + 4 * (i >> 1)};
}
// Element i (0..1) of lane's B fragment: (row k, col n) of B.
__host__ __device__ constexpr FragCoord mma_tf32_b_coord(int lane, int i) {
  return {(lane & 3) + 4 * i, lane >> 2};
}
// Element i (0..3) of lane's C or D fragment: (row m, col n).
__host__ __device__ constexpr FragCoord mma_tf32_c_coord(int lane, int i) {
  return {(lane >> 2) + 8 * (i >> 1), 2 * (lane & 3) + (i & 1)};
}

// d = a * b + c for the warp; every one of the 32 lanes must call it (the
// hardware leaves anything else undefined; the emulator fails the launch).
// a and b hold fp32 bit patterns the tensor cores read as TF32 (pass
// to_tf32 values for round-to-nearest; others are truncated). d may alias c.
__device__ __forceinline__ void mma_m16n8k8_tf32(float (&d)[4], const float (&a)[4],
                                                 const float (&b)[2], const float (&c)[4]) {
#if defined(MGST_CUDA_EMULATED)
  struct Lane {
    float a[4], b[2], c[4];
  };
  const Lane mine{{a[0], a[1], a[2], a[3]}, {b[0], b[1]}, {c[0], c[1], c[2], c[3]}};
  struct Out {
    float d[4];
  };
  const Out out = ::mgst::emu::warp_collective("mma.sync.m16n8k8.tf32", mine, [](const Lane* all) {
    // This lane's four elements of D, each gathering its row of A and
    // column of B from the lanes that hold them: the inverse of the layout
    // above (A (m, k): lane (m%8)*4 + k%4, element m/8 + 2*(k/4); B (k, n):
    // lane n*4 + k%4, element k/4), written out on its own so that the
    // tests of this wrapper (which load fragments by the PTX formulas) check
    // both directions. Gathering instead of scattering all 32 lanes'
    // fragments keeps the emulated tensor-core kernels cheap enough for CI.
    const int lane = ::mgst::emu::lane_id();
    Out o;
    for (int i = 0; i < 4; ++i) {
      const FragCoord p = mma_tf32_c_coord(lane, i);
      // TF32 x TF32 products are exact in fp32 (11 x 11 significant
      // bits), so each step rounds only the sum.
      float acc = all[lane].c[i];
      for (int k = 0; k < kMmaK; ++k) {
        const float a = all[(p.row % 8) * 4 + k % 4].a[p.row / 8 + 2 * (k / 4)];
        const float b = all[p.col * 4 + k % 4].b[k / 4];
        acc = fmaf(::mgst::emu::truncate_tf32(a), ::mgst::emu::truncate_tf32(b), acc);
      }
      o.d[i] = acc;
    }
    return o;
  });
  for (int i = 0; i < 4; ++i) d[i] = out.d[i];
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%10, %11, %12, %13};"
      : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
      : "r"(__float_as_uint(a[0])), "r"(__float_as_uint(a[1])), "r"(__float_as_uint(a[2])),
        "r"(__float_as_uint(a[3])), "r"(__float_as_uint(b[0])), "r"(__float_as_uint(b[1])),
        "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
#else
  // No TF32 tensor cores before sm_80: mgst builds no kernel that calls this
  // there; a trap makes a mistaken launch fail loudly instead of computing
  // garbage.
  (void)d;
  (void)a;
  (void)b;
  (void)c;
#if defined(__CUDA_ARCH__)
  __trap();
#endif
#endif
}

}  // namespace mgst::kernels::cuda::detail
