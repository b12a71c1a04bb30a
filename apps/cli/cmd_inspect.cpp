// mgst inspect: the flags of the HTML report in apps/report/inspect.h.
#include <cstdio>
#include <sstream>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/report/inspect.h"
#include "kernels/error.h"
#include "models/pupil_regressor.h"

namespace mgst::cli {

int cmd_inspect(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "",
       "a checkpoint from mgst train (its log.csv, if beside it, is plotted)"},
      {"--transform", "FILE", "",
       "transform-net weights (safetensors, names as in docs/METHOD.md)"},
      {"--untrained", "", "", "a freshly initialised transform net (seeded by --seed)"},
      {"--seed", "N", "0", "initialisation seed for --untrained"},
      {"--residual", "", "", "force residual mode (default for --untrained; overrides metadata)"},
      {"--no-residual", "", "", "force plain mode (overrides the file's metadata)"},
      {"--vgg", "FILE", "", "VGG-19 weights; none: the seeded random VGG"},
      device_option("cpu"),
      precision_option(),
      {"--channels", "N", "8", "feature-map channels shown per layer (the first N)"},
      {"--trace", "", "",
       "also run one training step (forward, losses, backward; no update) with the autograd "
       "tape traced; print the tape sorted by time and add it to the report"},
      {"--out", "FILE", "", "the HTML report to write"},
      {"--task-net", "FILE", "",
       "a saved task network (taskeval --save-regressor): show the task-network style term"},
      {"--task-style-weight", "W", "0", "its weight w_psi"},
      {"--task-layers", "L,..", "", "its layers s1,s2,.. (default: all stages)"},
  };
  append(specs, eval_pair_option_specs());
  append(specs, mask_option_specs());
  append(specs, loss_option_specs());
  ArgParser a(
      "inspect (--model CKPT | --transform FILE | --untrained) --content IMG --mask MASK "
      "--style IMG --style-mask MASK --out report.html [--trace]",
      "Writes one self-contained HTML page (images embedded as PNG data, no scripts)\n"
      "walking the pipeline for one sample: the input and its mask, the mask pooled\n"
      "to each VGG layer, feature maps of the transform net (c1, c3, r5, u2) and of\n"
      "VGG at the style/content layers, the attention and bkgd Gram matrices of the\n"
      "output next to the style image's with their difference, each loss term and\n"
      "its share, the purified output and, when log.csv is beside the checkpoint,\n"
      "the training curves. --trace adds the autograd tape of one training step. A\n"
      "checkpoint's training settings (labels, size, crop, loss weights and layers, VGG)\n"
      "are the defaults; flags override them.",
      specs);
  if (!a.parse(args)) return 0;

  const train::ModelSource source = model_source_from(a, "--untrained");
  const std::string out_path = a.require("--out");
  const int channels = a.get_int("--channels");
  if (channels < 1 || channels > 64) throw UsageError("--channels must be in 1..64");
  // The model first: a checkpoint's training settings are the defaults of the flags below.
  const train::LoadedModel model = train::load_model_source(source, device_from(a));
  use_checkpoint_defaults(a, model, source.path, "inspect");
  PairSetup setup = load_pair_setup(a);

  report::InspectInputs in;
  in.content = {a.require("--content"), a.get("--mask")};
  in.style = {a.require("--style"), a.get("--style-mask")};
  in.content_sample = std::move(setup.pair.content);
  in.style_sample = std::move(setup.pair.style);
  in.H = setup.pair.H, in.W = setup.pair.W;
  in.device = setup.device;
  in.net = model.net.get();
  in.model_description = model.description;
  in.model_path = source.path;
  in.model_file = model.file.get();
  in.vgg = setup.vgg.get();
  in.vgg_path = a.get("--vgg");
  in.loss = setup.loss;
  std::unique_ptr<models::PupilRegressor> task_net;
  if (!a.get("--task-net").empty()) {
    in.task_net_path = a.get("--task-net");
    task_net = models::load_pupil_regressor(in.task_net_path, setup.device);
    task_net->freeze();
    in.loss.w_task_style = a.get_double("--task-style-weight");
    in.loss.task_layers.clear();
    std::stringstream ss(a.get("--task-layers"));
    for (std::string item; std::getline(ss, item, ',');) {
      try {
        task_net->stride(item);
      } catch (const Error& e) {
        throw UsageError("--task-layers: " + std::string(e.what()));
      }
      in.loss.task_layers.push_back(item);
    }
    if (in.loss.task_layers.empty()) in.loss.task_layers = task_net->feature_layers();
    in.task_net = task_net.get();
  }
  in.channels = channels;
  in.trace = a.flag("--trace");
  report::write_inspect_report(in, out_path);
  return 0;
}

}  // namespace mgst::cli
