// mgst eval: METHOD.md's loss terms for one content/style pair, as JSON. This is
// how independent implementations are compared with ours: no resizing when
// the sizes already match, METHOD.md's default layers, exact formulas.
#include <cstdio>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/eval/pair_eval.h"

namespace mgst::cli {

int cmd_eval(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "", "a checkpoint from mgst train (weights + metadata)"},
      {"--transform", "FILE", "",
       "transform-net weights (safetensors, names as in docs/METHOD.md)"},
      {"--identity", "", "", "evaluate the identity y = x (the raw-input baseline)"},
  };
  append(specs, force_mode_option_specs());
  append(specs, {{"--vgg", "FILE", "", "VGG-19 weights; none: the seeded random VGG"},
                 device_option("cpu"),
                 precision_option(),
                 {"--json", "", "", "print one JSON object (the default output is also JSON)"}});
  append(specs, eval_pair_option_specs());
  append(specs, mask_option_specs());
  append(specs, loss_option_specs());
  ArgParser a(
      "eval (--model CKPT | --transform FILE | --identity) --content IMG --mask MASK "
      "--style IMG --style-mask MASK [--json]",
      "Prints the unweighted loss terms of docs/METHOD.md (content, style, task, tv), the\n"
      "weighted total and region colour statistics for one content/style pair. A checkpoint's\n"
      "training settings (labels, size, crop, loss weights and layers, VGG) are the defaults;\n"
      "flags override them.",
      specs);
  if (!a.parse(args)) return 0;
  const train::ModelSource source = model_source_from(a, "--identity");
  // The model first: a checkpoint's training settings are the defaults of the flags below.
  const train::LoadedModel model = train::load_model_source(source, device_from(a));
  use_checkpoint_defaults(a, model, source.path, "eval");
  const PairSetup setup = load_pair_setup(a);
  const Json out = eval::eval_pair(setup.pair.content, setup.pair.style, model.net.get(),
                                   *setup.vgg, setup.loss, setup.device);
  std::printf("%s\n", out.dump(a.flag("--json") ? -1 : 2).c_str());
  return 0;
}

}  // namespace mgst::cli
