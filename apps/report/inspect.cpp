// The `mgst inspect` report: one self-contained HTML page that walks METHOD.md's
// pipeline for one content/style pair, for people who want to see inside:
//   input + mask -> masks pooled to each VGG layer -> transform-net feature
//   maps -> VGG feature maps of the output -> attention/bkgd Gram matrices
//   (output vs style, and their difference) -> every loss term and its share
//   -> the purified output -> the training curves (when log.csv is beside the
//   checkpoint) -> with --trace, the autograd tape of one training step.
// Sections carry stable ids (summary, input, masks, transform-features,
// vgg-features, grams, losses, output, curves, trace) that tests rely on;
// each is one function below (`<id>_section`).
#include "apps/report/inspect.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "apps/report/html_report.h"
#include "apps/train/config.h"
#include "apps/train/log_csv.h"
#include "apps/train/style_targets.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/ops.h"
#include "core/trace.h"
#include "core/version.h"
#include "kernels/error.h"
#include "losses/regions.h"

namespace mgst::report {

namespace fs = std::filesystem;

namespace {

std::string num(double v, const char* format = "%.4g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string join_names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::string percent(double part, double whole) {
  return whole != 0 ? num(100.0 * part / whole, "%.1f%%") : "-";
}

// A share as a small CSS bar plus its percentage.
std::string share_cell(double part, double whole) {
  const double f = whole != 0 ? std::clamp(part / whole, 0.0, 1.0) : 0.0;
  return "<span class=\"bar\" style=\"width:" + num(120 * f, "%.0f") + "px\"></span>" +
         percent(part, whole);
}

// 1234567 -> "1.23 M" (FLOPs, bytes).
std::string si(double v) {
  const char* units[] = {"", " k", " M", " G", " T"};
  int u = 0;
  while (std::fabs(v) >= 1000 && u < 4) v /= 1000, ++u;
  return num(v, u ? "%.3g" : "%.0f") + units[u];
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(s[i]);
  }
  return out + "]";
}

// Display width for an image `w` pixels wide: an integer upscale to about
// `target` CSS pixels, never wider than `cap`.
int display_width(int w, int target, int cap = 560) {
  return std::min(cap, w * std::max(1, target / std::max(1, w)));
}

// The first `count` channels of sample 0 of `t` (N,C,h,w), each min-max
// normalised, coloured, upsampled (nearest) to (H, W) and tiled 4 per row.
data::ImageF feature_tiles(const Tensor& t, int count, int H, int W) {
  const int C = int(t.size(1)), h = int(t.size(2)), w = int(t.size(3));
  const std::vector<float> all = t.slice_batch(0, 1).to_vector();
  std::vector<data::ImageF> tiles;
  for (int c = 0; c < std::min(count, C); ++c)
    tiles.push_back(data::resize_nearest(normalized_channel(all, h, w, c), H, W));
  return data::image_grid(tiles, std::min(4, int(tiles.size())), 1, 1.f);
}

// A (C, C) matrix block-averaged by k in both directions (for display).
std::vector<float> shrink(const std::vector<float>& m, int C, int k) {
  if (k <= 1) return m;
  const int c = C / k;
  std::vector<float> out(std::size_t(c) * c, 0.f);
  for (int i = 0; i < c * k; ++i)
    for (int j = 0; j < c * k; ++j)
      out[std::size_t(i / k) * c + j / k] += m[std::size_t(i) * C + j] / float(k * k);
  return out;
}

// sign(v) * sqrt(|v|): lets the few large Gram entries not hide the rest.
std::vector<float> signed_sqrt(std::vector<float> v) {
  for (auto& x : v) x = x < 0 ? -std::sqrt(-x) : std::sqrt(x);
  return v;
}

data::ImageF plane(const Tensor& t) {  // sample 0 of (N,1,h,w) as a grey image
  return data::tensor_image(t, 0);
}

struct TraceRow {
  std::string op, inputs, output;
  double flops, bytes, fwd_ms, bwd_ms, out_bytes;
};

// One training step (forward + METHOD.md's losses + backward) with the tape traced.
std::vector<TraceRow> trace_step(models::TransformNet& net, const models::Vgg19& vgg,
                                 const losses::LossConfig& loss, const data::Batch& b,
                                 const losses::RegionWeights& regions,
                                 const losses::StyleTarget& target) {
  TraceScope trace;  // tracing off again on return, also on an exception
  {
    const Tensor y = net.forward(b.x, b.m);
    const auto t = losses::compute_losses(vgg, loss, y, b.x, regions, target);
    t.total.backward();
  }
  net.parameters().zero_grad();  // nothing is updated: the report shows the given weights
  std::vector<TraceRow> rows;
  for (const TraceEntry& e : trace.entries()) {
    std::string in;
    for (const auto& s : e.input_shapes) {
      if (!in.empty()) in += ' ';
      in += shape_text(s);
    }
    rows.push_back({e.op, in, shape_text(e.output_shape), e.flops, e.bytes, e.forward_ms,
                    e.backward_ms, double(shape_numel(e.output_shape)) * sizeof(float)});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const TraceRow& a, const TraceRow& b) {
    return a.fwd_ms + a.bwd_ms > b.fwd_ms + b.bwd_ms;
  });
  return rows;
}

