// conv2d, NCHW, square kernel K, stride s, zero padding p:
//
//   y[n,co,oy,ox] = b[co] + sum_{ci,ky,kx} w[co,ci,ky,kx] * x[n,ci,oy*s-p+ky,ox*s-p+kx]
//   dx[n,ci,iy,ix] = sum_{co,ky,kx : iy = oy*s-p+ky, ix = ox*s-p+kx} w[co,ci,ky,kx] *
//   dy[n,co,oy,ox] dw[co,ci,ky,kx] = sum_{n,oy,ox} dy[n,co,oy,ox] * x[n,ci,oy*s-p+ky,ox*s-p+kx]
//   db[co] = sum_{n,oy,ox} dy[n,co,oy,ox]
//
// As implicit GEMMs (no im2col buffer: the gathers happen while loading tiles):
//   forward        y[n] (Co, Ho*Wo)   = w (Co, Ci*K*K) . col(x[n]) (Ci*K*K, Ho*Wo)   per image
//   backward_data  dx[n] (Ci, H*W)    = w^T (Ci, Co*K*K) . col'(dy[n]) (Co*K*K, H*W) per image
//   backward_weight dw (Co, Ci*K*K)   = dy (Co, N*Ho*Wo) . col(x)^T (N*Ho*Wo, Ci*K*K)
//                                       split over N*Ho*Wo, partials summed in order
//
// Versions (kVersions below; the dispatcher, tests and benchmarks iterate it).
// Nothing here has run on a GPU: every performance reason is a hypothesis,
// unmeasured.
//   v1_direct      one thread per output (per dx element for backward_data,
//                  one block per weight element for backward_weight); every
//                  operand straight from global memory. The reference.
//   v2_igemm64     implicit GEMM through detail::tiled_gemm_kernel
//                  (tiled_gemm.cuh) with 64x64x8 shared-memory tiles: 4x4
//                  register blocking, float4 shared-memory reads,
//                  double-buffered slabs, per-row/column index math hoisted
//                  out of the K loop; backward_weight split-K with a
//                  fixed-order combine (deterministic).
//   v3_igemm128    the same kernel with 128x128x8 tiles, 8x8 register
//                  blocking: FMAs per shared-memory value read =
//                  TM*TN/(TM+TN) = 64/16 = 4, 2x v2's 16/8 = 2.
//   v4_igemm_auto  per pass and shape, v3's tiles when the GEMM's M side
//                  (Co, or Ci for backward_data) is >= 128 and the 128-tiles
//                  make >= kTargetSMs blocks (common.cuh), else v2's. The
//                  hypothesis (unmeasured): half-empty 128-row tiles waste
//                  the math for Co = 3/32/64. cuda::conv2d_* ran this one
//                  under the fp32 precision policy (kernels/precision.h)
//                  until v6.
//   v5_tf32_mma    v4's tile choice and the same three Ops, the math on TF32
//                  tensor cores (mma_gemm.cuh): warps issue mma.m16n8k8 on
//                  fragments read from shared memory, which a 4-stage
//                  cp.async pipeline fills straight from the NCHW tensors
//                  (each Op names the address of every element it gathers,
//                  or nullptr for padding: a zero-filling copy), 64x64 tiles
//                  (4 warps) or 128x128 (8 warps). Operands rounded to TF32,
//                  fp32 sums; split-K dw as in v2. cuda::conv2d_* ran this
//                  one under the conv-tf32 / tf32 policies until v7.
//                  Layout: NCHW gathers, no NHWC copy. Per pixel of a 3x3
//                  window the gather is 4-byte copies along a row of the
//                  image (consecutive threads, consecutive ox: coalesced)
//                  and costs no extra pass over the tensor; an NHWC copy
//                  would allow 16-byte copies along channels but costs a
//                  transpose of x (and of dy, dx) per layer per pass. Which
//                  is faster on an H100 is unmeasured: bench_cuda's cuDNN
//                  NCHW vs NHWC rows are there to decide it.
//   v6_igemm_auto_db  v4 with the bias gradient inside the weight
//                  gradient's launch (horizontal fusion, see BiasGrad):
//                  the GEMM's grid gets a block per channel (whole z-slices,
//                  the blocks past Co idle), each the bias kernel's
//                  reduction of its channel in the same fixed order, so dw
//                  and db keep v4's bits; one launch fewer per backward with
//                  a bias (its time is unmeasured). cuda::conv2d_* run this
//                  one under the fp32 policy.
//   v7_tf32_mma_db v5 with v6's bias blocks; run under the conv-tf32 / tf32
//                  policies (the default).
// The bias gradient is one reduction (BiasGrad: a block per channel, fixed
// order) that every version runs: v1..v5 as its own kernel after the weight
// gradient's, v6, v7 as blocks of the weight gradient's launch.
//
// conv2d_fused (kernels/shapes.h Conv2dFusedShape: [upsample x2 ->] pad ->
// conv [-> ReLU] as one op) has its own table, kFusedVersions: its forward
// and weight gradient run conv2d's Ops (whose gathers go through
// Conv2dFusedShape::src), its data gradient an Op of its own:
//   v1_igemm_auto    v4's kernel and tile choice on the gathered operands
//   v2_tf32_mma      v5's TF32 tensor-core kernel on the same operands
//   v3_igemm_auto_db v1 with the (ReLU-masked) bias gradient in the weight
//                    gradient's launch, as v6 (fp32 policy)
//   v4_tf32_mma_db   v2 with v3's bias blocks (conv-tf32 / tf32 policies)
#include <climits>

#include "kernels/checks.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/mma_gemm.cuh"
#include "kernels/cuda/tiled_gemm.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

using detail::ceil_div;
using detail::Tile;

