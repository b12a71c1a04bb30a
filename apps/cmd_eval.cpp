// mgst eval: SPEC's loss terms for one content/style pair, as JSON. This is
// how independent implementations are compared with ours: no resizing when
// the sizes already match, SPEC's default layers, exact formulas.
#include <cstdio>

#include "apps/colour_stats.h"
#include "apps/commands.h"
#include "apps/options.h"
#include "apps/trainer.h"
#include "core/autograd.h"
#include "kernels/error.h"

namespace mgst::app {

int cmd_eval(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {
      {"--model", "CKPT", "", "a checkpoint from mgst train (weights + metadata)"},
      {"--transform", "FILE", "", "transform-net weights (safetensors, SPEC names)"},
      {"--identity", "", "", "evaluate the identity y = x (the raw-input baseline)"},
      {"--residual", "", "", "force residual mode (overrides the file's metadata)"},
      {"--no-residual", "", "", "force plain mode (overrides the file's metadata)"},
      {"--vgg", "FILE", "", "VGG-19 weights; none: the seeded random VGG"},
      {"--device", "D", "cpu", "cpu | cuda | auto"},
      {"--json", "", "", "print one JSON object (the default output is also JSON)"},
  };
  for (auto& s : eval_pair_option_specs()) specs.push_back(s);
  for (auto& s : mask_option_specs()) specs.push_back(s);
  for (auto& s : loss_option_specs()) specs.push_back(s);
  ArgParser a("eval (--model CKPT | --transform FILE | --identity) --content IMG --mask MASK "
              "--style IMG --style-mask MASK [--json]",
              "Prints SPEC's unweighted loss terms content, style, task, tv, the weighted total\n"
              "and region colour statistics for one content/style pair.",
              specs);
  if (!a.parse(args)) return 0;
  const int sources = a.given("--model") + a.given("--transform") + a.flag("--identity");
  if (sources != 1) throw UsageError("give exactly one of --model, --transform, --identity");
  if (a.flag("--residual") && a.flag("--no-residual"))
    throw UsageError("--residual and --no-residual exclude each other");
  const Device device = parse_device(a.get("--device"));
  const MaskOptions mo = mask_options_from(a);
  const losses::LossConfig loss = loss_config_from(a);
  const EvalPair pair = load_eval_pair(a, mo);
  const int H = pair.H, W = pair.W;
  const Sample& cs = pair.content;
  const Sample& ss = pair.style;
  const Batch cb = make_batch({cs}, device);

  const auto vgg_ptr = load_loss_vgg(a.get("--vgg"), loss, device);
  const models::Vgg19& vgg = *vgg_ptr;
  const losses::StyleTarget target = single_style_target(vgg, ss, loss.style_layers, device);

  NoGradGuard no_grad;
  Tensor y = cb.x;
  if (!a.flag("--identity")) {
    const bool force = a.flag("--residual") || a.flag("--no-residual");
    const auto net = load_transform(a.given("--model") ? a.get("--model") : a.get("--transform"),
                                    device, !a.flag("--no-residual"), force);
    y = net->forward(cb.x, cb.m);
  }
  const losses::RegionWeights regions = losses::make_regions(cb.m, cb.v);
  const auto t = losses::compute_losses(vgg, loss, y, cb.x, regions, target);

  Json out = Json::object();
  out["content"] = double(t.content.item());
  out["style"] = double(t.style.item());
  out["task"] = double(t.task.item());
  out["tv"] = double(t.tv.item());
  out["total"] = double(t.total.item());
  Json layers = Json::object();
  for (std::size_t i = 0; i < loss.style_layers.size(); ++i)
    layers[loss.style_layers[i]] = double(t.style_per_layer[i].item());
  out["style_per_layer"] = layers;
  // Region colour statistics of output, input and style.
  const io::ImageF out_img = tensor_image(y, 0);
  auto region_pair = [](const Sample& s) {
    io::ImageF att = s.mask, bkgd = s.mask;
    for (std::size_t p = 0; p < att.data.size(); ++p) {
      const float v = s.valid.data.empty() ? 1.f : s.valid.data[p];
      att.data[p] = s.mask.data[p] * v;
      bkgd.data[p] = (1.f - s.mask.data[p]) * v;
    }
    return std::make_pair(att, bkgd);
  };
  const auto [c_att, c_bkgd] = region_pair(cs);
  const auto [s_att, s_bkgd] = region_pair(ss);
  Json stats = Json::object();
  auto both = [](const io::ImageF& img, const io::ImageF& att, const io::ImageF& bkgd) {
    Json j = Json::object();
    j["att"] = to_json(colour_stats(img, att));
    j["bkgd"] = to_json(colour_stats(img, bkgd));
    return j;
  };
  stats["output"] = both(out_img, c_att, c_bkgd);
  stats["input"] = both(cs.image, c_att, c_bkgd);
  stats["style"] = both(ss.image, s_att, s_bkgd);
  out["stats"] = stats;
  out["size"] = std::to_string(H) + "x" + std::to_string(W);
  out["vgg"] = vgg.pretrained() ? "pretrained" : "random";
  std::printf("%s\n", out.dump(a.flag("--json") ? -1 : 2).c_str());
  return 0;
}

}  // namespace mgst::app
