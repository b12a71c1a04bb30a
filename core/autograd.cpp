#include "core/autograd.h"

#include <cmath>

#include "core/dispatch.h"
#include "kernels/error.h"

namespace mgst {

namespace {
thread_local bool t_grad_enabled = true;

double ms_since(TraceClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(TraceClock::now() - t0).count();
}
}  // namespace

Tape& Tape::current() {
  thread_local Tape tape;
  return tape;
}

void Tape::record(TapeEntry entry) { entries_.push_back(std::move(entry)); }

bool grad_enabled() { return t_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(t_grad_enabled) { t_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { t_grad_enabled = previous_; }

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!t_grad_enabled) return false;
  for (const Tensor* t : inputs)
    if (t && t->requires_grad()) return true;
  return false;
}

void accumulate_grad(const std::shared_ptr<TensorImpl>& t, const Tensor& g) {
  if (!t || !t->requires_grad) return;
  MGST_CHECK(g.shape() == t->shape, "gradient of shape " << shape_str(g.shape())
                                        << " for a tensor of shape " << shape_str(t->shape)
                                        << (t->name.empty() ? "" : " (" + t->name + ")"));
  if (!t->grad) {
    t->grad = g.impl_ptr();
    return;
  }
  // Out of place: the existing gradient may alias another tensor's storage.
  Tensor sum = Tensor::empty(g.shape(), g.device());
  MGST_KERNEL(g.device(), add, g.numel(), Tensor(t->grad).data(), g.data(), sum.data());
  t->grad = sum.impl_ptr();
}

TraceClock::time_point op_begin(Device d) {
  if (!Tape::current().tracing()) return {};
  synchronize(d);
  return TraceClock::now();
}

void check_finite(const Tensor& t, const std::string& what) {
  const std::vector<float> v = t.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i)
    MGST_CHECK(std::isfinite(v[i]), "anomaly: " << what << " holds " << v[i] << " at element "
                                                << i << " of " << t.str());
}

void record_op(const char* op, std::initializer_list<const Tensor*> inputs, Tensor& output,
               std::function<void(const Tensor&)> backward, double flops,
               TraceClock::time_point started) {
  Tape& tape = Tape::current();
  if (tape.detect_anomaly()) check_finite(output, std::string("output of ") + op);
  TapeEntry e;
  e.op = op;
  double bytes = double(output.numel()) * sizeof(float);
  for (const Tensor* t : inputs) {
    if (!t || !t->defined()) continue;
    e.inputs.push_back(t->impl_ptr());
    e.input_shapes.push_back(t->shape());
    bytes += double(t->numel()) * sizeof(float);
  }
  output.impl()->requires_grad = true;
  output.impl()->is_leaf = false;
  e.output = output.impl_ptr();
  e.output_shape = output.shape();
  e.backward = std::move(backward);
  e.flops = flops;
  e.bytes = bytes;
  if (tape.tracing() && started != TraceClock::time_point{}) {
    synchronize(output.device());
    e.forward_ms = ms_since(started);
  }
  tape.record(std::move(e));
}

void run_backward(const Tensor& loss) {
  MGST_CHECK(loss.defined() && loss.numel() == 1,
             "backward() needs a scalar loss, got " << loss.str());
  MGST_CHECK(loss.requires_grad(),
             "backward(): the loss does not depend on any tensor that requires grad");
  Tape& tape = Tape::current();
  NoGradGuard no_grad;  // backward closures must not record
  loss.impl()->grad = Tensor::ones(loss.shape(), loss.device()).impl_ptr();
  for (auto it = tape.entries_.rbegin(); it != tape.entries_.rend(); ++it) {
    TapeEntry& e = *it;
    if (!e.output->grad) continue;  // this op does not reach the loss
    const Tensor g(e.output->grad);
    const auto t0 = op_begin(g.device());
    e.backward(g);
    if (tape.tracing()) {
      synchronize(g.device());
      e.backward_ms = ms_since(t0);
    }
    if (tape.detect_anomaly())
      for (const auto& in : e.inputs)
        if (in->grad) check_finite(Tensor(in->grad), "gradient from the backward of " + e.op);
    // Intermediate gradients are consumed once; free them now.
    if (!e.output->is_leaf) e.output->grad.reset();
  }
  if (tape.tracing()) {
    tape.last_trace_ = std::move(tape.entries_);
    for (auto& e : tape.last_trace_) {  // keep the numbers, drop the memory
      e.backward = nullptr;
      e.inputs.clear();
      e.output.reset();
    }
  }
  tape.entries_.clear();
}

}  // namespace mgst
