// Region losses: the fused value kernels (deterministic reductions,
// row_reduce.cuh, one "row" per sample) and their backward kernels (one
// thread per gradient element, gathers only).
//
// Masked mse, a, b (N,C,P), m (N,P), D_n = C sum_p m[n,p] + eps:
//   out = (1/N) sum_n sum_p m[n,p] sum_c (a-b)^2 / D_n
//   da  = gout * 2 m[n,p] (a-b) / (N D_n)
// Task edge loss on luminance g = .299R + .587G + .114B of y, x (N,3,H,W),
// m (N,H,W), e_x(p) = dx g(y) - dx g(x) at p (column < W-1), e_y likewise
// (row < H-1), D_n = sum_p m + eps:
//   out = (1/N) sum_n sum_p m_p (e_x(p)^2 + e_y(p)^2) / D_n
//   dL/dg(y)(p) = 2/(N D_n) [m(p-1) e_x(p-1) - m(p) e_x(p) + m(p-W) e_y(p-W) - m(p) e_y(p)]
//   dy[n,c,p] = gout * lum_c * dL/dg(y)(p)
// Total variation, y (N,C,H,W), cnt_h = NCH(W-1), cnt_v = NC(H-1)W:
//   out = sum d_h^2 / cnt_h + sum d_v^2 / cnt_v  (an empty mean contributes 0)
//   dy[q] = gout * (2/cnt_h (d_h(q-1) - d_h(q)) + 2/cnt_v (d_v(q-W) - d_v(q)))
//
// Versions (kVersions at the end), differing only in how row_reduce.cuh
// combines the partials of the three values and of the mask sums D_n the
// backward kernels read:
//   v1_fused_two_stage  the partials kernel, then a finalize (or row sums)
//                       kernel: two launches per reduction.
//   v2_fused_one_pass   the block that finishes last does that combine
//                       (last_block.cuh): one launch, the same bits. Per
//                       training step this drops 5 launches (3 finalizes,
//                       2 row sums). Unmeasured.
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/row_reduce.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

__device__ __forceinline__ double lum(const float* s, int64_t HW) {
  return 0.299 * double(s[0]) + 0.587 * double(s[HW]) + 0.114 * double(s[2 * HW]);
}
__device__ __constant__ float kLum[3] = {0.299f, 0.587f, 0.114f};

// ---- masked mse ----------------------------------------------------------------
// row n, i = p: acc0 += m * sum_c (a-b)^2, acc1 += m.
struct MaskedMseTerm {
  int C, P;
  const float* a;
  const float* b;
  const float* m;
  __device__ void operator()(int n, int64_t p, double* acc) const {
    const double mp = m[int64_t(n) * P + p];
    acc[1] += mp;
    if (mp == 0) return;
    double s = 0;
    for (int c = 0; c < C; ++c) {
      const int64_t i = (int64_t(n) * C + c) * P + p;
      const double d = double(a[i]) - double(b[i]);
      s += d * d;
    }
    acc[0] += mp * s;
  }
};
struct MaskedMseFin {
  int N, C;
  float eps;
  __device__ double operator()(int, const double* s) const {
    return s[0] / (double(C) * s[1] + double(eps));
  }
  __device__ double total(double v) const { return v / N; }
};

// row n, i = p: acc0 += m.
struct MaskSumTerm {
  int64_t P;
  const float* m;
  __device__ void operator()(int n, int64_t p, double* acc) const { acc[0] += m[n * P + p]; }
};

// grid-stride over i = (n*C + c)*P + p of da; msum[n] = sum_p m[n,p].
__global__ void masked_mse_backward_kernel(int N, int C, int P, const float* __restrict__ a,
                                           const float* __restrict__ b, const float* __restrict__ m,
                                           float eps, const double* __restrict__ msum,
                                           const float* __restrict__ gout, float* __restrict__ da) {
  const int64_t total = int64_t(N) * C * P;
  const double g = gout[0];
  for (int64_t i : detail::grid_stride(total)) {
    const int p = int(i % P);
    const int64_t n = i / (int64_t(C) * P);
    const double k = 2.0 * g / (double(N) * (double(C) * msum[n] + double(eps)));
    da[i] = float(k * double(m[n * P + p]) * (double(a[i]) - double(b[i])));
  }
}

