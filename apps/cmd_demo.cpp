// mgst demo: the main job out of the box. Generates a small eye dataset
// (real-like outdoor photos and synthetic-like renders, with masks), trains
// the purifier on it, purifies held-out real eyes and writes a before/after
// grid, the loss plot and log.csv.
#include <chrono>
#include <cstdio>

#include "apps/commands.h"
#include "apps/purify.h"
#include "apps/synth_eyes.h"
#include "apps/trainer.h"
#include "core/fileio.h"

namespace mgst::app {

namespace {
void write_set(const std::vector<SynthEye>& set, const std::string& img_dir,
               const std::string& mask_dir) {
  ensure_directory(img_dir);
  ensure_directory(mask_dir);
  for (std::size_t i = 0; i < set.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/eye%03zu.png", i);
    io::save_png(img_dir + name, set[i].image);
    io::save_png(mask_dir + name, set[i].mask);
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
                  {"--steps", "N", "120", "training steps"},
                  {"--size", "HxW", "48x64", "image size"},
                  {"--count", "N", "48", "generated images per domain"},
                  {"--seed", "N", "0", "seed of the generated data and the training"},
              });
  if (!a.parse(args)) return 0;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string out = a.get("--out");
  const auto [H, W] = parse_size(a.get("--size"));
  const int count = a.get_int("--count");
  const uint64_t seed = uint64_t(a.get_int("--seed"));
  if (count < 2) throw UsageError("--count must be >= 2");

  std::printf("generating %d real-like and %d synthetic-like eyes at %dx%d...\n", count, count, H, W);
  // Different seeds: the real and synthetic sets are unpaired, as in practice.
  const auto real = generate_eye_set(EyeDomain::Real, count, H, W, seed * 3 + 1);
  const auto synth = generate_eye_set(EyeDomain::Synthetic, count, H, W, seed * 3 + 2);
  const auto held_out = generate_eye_set(EyeDomain::Real, 6, H, W, seed * 3 + 3);
  write_set(real, out + "/data/real", out + "/data/real_masks");
  write_set(synth, out + "/data/synthetic", out + "/data/synthetic_masks");
  write_set(held_out, out + "/data/heldout", out + "/data/heldout_masks");

  TrainConfig c;
  c.content = out + "/data/real";
  c.masks = out + "/data/real_masks";
  c.style = out + "/data/synthetic";
  c.style_masks = out + "/data/synthetic_masks";
  c.height = H, c.width = W;
  c.steps = a.get_int("--steps");
  c.warmup_steps = std::min(20, std::max(1, c.steps / 5));
  c.checkpoint_every = 50;
  c.seed = seed;
  c.device = a.get("--device");
  c.out = out;
  std::printf("training (CPU runs are smoke-scale; a GPU trains the real thing)...\n");
  Trainer t(c);
  t.balance_report();
  t.run();

  std::vector<PurifyInput> inputs;
  for (const auto& e : held_out) inputs.push_back({e.image, e.mask});
  const auto purified = purify(t.net(), inputs, 4);
  std::vector<io::ImageF> tiles;
  for (std::size_t i = 0; i < held_out.size(); ++i) {
    tiles.push_back(held_out[i].image);
    tiles.push_back(purified[i]);
    tiles.push_back(synth[i].image);
  }
  io::save_png(out + "/before_after.png", io::image_grid(tiles, 3, 4));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wrote %s/before_after.png (columns: real input | purified | a synthetic style "
              "image), %s/loss.png, %s/log.csv in %.0f s\n",
              out.c_str(), out.c_str(), out.c_str(), secs);
  return 0;
}

}  // namespace mgst::app
