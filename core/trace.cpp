#include "core/trace.h"

#include <exception>

#include "core/autograd.h"
#include "kernels/error.h"

namespace mgst {

namespace {
thread_local TraceScope* t_active = nullptr;
thread_local std::uint64_t t_serial = 0;  // scopes started on this thread
}  // namespace

TraceScope::TraceScope() : serial_(++t_serial), exceptions_(std::uncaught_exceptions()) {
  MGST_CHECK(!t_active, "TraceScope: tracing is already on in an enclosing scope of this thread");
  t_active = this;
}

TraceScope::~TraceScope() {
  t_active = nullptr;
  if (std::uncaught_exceptions() > exceptions_) Tape::current().clear();
}

TraceScope* TraceScope::active() { return t_active; }

TraceScope::Slot TraceScope::add(TraceEntry e) {
  entries_.push_back(std::move(e));
  return {serial_, entries_.size() - 1};
}

void TraceScope::add_backward_ms(const Slot& slot, double ms) {
  if (holds(slot)) entries_[slot.index].backward_ms += ms;
}

}  // namespace mgst
