// libFuzzer target: parse_safetensors on arbitrary bytes (the 8-byte length,
// the JSON header, dtypes, shapes, offsets, the data buffer).
//
// A malformed file must end in mgst::Error, never in a crash, a sanitizer
// report, a hang or a huge allocation. When parsing succeeds, the result is
// re-serialised and parsed again: the writer must accept what the reader
// produced and round-trip it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/io/safetensors.h"
#include "kernels/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  mgst::SafetensorsFile f;
  try {
    f = mgst::parse_safetensors(bytes, "fuzz-input");
  } catch (const mgst::Error&) {
    return 0;  // a clear error is the expected outcome for most inputs
  }
  const std::string again = mgst::serialize_safetensors(f.tensors, f.metadata, "fuzz-roundtrip");
  const mgst::SafetensorsFile g = mgst::parse_safetensors(again, "fuzz-roundtrip");
  if (g.tensors.size() != f.tensors.size() || g.metadata != f.metadata) __builtin_trap();
  for (std::size_t i = 0; i < f.tensors.size(); ++i) {
    const auto &a = f.tensors[i], &b = g.tensors[i];
    if (a.name != b.name || a.shape != b.shape || a.data.size() != b.data.size()) __builtin_trap();
  }
  return 0;
}