void check_shape(const Conv2dShape& s, const char* op) {
  MGST_CHECK(s.N > 0 && s.Ci > 0 && s.H > 0 && s.W > 0 && s.Co > 0 && s.K > 0 && s.stride > 0 &&
                 s.pad >= 0,
             op << ": bad shape N=" << s.N << " Ci=" << s.Ci << " H=" << s.H << " W=" << s.W
                << " Co=" << s.Co << " K=" << s.K << " stride=" << s.stride << " pad=" << s.pad);
  MGST_CHECK(s.Ho() > 0 && s.Wo() > 0, op << ": kernel " << s.K << " larger than padded input "
                                          << s.H << "x" << s.W << " (pad " << s.pad << ")");
  MGST_CHECK(s.x_size() < INT_MAX && s.y_size() < INT_MAX && s.w_size() < INT_MAX &&
                 int64_t(s.N) * s.Ho() * s.Wo() < INT_MAX,
             op << ": tensor too large for 32-bit indexing");
}

// ---- shared: bias gradient --------------------------------------------------
// db[co] = sum_{n,p} dy'[n, co, p], dy' = dy, or dy masked by relu_y > 0
// (relu_y: conv2d_fused's ReLU output, whose zeros mask dy; else nullptr).
// One block per channel, in one fixed order whatever block runs it: 256
// lanes, lane l sums p = l, l+256, ... for n = 0..N-1 in double; the lanes
// of each group of 32 by warp_sum's butterfly, then the 8 group sums by warp
// 0's (block_sum's order for a block of 256). A block of 256 threads runs a
// lane per thread (the bias kernel below; the GEMMs of Tile64, Tile128 and
// MmaTile128); one of 128 (MmaTile64's GEMM) runs two lanes per thread: the
// same sums in the same order, so db has the same bits either way.
constexpr int kBiasLanes = 256;

struct BiasGrad {
  int N, Co, P;
  const float* dy;
  const float* relu_y;  // nullable
  float* db;

  // All threads of the block call it (warp shuffles, a barrier); blockDim.x
  // a multiple of 32 that divides kBiasLanes.
  __device__ void reduce(int co) const {
    __shared__ double group_sums[kBiasLanes / 32];
    for (int l = threadIdx.x; l < kBiasLanes; l += blockDim.x) {
      double acc = 0;
      for (int n = 0; n < N; ++n) {
        const int64_t row = (int64_t(n) * Co + co) * P;
        for (int p = l; p < P; p += kBiasLanes)
          if (!relu_y || relu_y[row + p] > 0.f) acc += dy[row + p];
      }
      acc = detail::warp_sum(acc);
      if (l % 32 == 0) group_sums[l / 32] = acc;
    }
    __syncthreads();
    if (threadIdx.x < 32) {
      double r = threadIdx.x < kBiasLanes / 32 ? group_sums[threadIdx.x] : 0.0;
      r = detail::warp_sum(r);
      if (threadIdx.x == 0) db[co] = float(r);
    }
  }
};

BiasGrad bias_grad(const Conv2dShape& s, const float* dy, float* db,
                   const float* relu_y = nullptr) {
  return {s.N, s.Co, s.Ho() * s.Wo(), dy, relu_y, db};
}

// The unfused versions' kernel: grid (Co), block kBiasLanes; block co = db[co].
__global__ void conv_bias_grad_kernel(const BiasGrad g) { g.reduce(blockIdx.x); }

void launch_bias_grad(const Conv2dShape& s, const float* dy, float* db,
                      const float* relu_y = nullptr) {
  conv_bias_grad_kernel<<<s.Co, kBiasLanes, 0, stream()>>>(bias_grad(s, dy, db, relu_y));
  MGST_CHECK_LAUNCH("conv2d_bias_grad", "N=", s.N, "Co=", s.Co, "P=", s.Ho() * s.Wo());
}

// The fused versions: the bias gradient as more blocks of the weight
// gradient's GEMM launch (horizontal fusion; one launch fewer per backward).
// The GEMM's grid (gx, gy, splits) grows by bias slices in z: block
// (x, y, splits + j) reduces channel co = (j*gy + y)*gx + x (blocks past Co
// have nothing to do) and computes no tile; the GEMM blocks are untouched,
// so dw keeps its bits and db has the bias kernel's.
template <class Op>
struct WithBiasGrad : Op {
  BiasGrad bias;
  int splits;  // the GEMM's z extent

  __device__ bool tile(int bm, int bn, Tile& t) const {
    if (int(blockIdx.z) < splits) return Op::tile(bm, bn, t);
    const int co =
        int((blockIdx.z - splits) * gridDim.y + blockIdx.y) * int(gridDim.x) + int(blockIdx.x);
    if (co < bias.Co) bias.reduce(co);
    return false;
  }
};

// The weight-gradient GEMM `op` on grid (gx, gy, splits) with Cfg's tiles,
// and db (bias.db set) in the same launch, else alone.
template <class Cfg, class Op>
void launch_weight_grad(const Op& op, dim3 grid, const BiasGrad& bias, const char* what,
                        const char* what_with_bias) {
  static_assert(Cfg::kThreads % 32 == 0 && kBiasLanes % Cfg::kThreads == 0,
                "BiasGrad::reduce's lanes over the GEMM's block");
  if (!bias.db) return detail::launch_gemm<Cfg>(op, grid, what);
  const int64_t per_slice = int64_t(grid.x) * grid.y;
  const int64_t z = grid.z + (bias.Co + per_slice - 1) / per_slice;
  MGST_CHECK(z <= 65535, what_with_bias << ": " << z << " grid slices (at most 65535)");
  const WithBiasGrad<Op> fused{op, bias, int(grid.z)};
  detail::launch_gemm<Cfg>(fused, dim3(grid.x, grid.y, unsigned(z)), what_with_bias);
}

