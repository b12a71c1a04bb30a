// mgst purify: a trained purifier over files or directories.
#include <cstdio>
#include <filesystem>

#include "apps/cli/commands.h"
#include "apps/data/dataset.h"
#include "apps/cli/options.h"
#include "apps/train/purify.h"
#include "apps/train/model_source.h"
#include "core/io/fileio.h"

namespace mgst::cli {

int cmd_purify(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "", "checkpoint or transform weights (safetensors)"},
      {"--input", "FILE|DIR", "", "real image(s) to purify"},
      {"--masks", "FILE|DIR", "", "their masks, matched by file stem (none: m = 1)"},
      {"--output", "DIR", "", "where the purified PNGs go (same stems)"},
      {"--batch", "N", "4", "images per forward pass"},
      {"--device", "D", "auto", "cpu | cuda | auto"},
      {"--residual", "", "", "force residual mode (overrides the file's metadata)"},
      {"--no-residual", "", "", "force plain mode (overrides the file's metadata)"},
  };
  for (auto& s : mask_option_specs()) specs.push_back(s);
  ArgParser a("purify --model CKPT --input FILE|DIR [--masks FILE|DIR] --output DIR",
              "Purifies real images at their own size (reflection-padded to a multiple of 4\n"
              "and cropped back), batched; writes PNGs.",
              specs);
  if (!a.parse(args)) return 0;
  const Device dev = parse_device(a.get("--device"));
  train::ModelSource source;
  source.path = a.require("--model");
  source.residual = !a.flag("--no-residual");
  source.force_mode = a.flag("--residual") || a.flag("--no-residual");
  const auto net = train::load_model_source(source, dev).net;
  const auto sources = data::pair_files(a.require("--input"), a.get("--masks"));
  const std::string out_dir = a.require("--output");
  data::MaskOptions mo = mask_options_from(a);
  mo.ignore_black = false;
  std::vector<train::PurifyInput> inputs;
  std::vector<std::string> names;
  for (const auto& s : sources) {
    const data::ImageU8 probe = data::load_image(s.image_path);
    Rng rng(0);
    const data::Sample smp = data::load_sample(s, probe.height, probe.width, mo, data::CropOptions{}, rng);
    inputs.push_back({smp.image, smp.mask});
    names.push_back(smp.name);
  }
  const auto outputs = train::purify(*net, inputs, a.get_int("--batch"));
  ensure_directory(out_dir);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string path = out_dir + "/" + names[i] + ".png";
    data::save_png(path, outputs[i]);
    std::printf("[%zu/%zu] %s\n", i + 1, outputs.size(), path.c_str());
  }
  return 0;
}

}  // namespace mgst::cli
