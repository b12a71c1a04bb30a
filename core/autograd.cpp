#include "core/autograd.h"

#include <cmath>
#include <unordered_set>

#include "core/dispatch.h"
#include "kernels/error.h"

namespace mgst {

namespace {
thread_local bool t_grad_enabled = true;

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
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

void accumulate_grad(const std::shared_ptr<TensorImpl>& t, const Tensor& g) {
  if (!t || !t->requires_grad) return;
  MGST_CHECK(g.shape() == t->shape, "gradient of shape "
                                        << shape_str(g.shape()) << " for a tensor of shape "
                                        << shape_str(t->shape)
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

// ---------------------------------------------------------------------------
void GradSink::to(const Tensor& x, const Tensor& g) const {
  if (wants(x) && g.defined()) accumulate_grad(x.impl_ptr(), g);
}

Tensor GradSink::so_far(const Tensor& x) const {
  return wants(x) && x.impl()->grad ? Tensor(x.impl()->grad) : Tensor();
}

void GradSink::set_sum(const Tensor& x, const Tensor& g) const {
  if (!wants(x) || !g.defined()) return;
  x.impl()->grad.reset();  // g already holds it
  accumulate_grad(x.impl_ptr(), g);
}

Tensor GradSink::buffer(const Tensor& x) const { return wants(x) ? empty(x) : Tensor(); }

// ---------------------------------------------------------------------------
namespace {
void check_device(const char* op, const Tensor& first, const Tensor& t) {
  MGST_CHECK(t.device() == first.device(),
             op << ": inputs on different devices: " << first.str() << " and " << t.str());
}
}  // namespace

OpScope::OpScope(const char* op, std::initializer_list<Tensor> inputs, double flops,
                 std::initializer_list<Constant> constants)
    : OpScope(op, std::vector<Tensor>(inputs), flops, constants) {}

OpScope::OpScope(const char* op, std::vector<Tensor> inputs, double flops,
                 std::initializer_list<Constant> constants)
    : op_(op), inputs_(std::move(inputs)), flops_(flops) {
  const Tensor* first = nullptr;
  for (const Tensor& t : inputs_) {
    if (!t.defined()) continue;
    if (!first) first = &t;
    check_device(op_, *first, t);
    recording_ = recording_ || t.requires_grad();
  }
  MGST_CHECK(first, op_ << ": every input is undefined");
  for (const Constant& c : constants) {
    if (!c.tensor.defined()) continue;
    check_device(op_, *first, c.tensor);
    MGST_CHECK(!(grad_enabled() && c.tensor.requires_grad()),
               op_ << ": " << c.what << " requires grad, but " << op_ << " has no gradient for "
                   << c.what << "; pass it detached (.detach())");
  }
  device_ = first->device();
  recording_ = recording_ && grad_enabled();
  if (TraceScope::active()) {
    synchronize(device_);
    started_ = Clock::now();
  }
}

void OpScope::put_on_tape(Tensor& y, Backward backward) {
  Tape& tape = Tape::current();
  if (tape.detect_anomaly()) check_finite(y, std::string("output of ") + op_);
  TapeEntry e;
  e.op = op_;
  TraceEntry row;
  row.op = op_;
  row.flops = flops_;
  row.bytes = double(y.numel()) * sizeof(float);
  for (const Tensor& t : inputs_) {
    if (!t.defined()) continue;
    e.inputs.push_back(t.impl_ptr());
    row.input_shapes.push_back(t.shape());
    row.input_requires_grad.push_back(t.requires_grad());
    row.bytes += double(t.numel()) * sizeof(float);
  }
  y.impl()->requires_grad = true;
  y.impl()->is_leaf = false;
  e.output = y.impl_ptr();
  e.backward = std::move(backward);
  if (TraceScope* trace = TraceScope::active()) {
    synchronize(device_);
    row.forward_ms = started_ != Clock::time_point{} ? ms_since(started_) : 0;
    row.output_shape = y.shape();
    e.trace = trace->add(std::move(row));
  }
  tape.record(std::move(e));
}

void check_finite(const Tensor& t, const std::string& what) {
  const std::vector<float> v = t.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i)
    MGST_CHECK(std::isfinite(v[i]), "anomaly: " << what << " holds " << v[i] << " at element " << i
                                                << " of " << t.str());
}

// ---------------------------------------------------------------------------
namespace {
// A graph takes one backward(): it frees the graph (the tape is cleared). A
// later backward() through a freed part would silently compute nothing (or
// only part of the gradients), so check first, before any gradient is
// written, that the loss and every non-leaf tensor a gradient will flow into
// are outputs still on the tape.
void check_graph_alive(const std::vector<TapeEntry>& entries, const Tensor& loss,
                       const std::weak_ptr<TensorImpl>& last_loss) {
  std::unordered_set<const TensorImpl*> on_tape, reached{loss.impl()};
  for (const TapeEntry& e : entries) on_tape.insert(e.output.get());
  const char* what_to_do =
      "build the loss again (forward included), or compute all losses first and call "
      "backward() once on their sum";
  if (!loss.impl()->is_leaf && !on_tape.count(loss.impl())) {
    MGST_CHECK(last_loss.lock().get() != loss.impl(),
               "backward(): backward() was already called on this loss, and it freed the loss's "
               "graph; "
                   << what_to_do);
    MGST_FAIL(
        "backward(): the graph of this loss was freed by an earlier backward() on another "
        "loss (or by Tape::clear()); "
        << what_to_do);
  }
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (!reached.count(it->output.get())) continue;
    for (std::size_t k = 0; k < it->inputs.size(); ++k) {
      const TensorImpl* in = it->inputs[k].get();
      if (!in->requires_grad) continue;
      MGST_CHECK(in->is_leaf || on_tape.count(in),
                 "backward(): input " << k << " " << shape_str(in->shape) << " of " << it->op
                                      << " comes from a graph an earlier backward() freed; "
                                      << what_to_do << " (or detach() that input)");
      reached.insert(in);
    }
  }
}
}  // namespace

void run_backward(const Tensor& loss) {
  MGST_CHECK(loss.defined() && loss.numel() == 1,
             "backward() needs a scalar loss, got " << loss.str());
  MGST_CHECK(loss.requires_grad(),
             "backward(): the loss does not depend on any tensor that requires grad");
  Tape& tape = Tape::current();
  check_graph_alive(tape.entries_, loss, tape.last_loss_);
  NoGradGuard no_grad;  // backward closures must not record
  TraceScope* trace = TraceScope::active();
  loss.impl()->grad = Tensor::ones(loss.shape(), loss.device()).impl_ptr();
  for (auto it = tape.entries_.rbegin(); it != tape.entries_.rend(); ++it) {
    TapeEntry& e = *it;
    if (!e.output->grad) continue;  // this op does not reach the loss
    const Tensor g(e.output->grad);
    const bool timed = trace && trace->holds(e.trace);
    Clock::time_point t0;
    if (timed) {
      synchronize(g.device());
      t0 = Clock::now();
    }
    GradSink sink(g.device());
    e.backward(g, sink);
    if (timed) {
      synchronize(g.device());
      trace->add_backward_ms(e.trace, ms_since(t0));
    }
    if (tape.detect_anomaly())
      for (const auto& in : e.inputs)
        if (in->grad) check_finite(Tensor(in->grad), "gradient from the backward of " + e.op);
    // Intermediate gradients are consumed once; free them now.
    if (!e.output->is_leaf) e.output->grad.reset();
  }
  tape.last_loss_ = loss.impl_ptr();
  tape.entries_.clear();
}

}  // namespace mgst
