// mgst export: a checkpoint as weights only (safetensors) and/or as ONNX.
#include <cstdio>
#include <filesystem>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/export/export.h"
#include "apps/export/onnx_export.h"
#include "apps/train/model_source.h"

namespace mgst::cli {

namespace {

std::string megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
  return buf;
}

}  // namespace

int cmd_export(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "", "checkpoint or transform weights (safetensors)"},
      {"--out", "FILE", "", "weights only (safetensors, docs/METHOD.md names, no Adam state)"},
      {"--onnx", "FILE", "",
       std::string("the transform net as ONNX (opset ") + std::to_string(exporter::kOnnxOpset) +
           ", input N x 4 x H x W)" + (exporter::onnx_available() ? "" : " [not in this build]")},
  };
  append(specs, force_mode_option_specs());
  ArgParser a("export --model CKPT [--out weights.safetensors] [--onnx purifier.onnx]",
              "Writes a trained purifier for other programs: --out the weights alone (loads\n"
              "strict=True into a PyTorch module with the METHOD.md names, and back into mgst),\n"
              "--onnx the net as an ONNX graph (RGB + mask in, purified RGB out, any N, H, W).",
              specs);
  if (!a.parse(args)) return 0;
  const std::string out = a.get("--out"), onnx = a.get("--onnx");
  if (out.empty() && onnx.empty()) throw UsageError("give --out FILE, --onnx FILE or both");
  if (!onnx.empty() && !exporter::onnx_available())
    throw UsageError(
        "--onnx: this mgst was built without ONNX (install libonnx-dev and "
        "libprotobuf-dev, e.g. tools/setup.sh, and configure again)");
  train::ModelSource source;
  source.path = a.require("--model");
  source.residual = !a.flag("--no-residual");
  source.force_mode = a.flag("--residual") || a.flag("--no-residual");
  const train::LoadedModel model = train::load_model_source(source, Device::cpu());
  const auto meta = exporter::weights_metadata(*model.file, *model.net);
  const uint64_t in_bytes = std::filesystem::file_size(source.path);
  const char* mode = model.net->residual() ? "residual" : "plain";
  if (!out.empty()) {
    const uint64_t n = exporter::write_weights(*model.net, meta, out);
    std::printf("wrote %s (%s: weights only, %s mode); %s is %s\n", out.c_str(),
                megabytes(n).c_str(), mode, model.description.c_str(), megabytes(in_bytes).c_str());
  }
  if (!onnx.empty()) {
    const uint64_t n = exporter::write_onnx(*model.net, meta, onnx);
    std::printf("wrote %s (%s: ONNX opset %d, %s mode); %s is %s\n", onnx.c_str(),
                megabytes(n).c_str(), exporter::kOnnxOpset, mode, model.description.c_str(),
                megabytes(in_bytes).c_str());
  }
  return 0;
}

}  // namespace mgst::cli