void print_trace(const std::vector<TraceRow>& rows) {
  std::printf("%-18s %-40s %-18s %10s %10s %9s %9s %10s\n", "op", "inputs", "output", "FLOPs",
              "bytes", "fwd ms", "bwd ms", "memory");
  for (const auto& r : rows)
    std::printf("%-18s %-40s %-18s %10s %10s %9.3f %9.3f %10s\n", r.op.c_str(), r.inputs.c_str(),
                r.output.c_str(), si(r.flops).c_str(), si(r.bytes).c_str(), r.fwd_ms, r.bwd_ms,
                si(r.out_bytes).c_str());
  double fwd = 0, bwd = 0, flops = 0;
  for (const auto& r : rows) fwd += r.fwd_ms, bwd += r.bwd_ms, flops += r.flops;
  std::printf("%zu ops: forward %.2f ms, backward %.2f ms, %sFLOP forward\n", rows.size(), fwd, bwd,
              si(flops).c_str());
}

// loss.png for log.csv beside the checkpoint, as PNG bytes ("" when absent).
std::string loss_curves_png(const std::string& model_path, const SafetensorsFile* file,
                            const losses::LossConfig& fallback, std::string* note) {
  if (model_path.empty()) {
    *note = "No checkpoint given (<code>--untrained</code>), so there is no training log.";
    return "";
  }
  const fs::path log = fs::path(model_path).parent_path() / "log.csv";
  if (!fs::exists(log)) {
    *note = "No <code>" + escape(log.string()) + "</code> beside the weights file.";
    return "";
  }
  const auto rows = train::read_log_csv(log.string());
  if (rows.empty()) {
    *note = "<code>" + escape(log.string()) + "</code> holds no steps yet.";
    return "";
  }
  // The weights the run trained with (the checkpoint's config), else the flags'.
  losses::LossConfig w = fallback;
  std::string source = "the command line's loss weights (the file records no training config)";
  if (file) {
    auto it = file->metadata.find("config");
    if (it != file->metadata.end()) {
      w = train::TrainConfig::from_json(Json::parse(it->second, model_path + " metadata 'config'"))
              .loss;
      source = "the loss weights recorded in the checkpoint";
    }
  }
  const fs::path tmp =
      fs::temp_directory_path() / ("mgst_inspect_" + std::to_string(getpid()) + "_loss.png");
  train::plot_log(tmp.string(), rows, w, "training log: weighted loss terms");
  std::string bytes = read_file(tmp.string());
  std::error_code ec;
  fs::remove(tmp, ec);
  *note = "From <code>" + escape(log.string()) + "</code> (" + std::to_string(rows.size()) +
          " steps, " + std::to_string(rows.front().step) + ".." + std::to_string(rows.back().step) +
          "), weighted with " + source + ".";
  return bytes;
}

