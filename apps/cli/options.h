// Option groups shared by several subcommands (one definition each, so
// train, eval, purify and inspect read masks and losses the same way).
#pragma once
#include <memory>
#include <vector>

#include "apps/cli/args.h"
#include "apps/data/dataset.h"
#include "apps/train/model_source.h"
#include "losses/objective.h"
#include "models/vgg19.h"

namespace mgst::cli {

// Adds a shared option group to a command's table.
void append(std::vector<OptionSpec>& specs, const std::vector<OptionSpec>& group);
// --device D (cpu | cuda | auto) with the command's default, and beside it
// --precision P (core/device.h's set_precision: the CUDA arithmetic).
OptionSpec device_option(const std::string& default_device);
OptionSpec precision_option();
// --no-cuda-graph (train, bench): the training step without CUDA Graph replay.
OptionSpec no_cuda_graph_option();
// --device as a Device, after applying --precision (where the command
// declares it): the one place a command turns those two flags into effect.
Device device_from(const ArgParser& a);
// The mask flag beside an image flag (one wording everywhere): metavar MASK
// reads "its mask", DIR or FILE|DIR "their masks, matched by file stem".
OptionSpec mask_file_option(const std::string& flag, const std::string& metavar);
// --residual / --no-residual for a command that loads a model: force the mode
// over the file's metadata (model_source_from and purify read them).
std::vector<OptionSpec> force_mode_option_specs();

std::vector<OptionSpec> mask_option_specs();
data::MaskOptions mask_options_from(const ArgParser& a);
// The same flags serve the style images (train adds --style-attention-labels
// for style masks of another kind, and --ignore-black).
std::vector<OptionSpec> loss_option_specs();
losses::LossConfig loss_config_from(const ArgParser& a);

// One content/style pair as `eval` and `inspect` read it (--content, --mask,
// --style, --style-mask, --size): at the content image's own size unless
// --size is given (no resize when sizes match); H, W multiples of 4.
struct EvalPair {
  int H = 0, W = 0;
  data::Sample content, style;
};
EvalPair load_eval_pair(const ArgParser& a, const data::MaskOptions& masks);
// The flags load_eval_pair reads: --content, --mask, --style, --style-mask, --size, --crop.
std::vector<OptionSpec> eval_pair_option_specs();

// The transform net `eval` and `inspect` run: exactly one of --model,
// --transform and `other` ("--identity" or "--untrained", seeded by --seed);
// --residual / --no-residual force the mode (they exclude each other).
train::ModelSource model_source_from(const ArgParser& a, const std::string& other);

// A checkpoint's recorded training settings (TrainConfig in its metadata)
// as the defaults of the flags `a` declares: attention and ignore labels,
// --ignore-black, --size, --crop (random read as center), the loss weights
// and layers, --lambda-att and --vgg. A flag given on the command line wins,
// with one line on stderr when it differs ("purify: --crop center overrides
// the checkpoint's eye"); the settings taken are listed on one line. A forced
// --residual / --no-residual that differs from the file is announced too.
// A weights file without a config changes nothing.
void use_checkpoint_defaults(ArgParser& a, const train::LoadedModel& model, const std::string& path,
                             const std::string& command);

// --size as purify, eval and inspect read it: "native" (or empty) = each
// image at its own size, returned as (0, 0).
std::pair<int, int> size_option(const ArgParser& a);

// What `eval` and `inspect` set up after the model flags, in this order:
// --device, the mask and loss flags, the pair, the loss VGG (--vgg).
struct PairSetup {
  Device device;
  data::MaskOptions masks;
  losses::LossConfig loss;
  EvalPair pair;
  std::unique_ptr<models::Vgg19> vgg;
};
PairSetup load_pair_setup(const ArgParser& a);

}  // namespace mgst::cli
