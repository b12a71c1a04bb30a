// Each op below is: its checks; an OpScope (same device for every input, the
// clock when tracing); the forward kernel; and `op.record(y, backward)`, whose
// lambda is the op's derivative: it gets gy = d(loss)/dy and hands each
// input's gradient to the sink (`grad.to(x, gx)`, skipped for inputs that
// take none). Backward closures run with grad mode off, so they may call the
// ops themselves (mul, scale) without recording anything.
#include "core/ops.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "core/autograd.h"
#include "core/dispatch.h"
#include "kernels/error.h"

namespace mgst::ops {

using kernels::Conv2dFusedShape;
using kernels::Conv2dShape;

namespace {

void check_dim(const char* op, const char* what, const Tensor& t, int d) {
  MGST_CHECK(t.defined(), op << ": " << what << " is undefined");
  MGST_CHECK(t.dim() == d, op << ": " << what << " must have " << d << " dimensions, got "
                              << shape_str(t.shape()));
}

void check_same_shape(const char* op, const Tensor& a, const Tensor& b) {
  MGST_CHECK(a.shape() == b.shape(),
             op << ": shape mismatch " << shape_str(a.shape()) << " vs " << shape_str(b.shape()));
}

int as_int(int64_t v) { return static_cast<int>(v); }

// Optional kernel operands (an absent bias or mask, an unwanted gradient).
const float* data_or_null(const Tensor& t) { return t.defined() ? t.data() : nullptr; }
float* data_or_null(Tensor& t) { return t.defined() ? t.data() : nullptr; }

// Per-sample mask (N,1,H,W) must match x (N,C,H,W) in N, H, W.
void check_mask(const char* op, const Tensor& x, const Tensor& m) {
  check_dim(op, "mask", m, 4);
  MGST_CHECK(m.size(0) == x.size(0) && m.size(1) == 1 && m.size(2) == x.size(2) &&
                 m.size(3) == x.size(3),
             op << ": mask " << shape_str(m.shape()) << " does not fit input "
                << shape_str(x.shape()) << " (expected (N, 1, H, W))");
}

}  // namespace

// ---------------------------------------------------------------------------
Tensor reshape(const Tensor& x, const Shape& shape) {
  MGST_CHECK(shape_numel(shape) == x.numel(),
             "reshape: cannot view " << shape_str(x.shape()) << " as " << shape_str(shape));
  OpScope op("reshape", {x});
  Tensor y = x.detach();
  y.impl()->shape = shape;
  return op.record(y, [x](const Tensor& gy, GradSink& grad) {
    Tensor gx = gy.detach();  // the same numbers, viewed in x's shape
    gx.impl()->shape = x.shape();
    grad.to(x, gx);
  });
}

// ---------------------------------------------------------------------------
namespace {
// conv2d's and conv2d_fused's argument checks; up: the input's upsampling
// factor (the kernel slides over the upsampled, padded image).
void check_conv(const char* name, const Tensor& x, const Tensor& w, const Tensor& b, int stride,
                int pad, int up = 1) {
  check_dim(name, "input", x, 4);
  check_dim(name, "weight", w, 4);
  MGST_CHECK(w.size(1) == x.size(1) && w.size(2) == w.size(3),
             name << ": weight " << shape_str(w.shape()) << " does not fit input "
                  << shape_str(x.shape()) << " (expected (Co, " << x.size(1) << ", K, K))");
  MGST_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == w.size(0)),
             name << ": bias " << shape_str(b.shape()) << " for " << w.size(0)
                  << " output channels");
  MGST_CHECK(stride >= 1 && pad >= 0, name << ": stride " << stride << ", pad " << pad);
  MGST_CHECK(up * x.size(2) + 2 * pad >= w.size(2) && up * x.size(3) + 2 * pad >= w.size(2),
             name << ": input " << shape_str(x.shape()) << (up > 1 ? " upsampled" : "")
                  << " smaller than the " << w.size(2) << "x" << w.size(2) << " kernel (pad " << pad
                  << ")");
}
}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int stride, int pad) {
  const char* name = "conv2d";
  check_conv(name, x, w, b, stride, pad);
  const Conv2dShape s{as_int(x.size(0)),
                      as_int(x.size(1)),
                      as_int(x.size(2)),
                      as_int(x.size(3)),
                      as_int(w.size(0)),
                      as_int(w.size(2)),
                      stride,
                      pad};
  OpScope op(name, {x, w, b}, 2.0 * double(s.y_size()) * s.gemm_k());
  Tensor y = op.empty({s.N, s.Co, s.Ho(), s.Wo()});
  MGST_KERNEL(op.device(), conv2d_forward, s, x.data(), w.data(), data_or_null(b), y.data());
  return op.record(y, [s, x, w, b](const Tensor& gy, GradSink& grad) {
    if (grad.wants(x)) {  // dx = conv_transpose(gy, w)
      Tensor gx = grad.empty(x);
      MGST_KERNEL(grad.device(), conv2d_backward_data, s, w.data(), gy.data(), gx.data());
      grad.to(x, gx);
    }
    if (grad.wants(w) || grad.wants(b)) {  // dw = gy (x) x, db = sum of gy over N, H, W
      Tensor gw = grad.empty(w), gb = b.defined() ? grad.empty(b) : Tensor();
      MGST_KERNEL(grad.device(), conv2d_backward_weight, s, x.data(), gy.data(), gw.data(),
                  data_or_null(gb));
      grad.to(w, gw);
      grad.to(b, gb);
    }
  });
}

