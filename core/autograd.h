// Tape-based reverse-mode autograd.
//
// Every differentiable op, when grad mode is on and one of its inputs
// requires grad, appends a TapeEntry holding its backward closure. The
// closure receives d(loss)/d(output) and ACCUMULATES into its inputs'
// gradients through accumulate_grad (a tensor used twice gets both
// contributions). loss.backward() walks the tape in reverse, frees each
// intermediate gradient once consumed, and clears the tape at the end, which
// releases every tensor saved for the backward pass.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace mgst {

struct TapeEntry {
  std::string op;
  std::vector<std::shared_ptr<TensorImpl>> inputs;
  std::shared_ptr<TensorImpl> output;
  std::function<void(const Tensor& grad_output)> backward;
  // For the --trace table (filled in when tracing is on).
  std::vector<Shape> input_shapes;
  Shape output_shape;
  double flops = 0;         // analytic forward FLOPs
  double bytes = 0;         // bytes read + written by the forward
  double forward_ms = 0;
  double backward_ms = 0;
};

class Tape {
 public:
  static Tape& current();  // one tape per thread

  void record(TapeEntry entry);
  const std::vector<TapeEntry>& entries() const { return entries_; }
  void clear() { entries_.clear(); }

  // Tracing: synchronise the device around every op and time it.
  void set_tracing(bool on) { tracing_ = on; }
  bool tracing() const { return tracing_; }
  // Anomaly detection: every op output and every gradient is checked for
  // NaN/Inf; the first bad one throws, naming the op.
  void set_detect_anomaly(bool on) { detect_anomaly_ = on; }
  bool detect_anomaly() const { return detect_anomaly_; }

  // Entries of the last backward pass (kept only when tracing).
  const std::vector<TapeEntry>& last_trace() const { return last_trace_; }

 private:
  friend void run_backward(const Tensor& loss);
  std::vector<TapeEntry> entries_;
  std::vector<TapeEntry> last_trace_;
  bool tracing_ = false;
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

// True when grad mode is on and any of the tensors requires grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);

// Adds g into t's gradient (allocates it on first use). Never writes into an
// existing gradient buffer in place: it may alias another tensor's memory.
void accumulate_grad(const std::shared_ptr<TensorImpl>& t, const Tensor& g);

// Start time of an op, or a null time point when not tracing.
using TraceClock = std::chrono::steady_clock;
TraceClock::time_point op_begin(Device d);

// Records `output = op(inputs)` with its backward closure. Marks the output
// as requiring grad. `started` is op_begin()'s value for timing.
void record_op(const char* op, std::initializer_list<const Tensor*> inputs, Tensor& output,
               std::function<void(const Tensor&)> backward, double flops,
               TraceClock::time_point started);

// Throws if `t` holds a NaN/Inf, naming `what` (used by anomaly detection).
void check_finite(const Tensor& t, const std::string& what);

void run_backward(const Tensor& loss);

}  // namespace mgst
