// Channel concatenation, per sample n with P = H*W:
//   y[n] (Ca+Cb, P) = [a[n] (Ca, P); b[n] (Cb, P)];  da, db = the two slices of dy
// and k scalars packed with their total: out = [x_0, ..., x_{k-1}, sum_i x_i].
#include <cstring>

#include "kernels/checks.h"
#include "kernels/cpu/api.h"
#include "kernels/cpu/parallel.h"
#include "kernels/error.h"

namespace mgst::kernels::cpu {

void concat_channels_forward(int N, int Ca, int Cb, int P, const float* a, const float* b,
                             float* y) {
  MGST_CHECK(N >= 0 && Ca >= 0 && Cb >= 0 && P >= 0,
             "concat_channels_forward: bad shape N=" << N << " Ca=" << Ca << " Cb=" << Cb
                                                     << " P=" << P);
  const int64_t sa = int64_t(Ca) * P, sb = int64_t(Cb) * P;
  detail::parallel_for(N, sa + sb, [&](int64_t n) {
    std::memcpy(y + n * (sa + sb), a + n * sa, sizeof(float) * sa);
    std::memcpy(y + n * (sa + sb) + sa, b + n * sb, sizeof(float) * sb);
  });
}

void concat_channels_backward(int N, int Ca, int Cb, int P, const float* dy, float* da, float* db) {
  MGST_CHECK(N >= 0 && Ca >= 0 && Cb >= 0 && P >= 0,
             "concat_channels_backward: bad shape N=" << N << " Ca=" << Ca << " Cb=" << Cb
                                                      << " P=" << P);
  const int64_t sa = int64_t(Ca) * P, sb = int64_t(Cb) * P;
  detail::parallel_for(N, sa + sb, [&](int64_t n) {
    if (da) std::memcpy(da + n * sa, dy + n * (sa + sb), sizeof(float) * sa);
    if (db) std::memcpy(db + n * sb, dy + n * (sa + sb) + sa, sizeof(float) * sb);
  });
}

void pack_scalars_forward(const ScalarTerms& t, float* out) {
  check_scalar_terms("pack_scalars_forward", t);
  double total = 0;
  for (int i = 0; i < t.k; ++i) {
    out[i] = t.x[i][0];
    total += double(t.x[i][0]);
  }
  out[t.k] = float(total);
}

}  // namespace mgst::kernels::cpu
