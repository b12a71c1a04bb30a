// conv2d as GEMM over im2col columns, one sample at a time:
//   y[n] (Co, Ho*Wo) = w (Co, Ci*K*K) . col (Ci*K*K, Ho*Wo) + b
//   col[(ci,ky,kx), (oy,ox)] = x[n, ci, oy*s-p+ky, ox*s-p+kx]  (0 outside)
//   dcol = w^T . dy[n];   dx[n] = col2im(dcol)  (scatter-add of the taps)
//   dw = sum_n dy[n] . col^T;   db[co] = sum_{n,oy,ox} dy
// The columns are built for a band of output rows at a time so the scratch
// buffer stays bounded (~8 MiB) and cache-resident for the GEMM that reads it;
// the band size depends only on the shape, never on the thread count, so the
// accumulation order (and hence every bit of dw) is fixed. Threads work
// inside sgemm and across channels in im2col/col2im.
// Special cases:
//  - a 1x1, stride-1, unpadded conv needs no columns (col == x);
//  - few output channels (Co <= 3, e.g. the transform net's 32->3 9x9 output
//    layer), stride 1, no padding: as a GEMM this has M = Co, so packing and
//    im2col traffic dwarf the arithmetic. The forward and the weight gradient
//    run as direct convolutions with all accumulators in AVX-512 registers,
//    and the data gradient as the equivalent stride-1 forward convolution
//    dx = conv(dy, w flipped and transposed, pad K-1-p), whose GEMM has
//    M = Ci instead of a K = Co inner dimension.
//
// conv2d_fused (upsample -> pad -> conv -> ReLU as one op) is, on the CPU,
// the composition of the CPU kernels it fuses, in the order the unfused ops
// ran them: the upsampled, reflection-padded input and the padded-grid
// gradient are materialised in scratch buffers. Same arithmetic in the same
// order, so the same bits as the unfused ops; the gather without those
// buffers is the CUDA backend's (kernels/cuda/conv2d.cu).
#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "kernels/checks.h"
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {
namespace {

constexpr int64_t kColBudget = int64_t(2) << 20;  // floats per column band

void check_shape(const char* op, const Conv2dShape& s) {
  MGST_CHECK(s.N > 0 && s.Ci > 0 && s.Co > 0 && s.K > 0 && s.stride > 0 && s.pad >= 0 && s.H > 0 &&
                 s.W > 0 && s.Ho() > 0 && s.Wo() > 0,
             op << ": invalid shape N=" << s.N << " Ci=" << s.Ci << " H=" << s.H << " W=" << s.W
                << " Co=" << s.Co << " K=" << s.K << " stride=" << s.stride << " pad=" << s.pad);
}

bool is_pointwise(const Conv2dShape& s) { return s.K == 1 && s.stride == 1 && s.pad == 0; }

// Output rows per band: as many as the budget allows, but at least enough
// columns (~512) for an efficient GEMM, and bands of equal size.
int band_rows(const Conv2dShape& s) {
  const int Ho = s.Ho(), Wo = s.Wo();
  int64_t rows = kColBudget / (int64_t(s.gemm_k()) * Wo);
  rows = std::max<int64_t>(rows, (512 + Wo - 1) / Wo);
  rows = std::clamp<int64_t>(rows, 1, Ho);
  const int64_t bands = (Ho + rows - 1) / rows;
  return int((Ho + bands - 1) / bands);
}

float* scratch(int64_t floats) {
  thread_local std::vector<float> buf;
  if (int64_t(buf.size()) < floats) buf.resize(floats);
  return buf.data();
}

// Output columns [lo, hi) whose tap kx lands inside the row:
// 0 <= ox*stride - pad + kx < W.
void valid_ox(const Conv2dShape& s, int kx, int& lo, int& hi) {
  const int a = s.pad - kx, b = s.W - 1 + s.pad - kx, st = s.stride;
  lo = a <= 0 ? 0 : (a + st - 1) / st;
  hi = b < 0 ? 0 : b / st + 1;
  lo = std::min(lo, s.Wo());
  hi = std::clamp(hi, lo, s.Wo());
}

// col (Ci*K*K, (oy1-oy0)*Wo) for output rows [oy0, oy1) of one sample x (Ci,H,W).
void im2col(const Conv2dShape& s, const float* x, int oy0, int oy1, float* col) {
  const int K = s.K, Wo = s.Wo(), st = s.stride, H = s.H, W = s.W;
  const int64_t ncols = int64_t(oy1 - oy0) * Wo;
  detail::parallel_for(int64_t(s.Ci) * K * K, ncols, [&](int64_t row) {
    const int ci = int(row / (K * K)), ky = int(row / K % K), kx = int(row % K);
    const float* xc = x + int64_t(ci) * H * W;
    float* d = col + row * ncols;
    // Valid ox: 0 <= ox*st - pad + kx < W.
    int lo, hi;
    valid_ox(s, kx, lo, hi);
    for (int oy = oy0; oy < oy1; ++oy, d += Wo) {
      const int iy = s.in_y(oy, ky);
      if (iy < 0 || iy >= H) {
        std::memset(d, 0, sizeof(float) * Wo);
        continue;
      }
      const float* xr = xc + int64_t(iy) * W;
      for (int ox = 0; ox < lo; ++ox) d[ox] = 0.f;
      if (st == 1) {
        std::memcpy(d + lo, xr + lo - s.pad + kx, sizeof(float) * (hi - lo));
      } else {
        for (int ox = lo; ox < hi; ++ox) d[ox] = xr[ox * st - s.pad + kx];
      }
      for (int ox = hi; ox < Wo; ++ox) d[ox] = 0.f;
    }
  });
}

// dx (Ci,H,W) += scatter of col for output rows [oy0, oy1). Each thread owns
// whole input channels, and taps are added in a fixed (ky,kx,oy,ox) order.
void col2im_add(const Conv2dShape& s, const float* col, int oy0, int oy1, float* dx) {
  const int K = s.K, Wo = s.Wo(), st = s.stride, H = s.H, W = s.W;
  const int64_t ncols = int64_t(oy1 - oy0) * Wo;
  detail::parallel_for(s.Ci, ncols * K * K, [&](int64_t ci) {
    float* dc = dx + ci * H * W;
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        const float* d = col + ((ci * K + ky) * K + kx) * ncols;
        int lo, hi;
        valid_ox(s, kx, lo, hi);
        for (int oy = oy0; oy < oy1; ++oy, d += Wo) {
          const int iy = s.in_y(oy, ky);
          if (iy < 0 || iy >= H) continue;
          float* xr = dc + int64_t(iy) * W;
          const int off = kx - s.pad;
          if (st == 1) {
#pragma omp simd
            for (int ox = lo; ox < hi; ++ox) xr[ox + off] += d[ox];
          } else {
            for (int ox = lo; ox < hi; ++ox) xr[ox * st + off] += d[ox];
          }
        }
      }
  });
}

#if defined(__AVX512F__)
constexpr bool kHaveDirect = true;

bool use_direct(const Conv2dShape& s) {
  return s.Co <= 3 && s.stride == 1 && s.pad == 0 && s.K <= 9 && s.K % 2 == 1;
}

inline __mmask16 tail_mask(int remaining) {
  return remaining >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << remaining) - 1);
}

