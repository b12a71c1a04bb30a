#include "core/ops.h"

#include "core/autograd.h"
#include "core/dispatch.h"
#include "kernels/error.h"

namespace mgst::ops {

using kernels::Conv2dShape;

namespace {

void check_same_device(const char* op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t || !t->defined()) continue;
    if (!first) first = t;
    MGST_CHECK(t->device() == first->device(),
               op << ": inputs on different devices: " << first->str() << " and " << t->str());
  }
}

void check_dim(const char* op, const char* what, const Tensor& t, int d) {
  MGST_CHECK(t.defined(), op << ": " << what << " is undefined");
  MGST_CHECK(t.dim() == d, op << ": " << what << " must have " << d << " dimensions, got "
                              << shape_str(t.shape()));
}

void check_same_shape(const char* op, const Tensor& a, const Tensor& b) {
  MGST_CHECK(a.shape() == b.shape(), op << ": shape mismatch " << shape_str(a.shape()) << " vs "
                                        << shape_str(b.shape()));
}

int as_int(int64_t v) { return static_cast<int>(v); }

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
  Tensor y = x.detach();
  y.impl()->shape = shape;
  if (needs_grad({&x})) {
    const Shape in_shape = x.shape();
    record_op("reshape", {&x}, y,
              [xi = x.impl_ptr(), in_shape](const Tensor& gy) {
                Tensor g = gy.detach();
                g.impl()->shape = in_shape;
                accumulate_grad(xi, g);
              },
              0, {});
  }
  return y;
}

// ---------------------------------------------------------------------------
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int stride, int pad) {
  const char* op = "conv2d";
  check_dim(op, "input", x, 4);
  check_dim(op, "weight", w, 4);
  check_same_device(op, {&x, &w, &b});
  MGST_CHECK(w.size(1) == x.size(1) && w.size(2) == w.size(3),
             op << ": weight " << shape_str(w.shape()) << " does not fit input "
                << shape_str(x.shape()) << " (expected (Co, " << x.size(1) << ", K, K))");
  MGST_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == w.size(0)),
             op << ": bias " << shape_str(b.shape()) << " for " << w.size(0) << " output channels");
  MGST_CHECK(stride >= 1 && pad >= 0, op << ": stride " << stride << ", pad " << pad);
  const Conv2dShape s{as_int(x.size(0)), as_int(x.size(1)), as_int(x.size(2)), as_int(x.size(3)),
                      as_int(w.size(0)), as_int(w.size(2)), stride, pad};
  MGST_CHECK(x.size(2) + 2 * pad >= s.K && x.size(3) + 2 * pad >= s.K,
             op << ": input " << shape_str(x.shape()) << " smaller than the " << s.K << "x" << s.K
                << " kernel (pad " << pad << ")");
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty({s.N, s.Co, s.Ho(), s.Wo()}, x.device());
  MGST_KERNEL(x.device(), conv2d_forward, s, x.data(), w.data(), b.defined() ? b.data() : nullptr,
              y.data());
  if (needs_grad({&x, &w, &b})) {
    const double flops = 2.0 * double(s.y_size()) * s.gemm_k();
    record_op(op, {&x, &w, &b}, y,
              [s, x, w, b](const Tensor& gy) {
                const Device d = gy.device();
                if (x.requires_grad()) {
                  Tensor gx = Tensor::empty(x.shape(), d);
                  MGST_KERNEL(d, conv2d_backward_data, s, w.data(), gy.data(), gx.data());
                  accumulate_grad(x.impl_ptr(), gx);
                }
                if (w.requires_grad() || b.requires_grad()) {
                  Tensor gw = Tensor::empty(w.shape(), d);
                  Tensor gb = b.defined() ? Tensor::empty(b.shape(), d) : Tensor();
                  MGST_KERNEL(d, conv2d_backward_weight, s, x.data(), gy.data(), gw.data(),
                              gb.defined() ? gb.data() : nullptr);
                  accumulate_grad(w.impl_ptr(), gw);
                  if (b.defined()) accumulate_grad(b.impl_ptr(), gb);
                }
              },
              flops, t0);
  }
  return y;
}