namespace {
thread_local bool t_unfused_convs = false;
}
UnfusedConvs::UnfusedConvs() : prev_(t_unfused_convs) { t_unfused_convs = true; }
UnfusedConvs::~UnfusedConvs() { t_unfused_convs = prev_; }

Tensor conv2d_fused(const Tensor& x, const Tensor& w, const Tensor& b, const ConvFusion& f) {
  const char* name = "conv2d_fused";
  const int up = f.upsample ? 2 : 1;
  check_conv(name, x, w, b, f.stride, f.pad, up);
  MGST_CHECK(!f.reflect || (f.pad < up * x.size(2) && f.pad < up * x.size(3)),
             name << ": reflection pad " << f.pad << " must be smaller than the image "
                  << shape_str(x.shape()) << (f.upsample ? " upsampled x2" : ""));
  if (t_unfused_convs) {  // the ops it fuses, one after the other
    Tensor h = f.upsample ? upsample_nearest2x(x) : x;
    if (f.reflect) h = reflection_pad(h, f.pad);
    h = conv2d(h, w, b, f.stride, f.reflect ? 0 : f.pad);
    return f.relu ? relu(h) : h;
  }
  const Conv2dFusedShape s{.N = as_int(x.size(0)),
                           .Ci = as_int(x.size(1)),
                           .H = as_int(x.size(2)),
                           .W = as_int(x.size(3)),
                           .Co = as_int(w.size(0)),
                           .K = as_int(w.size(2)),
                           .stride = f.stride,
                           .pad = f.pad,
                           .up = up,
                           .reflect = f.reflect,
                           .relu = f.relu};
  OpScope op(name, {x, w, b}, 2.0 * double(s.y_size()) * s.grid().gemm_k());
  Tensor y = op.empty({s.N, s.Co, s.Ho(), s.Wo()});
  MGST_KERNEL(op.device(), conv2d_fused_forward, s, x.data(), w.data(), data_or_null(b), y.data());
  // Under the ReLU, y is kept for its mask: the kernels read dy' = gy * (y > 0).
  Tensor relu_y = s.relu ? y : Tensor();
  return op.record(y, [s, x, w, b, relu_y](const Tensor& gy, GradSink& grad) {
    if (grad.wants(x)) {  // dx = [so far +] upsample^T(pad^T(conv_transpose(dy', w)))
      Tensor gx = grad.empty(x), so_far = grad.so_far(x);
      MGST_KERNEL(grad.device(), conv2d_fused_backward_data, s, w.data(), data_or_null(relu_y),
                  gy.data(), data_or_null(so_far), gx.data());
      grad.set_sum(x, gx);
    }
    if (grad.wants(w) || grad.wants(b)) {  // dw = dy' (x) pad(upsample(x)), db = sum of dy'
      Tensor gw = grad.empty(w), gb = b.defined() ? grad.empty(b) : Tensor();
      MGST_KERNEL(grad.device(), conv2d_fused_backward_weight, s, x.data(), data_or_null(relu_y),
                  gy.data(), gw.data(), data_or_null(gb));
      grad.to(w, gw);
      grad.to(b, gb);
    }
  });
}

