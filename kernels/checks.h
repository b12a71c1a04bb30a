// Argument checks shared by the CPU and CUDA backends: one check, one message
// per op, whichever backend runs it.
#pragma once
#include <cstdint>

#include "kernels/error.h"
#include "kernels/shapes.h"

namespace mgst::kernels {

// weighted_row_mse_{forward,backward}: R rows of M values, target rows
// t_row_stride apart (0: one target row broadcast to every row).
inline void check_row_mse_shape(const char* op, int R, int64_t M, int64_t t_row_stride) {
  MGST_CHECK(R > 0 && M > 0 && t_row_stride >= 0,
             op << ": bad shape R=" << R << " M=" << M << " t_row_stride=" << t_row_stride);
}

// weighted_sum_{forward,backward}: 1 to ScalarTerms::kMax terms.
inline void check_scalar_terms(const char* op, const ScalarTerms& t) {
  MGST_CHECK(t.k >= 1 && t.k <= ScalarTerms::kMax,
             op << ": " << t.k << " terms (1 to " << ScalarTerms::kMax << ")");
}

// upsample_nearest2x_{forward,backward}: x (NC, H, W).
inline void check_upsample2x_shape(const char* op, int NC, int H, int W) {
  MGST_CHECK(NC >= 0 && H >= 0 && W >= 0,
             op << ": bad shape NC=" << NC << " H=" << H << " W=" << W);
}

// max_pool2x2_{forward,backward}: x (NC, H, W), at least one 2x2 window.
inline void check_max_pool2x2_shape(const char* op, int NC, int H, int W) {
  MGST_CHECK(NC >= 0 && H >= 2 && W >= 2,
             op << ": need H, W >= 2 (NC=" << NC << " H=" << H << " W=" << W << ")");
}

// avg_pool_{forward,backward}: x (NC, H, W), k x k windows, at least one.
inline void check_avg_pool_shape(const char* op, int NC, int H, int W, int k) {
  MGST_CHECK(NC >= 0 && k >= 1 && H >= k && W >= k, op << ": need 1 <= k <= H, W (NC=" << NC
                                                       << " H=" << H << " W=" << W << " k=" << k
                                                       << ")");
}

// reflection_pad_{forward,backward}: x (NC, H, W); reflection (the edge not
// repeated) needs pad < H and pad < W.
inline void check_reflection_pad_shape(const char* op, int NC, int H, int W, int pad) {
  MGST_CHECK(NC >= 0 && H > 0 && W > 0 && pad >= 0 && pad < H && pad < W,
             op << ": need 0 <= pad < H, W (NC=" << NC << " H=" << H << " W=" << W << " pad=" << pad
                << ")");
}

// conv2d_fused_*: what the gather adds to conv2d's own shape check (each
// backend runs that one on s.grid()): up is 1 or 2, and reflection (the
// edge not repeated) needs pad < up*H and pad < up*W.
inline void check_conv2d_fused_shape(const char* op, const Conv2dFusedShape& s) {
  MGST_CHECK((s.up == 1 || s.up == 2) && s.H > 0 && s.W > 0 && s.pad >= 0 &&
                 (!s.reflect || (s.pad < s.up * s.H && s.pad < s.up * s.W)),
             op << ": bad gather up=" << s.up << " reflect=" << s.reflect << " pad=" << s.pad
                << " for a " << s.H << "x" << s.W << " input (need up 1 or 2, and pad < up*H, "
                << "up*W with reflection)");
}

}  // namespace mgst::kernels