// ---------------------------------------------------------------------------
Tensor reflection_pad(const Tensor& x, int pad) {
  const char* op = "reflection_pad";
  check_dim(op, "input", x, 4);
  MGST_CHECK(pad >= 0 && pad < x.size(2) && pad < x.size(3),
             op << ": pad " << pad << " must be smaller than the image " << shape_str(x.shape()));
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty({x.size(0), x.size(1), H + 2 * pad, W + 2 * pad}, x.device());
  MGST_KERNEL(x.device(), reflection_pad_forward, NC, H, W, pad, x.data(), y.data());
  if (needs_grad({&x})) {
    record_op(op, {&x}, y,
              [x, NC, H, W, pad](const Tensor& gy) {
                Tensor gx = Tensor::empty(x.shape(), gy.device());
                MGST_KERNEL(gy.device(), reflection_pad_backward, NC, H, W, pad, gy.data(),
                            gx.data());
                accumulate_grad(x.impl_ptr(), gx);
              },
              0, t0);
  }
  return y;
}

Tensor upsample_nearest2x(const Tensor& x) {
  const char* op = "upsample_nearest2x";
  check_dim(op, "input", x, 4);
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty({x.size(0), x.size(1), 2 * H, 2 * W}, x.device());
  MGST_KERNEL(x.device(), upsample_nearest2x_forward, NC, H, W, x.data(), y.data());
  if (needs_grad({&x})) {
    record_op(op, {&x}, y,
              [x, NC, H, W](const Tensor& gy) {
                Tensor gx = Tensor::empty(x.shape(), gy.device());
                MGST_KERNEL(gy.device(), upsample_nearest2x_backward, NC, H, W, gy.data(),
                            gx.data());
                accumulate_grad(x.impl_ptr(), gx);
              },
              0, t0);
  }
  return y;
}

Tensor max_pool2x2(const Tensor& x) {
  const char* op = "max_pool2x2";
  check_dim(op, "input", x, 4);
  MGST_CHECK(x.size(2) >= 2 && x.size(3) >= 2, op << ": input " << shape_str(x.shape())
                                                  << " smaller than the 2x2 window");
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty({x.size(0), x.size(1), H / 2, W / 2}, x.device());
  MGST_KERNEL(x.device(), max_pool2x2_forward, NC, H, W, x.data(), y.data());
  if (needs_grad({&x})) {
    record_op(op, {&x}, y,
              [x, NC, H, W](const Tensor& gy) {
                Tensor gx = Tensor::empty(x.shape(), gy.device());
                MGST_KERNEL(gy.device(), max_pool2x2_backward, NC, H, W, x.data(), gy.data(),
                            gx.data());
                accumulate_grad(x.impl_ptr(), gx);
              },
              0, t0);
  }
  return y;
}

Tensor avg_pool(const Tensor& x, int k) {
  const char* op = "avg_pool";
  check_dim(op, "input", x, 4);
  MGST_CHECK(k >= 1, op << ": window " << k);
  if (k == 1) return x;
  const int NC = as_int(x.size(0) * x.size(1)), H = as_int(x.size(2)), W = as_int(x.size(3));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty({x.size(0), x.size(1), H / k, W / k}, x.device());
  MGST_KERNEL(x.device(), avg_pool_forward, NC, H, W, k, x.data(), y.data());
  if (needs_grad({&x})) {
    record_op(op, {&x}, y,
              [x, NC, H, W, k](const Tensor& gy) {
                Tensor gx = Tensor::empty(x.shape(), gy.device());
                MGST_KERNEL(gy.device(), avg_pool_backward, NC, H, W, k, gy.data(), gx.data());
                accumulate_grad(x.impl_ptr(), gx);
              },
              0, t0);
  }
  return y;
}