// ---- v1: direct ----------------------------------------------------------------
// grid-stride over i = ((n*Co + co)*Ho + oy)*Wo + ox.
__global__ void conv_fwd_direct_kernel(Conv2dShape s, const float* __restrict__ x,
                                       const float* __restrict__ w, const float* __restrict__ b,
                                       float* __restrict__ y) {
  const int Ho = s.Ho(), Wo = s.Wo();
  const int64_t total = s.y_size();
  for (int64_t i : detail::grid_stride(total)) {
    const int ox = int(i % Wo), oy = int(i / Wo % Ho), co = int(i / (int64_t(Wo) * Ho) % s.Co);
    const int n = int(i / (int64_t(Wo) * Ho * s.Co));
    float acc = b ? b[co] : 0.f;
    for (int ci = 0; ci < s.Ci; ++ci)
      for (int ky = 0; ky < s.K; ++ky) {
        const int iy = s.in_y(oy, ky);
        if (iy < 0 || iy >= s.H) continue;
        for (int kx = 0; kx < s.K; ++kx) {
          const int ix = s.in_x(ox, kx);
          if (ix < 0 || ix >= s.W) continue;
          acc = fmaf(w[((co * s.Ci + ci) * s.K + ky) * s.K + kx],
                     x[((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix], acc);
        }
      }
    y[i] = acc;
  }
}

// grid-stride over i = ((n*Ci + ci)*H + iy)*W + ix: gathers every (co, ky, kx)
// whose window covers (iy, ix).
__global__ void conv_bwd_data_direct_kernel(Conv2dShape s, const float* __restrict__ w,
                                            const float* __restrict__ dy, float* __restrict__ dx) {
  const int Ho = s.Ho(), Wo = s.Wo();
  const int64_t total = s.x_size();
  for (int64_t i : detail::grid_stride(total)) {
    const int ix = int(i % s.W), iy = int(i / s.W % s.H), ci = int(i / (int64_t(s.W) * s.H) % s.Ci);
    const int n = int(i / (int64_t(s.W) * s.H * s.Ci));
    float acc = 0.f;
    for (int co = 0; co < s.Co; ++co)
      for (int ky = 0; ky < s.K; ++ky) {
        const int ty = iy + s.pad - ky;  // = oy * stride
        if (ty < 0 || ty % s.stride) continue;
        const int oy = ty / s.stride;
        if (oy >= Ho) continue;
        for (int kx = 0; kx < s.K; ++kx) {
          const int tx = ix + s.pad - kx;
          if (tx < 0 || tx % s.stride) continue;
          const int ox = tx / s.stride;
          if (ox >= Wo) continue;
          acc = fmaf(w[((co * s.Ci + ci) * s.K + ky) * s.K + kx],
                     dy[((int64_t(n) * s.Co + co) * Ho + oy) * Wo + ox], acc);
        }
      }
    dx[i] = acc;
  }
}

// grid (Co*Ci*K*K), block 256: block = one weight element, threads stride
// over (n, oy, ox); fixed-order block reduction.
__global__ void conv_bwd_weight_direct_kernel(Conv2dShape s, const float* __restrict__ x,
                                              const float* __restrict__ dy,
                                              float* __restrict__ dw) {
  __shared__ float red[32];
  const int KK = s.K * s.K;
  const int widx = blockIdx.x;
  const int kx = widx % s.K, ky = widx / s.K % s.K, ci = widx / KK % s.Ci, co = widx / (KK * s.Ci);
  const int Ho = s.Ho(), Wo = s.Wo(), HoWo = Ho * Wo;
  float acc = 0.f;
  for (int q = threadIdx.x; q < s.N * HoWo; q += blockDim.x) {
    const int n = q / HoWo, ox = q % Wo, oy = q % HoWo / Wo;
    const int iy = s.in_y(oy, ky), ix = s.in_x(ox, kx);
    if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
    acc = fmaf(dy[(int64_t(n) * s.Co + co) * HoWo + oy * Wo + ox],
               x[((int64_t(n) * s.Ci + ci) * s.H + iy) * s.W + ix], acc);
  }
  acc = detail::block_sum(acc, red);
  if (threadIdx.x == 0) dw[widx] = acc;
}

void v1_forward(const Conv2dShape& s, const float* x, const float* w, const float* b, float* y) {
  check_shape(s, "conv2d_forward");
  conv_fwd_direct_kernel<<<detail::grid_for(s.y_size()), 256, 0, stream()>>>(s, x, w, b, y);
  MGST_CHECK_LAUNCH("conv2d_forward v1_direct", "N=", s.N, "Ci=", s.Ci, "H=", s.H, "W=", s.W,
                    "Co=", s.Co, "K=", s.K, "s=", s.stride, "p=", s.pad);
}

void v1_backward_data(const Conv2dShape& s, const float* w, const float* dy, float* dx) {
  check_shape(s, "conv2d_backward_data");
  conv_bwd_data_direct_kernel<<<detail::grid_for(s.x_size()), 256, 0, stream()>>>(s, w, dy, dx);
  MGST_CHECK_LAUNCH("conv2d_backward_data v1_direct", "N=", s.N, "Ci=", s.Ci, "H=", s.H, "W=", s.W,
                    "Co=", s.Co, "K=", s.K, "s=", s.stride, "p=", s.pad);
}

void v1_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                        float* db) {
  check_shape(s, "conv2d_backward_weight");
  conv_bwd_weight_direct_kernel<<<unsigned(s.w_size()), 256, 0, stream()>>>(s, x, dy, dw);
  MGST_CHECK_LAUNCH("conv2d_backward_weight v1_direct", "N=", s.N, "Ci=", s.Ci, "H=", s.H,
                    "W=", s.W, "Co=", s.Co, "K=", s.K, "s=", s.stride, "p=", s.pad);
  if (db) launch_bias_grad(s, dy, db);
}

// ---- v2..v4: implicit GEMM ops for detail::tiled_gemm_kernel ---------------------
// The forward and weight-gradient Ops serve conv2d and conv2d_fused alike:
// they read x through Conv2dFusedShape::src (kernels/shapes.h; the row of x
// that a padded coordinate reads, or -1 for zero padding), which for a plain
// conv (as_fused: no upsampling, zero padding, no ReLU) is the bounds check
// of the padded window; conv2d_fused's maps are described below. The data
// gradient has one Op each (conv2d_fused's sums copies).

Conv2dFusedShape as_fused(const Conv2dShape& s) {
  return {s.N, s.Ci, s.H, s.W, s.Co, s.K, s.stride, s.pad};  // up 1, zeros, no ReLU
}

// Forward. Grid (ceil(Ho*Wo/BN), ceil(Co/BM), N): x = output-pixel tile,
// y = output-channel tile, z = image. A = w (Co, Ci*K*K) row-major;
// B(k=(ci,ky,kx), n=(oy,ox)) = x[z, ci, src(oy*s-p+ky), src(ox*s-p+kx)] or 0
// (padding). The epilogue adds b, then takes max(0, .) under the ReLU.
struct ConvFwdOp {
  Conv2dFusedShape s;
  int Wo, KK, Kdim, Npix;
  const float* x;
  const float* w;
  const float* bias;  // nullable
  float* y;

  using Row = detail::RowPointer;
  struct Col {
    const float* img;
    int vy0, vx0;  // virtual coordinates of the window's top-left tap
    bool ok;
  };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, Kdim);
    return true;
  }
  static constexpr bool kAsyncLoads = true;
  __device__ Row row(int, int m) const { return {w + int64_t(m) * Kdim, m < s.Co}; }
  __device__ const float* a_src(const Row& r, int k) const { return r.ok ? r.p + k : nullptr; }
  __device__ float a(const Row& r, int k) const { return detail::load_or_zero(a_src(r, k)); }
  __device__ Col col(int z, int n) const {
    const int oy = n / Wo, ox = n - oy * Wo;
    return {x + int64_t(z) * s.Ci * s.H * s.W, oy * s.stride - s.pad, ox * s.stride - s.pad,
            n < Npix};
  }
  __device__ const float* b_src(const Col& c, int k) const {
    if (!c.ok) return nullptr;
    const int ci = k / KK, r = k - ci * KK, ky = r / s.K, kx = r - ky * s.K;
    const int iy = s.src(c.vy0 + ky, s.H), ix = s.src(c.vx0 + kx, s.W);
    if (iy < 0 || ix < 0) return nullptr;  // zero padding
    return c.img + (ci * s.H + iy) * s.W + ix;
  }
  __device__ float b(const Col& c, int k) const { return detail::load_or_zero(b_src(c, k)); }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= s.Co || n >= Npix) return;
    v += bias ? bias[m] : 0.f;
    y[(int64_t(z) * s.Co + m) * Npix + n] = s.relu && !(v > 0.f) ? 0.f : v;  // max(0, v)
  }
};

