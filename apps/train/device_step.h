// One optimisation step on the device, as `mgst train` and `mgst bench`
// run it: upload the batch and Adam's coefficients, then forward, losses,
// backward, the gradient all-reduce, the NaN/Inf guard and Adam, then ONE
// read of the results. Nothing between the uploads and that read waits for
// the GPU (docs/PERFORMANCE.md, "The step as one graph").
//
// On CUDA, after one eager warm-up step per input shape, the step is
// captured once as a CUDA Graph (core/cuda_graph.h) and every later step
// of that shape replays it: one launch instead of a few hundred. Its
// inputs live at fixed device addresses (per shape), rewritten through
// pinned memory before each replay; the tensors the step leaves behind
// (the gradient block, the packed results) keep their addresses in the
// graph's pool and are rewritten by each replay. Graphs are not used (the
// step runs eagerly, the same kernels in the same order) when switched off
// (--no-cuda-graph), on the CPU, under mpirun (the MPI/NCCL all-reduce is
// not captured), with --detect-anomaly (it reads every gradient), and for a
// per-step style target (`paired`: its tensors change every step).
#pragma once
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "apps/data/dataset.h"
#include "core/cuda_graph.h"
#include "core/parameters.h"
#include "losses/objective.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::train {

class DeviceStep {
 public:
  DeviceStep(models::TransformNet& net, const models::Vgg19& vgg, Adam& adam, Device device,
             bool use_graphs);
  ~DeviceStep();

  struct Objective {
    const losses::LossConfig* loss = nullptr;
    const losses::StyleTarget* target = nullptr;
    bool target_fixed = true;  // the same tensors every step (the mean target)
    losses::TaskStyleTerm psi;
  };
  struct Outcome {
    // content, style, task, tv, total, then task-net style when psi is on:
    // the means over the ranks.
    std::vector<double> values;
    double guard = 0;  // finite iff every loss term and gradient was
    // For naming a fault: the step's averaged gradient block and this
    // rank's loss terms (before averaging), still on the device.
    Tensor grads, local_values;
  };
  // Step t (>= 1) on `batch` (CPU tensors, as data::make_batch(..., cpu)
  // gives), with learning rate lr. Adam's weights and moments change only
  // when the guard is finite; its step count is the caller's.
  Outcome run(const data::Batch& batch, const Objective& objective, float lr, int64_t t);

 private:
  struct Shape;  // per input shape: device inputs, pinned buffers, the graph
  // Forward, losses, backward, all-reduce, guard and Adam on st's inputs,
  // leaving st's outputs; no host waits (a capture runs it).
  void body(Shape& st, const Objective& objective);
  bool graph_allowed(const Objective& objective) const;

  models::TransformNet& net_;
  const models::Vgg19& vgg_;
  Adam& adam_;
  Device device_;
  bool use_graphs_;
  std::map<std::tuple<int64_t, int64_t, int64_t, bool>, std::unique_ptr<Shape>> shapes_;
};

}  // namespace mgst::train
