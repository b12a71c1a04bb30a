// Instance norm, x (N, C, P), per plane (n, c) over its P = H*W values:
//   mean = sum x / P,  var = sum (x - mean)^2 / P (biased),  rstd = 1/sqrt(var + eps)
//   y = (x - mean) * rstd * gamma[c] + beta[c]
// backward (xhat = (x - mean) * rstd):
//   dbeta[c]  = sum_{n,p} dy,   dgamma[c] = sum_{n,p} dy * xhat
//   dx = gamma[c] * rstd * (dy - mean_p(dy) - xhat * mean_p(dy * xhat))
//
// Versions (kVersions below; the dispatcher, the tests and the benchmarks
// iterate it), llm.c's layernorm sequence for planes instead of rows. All
// keep the sums in double and sum in an order fixed by the shape, so every
// version is deterministic; the per-plane dgamma/dbeta partials go to
// scratch and are summed over n in order (no float atomics): by
// param_grad_kernel, a launch of its own (v1-v3), or by the backward's last
// block (v4).
// Nothing here has run on a GPU: the performance notes are hypotheses,
// unmeasured.
//   v1_thread_per_plane  one thread per (n, c) plane walks its P values
//        serially: a pass for the mean, a pass for the variance, a pass for
//        y (backward: one pass for both sums, one for dx). The CPU loop
//        ported as is; with N*C = 128 planes most of the GPU idles.
//   v2_block_two_pass    one block per plane; threads stride over the plane
//        and reduce with block_sum (warp butterflies, then across warps, a
//        fixed order): the mean first, then sum (x - mean)^2 in a second
//        pass, then y (backward: sum dy, then sum dy*xhat, then dx, each a
//        pass of its own).
//   v3_block_one_pass    the same block per plane, but sum x and sum x^2 in
//        ONE pass (var = E[x^2] - mean^2, in double: no cancellation trouble
//        for the P <= 65536 values of one plane), float4 loads when the plane
//        is 16-byte aligned; backward: both sums in one pass.
//   v4_block_one_pass_last_block  v3, and the backward's block that finishes
//        last (last_block.cuh) sums the dgamma/dbeta partials over n, with
//        param_grad_kernel's code and order (the same bits), instead of a
//        launch of param_grad_kernel after it: one launch per backward, 5
//        fewer per training step (with the fused forms below, 15). Unmeasured.
//        cuda::instance_norm_* use this.
// Every version (and the CPU backend) writes y as one float multiply-add,
// y = x * scale + shift with scale = rstd*gamma, shift = beta - mean*scale:
// the same rounding as the CPU, so the parity tests can stay tight (at P = 1,
// rstd ~ 1/sqrt(eps) and the float form and (x - mean)*rstd*gamma + beta
// differed by 2.2e-4 relative in the test's P = 1 case, on the emulator).
// gamma/beta nullable (1 / 0) for robustness, though the layers always pass
// them.
//
// The fused forms (kernels/api.inc: instance_norm_relu_*, instance_norm_add_*;
// their own table, instance_norm_fused_versions() at the end):
//   v1_block_one_pass_epilogue  v3 above with the op that follows the norm in
//        the transform net done where y is stored: y = relu(x*scale + shift)
//        or y = x*scale + shift + r; the ReLU's backward is the mask y > 0
//        applied where the norm's backward reads dy (Plane::dy_at). Per norm
//        this drops the separate relu forward and backward launches (and the
//        masked dy tensor between them), or the residual add's launch: 25
//        launches of the training step (10 norm+ReLU, 5 norm+add). Unmeasured.
//   v2_epilogue_last_block  v1 with the ReLU backward on v4's kernel: dgamma
//        and dbeta summed by the last block, no param_grad launch (10 fewer
//        per training step). Unmeasured.
#include <cmath>

#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/last_block.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

constexpr int kNormThreads = 512;

// ---- shared by every version -------------------------------------------------

bool forward_args(int N, int C, int P) {  // false: nothing to do
  MGST_CHECK(N >= 0 && C > 0 && P > 0,
             "instance_norm_forward: bad shape N=" << N << " C=" << C << " P=" << P);
  MGST_CHECK(int64_t(N) * C < (int64_t(1) << 31), "instance_norm_forward: too many planes");
  return N > 0;
}

