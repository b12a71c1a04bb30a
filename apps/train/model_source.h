// The networks a command runs: the transform net from a checkpoint or a
// weights file (--model / --transform), the identity baseline (--identity) or
// a fresh seeded net (--untrained), and the frozen loss VGG. One loader for
// every command, so they read files and report errors the same way.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/device.h"
#include "core/io/safetensors.h"
#include "losses/objective.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::train {

struct ModelSource {
  std::string path;        // checkpoint or weights file (safetensors, names as in docs/METHOD.md)
  bool untrained = false;  // instead: a freshly initialised net seeded by `seed`
  uint64_t seed = 0;
  // No path and not untrained: the identity y = x (no net).
  bool residual = true;     // the mode when the file's metadata has none
  bool force_mode = false;  // `residual` overrides the file's metadata
  bool identity() const { return path.empty() && !untrained; }
};

struct LoadedModel {
  std::unique_ptr<models::TransformNet> net;  // null for the identity
  std::unique_ptr<SafetensorsFile> file;      // the file read, with its metadata (path only)
  std::string description;                    // "PATH (step N)", "untrained (seed S)" or "identity"
};

// Errors name the file (metadata included).
LoadedModel load_model_source(const ModelSource& source, Device device);

// The frozen loss network up to the deepest layer `loss` needs, from `path`
// (torchvision keys) or, when `path` is empty, the seeded random VGG-19 —
// announced loudly on stderr unless `quiet`.
std::unique_ptr<models::Vgg19> load_loss_vgg(const std::string& path,
                                             const losses::LossConfig& loss, Device device,
                                             bool quiet = false);

}  // namespace mgst::train