// ---------------------------------------------------------------------------
Tensor reflection_pad(const Tensor& x, int pad) {
  const char* name = "reflection_pad";
  check_dim(name, "input", x, 4);
  MGST_CHECK(pad >= 0 && pad < x.size(2) && pad < x.size(3),
             name << ": pad " << pad << " must be smaller than the image " << shape_str(x.shape()));
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  OpScope op(name, {x});
  Tensor y = op.empty({x.size(0), x.size(1), H + 2 * pad, W + 2 * pad});
  MGST_KERNEL(op.device(), reflection_pad_forward, NC, H, W, pad, x.data(), y.data());
  return op.record(y, [x, NC, H, W, pad](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // each input pixel sums the gy of its mirror copies
    MGST_KERNEL(grad.device(), reflection_pad_backward, NC, H, W, pad, gy.data(), gx.data());
    grad.to(x, gx);
  });
}

Tensor upsample_nearest2x(const Tensor& x) {
  const char* name = "upsample_nearest2x";
  check_dim(name, "input", x, 4);
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  OpScope op(name, {x});
  Tensor y = op.empty({x.size(0), x.size(1), 2 * H, 2 * W});
  MGST_KERNEL(op.device(), upsample_nearest2x_forward, NC, H, W, x.data(), y.data());
  return op.record(y, [x, NC, H, W](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // each input pixel sums the gy of its 2x2 copies
    MGST_KERNEL(grad.device(), upsample_nearest2x_backward, NC, H, W, gy.data(), gx.data());
    grad.to(x, gx);
  });
}

Tensor max_pool2x2(const Tensor& x) {
  const char* name = "max_pool2x2";
  check_dim(name, "input", x, 4);
  MGST_CHECK(x.size(2) >= 2 && x.size(3) >= 2,
             name << ": input " << shape_str(x.shape()) << " smaller than the 2x2 window");
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  OpScope op(name, {x});
  Tensor y = op.empty({x.size(0), x.size(1), H / 2, W / 2});
  MGST_KERNEL(op.device(), max_pool2x2_forward, NC, H, W, x.data(), y.data());
  return op.record(y, [x, NC, H, W](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // gy goes to the maximum of each window
    MGST_KERNEL(grad.device(), max_pool2x2_backward, NC, H, W, x.data(), gy.data(), gx.data());
    grad.to(x, gx);
  });
}

Tensor avg_pool(const Tensor& x, int k) {
  const char* name = "avg_pool";
  check_dim(name, "input", x, 4);
  MGST_CHECK(k >= 1, name << ": window " << k);
  if (k == 1) return x;
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  OpScope op(name, {x});
  Tensor y = op.empty({x.size(0), x.size(1), H / k, W / k});
  MGST_KERNEL(op.device(), avg_pool_forward, NC, H, W, k, false, x.data(), y.data());
  return op.record(y, [x, NC, H, W, k](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // gy / k^2 to every pixel of the window
    MGST_KERNEL(grad.device(), avg_pool_backward, NC, H, W, k, gy.data(), gx.data());
    grad.to(x, gx);
  });
}

Tensor avg_pool_complement(const Tensor& x, int k) {
  const char* name = "avg_pool_complement";
  check_dim(name, "input", x, 4);
  MGST_CHECK(k >= 1, name << ": window " << k);
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  OpScope op(name, {x});
  Tensor y = op.empty({2 * x.size(0), x.size(1), H / k, W / k});
  MGST_KERNEL(op.device(), avg_pool_forward, NC, H, W, k, true, x.data(), y.data());
  return y;  // weights, not a function of anything trained: no gradient
}

