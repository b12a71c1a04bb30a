// Differentiable ops on Tensors: shape/device checks, dispatch to the CPU or
// CUDA kernel (kernels/api.inc), and the backward recorded on the tape.
// Every op throws mgst::Error naming itself and the offending shapes, and
// names a mask/weight/constant input that requires grad (it has no gradient).
#pragma once
#include "core/tensor.h"

namespace mgst::ops {

// ---- views
Tensor reshape(const Tensor& x, const Shape& shape);

// ---- layers
// x (N,Ci,H,W), w (Co,Ci,K,K), b (Co) or undefined; zero padding `pad`.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int stride, int pad);
// conv2d with its neighbours fused into one kernel per pass (kernels/api.inc
// "conv2d_fused"): x is read as pad(upsample(x)) with neither stored, and
// the output may pass a ReLU. The same function as
//   conv2d(reflection_pad(upsample_nearest2x(x), pad), w, b, stride, 0)
//     (upsample, reflect; either may be off), or
//   relu(conv2d(x, w, b, stride, pad))   (relu, zero padding).
struct ConvFusion {
  int stride = 1, pad = 0;
  bool upsample = false;  // nearest x2 first
  bool reflect = false;   // reflection padding (pad < the upsampled H, W), else zeros
  bool relu = false;      // y = max(0, conv + b)
};
Tensor conv2d_fused(const Tensor& x, const Tensor& w, const Tensor& b, const ConvFusion& f);
// While one is alive (on this thread), conv2d_fused runs as the composition
// of the ops it fuses: for tests and A/B comparisons of the fusion.
class UnfusedConvs {
 public:
  UnfusedConvs();
  ~UnfusedConvs();
  UnfusedConvs(const UnfusedConvs&) = delete;
  UnfusedConvs& operator=(const UnfusedConvs&) = delete;

 private:
  bool prev_;
};
Tensor reflection_pad(const Tensor& x, int pad);  // (N,C,H+2p,W+2p)
Tensor upsample_nearest2x(const Tensor& x);       // (N,C,2H,2W)
Tensor max_pool2x2(const Tensor& x);              // (N,C,H/2,W/2)
Tensor avg_pool(const Tensor& x, int k);          // (N,C,H/k,W/k)
// (2N,C,H/k,W/k): avg_pool(x, k) in rows 0..N-1, 1 - avg_pool(x, k) in rows
// N..2N-1 (k = 1: x and 1 - x), one kernel; a constant (no gradient): the
// style loss's attention and bkgd weights at a layer's resolution.
Tensor avg_pool_complement(const Tensor& x, int k);
// gamma, beta (C); biased variance over H*W.
Tensor instance_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps = 1e-5f);
// relu(instance_norm(x, gamma, beta)) and instance_norm(x, gamma, beta) + r
// (r the shape of x), each one kernel forward and one backward: the transform
// net's norm + ReLU and its residual block's last norm + skip.
Tensor instance_norm_relu(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                          float eps = 1e-5f);
Tensor instance_norm_add(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& r,
                         float eps = 1e-5f);
Tensor relu(const Tensor& x);
Tensor concat_channels(const Tensor& a, const Tensor& b);
// y[n,c] = x[n,c] * a[c] + b[c]; a, b (C) constants (no gradient: a, b that
// require grad while recording are an error, as for every mask/weight below).
Tensor channel_affine(const Tensor& x, const Tensor& a, const Tensor& b);

// ---- elementwise (same shapes)
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& x, float alpha);

// ---- weighted sum of scalars: sum_i w[i] * x[i], each x[i] one element (any
// shape of numel 1), w fixed; the output has shape {}. One kernel launch each
// way for up to kernels::ScalarTerms::kMax (8) terms; more are summed in
// groups of that many, then the groups' sums.
Tensor weighted_sum(const std::vector<Tensor>& x, const std::vector<float>& w);
// [x_0, ..., x_{k-1}, sum_i x_i] as one (k+1) tensor, each x[i] one element,
// k <= kernels::ScalarTerms::kMax: scalars gathered for one read (and their
// total, finite only when all are). One launch; no gradient flows through it.
Tensor pack_scalars(const std::vector<Tensor>& x);

// ---- masked Gram: F (N,C,H,W), w (kN,1,H,W) (k weightings per sample, row
// z = g*N + n weighting sample n) or undefined (all ones, k = 1):
// G (kN,C,C), G[z] = (F[n]*w[z])(F[n]*w[z])^T / (C sum w[z] + eps). Gradient
// w.r.t. F only, the k weightings' parts summed by the one backward kernel.
Tensor masked_gram(const Tensor& F, const Tensor& w, float eps = 1e-8f);

// ---- reductions and losses (scalar outputs, shape {})
Tensor sum(const Tensor& x);
Tensor mean(const Tensor& x);
Tensor mse(const Tensor& a, const Tensor& b);
// (1/R) sum_r row_weight[r] * mean((a[r] - t[r])^2): a (R, ...), t (R, ...)
// or (1, ...) broadcast; row_weight (R) constant or undefined (all ones).
Tensor weighted_row_mse(const Tensor& a, const Tensor& t, const Tensor& row_weight);
// (R): `value` where the row's sum is >= threshold, else 0; x (R, ...). A
// constant (no gradient): the style terms' empty-region guard, computed on
// the device, and their row weight where the region is not empty.
Tensor row_nonempty(const Tensor& x, float threshold, float value = 1.f);
// a, b (N,C,H,W), m (N,1,H,W): (1/N) sum_n sum_p m |a-b|^2 / (C sum_p m + eps)
Tensor masked_mse(const Tensor& a, const Tensor& b, const Tensor& m, float eps = 1e-8f);
// METHOD.md's region-level task-guided edge loss; y, x (N,3,H,W), m (N,1,H,W)
Tensor task_edge_loss(const Tensor& y, const Tensor& x, const Tensor& m, float eps = 1e-8f);
// METHOD.md's total variation of y (N,C,H,W)
Tensor total_variation(const Tensor& y);

}  // namespace mgst::ops
