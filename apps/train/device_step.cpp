#include "apps/train/device_step.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <utility>

#include "apps/train/distributed.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "kernels/error.h"

namespace mgst::train {

// Member order matters: the graph is declared last, so it is destroyed
// first and its pool's blocks go back to the cache only after the tensors
// it wrote are released.
struct DeviceStep::Shape {
  Tensor x, m, v, coef;         // the step's inputs at fixed addresses
  PinnedBuffer host_in;         // x | m | v | coef, staged for upload
  PinnedBuffer host_out;        // the packed results, read back
  Tensor results;               // values | gradient sum | guard, on the device
  std::size_t value_count = 0;  // how many of them are loss values
  Tensor grads, local_values;   // left by the latest step
  int eager_steps = 0;
  bool graph_failed = false;
  CudaGraph graph;
};

DeviceStep::DeviceStep(models::TransformNet& net, const models::Vgg19& vgg, Adam& adam,
                       Device device, bool use_graphs)
    : net_(net), vgg_(vgg), adam_(adam), device_(device), use_graphs_(use_graphs) {}

DeviceStep::~DeviceStep() = default;

bool DeviceStep::graph_allowed(const Objective& o) const {
  return use_graphs_ && device_.is_cuda() && world().size == 1 &&
         !Tape::current().detect_anomaly() && o.target_fixed;
}

void DeviceStep::body(Shape& st, const Objective& o) {
  const losses::RegionWeights regions = losses::make_regions(st.m, st.v);
  const Tensor y = net_.forward(st.x, st.m);
  const losses::LossTerms t =
      losses::compute_losses(vgg_, *o.loss, y, st.x, regions, *o.target, o.psi);
  t.total.backward();
  if (Tape::current().detect_anomaly()) {  // eager only (graph_allowed)
    for (const auto& p : net_.parameters().items())
      if (p.tensor.grad().defined()) check_finite(p.tensor.grad(), "gradient of " + p.name);
  }
  NoGradGuard no_grad;
  Tensor grads = net_.parameters().gather_grads();
  allreduce_mean(grads);  // one all-reduce over the whole block (no-op on one rank)
  std::vector<Tensor> terms{t.content, t.style, t.task, t.tv, t.total};
  if (t.task_style.defined()) terms.push_back(t.task_style);  // L_psi (--task-net)
  st.value_count = terms.size();
  // The results, one launch: [terms..., sum(grads), guard]. The guard, their
  // total, is finite only when every loss term and gradient is; Adam's kernel
  // reads it and leaves weights and moments alone when it is not.
  const Tensor grad_sum = ops::sum(grads);
  Tensor local_values;
  if (world().size > 1) {
    local_values = ops::pack_scalars(terms);  // [terms..., their sum]
    Tensor values = local_values.clone();
    allreduce_mean(values);  // the means over the ranks
    terms.clear();
    for (std::size_t i = 0; i < st.value_count; ++i) terms.push_back(values.view(int64_t(i), {1}));
  }
  terms.push_back(grad_sum);
  st.results = ops::pack_scalars(terms);
  if (!local_values.defined()) local_values = st.results;
  adam_.update(st.coef, grads, st.results.view(st.results.numel() - 1, {1}));
  st.grads = grads;
  st.local_values = local_values;
  net_.parameters().zero_grad();
}

DeviceStep::Outcome DeviceStep::run(const data::Batch& batch, const Objective& o, float lr,
                                    int64_t t) {
  MGST_CHECK(batch.x.device().is_cpu(), "DeviceStep::run: the batch must be on the CPU");
  const bool has_v = batch.v.defined();
  const auto key = std::make_tuple(batch.x.size(0), batch.x.size(2), batch.x.size(3), has_v);
  std::unique_ptr<Shape>& slot = shapes_[key];
  if (!slot) {
    slot = std::make_unique<Shape>();
    slot->x = Tensor::empty(batch.x.shape(), device_);
    slot->m = Tensor::empty(batch.m.shape(), device_);
    if (has_v) slot->v = Tensor::empty(batch.v.shape(), device_);
    slot->coef = Tensor::empty({2}, device_);
    slot->host_in = PinnedBuffer(std::size_t(batch.x.numel() + batch.m.numel() +
                                             (has_v ? batch.v.numel() : 0) + 2),
                                 device_);
  }
  Shape& st = *slot;

  // Stage and upload the inputs: no waits (the previous step's final read
  // has already waited for everything before it).
  float* in = st.host_in.data();
  const std::array<float, 2> c = adam_.coefficients(lr, t);
  std::vector<std::pair<const Tensor*, const float*>> parts{{&st.x, batch.x.data()},
                                                            {&st.m, batch.m.data()}};
  if (has_v) parts.push_back({&st.v, batch.v.data()});
  for (const auto& [dst, src] : parts) {
    std::memcpy(in, src, std::size_t(dst->numel()) * sizeof(float));
    upload_async(*dst, in);
    in += dst->numel();
  }
  std::memcpy(in, c.data(), sizeof c);
  upload_async(st.coef, in);

  Outcome out;
  try {
    if (st.graph.valid() && graph_allowed(o)) {
      st.graph.replay();
    } else if (graph_allowed(o) && st.eager_steps >= 1 && !st.graph_failed) {
      // The warm-up step filled the allocator's cache and every lazy
      // initialisation; now record the step and run it as its first replay.
      try {
        st.graph = CudaGraph::capture([&] { body(st, o); });
      } catch (const Error& e) {
        Tape::current().clear();
        net_.parameters().zero_grad();
        st.graph_failed = true;
        std::fprintf(stderr,
                     "warning: CUDA graph capture failed, steps of this shape run without a "
                     "graph: %s\n",
                     e.what());
      }
      if (st.graph.valid()) {
        st.graph.replay();
      } else {
        body(st, o);
      }
    } else {
      body(st, o);
      ++st.eager_steps;
    }
  } catch (...) {
    Tape::current().clear();
    net_.parameters().zero_grad();
    throw;
  }

  // The one read of the step: the mean loss terms and the guard.
  const std::size_t n = std::size_t(st.results.numel());
  if (st.host_out.size() != n) st.host_out = PinnedBuffer(n, device_);
  download_async(st.host_out.data(), st.results);
  wait_for_results(device_);
  out.values.assign(st.host_out.data(), st.host_out.data() + st.value_count);
  out.guard = st.host_out.data()[n - 1];
  out.grads = st.grads;
  out.local_values = st.local_values;
  return out;
}

}  // namespace mgst::train
