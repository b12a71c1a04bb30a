// Deterministic reductions for the scalar-valued ops (reduce.cu, losses.cu).
// No float atomics: every partial has a fixed slot and is combined in a
// fixed order, and the partition depends on the shape alone (not on the
// device), so the same inputs give the same bits on every run.
//
// Stage 1, the partials: grid (B, R), block 256. Block (b, r) sums
// f(r, i, acc) over i in [0, len) with i = b*256 + tid + k*B*256 (thread
// sums in double, then block_sum), writing part[(v*R + r)*B + b] for each
// of the NV accumulated values v.
// Stage 2, the combine, one of:
//   finalize: one block; thread t handles rows t, t+256, ...: sums the
//     row's B partials in order, maps them to a contribution fin(r, s), then
//     block_sum and *out = fin.total(sum).
//   row sums: per row, s_r = sum_b part[(v*R + r)*B + b] -> rows[v*R + r].
//
// Two forms, the version tables' rows in reduce.cu and losses.cu:
//   two stage  row_partials_kernel, then finalize_kernel or row_sums_kernel:
//              two launches per reduction.
//   one pass   row_reduce_one_pass_kernel: stage 1, then the block that
//              finishes last (last_block.cuh) runs stage 2 with the same code
//              on the same 256 threads: one launch, the same bits (the
//              combine reads the same slots in the same order; only which
//              block runs it depends on timing). Its ticket counter is
//              row_reduce_ticket below.
#pragma once
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/last_block.cuh"

namespace mgst::kernels::cuda::detail {

constexpr int kReduceThreads = 256;

// Blocks per row: ~16 elements per thread, at most 256 blocks per row.
inline int reduce_blocks(int64_t len) {
  const int64_t b = (len + kReduceThreads * 16 - 1) / (kReduceThreads * 16);
  return int(std::max<int64_t>(1, std::min<int64_t>(b, 256)));
}

// Stage 1 for block (blockIdx.x, blockIdx.y) = (b, r) of a (B, R) grid.
// `red`: 32 doubles of shared memory.
template <int NV, class F>
__device__ __forceinline__ void row_partials_block(int64_t len, const F& f, double* part,
                                                   double* red) {
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

// Stage 2, finalize, by one block of kReduceThreads. Part: const double*
// (two stage) or const volatile double* (one pass: other blocks' writes).
template <int NV, class Fin, class Part>
__device__ __forceinline__ void finalize_block(int R, int B, Part part, const Fin& fin, float* out,
                                               double* red) {
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

// Stage 2, row sums, for the rows i = first, first + step, ... < count:
// rows[i] = sum_b part[i*B + b] (i = v*R + r).
template <class Part>
__device__ __forceinline__ void row_sums_range(int first, int step, int count, int B, Part part,
                                               double* rows) {
  for (int i = first; i < count; i += step) {
    double s = 0;
    for (int b = 0; b < B; ++b) s += part[int64_t(i) * B + b];
    rows[i] = s;
  }
}

// ---- two stage -----------------------------------------------------------------

template <int NV, class F>
__global__ void __launch_bounds__(kReduceThreads)
    row_partials_kernel(int64_t len, F f, double* __restrict__ part) {
  __shared__ double red[32];
  row_partials_block<NV>(len, f, part, red);
}

template <int NV, class Fin>
__global__ void __launch_bounds__(kReduceThreads)
    finalize_kernel(int R, int B, const double* __restrict__ part, Fin fin, float* out) {
  __shared__ double red[32];
  finalize_block<NV>(R, B, part, fin, out, red);
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

// ---- one pass --------------------------------------------------------------------

// The ticket counter of row_reduce_one_pass_kernel (last_block.cuh): one per
// .cu file that includes this header (no relocatable device code); enough
// because every launch is on the backend's one stream, one after another.
static __device__ unsigned row_reduce_ticket = 0;

// What the last block does with the partials: Finalize or RowSums.
template <int NV, class Fin>
struct Finalize {
  Fin fin;
  float* out;
  __device__ void operator()(int R, int B, const volatile double* part, double* red) const {
    finalize_block<NV>(R, B, part, fin, out, red);
  }
};
template <int NV>
struct RowSums {
  double* rows;  // NV*R doubles
  __device__ void operator()(int R, int B, const volatile double* part, double*) const {
    row_sums_range(threadIdx.x, kReduceThreads, NV * R, B, part, rows);
  }
};

// grid (B, R), block 256: stage 1, then stage 2 in the block that finishes
// last. part is written by this launch's blocks and read by its last block
// (no __restrict__: the last block reads it through a volatile view).
template <int NV, class F, class Combine>
__global__ void __launch_bounds__(kReduceThreads)
    row_reduce_one_pass_kernel(int64_t len, F f, double* part, Combine combine) {
  __shared__ double red[32];
  row_partials_block<NV>(len, f, part, red);
  if (!last_block_arrives(&row_reduce_ticket)) return;
  combine(int(gridDim.y), int(gridDim.x), static_cast<const volatile double*>(part), red);
}

// part must hold NV*R*B doubles. `combine`: Finalize<NV, Fin>{fin, out} or
// RowSums<NV>{rows}.
template <int NV, class F, class Combine>
void launch_row_reduce_one_pass(const char* what, int R, int64_t len, int B, const F& f,
                                double* part, const Combine& combine) {
  MGST_CHECK(R > 0 && R < 65536, what << ": " << R << " rows (at most 65535)");
  row_reduce_one_pass_kernel<NV, F, Combine>
      <<<dim3(B, R), kReduceThreads, 0, stream()>>>(len, f, part, combine);
  MGST_CHECK_LAUNCH(what, "R=", R, "len=", len, "B=", B);
}

// ---- the host side of both forms -----------------------------------------------

enum class ReduceForm { kTwoStage, kOnePass };

// *out = fin.total(sum_r fin(r, s_r)), s_r the NV sums of f over row r's
// len values; R rows. finalize_what names the two-stage form's second launch.
template <ReduceForm Form, int NV, class F, class Fin>
void reduce_to_scalar(const char* what, const char* finalize_what, int R, int64_t len, const F& f,
                      const Fin& fin, float* out) {
  const int B = reduce_blocks(len);
  Scratch part(sizeof(double) * NV * std::size_t(R) * B);
  if constexpr (Form == ReduceForm::kOnePass) {
    launch_row_reduce_one_pass<NV>(what, R, len, B, f, part.as<double>(),
                                   Finalize<NV, Fin>{fin, out});
  } else {
    launch_row_partials<NV>(what, R, len, B, f, part.as<double>());
    launch_finalize<NV>(finalize_what, R, B, part.as<double>(), fin, out);
  }
}

// rows[v*R + r] = s_r[v], the sums of f over row r's len values (NV*R doubles).
template <ReduceForm Form, int NV, class F>
void reduce_row_sums(const char* what, int R, int64_t len, const F& f, double* rows) {
  const int B = reduce_blocks(len);
  Scratch part(sizeof(double) * NV * std::size_t(R) * B);
  if constexpr (Form == ReduceForm::kOnePass) {
    launch_row_reduce_one_pass<NV>(what, R, len, B, f, part.as<double>(), RowSums<NV>{rows});
  } else {
    launch_row_partials<NV>(what, R, len, B, f, part.as<double>());
    launch_row_sums(NV * R, B, part.as<double>(), rows);
  }
}

}  // namespace mgst::kernels::cuda::detail
