#include "apps/export/export.h"

#include <filesystem>

#include "models/weights.h"

#ifndef MGST_VERSION
#define MGST_VERSION "unknown"
#endif

namespace mgst::exporter {

std::string mgst_version() { return MGST_VERSION; }

std::map<std::string, std::string> weights_metadata(const SafetensorsFile& source,
                                                    const models::TransformNet& net) {
  std::map<std::string, std::string> meta = source.metadata;
  // Optimizer state: meaningless without the Adam moments, which are not exported.
  meta.erase("adam_steps");
  meta.erase("rng");
  meta["format"] = "mgst-transform-v1";
  // The mode the net was loaded in (a forced --residual/--no-residual included),
  // so the file rebuilds exactly the model that was exported.
  meta["residual"] = net.residual() ? "true" : "false";
  meta["mgst_version"] = mgst_version();
  return meta;
}

uint64_t write_weights(const models::TransformNet& net,
                       const std::map<std::string, std::string>& metadata, const std::string& out) {
  write_safetensors(out, models::parameters_to_arrays(net.parameters()), metadata);
  return std::filesystem::file_size(out);
}

}  // namespace mgst::exporter