// y rows of one sample: CO output channels x 4 vectors (64 pixels) per
// strip; each tap loads 4 input vectors and reuses them for CO channels.
template <int CO>
void direct_forward_sample(const Conv2dShape& s, const float* x, const float* w, const float* b,
                           float* y) {
  const int Ho = s.Ho(), Wo = s.Wo(), K = s.K, H = s.H, W = s.W;
  detail::parallel_for(Ho, int64_t(Wo) * s.Ci * K * K * CO, [&](int64_t oy) {
    for (int ox0 = 0; ox0 < Wo; ox0 += 64) {
      __mmask16 m[4];
      for (int v = 0; v < 4; ++v) m[v] = ox0 + 16 * v < Wo ? tail_mask(Wo - ox0 - 16 * v) : 0;
      __m512 acc[CO][4];
      for (int co = 0; co < CO; ++co)
        for (int v = 0; v < 4; ++v) acc[co][v] = _mm512_set1_ps(b ? b[co] : 0.f);
      for (int ci = 0; ci < s.Ci; ++ci)
        for (int ky = 0; ky < K; ++ky) {
          const float* xr = x + (int64_t(ci) * H + oy + ky) * W + ox0;
          const float* wr = w + (int64_t(ci) * K + ky) * K;
          for (int kx = 0; kx < K; ++kx) {
            __m512 xv[4];
            for (int v = 0; v < 4; ++v) xv[v] = _mm512_maskz_loadu_ps(m[v], xr + kx + 16 * v);
            for (int co = 0; co < CO; ++co) {
              const __m512 wv = _mm512_set1_ps(wr[int64_t(co) * s.Ci * K * K + kx]);
              for (int v = 0; v < 4; ++v) acc[co][v] = _mm512_fmadd_ps(wv, xv[v], acc[co][v]);
            }
          }
        }
      for (int co = 0; co < CO; ++co)
        for (int v = 0; v < 4; ++v)
          _mm512_mask_storeu_ps(y + (int64_t(co) * Ho + oy) * Wo + ox0 + 16 * v, m[v], acc[co][v]);
    }
  });
}

