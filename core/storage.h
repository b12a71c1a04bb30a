// Reference-counted raw memory on one device. CPU blocks are 64-byte aligned;
// CUDA blocks come from the CUDA backend's caching allocator.
#pragma once
#include <cstddef>
#include <memory>

#include "core/device.h"

namespace mgst {

class Storage {
 public:
  Storage(std::size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  Device device_;
};

// Bytes currently allocated on the CPU by mgst tensors, and the peak since the
// last reset (for benchmarks and the --trace report).
std::size_t cpu_bytes_in_use();
std::size_t cpu_peak_bytes();
void reset_cpu_peak_bytes();

}  // namespace mgst
