#include "apps/cli/options.h"

#include <sstream>

#include "kernels/error.h"

namespace mgst::cli {

void append(std::vector<OptionSpec>& specs, const std::vector<OptionSpec>& group) {
  specs.insert(specs.end(), group.begin(), group.end());
}

OptionSpec device_option(const std::string& default_device) {
  return {"--device", "D", default_device, "cpu | cuda | auto"};
}

std::vector<OptionSpec> force_mode_option_specs() {
  return {
      {"--residual", "", "", "force residual mode (overrides the file's metadata)"},
      {"--no-residual", "", "", "force plain mode (overrides the file's metadata)"},
  };
}

std::vector<OptionSpec> mask_option_specs() {
  return {
      {"--attention-labels", "L1,L2,..", "",
       "masks are label maps: these values form the attention region (else mask = value/255)"},
      {"--ignore-labels", "L1,L2,..", "", "label values removed from both regions"},
      {"--ignore-black", "", "", "remove pixels that are exactly (0,0,0) in style images"},
  };
}

namespace {
// The values of a label flag, each in 0..255.
std::vector<int> labels_from(const ArgParser& a, const std::string& flag) {
  if (!a.given(flag)) return {};
  const std::vector<int> labels = a.get_ints(flag);
  for (int l : labels)
    if (l < 0 || l > 255) throw UsageError(flag + ": " + std::to_string(l) + " is not in 0..255");
  return labels;
}
}  // namespace

data::MaskOptions mask_options_from(const ArgParser& a) {
  data::MaskOptions m;
  m.attention_labels = labels_from(a, "--attention-labels");
  m.ignore_labels = labels_from(a, "--ignore-labels");
  if ((!m.ignore_labels.empty()) && m.attention_labels.empty())
    throw UsageError("--ignore-labels needs label-map masks: also give --attention-labels");
  return m;
}

std::vector<OptionSpec> loss_option_specs() {
  return {
      {"--loss-weights", "c,s,t,tv", "1,1e4,10,0.1", "weights of content, style, task, tv"},
      {"--style-layers", "L,..", "relu1_1,relu2_1,relu3_1,relu4_1", "VGG style layers"},
      {"--style-layer-weights", "w,..", "1,1,1,1", "per-style-layer weights"},
      {"--content-layer", "L", "relu2_2", "VGG content layer"},
      {"--lambda-att", "X", "1", "weight of the attention-region content term"},
  };
}

losses::LossConfig loss_config_from(const ArgParser& a) {
  losses::LossConfig c;
  const auto w = a.get_doubles("--loss-weights", 4);
  c.w_content = w[0], c.w_style = w[1], c.w_task = w[2], c.w_tv = w[3];
  c.style_layers.clear();
  std::stringstream ss(a.get("--style-layers"));
  for (std::string item; std::getline(ss, item, ',');) c.style_layers.push_back(item);
  if (a.given("--style-layer-weights")) {
    c.style_layer_weights = a.get_doubles("--style-layer-weights");
  } else {
    c.style_layer_weights.assign(c.style_layers.size(), 1.0);
  }
  if (c.style_layer_weights.size() != c.style_layers.size())
    throw UsageError("--style-layer-weights: " + std::to_string(c.style_layer_weights.size()) +
                     " weights for " + std::to_string(c.style_layers.size()) + " style layers");
  c.content_layer = a.get("--content-layer");
  c.lambda_att = a.get_double("--lambda-att");
  try {
    c.validate();  // layer names: the flags are wrong, so a usage error
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  return c;
}

std::vector<OptionSpec> eval_pair_option_specs() {
  return {
      {"--content", "IMG", "", "content image"},
      {"--mask", "MASK", "", "its mask (none: m = 1)"},
      {"--style", "IMG", "", "style image"},
      {"--style-mask", "MASK", "", "its mask (none: m = 1)"},
      {"--size", "HxW", "", "resize both to this size (default: the content image's own size)"},
  };
}

EvalPair load_eval_pair(const ArgParser& a, const data::MaskOptions& masks) {
  const data::SampleSource content{a.require("--content"), a.get("--mask")};
  const data::SampleSource style{a.require("--style"), a.get("--style-mask")};
  EvalPair p;
  if (a.given("--size")) {
    std::tie(p.H, p.W) = data::parse_size(a.get("--size"));
  } else {
    const data::ImageU8 probe = data::load_image(content.image_path);
    p.H = probe.height, p.W = probe.width;
  }
  MGST_CHECK(p.H % 4 == 0 && p.W % 4 == 0, content.image_path << " is " << p.W << "x" << p.H
                                                              << ": H and W must be multiples of 4 "
                                                              << "(or pass --size HxW)");
  data::MaskOptions content_masks = masks;
  content_masks.ignore_black = false;  // --ignore-black is for style images
  Rng rng(0);                          // unused: centre crops only
  p.content = data::load_sample(content, p.H, p.W, content_masks, data::CropOptions{}, rng);
  p.style = data::load_sample(style, p.H, p.W, masks, data::CropOptions{}, rng);
  return p;
}

train::ModelSource model_source_from(const ArgParser& a, const std::string& other) {
  const int sources = a.given("--model") + a.given("--transform") + a.flag(other);
  if (sources != 1) throw UsageError("give exactly one of --model, --transform, " + other);
  if (a.flag("--residual") && a.flag("--no-residual"))
    throw UsageError("--residual and --no-residual exclude each other");
  train::ModelSource s;
  s.path = a.given("--model") ? a.get("--model") : a.get("--transform");
  s.untrained = other == "--untrained" && a.flag(other);
  if (s.untrained) s.seed = uint64_t(a.get_int("--seed"));
  s.residual = !a.flag("--no-residual");
  s.force_mode = a.flag("--residual") || a.flag("--no-residual");
  return s;
}

PairSetup load_pair_setup(const ArgParser& a) {
  PairSetup s;
  s.device = parse_device(a.get("--device"));
  s.masks = mask_options_from(a);
  s.loss = loss_config_from(a);
  s.pair = load_eval_pair(a, s.masks);
  s.vgg = train::load_loss_vgg(a.get("--vgg"), s.loss, s.device);
  return s;
}

}  // namespace mgst::cli
