// Deterministic two-stage reductions for the scalar-valued ops (reduce.cu,
// losses.cu). No float atomics: every partial has a fixed slot and is
// combined in a fixed order, and the partition depends on the shape alone
// (not on the device), so the same inputs give the same bits on every run.
//
// Stage 1, row_partials_kernel: grid (B, R), block 256. Block (b, r) sums
// f(r, i, acc) over i in [0, len) with i = b*256 + tid + k*B*256 (thread
// sums in double, then block_sum), writing part[(v*R + r)*B + b] for each
// of the NV accumulated values v.
// Stage 2, one of:
//   finalize_kernel: one block; thread t handles rows t, t+256, ...: sums the
//     row's B partials in order, maps them to a contribution fin(r, s), then
//     block_sum and *out = fin.total(sum).
//   row_sums_kernel: per row, s_r = sum_b part[(v*R + r)*B + b] -> rows[v*R + r].
#pragma once
#include "kernels/cuda/common.cuh"

namespace mgst::kernels::cuda::detail {

constexpr int kReduceThreads = 256;

// Blocks per row: ~16 elements per thread, at most 256 blocks per row.
inline int reduce_blocks(int64_t len) {
  const int64_t b = (len + kReduceThreads * 16 - 1) / (kReduceThreads * 16);
  return int(std::max<int64_t>(1, std::min<int64_t>(b, 256)));
}

template <int NV, class F>
__global__ void __launch_bounds__(kReduceThreads)
    row_partials_kernel(int64_t len, F f, double* __restrict__ part) {
  __shared__ double red[32];
  const int r = blockIdx.y, B = gridDim.x, R = gridDim.y;
  double acc[NV];
#pragma unroll
  for (int v = 0; v < NV; ++v) acc[v] = 0;
  for (int64_t i = blockIdx.x * int64_t(kReduceThreads) + threadIdx.x; i < len;
       i += int64_t(B) * kReduceThreads)
    f(r, i, acc);
#pragma unroll
  for (int v = 0; v < NV; ++v) {
    const double s = block_sum(acc[v], red);
    if (threadIdx.x == 0) part[(int64_t(v) * R + r) * B + blockIdx.x] = s;
  }
}

template <int NV, class Fin>
__global__ void __launch_bounds__(kReduceThreads)
    finalize_kernel(int R, int B, const double* __restrict__ part, Fin fin, float* out) {
  __shared__ double red[32];
  double acc = 0;
  for (int r = threadIdx.x; r < R; r += kReduceThreads) {
    double s[NV];
#pragma unroll
    for (int v = 0; v < NV; ++v) {
      s[v] = 0;
      for (int b = 0; b < B; ++b) s[v] += part[(int64_t(v) * R + r) * B + b];
    }
    acc += fin(r, s);
  }
  acc = block_sum(acc, red);
  if (threadIdx.x == 0) *out = float(fin.total(acc));
}

// grid-stride over (v, r) in [0, NV*R): rows[v*R + r] = sum_b part[(v*R + r)*B + b].
__global__ void row_sums_kernel(int count, int B, const double* __restrict__ part,
                                double* __restrict__ rows);

// part must hold NV*R*B doubles.
template <int NV, class F>
void launch_row_partials(const char* what, int R, int64_t len, int B, const F& f, double* part) {
  MGST_CHECK(R > 0 && R < 65536, what << ": " << R << " rows (at most 65535)");
  row_partials_kernel<NV, F><<<dim3(B, R), kReduceThreads, 0, stream()>>>(len, f, part);
  MGST_CHECK_LAUNCH(what, "R=", R, "len=", len, "B=", B);
}

template <int NV, class Fin>
void launch_finalize(const char* what, int R, int B, const double* part, const Fin& fin,
                     float* out) {
  finalize_kernel<NV, Fin><<<1, kReduceThreads, 0, stream()>>>(R, B, part, fin, out);
  MGST_CHECK_LAUNCH(what, "R=", R, "B=", B);
}

void launch_row_sums(int count, int B, const double* part, double* rows);

}  // namespace mgst::kernels::cuda::detail