// ---- task edge loss ----------------------------------------------------------------
// Edge residuals at pixel q = iy*W + ix of sample n (0 where the difference
// does not exist).
struct EdgeResidual {
  double ex, ey;
};
__device__ __forceinline__ EdgeResidual edge_residual(const float* y, const float* x, int H, int W,
                                                      int64_t n, int iy, int ix) {
  const int64_t HW = int64_t(H) * W, q = int64_t(iy) * W + ix;
  const float* ys = y + n * 3 * HW + q;
  const float* xs = x + n * 3 * HW + q;
  const double gy = lum(ys, HW), gx = lum(xs, HW);
  EdgeResidual r{0, 0};
  if (ix < W - 1) r.ex = (lum(ys + 1, HW) - gy) - (lum(xs + 1, HW) - gx);
  if (iy < H - 1) r.ey = (lum(ys + W, HW) - gy) - (lum(xs + W, HW) - gx);
  return r;
}

// row n, i = q: acc0 += m (ex^2 + ey^2), acc1 += m.
struct EdgeTerm {
  int H, W;
  const float* y;
  const float* x;
  const float* m;
  __device__ void operator()(int n, int64_t q, double* acc) const {
    const double mq = m[int64_t(n) * H * W + q];
    acc[1] += mq;
    if (mq == 0) return;
    const EdgeResidual r = edge_residual(y, x, H, W, n, int(q / W), int(q % W));
    acc[0] += mq * (r.ex * r.ex + r.ey * r.ey);
  }
};
struct EdgeFin {
  int N;
  float eps;
  __device__ double operator()(int, const double* s) const { return s[0] / (s[1] + double(eps)); }
  __device__ double total(double v) const { return v / N; }
};

// grid-stride over i = n*H*W + q: writes dy[n, 0..2, q].
__global__ void task_edge_backward_kernel(int N, int H, int W, const float* __restrict__ y,
                                          const float* __restrict__ x, const float* __restrict__ m,
                                          float eps, const double* __restrict__ msum,
                                          const float* __restrict__ gout, float* __restrict__ dy) {
  const int64_t HW = int64_t(H) * W, total = int64_t(N) * HW;
  for (int64_t i : detail::grid_stride(total)) {
    const int64_t n = i / HW, q = i - n * HW;
    const int iy = int(q / W), ix = int(q % W);
    const float* mn = m + n * HW;
    double g = 0;
    const EdgeResidual here = edge_residual(y, x, H, W, n, iy, ix);
    g -= double(mn[q]) * (here.ex + here.ey);
    if (ix > 0) g += double(mn[q - 1]) * edge_residual(y, x, H, W, n, iy, ix - 1).ex;
    if (iy > 0) g += double(mn[q - W]) * edge_residual(y, x, H, W, n, iy - 1, ix).ey;
    g *= 2.0 * double(gout[0]) / (double(N) * (msum[n] + double(eps)));
    for (int c = 0; c < 3; ++c) dy[(n * 3 + c) * HW + q] = float(double(kLum[c]) * g);
  }
}

// ---- total variation ---------------------------------------------------------------
struct TvTerm {
  int H, W;
  const float* y;
  __device__ void operator()(int, int64_t i, double* acc) const {
    const int ix = int(i % W), iy = int(i / W % H);
    const double v = y[i];
    if (ix < W - 1) {
      const double d = double(y[i + 1]) - v;
      acc[0] += d * d;
    }
    if (iy < H - 1) {
      const double d = double(y[i + W]) - v;
      acc[1] += d * d;
    }
  }
};
struct TvFin {
  double cnt_h, cnt_v;
  __device__ double operator()(int, const double* s) const {
    return (cnt_h > 0 ? s[0] / cnt_h : 0.0) + (cnt_v > 0 ? s[1] / cnt_v : 0.0);
  }
  __device__ double total(double v) const { return v; }
};