// Backward data. Grid (ceil(H*W/BN), ceil(Ci/BM), N): x = input-pixel tile,
// y = input-channel tile, z = image. A(ci, k=(co,ky,kx)) = w[co, ci, ky, kx];
// B(k, (iy,ix)) = dy[z, co, oy, ox] where oy*s = iy+p-ky (0 if not a
// multiple of s or outside the output).
struct ConvBwdDataOp {
  Conv2dShape s;
  int Ho, Wo, KK, Kdim, Npix;
  const float* w;
  const float* dy;
  float* dx;

  using Row = detail::RowPointer;
  struct Col {
    const float* img;
    int ty0, tx0;
    bool ok;
  };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, Kdim);
    return true;
  }
  static constexpr bool kAsyncLoads = true;
  __device__ Row row(int, int m) const { return {w + int64_t(m) * KK, m < s.Ci}; }
  __device__ const float* a_src(const Row& r, int k) const {
    if (!r.ok) return nullptr;
    const int co = k / KK, rr = k - co * KK;
    return r.p + co * s.Ci * KK + rr;
  }
  __device__ float a(const Row& r, int k) const { return detail::load_or_zero(a_src(r, k)); }
  __device__ Col col(int z, int n) const {
    const int iy = n / s.W, ix = n - iy * s.W;
    return {dy + int64_t(z) * s.Co * Ho * Wo, iy + s.pad, ix + s.pad, n < Npix};
  }
  __device__ const float* b_src(const Col& c, int k) const {
    if (!c.ok) return nullptr;
    const int co = k / KK, r = k - co * KK, ky = r / s.K, kx = r - ky * s.K;
    int oy = c.ty0 - ky, ox = c.tx0 - kx;
    if (oy < 0 || ox < 0) return nullptr;
    if (s.stride > 1) {
      if (oy % s.stride || ox % s.stride) return nullptr;
      oy /= s.stride;
      ox /= s.stride;
    }
    if (oy >= Ho || ox >= Wo) return nullptr;
    return c.img + (co * Ho + oy) * Wo + ox;
  }
  __device__ float b(const Col& c, int k) const { return detail::load_or_zero(b_src(c, k)); }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= s.Ci || n >= Npix) return;
    dx[(int64_t(z) * s.Ci + m) * Npix + n] = v;
  }
};

// Backward weight. Grid (ceil(Ci*K*K/BN), ceil(Co/BM), splits): x = weight
// column tile (ci,ky,kx), y = output-channel tile, z = K split over
// (n, oy, ox). A(co, k=(n,q)) = dy[n, co, q]; B(k, (ci,ky,kx)) =
// x[n, ci, src(oy*s-p+ky), src(ox*s-p+kx)] or 0. Split z writes its partial dw
// to out + z*Co*Ci*K*K. kRelu (conv2d_fused's ReLU): A is dy masked by y > 0,
// computed in registers.
template <bool kRelu>
struct ConvBwdWeightOp {
  Conv2dFusedShape s;
  int Wo, HoWo, KK, Ktot, chunk;
  const float* x;
  const float* relu_y;  // read when kRelu
  const float* dy;
  float* out;

