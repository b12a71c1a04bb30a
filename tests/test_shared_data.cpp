// The real eye data in ../shared/data (skipped where it is absent): label-map
// masks, eye crops, the ignore region of UnityEyes renders, and a short
// training run on real content / UnityEyes style.
#include <filesystem>

#include "apps/data/dataset.h"
#include "apps/train/trainer.h"
#include "test_util.h"

using namespace mgst;
using namespace mgst::data;
using namespace mgst::train;
namespace fs = std::filesystem;

namespace {
// The image/mask pairs of one ../shared/data eye-segmentation set (label maps:
// 2 = iris, 3 = pupil), which must hold `count` of them.
std::vector<SampleSource> eyeseg_pairs(const std::string& set, std::size_t count) {
  const std::string d = test::shared_data_dir() + "/" + set;
  const auto pairs = pair_files(d + "/images", d + "/masks");
  REQUIRE(pairs.size() == count);
  return pairs;
}

MaskOptions iris_and_pupil() {
  MaskOptions mo;
  mo.attention_labels = {2, 3};
  return mo;
}
}  // namespace

TEST_SUITE("shared_data") {
  TEST_CASE("real eye label maps: attention = iris + pupil, framed by the eye crop") {
    const auto pairs = eyeseg_pairs("eyeseg_real_melihoz", 40);
    const MaskOptions mo = iris_and_pupil();
    Rng rng(0);
    const Sample s = load_sample(pairs[0], 96, 128, mo, parse_crop("eye"), rng);
    CHECK(s.image.height == 96);
    CHECK(s.image.width == 128);
    double att = 0;
    for (float v : s.mask.data) {
      CHECK((v == 0.f || v == 1.f));
      att += v;
    }
    // The eye fills the crop: iris + pupil cover a visible share of it.
    CHECK(att > 0.03 * 96 * 128);
    CHECK(att < 0.6 * 96 * 128);
  }

  TEST_CASE("UnityEyes renders: black rotation borders leave the regions") {
    const auto pairs = eyeseg_pairs("eyeseg_unityeyes_melihoz", 60);
    MaskOptions mo = iris_and_pupil();
    mo.ignore_black = true;
    Rng rng(0);
    int with_border = 0;
    for (int i = 0; i < 10; ++i) {
      const Sample s = load_sample(pairs[i], 96, 128, mo, parse_crop("center"), rng);
      REQUIRE(s.valid.data.size() == s.mask.data.size());
      double dropped = 0;
      for (float v : s.valid.data) dropped += 1 - v;
      with_border += dropped > 0;
    }
    CHECK(with_border > 0);
  }

  TEST_CASE("a short training run on real content and UnityEyes style") {
    const std::string base = test::shared_data_dir();
    const fs::path out = test::fresh_temp_dir("shared_run");
    TrainConfig c;
    c.content = base + "/eyeseg_real_melihoz/images";
    c.masks = base + "/eyeseg_real_melihoz/masks";
    c.style = base + "/eyeseg_unityeyes_melihoz/images";
    c.style_masks = base + "/eyeseg_unityeyes_melihoz/masks";
    c.content_masks.attention_labels = iris_and_pupil().attention_labels;
    c.style_mask_options.attention_labels = iris_and_pupil().attention_labels;
    c.style_mask_options.ignore_black = true;
    c.crop = "eye";
    c.height = 48, c.width = 64;
    c.batch = 2;
    c.steps = 3;
    c.device = "cpu";
    c.out = out.string();
    c.quiet = true;
    Trainer t(c);
    t.run();
    const auto log = read_log_csv(c.out + "/log.csv");
    REQUIRE(log.size() == 3);
    for (const auto& r : log) {
      CHECK(std::isfinite(r.total));
      CHECK(r.style > 0);
    }
  }
}