// dw[co, ci, ky, kx] for all co, kx of one (ci, ky): CO*K accumulators; per
// 16 output pixels, CO dy vectors and K shifted x vectors feed CO*K FMAs.
// Lanes add in a fixed order, then the 16 lanes reduce: deterministic.
template <int CO, int K>
void direct_weight_task(const Conv2dShape& s, const float* x, const float* dy, int ci, int ky,
                        float* dw) {
  const int Ho = s.Ho(), Wo = s.Wo(), H = s.H, W = s.W;
  __m512 acc[CO][K];
  for (int co = 0; co < CO; ++co)
    for (int kx = 0; kx < K; ++kx) acc[co][kx] = _mm512_setzero_ps();
  for (int n = 0; n < s.N; ++n)
    for (int oy = 0; oy < Ho; ++oy) {
      const float* xr = x + ((int64_t(n) * s.Ci + ci) * H + oy + ky) * W;
      const float* dr = dy + (int64_t(n) * CO * Ho + oy) * Wo;
      for (int ox0 = 0; ox0 < Wo; ox0 += 16) {
        const __mmask16 m = tail_mask(Wo - ox0);
        __m512 d[CO];
        for (int co = 0; co < CO; ++co)
          d[co] = _mm512_maskz_loadu_ps(m, dr + int64_t(co) * Ho * Wo + ox0);
        for (int kx = 0; kx < K; ++kx) {
          const __m512 xv = _mm512_maskz_loadu_ps(m, xr + ox0 + kx);
          for (int co = 0; co < CO; ++co) acc[co][kx] = _mm512_fmadd_ps(d[co], xv, acc[co][kx]);
        }
      }
    }
  alignas(64) float lane[16];
  for (int co = 0; co < CO; ++co)
    for (int kx = 0; kx < K; ++kx) {
      _mm512_store_ps(lane, acc[co][kx]);
      float sum = 0.f;
      for (int l = 0; l < 16; ++l) sum += lane[l];
      dw[((int64_t(co) * s.Ci + ci) * K + ky) * K + kx] = sum;
    }
}

