// Named parameters living in ONE contiguous block (so the optimiser is one
// launch over all of them), handed out as views, plus Adam over that block.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace mgst {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

class ParameterSet {
 public:
  // Registers a parameter (its handle is shared with the caller, so a module
  // keeps using the same Tensor after pack() moves it into the block).
  void add(const std::string& name, Tensor t);
  // Moves every parameter into one block on `device`; handles stay valid.
  void pack(Device device);

  const std::vector<NamedTensor>& items() const { return items_; }
  const Tensor& block() const { return block_; }
  int64_t total_numel() const;
  Tensor* find(const std::string& name);
  void zero_grad();
  // Gradients gathered into one block (zeros where a parameter has none).
  Tensor gather_grads() const;

 private:
  std::vector<NamedTensor> items_;
  Tensor block_;
};

struct AdamConfig {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
};

// PyTorch's Adam over a packed ParameterSet. m and v are blocks aligned with
// the parameter block, so the update is a single kernel launch.
class Adam {
 public:
  Adam(ParameterSet& params, AdamConfig cfg);
  // One update with learning rate `lr` (the caller applies warm-up).
  void step(float lr);
  // The same with the gradient block given (gather_grads()'s layout), e.g.
  // averaged over the ranks of a data-parallel run.
  void step(float lr, const Tensor& grads);
  // The update alone, for a step that must not wait for the host (a CUDA
  // Graph replays it): `coef` holds coefficients(lr, t) in the parameters'
  // memory, written before the step; it is skipped on the device unless the
  // one-element `guard` is finite (kernels/api.inc adam_update). The step
  // count is the caller's: set_steps_taken(t) once the guard was read back
  // finite.
  void update(const Tensor& coef, const Tensor& grads, const Tensor& guard);
  std::array<float, 2> coefficients(float lr, int64_t t) const;
  int64_t steps_taken() const { return t_; }
  void set_steps_taken(int64_t t) { t_ = t; }
  Tensor& m() { return m_; }
  Tensor& v() { return v_; }
  const AdamConfig& config() const { return cfg_; }

 private:
  ParameterSet& params_;
  AdamConfig cfg_;
  Tensor m_, v_;
  Tensor coef_;  // step()'s coefficients, uploaded each call
  int64_t t_ = 0;
};

}  // namespace mgst