// What every section reads: the inputs and the pipeline run once on them.
struct Inspection {
  explicit Inspection(const InspectInputs& inputs) : in(inputs) {}
  const InspectInputs& in;
  data::Batch cb;  // the content sample as a batch of one
  losses::StyleTarget target;
  losses::StyleTarget task_target;  // psi's Grams of the style image (with a task network)
  losses::RegionWeights regions;
  std::vector<NamedTensor> acts;  // the transform net's activations
  Tensor y;
  losses::LossTerms terms;
  std::map<std::string, Tensor> fy;     // VGG features of y
  std::vector<std::string> vgg_layers;  // shallow to deep
  std::vector<TraceRow> trace;          // --trace only
  int main_w = 0;                       // display width of the main figures
};

// The pipeline, once, without gradients (and with --trace, one traced step).
void run_pipeline(Inspection& p) {
  const InspectInputs& in = p.in;
  const losses::LossConfig& loss = in.loss;
  p.cb = data::make_batch({in.content_sample}, in.device);
  p.target = train::single_style_target(*in.vgg, in.style_sample, loss.style_layers, in.device);
  p.regions = losses::make_regions(p.cb.m, p.cb.v);
  losses::TaskStyleTerm psi;
  if (in.task_net) {
    p.task_target =
        train::single_style_target(*in.task_net, in.style_sample, loss.task_layers, in.device);
    psi = {in.task_net, &p.task_target, loss.task_layers};
  }
  {
    NoGradGuard no_grad;
    p.y = in.net->forward_with_activations(p.cb.x, p.cb.m, &p.acts);
    p.terms = losses::compute_losses(*in.vgg, loss, p.y, p.cb.x, p.regions, p.target, psi);
    p.fy = in.vgg->features(p.y, loss.vgg_layers());
  }
  p.vgg_layers = loss.vgg_layers();
  std::sort(p.vgg_layers.begin(), p.vgg_layers.end(),
            [](const std::string& a, const std::string& b) {
              return models::Vgg19::deepest_of({a, b}) == b && a != b;
            });
  if (in.trace) {
    p.trace = trace_step(*in.net, *in.vgg, loss, p.cb, p.regions, p.target);
    std::printf("autograd tape of one training step (%s, %dx%d, batch 1), sorted by time:\n",
                in.device.str().c_str(), in.H, in.W);
    print_trace(p.trace);
  }
  p.main_w = display_width(in.W, 240, 320);
}

// What was run: inputs, size, device, the two networks, the loss settings.
void summary_section(Report& rep, const Inspection& p) {
  const data::SampleSource& content = p.in.content;
  const data::SampleSource& style = p.in.style;
  const int H = p.in.H;
  const int W = p.in.W;
  const Device device = p.in.device;
  const losses::LossConfig& loss = p.in.loss;
  const models::Vgg19& vgg = *p.in.vgg;
  rep.begin_section("summary", "Summary",
                    "What was run. Every number below is for this one sample (batch of 1).");
  std::string sl;
  for (std::size_t i = 0; i < loss.style_layers.size(); ++i)
    sl += (i ? ", " : "") + loss.style_layers[i] + " (w " + num(loss.style_layer_weights[i]) + ")";
  rep.table({"setting", "value"},
            {{"mgst", escape(version_string())},
             {"content", escape(content.image_path) +
                             (content.mask_path.empty() ? "" : " + " + escape(content.mask_path))},
             {"style", escape(style.image_path) +
                           (style.mask_path.empty() ? "" : " + " + escape(style.mask_path))},
             {"size", std::to_string(H) + "x" + std::to_string(W)},
             {"device", escape(device.str())},
             {"transform net", escape(p.in.model_description) +
                                   (p.in.net->residual() ? ", residual (y = x + c4(...))"
                                                         : ", plain (y = c4(...))")},
             {"VGG-19", vgg.pretrained() ? "pretrained (" + escape(p.in.vgg_path) + ")"
                                         : "<b>seeded random weights</b> (no --vgg)"},
             {"loss weights", "w_c " + num(loss.w_content) + ", w_s " + num(loss.w_style) +
                                  ", w_t " + num(loss.w_task) + ", w_tv " + num(loss.w_tv) +
                                  ", &lambda;_att " + num(loss.lambda_att)},
             {"style layers", escape(sl)},
             {"content layer", escape(loss.content_layer)},
             {"task network (L_psi)", p.in.task_net ? escape(p.in.task_net_path) + ", w_&psi; " +
                                                          num(loss.w_task_style) + ", layers " +
                                                          escape(join_names(loss.task_layers))
                                                    : "none (no --task-net)"}},
            "");
  rep.end_section();
}