bool backward_args(int N, int C, int P, const float* dx, float* dgamma, float* dbeta) {
  MGST_CHECK(N >= 0 && C > 0 && P > 0,
             "instance_norm_backward: bad shape N=" << N << " C=" << C << " P=" << P);
  if (N == 0) {  // an empty batch contributes nothing to the parameter gradients
    if (dgamma) fill(C, 0.f, dgamma);
    if (dbeta) fill(C, 0.f, dbeta);
    return false;
  }
  return dx || dgamma || dbeta;
}

// The arguments of every backward plane kernel (one launcher, backward_planes,
// starts them all): planes nc < NC of P values, C channels; dx and part
// nullable. plane(nc) is what each kernel reads first: plane nc's rows of x
// and dy and the forward's statistics of that plane.
struct BackwardArgs {
  int NC, C, P;
  const float *x, *gamma, *mean, *rstd, *dy;
  float* dx;
  double* part;  // (sum dy, sum dy*xhat) of plane nc to part[nc], part[NC + nc]
  // nullable: a fused ReLU's output (instance_norm_relu_backward); the norm
  // then sees dy * (relu_y > 0), masked as it is read (every backward kernel
  // reads dy through Plane::dy_at).
  const float* relu_y;
  // v4 only (the kernels that sum part over n in their last block); both
  // nullable. v1-v3 leave them to param_grad_kernel.
  float *dgamma, *dbeta;

  struct Plane {
    const float *x, *dy, *relu_y;
    float mu, rs;
    // the dy the norm's backward sees at pixel i of the plane
    __device__ float dy_at(int i) const { return !relu_y || relu_y[i] > 0.f ? dy[i] : 0.f; }
  };
  __device__ Plane plane(int nc) const {
    const int64_t o = int64_t(nc) * P;
    return {x + o, dy + o, relu_y ? relu_y + o : nullptr, mean[nc], rstd[nc]};
  }
  __device__ void store_plane_sums(int nc, double sdy, double sdyx) const {
    if (!part) return;
    part[nc] = sdy;
    part[NC + nc] = sdyx;
  }
};

// For c = first, first + step, ... < C: dbeta[c] = sum_n part[n*C+c],
// dgamma[c] = sum_n part[NC + n*C + c], n in order. Part: const double*
// (param_grad_kernel) or const volatile double* (v4's last block, reading
// the other blocks' writes).
template <class Part>
__device__ __forceinline__ void sum_param_grads(int first, int step, int N, int C, Part part,
                                                float* dgamma, float* dbeta) {
  for (int c = first; c < C; c += step) {
    double b = 0, g = 0;
    for (int n = 0; n < N; ++n) {
      b += part[n * C + c];
      g += part[N * C + n * C + c];
    }
    if (dbeta) dbeta[c] = float(b);
    if (dgamma) dgamma[c] = float(g);
  }
}

// grid-stride over c < C (v1-v3: a launch after the plane kernel).
__global__ void param_grad_kernel(int N, int C, const double* __restrict__ part,
                                  float* __restrict__ dgamma, float* __restrict__ dbeta) {
  sum_param_grads(blockIdx.x * blockDim.x + threadIdx.x, gridDim.x * blockDim.x, N, C, part, dgamma,
                  dbeta);
}

// The ticket counter of v4's last block (last_block.cuh): this file's only
// one, enough because every launch is on the backend's one stream.
static __device__ unsigned instance_norm_ticket = 0;

// Scratch for the per-plane partials (2*N*C doubles) when a parameter
// gradient is wanted, and the launch that sums them after the plane kernel.
struct ParamGrads {
  int N, C;
  float* dgamma;
  float* dbeta;
  detail::Scratch part;
  ParamGrads(int N_, int C_, float* dg, float* db)
      : N(N_),
        C(C_),
        dgamma(dg),
        dbeta(db),
        part(dg || db ? 2 * std::size_t(N_) * C_ * sizeof(double) : 0) {}
  double* slots() const { return part.as<double>(); }  // nullptr: not wanted
  void finish() const {
    if (!slots()) return;
    param_grad_kernel<<<detail::ceil_div(C, 256), 256, 0, stream()>>>(N, C, slots(), dgamma, dbeta);
    MGST_CHECK_LAUNCH("instance_norm_param_grad", "N=", N, "C=", C);
  }
};

