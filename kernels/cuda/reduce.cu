// Scalar reductions (deterministic, see row_reduce.cuh):
//   sum_forward:               out = sum_i x[i]
//   weighted_row_mse_forward:  out = (1/R) sum_r rw[r] * (1/M) sum_m (a[r,m] - t[r*ts + m])^2
//   weighted_row_mse_backward: da[r,m] = gout * rw[r] * 2 (a - t) / (R M)
//   row_nonempty_forward:      out[r] = [sum_m x[r,m] >= threshold] * value
//   weighted_sum_forward:      out = sum_i w[i] x[i][0]   (k <= 8 scalars, one thread)
//   weighted_sum_backward:     gx[i][0] = w[i] gout[0]   (one thread per term)
// (rw nullable = ones; t_row_stride 0 broadcasts one target row.)
//
// Versions (kVersions at the end; they differ in sum_forward and
// weighted_row_mse_forward only, the other functions are shared):
//   v1_two_stage  row_reduce.cuh's partials kernel, then its finalize kernel:
//                 two launches per reduction.
//   v2_one_pass   the same partials, and the block that finishes last runs the
//                 same finalize (last_block.cuh): one launch, the same bits.
//                 Per training step this drops 6 finalize launches (1 sum,
//                 5 row MSEs; counted in the emulator at 24x32, batch 2).
//                 Time unmeasured.
#include "kernels/checks.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/row_reduce.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace detail {

__global__ void row_sums_kernel(int count, int B, const double* __restrict__ part,
                                double* __restrict__ rows) {
  row_sums_range(blockIdx.x * blockDim.x + threadIdx.x, gridDim.x * blockDim.x, count, B, part,
                 rows);
}

void launch_row_sums(int count, int B, const double* part, double* rows) {
  row_sums_kernel<<<grid_for(count), kThreads, 0, stream()>>>(count, B, part, rows);
  MGST_CHECK_LAUNCH("row_sums", "count=", count, "B=", B);
}

}  // namespace detail

namespace {

struct SumTerm {
  const float* x;
  __device__ void operator()(int, int64_t i, double* acc) const { acc[0] += x[i]; }
};
struct SumFin {
  __device__ double operator()(int, const double* s) const { return s[0]; }
  __device__ double total(double a) const { return a; }
};

struct RowMseTerm {
  const float* a;
  const float* t;
  int64_t M, ts;
  __device__ void operator()(int r, int64_t i, double* acc) const {
    const double d = double(a[r * M + i]) - double(t[r * ts + i]);
    acc[0] += d * d;
  }
};
struct RowMseFin {
  const float* rw;
  int R;
  int64_t M;
  __device__ double operator()(int r, const double* s) const {
    return (rw ? double(rw[r]) : 1.0) * s[0] / double(M);
  }
  __device__ double total(double a) const { return a / R; }
};

// grid-stride over i = r*M + m of da.
__global__ void row_mse_backward_kernel(int R, int64_t M, const float* __restrict__ a,
                                        const float* __restrict__ t, int64_t ts,
                                        const float* __restrict__ rw,
                                        const float* __restrict__ gout, float* __restrict__ da) {
  const int64_t total = int64_t(R) * M;
  const float k = 2.f * gout[0] / float(double(R) * double(M));
  for (int64_t i : detail::grid_stride(total)) {
    const int64_t r = i / M, m = i - r * M;
    const float wr = rw ? rw[r] : 1.f;
    da[i] = k * wr * (a[i] - t[r * ts + m]);
  }
}

// One block per row (the rows are pooled masks: at most H*W values each),
// summed in double in a fixed order, compared with the threshold: one launch.
__global__ void __launch_bounds__(detail::kReduceThreads)
    row_nonempty_kernel(int64_t M, const float* __restrict__ x, float threshold, float value,
                        float* __restrict__ out) {
  __shared__ double red[32];
  const int64_t r = blockIdx.x;
  double acc = 0;
  for (int64_t i = threadIdx.x; i < M; i += detail::kReduceThreads) acc += x[r * M + i];
  acc = detail::block_sum(acc, red);
  if (threadIdx.x == 0) out[r] = acc >= double(threshold) ? value : 0.f;
}

// The terms arrive in the kernel's parameters (ScalarTerms by value): one
// thread sums them in double in index order, as the CPU backend does.
__global__ void weighted_sum_forward_kernel(ScalarTerms t, float* __restrict__ out) {
  double s = 0;
  for (int i = 0; i < t.k; ++i) s += double(t.w[i]) * double(t.x[i][0]);
  out[0] = float(s);
}

// thread i: term i's gradient, skipped when its pointer is null.
__global__ void weighted_sum_backward_kernel(ScalarTerms t, const float* __restrict__ gout,
                                             ScalarGrads gx) {
  const int i = threadIdx.x;
  if (i < t.k && gx.g[i]) gx.g[i][0] = t.w[i] * gout[0];
}

// The two versions' sum_forward and weighted_row_mse_forward.
template <detail::ReduceForm Form>
void sum_forward_v(int64_t n, const float* x, float* out) {
  MGST_CHECK(n >= 0, "sum_forward: negative length " << n);
  detail::reduce_to_scalar<Form, 1>("sum_forward", "sum_forward finalize", 1, n, SumTerm{x},
                                    SumFin{}, out);
}

template <detail::ReduceForm Form>
void weighted_row_mse_forward_v(int R, int64_t M, const float* a, const float* t,
                                int64_t t_row_stride, const float* row_weight, float* out) {
  check_row_mse_shape("weighted_row_mse_forward", R, M, t_row_stride);
  detail::reduce_to_scalar<Form, 1>("weighted_row_mse_forward", "weighted_row_mse_forward finalize",
                                    R, M, RowMseTerm{a, t, M, t_row_stride},
                                    RowMseFin{row_weight, R, M}, out);
}

}  // namespace

