// `mgst export`: a trained purifier in files other programs read.
//  - weights only: the transform net's parameters under their docs/METHOD.md
//    names (a PyTorch module with those names loads it strict=True), without
//    the Adam moments a checkpoint carries, plus the metadata that rebuilds
//    the model (residual mode, mgst version, the training config and step);
//  - ONNX (apps/export/onnx_export.h): the net as an ONNX graph.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "core/io/safetensors.h"
#include "models/transform_net.h"

namespace mgst::exporter {

// The mgst version written into exported files (CMake's PROJECT_VERSION).
std::string mgst_version();

// The metadata of a weights-only file made from `source` (a checkpoint's or a
// weights file's): the optimizer's entries dropped, the format marked as
// transform weights, `residual` from the loaded net, the version added.
std::map<std::string, std::string> weights_metadata(const SafetensorsFile& source,
                                                    const models::TransformNet& net);

// Writes `net`'s parameters and `metadata` to `out` (atomically). Returns the
// size of the file written in bytes.
uint64_t write_weights(const models::TransformNet& net,
                       const std::map<std::string, std::string>& metadata, const std::string& out);

}  // namespace mgst::exporter