// ---------------------------------------------------------------------------
Tensor instance_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps) {
  const char* op = "instance_norm";
  check_dim(op, "input", x, 4);
  check_same_device(op, {&x, &gamma, &beta});
  const int N = as_int(x.size(0)), C = as_int(x.size(1)), P = as_int(x.size(2) * x.size(3));
  MGST_CHECK(gamma.defined() && beta.defined() && gamma.shape() == Shape{C} &&
                 beta.shape() == Shape{C},
             op << ": scale/shift must be (" << C << ") for input " << shape_str(x.shape()));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty(x.shape(), x.device());
  Tensor mean = Tensor::empty({N, C}, x.device());
  Tensor rstd = Tensor::empty({N, C}, x.device());
  MGST_KERNEL(x.device(), instance_norm_forward, N, C, P, x.data(), gamma.data(), beta.data(), eps,
              y.data(), mean.data(), rstd.data());
  if (needs_grad({&x, &gamma, &beta})) {
    record_op(op, {&x, &gamma, &beta}, y,
              [x, gamma, beta, mean, rstd, N, C, P](const Tensor& gy) {
                const Device d = gy.device();
                Tensor gx = x.requires_grad() ? Tensor::empty(x.shape(), d) : Tensor();
                Tensor gg = gamma.requires_grad() ? Tensor::empty(gamma.shape(), d) : Tensor();
                Tensor gb = beta.requires_grad() ? Tensor::empty(beta.shape(), d) : Tensor();
                MGST_KERNEL(d, instance_norm_backward, N, C, P, x.data(), gamma.data(),
                            mean.data(), rstd.data(), gy.data(),
                            gx.defined() ? gx.data() : nullptr,
                            gg.defined() ? gg.data() : nullptr,
                            gb.defined() ? gb.data() : nullptr);
                if (gx.defined()) accumulate_grad(x.impl_ptr(), gx);
                if (gg.defined()) accumulate_grad(gamma.impl_ptr(), gg);
                if (gb.defined()) accumulate_grad(beta.impl_ptr(), gb);
              },
              8.0 * x.numel(), t0);
  }
  return y;
}

Tensor relu(const Tensor& x) {
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty(x.shape(), x.device());
  MGST_KERNEL(x.device(), relu_forward, x.numel(), x.data(), y.data());
  if (needs_grad({&x})) {
    // The backward reads the output (y > 0), so no input needs keeping.
    record_op("relu", {&x}, y,
              [xi = x.impl_ptr(), yi = std::weak_ptr<TensorImpl>(y.impl_ptr())](const Tensor& gy) {
                const Tensor yv(yi.lock());
                Tensor gx = Tensor::empty(gy.shape(), gy.device());
                MGST_KERNEL(gy.device(), relu_backward, gy.numel(), yv.data(), gy.data(),
                            gx.data());
                accumulate_grad(xi, gx);
              },
              double(x.numel()), t0);
  }
  return y;
}

Tensor concat_channels(const Tensor& a, const Tensor& b) {
  const char* op = "concat_channels";
  check_dim(op, "first input", a, 4);
  check_dim(op, "second input", b, 4);
  check_same_device(op, {&a, &b});
  MGST_CHECK(a.size(0) == b.size(0) && a.size(2) == b.size(2) && a.size(3) == b.size(3),
             op << ": " << shape_str(a.shape()) << " and " << shape_str(b.shape())
                << " differ outside the channel dimension");
  const int N = as_int(a.size(0)), Ca = as_int(a.size(1)), Cb = as_int(b.size(1)),
            P = as_int(a.size(2) * a.size(3));
  const auto t0 = op_begin(a.device());
  Tensor y = Tensor::empty({N, Ca + Cb, a.size(2), a.size(3)}, a.device());
  MGST_KERNEL(a.device(), concat_channels_forward, N, Ca, Cb, P, a.data(), b.data(), y.data());
  if (needs_grad({&a, &b})) {
    record_op(op, {&a, &b}, y,
              [a, b, N, Ca, Cb, P](const Tensor& gy) {
                const Device d = gy.device();
                Tensor ga = a.requires_grad() ? Tensor::empty(a.shape(), d) : Tensor();
                Tensor gb = b.requires_grad() ? Tensor::empty(b.shape(), d) : Tensor();
                MGST_KERNEL(d, concat_channels_backward, N, Ca, Cb, P, gy.data(),
                            ga.defined() ? ga.data() : nullptr,
                            gb.defined() ? gb.data() : nullptr);
                if (ga.defined()) accumulate_grad(a.impl_ptr(), ga);
                if (gb.defined()) accumulate_grad(b.impl_ptr(), gb);
              },
              0, t0);
  }
  return y;
}

