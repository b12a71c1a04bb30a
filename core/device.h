// Where a tensor's memory lives.
#pragma once
#include <cstddef>
#include <string>

namespace mgst {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  static Device cpu() { return {DeviceType::CPU}; }
  static Device cuda() { return {DeviceType::CUDA}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool operator==(const Device& o) const { return type == o.type; }
  bool operator!=(const Device& o) const { return type != o.type; }
  std::string str() const { return is_cpu() ? "cpu" : "cuda"; }
};

// True when mgst was built with the CUDA backend.
bool cuda_compiled();
// True when the CUDA backend is built and a usable GPU is present.
bool cuda_available();
// Human-readable description of the GPU, or why there is none.
std::string cuda_description();
// "cpu" | "cuda" | "auto" -> a Device; "cuda" without a GPU throws a clear error,
// "auto" picks CUDA when available.
Device parse_device(const std::string& name);

// Peak tensor memory on `device` since the last reset_peak_memory: CPU,
// mgst's tensor bytes (core/storage.h); CUDA, the caching allocator's
// in-use peak.
void reset_peak_memory(Device device);
std::size_t peak_memory_bytes(Device device);

}  // namespace mgst