// grid-stride over i = ((n*C + c)*H + iy)*W + ix of dy.
__global__ void tv_backward_kernel(int64_t total, int H, int W, double cnt_h, double cnt_v,
                                   const float* __restrict__ y, const float* __restrict__ gout,
                                   float* __restrict__ dy) {
  const double g = gout[0];
  const double kh = cnt_h > 0 ? 2.0 * g / cnt_h : 0.0, kv = cnt_v > 0 ? 2.0 * g / cnt_v : 0.0;
  for (int64_t i : detail::grid_stride(total)) {
    const int ix = int(i % W), iy = int(i / W % H);
    const double v = y[i];
    double acc = 0;
    if (ix > 0) acc += kh * (v - double(y[i - 1]));
    if (ix < W - 1) acc -= kh * (double(y[i + 1]) - v);
    if (iy > 0) acc += kv * (v - double(y[i - W]));
    if (iy < H - 1) acc -= kv * (double(y[i + W]) - v);
    dy[i] = float(acc);
  }
}

// Per-sample mask sums msum[n] = sum_p m[n, p] into `rows` (N doubles).
template <detail::ReduceForm Form>
void mask_sums(const char* what, int N, int64_t P, const float* m, double* rows) {
  detail::reduce_row_sums<Form, 1>(what, N, P, MaskSumTerm{P, m}, rows);
}

// ---- the versions' functions (Form: how the reductions combine) ---------------------

template <detail::ReduceForm Form>
void masked_mse_forward_v(int N, int C, int P, const float* a, const float* b, const float* m,
                          float eps, float* out) {
  MGST_CHECK(N > 0 && C > 0 && P > 0,
             "masked_mse_forward: bad shape N=" << N << " C=" << C << " P=" << P);
  detail::reduce_to_scalar<Form, 2>("masked_mse_forward", "masked_mse_forward finalize", N, P,
                                    MaskedMseTerm{C, P, a, b, m}, MaskedMseFin{N, C, eps}, out);
}

template <detail::ReduceForm Form>
void masked_mse_backward_v(int N, int C, int P, const float* a, const float* b, const float* m,
                           float eps, const float* gout, float* da) {
  MGST_CHECK(N > 0 && C > 0 && P > 0,
             "masked_mse_backward: bad shape N=" << N << " C=" << C << " P=" << P);
  detail::Scratch msum(std::size_t(N) * sizeof(double));
  mask_sums<Form>("masked_mse_backward mask sums", N, P, m, msum.as<double>());
  const int64_t total = int64_t(N) * C * P;
  masked_mse_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(
      N, C, P, a, b, m, eps, msum.as<double>(), gout, da);
  MGST_CHECK_LAUNCH("masked_mse_backward", "N=", N, "C=", C, "P=", P);
}

template <detail::ReduceForm Form>
void task_edge_loss_forward_v(int N, int H, int W, const float* y, const float* x, const float* m,
                              float eps, float* out) {
  MGST_CHECK(N > 0 && H > 0 && W > 0,
             "task_edge_loss_forward: bad shape N=" << N << " H=" << H << " W=" << W);
  detail::reduce_to_scalar<Form, 2>("task_edge_loss_forward", "task_edge_loss_forward finalize", N,
                                    int64_t(H) * W, EdgeTerm{H, W, y, x, m}, EdgeFin{N, eps}, out);
}

template <detail::ReduceForm Form>
void task_edge_loss_backward_v(int N, int H, int W, const float* y, const float* x, const float* m,
                               float eps, const float* gout, float* dy) {
  MGST_CHECK(N > 0 && H > 0 && W > 0,
             "task_edge_loss_backward: bad shape N=" << N << " H=" << H << " W=" << W);
  const int64_t P = int64_t(H) * W;
  detail::Scratch msum(std::size_t(N) * sizeof(double));
  mask_sums<Form>("task_edge_loss_backward mask sums", N, P, m, msum.as<double>());
  const int64_t total = int64_t(N) * P;
  task_edge_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(
      N, H, W, y, x, m, eps, msum.as<double>(), gout, dy);
  MGST_CHECK_LAUNCH("task_edge_loss_backward", "N=", N, "H=", H, "W=", W);
}