Tensor channel_affine(const Tensor& x, const Tensor& a, const Tensor& b) {
  const char* op = "channel_affine";
  check_dim(op, "input", x, 4);
  check_same_device(op, {&x, &a, &b});
  const int N = as_int(x.size(0)), C = as_int(x.size(1)), P = as_int(x.size(2) * x.size(3));
  MGST_CHECK(a.shape() == Shape{C} && b.shape() == Shape{C},
             op << ": per-channel factors " << shape_str(a.shape()) << ", " << shape_str(b.shape())
                << " for input " << shape_str(x.shape()));
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty(x.shape(), x.device());
  MGST_KERNEL(x.device(), channel_affine_forward, N, C, P, x.data(), a.data(), b.data(), y.data());
  if (needs_grad({&x})) {
    record_op(op, {&x}, y,
              [xi = x.impl_ptr(), a, N, C, P](const Tensor& gy) {
                Tensor gx = Tensor::empty(gy.shape(), gy.device());
                MGST_KERNEL(gy.device(), channel_affine_backward, N, C, P, a.data(), gy.data(),
                            gx.data());
                accumulate_grad(xi, gx);
              },
              2.0 * x.numel(), t0);
  }
  return y;
}

// ---------------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b) {
  check_same_shape("add", a, b);
  check_same_device("add", {&a, &b});
  const auto t0 = op_begin(a.device());
  Tensor y = Tensor::empty(a.shape(), a.device());
  MGST_KERNEL(a.device(), add, a.numel(), a.data(), b.data(), y.data());
  if (needs_grad({&a, &b})) {
    record_op("add", {&a, &b}, y,
              [ai = a.impl_ptr(), bi = b.impl_ptr()](const Tensor& gy) {
                accumulate_grad(ai, gy);
                accumulate_grad(bi, gy);
              },
              double(a.numel()), t0);
  }
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  check_same_shape("sub", a, b);
  check_same_device("sub", {&a, &b});
  const auto t0 = op_begin(a.device());
  Tensor y = Tensor::empty(a.shape(), a.device());
  MGST_KERNEL(a.device(), sub, a.numel(), a.data(), b.data(), y.data());
  if (needs_grad({&a, &b})) {
    record_op("sub", {&a, &b}, y,
              [ai = a.impl_ptr(), bi = b.impl_ptr()](const Tensor& gy) {
                accumulate_grad(ai, gy);
                if (bi->requires_grad) {
                  Tensor gb = Tensor::empty(gy.shape(), gy.device());
                  MGST_KERNEL(gy.device(), scale, gy.numel(), gy.data(), -1.f, gb.data());
                  accumulate_grad(bi, gb);
                }
              },
              double(a.numel()), t0);
  }
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  check_same_shape("mul", a, b);
  check_same_device("mul", {&a, &b});
  const auto t0 = op_begin(a.device());
  Tensor y = Tensor::empty(a.shape(), a.device());
  MGST_KERNEL(a.device(), mul, a.numel(), a.data(), b.data(), y.data());
  if (needs_grad({&a, &b})) {
    record_op("mul", {&a, &b}, y,
              [a, b](const Tensor& gy) {
                const Device d = gy.device();
                if (a.requires_grad()) {
                  Tensor ga = Tensor::empty(gy.shape(), d);
                  MGST_KERNEL(d, mul, gy.numel(), gy.data(), b.data(), ga.data());
                  accumulate_grad(a.impl_ptr(), ga);
                }
                if (b.requires_grad()) {
                  Tensor gb = Tensor::empty(gy.shape(), d);
                  MGST_KERNEL(d, mul, gy.numel(), gy.data(), a.data(), gb.data());
                  accumulate_grad(b.impl_ptr(), gb);
                }
              },
              double(a.numel()), t0);
  }
  return y;
}

Tensor scale(const Tensor& x, float alpha) {
  const auto t0 = op_begin(x.device());
  Tensor y = Tensor::empty(x.shape(), x.device());
  MGST_KERNEL(x.device(), scale, x.numel(), x.data(), alpha, y.data());
  if (needs_grad({&x})) {
    record_op("scale", {&x}, y,
              [xi = x.impl_ptr(), alpha](const Tensor& gy) {
                Tensor gx = Tensor::empty(gy.shape(), gy.device());
                MGST_KERNEL(gy.device(), scale, gy.numel(), gy.data(), alpha, gx.data());
                accumulate_grad(xi, gx);
              },
              double(x.numel()), t0);
  }
  return y;
}