void direct_forward(const Conv2dShape& s, const float* xn, const float* w, const float* b,
                    float* yn) {
  switch (s.Co) {
    case 1: return direct_forward_sample<1>(s, xn, w, b, yn);
    case 2: return direct_forward_sample<2>(s, xn, w, b, yn);
    default: return direct_forward_sample<3>(s, xn, w, b, yn);
  }
}

template <int CO>
void direct_weight_co(const Conv2dShape& s, const float* x, const float* dy, float* dw) {
  detail::parallel_for(int64_t(s.Ci) * s.K, int64_t(s.N) * s.Ho() * s.Wo() * s.K * CO,
                       [&](int64_t t) {
                         const int ci = int(t / s.K), ky = int(t % s.K);
                         switch (s.K) {
                           case 1: return direct_weight_task<CO, 1>(s, x, dy, ci, ky, dw);
                           case 3: return direct_weight_task<CO, 3>(s, x, dy, ci, ky, dw);
                           case 5: return direct_weight_task<CO, 5>(s, x, dy, ci, ky, dw);
                           case 7: return direct_weight_task<CO, 7>(s, x, dy, ci, ky, dw);
                           default: return direct_weight_task<CO, 9>(s, x, dy, ci, ky, dw);
                         }
                       });
}

void direct_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw) {
  switch (s.Co) {
    case 1: return direct_weight_co<1>(s, x, dy, dw);
    case 2: return direct_weight_co<2>(s, x, dy, dw);
    default: return direct_weight_co<3>(s, x, dy, dw);
  }
}
#else
constexpr bool kHaveDirect = false;
bool use_direct(const Conv2dShape&) { return false; }
void direct_forward(const Conv2dShape&, const float*, const float*, const float*, float*) {}
void direct_weight(const Conv2dShape&, const float*, const float*, float*) {}
#endif

// The data gradient as a forward conv is worth it when Co is small (the
// GEMM's inner dimension would be Co) and the stride is 1.
bool use_flipped_forward(const Conv2dShape& s) {
  return s.stride == 1 && s.Co < 16 && s.pad <= s.K - 1 && !is_pointwise(s);
}

// Work items are (sample, band of output rows). With enough of them, threads
// take whole items (one parallel region, serial im2col + GEMM inside, no
// barrier per band); otherwise items run in turn and the threads work inside
// sgemm / im2col. Either way an item's arithmetic is the same.
struct Band {
  int n, oy0, oy1;
};

std::vector<Band> bands(const Conv2dShape& s) {
  const int rows = is_pointwise(s) ? s.Ho() : band_rows(s);
  std::vector<Band> v;
  for (int n = 0; n < s.N; ++n)
    for (int oy0 = 0; oy0 < s.Ho(); oy0 += rows)
      v.push_back({n, oy0, std::min(s.Ho(), oy0 + rows)});
  return v;
}

// Threads to spread over `items` whole items, or 1 to parallelise inside.
int item_threads(int64_t items, double flops) {
  const int nt = detail::threads_for(int64_t(flops / 64));
  return (nt > 1 && (items >= 2 * nt || items % nt == 0)) ? nt : 1;
}

template <class F>
void for_items(int64_t items, double flops, F&& f) {
  const int nt = item_threads(items, flops);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1)
  for (int64_t i = 0; i < items; ++i) f(i);
}

double conv_flops(const Conv2dShape& s) {
  return 2.0 * s.N * s.Co * double(s.gemm_k()) * s.gemm_n();
}

