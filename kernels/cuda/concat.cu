// Channel concat: y (N, Ca+Cb, P) = [a (N, Ca, P) ; b (N, Cb, P)], and its
// backward (da, db nullable). One thread per element of y (grid-stride).
// pack_scalars: out = [x_0, ..., x_{k-1}, sum_i x_i] for k <= 8 scalars at
// separate addresses (their pointers in the kernel's parameters), one thread,
// the total in double in index order as on the CPU.
#include "kernels/checks.h"
#include "kernels/cuda/api.h"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/versions.h"

namespace mgst::kernels::cuda {
namespace {

// i = (n*(Ca+Cb) + c)*P + p of y.
__global__ void concat_forward_kernel(int64_t total, int Ca, int Cb, int P,
                                      const float* __restrict__ a, const float* __restrict__ b,
                                      float* __restrict__ y) {
  const int C = Ca + Cb;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [n, c, p] = detail::plane_index(i, C, P);
    y[i] = c < Ca ? a[(n * Ca + c) * P + p] : b[(n * Cb + (c - Ca)) * P + p];
  }
}

// i = (n*(Ca+Cb) + c)*P + p of dy; writes the element to da or db.
__global__ void concat_backward_kernel(int64_t total, int Ca, int Cb, int P,
                                       const float* __restrict__ dy, float* __restrict__ da,
                                       float* __restrict__ db) {
  const int C = Ca + Cb;
  for (int64_t i : detail::grid_stride(total)) {
    const auto [n, c, p] = detail::plane_index(i, C, P);
    if (c < Ca) {
      if (da) da[(n * Ca + c) * P + p] = dy[i];
    } else if (db) {
      db[(n * Cb + (c - Ca)) * P + p] = dy[i];
    }
  }
}

__global__ void pack_scalars_kernel(ScalarTerms t, float* __restrict__ out) {
  double total = 0;
  for (int i = 0; i < t.k; ++i) {
    out[i] = t.x[i][0];
    total += double(t.x[i][0]);
  }
  out[t.k] = float(total);
}

}  // namespace

void concat_channels_forward(int N, int Ca, int Cb, int P, const float* a, const float* b,
                             float* y) {
  MGST_CHECK(N >= 0 && Ca >= 0 && Cb >= 0 && P >= 0,
             "concat_channels_forward: bad shape N=" << N << " Ca=" << Ca << " Cb=" << Cb
                                                     << " P=" << P);
  const int64_t total = int64_t(N) * (Ca + Cb) * P;
  if (!total) return;
  concat_forward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total, Ca, Cb,
                                                                                    P, a, b, y);
  MGST_CHECK_LAUNCH("concat_channels_forward", "N=", N, "Ca=", Ca, "Cb=", Cb, "P=", P);
}

void concat_channels_backward(int N, int Ca, int Cb, int P, const float* dy, float* da, float* db) {
  MGST_CHECK(N >= 0 && Ca >= 0 && Cb >= 0 && P >= 0,
             "concat_channels_backward: bad shape N=" << N << " Ca=" << Ca << " Cb=" << Cb
                                                      << " P=" << P);
  const int64_t total = int64_t(N) * (Ca + Cb) * P;
  if (!total || (!da && !db)) return;
  concat_backward_kernel<<<detail::grid_for(total), detail::kThreads, 0, stream()>>>(total, Ca, Cb,
                                                                                     P, dy, da, db);
  MGST_CHECK_LAUNCH("concat_channels_backward", "N=", N, "Ca=", Ca, "Cb=", Cb, "P=", P);
}

void pack_scalars_forward(const ScalarTerms& t, float* out) {
  check_scalar_terms("pack_scalars_forward", t);
  pack_scalars_kernel<<<1, 1, 0, stream()>>>(t, out);
  MGST_CHECK_LAUNCH("pack_scalars_forward", "k=", t.k);
}

// The version table (kernels/cuda/versions.h): one version, the functions above.
MGST_CUDA_ONE_VERSION(
    concat, ConcatFns,
    {"v1_grid_stride",
     "one thread per element of y (dy), grid-stride; pack_scalars one thread",
     "unmeasured",
     "test: MGST_OPS=concat_channels,pack_scalars mgst_tests -ts=cuda -tc='cuda ops*'; bench: "
     "none yet",
     {concat_channels_forward, concat_channels_backward, pack_scalars_forward}})

}  // namespace mgst::kernels::cuda
