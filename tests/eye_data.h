// A small generated real/synthetic eye dataset on disk, the layout
// `mgst train` reads: DIR/{real,real_masks,synth,synth_masks}/eI.png, and a
// small training configuration over it.
#pragma once
#include <string>

#include "apps/data/image_io.h"
#include "apps/data/synth_eyes.h"
#include "apps/train/trainer.h"
#include "core/io/fileio.h"
#include "test_util.h"

namespace mgst::test {

inline std::string make_eye_dataset(const std::string& name, int H, int W, int count) {
  const std::string d = fresh_temp_dir(name);
  const auto real = data::generate_eye_set(data::EyeDomain::Real, count, H, W, 11);
  const auto synth = data::generate_eye_set(data::EyeDomain::Synthetic, count, H, W, 12);
  for (const char* sub : {"/real", "/real_masks", "/synth", "/synth_masks"})
    ensure_directory(d + sub);
  for (int i = 0; i < count; ++i) {
    const std::string f = "/e" + std::to_string(i) + ".png";
    data::save_png(d + "/real" + f, real[i].image);
    data::save_png(d + "/real_masks" + f, real[i].mask);
    data::save_png(d + "/synth" + f, synth[i].image);
    data::save_png(d + "/synth_masks" + f, synth[i].mask);
  }
  return d;
}

// 24x32 crops, batch 2, quiet, with the demo's loss weights: with the random
// VGG, METHOD.md's w_s = 1e4 barely moves anything in a few dozen steps.
inline train::TrainConfig small_train_config(const std::string& data, const std::string& out,
                                             const std::string& device = "cpu") {
  train::TrainConfig c;
  c.content = data + "/real";
  c.masks = data + "/real_masks";
  c.style = data + "/synth";
  c.style_masks = data + "/synth_masks";
  c.height = 24, c.width = 32;
  c.batch = 2;
  c.device = device;
  c.out = out;
  c.quiet = true;
  c.warmup_steps = 5;
  c.loss.w_style = 3e5;
  c.loss.w_tv = 3;
  return c;
}

}  // namespace mgst::test