// y[n] rows [oy0, oy1) = w . col + b.
void forward_band(const Conv2dShape& s, const float* x, const float* w, const float* b, float* y,
                  const Band& bd) {
  const int Co = s.Co, Kg = s.gemm_k(), Wo = s.Wo();
  const int64_t P = int64_t(s.Ho()) * Wo, nc = int64_t(bd.oy1 - bd.oy0) * Wo;
  const float* xn = x + bd.n * int64_t(s.Ci) * s.H * s.W;
  float* yb = y + bd.n * Co * P + int64_t(bd.oy0) * Wo;
  if (is_pointwise(s)) {
    sgemm(false, false, Co, int(nc), Kg, 1.f, w, Kg, xn + int64_t(bd.oy0) * Wo, int(P), 0.f, yb,
          int(P));
  } else {
    float* col = scratch(Kg * nc);
    im2col(s, xn, bd.oy0, bd.oy1, col);
    sgemm(false, false, Co, int(nc), Kg, 1.f, w, Kg, col, int(nc), 0.f, yb, int(P));
  }
  if (b)
    detail::parallel_for(Co, nc, [&](int64_t co) {
      float* yc = yb + co * P;
      const float bc = b[co];
#pragma omp simd
      for (int64_t i = 0; i < nc; ++i) yc[i] += bc;
    });
}

// dx[n] = col2im(w^T . dy[n]), band by band (bands overlap in dx rows, so a
// sample is one item).
void backward_data_sample(const Conv2dShape& s, const float* w, const float* dy, float* dx, int n) {
  const int Co = s.Co, Kg = s.gemm_k(), Wo = s.Wo();
  const int64_t P = int64_t(s.Ho()) * Wo, xs = int64_t(s.Ci) * s.H * s.W;
  const float* dyn = dy + n * Co * P;
  float* dxn = dx + n * xs;
  if (is_pointwise(s)) {
    sgemm(true, false, Kg, int(P), Co, 1.f, w, Kg, dyn, int(P), 0.f, dxn, int(P));
    return;
  }
  // Overwrite semantics: dx starts at zero, bands scatter-add into it.
  detail::parallel_for(s.Ci, int64_t(s.H) * s.W, [&](int64_t ci) {
    std::memset(dxn + ci * s.H * s.W, 0, sizeof(float) * s.H * s.W);
  });
  const int rows = band_rows(s);
  for (int oy0 = 0; oy0 < s.Ho(); oy0 += rows) {
    const int oy1 = std::min(s.Ho(), oy0 + rows), nc = (oy1 - oy0) * Wo;
    float* col = scratch(int64_t(Kg) * nc);
    sgemm(true, false, Kg, nc, Co, 1.f, w, Kg, dyn + int64_t(oy0) * Wo, int(P), 0.f, col, nc);
    col2im_add(s, col, oy0, oy1, dxn);
  }
}

// dw (+)= dy[n][:, band] . col^T; beta 0 overwrites, 1 accumulates.
void weight_band(const Conv2dShape& s, const float* x, const float* dy, float* dw, float beta,
                 const Band& bd) {
  const int Co = s.Co, Kg = s.gemm_k(), Wo = s.Wo();
  const int64_t P = int64_t(s.Ho()) * Wo, nc = int64_t(bd.oy1 - bd.oy0) * Wo;
  const float* xn = x + bd.n * int64_t(s.Ci) * s.H * s.W;
  const float* dyb = dy + bd.n * Co * P + int64_t(bd.oy0) * Wo;
  if (is_pointwise(s)) {
    sgemm(false, true, Co, Kg, int(nc), 1.f, dyb, int(P), xn + int64_t(bd.oy0) * Wo, int(P), beta,
          dw, Kg);
  } else {
    float* col = scratch(Kg * nc);
    im2col(s, xn, bd.oy0, bd.oy1, col);
    sgemm(false, true, Co, Kg, int(nc), 1.f, dyb, int(P), col, int(nc), beta, dw, Kg);
  }
}

// Per-item weight-gradient partials are kept (and summed in item order)
// while they fit in this many floats; beyond it the items accumulate in turn.
constexpr int64_t kPartialBudget = int64_t(8) << 20;

}  // namespace

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* b,
                    float* y) {
  check_shape("conv2d_forward", s);
  if (kHaveDirect && use_direct(s)) {
    const int64_t xs = int64_t(s.Ci) * s.H * s.W, ys = int64_t(s.Co) * s.Ho() * s.Wo();
    for (int n = 0; n < s.N; ++n) direct_forward(s, x + n * xs, w, b, y + n * ys);
    return;
  }
  const auto items = bands(s);
  for_items(int64_t(items.size()), conv_flops(s),
            [&](int64_t i) { forward_band(s, x, w, b, y, items[i]); });
}

