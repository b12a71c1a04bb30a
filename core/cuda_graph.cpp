#include "core/cuda_graph.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "kernels/error.h"
#ifdef MGST_WITH_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace mgst {

PinnedBuffer::PinnedBuffer(std::size_t floats, Device device) : floats_(floats), device_(device) {
#ifdef MGST_WITH_CUDA
  if (device.is_cuda()) {
    data_ = static_cast<float*>(kernels::cuda::pinned_alloc(floats * sizeof(float)));
    return;
  }
#endif
  data_ = new float[std::max<std::size_t>(floats, 1)];
}

PinnedBuffer::~PinnedBuffer() {
  if (!data_) return;
#ifdef MGST_WITH_CUDA
  if (device_.is_cuda()) {
    kernels::cuda::pinned_free(data_);
    return;
  }
#endif
  delete[] data_;
}

void PinnedBuffer::swap(PinnedBuffer& o) noexcept {
  std::swap(data_, o.data_);
  std::swap(floats_, o.floats_);
  std::swap(device_, o.device_);
}

void upload_async(Tensor dst, const float* pinned_host) {
  const std::size_t bytes = std::size_t(dst.numel()) * sizeof(float);
#ifdef MGST_WITH_CUDA
  if (dst.device().is_cuda())
    return kernels::cuda::memcpy_h2d_async(dst.data(), pinned_host, bytes);
#endif
  std::memcpy(dst.data(), pinned_host, bytes);
}

void download_async(float* pinned_host, const Tensor& src) {
  const std::size_t bytes = std::size_t(src.numel()) * sizeof(float);
#ifdef MGST_WITH_CUDA
  if (src.device().is_cuda())
    return kernels::cuda::memcpy_d2h_async(pinned_host, src.data(), bytes);
#endif
  std::memcpy(pinned_host, src.data(), bytes);
}

void wait_for_results(Device device) {
#ifdef MGST_WITH_CUDA
  if (device.is_cuda()) kernels::cuda::wait_for_results();
#endif
  (void)device;
}

CudaGraph CudaGraph::capture(const std::function<void()>& body) {
#ifdef MGST_WITH_CUDA
  kernels::cuda::begin_capture();
  try {
    body();
  } catch (...) {
    kernels::cuda::abort_capture();
    throw;
  }
  CudaGraph g;
  g.id_ = kernels::cuda::end_capture();
  return g;
#else
  (void)body;
  MGST_FAIL("CUDA graphs need the CUDA backend (mgst was built without it)");
#endif
}

CudaGraph::~CudaGraph() {
#ifdef MGST_WITH_CUDA
  if (id_) kernels::cuda::destroy_graph(id_);
#endif
}

CudaGraph& CudaGraph::operator=(CudaGraph&& o) noexcept {
  if (this != &o) {
#ifdef MGST_WITH_CUDA
    if (id_) kernels::cuda::destroy_graph(id_);
#endif
    id_ = o.id_;
    o.id_ = 0;
  }
  return *this;
}

void CudaGraph::replay() const {
  MGST_CHECK(id_, "CudaGraph::replay: no graph captured");
#ifdef MGST_WITH_CUDA
  kernels::cuda::launch_graph(id_);
#endif
}

}  // namespace mgst
