// mgst purify: a trained purifier over files or directories.
#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/dataset.h"
#include "apps/train/model_source.h"
#include "apps/train/purify.h"

namespace mgst::cli {

int cmd_purify(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "", "checkpoint or transform weights (safetensors)"},
      {"--input", "FILE|DIR", "", "real image(s) to purify"},
      {"--masks", "FILE|DIR", "", "their masks, matched by file stem (none: m = 1)"},
      {"--output", "DIR", "", "where the purified PNGs go (same stems)"},
      {"--batch", "N", "4", "images per forward pass"},
      device_option("auto"),
  };
  append(specs, force_mode_option_specs());
  append(specs, mask_option_specs());
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
  train::purify_files(*net, sources, mo, a.get_int("--batch"), out_dir);
  return 0;
}

}  // namespace mgst::cli
