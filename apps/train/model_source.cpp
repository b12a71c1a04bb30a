#include "apps/train/model_source.h"

#include <cstdio>

#include "kernels/error.h"

namespace mgst::train {

LoadedModel load_model_source(const ModelSource& source, Device device) {
  LoadedModel m;
  if (source.untrained) {
    m.net = std::make_unique<models::TransformNet>(source.residual, source.seed, device);
    m.description = "untrained (seed " + std::to_string(source.seed) + ")";
    return m;
  }
  if (source.identity()) {
    m.description = "identity";
    return m;
  }
  const std::string& path = source.path;
  m.file = std::make_unique<SafetensorsFile>(read_safetensors(path));
  bool residual = source.residual;
  if (!source.force_mode) {
    try {
      residual = models::TransformNet::residual_from_metadata(*m.file, source.residual);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what(), e.where());  // name the file
    }
  }
  m.net = std::make_unique<models::TransformNet>(residual, 0, device);
  m.net->load(*m.file, path);
  m.description = path;
  auto step = m.file->metadata.find("step");
  if (step != m.file->metadata.end()) m.description += " (step " + step->second + ")";
  return m;
}

std::unique_ptr<models::Vgg19> load_loss_vgg(const std::string& path,
                                             const losses::LossConfig& loss, Device device,
                                             bool quiet) {
  if (path.empty() && !quiet)
    std::fprintf(
        stderr,
        "*** WARNING: no --vgg weights given: the loss network is a seeded RANDOM VGG-19.\n"
        "*** Everything still runs (random-feature style transfer), but weaker. Convert\n"
        "*** torchvision's vgg19 with scripts/convert_vgg19.py and pass --vgg FILE.\n");
  return std::make_unique<models::Vgg19>(loss.deepest_layer(), path, device);
}

}  // namespace mgst::train
