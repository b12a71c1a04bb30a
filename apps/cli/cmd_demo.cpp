// mgst demo: the main job out of the box. Generates a small eye dataset
// (real-like outdoor photos and synthetic-like renders, with masks), trains
// the purifier on it, purifies held-out real eyes and writes a before/after
// grid, the loss plot and log.csv.
#include <chrono>
#include <cstdio>

#include "apps/cli/commands.h"
#include "apps/train/purify.h"
#include "apps/data/synth_eyes.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/ops.h"

namespace mgst::cli {

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
}  // namespace

int cmd_demo(const std::vector<std::string>& args) {
  ArgParser a("demo [--out DIR] [--device cpu|cuda]",
              "Generates a built-in eye dataset (no downloads), trains the purifier on it,\n"
              "purifies held-out real-like eyes and writes DIR/before_after.png, DIR/loss.png,\n"
              "DIR/log.csv and DIR/checkpoint.safetensors. CPU-scale: a few minutes on 2 cores.",
              {
                  {"--out", "DIR", "demo_out", "output directory"},
                  {"--device", "D", "auto", "cpu | cuda | auto"},
                  {"--steps", "N", "200", "training steps"},
                  {"--size", "HxW", "72x96", "image size"},
                  {"--count", "N", "48", "generated images per domain"},
                  {"--seed", "N", "0", "seed of the generated data and the training"},
                  {"--mask-region", "R", "eye", "attention region: eye (eyelid opening) or iris (iris + pupil)"},
              });
  if (!a.parse(args)) return 0;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string out = a.get("--out");
  const auto [H, W] = data::parse_size(a.get("--size"));
  const int count = a.get_int("--count");
  const uint64_t seed = uint64_t(a.get_int("--seed"));
  if (count < 2) throw UsageError("--count must be >= 2");
  const std::string region = a.get("--mask-region");
  if (region != "eye" && region != "iris") throw UsageError("--mask-region: expected eye or iris");
  const bool eye_region = region == "eye";

  std::printf("generating %d real-like and %d synthetic-like eyes at %dx%d...\n", count, count, H, W);
  // Different seeds: the real and synthetic sets are unpaired, as in practice.
  const auto real = data::generate_eye_set(data::EyeDomain::Real, count, H, W, seed * 3 + 1);
  const auto synth = data::generate_eye_set(data::EyeDomain::Synthetic, count, H, W, seed * 3 + 2);
  const auto held_out = data::generate_eye_set(data::EyeDomain::Real, 6, H, W, seed * 3 + 3);
  write_set(real, out + "/data/real", out + "/data/real_masks", eye_region);
  write_set(synth, out + "/data/synthetic", out + "/data/synthetic_masks", eye_region);
  write_set(held_out, out + "/data/heldout", out + "/data/heldout_masks", eye_region);

  train::TrainConfig c = train::demo_train_config(out + "/data", H, W, a.get_int("--steps"));
  c.checkpoint_every = 50;
  c.seed = seed;
  c.device = a.get("--device");
  c.out = out;
  std::printf("training (CPU runs are smoke-scale; a GPU trains the real thing)...\n");
  train::Trainer t(c);
  t.balance_report();
  t.run();

  std::vector<train::PurifyInput> inputs;
  for (const auto& e : held_out) inputs.push_back({e.image, eye_region ? e.eye_mask : e.mask});
  const auto purified = train::purify(t.net(), inputs, 4);
  std::vector<data::ImageF> tiles;
  for (std::size_t i = 0; i < held_out.size(); ++i) {
    tiles.push_back(held_out[i].image);
    tiles.push_back(purified[i]);
    tiles.push_back(synth[i].image);
  }
  data::save_png(out + "/before_after.png", data::image_grid(tiles, 3, 4));

  // How far the held-out images moved, under the run's own loss terms.
  Json summary = Json::object();
  {
    NoGradGuard no_grad;
    std::vector<data::Sample> samples;
    for (const auto& i : inputs) samples.push_back({i.image, i.mask, {}, ""});
    const data::Batch b = data::make_batch(samples, t.device());
    const auto regions = losses::make_regions(b.m, b.v);
    const Tensor y = t.net().forward(b.x, b.m);
    const auto raw = losses::compute_losses(t.vgg(), c.loss, b.x, b.x, regions, t.mean_target());
    const auto pur = losses::compute_losses(t.vgg(), c.loss, y, b.x, regions, t.mean_target());
    const double erase =
        ops::task_edge_loss(Tensor::zeros(b.x.shape(), b.x.device()), b.x, b.m).item();
    summary["style_distance_raw"] = double(raw.style.item());
    summary["style_distance_purified"] = double(pur.style.item());
    summary["total_loss_raw"] = double(raw.total.item());
    summary["total_loss_purified"] = double(pur.total.item());
    summary["edge_ratio_purified"] = double(pur.task.item()) / std::max(erase, 1e-30);
    std::printf("held-out real eyes: style distance %.3g (raw) -> %.3g (purified); total loss "
                "%.3g -> %.3g; edge loss L_t(y,x)/L_t(0,x) = %.3f\n",
                summary["style_distance_raw"].as_number(),
                summary["style_distance_purified"].as_number(),
                summary["total_loss_raw"].as_number(), summary["total_loss_purified"].as_number(),
                summary["edge_ratio_purified"].as_number());
  }
  write_file_atomic(out + "/summary.json", summary.dump(2) + "\n");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wrote %s/before_after.png (columns: real input | purified | a synthetic style "
              "image), %s/loss.png, %s/log.csv in %.0f s\n",
              out.c_str(), out.c_str(), out.c_str(), secs);
  return 0;
}

}  // namespace mgst::cli