void conv2d_backward_data(const Conv2dShape& s, const float* w, const float* dy, float* dx) {
  check_shape("conv2d_backward_data", s);
  if (use_flipped_forward(s)) {
    // wt[ci, co, ky, kx] = w[co, ci, K-1-ky, K-1-kx]
    const int K = s.K, Co = s.Co;
    std::vector<float> wt(s.w_size());
    for (int co = 0; co < Co; ++co)
      for (int ci = 0; ci < s.Ci; ++ci)
        for (int ky = 0; ky < K; ++ky)
          for (int kx = 0; kx < K; ++kx)
            wt[((int64_t(ci) * Co + co) * K + ky) * K + kx] =
                w[((int64_t(co) * s.Ci + ci) * K + K - 1 - ky) * K + K - 1 - kx];
    const Conv2dShape t{s.N, Co, s.Ho(), s.Wo(), s.Ci, K, 1, K - 1 - s.pad};
    conv2d_forward(t, dy, wt.data(), nullptr, dx);
    return;
  }
  for_items(s.N, conv_flops(s), [&](int64_t n) { backward_data_sample(s, w, dy, dx, int(n)); });
}

void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                            float* db) {
  check_shape("conv2d_backward_weight", s);
  const int Co = s.Co;
  const int64_t P = int64_t(s.Ho()) * s.Wo(), ws = s.w_size();
  const auto items = bands(s);
  const int64_t ni = int64_t(items.size());
  if (kHaveDirect && use_direct(s)) {
    direct_weight(s, x, dy, dw);
  } else if (ni > 1 && ni * ws <= kPartialBudget) {
    // The choice depends on the shape only, so the bits do not depend on
    // the thread count.
    std::vector<float> part(ni * ws);
    for_items(ni, conv_flops(s),
              [&](int64_t i) { weight_band(s, x, dy, part.data() + i * ws, 0.f, items[i]); });
    detail::parallel_for(ws, ni, [&](int64_t e) {
      float acc = part[e];
      for (int64_t i = 1; i < ni; ++i) acc += part[i * ws + e];
      dw[e] = acc;
    });
  } else {
    // The first item overwrites dw, later ones accumulate onto it.
    for (int64_t i = 0; i < ni; ++i) weight_band(s, x, dy, dw, i == 0 ? 0.f : 1.f, items[i]);
  }
  if (db)
    detail::parallel_for(Co, s.N * P, [&](int64_t co) {
      double acc = 0;
      for (int n = 0; n < s.N; ++n) {
        const float* d = dy + (int64_t(n) * Co + co) * P;
        acc += detail::lane_sum(P, [&](int64_t i) { return double(d[i]); });
      }
      db[co] = float(acc);
    });
}