// 1. The content and style images with their masks, bkgd weights and validities.
void input_section(Report& rep, const Inspection& p) {
  const data::Sample& cs = p.in.content_sample;
  const data::Sample& ss = p.in.style_sample;
  const Device device = p.in.device;
  const data::Batch& cb = p.cb;
  const losses::RegionWeights& regions = p.regions;
  const int main_w = p.main_w;
  rep.begin_section("input", "1. Input and masks",
                    "The content image x and its mask m (white = attention region, e.g. iris + "
                    "pupil); the bkgd region is 1 &minus; m. The style image s is a synthetic "
                    "render whose Gram matrices are the target.");
  {
    std::vector<Figure> row = {{cs.image, "content x", main_w},
                               {cs.mask, "mask m (attention)", main_w},
                               {plane(regions.bkgd.defined()
                                          ? regions.bkgd
                                          : ops::sub(Tensor::ones(cb.m.shape(), device), cb.m)),
                                "bkgd weight (1 &minus; m)&middot;v", main_w}};
    if (!cs.valid.data.empty())
      row.push_back({cs.valid, "validity v (ignored pixels black)", main_w});
    rep.figures(row);
    std::vector<Figure> srow = {{ss.image, "style s", main_w}, {ss.mask, "style mask", main_w}};
    if (!ss.valid.data.empty())
      srow.push_back({ss.valid, "style validity v (--ignore-black / --ignore-labels)", main_w});
    rep.figures(srow);
  }
  rep.end_section();
}

// 2. The region weights pooled to each VGG layer's stride.
void masks_section(Report& rep, const Inspection& p) {
  const int H = p.in.H;
  const int W = p.in.W;
  const losses::RegionWeights& regions = p.regions;
  const std::vector<std::string>& vgg_layers = p.vgg_layers;
  rep.begin_section(
      "masks", "2. The mask at each VGG layer's resolution",
      "For a layer at stride 2<sup>k</sup> the region weights are average-pooled "
      "with window and stride 2<sup>k</sup> (METHOD.md \"Masks at feature resolution\"). "
      "These weight the Gram matrices and the attention content term. A region whose "
      "pooled sum is below 1e-6 contributes nothing.");
  {
    std::vector<Figure> att_row, bkgd_row;
    const int w = display_width(W, 180, 220);
    for (const auto& l : vgg_layers) {
      const int s = models::Vgg19::layer_stride(l);
      const losses::PooledRegions p = losses::pool_regions(regions, s);
      const std::string dims = std::to_string(H / s) + "x" + std::to_string(W / s);
      att_row.push_back({plane(p.att),
                         escape(l) + " att, stride " + std::to_string(s) + ", " + dims + ", sum " +
                             num(losses::region_sums(p.att)[0]),
                         w});
      bkgd_row.push_back(
          {plane(p.bkgd), escape(l) + " bkgd, sum " + num(losses::region_sums(p.bkgd)[0]), w});
    }
    rep.figures(att_row);
    rep.figures(bkgd_row);
  }
  rep.end_section();
}

