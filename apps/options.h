// Option groups shared by several subcommands (one definition each, so
// train, eval, purify and inspect read masks and losses the same way).
#pragma once
#include <vector>

#include "apps/args.h"
#include "apps/dataset.h"
#include "losses/objective.h"

namespace mgst::app {

std::vector<OptionSpec> mask_option_specs();
MaskOptions mask_options_from(const ArgParser& a);
// The same flags for style images: --style-attention-labels etc. are not
// separate; style masks use --attention-labels too, plus --ignore-black.
std::vector<OptionSpec> loss_option_specs();
losses::LossConfig loss_config_from(const ArgParser& a);

}  // namespace mgst::app
