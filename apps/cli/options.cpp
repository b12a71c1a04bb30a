#include "apps/cli/options.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "apps/train/config.h"
#include "kernels/error.h"

namespace mgst::cli {

void append(std::vector<OptionSpec>& specs, const std::vector<OptionSpec>& group) {
  specs.insert(specs.end(), group.begin(), group.end());
}

OptionSpec device_option(const std::string& default_device) {
  return {"--device", "D", default_device, "cpu | cuda | auto"};
}

OptionSpec precision_option() {
  return {"--precision", "P", kDefaultPrecision,
          std::string(precision_choices()) +
              ": CUDA arithmetic per op family: conv-tf32 = TF32 tensor cores for "
              "convolutions, fp32 GEMM/Gram (PyTorch eager's default); fp32 = exact; tf32 = "
              "tensor cores for all (CPU: always fp32)"};
}

OptionSpec no_cuda_graph_option() {
  return {"--no-cuda-graph", "", "",
          "CUDA: run every step eagerly (kernel by kernel) instead of replaying it as a CUDA "
          "Graph captured after one warm-up step (docs/PERFORMANCE.md)"};
}

Device device_from(const ArgParser& a) {
  if (a.declares("--precision")) set_precision(a.get("--precision"));
  return parse_device(a.get("--device"));
}

OptionSpec mask_file_option(const std::string& flag, const std::string& metavar) {
  const std::string whose = metavar == "MASK" ? "its mask" : "their masks, matched by file stem";
  return {flag, metavar, "", whose + " (none: m = 1)"};
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
  if (a.get(flag).empty()) return {};  // neither given nor recorded in the checkpoint
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
      {"--style-layer-weights", "w,..|auto", "1,1,1,1",
       "per-style-layer weights; train: auto = equal shares of the style loss at the identity "
       "on the first batch (METHOD.md \"Balanced style layers\")"},
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
  // Layers given without weights: one each (not the default's or a checkpoint's four).
  if (a.get("--style-layer-weights") == "auto") {
    c.style_layer_weights_auto = true;  // set by the trainer on its first batch
    c.style_layer_weights.clear();
  } else if (a.given("--style-layer-weights") || !a.given("--style-layers")) {
    c.style_layer_weights = a.get_doubles("--style-layer-weights");
  } else {
    c.style_layer_weights.assign(c.style_layers.size(), 1.0);
  }
  if (!c.style_layer_weights_auto && c.style_layer_weights.size() != c.style_layers.size())
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
      mask_file_option("--mask", "MASK"),
      {"--style", "IMG", "", "style image"},
      mask_file_option("--style-mask", "MASK"),
      {"--size", "HxW|native", "",
       "resize both to this size (default: the checkpoint's, else the content image's own)"},
      {"--crop", "MODE", "",
       "eye[:F] | center: how --size frames them (default: the checkpoint's, "
       "else center)"},
  };
}

EvalPair load_eval_pair(const ArgParser& a, const data::MaskOptions& masks) {
  const data::SampleSource content{a.require("--content"), a.get("--mask")};
  const data::SampleSource style{a.require("--style"), a.get("--style-mask")};
  EvalPair p;
  std::tie(p.H, p.W) = size_option(a);
  if (p.H == 0) {
    const data::ImageU8 probe = data::load_image(content.image_path);
    p.H = probe.height, p.W = probe.width;
  }
  MGST_CHECK(p.H % 4 == 0 && p.W % 4 == 0, content.image_path << " is " << p.W << "x" << p.H
                                                              << ": H and W must be multiples of 4 "
                                                              << "(or pass --size HxW)");
  data::MaskOptions content_masks = masks;
  content_masks.ignore_black = false;  // --ignore-black is for style images
  data::CropOptions crop = data::parse_crop(a.get("--crop").empty() ? "center" : a.get("--crop"));
  if (crop.mode == data::CropMode::Random) crop.mode = data::CropMode::Center;
  Rng rng(0);  // unused: the crops are deterministic
  p.content = data::load_sample(content, p.H, p.W, content_masks, crop, rng);
  p.style = data::load_sample(style, p.H, p.W, masks, crop, rng);
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
  s.device = device_from(a);
  s.masks = mask_options_from(a);
  s.masks.ignore_black = a.flag("--ignore-black");  // load_eval_pair drops it for the content
  s.loss = loss_config_from(a);
  if (s.loss.style_layer_weights_auto)
    throw UsageError(
        "--style-layer-weights auto is for `mgst train` (it is set from the first "
        "training batch); give the weights");
  s.pair = load_eval_pair(a, s.masks);
  s.vgg = train::load_loss_vgg(a.get("--vgg"), s.loss, s.device);
  return s;
}