// 3. Feature maps after the transform net's c1, c3, r5 and u2.
void transform_features_section(Report& rep, const Inspection& p) {
  const int H = p.in.H;
  const int W = p.in.W;
  const std::vector<NamedTensor>& acts = p.acts;
  const int channels = p.in.channels;
  rep.begin_section("transform-features", "3. Inside the transform net",
                    "The first " + std::to_string(channels) +
                        " channels after blocks c1 (9x9, full resolution), c3 (after two stride-2 "
                        "convs), r5 (the last residual block) and u2 (after two nearest x2 "
                        "upsamplings). Each channel is min-max normalised on its own (viridis: "
                        "dark = low, yellow = high) and shown at the input's size.");
  {
    std::vector<Figure> row;
    for (const auto& nt : acts) {
      if (nt.name != "c1" && nt.name != "c3" && nt.name != "r5" && nt.name != "u2") continue;
      const data::ImageF g = feature_tiles(nt.tensor, channels, H, W);
      row.push_back({g, "<b>" + nt.name + "</b> " + shape_text(nt.tensor.shape()),
                     std::clamp(g.width, 270, 540)});
    }
    rep.figures(row);
  }
  rep.end_section();
}

// 4. VGG-19 feature maps of the output at the style and content layers.
void vgg_features_section(Report& rep, const Inspection& p) {
  const int H = p.in.H;
  const int W = p.in.W;
  const losses::LossConfig& loss = p.in.loss;
  const std::map<std::string, Tensor>& fy = p.fy;
  const std::vector<std::string>& vgg_layers = p.vgg_layers;
  const int channels = p.in.channels;
  rep.begin_section("vgg-features", "4. VGG-19 features of the output",
                    "The loss network sees the output y (ImageNet-normalised). The first " +
                        std::to_string(channels) +
                        " channels at each style and content layer, normalised per channel.");
  {
    std::vector<Figure> row;
    for (const auto& l : vgg_layers) {
      const Tensor& F = fy.at(l);
      const data::ImageF g = feature_tiles(F, channels, H, W);
      std::string role;
      for (const auto& s : loss.style_layers) role = s == l ? "style" : role;
      if (l == loss.content_layer) role += role.empty() ? "content" : " + content";
      row.push_back({g, "<b>" + escape(l) + "</b> (" + role + ") " + shape_text(F.shape()),
                     std::clamp(g.width, 270, 540)});
    }
    rep.figures(row);
  }
  rep.end_section();
}