  struct Row {
    int co;
    bool ok;
  };
  struct Col {
    int ci, vy0, vx0;  // virtual coordinates of tap (ky, kx) at output (0, 0)
    bool ok;
  };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    const int k0 = blockIdx.z * chunk;
    t = detail::grid_tile(bm, bn, k0, min(Ktot, k0 + chunk));  // z = the split
    return true;
  }
  static constexpr bool kAsyncLoads = !kRelu;
  __device__ Row row(int, int m) const { return {m, m < s.Co}; }
  __device__ const float* a_src(const Row& r, int k) const {
    if (!r.ok) return nullptr;
    const int n = k / HoWo, q = k - n * HoWo;
    return dy + (int64_t(n) * s.Co + r.co) * HoWo + q;
  }
  __device__ float a(const Row& r, int k) const {
    const float* p = a_src(r, k);
    if (!p) return 0.f;
    if (kRelu && !(__ldg(relu_y + (p - dy)) > 0.f)) return 0.f;
    return __ldg(p);
  }
  __device__ Col col(int, int n) const {
    const int ci = n / KK, r = n - ci * KK, ky = r / s.K, kx = r - ky * s.K;
    return {ci, ky - s.pad, kx - s.pad, n < s.Ci * KK};
  }
  __device__ const float* b_src(const Col& c, int k) const {
    if (!c.ok) return nullptr;
    const int n = k / HoWo, q = k - n * HoWo, oy = q / Wo, ox = q - oy * Wo;
    const int iy = s.src(oy * s.stride + c.vy0, s.H), ix = s.src(ox * s.stride + c.vx0, s.W);
    if (iy < 0 || ix < 0) return nullptr;  // zero padding
    return x + ((int64_t(n) * s.Ci + c.ci) * s.H + iy) * s.W + ix;
  }
  __device__ float b(const Col& c, int k) const { return detail::load_or_zero(b_src(c, k)); }
  __device__ void store(int z, int m, int n, float v) const {
    const int Nw = s.Ci * KK;
    if (m >= s.Co || n >= Nw) return;
    out[(int64_t(z) * s.Co + m) * Nw + n] = v;
  }
};

// The forward GEMM of conv2d (through as_fused) and conv2d_fused; `what`
// names the launch.
template <class Cfg>
void gemm_forward(const Conv2dFusedShape& s, const float* x, const float* w, const float* b,
                  float* y, const char* what) {
  const int KK = s.K * s.K, Npix = s.Ho() * s.Wo();
  const ConvFwdOp op{s, s.Wo(), KK, s.Ci * KK, Npix, x, w, b, y};
  detail::launch_gemm<Cfg>(op, dim3(ceil_div(Npix, Cfg::BN), ceil_div(s.Co, Cfg::BM), s.N), what);
}

// The weight-gradient GEMM of conv2d (through as_fused) and conv2d_fused,
// split-K with the partials summed in a fixed order. relu_y: the ReLU's
// output (kRelu), else nullptr. kFuseBias: db in the GEMM's launch (named
// what_db; conv2d's v6, v7, conv2d_fused's v3, v4), else the bias kernel
// after it.
template <class Cfg, bool kRelu, bool kFuseBias>
void gemm_backward_weight(const Conv2dFusedShape& s, const float* x, const float* relu_y,
                          const float* dy, float* dw, float* db, const char* what,
                          const char* what_db) {
  const int KK = s.K * s.K, HoWo = s.Ho() * s.Wo(), Ktot = s.N * HoWo, Nw = s.Ci * KK;
  const int64_t tiles = int64_t(ceil_div(Nw, Cfg::BN)) * ceil_div(s.Co, Cfg::BM);
  int chunk = 0, splits = 1;
  detail::choose_split(tiles, Ktot, Cfg::BK, chunk, splits);
  // One split writes dw directly; several write partials summed in order.
  detail::Scratch ws(splits > 1 ? std::size_t(splits) * s.w_size() * sizeof(float) : 0);
  float* out = splits > 1 ? ws.as<float>() : dw;
  const ConvBwdWeightOp<kRelu> op{s, s.Wo(), HoWo, KK, Ktot, chunk, x, relu_y, dy, out};
  launch_weight_grad<Cfg>(op, dim3(ceil_div(Nw, Cfg::BN), ceil_div(s.Co, Cfg::BM), splits),
                          bias_grad(s.grid(), dy, kFuseBias ? db : nullptr, relu_y), what, what_db);
  if (splits > 1) detail::launch_sum_splits(s.w_size(), splits, out, dw);
  if (db && !kFuseBias) launch_bias_grad(s.grid(), dy, db, relu_y);
}

template <class Cfg>
void igemm_forward(const Conv2dShape& s, const float* x, const float* w, const float* b, float* y) {
  check_shape(s, "conv2d_forward");
  gemm_forward<Cfg>(as_fused(s), x, w, b, y, "conv2d_forward igemm");
}

template <class Cfg>
void igemm_backward_data(const Conv2dShape& s, const float* w, const float* dy, float* dx) {
  check_shape(s, "conv2d_backward_data");
  const int KK = s.K * s.K, Npix = s.H * s.W;
  const ConvBwdDataOp op{s, s.Ho(), s.Wo(), KK, s.Co * KK, Npix, w, dy, dx};
  detail::launch_gemm<Cfg>(op, dim3(ceil_div(Npix, Cfg::BN), ceil_div(s.Ci, Cfg::BM), s.N),
                           "conv2d_backward_data igemm");
}

template <class Cfg, bool kFuseBias = false>
void igemm_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                           float* db) {
  check_shape(s, "conv2d_backward_weight");
  gemm_backward_weight<Cfg, false, kFuseBias>(as_fused(s), x, nullptr, dy, dw, db,
                                              "conv2d_backward_weight igemm",
                                              "conv2d_backward_weight igemm+db");
}

// v4: the tile per pass and shape (see the file comment).
bool use_big_tiles(int64_t M, int64_t Ncols, int64_t batch) {
  const int64_t tiles128 = ((M + 127) / 128) * ((Ncols + 127) / 128) * batch;
  return M >= 128 && tiles128 >= detail::kTargetSMs;
}

