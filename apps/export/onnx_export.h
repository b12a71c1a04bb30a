// The transform net as an ONNX graph (`mgst export --onnx`), written with
// the ONNX library's protobuf classes (Debian: libonnx-dev) and checked with
// its checker before the file is written.
//
// The graph is `mgst purify` for one batch of equal-sized images:
//   input     float (N, 4, H, W): RGB in [0,1] and the attention mask in [0,1];
//             N, H and W are dynamic (any H, W >= 5)
//   purified  float (N, 3, H, W), unclamped (clamp to [0,1] for 8-bit output,
//             as purify does when it writes a PNG)
// Inside: reflection-pad bottom/right to a multiple of 4 (the net halves the
// size twice), the net (residual mode: + the padded RGB), crop back to H x W.
#pragma once
#include <map>
#include <string>

#include "models/transform_net.h"

namespace mgst::exporter {

// The opset the graph is written for (Pad's reflect mode and Resize's
// asymmetric/floor nearest both exist since 13; the Debian library knows 17).
constexpr int kOnnxOpset = 17;

// Built with the ONNX library? (CMake finds libonnx-dev; without it only
// the weights-only export is available.)
bool onnx_available();

// Writes `net` to `path` (atomically); `metadata` goes into the model's
// metadata_props. Returns the file's size in bytes. Throws when built
// without ONNX, naming the package to install.
uint64_t write_onnx(const models::TransformNet& net,
                    const std::map<std::string, std::string>& metadata, const std::string& path);

}  // namespace mgst::exporter