// ---- conv2d_fused: the composition ---------------------------------------------
namespace {

// The virtual input xv of s (kernels/shapes.h), materialised in `buf` when
// it differs from x, and in g the conv2d that reads it (zero padding is the
// conv's own).
const float* fused_input(const Conv2dFusedShape& s, const float* x, std::vector<float>& buf,
                         Conv2dShape& g) {
  g = s.grid();
  if (s.up == 1 && !s.reflect) return x;
  const int NC = s.N * s.Ci;
  const int64_t up_size = s.up == 2 ? int64_t(NC) * g.H * g.W : 0;
  const int64_t pad_size = s.reflect ? int64_t(NC) * (g.H + 2 * s.pad) * (g.W + 2 * s.pad) : 0;
  buf.resize(std::size_t(up_size + pad_size));
  const float* h = x;
  if (s.up == 2) {
    upsample_nearest2x_forward(NC, s.H, s.W, h, buf.data());
    h = buf.data();
  }
  if (s.reflect) {
    reflection_pad_forward(NC, g.H, g.W, s.pad, h, buf.data() + up_size);
    h = buf.data() + up_size;
    g.H += 2 * s.pad, g.W += 2 * s.pad, g.pad = 0;  // the conv sees the padded image
  }
  return h;
}

// dy' = dy * (y > 0) when s.relu (into buf), else dy itself.
const float* fused_dy(const Conv2dFusedShape& s, const float* y, const float* dy,
                      std::vector<float>& buf) {
  if (!s.relu) return dy;
  MGST_CHECK(y, "conv2d_fused backward: the ReLU needs the forward output y");
  buf.resize(std::size_t(s.y_size()));
  relu_backward(s.y_size(), y, dy, buf.data());
  return buf.data();
}

void check_fused(const char* op, const Conv2dFusedShape& s) {
  check_conv2d_fused_shape(op, s);
  check_shape(op, s.grid());
}

// dx = upsample^T(pad^T(conv2d^T(d, w))) for d = dy': the unfused ops' backwards in turn.
void fused_data_gradient(const Conv2dFusedShape& s, const float* w, const float* d, float* dx) {
  std::vector<float> gbuf;
  const int NC = s.N * s.Ci, UH = s.up * s.H, UW = s.up * s.W;
  Conv2dShape g = s.grid();
  if (s.up == 1 && !s.reflect) return conv2d_backward_data(g, w, d, dx);
  // The gradient of the padded grid, then of the upsampled one, then dx.
  const int64_t padded = s.reflect ? int64_t(NC) * (UH + 2 * s.pad) * (UW + 2 * s.pad) : 0;
  gbuf.resize(std::size_t(padded + (s.up == 2 ? int64_t(NC) * UH * UW : 0)));
  float* dup = s.up == 2 ? gbuf.data() + padded : dx;  // gradient of the upsampled image
  if (s.reflect) {
    g.H += 2 * s.pad, g.W += 2 * s.pad, g.pad = 0;
    conv2d_backward_data(g, w, d, gbuf.data());
    reflection_pad_backward(NC, UH, UW, s.pad, gbuf.data(), dup);
  } else {
    conv2d_backward_data(g, w, d, dup);
  }
  if (s.up == 2) upsample_nearest2x_backward(NC, s.H, s.W, dup, dx);
}

}  // namespace

void conv2d_fused_forward(const Conv2dFusedShape& s, const float* x, const float* w, const float* b,
                          float* y) {
  check_fused("conv2d_fused_forward", s);
  std::vector<float> buf;
  Conv2dShape g;
  const float* xv = fused_input(s, x, buf, g);
  conv2d_forward(g, xv, w, b, y);
  if (s.relu) relu_forward(s.y_size(), y, y);
}

void conv2d_fused_backward_data(const Conv2dFusedShape& s, const float* w, const float* y,
                                const float* dy, const float* dx_add, float* dx) {
  check_fused("conv2d_fused_backward_data", s);
  std::vector<float> dbuf;
  fused_data_gradient(s, w, fused_dy(s, y, dy, dbuf), dx);
  // The unfused order: the data gradient, then the autograd's add.
  if (dx_add) add(s.x_size(), dx_add, dx, dx);
}

void conv2d_fused_backward_weight(const Conv2dFusedShape& s, const float* x, const float* y,
                                  const float* dy, float* dw, float* db) {
  check_fused("conv2d_fused_backward_weight", s);
  std::vector<float> xbuf, dbuf;
  Conv2dShape g;
  const float* xv = fused_input(s, x, xbuf, g);
  conv2d_backward_weight(g, xv, fused_dy(s, y, dy, dbuf), dw, db);
}

}  // namespace mgst::kernels::cpu