// v4 (Small, Big = Tile64, Tile128) and v5 (MmaTile64, MmaTile128): the
// tile per pass and shape. The shape is checked before the tile choice,
// which divides by the stride.
template <class Small, class Big>
void auto_forward(const Conv2dShape& s, const float* x, const float* w, const float* b, float* y) {
  check_shape(s, "conv2d_forward");
  if (use_big_tiles(s.Co, int64_t(s.Ho()) * s.Wo(), s.N))
    igemm_forward<Big>(s, x, w, b, y);
  else
    igemm_forward<Small>(s, x, w, b, y);
}
template <class Small, class Big>
void auto_backward_data(const Conv2dShape& s, const float* w, const float* dy, float* dx) {
  check_shape(s, "conv2d_backward_data");
  if (use_big_tiles(s.Ci, int64_t(s.H) * s.W, s.N))
    igemm_backward_data<Big>(s, w, dy, dx);
  else
    igemm_backward_data<Small>(s, w, dy, dx);
}
template <class Small, class Big, bool kFuseBias>
void auto_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                          float* db) {
  check_shape(s, "conv2d_backward_weight");
  // split-K fills the GPU either way: only the tile's shape matters here.
  if (s.Co >= 128 && s.Ci * s.K * s.K >= 128)
    igemm_backward_weight<Big, kFuseBias>(s, x, dy, dw, db);
  else
    igemm_backward_weight<Small, kFuseBias>(s, x, dy, dw, db);
}
template <class Small, class Big, bool kFuseBias = false>
constexpr Conv2dFns kAutoFns{auto_forward<Small, Big>, auto_backward_data<Small, Big>,
                             auto_backward_weight<Small, Big, kFuseBias>};

#define MGST_CONV_RUN(v)                                                        \
  "test: MGST_OPS=conv2d mgst_tests -ts=cuda -tc='cuda ops*' (every version); " \
  "bench: mgst_bench_cuda --benchmark_filter='conv2d/.*/" v "/'"
constexpr KernelVersion<Conv2dFns> kVersions[] = {
    {"v1_direct",
     "one thread per output, operands from global memory (reference)",
     "unmeasured",
     MGST_CONV_RUN("v1_direct"),
     {v1_forward, v1_backward_data, v1_backward_weight}},
    {"v2_igemm64",
     "implicit GEMM (no im2col buffer), 64x64x8 smem tiles, 4x4 register blocking, split-K dw",
     "unmeasured",
     MGST_CONV_RUN("v2_igemm64"),
     {igemm_forward<detail::Tile64>, igemm_backward_data<detail::Tile64>,
      igemm_backward_weight<detail::Tile64>}},
    {"v3_igemm128",
     "v2's kernel with 128x128x8 tiles, 8x8 per thread (2x FMAs per shared read)",
     "unmeasured",
     MGST_CONV_RUN("v3_igemm128"),
     {igemm_forward<detail::Tile128>, igemm_backward_data<detail::Tile128>,
      igemm_backward_weight<detail::Tile128>}},
    {"v4_igemm_auto", "v3 tiles when M >= 128 and they make >= kTargetSMs blocks, else v2 tiles",
     "unmeasured", MGST_CONV_RUN("v4_igemm_auto"), kAutoFns<detail::Tile64, detail::Tile128>},
    {"v5_tf32_mma",
     "v4's tiling on TF32 tensor cores: mma.m16n8k8 warps, 4-stage cp.async pipeline, "
     "64x64 or 128x128 tiles",
     "unmeasured", MGST_CONV_RUN("v5_tf32_mma"), kAutoFns<detail::MmaTile64, detail::MmaTile128>,
     Precision::kTf32},
    {"v6_igemm_auto_db",
     "v4 with the bias gradient in the weight gradient's launch: a block per channel beside the "
     "GEMM's tiles runs the bias kernel's reduction (same order, same bits), one launch fewer",
     "unmeasured", MGST_CONV_RUN("v6_igemm_auto_db"),
     kAutoFns<detail::Tile64, detail::Tile128, true>},
    {"v7_tf32_mma_db", "v5 with v6's bias blocks in its weight gradient's launch", "unmeasured",
     MGST_CONV_RUN("v7_tf32_mma_db"), kAutoFns<detail::MmaTile64, detail::MmaTile128, true>,
     Precision::kTf32},
};
#undef MGST_CONV_RUN
// The fp32 policy runs v6, the tf32 one v7 (kernels/precision.h).
constexpr int kFp32Version = find_version(kVersions, "v6_igemm_auto_db");
constexpr int kTf32Version = find_version(kVersions, "v7_tf32_mma_db");
static_assert(kFp32Version >= 0 && kTf32Version >= 0);

// ---- conv2d_fused: the gathers ------------------------------------------------
// conv2d_fused (kernels/shapes.h Conv2dFusedShape) is the same three implicit
// GEMMs over the virtual input xv = pad_p(upsample_up(x)), which is never
// stored: its operands gather x (and dy) through the index maps
//   src(v)     the row (column) of x that virtual coordinate v reads
//              (reflection or zero padding, then v / up)
//   copies(r)  its inverse: every virtual coordinate that reads row r
// and dy' = dy * (y > 0) under the ReLU (y: the forward output).
//   forward         ConvFwdOp: B(k=(ci,ky,kx), n=(oy,ox)) = x[z, ci, src(oy*s-p+ky),
//                   src(ox*s-p+kx)], one address or nullptr (zero padding); the
//                   epilogue adds b, then takes max(0, .) under the ReLU.
//   backward_weight ConvBwdWeightOp<relu>: A(co, k=(n,q)) = dy'[n, co, q];
//                   B(k, (ci,ky,kx)) = x gathered as in the forward.
//   backward_data   dx[z] (Ci, H*W) = w^T (Ci, Co*K*K) . B, where B(k=(co,ky,kx), (r,c))
//                   sums dy'[z, co, oy, ox] over the virtual pixels (vy, vx) in
//                   copies(r) x copies(c) with oy*s = vy+p-ky, ox*s = vx+p-kx: the
//                   adjoints of the padding and the upsampling are folded into the
//                   gather, so there is no padded-grid gradient, and the GEMM has
//                   H*W columns, not the padded grid's (up*H+2p)*(up*W+2p) (a
//                   quarter of the multiply-adds for up = 2, by count). Inside the
//                   image without upsampling a pixel has one copy (one load per
//                   element, as in ConvBwdDataOp); near a reflected edge 2 or 3 per
//                   axis; upsampled, 2 or more.
// Operands that are sums or masked products are computed in registers
// (kAsyncLoads false: mma_gemm.cuh's register path); single gathers stay
// cp.async copies. The bias gradient is conv2d's BiasGrad with the ReLU mask.