// ---------------------------------------------------------------------------
Tensor masked_gram(const Tensor& F, const Tensor& w, float eps) {
  const char* op = "masked_gram";
  check_dim(op, "features", F, 4);
  check_same_device(op, {&F, &w});
  if (w.defined()) check_mask(op, F, w);
  const int N = as_int(F.size(0)), C = as_int(F.size(1)), P = as_int(F.size(2) * F.size(3));
  const auto t0 = op_begin(F.device());
  Tensor G = Tensor::empty({N, C, C}, F.device());
  const float* wp = w.defined() ? w.data() : nullptr;
  MGST_KERNEL(F.device(), masked_gram_forward, N, C, P, F.data(), wp, eps, G.data());
  if (needs_grad({&F})) {
    record_op(op, {&F}, G,
              [F, w, N, C, P, eps](const Tensor& gG) {
                Tensor gF = Tensor::empty(F.shape(), gG.device());
                MGST_KERNEL(gG.device(), masked_gram_backward, N, C, P, F.data(),
                            w.defined() ? w.data() : nullptr, eps, gG.data(), gF.data());
                accumulate_grad(F.impl_ptr(), gF);
              },
              2.0 * N * C * C * double(P), t0);
  }
  return G;
}

// ---------------------------------------------------------------------------
namespace {
// Backward of a scalar loss whose kernel writes d(loss)/d(first input) given
// gout; the second input (when it requires grad) gets the negation, because
// every such loss depends on its inputs only through their difference.
void accumulate_difference_grads(const Tensor& ga, const Tensor& a, const Tensor& b) {
  accumulate_grad(a.impl_ptr(), ga);
  if (b.requires_grad()) {
    Tensor gb = Tensor::empty(ga.shape(), ga.device());
    MGST_KERNEL(ga.device(), scale, ga.numel(), ga.data(), -1.f, gb.data());
    accumulate_grad(b.impl_ptr(), gb);
  }
}
}  // namespace

Tensor sum(const Tensor& x) {
  const auto t0 = op_begin(x.device());
  Tensor out = Tensor::empty({}, x.device());
  MGST_KERNEL(x.device(), sum_forward, x.numel(), x.data(), out.data());
  if (needs_grad({&x})) {
    record_op("sum", {&x}, out,
              [xi = x.impl_ptr()](const Tensor& gout) {
                Tensor ones = Tensor::ones(xi->shape, gout.device());
                Tensor gx = Tensor::empty(xi->shape, gout.device());
                MGST_KERNEL(gout.device(), scale_by_scalar, ones.numel(), ones.data(),
                            gout.data(), gx.data());
                accumulate_grad(xi, gx);
              },
              double(x.numel()), t0);
  }
  return out;
}

Tensor mean(const Tensor& x) {
  MGST_CHECK(x.numel() > 0, "mean of an empty tensor " << x.str());
  return scale(sum(x), 1.f / float(x.numel()));
}

Tensor mse(const Tensor& a, const Tensor& b) {
  check_same_shape("mse", a, b);
  return weighted_row_mse(reshape(a, {1, a.numel()}), reshape(b, {1, b.numel()}), Tensor());
}

Tensor weighted_row_mse(const Tensor& a, const Tensor& t, const Tensor& row_weight) {
  const char* op = "weighted_row_mse";
  check_same_device(op, {&a, &t, &row_weight});
  MGST_CHECK(a.dim() >= 1 && t.dim() == a.dim(), op << ": " << shape_str(a.shape()) << " vs target "
                                                     << shape_str(t.shape()));
  const int R = as_int(a.size(0));
  const int64_t M = R ? a.numel() / R : 0;
  Shape a_row(a.shape().begin() + 1, a.shape().end()), t_row(t.shape().begin() + 1, t.shape().end());
  MGST_CHECK(a_row == t_row && (t.size(0) == R || t.size(0) == 1),
             op << ": target " << shape_str(t.shape()) << " does not match " << shape_str(a.shape())
                << " (same rows, or one row to broadcast)");
  MGST_CHECK(!row_weight.defined() || row_weight.shape() == Shape{R},
             op << ": row weights " << shape_str(row_weight.shape()) << " for " << R << " rows");
  MGST_CHECK(!t.requires_grad() || t.size(0) == R, op << ": a broadcast target cannot take gradients");
  const int64_t t_stride = t.size(0) == 1 && R != 1 ? 0 : M;
  const auto t0 = op_begin(a.device());
  Tensor out = Tensor::empty({}, a.device());
  const float* wp = row_weight.defined() ? row_weight.data() : nullptr;
  MGST_KERNEL(a.device(), weighted_row_mse_forward, R, M, a.data(), t.data(), t_stride, wp,
              out.data());
  if (needs_grad({&a, &t})) {
    record_op(op, {&a, &t}, out,
              [a, t, row_weight, R, M, t_stride](const Tensor& gout) {
                Tensor ga = Tensor::empty(a.shape(), gout.device());
                MGST_KERNEL(gout.device(), weighted_row_mse_backward, R, M, a.data(), t.data(),
                            t_stride, row_weight.defined() ? row_weight.data() : nullptr,
                            gout.data(), ga.data());
                accumulate_difference_grads(ga, a, t);
              },
              3.0 * a.numel(), t0);
  }
  return out;
}