// ---------------------------------------------------------------------------
namespace {
// instance_norm's checks; returns (N, C, P = H*W).
std::array<int, 3> norm_shape(const char* name, const Tensor& x, const Tensor& gamma,
                              const Tensor& beta) {
  check_dim(name, "input", x, 4);
  const int C = as_int(x.size(1));
  MGST_CHECK(gamma.defined() && beta.defined() && gamma.shape() == Shape{C} &&
                 beta.shape() == Shape{C},
             name << ": scale/shift must be (" << C << ") for input " << shape_str(x.shape()));
  return {as_int(x.size(0)), C, as_int(x.size(2) * x.size(3))};
}

// The norm's backward for every form: one kernel writes the gradients of x,
// gamma and beta (each skipped when not wanted) from the dy the norm sees;
// relu_y, when defined, masks gy by relu_y > 0 as the kernel reads it.
void norm_backward(GradSink& grad, const Tensor& gy, const Tensor& x, const Tensor& gamma,
                   const Tensor& beta, const Tensor& mean, const Tensor& rstd,
                   const Tensor& relu_y) {
  const int N = as_int(x.size(0)), C = as_int(x.size(1)), P = as_int(x.size(2) * x.size(3));
  Tensor gx = grad.buffer(x), gg = grad.buffer(gamma), gb = grad.buffer(beta);
  if (relu_y.defined())
    MGST_KERNEL(grad.device(), instance_norm_relu_backward, N, C, P, x.data(), gamma.data(),
                mean.data(), rstd.data(), relu_y.data(), gy.data(), data_or_null(gx),
                data_or_null(gg), data_or_null(gb));
  else
    MGST_KERNEL(grad.device(), instance_norm_backward, N, C, P, x.data(), gamma.data(), mean.data(),
                rstd.data(), gy.data(), data_or_null(gx), data_or_null(gg), data_or_null(gb));
  grad.to(x, gx);
  grad.to(gamma, gg);
  grad.to(beta, gb);
}
}  // namespace

Tensor instance_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps) {
  const auto [N, C, P] = norm_shape("instance_norm", x, gamma, beta);
  OpScope op("instance_norm", {x, gamma, beta}, 8.0 * x.numel());
  Tensor y = op.empty(x.shape()), mean = op.empty({N, C}), rstd = op.empty({N, C});
  MGST_KERNEL(op.device(), instance_norm_forward, N, C, P, x.data(), gamma.data(), beta.data(), eps,
              y.data(), mean.data(), rstd.data());
  return op.record(y, [x, gamma, beta, mean, rstd](const Tensor& gy, GradSink& grad) {
    norm_backward(grad, gy, x, gamma, beta, mean, rstd, Tensor());
  });
}

Tensor instance_norm_relu(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps) {
  const auto [N, C, P] = norm_shape("instance_norm_relu", x, gamma, beta);
  OpScope op("instance_norm_relu", {x, gamma, beta}, 9.0 * x.numel());
  Tensor y = op.empty(x.shape()), mean = op.empty({N, C}), rstd = op.empty({N, C});
  MGST_KERNEL(op.device(), instance_norm_relu_forward, N, C, P, x.data(), gamma.data(), beta.data(),
              eps, y.data(), mean.data(), rstd.data());
  return op.record(y, [x, gamma, beta, mean, rstd, y](const Tensor& gy, GradSink& grad) {
    norm_backward(grad, gy, x, gamma, beta, mean, rstd, y);  // gy where y > 0, into the norm
  });
}

Tensor instance_norm_add(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& r,
                         float eps) {
  const char* name = "instance_norm_add";
  const auto [N, C, P] = norm_shape(name, x, gamma, beta);
  MGST_CHECK(r.defined(), name << ": the added tensor is undefined");
  check_same_shape(name, x, r);
  OpScope op(name, {x, gamma, beta, r}, 9.0 * x.numel());
  Tensor y = op.empty(x.shape()), mean = op.empty({N, C}), rstd = op.empty({N, C});
  MGST_KERNEL(op.device(), instance_norm_add_forward, N, C, P, x.data(), gamma.data(), beta.data(),
              r.data(), eps, y.data(), mean.data(), rstd.data());
  return op.record(y, [x, gamma, beta, r, mean, rstd](const Tensor& gy, GradSink& grad) {
    norm_backward(grad, gy, x, gamma, beta, mean, rstd, Tensor());
    grad.to(r, gy);  // d(... + r)/dr = 1
  });
}