// Backward data. Grid (ceil(H*W/BN), ceil(Ci/BM), N): x = pixel tile of x,
// y = input-channel tile, z = image. A as ConvBwdDataOp; B the sum over
// copies (see above), computed in registers.
struct FusedBwdDataOp {
  static constexpr int kMax = Conv2dFusedShape::kMaxCopies;
  Conv2dFusedShape s;
  int Ho, Wo, KK, Kdim, Npix;
  const float* w;
  const float* relu_y;  // the forward output under the ReLU, else nullptr
  const float* dy;
  const float* dx_add;  // the gradient x already holds, or nullptr
  float* dx;

  using Row = detail::RowPointer;
  struct Col {
    int64_t img;             // offset of image z in dy
    int ny, nx;              // copies of this pixel's row, column
    int ty[kMax], tx[kMax];  // their virtual coordinates + p (= oy*s + ky)
    bool ok;
  };

  __device__ bool tile(int bm, int bn, Tile& t) const {
    t = detail::grid_tile(bm, bn, 0, Kdim);
    return true;
  }
  static constexpr bool kAsyncLoads = false;
  __device__ Row row(int, int m) const { return {w + int64_t(m) * KK, m < s.Ci}; }
  __device__ float a(const Row& r, int k) const {
    if (!r.ok) return 0.f;
    const int co = k / KK, rr = k - co * KK;
    return __ldg(r.p + co * s.Ci * KK + rr);
  }
  __device__ Col col(int z, int n) const {
    Col c{int64_t(z) * s.Co * Ho * Wo, 0, 0, {}, {}, n < Npix};
    if (!c.ok) return c;
    const int r = n / s.W, q = n - r * s.W;
    c.ny = s.copies(r, s.H, c.ty);
    c.nx = s.copies(q, s.W, c.tx);
#pragma unroll
    for (int i = 0; i < kMax; ++i) c.ty[i] += s.pad, c.tx[i] += s.pad;
    return c;
  }
  // Output coordinate o with o*stride = t, or -1.
  __device__ int out_index(int t, int n_out) const {
    if (t < 0) return -1;
    if (s.stride > 1) {
      if (t % s.stride) return -1;
      t /= s.stride;
    }
    return t < n_out ? t : -1;
  }
  __device__ float b(const Col& c, int k) const {
    if (!c.ok) return 0.f;
    const int co = k / KK, r = k - co * KK, ky = r / s.K, kx = r - ky * s.K;
    const int64_t plane = c.img + int64_t(co) * Ho * Wo;
    float acc = 0.f;
#pragma unroll
    for (int i = 0; i < kMax; ++i) {
      if (i >= c.ny) break;
      const int oy = out_index(c.ty[i] - ky, Ho);
      if (oy < 0) continue;
#pragma unroll
      for (int j = 0; j < kMax; ++j) {
        if (j >= c.nx) break;
        const int ox = out_index(c.tx[j] - kx, Wo);
        if (ox < 0) continue;
        const int64_t e = plane + oy * Wo + ox;
        if (!relu_y || __ldg(relu_y + e) > 0.f) acc += __ldg(dy + e);
      }
    }
    return acc;
  }
  __device__ void store(int z, int m, int n, float v) const {
    if (m >= s.Ci || n >= Npix) return;
    const int64_t i = (int64_t(z) * s.Ci + m) * Npix + n;
    dx[i] = dx_add ? dx_add[i] + v : v;  // the autograd's add, a + b, in the store
  }
};

void check_fused(const Conv2dFusedShape& s, const char* op) {
  check_conv2d_fused_shape(op, s);
  check_shape(s.grid(), op);
}

const float* relu_output(const Conv2dFusedShape& s, const float* y, const char* op) {
  MGST_CHECK(!s.relu || y, op << ": the ReLU's backward needs the forward output y");
  return s.relu ? y : nullptr;
}

template <class Cfg>
void fused_backward_data(const Conv2dFusedShape& s, const float* w, const float* relu_y,
                         const float* dy, const float* dx_add, float* dx) {
  const int KK = s.K * s.K, Npix = s.H * s.W;
  const FusedBwdDataOp op{s, s.Ho(), s.Wo(), KK, s.Co * KK, Npix, w, relu_y, dy, dx_add, dx};
  detail::launch_gemm<Cfg>(op, dim3(ceil_div(Npix, Cfg::BN), ceil_div(s.Ci, Cfg::BM), s.N),
                           "conv2d_fused_backward_data igemm");
}

