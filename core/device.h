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

// What the CUDA backend has asked of the GPU since the process started:
// kernel launches and host synchronisations (waits for the stream: copies
// to or from the host, synchronize). Zeros for the CPU.
// result_waits: the end-of-step waits before reading the step's results
// (wait_for_results, core/cuda_graph.h), apart from host_syncs; graph
// launches: CUDA Graph replays (their kernels count as launches).
struct DeviceActivity {
  long long launches = 0;
  long long host_syncs = 0;
  long long result_waits = 0;
  long long graph_launches = 0;
};
DeviceActivity device_activity(Device device);

// The CUDA backend's arithmetic per op family (kernels/precision.h), like
// PyTorch's allow_tf32 switches: "fp32" (every op exact fp32), "conv-tf32"
// (the default, PyTorch eager's: TF32 tensor cores for the convolutions,
// fp32 GEMM and Gram), "matmul-tf32" (the reverse) or "tf32" (tensor cores
// for all three). The
// CPU backend is always fp32. A bad name throws mgst::Error listing the
// choices. Process-wide: it applies to the kernels launched after it.
void set_precision(const std::string& name);
std::string precision();
const char* precision_choices();  // "fp32|conv-tf32|matmul-tf32|tf32"
inline constexpr const char* kDefaultPrecision = "conv-tf32";

// set_precision for a scope; the previous policy is back at its end.
class ScopedPrecision {
 public:
  explicit ScopedPrecision(const std::string& name) : saved_(precision()) { set_precision(name); }
  ~ScopedPrecision() { set_precision(saved_); }
  ScopedPrecision(const ScopedPrecision&) = delete;
  ScopedPrecision& operator=(const ScopedPrecision&) = delete;

 private:
  std::string saved_;
};

}  // namespace mgst