std::pair<int, int> size_option(const ArgParser& a) {
  const std::string v = a.get("--size");
  if (v.empty() || v == "native") return {0, 0};
  return data::parse_size(v);
}

namespace {
template <class T>
std::string join(const std::vector<T>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ",";
    if constexpr (std::is_same_v<T, double>) {
      char buf[32];
      s.append(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
    } else if constexpr (std::is_same_v<T, std::string>) {
      s += x;
    } else {
      s += std::to_string(x);
    }
  }
  return s;
}

// The same setting written two ways: equal text, or item by item equal as
// numbers ("1e4" and "10000").
bool same_setting(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::stringstream sa(a), sb(b);
  std::string x, y;
  while (std::getline(sa, x, ',')) {
    if (!std::getline(sb, y, ',')) return false;
    char *ex = nullptr, *ey = nullptr;
    const double dx = std::strtod(x.c_str(), &ex), dy = std::strtod(y.c_str(), &ey);
    if (x != y && (*ex || *ey || x.empty() || y.empty() || dx != dy)) return false;
  }
  return !std::getline(sb, y, ',');
}

// The checkpoint's value of each flag, as the command line would spell it.
std::vector<std::pair<std::string, std::string>> recorded_flags(const train::TrainConfig& c) {
  const losses::LossConfig& l = c.loss;
  return {
      {"--attention-labels", join(c.content_masks.attention_labels)},
      {"--ignore-labels", join(c.content_masks.ignore_labels)},
      {"--ignore-black", c.style_mask_options.ignore_black ? "1" : ""},
      {"--size", std::to_string(c.height) + "x" + std::to_string(c.width)},
      // The random crop is a training augmentation: its deterministic twin.
      {"--crop", c.crop == "random" ? "center" : c.crop},
      {"--loss-weights", join(std::vector<double>{l.w_content, l.w_style, l.w_task, l.w_tv})},
      {"--style-layers", join(l.style_layers)},
      {"--style-layer-weights", join(l.style_layer_weights)},
      {"--content-layer", l.content_layer},
      {"--lambda-att", join(std::vector<double>{l.lambda_att})},
      {"--vgg", c.vgg},
      // The task-network style term (train --task-net): its resolved weight.
      {"--task-net", c.task_net},
      {"--task-style-weight", join(std::vector<double>{c.task_net.empty() ? 0.0 : l.w_task_style})},
      {"--task-layers", join(l.task_layers)},
  };
}
}  // namespace

void use_checkpoint_defaults(ArgParser& a, const train::LoadedModel& model, const std::string& path,
                             const std::string& command) {
  if (!model.file) return;
  const char* cmd = command.c_str();
  if (auto r = model.file->metadata.find("residual");
      r != model.file->metadata.end() && (a.flag("--residual") || a.flag("--no-residual"))) {
    const std::string forced = a.flag("--residual") ? "true" : "false";
    if (forced != r->second)
      std::fprintf(stderr, "%s: %s overrides the checkpoint's %s mode\n", cmd,
                   forced == "true" ? "--residual" : "--no-residual",
                   r->second == "true" ? "residual" : "plain");
  }
  const std::optional<train::TrainConfig> cfg = train::saved_config(*model.file, path);
  if (!cfg) return;
  std::string taken;
  for (const auto& [flag, value] : recorded_flags(*cfg)) {
    if (!a.declares(flag) || (flag == "--ignore-black" && command == "purify")) continue;
    const bool is_switch = flag == "--ignore-black";
    if (a.given(flag)) {
      if (!same_setting(a.get(flag), value))
        std::fprintf(stderr, "%s: %s%s%s overrides the checkpoint's %s\n", cmd, flag.c_str(),
                     is_switch ? "" : " ", is_switch ? "" : a.get(flag).c_str(),
                     value.empty() ? "(none)"
                     : is_switch   ? "(off)"
                                   : value.c_str());
      continue;
    }
    // Weights recorded for other layers than the ones given: one each, as without a checkpoint.
    if (flag == "--style-layer-weights" && a.given("--style-layers")) continue;
    // The recorded crop frames the recorded size; at the native size there is no crop.
    if (flag == "--crop" && a.given("--size") && a.get("--size") == "native") continue;
    for (const char* file_flag : {"--vgg", "--task-net"})
      MGST_CHECK(flag != file_flag || value.empty() || std::filesystem::exists(value),
                 path << " was trained with " << file_flag << " " << value
                      << ", which is not there from here: pass " << file_flag << " FILE");
    a.set_default(flag, value);
    if (!value.empty()) taken += " " + flag + (is_switch ? "" : " " + value);
  }
  if (!taken.empty()) std::fprintf(stderr, "%s: from the checkpoint:%s\n", cmd, taken.c_str());
}

}  // namespace mgst::cli