// The host side of the versions. The plane kernels of v1 and v2 (forward)
// share their argument list, every backward takes BackwardArgs, so one
// launcher each:
// Threads threads per block, and either one block per plane (PerBlock) or a
// thread per plane, grid-stride.
dim3 plane_grid(int N, int C, int threads, bool per_block) {
  return per_block ? dim3(unsigned(N * C)) : dim3(detail::ceil_div(int64_t(N) * C, threads));
}

template <auto Kernel, int Threads, bool PerBlock>
void forward_planes(int N, int C, int P, const float* x, const float* gamma, const float* beta,
                    float eps, float* y, float* mean, float* rstd) {
  if (!forward_args(N, C, P)) return;
  const auto kernel = Kernel;
  kernel<<<plane_grid(N, C, Threads, PerBlock), Threads, 0, stream()>>>(N * C, C, P, x, gamma, beta,
                                                                        eps, y, mean, rstd);
  MGST_CHECK_LAUNCH("instance_norm_forward", "N=", N, "C=", C, "P=", P);
}

// relu_y nullable (the signature of instance_norm_relu_backward). LastBlock:
// the kernel sums the parameter gradients itself (v4), no param_grad launch.
template <auto Kernel, int Threads, bool PerBlock, bool LastBlock = false>
void backward_planes_masked(int N, int C, int P, const float* x, const float* gamma,
                            const float* mean, const float* rstd, const float* relu_y,
                            const float* dy, float* dx, float* dgamma, float* dbeta) {
  if (!backward_args(N, C, P, dx, dgamma, dbeta)) return;
  const ParamGrads pg(N, C, dgamma, dbeta);
  const auto kernel = Kernel;
  const BackwardArgs args{N * C, C,  P,          x,      gamma,  mean, rstd,
                          dy,    dx, pg.slots(), relu_y, dgamma, dbeta};
  kernel<<<plane_grid(N, C, Threads, PerBlock), Threads, 0, stream()>>>(args);
  MGST_CHECK_LAUNCH(relu_y ? "instance_norm_relu_backward" : "instance_norm_backward", "N=", N,
                    "C=", C, "P=", P);
  if (!LastBlock) pg.finish();
}

template <auto Kernel, int Threads, bool PerBlock, bool LastBlock = false>
void backward_planes(int N, int C, int P, const float* x, const float* gamma, const float* mean,
                     const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  backward_planes_masked<Kernel, Threads, PerBlock, LastBlock>(N, C, P, x, gamma, mean, rstd,
                                                               nullptr, dy, dx, dgamma, dbeta);
}

// ---- v1: a thread per plane ----------------------------------------------------

// grid-stride over planes nc = n*C + c; the thread owns plane nc.
__global__ void forward_thread_per_plane_kernel(int NC, int C, int P, const float* __restrict__ x,
                                                const float* __restrict__ gamma,
                                                const float* __restrict__ beta, float eps,
                                                float* __restrict__ y, float* __restrict__ mean,
                                                float* __restrict__ rstd) {
  for (int nc = blockIdx.x * blockDim.x + threadIdx.x; nc < NC; nc += gridDim.x * blockDim.x) {
    const float* xp = x + int64_t(nc) * P;
    double s = 0;
    for (int i = 0; i < P; ++i) s += xp[i];
    const double mu = s / P;
    double ss = 0;
    for (int i = 0; i < P; ++i) ss += (xp[i] - mu) * (xp[i] - mu);
    const double rs = 1.0 / sqrt(ss / P + double(eps));
    const int c = nc % C;
    const double g = gamma ? gamma[c] : 1.0, b = beta ? beta[c] : 0.0;
    // y = x * scale + shift, the form every backend uses (see the file comment)
    const float scale = float(rs * g), shift = float(b - mu * rs * g);
    float* yp = y + int64_t(nc) * P;
    for (int i = 0; i < P; ++i) yp[i] = fmaf(xp[i], scale, shift);
    mean[nc] = float(mu);
    rstd[nc] = float(rs);
  }
}

