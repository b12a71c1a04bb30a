// Per-op tracing for `mgst inspect --trace` and `mgst bench`, kept beside the
// tape rather than in it: the tape holds what backward() needs, the trace
// holds what a person reads (shapes, analytic FLOPs and bytes, times).
//
//   TraceScope trace;             // tracing on for this thread
//   ... forward, loss.backward() ...
//   for (const TraceEntry& e : trace.entries()) ...
//
// Only ops recorded on the tape (grad mode on and an input requiring grad)
// are traced, in recording order; backward() fills in backward_ms. While a
// scope is active every op synchronises the device before and after it, so
// the times are per op (and the whole step runs slower).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace mgst {

struct TraceEntry {
  std::string op;
  std::vector<Shape> input_shapes;        // the differentiable inputs, undefined ones left out
  std::vector<bool> input_requires_grad;  // per input: does the backward compute its gradient
  Shape output_shape;
  double flops = 0;  // analytic forward FLOPs
  double bytes = 0;  // bytes read + written by the forward (inputs above + output)
  double forward_ms = 0;
  double backward_ms = 0;
};

// Turns tracing on for this thread while it lives and collects one TraceEntry
// per recorded op. The destructor turns tracing off, also when an exception
// leaves the scope; in that case it also drops the tape's half-recorded graph
// (Tape::clear()), so a failed traced step leaves nothing behind for the next
// backward(). One scope per thread at a time.
class TraceScope {
 public:
  TraceScope();
  ~TraceScope();
  // One entry per op recorded while the scope was active, in recording order.
  const std::vector<TraceEntry>& entries() const { return entries_; }
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  // ---- used by the autograd engine (core/autograd.cpp)
  // The active scope of this thread, or null.
  static TraceScope* active();
  // Appends an entry; returns its slot for add_backward_ms().
  struct Slot {
    std::uint64_t scope = 0;  // serial of the scope that holds the entry; 0 = none
    std::size_t index = 0;
  };
  Slot add(TraceEntry e);
  // Adds the backward time to the entry in `slot` if this scope holds it
  // (an entry recorded under an earlier scope is not this scope's to fill).
  void add_backward_ms(const Slot& slot, double ms);
  bool holds(const Slot& slot) const { return slot.scope == serial_; }

 private:
  std::vector<TraceEntry> entries_;
  std::uint64_t serial_;
  int exceptions_;  // in flight when the scope began: more at its end = unwinding
};

}  // namespace mgst
