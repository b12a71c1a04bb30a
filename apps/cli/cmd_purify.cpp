// mgst purify: a trained purifier over files or folder trees, streamed.
#include <cstdio>
#include <filesystem>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/input_tree.h"
#include "apps/train/model_source.h"
#include "apps/train/purify.h"

namespace mgst::cli {

namespace {
// --model RUN_DIR means the run's checkpoint.
std::string model_path(const std::string& model) {
  if (!std::filesystem::is_directory(model)) return model;
  const std::string ckpt = model + "/checkpoint.safetensors";
  if (!std::filesystem::exists(ckpt))
    throw UsageError("--model " + model + ": a folder without checkpoint.safetensors in it");
  return ckpt;
}
}  // namespace

int cmd_purify(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT|RUN_DIR", "",
       "checkpoint or transform weights (safetensors); a run folder: its checkpoint"},
      {"--input", "FILE|DIR", "", "real image(s) to purify"},
      mask_file_option("--masks", "FILE|DIR"),
      {"--recursive", "", "",
       "read the input folder's whole tree and mirror it under --out (masks mirror it too)"},
      {"--out", "DIR", "", "where the purified PNGs go (same stems)"},
      {"--size", "HxW|native", "",
       "the size the net runs at (default: the checkpoint's, else native = each image's own)"},
      {"--crop", "MODE", "",
       "eye[:F] | center: the region resized to --size (default: the checkpoint's, else center)"},
      {"--write-crop", "", "",
       "write the purified crop at --size (default: pasted back into the full frame)"},
      {"--batch", "N", "4", "images decoded and run together (bounds the memory)"},
      device_option("auto"),
      precision_option(),
  };
  append(specs, force_mode_option_specs());
  append(specs, mask_option_specs());
  ArgParser a("purify --model CKPT|RUN_DIR --input FILE|DIR [--masks FILE|DIR] --out DIR",
              "Purifies real images batch by batch (each decoded once), writing PNGs under --out.\n"
              "With --size (or a checkpoint that records one) the --crop region of each image is\n"
              "resized to it, purified, resized back and pasted into the frame at the original\n"
              "resolution; without, each image runs at its own size (reflection-padded to a\n"
              "multiple of 4 and cropped back). A checkpoint's training settings (size, crop,\n"
              "attention and ignore labels, residual mode) are the defaults; flags override them.",
              specs);
  a.alias("--output", "--out");
  if (!a.parse(args)) return 0;
  if (a.flag("--residual") && a.flag("--no-residual"))
    throw UsageError("--residual and --no-residual exclude each other");
  const Device dev = device_from(a);
  train::ModelSource source;
  source.path = model_path(a.require("--model"));
  source.residual = !a.flag("--no-residual");
  source.force_mode = a.flag("--residual") || a.flag("--no-residual");
  const std::string input = a.require("--input"), out_dir = a.require("--out");
  const train::LoadedModel model = train::load_model_source(source, dev);
  use_checkpoint_defaults(a, model, source.path, "purify");

  train::PurifyOptions o;
  o.masks = mask_options_from(a);
  o.masks.ignore_black = false;  // --ignore-black is for style images
  o.batch = a.get_int("--batch");
  if (o.batch < 1) throw UsageError("--batch must be >= 1");
  std::tie(o.height, o.width) = size_option(a);
  if (!a.get("--crop").empty()) {
    o.crop = data::parse_crop(a.get("--crop"));
    if (o.crop.mode == data::CropMode::Random)
      throw UsageError("--crop random is for training; purify takes eye[:F] or center");
    // A checkpoint's crop goes with its size: `--size native` drops both.
    if (o.height == 0 && a.given("--crop"))
      throw UsageError("--crop needs --size HxW (the size the crop is resized to)");
  }
  o.write_crop = a.flag("--write-crop");
  if (o.write_crop && o.height == 0) throw UsageError("--write-crop needs --size HxW");
  o.out_dir = out_dir;
  const data::InputListing inputs =
      data::list_inputs(input, a.get("--masks"), a.flag("--recursive"), out_dir);
  train::purify_files(*model.net, inputs, o);
  return 0;
}

}  // namespace mgst::cli