template <detail::ReduceForm Form>
void total_variation_forward_v(int N, int C, int H, int W, const float* y, float* out) {
  MGST_CHECK(N > 0 && C > 0 && H > 0 && W > 0, "total_variation_forward: bad shape N="
                                                   << N << " C=" << C << " H=" << H << " W=" << W);
  const int64_t total = int64_t(N) * C * H * W;
  const double cnt_h = double(N) * C * H * (W - 1), cnt_v = double(N) * C * (H - 1) * W;
  detail::reduce_to_scalar<Form, 2>("total_variation_forward", "total_variation_forward finalize",
                                    1, total, TvTerm{H, W, y}, TvFin{cnt_h, cnt_v}, out);
}

}  // namespace

void total_variation_backward(int N, int C, int H, int W, const float* y, const float* gout,
                              float* dy) {
  MGST_CHECK(N > 0 && C > 0 && H > 0 && W > 0, "total_variation_backward: bad shape N="
                                                   << N << " C=" << C << " H=" << H << " W=" << W);
  const int64_t total = int64_t(N) * C * H * W;
  const double cnt_h = double(N) * C * H * (W - 1), cnt_v = double(N) * C * (H - 1) * W;
  tv_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total, H, W, cnt_h,
                                                                                 cnt_v, y, gout,
                                                                                 dy);
  MGST_CHECK_LAUNCH("total_variation_backward", "N=", N, "C=", C, "H=", H, "W=", W);
}

// The version table (kernels/cuda/versions.h).
namespace {
#define MGST_LOSSES_RUN(v)                                                                  \
  "test: MGST_OPS=masked_mse,task_edge_loss,total_variation mgst_tests -ts=cuda -tc='cuda " \
  "ops*' (every version); bench: mgst_bench_ops "                                           \
  "--benchmark_filter='^cuda/(masked_mse|task_edge_loss|total_variation) .*" v "'"
template <detail::ReduceForm Form>
constexpr LossesFns kFns = {masked_mse_forward_v<Form>,      masked_mse_backward_v<Form>,
                            task_edge_loss_forward_v<Form>,  task_edge_loss_backward_v<Form>,
                            total_variation_forward_v<Form>, total_variation_backward};
constexpr KernelVersion<LossesFns> kVersions[] = {
    {"v1_fused_two_stage",
     "fused value kernels on row_reduce.cuh's two stages; backward one thread per gradient "
     "element",
     "unmeasured", MGST_LOSSES_RUN("v1_fused_two_stage"), kFns<detail::ReduceForm::kTwoStage>},
    {"v2_fused_one_pass",
     "v1 with each reduction in one launch: the block that finishes last does the combine "
     "(last_block.cuh)",
     "unmeasured", MGST_LOSSES_RUN("v2_fused_one_pass"), kFns<detail::ReduceForm::kOnePass>},
};
#undef MGST_LOSSES_RUN
constexpr int kDispatched = find_version(kVersions, "v2_fused_one_pass");
static_assert(kDispatched >= 0);
}  // namespace

std::span<const KernelVersion<LossesFns>> losses_versions() { return kVersions; }
int losses_dispatched() { return kDispatched; }

void masked_mse_forward(int N, int C, int P, const float* a, const float* b, const float* m,
                        float eps, float* out) {
  kVersions[kDispatched].fn.masked_mse_forward(N, C, P, a, b, m, eps, out);
}

void masked_mse_backward(int N, int C, int P, const float* a, const float* b, const float* m,
                         float eps, const float* gout, float* da) {
  kVersions[kDispatched].fn.masked_mse_backward(N, C, P, a, b, m, eps, gout, da);
}

void task_edge_loss_forward(int N, int H, int W, const float* y, const float* x, const float* m,
                            float eps, float* out) {
  kVersions[kDispatched].fn.task_edge_loss_forward(N, H, W, y, x, m, eps, out);
}

void task_edge_loss_backward(int N, int H, int W, const float* y, const float* x, const float* m,
                             float eps, const float* gout, float* dy) {
  kVersions[kDispatched].fn.task_edge_loss_backward(N, H, W, y, x, m, eps, gout, dy);
}

void total_variation_forward(int N, int C, int H, int W, const float* y, float* out) {
  kVersions[kDispatched].fn.total_variation_forward(N, C, H, W, y, out);
}

}  // namespace mgst::kernels::cuda
