// Tape-based reverse-mode autograd.
//
// Every differentiable op (core/ops.cpp) is written through an OpScope: when
// grad mode is on and one of its inputs requires grad, OpScope::record appends
// a TapeEntry holding the op's backward closure. The closure receives
// d(loss)/d(output) and ACCUMULATES into its inputs' gradients through the
// GradSink (a tensor used twice gets both contributions). loss.backward()
// walks the tape in reverse, frees each intermediate gradient once consumed,
// and clears the tape at the end, which releases every tensor saved for the
// backward pass: a graph takes one backward(), and a second one through it is
// an error (run_backward).
#pragma once
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "core/trace.h"

namespace mgst {

// Where a backward closure puts the gradients of its op's inputs.
class GradSink {
 public:
  explicit GradSink(Device d) : device_(d) {}
  // True when x takes a gradient (defined, requires grad); test it before
  // computing a gradient that costs a kernel launch.
  bool wants(const Tensor& x) const { return x.defined() && x.requires_grad(); }
  // Adds g into x's gradient; does nothing when x takes none or g is undefined.
  void to(const Tensor& x, const Tensor& g) const;
  // A kernel that adds as it stores (conv2d_fused's data gradient) saves
  // to()'s add launch: it reads so_far(x), x's gradient until now (undefined
  // when none yet), writes so_far + its own into a new buffer g, and hands g
  // over with set_sum(x, g). The same bits as to(): a + b is b + a in floats.
  Tensor so_far(const Tensor& x) const;
  void set_sum(const Tensor& x, const Tensor& g) const;
  // A buffer of x's shape for a kernel to write x's gradient into, or an
  // undefined tensor when x takes none (kernels skip a null output).
  Tensor buffer(const Tensor& x) const;
  // A buffer of x's shape on the gradient's device, wanted or not.
  Tensor empty(const Tensor& x) const { return Tensor::empty(x.shape(), device_); }
  Device device() const { return device_; }

 private:
  Device device_;
};

// An op's backward: d(loss)/d(output) in, gradients of the inputs out. Every
// op captures the tensors its backward reads BY VALUE: a Tensor is a shared
// handle (copying it copies a pointer, not data), the copy keeps the input
// alive until the backward ran even after the caller dropped it, and it reads
// exactly the values the forward read. A reference would dangle once the op
// returns; a raw TensorImpl pointer would be a second way to say the same.
using Backward = std::function<void(const Tensor& grad_output, GradSink& grad)>;

struct TapeEntry {
  std::string op;
  std::vector<std::shared_ptr<TensorImpl>> inputs;  // the differentiable ones, defined
  std::shared_ptr<TensorImpl> output;
  Backward backward;
  TraceScope::Slot trace;  // this op's row in the active TraceScope, if any
};

class Tape {
 public:
  static Tape& current();  // one tape per thread

  void record(TapeEntry entry);
  const std::vector<TapeEntry>& entries() const { return entries_; }
  // Drops the recorded graph (a loss built from it can no longer backward()).
  void clear() { entries_.clear(); }

  // Anomaly detection: every op output and every gradient is checked for
  // NaN/Inf; the first bad one throws, naming the op.
  void set_detect_anomaly(bool on) { detect_anomaly_ = on; }
  bool detect_anomaly() const { return detect_anomaly_; }

 private:
  friend void run_backward(const Tensor& loss);
  std::vector<TapeEntry> entries_;
  std::weak_ptr<TensorImpl> last_loss_;  // of the last backward(), to name a repeat
  bool detect_anomaly_ = false;
};

bool grad_enabled();

// Disables recording in its scope (evaluation, targets, optimiser steps).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Adds g into t's gradient (allocates it on first use). Never writes into an
// existing gradient buffer in place: it may alias another tensor's memory.
void accumulate_grad(const std::shared_ptr<TensorImpl>& t, const Tensor& g);

// One op call, from its device check to its tape entry:
//
//   OpScope op("mul", {a, b}, flops);    // same device; the clock starts when tracing
//   Tensor y = op.empty(a.shape());
//   MGST_KERNEL(op.device(), ...);        // the forward
//   return op.record(y, [a, b](const Tensor& gy, GradSink& grad) { ... });
//
// `inputs` are the op's differentiable inputs (an undefined one, such as an
// absent bias, is skipped); `constants` its inputs without a gradient (a
// mask, a weight): on the op's device too, and an error if one requires grad
// while recording, because its gradient would silently be dropped. FLOPs and
// bytes (differentiable inputs + output, float) feed the trace.
class OpScope {
 public:
  struct Constant {
    const Tensor& tensor;
    const char* what;  // "the mask w": named in the error
  };
  OpScope(const char* op, std::initializer_list<Tensor> inputs, double flops = 0,
          std::initializer_list<Constant> constants = {});
  // The same for an op of any number of inputs (ops::weighted_sum).
  OpScope(const char* op, std::vector<Tensor> inputs, double flops = 0,
          std::initializer_list<Constant> constants = {});
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

  Device device() const { return device_; }
  Tensor empty(const Shape& shape) const { return Tensor::empty(shape, device_); }

  // Returns y; when grad mode is on and an input requires grad, first records
  // `y = op(inputs)` with its backward and marks y as requiring grad.
  template <class F>
  Tensor record(Tensor y, F&& backward) {
    if (recording_) put_on_tape(y, Backward(std::forward<F>(backward)));
    return y;
  }

 private:
  void put_on_tape(Tensor& y, Backward backward);

  const char* op_;
  std::vector<Tensor> inputs_;
  double flops_;
  Device device_;
  bool recording_ = false;
  std::chrono::steady_clock::time_point started_{};  // set only when tracing
};

// Throws if `t` holds a NaN/Inf, naming `what` (used by anomaly detection).
void check_finite(const Tensor& t, const std::string& what);

void run_backward(const Tensor& loss);

}  // namespace mgst
