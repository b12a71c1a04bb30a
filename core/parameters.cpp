#include "core/parameters.h"

#include "core/autograd.h"
#include "core/dispatch.h"
#include "kernels/adam_schedule.h"
#include "kernels/error.h"

namespace mgst {

void ParameterSet::add(const std::string& name, Tensor t) {
  MGST_CHECK(!find(name), "parameter '" << name << "' registered twice");
  MGST_CHECK(!block_.defined(), "parameter '" << name << "' added after pack()");
  t.set_requires_grad(true).set_name(name);
  items_.push_back({name, t});
}

int64_t ParameterSet::total_numel() const {
  int64_t n = 0;
  for (const auto& p : items_) n += p.tensor.numel();
  return n;
}

void ParameterSet::pack(Device device) {
  Tensor block = Tensor::empty({total_numel()}, device);
  int64_t offset = 0;
  for (auto& p : items_) {
    Tensor view = block.view(offset, p.tensor.shape());
    view.copy_from(p.tensor);
    // Repoint the shared impl: every holder of this parameter now sees the block.
    TensorImpl* impl = p.tensor.impl();
    impl->storage = view.impl()->storage;
    impl->offset = view.impl()->offset;
    impl->grad.reset();
    offset += p.tensor.numel();
  }
  block_ = block;
}

Tensor* ParameterSet::find(const std::string& name) {
  for (auto& p : items_)
    if (p.name == name) return &p.tensor;
  return nullptr;
}

void ParameterSet::zero_grad() {
  for (auto& p : items_) p.tensor.zero_grad();
}

Tensor ParameterSet::gather_grads() const {
  MGST_CHECK(block_.defined(), "gather_grads before pack()");
  Tensor g = Tensor::empty(block_.shape(), block_.device());
  int64_t offset = 0;
  for (const auto& p : items_) {
    Tensor dst = g.view(offset, p.tensor.shape());
    const Tensor src = p.tensor.grad();
    if (src.defined())
      dst.copy_from(src);
    else
      MGST_KERNEL(g.device(), fill, dst.numel(), 0.f, dst.data());
    offset += p.tensor.numel();
  }
  return g;
}

Adam::Adam(ParameterSet& params, AdamConfig cfg) : params_(params), cfg_(cfg) {
  MGST_CHECK(params.block().defined(), "Adam needs a packed ParameterSet (call pack())");
  m_ = Tensor::zeros(params.block().shape(), params.block().device());
  v_ = Tensor::zeros(params.block().shape(), params.block().device());
}

void Adam::step(float lr) {
  NoGradGuard no_grad;
  step(lr, params_.gather_grads());
}

void Adam::step(float lr, const Tensor& g) {
  const std::array<float, 2> c = coefficients(lr, t_ + 1);
  coef_ = Tensor::from_vector({2}, {c[0], c[1]}, g.device());
  update(coef_, g, Tensor());
  ++t_;
}

std::array<float, 2> Adam::coefficients(float lr, int64_t t) const {
  MGST_CHECK(t >= 1, "Adam: step t must be >= 1, got " << t);
  return kernels::adam_coefficients(lr, cfg_.beta1, cfg_.beta2, t);
}

void Adam::update(const Tensor& coef, const Tensor& g, const Tensor& guard) {
  MGST_CHECK(g.shape() == params_.block().shape() && g.device() == params_.block().device(),
             "Adam: gradient block " << g.str() << " for parameters " << params_.block().str());
  MGST_CHECK(coef.numel() == 2 && coef.device() == g.device(),
             "Adam: the coefficients must be two values on " << g.device().str() << ", got "
                                                             << coef.str());
  MGST_CHECK(!guard.defined() || (guard.numel() == 1 && guard.device() == g.device()),
             "Adam: the guard must be one value on " << g.device().str() << ", got "
                                                     << guard.str());
  Tensor p = params_.block();
  MGST_KERNEL(p.device(), adam_update, p.numel(), p.data(), g.data(), m_.data(), v_.data(),
              cfg_.beta1, cfg_.beta2, cfg_.eps, coef.data(),
              guard.defined() ? guard.data() : nullptr);
}

}  // namespace mgst
