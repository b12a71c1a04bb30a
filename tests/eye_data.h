// A small generated real/synthetic eye dataset on disk, the layout
// `mgst train` reads: DIR/{real,real_masks,synth,synth_masks}/eI.png.
#pragma once
#include <string>

#include "apps/image_io.h"
#include "apps/synth_eyes.h"
#include "core/fileio.h"
#include "test_util.h"

namespace mgst::test {

inline std::string make_eye_dataset(const std::string& name, int H, int W, int count) {
  const std::string d = fresh_temp_dir(name);
  const auto real = app::generate_eye_set(app::EyeDomain::Real, count, H, W, 11);
  const auto synth = app::generate_eye_set(app::EyeDomain::Synthetic, count, H, W, 12);
  for (const char* sub : {"/real", "/real_masks", "/synth", "/synth_masks"})
    ensure_directory(d + sub);
  for (int i = 0; i < count; ++i) {
    const std::string f = "/e" + std::to_string(i) + ".png";
    io::save_png(d + "/real" + f, real[i].image);
    io::save_png(d + "/real_masks" + f, real[i].mask);
    io::save_png(d + "/synth" + f, synth[i].image);
    io::save_png(d + "/synth_masks" + f, synth[i].mask);
  }
  return d;
}

}  // namespace mgst::test
