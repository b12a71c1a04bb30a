#include "apps/train/demo.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "apps/data/synth_eyes.h"
#include "apps/train/before_after.h"
#include "apps/train/purify.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/ops.h"
#include "losses/regions.h"

namespace mgst::train {

namespace {

void write_set(const std::vector<data::SynthEye>& set, const std::string& img_dir,
               const std::string& mask_dir, bool eye_region) {
  ensure_directory(img_dir);
  ensure_directory(mask_dir);
  for (std::size_t i = 0; i < set.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/eye%03zu.png", i);
    data::save_png(img_dir + name, set[i].image);
    data::save_png(mask_dir + name, eye_region ? set[i].eye_mask : set[i].mask);
  }
}
struct DemoSets {
  std::vector<data::SynthEye> real, synth, held_out;
};

// The generated sets, written under OUT/data.
DemoSets generate_demo_data(const DemoConfig& cfg) {
  const std::string& out = cfg.out;
  const int H = cfg.height, W = cfg.width, count = cfg.count;
  const uint64_t seed = cfg.seed;
  const bool eye_region = cfg.eye_region;
  std::printf("generating %d real-like and %d synthetic-like eyes at %dx%d...\n", count, count, H,
              W);
  // Different seeds: the real and synthetic sets are unpaired, as in practice.
  // 7 * seed + 1 and + 2 are `taskeval --demo`'s purifier sets; its other
  // sets use + 3..5, so the held-out eyes take + 6.
  DemoSets d;
  d.real = data::generate_eye_set(data::EyeDomain::Real, count, H, W, seed * 7 + 1);
  d.synth = data::generate_eye_set(data::EyeDomain::Synthetic, count, H, W, seed * 7 + 2);
  d.held_out = data::generate_eye_set(data::EyeDomain::Real, 6, H, W, seed * 7 + 6);
  write_set(d.real, out + "/data/real", out + "/data/real_masks", eye_region);
  write_set(d.synth, out + "/data/synthetic", out + "/data/synthetic_masks", eye_region);
  write_set(d.held_out, out + "/data/heldout", out + "/data/heldout_masks", eye_region);

  return d;
}

// How far the held-out images moved, under the run's own loss terms.
Json held_out_summary(Trainer& t, const std::vector<PurifyInput>& inputs) {
  const losses::LossConfig& loss = t.config().loss;
  Json summary = Json::object();
  {
    NoGradGuard no_grad;
    std::vector<data::Sample> samples;
    for (const auto& i : inputs) samples.push_back({i.image, i.mask, {}, ""});
    const data::Batch b = data::make_batch(samples, t.device());
    const auto regions = losses::make_regions(b.m, b.v);
    const Tensor y = t.net().forward(b.x, b.m);
    const auto raw = losses::compute_losses(t.vgg(), loss, b.x, b.x, regions, t.mean_target(),
                                            t.task_style_term());
    const auto pur = losses::compute_losses(t.vgg(), loss, y, b.x, regions, t.mean_target(),
                                            t.task_style_term());
    const double erase =
        ops::task_edge_loss(Tensor::zeros(b.x.shape(), b.x.device()), b.x, b.m).item();
    summary["style_distance_raw"] = double(raw.style.item());
    summary["style_distance_purified"] = double(pur.style.item());
    summary["total_loss_raw"] = double(raw.total.item());
    summary["total_loss_purified"] = double(pur.total.item());
    summary["edge_ratio_purified"] = double(pur.task.item()) / std::max(erase, 1e-30);
    std::printf(
        "held-out real eyes: style distance %.3g (raw) -> %.3g (purified); total loss "
        "%.3g -> %.3g; edge loss L_t(y,x)/L_t(0,x) = %.3f\n",
        summary["style_distance_raw"].as_number(), summary["style_distance_purified"].as_number(),
        summary["total_loss_raw"].as_number(), summary["total_loss_purified"].as_number(),
        summary["edge_ratio_purified"].as_number());
  }
  return summary;
}

}  // namespace

void run_demo(const DemoConfig& cfg) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string& out = cfg.out;
  const DemoSets d = generate_demo_data(cfg);

  TrainConfig c = demo_train_config(out + "/data", cfg.height, cfg.width, cfg.steps);
  c.checkpoint_every = 50;
  c.seed = cfg.seed;
  c.device = cfg.device;
  c.precision = cfg.precision;
  c.out = out;
  if (!cfg.task_net.empty()) {
    c.task_net = cfg.task_net;
    c.loss.task_style_weight_auto = true;
  }
  std::printf("training (CPU runs are smoke-scale; a GPU trains the real thing)...\n");
  Trainer t(c);
  t.balance_report();
  t.run();

  std::vector<PurifyInput> inputs;
  for (const auto& e : d.held_out)
    inputs.push_back({e.image, cfg.eye_region ? e.eye_mask : e.mask});
  std::vector<data::ImageF> styles;
  for (std::size_t i = 0; i < d.held_out.size(); ++i)
    styles.push_back(d.synth[i % d.synth.size()].image);
  // Replaces the grid the trainer wrote from training images with held-out ones.
  write_before_after(out + "/before_after.png", t.net(), inputs, styles);
  const Json summary = held_out_summary(t, inputs);
  write_file_atomic(out + "/summary.json", summary.dump(2) + "\n");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "wrote %s/before_after.png (columns: real input | purified | a synthetic style "
      "image), %s/loss.png, %s/log.csv in %.0f s\n",
      out.c_str(), out.c_str(), out.c_str(), secs);
}

}  // namespace mgst::train