Tensor masked_mse(const Tensor& a, const Tensor& b, const Tensor& m, float eps) {
  const char* op = "masked_mse";
  check_dim(op, "input", a, 4);
  check_same_shape(op, a, b);
  check_mask(op, a, m);
  check_same_device(op, {&a, &b, &m});
  const int N = as_int(a.size(0)), C = as_int(a.size(1)), P = as_int(a.size(2) * a.size(3));
  const auto t0 = op_begin(a.device());
  Tensor out = Tensor::empty({}, a.device());
  MGST_KERNEL(a.device(), masked_mse_forward, N, C, P, a.data(), b.data(), m.data(), eps,
              out.data());
  if (needs_grad({&a, &b})) {
    record_op(op, {&a, &b}, out,
              [a, b, m, N, C, P, eps](const Tensor& gout) {
                Tensor ga = Tensor::empty(a.shape(), gout.device());
                MGST_KERNEL(gout.device(), masked_mse_backward, N, C, P, a.data(), b.data(),
                            m.data(), eps, gout.data(), ga.data());
                accumulate_difference_grads(ga, a, b);
              },
              4.0 * a.numel(), t0);
  }
  return out;
}

Tensor task_edge_loss(const Tensor& y, const Tensor& x, const Tensor& m, float eps) {
  const char* op = "task_edge_loss";
  check_dim(op, "output", y, 4);
  check_same_shape(op, y, x);
  MGST_CHECK(y.size(1) == 3, op << ": needs RGB images (N, 3, H, W), got " << shape_str(y.shape()));
  check_mask(op, y, m);
  check_same_device(op, {&y, &x, &m});
  const int N = as_int(y.size(0)), H = as_int(y.size(2)), W = as_int(y.size(3));
  const auto t0 = op_begin(y.device());
  Tensor out = Tensor::empty({}, y.device());
  MGST_KERNEL(y.device(), task_edge_loss_forward, N, H, W, y.data(), x.data(), m.data(), eps,
              out.data());
  if (needs_grad({&y, &x})) {
    record_op(op, {&y, &x}, out,
              [y, x, m, N, H, W, eps](const Tensor& gout) {
                Tensor gy = Tensor::empty(y.shape(), gout.device());
                MGST_KERNEL(gout.device(), task_edge_loss_backward, N, H, W, y.data(), x.data(),
                            m.data(), eps, gout.data(), gy.data());
                accumulate_difference_grads(gy, y, x);
              },
              12.0 * y.numel(), t0);
  }
  return out;
}

Tensor total_variation(const Tensor& y) {
  const char* op = "total_variation";
  check_dim(op, "input", y, 4);
  const int N = as_int(y.size(0)), C = as_int(y.size(1)), H = as_int(y.size(2)),
            W = as_int(y.size(3));
  const auto t0 = op_begin(y.device());
  Tensor out = Tensor::empty({}, y.device());
  MGST_KERNEL(y.device(), total_variation_forward, N, C, H, W, y.data(), out.data());
  if (needs_grad({&y})) {
    record_op(op, {&y}, out,
              [y, N, C, H, W](const Tensor& gout) {
                Tensor gy = Tensor::empty(y.shape(), gout.device());
                MGST_KERNEL(gout.device(), total_variation_backward, N, C, H, W, y.data(),
                            gout.data(), gy.data());
                accumulate_grad(y.impl_ptr(), gy);
              },
              6.0 * y.numel(), t0);
  }
  return out;
}

}  // namespace mgst::ops
