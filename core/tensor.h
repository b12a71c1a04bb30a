// Tensor: float32, NCHW contiguous, on one device, sharing its storage.
// A Tensor is a cheap handle (shared_ptr to TensorImpl); copies alias.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/device.h"
#include "core/storage.h"

namespace mgst {

using Shape = std::vector<int64_t>;
std::string shape_str(const Shape& s);  // "(4, 3, 96, 128)"
int64_t shape_numel(const Shape& s);

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in elements; non-zero only for batch slices
  Shape shape;
  // Autograd state. requires_grad marks parameters and every value computed
  // from them while recording; is_leaf is false for tape outputs.
  bool requires_grad = false;
  bool is_leaf = true;
  std::shared_ptr<TensorImpl> grad;
  std::string name;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- creation
  static Tensor empty(const Shape& shape, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, Device device = Device::cpu());
  static Tensor full(const Shape& shape, float value, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, Device device = Device::cpu()) {
    return full(shape, 1.f, device);
  }
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values,
                            Device device = Device::cpu());
  static Tensor scalar(float v, Device device = Device::cpu()) { return full({}, v, device); }

  // ---- inspection
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int dim() const { return int(shape().size()); }
  int64_t size(int d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(shape()); }
  Device device() const;
  std::string str() const;  // "cpu(4, 3, 96, 128)"
  float* data();
  const float* data() const;
  std::vector<float> to_vector() const;
  float item() const;  // the value of a 1-element tensor

  // ---- copies and views
  Tensor to(Device device) const;  // same device: returns *this
  Tensor clone() const;            // deep copy, no autograd history
  Tensor detach() const;           // shares storage, no autograd history
  // Rows [begin, end) of dim 0, sharing storage (no autograd history).
  Tensor slice_batch(int64_t begin, int64_t end) const;
  // A view of `shape` at element `offset` of this tensor's memory (no
  // autograd history); used to hand out parameters from one block.
  Tensor view(int64_t offset, const Shape& shape) const;
  // Copy `src` (same shape) into this tensor's memory (any devices).
  void copy_from(const Tensor& src);

  // ---- autograd
  bool requires_grad() const;
  Tensor& set_requires_grad(bool on);
  Tensor grad() const;  // undefined when none accumulated yet
  void zero_grad();     // drops the gradient
  void set_grad(const Tensor& g);
  void backward() const;  // this must be a scalar; runs the tape in reverse
  const std::string& name() const;
  Tensor& set_name(std::string n);

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace mgst