// grid-stride over planes nc: the plane's sum dy and sum dy*xhat (to
// part[nc], part[NC + nc] when part), then dx (when dx).
__global__ void backward_thread_per_plane_kernel(const BackwardArgs args) {
  const int P = args.P;
  for (int nc = blockIdx.x * blockDim.x + threadIdx.x; nc < args.NC; nc += gridDim.x * blockDim.x) {
    const BackwardArgs::Plane pl = args.plane(nc);
    const float* xp = pl.x;
    const double mu = pl.mu, rs = pl.rs;
    double sdy = 0, sdyx = 0;
    for (int i = 0; i < P; ++i) {
      sdy += pl.dy_at(i);
      sdyx += pl.dy_at(i) * ((xp[i] - mu) * rs);
    }
    args.store_plane_sums(nc, sdy, sdyx);
    if (!args.dx) continue;
    const double k = (args.gamma ? args.gamma[nc % args.C] : 1.0) * rs;
    float* dp = args.dx + int64_t(nc) * P;
    for (int i = 0; i < P; ++i)
      dp[i] = float(k * (pl.dy_at(i) - sdy / P - (xp[i] - mu) * rs * (sdyx / P)));
  }
}

// ---- v2: a block per plane, two passes ---------------------------------------------

// grid (N*C), block kNormThreads: block = plane nc = n*C + c.
__global__ void __launch_bounds__(kNormThreads)
    forward_block_two_pass_kernel(int, int C, int P, const float* __restrict__ x,
                                  const float* __restrict__ gamma, const float* __restrict__ beta,
                                  float eps, float* __restrict__ y, float* __restrict__ mean,
                                  float* __restrict__ rstd) {
  __shared__ double red[32];
  const int nc = blockIdx.x, c = nc % C;
  const float* xp = x + int64_t(nc) * P;
  double s = 0;
  for (int i = threadIdx.x; i < P; i += blockDim.x) s += xp[i];
  const double mu = detail::block_sum(s, red) / P;  // pass 1: the mean
  double ss = 0;
  for (int i = threadIdx.x; i < P; i += blockDim.x) ss += (xp[i] - mu) * (xp[i] - mu);
  const double rs = 1.0 / sqrt(detail::block_sum(ss, red) / P + double(eps));  // pass 2
  if (threadIdx.x == 0) {
    mean[nc] = float(mu);
    rstd[nc] = float(rs);
  }
  const double g = gamma ? gamma[c] : 1.0, b = beta ? beta[c] : 0.0;
  const float scale = float(rs * g), shift = float(b - mu * rs * g);
  float* yp = y + int64_t(nc) * P;
  for (int i = threadIdx.x; i < P; i += blockDim.x) yp[i] = fmaf(xp[i], scale, shift);
}

// grid (N*C), block kNormThreads: block = plane nc; sum dy, then sum
// dy*xhat, each its own pass, then dx.
__global__ void __launch_bounds__(kNormThreads)
    backward_block_two_pass_kernel(const BackwardArgs args) {
  __shared__ double red[32];
  const int P = args.P, nc = blockIdx.x;
  const BackwardArgs::Plane pl = args.plane(nc);
  const float* xp = pl.x;
  const double mu = pl.mu, rs = pl.rs;
  double a = 0;
  for (int i = threadIdx.x; i < P; i += blockDim.x) a += pl.dy_at(i);
  const double sdy = detail::block_sum(a, red);
  double b = 0;
  for (int i = threadIdx.x; i < P; i += blockDim.x) b += pl.dy_at(i) * ((xp[i] - mu) * rs);
  const double sdyx = detail::block_sum(b, red);
  if (threadIdx.x == 0) args.store_plane_sums(nc, sdy, sdyx);
  if (!args.dx) return;
  const double k = (args.gamma ? args.gamma[nc % args.C] : 1.0) * rs;
  float* dp = args.dx + int64_t(nc) * P;
  for (int i = threadIdx.x; i < P; i += blockDim.x)
    dp[i] = float(k * (pl.dy_at(i) - sdy / P - (xp[i] - mu) * rs * (sdyx / P)));
}

// ---- v3: a block per plane, one pass ------------------------------------------------