Tensor relu(const Tensor& x) {
  OpScope op("relu", {x}, double(x.numel()));
  Tensor y = op.empty(x.shape());
  MGST_KERNEL(op.device(), relu_forward, x.numel(), x.data(), y.data());
  return op.record(y, [x, y](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // gy where y > 0, else 0
    MGST_KERNEL(grad.device(), relu_backward, gy.numel(), y.data(), gy.data(), gx.data());
    grad.to(x, gx);
  });
}

Tensor concat_channels(const Tensor& a, const Tensor& b) {
  const char* name = "concat_channels";
  check_dim(name, "first input", a, 4);
  check_dim(name, "second input", b, 4);
  MGST_CHECK(a.size(0) == b.size(0) && a.size(2) == b.size(2) && a.size(3) == b.size(3),
             name << ": " << shape_str(a.shape()) << " and " << shape_str(b.shape())
                  << " differ outside the channel dimension");
  const int N = as_int(a.size(0)), Ca = as_int(a.size(1)), Cb = as_int(b.size(1)),
            P = as_int(a.size(2) * a.size(3));
  OpScope op(name, {a, b});
  Tensor y = op.empty({N, Ca + Cb, a.size(2), a.size(3)});
  MGST_KERNEL(op.device(), concat_channels_forward, N, Ca, Cb, P, a.data(), b.data(), y.data());
  return op.record(y, [a, b, N, Ca, Cb, P](const Tensor& gy, GradSink& grad) {
    Tensor ga = grad.buffer(a), gb = grad.buffer(b);  // the two channel ranges of gy
    MGST_KERNEL(grad.device(), concat_channels_backward, N, Ca, Cb, P, gy.data(), data_or_null(ga),
                data_or_null(gb));
    grad.to(a, ga);
    grad.to(b, gb);
  });
}

Tensor channel_affine(const Tensor& x, const Tensor& a, const Tensor& b) {
  const char* name = "channel_affine";
  check_dim(name, "input", x, 4);
  const int N = as_int(x.size(0)), C = as_int(x.size(1)), P = as_int(x.size(2) * x.size(3));
  MGST_CHECK(a.shape() == Shape{C} && b.shape() == Shape{C},
             name << ": per-channel factors " << shape_str(a.shape()) << ", "
                  << shape_str(b.shape()) << " for input " << shape_str(x.shape()));
  OpScope op(name, {x}, 2.0 * x.numel(), {{a, "the scale a"}, {b, "the shift b"}});
  Tensor y = op.empty(x.shape());
  MGST_KERNEL(op.device(), channel_affine_forward, N, C, P, x.data(), a.data(), b.data(), y.data());
  return op.record(y, [x, a, N, C, P](const Tensor& gy, GradSink& grad) {
    Tensor gx = grad.empty(x);  // d(x*a + b)/dx = a
    MGST_KERNEL(grad.device(), channel_affine_backward, N, C, P, a.data(), gy.data(), gx.data());
    grad.to(x, gx);
  });
}

