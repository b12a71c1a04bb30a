// Reading and writing safetensors files (https://github.com/huggingface/safetensors),
// independent of the Tensor class.
//
// Layout: 8-byte little-endian header length N, then N bytes of JSON
//   {"__metadata__": {"key": "value", ...},
//    "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
// then the data buffer; offsets are relative to the buffer's start, tensors
// are row-major, little-endian.
//
// Reading accepts F32, F16, BF16 and F64 (converted to float); any other dtype
// is an error naming the tensor and the dtype. Writing produces F32, keeps the
// caller's tensor order, packs the data contiguously and pads the header with
// spaces to a multiple of 8 bytes (as the Python library does). Every error
// names the file and, where relevant, the tensor.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mgst {

struct NamedArray {
  std::string name;
  std::vector<int64_t> shape;  // {} = a 0-d scalar (one element)
  std::vector<float> data;     // row-major, product(shape) elements
};

struct SafetensorsFile {
  std::vector<NamedArray> tensors;  // in the header's order
  std::map<std::string, std::string> metadata;
  // nullptr when absent.
  const NamedArray* find(const std::string& name) const;
};

// Header larger than this is rejected (same limit as the Python library).
constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

SafetensorsFile read_safetensors(const std::string& path);

// Atomic (core/io/fileio.h write_file_atomic). Throws on duplicate or empty
// names, the reserved name "__metadata__", negative dims, or data whose size
// does not match its shape.
void write_safetensors(const std::string& path, const std::vector<NamedArray>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// The same on bytes in memory; `source` names them in errors (e.g. the path).
SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& source);
std::string serialize_safetensors(const std::vector<NamedArray>& tensors,
                                  const std::map<std::string, std::string>& metadata,
                                  const std::string& source);

}  // namespace mgst