// 5. Per style layer and region: output Gram, style Gram, their difference.
void grams_section(Report& rep, const Inspection& p) {
  const losses::LossConfig& loss = p.in.loss;
  const losses::StyleTarget& target = p.target;
  const losses::RegionWeights& regions = p.regions;
  const std::map<std::string, Tensor>& fy = p.fy;
  rep.begin_section(
      "grams", "5. Gram matrices: output vs style",
      "Per style layer and region, the masked Gram G = (F&odot;w)(F&odot;w)<sup>T</sup> / "
      "(C&Sigma;w + eps) of the output next to the style target's (one style image here), on a "
      "shared viridis scale from 0 to the larger maximum, and their difference (blue = output "
      "lower, red = output higher). Colours follow the square root of the values so that the "
      "few large entries do not hide the rest. The region style loss is the mean square of the "
      "difference.");
  {
    NoGradGuard no_grad;
    const int gw = 170;
    for (std::size_t i = 0; i < loss.style_layers.size(); ++i) {
      const std::string& l = loss.style_layers[i];
      const losses::PooledRegions p = losses::pool_regions(regions, models::Vgg19::layer_stride(l));
      const Tensor& F = fy.at(l);
      const int C = int(F.size(1));
      rep.heading(l + " (" + std::to_string(C) + "x" + std::to_string(C) + ")");
      std::vector<Figure> row;
      std::vector<std::string> notes;
      for (int r = 0; r < 2; ++r) {
        const std::string rn = losses::region_name(r);
        const float content_sum = losses::region_sums(r == losses::kAttention ? p.att : p.bkgd)[0];
        const bool style_present = target.layers.at(l)[r].valid[0] > 0;
        if (content_sum < losses::kEmptyRegion || !style_present) {
          notes.push_back(rn + ": empty in the " + (style_present ? "content" : "style") +
                          " image, contributes 0");
          continue;
        }
        const std::vector<float> go =
            ops::masked_gram(F, r == losses::kAttention ? p.att : p.bkgd, 1e-8f).to_vector();
        const std::vector<float> gs = target.layers.at(l)[r].gram.to_vector();
        float hi = 0, dmax = 0;
        double mse = 0;
        std::vector<float> diff(go.size());
        for (std::size_t k = 0; k < go.size(); ++k) {
          hi = std::max({hi, go[k], gs[k]});
          diff[k] = go[k] - gs[k];
          dmax = std::max(dmax, std::fabs(diff[k]));
          mse += double(diff[k]) * diff[k];
        }
        mse /= double(go.size());
        // Shown on a sqrt scale, block-averaged to at most 256 x 256.
        const int k = (C + 255) / 256, c = C / k;
        const std::string avg =
            k > 1 ? ", " + std::to_string(k) + "x" + std::to_string(k) + "-averaged" : "";
        row.push_back({heatmap(signed_sqrt(shrink(go, C, k)), c, c, 0.f, std::sqrt(hi)),
                       "<b>" + rn + "</b>: output G, max " + num(hi, "%.3g") + avg, gw});
        row.push_back({heatmap(signed_sqrt(shrink(gs, C, k)), c, c, 0.f, std::sqrt(hi)),
                       "<b>" + rn + "</b>: style G", gw});
        row.push_back({diverging_heatmap(signed_sqrt(shrink(diff, C, k)), c, c, std::sqrt(dmax)),
                       "<b>" + rn + "</b>: output &minus; style, &plusmn;" + num(dmax, "%.3g") +
                           ", mse " + num(mse, "%.4g"),
                       gw});
      }
      if (!row.empty()) rep.figures(row);
      for (const auto& n : notes) rep.paragraph("<span class=\"note\">" + escape(n) + "</span>");
    }
  }
  rep.end_section();
}

// 6. Each loss term, its weight and its share of L; the style layers' shares.
void losses_section(Report& rep, const Inspection& p) {
  const losses::LossConfig& loss = p.in.loss;
  const losses::LossTerms& terms = p.terms;
  const double total = terms.total.item();
  rep.begin_section("losses", "6. Loss terms",
                    "L = w_c L_c + w_s L_s + w_t L_t + w_tv L_tv for this output. The share is the "
                    "weighted term's part of L: the balance the optimiser sees.");
  {
    struct Term {
      const char* name;
      const char* what;
      double value, weight;
    };
    const Term ts[] = {
        {"content L_c",
         "VGG "
         "content-layer mse, full + attention",
         terms.content.item(), loss.w_content},
        {"style L_s", "region Gram mse, all style layers", terms.style.item(), loss.w_style},
        {"task L_t", "luminance-edge loss in the attention region", terms.task.item(), loss.w_task},
        {"tv L_tv", "total variation", terms.tv.item(), loss.w_tv},
    };
    std::vector<Term> all(std::begin(ts), std::end(ts));
    if (terms.task_style.defined())
      all.push_back({"task-net style L_&psi;", "region Gram mse on the task network's layers",
                     terms.task_style.item(), loss.w_task_style});
    std::vector<std::vector<std::string>> rows;
    for (const Term& t : all)
      rows.push_back(
          {std::string("<b>") + t.name + "</b> <span class=\"note\">" + t.what + "</span>",
           num(t.value), num(t.weight), num(t.value * t.weight),
           share_cell(t.value * t.weight, total)});
    rows.push_back({"<b>total L</b>", "", "", num(total), share_cell(total, total)});
    rep.table({"term", "unweighted", "weight", "weighted", "share of L"}, rows);

    rep.heading("Style layers");
    std::vector<std::vector<std::string>> lrows;
    const double ls = terms.style.item();
    for (std::size_t i = 0; i < loss.style_layers.size(); ++i) {
      const double v = terms.style_per_layer[i].item();
      lrows.push_back({escape(loss.style_layers[i]), num(loss.style_layer_weights[i]), num(v),
                       share_cell(v, ls), num(v * loss.w_style),
                       share_cell(v * loss.w_style, total)});
    }
    rep.table({"layer", "w_l", "w_l &Sigma;<sub>r</sub> mse", "share of L_s", "&times; w_s",
               "share of L"},
              lrows);
    rep.paragraph(
        "<span class=\"note\">With Johnson's normalisation deep layers are small; "
        "rebalance them with <code>--style-layer-weights</code> (<code>auto</code>: equal "
        "shares at the identity).</span>");
    if (terms.task_style.defined()) {
      rep.heading("Task-network layers (L_&psi;)");
      std::vector<std::vector<std::string>> trows;
      const double lp = terms.task_style.item();
      for (std::size_t i = 0; i < loss.task_layers.size(); ++i) {
        const double v = terms.task_style_per_layer[i].item();
        trows.push_back({escape(loss.task_layers[i]),
                         std::to_string(p.in.task_net->stride(loss.task_layers[i])), num(v),
                         share_cell(v, lp), num(v * loss.w_task_style),
                         share_cell(v * loss.w_task_style, total)});
      }
      rep.table({"layer", "stride", "&Sigma;<sub>r</sub> mse", "share of L_&psi;",
                 "&times; w_&psi;", "share of L"},
                trows);
    }
  }
  rep.end_section();
}

