// The purifier: Johnson's transform net with an RGB+mask input (docs/METHOD.md).
//   c1 9x9 4->32, c2 3x3/2 32->64, c3 3x3/2 64->128, r1..r5 (128),
//   u1 up x2 3x3 128->64, u2 up x2 3x3 64->32, c4 9x9 32->3 (no norm/act)
// residual mode (default): y = x + c4(...), c4 zero-initialised (identity
// at step 0); plain mode: y = c4(...).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/parameters.h"
#include "core/rng.h"
#include "layers/conv_layer.h"

namespace mgst::models {

class TransformNet {
 public:
  TransformNet(bool residual, uint64_t seed, Device device = Device::cpu());

  // x (N,3,H,W) in [0,1], m (N,1,H,W); H and W multiples of 4.
  Tensor forward(const Tensor& x, const Tensor& m) const;
  // The same forward, also appending each block's output to `acts` (when not
  // null) under its METHOD.md name: c1, c2, c3, r1..r5, u1, u2, c4 (before the
  // residual add). Used by `mgst inspect`.
  Tensor forward_with_activations(const Tensor& x, const Tensor& m,
                                  std::vector<NamedTensor>* acts) const;

  bool residual() const { return residual_; }
  Device device() const { return params_.block().device(); }
  ParameterSet& parameters() { return params_; }
  const ParameterSet& parameters() const { return params_; }

  // Loads METHOD.md-named weights; tensors starting with "adam." are tolerated (a
  // checkpoint is a valid weights file).
  void load(const SafetensorsFile& file, const std::string& path);
  // Weights only, with metadata {"residual": "true"|"false", format}.
  void save(const std::string& path) const;

  // Residual mode recorded in a weights file's metadata, or `fallback`.
  static bool residual_from_metadata(const SafetensorsFile& file, bool fallback);

 private:
  bool residual_;
  ParameterSet params_;
  layers::ConvLayer c1_, c2_, c3_, u1_, u2_, c4_;
  std::array<layers::ResidualBlock, 5> res_;
};

}  // namespace mgst::models
