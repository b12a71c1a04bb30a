#include "core/tensor.h"

#include <cstring>
#include <sstream>

#include "core/autograd.h"
#include "core/dispatch.h"
#include "kernels/error.h"

namespace mgst {

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << "(";
  for (std::size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << ")";
  return os.str();
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    MGST_CHECK(d >= 0, "negative dimension in shape " << shape_str(s));
    n *= d;
  }
  return n;
}

Tensor Tensor::empty(const Shape& shape, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->storage = std::make_shared<Storage>(sizeof(float) * shape_numel(shape), device);
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.f, device); }

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor t = empty(shape, device);
  if (t.numel()) MGST_KERNEL(device, fill, t.numel(), value, t.data());
  return t;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values, Device device) {
  MGST_CHECK(int64_t(values.size()) == shape_numel(shape),
             "from_vector: " << values.size() << " values for shape " << shape_str(shape));
  Tensor t = empty(shape, Device::cpu());
  if (!values.empty()) std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t.to(device);
}

const Shape& Tensor::shape() const {
  MGST_CHECK(impl_, "use of an undefined tensor");
  return impl_->shape;
}

int64_t Tensor::size(int d) const {
  const int n = dim();
  if (d < 0) d += n;
  MGST_CHECK(d >= 0 && d < n,
             "dimension " << d << " out of range for shape " << shape_str(shape()));
  return shape()[d];
}

Device Tensor::device() const {
  MGST_CHECK(impl_, "use of an undefined tensor");
  return impl_->storage->device();
}

std::string Tensor::str() const {
  if (!impl_) return "undefined";
  return device().str() + shape_str(shape());
}

float* Tensor::data() {
  MGST_CHECK(impl_, "use of an undefined tensor");
  return static_cast<float*>(impl_->storage->data()) + impl_->offset;
}
const float* Tensor::data() const {
  MGST_CHECK(impl_, "use of an undefined tensor");
  return static_cast<const float*>(impl_->storage->data()) + impl_->offset;
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> out(numel());
  if (out.empty()) return out;
  if (device().is_cpu()) {
    std::memcpy(out.data(), data(), out.size() * sizeof(float));
  } else {
    copy_to_host(out.data(), data(), out.size() * sizeof(float));
  }
  return out;
}

float Tensor::item() const {
  MGST_CHECK(numel() == 1, "item() needs a 1-element tensor, got " << str());
  return to_vector()[0];
}

void Tensor::copy_from(const Tensor& src) {
  MGST_CHECK(src.shape() == shape(), "copy_from: shape " << src.str() << " into " << str());
  copy_bytes(data(), device(), src.data(), src.device(), numel() * sizeof(float));
}

Tensor Tensor::to(Device d) const {
  if (d == device()) return *this;
  Tensor out = empty(shape(), d);
  out.copy_from(*this);
  return out;
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), device());
  out.copy_from(*this);
  return out;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->offset = impl_->offset;
  impl->shape = shape();
  impl->name = impl_->name;
  return Tensor(std::move(impl));
}

Tensor Tensor::slice_batch(int64_t begin, int64_t end) const {
  MGST_CHECK(dim() >= 1 && 0 <= begin && begin <= end && end <= size(0),
             "slice_batch [" << begin << ", " << end << ") of " << str());
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->shape = shape();
  impl->shape[0] = end - begin;
  impl->offset = impl_->offset + begin * (size(0) ? numel() / size(0) : 0);
  return Tensor(std::move(impl));
}

Tensor Tensor::view(int64_t offset, const Shape& shape) const {
  MGST_CHECK(offset >= 0 && offset + shape_numel(shape) <= numel(),
             "view " << shape_str(shape) << " at offset " << offset << " outside " << str());
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->shape = shape;
  impl->offset = impl_->offset + offset;
  return Tensor(std::move(impl));
}

bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad; }

Tensor& Tensor::set_requires_grad(bool on) {
  MGST_CHECK(impl_, "set_requires_grad on an undefined tensor");
  impl_->requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const { return impl_ && impl_->grad ? Tensor(impl_->grad) : Tensor(); }

void Tensor::zero_grad() {
  if (impl_) impl_->grad.reset();
}

void Tensor::set_grad(const Tensor& g) {
  MGST_CHECK(!g.defined() || g.shape() == shape(),
             "set_grad: gradient " << g.str() << " for tensor " << str());
  impl_->grad = g.impl_ptr();
}

void Tensor::backward() const { run_backward(*this); }

const std::string& Tensor::name() const {
  static const std::string none;
  return impl_ ? impl_->name : none;
}

Tensor& Tensor::set_name(std::string n) {
  impl_->name = std::move(n);
  return *this;
}

}  // namespace mgst