void weighted_sum_forward(const ScalarTerms& t, float* out) {
  check_scalar_terms("weighted_sum_forward", t);
  weighted_sum_forward_kernel<<<1, 1, 0, stream()>>>(t, out);
  MGST_CHECK_LAUNCH("weighted_sum_forward", "k=", t.k);
}

void weighted_sum_backward(const ScalarTerms& t, const float* gout, const ScalarGrads& gx) {
  check_scalar_terms("weighted_sum_backward", t);
  weighted_sum_backward_kernel<<<1, ScalarTerms::kMax, 0, stream()>>>(t, gout, gx);
  MGST_CHECK_LAUNCH("weighted_sum_backward", "k=", t.k);
}

void row_nonempty_forward(int R, int64_t M, const float* x, float threshold, float value,
                          float* out) {
  MGST_CHECK(R >= 0 && M >= 0, "row_nonempty_forward: bad shape R=" << R << " M=" << M);
  if (R == 0) return;
  row_nonempty_kernel<<<R, detail::kReduceThreads, 0, stream()>>>(M, x, threshold, value, out);
  MGST_CHECK_LAUNCH("row_nonempty_forward", "R=", R, "M=", M);
}

void weighted_row_mse_backward(int R, int64_t M, const float* a, const float* t,
                               int64_t t_row_stride, const float* row_weight, const float* gout,
                               float* da) {
  check_row_mse_shape("weighted_row_mse_backward", R, M, t_row_stride);
  const int64_t total = int64_t(R) * M;
  row_mse_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(R, M, a, t,
                                                                                      t_row_stride,
                                                                                      row_weight,
                                                                                      gout, da);
  MGST_CHECK_LAUNCH("weighted_row_mse_backward", "R=", R, "M=", M);
}

// The version table (kernels/cuda/versions.h).
namespace {
#define MGST_REDUCE_RUN(v)                                                                         \
  "test: MGST_OPS=sum,weighted_row_mse,row_nonempty,weighted_sum mgst_tests -ts=cuda -tc='cuda "   \
  "ops*' (every version); bench: mgst_bench_ops --benchmark_filter='^cuda/(sum|weighted_row_mse) " \
  ".*" v "'"
constexpr KernelVersion<ReduceFns> kVersions[] = {
    {"v1_two_stage",
     "row partials in fixed slots, then one fixed-order combine (row_reduce.cuh)",
     "unmeasured",
     MGST_REDUCE_RUN("v1_two_stage"),
     {sum_forward_v<detail::ReduceForm::kTwoStage>,
      weighted_row_mse_forward_v<detail::ReduceForm::kTwoStage>, weighted_row_mse_backward,
      row_nonempty_forward, weighted_sum_forward, weighted_sum_backward}},
    {"v2_one_pass",
     "v1 in one launch: the block that finishes last does the combine (last_block.cuh)",
     "unmeasured",
     MGST_REDUCE_RUN("v2_one_pass"),
     {sum_forward_v<detail::ReduceForm::kOnePass>,
      weighted_row_mse_forward_v<detail::ReduceForm::kOnePass>, weighted_row_mse_backward,
      row_nonempty_forward, weighted_sum_forward, weighted_sum_backward}},
};
#undef MGST_REDUCE_RUN
constexpr int kDispatched = find_version(kVersions, "v2_one_pass");
static_assert(kDispatched >= 0);
}  // namespace

std::span<const KernelVersion<ReduceFns>> reduce_versions() { return kVersions; }
int reduce_dispatched() { return kDispatched; }

void sum_forward(int64_t n, const float* x, float* out) {
  kVersions[kDispatched].fn.sum_forward(n, x, out);
}

void weighted_row_mse_forward(int R, int64_t M, const float* a, const float* t,
                              int64_t t_row_stride, const float* row_weight, float* out) {
  kVersions[kDispatched].fn.weighted_row_mse_forward(R, M, a, t, t_row_stride, row_weight, out);
}

}  // namespace mgst::kernels::cuda
