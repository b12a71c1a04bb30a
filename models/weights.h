// Moving named parameters between a ParameterSet and safetensors files,
// with errors that say exactly which tensor is wrong.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/parameters.h"

namespace mgst::models {

// Copies tensor `name` of `file` into `dst`: missing, wrong-shaped or
// non-finite values are errors naming `path` and the tensor (`hint` is
// appended to the missing-tensor message).
void load_tensor(Tensor dst, const std::string& name, const SafetensorsFile& file,
                 const std::string& path, const std::string& hint = "");

// Copies every parameter of `params` from `file` (read from `path`, named in
// errors). Missing tensors and shape mismatches are errors; tensors in the
// file whose names are not parameters are errors too, unless their name
// starts with one of `ignored_prefixes` (e.g. "adam." in a checkpoint).
void load_parameters(ParameterSet& params, const SafetensorsFile& file, const std::string& path,
                     const std::vector<std::string>& ignored_prefixes = {});

// Parameters as host arrays under their own names (prefix prepended).
std::vector<NamedArray> parameters_to_arrays(const ParameterSet& params,
                                             const std::string& prefix = "");

}  // namespace mgst::models