// ---------------------------------------------------------------------------
namespace {
// add, sub, mul: two inputs of one shape, an output of that shape, one FLOP
// per element.
class Elementwise : public OpScope {
 public:
  Elementwise(const char* name, const Tensor& a, const Tensor& b)
      : OpScope(name, {a, b}, double(a.numel())) {
    check_same_shape(name, a, b);
    y = empty(a.shape());
  }
  template <class F>
  Tensor record(F&& backward) {
    return OpScope::record(y, std::forward<F>(backward));
  }
  Tensor y;
};
}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Elementwise op("add", a, b);
  MGST_KERNEL(op.device(), add, a.numel(), a.data(), b.data(), op.y.data());
  return op.record([a, b](const Tensor& gy, GradSink& grad) {
    grad.to(a, gy);  // d(a+b)/da = 1
    grad.to(b, gy);  // d(a+b)/db = 1
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Elementwise op("sub", a, b);
  MGST_KERNEL(op.device(), sub, a.numel(), a.data(), b.data(), op.y.data());
  return op.record([a, b](const Tensor& gy, GradSink& grad) {
    grad.to(a, gy);                                  // d(a-b)/da = 1
    if (grad.wants(b)) grad.to(b, scale(gy, -1.f));  // d(a-b)/db = -1
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Elementwise op("mul", a, b);
  MGST_KERNEL(op.device(), mul, a.numel(), a.data(), b.data(), op.y.data());
  return op.record([a, b](const Tensor& gy, GradSink& grad) {
    if (grad.wants(a)) grad.to(a, mul(gy, b));  // d(a*b)/da = b
    if (grad.wants(b)) grad.to(b, mul(gy, a));  // d(a*b)/db = a
  });
}

Tensor scale(const Tensor& x, float alpha) {
  OpScope op("scale", {x}, double(x.numel()));
  Tensor y = op.empty(x.shape());
  MGST_KERNEL(op.device(), scale, x.numel(), x.data(), alpha, y.data());
  return op.record(y, [x, alpha](const Tensor& gy, GradSink& grad) {
    grad.to(x, scale(gy, alpha));  // d(alpha*x)/dx = alpha
  });
}

// ---------------------------------------------------------------------------
Tensor weighted_sum(const std::vector<Tensor>& x, const std::vector<float>& w) {
  const char* name = "weighted_sum";
  constexpr int kMax = kernels::ScalarTerms::kMax;
  MGST_CHECK(!x.empty() && x.size() == w.size(),
             name << ": " << x.size() << " terms for " << w.size() << " weights");
  for (const Tensor& t : x)
    MGST_CHECK(t.defined() && t.numel() == 1,
               name << ": term " << (t.defined() ? t.str() : "undefined") << " is not a scalar");
  if (x.size() > std::size_t(kMax)) {  // groups of kMax, then their sum
    std::vector<Tensor> groups;
    for (std::size_t i = 0; i < x.size(); i += kMax) {
      const std::size_t e = std::min(x.size(), i + kMax);
      groups.push_back(
          weighted_sum({x.begin() + std::ptrdiff_t(i), x.begin() + std::ptrdiff_t(e)},
                       {w.begin() + std::ptrdiff_t(i), w.begin() + std::ptrdiff_t(e)}));
    }
    return weighted_sum(groups, std::vector<float>(groups.size(), 1.f));
  }
  OpScope op(name, x, 2.0 * double(x.size()));
  kernels::ScalarTerms terms;
  terms.k = int(x.size());
  for (int i = 0; i < terms.k; ++i) terms.w[i] = w[std::size_t(i)], terms.x[i] = x[i].data();
  Tensor y = op.empty({});
  MGST_KERNEL(op.device(), weighted_sum_forward, terms, y.data());
  return op.record(y, [x, terms](const Tensor& gy, GradSink& grad) {
    std::vector<Tensor> gx(x.size());  // d(sum w_i x_i)/dx_i = w_i
    kernels::ScalarGrads g;
    for (std::size_t i = 0; i < x.size(); ++i) {
      gx[i] = grad.buffer(x[i]);
      g.g[i] = data_or_null(gx[i]);
    }
    MGST_KERNEL(grad.device(), weighted_sum_backward, terms, gy.data(), g);
    for (std::size_t i = 0; i < x.size(); ++i) grad.to(x[i], gx[i]);
  });
}

Tensor pack_scalars(const std::vector<Tensor>& x) {
  const char* name = "pack_scalars";
  constexpr int kMax = kernels::ScalarTerms::kMax;
  MGST_CHECK(!x.empty() && x.size() <= std::size_t(kMax),
             name << ": " << x.size() << " scalars (1 to " << kMax << ")");
  kernels::ScalarTerms terms;
  terms.k = int(x.size());
  for (int i = 0; i < terms.k; ++i) {
    const Tensor& t = x[std::size_t(i)];
    MGST_CHECK(t.defined() && t.numel() == 1,
               name << ": input " << (t.defined() ? t.str() : "undefined") << " is not a scalar");
    terms.x[i] = t.data();
  }
  OpScope op(name, x, double(x.size()));
  Tensor y = op.empty({int64_t(x.size()) + 1});
  MGST_KERNEL(op.device(), pack_scalars_forward, terms, y.data());
  return y;  // no gradient, as row_nonempty
}

// ---------------------------------------------------------------------------
Tensor masked_gram(const Tensor& F, const Tensor& w, float eps) {
  const char* name = "masked_gram";
  check_dim(name, "features", F, 4);
  const int N = as_int(F.size(0)), C = as_int(F.size(1)), P = as_int(F.size(2) * F.size(3));
  int k = 1;  // weightings per sample
  if (w.defined()) {
    check_dim(name, "mask", w, 4);
    MGST_CHECK(N > 0 && w.size(0) % N == 0 && w.size(0) > 0 && w.size(1) == 1 &&
                   w.size(2) == F.size(2) && w.size(3) == F.size(3),
               name << ": mask " << shape_str(w.shape()) << " does not fit features "
                    << shape_str(F.shape()) << " (expected (k*N, 1, H, W))");
    k = as_int(w.size(0) / N);
  }
  OpScope op(name, {F}, 2.0 * k * N * C * C * double(P), {{w, "the mask w"}});
  Tensor G = op.empty({int64_t(k) * N, C, C}), D = op.empty({int64_t(k) * N});
  MGST_KERNEL(op.device(), masked_gram_forward, N, k, C, P, F.data(), data_or_null(w), eps,
              G.data(), D.data());
  return op.record(G, [F, w, D, N, k, C, P](const Tensor& gG, GradSink& grad) {
    // sum_g w_g^2 (gG_g + gG_g^T) F / D_g: one kernel for all k, D saved above
    Tensor gF = grad.empty(F);
    MGST_KERNEL(grad.device(), masked_gram_backward, N, k, C, P, F.data(), data_or_null(w),
                D.data(), gG.data(), gF.data());
    grad.to(F, gF);
  });
}

// ---------------------------------------------------------------------------
Tensor sum(const Tensor& x) {
  OpScope op("sum", {x}, double(x.numel()));
  Tensor out = op.empty({});
  MGST_KERNEL(op.device(), sum_forward, x.numel(), x.data(), out.data());
  return op.record(out, [x](const Tensor& gout, GradSink& grad) {
    Tensor ones = Tensor::ones(x.shape(), grad.device()), gx = grad.empty(x);
    MGST_KERNEL(grad.device(), scale_by_scalar, ones.numel(), ones.data(), gout.data(),
                gx.data());  // d(sum x)/dx = 1, times the scalar gout
    grad.to(x, gx);
  });
}

Tensor row_nonempty(const Tensor& x, float threshold, float value) {
  MGST_CHECK(x.dim() >= 1, "row_nonempty: " << x.str() << " has no rows");
  const int R = as_int(x.size(0));
  const int64_t M = R ? x.numel() / R : 0;
  OpScope op("row_nonempty", {x}, double(x.numel()));
  Tensor out = op.empty({R});
  MGST_KERNEL(op.device(), row_nonempty_forward, R, M, x.data(), threshold, value, out.data());
  return out;  // a step function: no gradient
}

Tensor mean(const Tensor& x) {
  MGST_CHECK(x.numel() > 0, "mean of an empty tensor " << x.str());
  return scale(sum(x), 1.f / float(x.numel()));
}

Tensor mse(const Tensor& a, const Tensor& b) {
  check_same_shape("mse", a, b);
  return weighted_row_mse(reshape(a, {1, a.numel()}), reshape(b, {1, b.numel()}), Tensor());
}

// The scalar losses from here on depend on their two inputs only through their
// difference, so each kernel writes d(loss)/d(first input) and the second
// input gets the negation.
Tensor weighted_row_mse(const Tensor& a, const Tensor& t, const Tensor& row_weight) {
  const char* name = "weighted_row_mse";
  MGST_CHECK(a.dim() >= 1 && t.dim() == a.dim(),
             name << ": " << shape_str(a.shape()) << " vs target " << shape_str(t.shape()));
  const int R = as_int(a.size(0));
  const int64_t M = R ? a.numel() / R : 0;
  Shape a_row(a.shape().begin() + 1, a.shape().end()),
      t_row(t.shape().begin() + 1, t.shape().end());
  MGST_CHECK(a_row == t_row && (t.size(0) == R || t.size(0) == 1),
             name << ": target " << shape_str(t.shape()) << " does not match "
                  << shape_str(a.shape()) << " (same rows, or one row to broadcast)");
  MGST_CHECK(!row_weight.defined() || row_weight.shape() == Shape{R},
             name << ": row weights " << shape_str(row_weight.shape()) << " for " << R << " rows");
  MGST_CHECK(!t.requires_grad() || t.size(0) == R,
             name << ": a broadcast target cannot take gradients");
  const int64_t t_stride = t.size(0) == 1 && R != 1 ? 0 : M;
  OpScope op(name, {a, t}, 3.0 * a.numel(), {{row_weight, "the row weights row_weight"}});
  Tensor out = op.empty({});
  MGST_KERNEL(op.device(), weighted_row_mse_forward, R, M, a.data(), t.data(), t_stride,
              data_or_null(row_weight), out.data());
  return op.record(out, [a, t, row_weight, R, M, t_stride](const Tensor& gout, GradSink& grad) {
    Tensor ga = grad.empty(a);  // 2 w_r (a - t) / (R M) gout
    MGST_KERNEL(grad.device(), weighted_row_mse_backward, R, M, a.data(), t.data(), t_stride,
                data_or_null(row_weight), gout.data(), ga.data());
    grad.to(a, ga);
    if (grad.wants(t)) grad.to(t, scale(ga, -1.f));
  });
}

Tensor masked_mse(const Tensor& a, const Tensor& b, const Tensor& m, float eps) {
  const char* name = "masked_mse";
  check_dim(name, "input", a, 4);
  check_same_shape(name, a, b);
  check_mask(name, a, m);
  const int N = as_int(a.size(0)), C = as_int(a.size(1)), P = as_int(a.size(2) * a.size(3));
  OpScope op(name, {a, b}, 4.0 * a.numel(), {{m, "the mask m"}});
  Tensor out = op.empty({});
  MGST_KERNEL(op.device(), masked_mse_forward, N, C, P, a.data(), b.data(), m.data(), eps,
              out.data());
  return op.record(out, [a, b, m, N, C, P, eps](const Tensor& gout, GradSink& grad) {
    Tensor ga = grad.empty(a);  // 2 m (a - b) / (N (C sum m + eps)) gout
    MGST_KERNEL(grad.device(), masked_mse_backward, N, C, P, a.data(), b.data(), m.data(), eps,
                gout.data(), ga.data());
    grad.to(a, ga);
    if (grad.wants(b)) grad.to(b, scale(ga, -1.f));
  });
}

Tensor total_variation(const Tensor& y) {
  const char* name = "total_variation";
  check_dim(name, "input", y, 4);
  const int N = as_int(y.size(0)), C = as_int(y.size(1)), H = as_int(y.size(2)),
            W = as_int(y.size(3));
  OpScope op(name, {y}, 6.0 * y.numel());
  Tensor out = op.empty({});
  MGST_KERNEL(op.device(), total_variation_forward, N, C, H, W, y.data(), out.data());
  return op.record(out, [y, N, C, H, W](const Tensor& gout, GradSink& grad) {
    Tensor gy = grad.empty(y);
    MGST_KERNEL(grad.device(), total_variation_backward, N, C, H, W, y.data(), gout.data(),
                gy.data());
    grad.to(y, gy);
  });
}

Tensor task_edge_loss(const Tensor& y, const Tensor& x, const Tensor& m, float eps) {
  const char* name = "task_edge_loss";
  check_dim(name, "output", y, 4);
  check_same_shape(name, y, x);
  MGST_CHECK(y.size(1) == 3,
             name << ": needs RGB images (N, 3, H, W), got " << shape_str(y.shape()));
  check_mask(name, y, m);
  const int N = as_int(y.size(0)), H = as_int(y.size(2)), W = as_int(y.size(3));
  OpScope op(name, {y, x}, 12.0 * y.numel(), {{m, "the mask m"}});
  Tensor out = op.empty({});
  MGST_KERNEL(op.device(), task_edge_loss_forward, N, H, W, y.data(), x.data(), m.data(), eps,
              out.data());
  return op.record(out, [y, x, m, N, H, W, eps](const Tensor& gout, GradSink& grad) {
    Tensor gy = grad.empty(y);  // the edge filters' transpose applied to the weighted residual
    MGST_KERNEL(grad.device(), task_edge_loss_backward, N, H, W, y.data(), x.data(), m.data(), eps,
                gout.data(), gy.data());
    grad.to(y, gy);
    if (grad.wants(x)) grad.to(x, scale(gy, -1.f));
  });
}

}  // namespace mgst::ops