// The tiles per pass and shape, as auto_* (v4, v5) choose them.
template <class Small, class Big>
void fused_auto_forward(const Conv2dFusedShape& s, const float* x, const float* w, const float* b,
                        float* y) {
  check_fused(s, "conv2d_fused_forward");
  const char* what = "conv2d_fused_forward igemm";
  if (use_big_tiles(s.Co, int64_t(s.Ho()) * s.Wo(), s.N))
    gemm_forward<Big>(s, x, w, b, y, what);
  else
    gemm_forward<Small>(s, x, w, b, y, what);
}
template <class Small, class Big>
void fused_auto_backward_data(const Conv2dFusedShape& s, const float* w, const float* y,
                              const float* dy, const float* dx_add, float* dx) {
  const char* name = "conv2d_fused_backward_data";
  check_fused(s, name);
  const float* relu_y = relu_output(s, y, name);
  if (use_big_tiles(s.Ci, int64_t(s.H) * s.W, s.N))
    fused_backward_data<Big>(s, w, relu_y, dy, dx_add, dx);
  else
    fused_backward_data<Small>(s, w, relu_y, dy, dx_add, dx);
}
template <class Small, class Big, bool kFuseBias>
void fused_auto_backward_weight(const Conv2dFusedShape& s, const float* x, const float* y,
                                const float* dy, float* dw, float* db) {
  const char* name = "conv2d_fused_backward_weight";
  check_fused(s, name);
  const float* relu_y = relu_output(s, y, name);
  const bool big = s.Co >= 128 && s.Ci * s.K * s.K >= 128;
  const char *what = "conv2d_fused_backward_weight igemm",
             *what_db = "conv2d_fused_backward_weight igemm+db";
  if (big && relu_y)
    gemm_backward_weight<Big, true, kFuseBias>(s, x, relu_y, dy, dw, db, what, what_db);
  else if (big)
    gemm_backward_weight<Big, false, kFuseBias>(s, x, nullptr, dy, dw, db, what, what_db);
  else if (relu_y)
    gemm_backward_weight<Small, true, kFuseBias>(s, x, relu_y, dy, dw, db, what, what_db);
  else
    gemm_backward_weight<Small, false, kFuseBias>(s, x, nullptr, dy, dw, db, what, what_db);
}
template <class Small, class Big, bool kFuseBias = false>
constexpr Conv2dFusedFns kFusedAutoFns{fused_auto_forward<Small, Big>,
                                       fused_auto_backward_data<Small, Big>,
                                       fused_auto_backward_weight<Small, Big, kFuseBias>};

#define MGST_CONV_FUSED_RUN(v)                                                        \
  "test: MGST_OPS=conv2d_fused mgst_tests -ts=cuda -tc='cuda ops*' (every version); " \
  "bench: mgst_bench_ops --benchmark_filter='^cuda/conv2d_fused .*" v "'"
constexpr KernelVersion<Conv2dFusedFns> kFusedVersions[] = {
    {"v1_igemm_auto",
     "conv2d's v4 (SIMT implicit GEMM, tiles per pass and shape) on the gathered operands: "
     "no upsampled or padded tensor, ReLU in the epilogue and in the gradients' loads",
     "unmeasured", MGST_CONV_FUSED_RUN("v1_igemm_auto"),
     kFusedAutoFns<detail::Tile64, detail::Tile128>},
    {"v2_tf32_mma", "v1's gathers on conv2d's v5 TF32 tensor-core kernel", "unmeasured",
     MGST_CONV_FUSED_RUN("v2_tf32_mma"), kFusedAutoFns<detail::MmaTile64, detail::MmaTile128>,
     Precision::kTf32},
    {"v3_igemm_auto_db",
     "v1 with the (ReLU-masked) bias gradient in the weight gradient's launch, as conv2d's v6: "
     "same bits, one launch fewer",
     "unmeasured", MGST_CONV_FUSED_RUN("v3_igemm_auto_db"),
     kFusedAutoFns<detail::Tile64, detail::Tile128, true>},
    {"v4_tf32_mma_db", "v2 with v3's bias blocks in its weight gradient's launch", "unmeasured",
     MGST_CONV_FUSED_RUN("v4_tf32_mma_db"),
     kFusedAutoFns<detail::MmaTile64, detail::MmaTile128, true>, Precision::kTf32},
};
#undef MGST_CONV_FUSED_RUN
// As conv2d: the fp32 policy runs v3, the tf32 one v4.
constexpr int kFusedFp32Version = find_version(kFusedVersions, "v3_igemm_auto_db");
constexpr int kFusedTf32Version = find_version(kFusedVersions, "v4_tf32_mma_db");
static_assert(kFusedFp32Version >= 0 && kFusedTf32Version >= 0);

}  // namespace

std::span<const KernelVersion<Conv2dFns>> conv2d_versions() { return kVersions; }
int conv2d_dispatched() {
  return precision().conv == Precision::kTf32 ? kTf32Version : kFp32Version;
}

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* b,
                    float* y) {
  kVersions[conv2d_dispatched()].fn.forward(s, x, w, b, y);
}
void conv2d_backward_data(const Conv2dShape& s, const float* w, const float* dy, float* dx) {
  kVersions[conv2d_dispatched()].fn.backward_data(s, w, dy, dx);
}
void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                            float* db) {
  kVersions[conv2d_dispatched()].fn.backward_weight(s, x, dy, dw, db);
}

std::span<const KernelVersion<Conv2dFusedFns>> conv2d_fused_versions() { return kFusedVersions; }
int conv2d_fused_dispatched() {
  return precision().conv == Precision::kTf32 ? kFusedTf32Version : kFusedFp32Version;
}

void conv2d_fused_forward(const Conv2dFusedShape& s, const float* x, const float* w, const float* b,
                          float* y) {
  kFusedVersions[conv2d_fused_dispatched()].fn.forward(s, x, w, b, y);
}
void conv2d_fused_backward_data(const Conv2dFusedShape& s, const float* w, const float* y,
                                const float* dy, const float* dx_add, float* dx) {
  kFusedVersions[conv2d_fused_dispatched()].fn.backward_data(s, w, y, dy, dx_add, dx);
}
void conv2d_fused_backward_weight(const Conv2dFusedShape& s, const float* x, const float* y,
                                  const float* dy, float* dw, float* db) {
  kFusedVersions[conv2d_fused_dispatched()].fn.backward_weight(s, x, y, dy, dw, db);
}

}  // namespace mgst::kernels::cuda