// 7. The purified output beside the input and the style image, and |y - x|.
void output_section(Report& rep, const Inspection& p) {
  const data::Sample& cs = p.in.content_sample;
  const data::Sample& ss = p.in.style_sample;
  const int H = p.in.H;
  const int W = p.in.W;
  const Tensor& y = p.y;
  const int main_w = p.main_w;
  rep.begin_section("output", "7. The purified output",
                    "y clamped to [0, 1] (the net's raw output is unbounded; images are clamped "
                    "only when written), next to the input and the style image. |y &minus; x| is "
                    "the per-pixel change summed over channels.");
  {
    const data::ImageF yi = data::tensor_image(y, 0);
    std::vector<float> change(std::size_t(H) * W, 0.f);
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < H; ++i)
        for (int j = 0; j < W; ++j)
          change[std::size_t(i) * W + j] +=
              std::fabs(std::clamp(yi.at(c, i, j), 0.f, 1.f) - cs.image.at(c, i, j));
    const float cmax = *std::max_element(change.begin(), change.end());
    rep.figures({{cs.image, "input x", main_w},
                 {yi, "purified y (clamped)", main_w},
                 {heatmap(change, H, W, 0.f, cmax > 0 ? cmax : 1.f),
                  "|y &minus; x|, max " + num(cmax, "%.3g"), main_w},
                 {ss.image, "style s", main_w}});
  }
  rep.end_section();
}

// 8. The training curves from log.csv beside the checkpoint.
void curves_section(Report& rep, const Inspection& p) {
  const losses::LossConfig& loss = p.in.loss;
  rep.begin_section("curves", "8. Training curves");
  {
    std::string note;
    const std::string png = loss_curves_png(p.in.model_path, p.in.model_file, loss, &note);
    rep.paragraph(note);
    if (!png.empty())
      rep.raw("<div class=\"row\"><figure><img src=\"data:image/png;base64," + base64(png) +
              "\" width=\"800\" alt=\"loss curves\"><figcaption>the y axis is logarithmic when the "
              "terms span decades</figcaption></figure></div>\n");
  }
  rep.end_section();
}

