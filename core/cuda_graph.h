// A device step recorded once and replayed (CUDA Graphs), and the pinned
// host buffers its inputs and results travel through.
//
// Why: a training step is a few hundred small kernels; queued one by one,
// the host's launch work and any wait for the GPU sit between them. A
// captured graph is queued with ONE call. Capture runs the step's host code
// once with the stream recording instead of executing, so that code must
// not wait for the GPU (no reads, no copies from pageable memory; the
// capture fails with an error naming CUDA's reason), and everything that
// changes from step to step must live in device memory at fixed addresses,
// written before each replay (upload_async) — the batch, the learning rate.
// Blocks the graph allocated stay in its private pool while it exists
// (kernels/cuda/runtime.h), so tensors the step returned keep their
// addresses and are rewritten by each replay.
//
// On the CPU the same calls work without a graph: PinnedBuffer is ordinary
// memory, the copies are memcpy, and CudaGraph is not available.
#pragma once
#include <cstddef>
#include <functional>

#include "core/tensor.h"

namespace mgst {

// Host memory the device copies to and from without waiting (page-locked
// on CUDA). The host must leave it alone until wait_for_results().
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(std::size_t floats, Device device);
  ~PinnedBuffer();
  PinnedBuffer(PinnedBuffer&& o) noexcept { swap(o); }
  PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
    swap(o);
    return *this;
  }
  float* data() const { return data_; }
  std::size_t size() const { return floats_; }

 private:
  void swap(PinnedBuffer& o) noexcept;
  float* data_ = nullptr;
  std::size_t floats_ = 0;
  Device device_;
};

// dst (on its device) <- host[0, dst.numel()), queued: no wait.
void upload_async(Tensor dst, const float* pinned_host);
// host[0, src.numel()) <- src, queued: valid after wait_for_results.
void download_async(float* pinned_host, const Tensor& src);
// The one wait at the end of a step (counted as DeviceActivity::result_waits).
void wait_for_results(Device device);

// A recorded step on the CUDA backend.
class CudaGraph {
 public:
  CudaGraph() = default;
  // Runs `body` with the stream capturing (its kernels are recorded, not
  // run) and instantiates the graph. If body throws or the capture broke,
  // the capture is ended cleanly and mgst::Error is thrown.
  static CudaGraph capture(const std::function<void()>& body);
  ~CudaGraph();
  CudaGraph(CudaGraph&& o) noexcept : id_(o.id_) { o.id_ = 0; }
  CudaGraph& operator=(CudaGraph&& o) noexcept;
  CudaGraph(const CudaGraph&) = delete;
  CudaGraph& operator=(const CudaGraph&) = delete;

  bool valid() const { return id_ != 0; }
  void replay() const;  // queues one replay on the stream

 private:
  int id_ = 0;
};

}  // namespace mgst