// What the forward stores, from v = x*scale + shift: v itself (the norm), or
// the fused op that follows it (instance_norm_fused): relu(v) (elementwise.cu's
// Relu), or v + r (r the residual at the same pixel; 0 and unread otherwise).
enum class Epilogue { kNone, kRelu, kAdd };
template <Epilogue E>
__device__ __forceinline__ float epilogue(float v, float r) {
  if constexpr (E == Epilogue::kRelu) {
    return v > 0.f ? v : 0.f;
  } else if constexpr (E == Epilogue::kAdd) {
    return v + r;
  } else {
    return v;
  }
}

// One pass over the plane for sum x and sum x^2: float4 loads when the
// plane is 16-byte aligned (P % 4 == 0 and base aligned). r: kAdd only.
// grid (N*C), block kNormThreads: block = plane nc = n*C + c.
template <Epilogue E>
__global__ void __launch_bounds__(kNormThreads)
    instance_norm_forward_kernel(int C, int P, const float* __restrict__ x,
                                 const float* __restrict__ gamma, const float* __restrict__ beta,
                                 const float* __restrict__ r, float eps, float* __restrict__ y,
                                 float* __restrict__ mean_out, float* __restrict__ rstd_out,
                                 bool vec4) {
  __shared__ double red[32];
  const int nc = blockIdx.x, c = nc % C;
  const float* xp = x + int64_t(nc) * P;
  const float* rp = E == Epilogue::kAdd ? r + int64_t(nc) * P : nullptr;
  float* yp = y + int64_t(nc) * P;
  double s = 0, ss = 0;
  if (vec4) {
    const float4* x4 = reinterpret_cast<const float4*>(xp);
    for (int i = threadIdx.x; i < P / 4; i += blockDim.x) {
      const float4 v = x4[i];
      s += double(v.x) + double(v.y) + double(v.z) + double(v.w);
      ss += double(v.x) * v.x + double(v.y) * v.y + double(v.z) * v.z + double(v.w) * v.w;
    }
  } else {
    for (int i = threadIdx.x; i < P; i += blockDim.x) {
      const double v = xp[i];
      s += v;
      ss += v * v;
    }
  }
  s = detail::block_sum(s, red);
  ss = detail::block_sum(ss, red);
  const double mu = s / P;
  const double var = fmax(ss / P - mu * mu, 0.0);
  const double rs = 1.0 / sqrt(var + double(eps));
  if (threadIdx.x == 0) {
    mean_out[nc] = float(mu);
    rstd_out[nc] = float(rs);
  }
  const double g = gamma ? gamma[c] : 1.0;
  const float scale = float(rs * g);
  const float shift = float((beta ? beta[c] : 0.0) - mu * rs * g);
  if (vec4) {
    const float4* x4 = reinterpret_cast<const float4*>(xp);
    const float4* r4 = reinterpret_cast<const float4*>(rp);
    float4* y4 = reinterpret_cast<float4*>(yp);
    for (int i = threadIdx.x; i < P / 4; i += blockDim.x) {
      const float4 v = x4[i];
      const float4 w = E == Epilogue::kAdd ? r4[i] : float4{0.f, 0.f, 0.f, 0.f};
      y4[i] = float4{epilogue<E>(fmaf(v.x, scale, shift), w.x),
                     epilogue<E>(fmaf(v.y, scale, shift), w.y),
                     epilogue<E>(fmaf(v.z, scale, shift), w.z),
                     epilogue<E>(fmaf(v.w, scale, shift), w.w)};
    }
  } else {
    for (int i = threadIdx.x; i < P; i += blockDim.x)
      yp[i] = epilogue<E>(fmaf(xp[i], scale, shift), E == Epilogue::kAdd ? rp[i] : 0.f);
  }
}