// 9. With --trace: the autograd tape of one training step, by op and in full.
void trace_section(Report& rep, const Inspection& p) {
  const Device device = p.in.device;
  const std::vector<TraceRow>& trace = p.trace;
  rep.begin_section(
      "trace", "9. Autograd tape of one training step",
      p.in.trace
          ? "One forward (transform net + VGG + losses) and backward on " + device.str() +
                " with tracing on: the device is synchronised around every op, so times are per "
                "op. Only ops that reach a tensor requiring grad are on the tape (constant "
                "targets are computed without it). FLOPs are analytic forward counts; bytes are "
                "the forward's reads + writes; memory is the output tensor kept for backward. "
                "No parameters were updated."
          : std::string("Run with <code>--trace</code> to add the autograd tape of one training "
                        "step here."));
  if (!trace.empty()) {
    std::map<std::string, std::array<double, 4>> by_op;  // count, fwd, bwd, flops
    double fwd = 0, bwd = 0, flops = 0, mem = 0;
    for (const auto& r : trace) {
      auto& s = by_op[r.op];
      s[0] += 1, s[1] += r.fwd_ms, s[2] += r.bwd_ms, s[3] += r.flops;
      fwd += r.fwd_ms, bwd += r.bwd_ms, flops += r.flops, mem += r.out_bytes;
    }
    rep.paragraph(std::to_string(trace.size()) + " ops, forward " + num(fwd, "%.2f") +
                  " ms, backward " + num(bwd, "%.2f") + " ms, " + si(flops) + "FLOP forward, " +
                  si(mem) + "B of outputs kept.");
    std::vector<std::pair<std::string, std::array<double, 4>>> ops_sorted(by_op.begin(),
                                                                          by_op.end());
    std::sort(ops_sorted.begin(), ops_sorted.end(), [](const auto& p, const auto& q) {
      return p.second[1] + p.second[2] > q.second[1] + q.second[2];
    });
    std::vector<std::vector<std::string>> srows;
    for (const auto& [op, s] : ops_sorted)
      srows.push_back({"<code>" + escape(op) + "</code>", num(s[0], "%.0f"), si(s[3]),
                       num(s[1], "%.3f"), num(s[2], "%.3f"), share_cell(s[1] + s[2], fwd + bwd)});
    rep.heading("By op");
    rep.table({"op", "calls", "FLOPs", "fwd ms", "bwd ms", "share of time"}, srows);
    rep.heading("Every op, slowest first");
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : trace)
      rows.push_back({"<code>" + escape(r.op) + "</code>", escape(r.inputs), escape(r.output),
                      si(r.flops), si(r.bytes), num(r.fwd_ms, "%.3f"), num(r.bwd_ms, "%.3f"),
                      si(r.out_bytes)});
    rep.raw("<div class=\"scroll\">");
    rep.table({"op", "input shapes", "output shape", "FLOPs", "bytes", "fwd ms", "bwd ms",
               "memory"},
              rows, "num trace");
    rep.raw("</div>\n");
  }
  rep.end_section();
}

}  // namespace

void write_inspect_report(const InspectInputs& in, const std::string& out_path) {
  Inspection p(in);
  run_pipeline(p);
  Report rep("mgst inspect: " + fs::path(in.content.image_path).filename().string());
  summary_section(rep, p);
  input_section(rep, p);
  masks_section(rep, p);
  transform_features_section(rep, p);
  vgg_features_section(rep, p);
  grams_section(rep, p);
  losses_section(rep, p);
  output_section(rep, p);
  curves_section(rep, p);
  trace_section(rep, p);

  const fs::path parent = fs::path(out_path).parent_path();
  if (!parent.empty()) ensure_directory(parent.string());
  write_file_atomic(out_path, rep.document());
  const losses::LossTerms& terms = p.terms;
  std::printf("loss: content %.4g, style %.4g, task %.4g, tv %.4g", terms.content.item(),
              terms.style.item(), terms.task.item(), terms.tv.item());
  if (terms.task_style.defined()) std::printf(", task-net style %.4g", terms.task_style.item());
  std::printf(", total %.4g\n", terms.total.item());
  std::printf("wrote %s\n", out_path.c_str());
}

}  // namespace mgst::report
