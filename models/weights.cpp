#include "models/weights.h"

#include <cmath>
#include <set>

#include "kernels/error.h"

namespace mgst::models {

void load_tensor(Tensor dst, const std::string& name, const SafetensorsFile& file,
                 const std::string& path, const std::string& hint) {
  const NamedArray* a = file.find(name);
  MGST_CHECK(a, path << ": tensor '" << name << "' is missing (expected shape "
                     << shape_str(dst.shape()) << ")" << hint);
  MGST_CHECK(a->shape == dst.shape(), path << ": tensor '" << name << "' has shape "
                                           << shape_str(a->shape) << ", expected "
                                           << shape_str(dst.shape()));
  for (std::size_t i = 0; i < a->data.size(); ++i)
    MGST_CHECK(std::isfinite(a->data[i]),
               path << ": tensor '" << name << "' holds " << a->data[i] << " at element " << i);
  dst.copy_from(Tensor::from_vector(a->shape, a->data));
}

void load_parameters(ParameterSet& params, const SafetensorsFile& file, const std::string& path,
                     const std::vector<std::string>& ignored_prefixes) {
  std::set<std::string> expected;
  for (const auto& p : params.items()) {
    expected.insert(p.name);
    load_tensor(p.tensor, p.name, file, path);
  }
  for (const auto& a : file.tensors) {
    if (expected.count(a.name)) continue;
    bool ignored = false;
    for (const auto& pre : ignored_prefixes) ignored = ignored || a.name.rfind(pre, 0) == 0;
    MGST_CHECK(ignored, path << ": unexpected tensor '" << a.name << "' " << shape_str(a.shape)
                             << " (not a parameter of this model)");
  }
}

std::vector<NamedArray> parameters_to_arrays(const ParameterSet& params,
                                             const std::string& prefix) {
  std::vector<NamedArray> out;
  for (const auto& p : params.items())
    out.push_back({prefix + p.name, p.tensor.shape(), p.tensor.to_vector()});
  return out;
}

}  // namespace mgst::models