// grid (N*C), block kNormThreads: block = plane nc. Writes dx (nullable) and
// the plane's (sum dy, sum dy*xhat) to part[nc], part[NC + nc] (nullable).
// LastBlock (v4): then, when part, the block that finishes last sums part
// over n into args.dgamma, args.dbeta.
template <bool LastBlock>
__global__ void __launch_bounds__(kNormThreads)
    instance_norm_backward_kernel(const BackwardArgs args) {
  __shared__ double red[32];
  const int P = args.P, nc = blockIdx.x;
  const BackwardArgs::Plane pl = args.plane(nc);
  const float* xp = pl.x;
  const float mu = pl.mu, rs = pl.rs;
  double sdy = 0, sdyx = 0;
  for (int i = threadIdx.x; i < P; i += blockDim.x) {
    const float g = pl.dy_at(i);
    const float xh = (xp[i] - mu) * rs;
    sdy += g;
    sdyx += double(g) * xh;
  }
  sdy = detail::block_sum(sdy, red);
  sdyx = detail::block_sum(sdyx, red);
  if (threadIdx.x == 0) args.store_plane_sums(nc, sdy, sdyx);
  if (args.dx) {
    const float k = float((args.gamma ? args.gamma[nc % args.C] : 1.0) * rs);
    const float mdy = float(sdy / P), mdyx = float(sdyx / P);
    float* dp = args.dx + int64_t(nc) * P;
    for (int i = threadIdx.x; i < P; i += blockDim.x) {
      const float xh = (xp[i] - mu) * rs;
      dp[i] = k * (pl.dy_at(i) - mdy - xh * mdyx);
    }
  }
  // args.part is the same for every block: all of them take a ticket, or none.
  if (!LastBlock || !args.part || !detail::last_block_arrives(&instance_norm_ticket)) return;
  sum_param_grads(threadIdx.x, blockDim.x, args.NC / args.C, args.C,
                  static_cast<const volatile double*>(args.part), args.dgamma, args.dbeta);
}

bool aligned16(const float* p) { return (reinterpret_cast<std::uintptr_t>(p) & 15) == 0; }

// v3 and the fused forms (the signature of instance_norm_add_forward; r is
// read by kAdd only).
template <Epilogue E>
void v3_forward_epilogue(int N, int C, int P, const float* x, const float* gamma, const float* beta,
                         const float* r, float eps, float* y, float* mean, float* rstd) {
  if (!forward_args(N, C, P)) return;
  const bool vec4 =
      P % 4 == 0 && aligned16(x) && aligned16(y) && (E != Epilogue::kAdd || aligned16(r));
  instance_norm_forward_kernel<E>
      <<<N * C, kNormThreads, 0, stream()>>>(C, P, x, gamma, beta, r, eps, y, mean, rstd, vec4);
  MGST_CHECK_LAUNCH(E == Epilogue::kRelu  ? "instance_norm_relu_forward"
                    : E == Epilogue::kAdd ? "instance_norm_add_forward"
                                          : "instance_norm_forward",
                    "N=", N, "C=", C, "P=", P);
}

void v3_forward(int N, int C, int P, const float* x, const float* gamma, const float* beta,
                float eps, float* y, float* mean, float* rstd) {
  v3_forward_epilogue<Epilogue::kNone>(N, C, P, x, gamma, beta, nullptr, eps, y, mean, rstd);
}

#define MGST_IN_RUN(v)                                                                 \
  "test: MGST_OPS=instance_norm mgst_tests -ts=cuda -tc='cuda ops*' (every version); " \
  "bench: mgst_bench_cuda --benchmark_filter='instance_norm/.*/" v "/'"
constexpr KernelVersion<InstanceNormFns> kVersions[] = {
    {"v1_thread_per_plane",
     "one thread per (n,c) plane, serial passes (the CPU loop ported)",
     "unmeasured",
     MGST_IN_RUN("v1_thread_per_plane"),
     {forward_planes<forward_thread_per_plane_kernel, 128, false>,
      backward_planes<backward_thread_per_plane_kernel, 128, false>}},
    {"v2_block_two_pass",
     "one block per plane, block_sum reductions; mean, then variance pass",
     "unmeasured",
     MGST_IN_RUN("v2_block_two_pass"),
     {forward_planes<forward_block_two_pass_kernel, kNormThreads, true>,
      backward_planes<backward_block_two_pass_kernel, kNormThreads, true>}},
    {"v3_block_one_pass",
     "v2 with sum x and sum x^2 in one pass (double), float4 loads",
     "unmeasured",
     MGST_IN_RUN("v3_block_one_pass"),
     {v3_forward, backward_planes<instance_norm_backward_kernel<false>, kNormThreads, true>}},
    {"v4_block_one_pass_last_block",
     "v3 with dgamma/dbeta summed over n by the backward's last block (no param_grad launch)",
     "unmeasured",
     MGST_IN_RUN("v4_block_one_pass_last_block"),
     {v3_forward, backward_planes<instance_norm_backward_kernel<true>, kNormThreads, true, true>}},
};
#undef MGST_IN_RUN
constexpr int kDispatched = find_version(kVersions, "v4_block_one_pass_last_block");
static_assert(kDispatched >= 0);

}  // namespace

