// Option groups shared by several subcommands (one definition each, so
// train, eval, purify and inspect read masks and losses the same way).
#pragma once
#include <vector>

#include "apps/args.h"
#include "apps/dataset.h"
#include "losses/objective.h"
#include "losses/style_target.h"
#include "models/vgg19.h"

namespace mgst::app {

std::vector<OptionSpec> mask_option_specs();
MaskOptions mask_options_from(const ArgParser& a);
// The same flags for style images: --style-attention-labels etc. are not
// separate; style masks use --attention-labels too, plus --ignore-black.
std::vector<OptionSpec> loss_option_specs();
losses::LossConfig loss_config_from(const ArgParser& a);

// One content/style pair as `eval` and `inspect` read it (--content, --mask,
// --style, --style-mask, --size): at the content image's own size unless
// --size is given (no resize when sizes match); H, W multiples of 4.
struct EvalPair {
  int H = 0, W = 0;
  Sample content, style;
};
EvalPair load_eval_pair(const ArgParser& a, const MaskOptions& masks);
// The flags load_eval_pair reads: --content, --mask, --style, --style-mask, --size.
std::vector<OptionSpec> eval_pair_option_specs();

// The style target of one style sample (its own Grams, SPEC's `mean` over one image).
losses::StyleTarget single_style_target(const models::Vgg19& vgg, const Sample& style,
                                        const std::vector<std::string>& layers, Device device);

}  // namespace mgst::app