std::span<const KernelVersion<InstanceNormFns>> instance_norm_versions() { return kVersions; }
int instance_norm_dispatched() { return kDispatched; }

void instance_norm_forward(int N, int C, int P, const float* x, const float* gamma,
                           const float* beta, float eps, float* y, float* mean, float* rstd) {
  kVersions[kDispatched].fn.forward(N, C, P, x, gamma, beta, eps, y, mean, rstd);
}

void instance_norm_backward(int N, int C, int P, const float* x, const float* gamma,
                            const float* mean, const float* rstd, const float* dy, float* dx,
                            float* dgamma, float* dbeta) {
  kVersions[kDispatched].fn.backward(N, C, P, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
}

// ---- the fused forms: v3's kernels with an epilogue / a masked dy ----------------------

void instance_norm_relu_forward(int N, int C, int P, const float* x, const float* gamma,
                                const float* beta, float eps, float* y, float* mean, float* rstd) {
  v3_forward_epilogue<Epilogue::kRelu>(N, C, P, x, gamma, beta, nullptr, eps, y, mean, rstd);
}

void instance_norm_add_forward(int N, int C, int P, const float* x, const float* gamma,
                               const float* beta, const float* r, float eps, float* y, float* mean,
                               float* rstd) {
  v3_forward_epilogue<Epilogue::kAdd>(N, C, P, x, gamma, beta, r, eps, y, mean, rstd);
}

namespace {
#define MGST_IN_FUSED_RUN(v)                                                                   \
  "test: MGST_OPS=instance_norm_relu,instance_norm_add mgst_tests -ts=cuda -tc='cuda ops*' "   \
  "(every version); bench: mgst_bench_ops --benchmark_filter='^cuda/instance_norm_(relu|add) " \
  ".*" v "'"
constexpr KernelVersion<InstanceNormFusedFns> kFusedVersions[] = {
    {"v1_block_one_pass_epilogue",
     "instance_norm v3 with the ReLU or the residual add where y is stored; the ReLU mask "
     "applied where the backward reads dy",
     "unmeasured",
     MGST_IN_FUSED_RUN("v1_block_one_pass_epilogue"),
     {instance_norm_relu_forward,
      backward_planes_masked<instance_norm_backward_kernel<false>, kNormThreads, true>,
      instance_norm_add_forward}},
    {"v2_epilogue_last_block",
     "v1 with the ReLU backward on instance_norm v4's kernel: dgamma/dbeta summed by the last "
     "block",
     "unmeasured",
     MGST_IN_FUSED_RUN("v2_epilogue_last_block"),
     {instance_norm_relu_forward,
      backward_planes_masked<instance_norm_backward_kernel<true>, kNormThreads, true, true>,
      instance_norm_add_forward}},
};
#undef MGST_IN_FUSED_RUN
constexpr int kFusedDispatched = find_version(kFusedVersions, "v2_epilogue_last_block");
static_assert(kFusedDispatched >= 0);
}  // namespace

std::span<const KernelVersion<InstanceNormFusedFns>> instance_norm_fused_versions() {
  return kFusedVersions;
}
int instance_norm_fused_dispatched() { return kFusedDispatched; }

void instance_norm_relu_backward(int N, int C, int P, const float* x, const float* gamma,
                                 const float* mean, const float* rstd, const float* y,
                                 const float* dy, float* dx, float* dgamma, float* dbeta) {
  kFusedVersions[kFusedDispatched].fn.relu_backward(N, C, P, x, gamma, mean, rstd, y, dy, dx,
                                                    dgamma, dbeta);
}

}  // namespace mgst::kernels::cuda
