// The procedural eye dataset (apps/data/synth_eyes.h): determinism, ranges, mask
// invariants, shared geometry across domains, and that the two domains differ
// in style the way synthetic renders and outdoor photos do.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "apps/data/synth_eyes.h"
#include "kernels/error.h"

using mgst::data::EyeDomain;
using mgst::data::SynthEye;

namespace {

constexpr EyeDomain kDomains[] = {EyeDomain::Synthetic, EyeDomain::Real};

// Checks every invariant of one eye; returns the number of mask pixels.
int check_eye(const SynthEye& e, int H, int W) {
  REQUIRE(e.image.channels == 3);
  REQUIRE(e.image.height == H);
  REQUIRE(e.image.width == W);
  REQUIRE(e.mask.channels == 1);
  REQUIRE(e.mask.height == H);
  REQUIRE(e.mask.width == W);
  REQUIRE(e.eye_mask.channels == 1);
  REQUIRE(e.eye_mask.height == H);
  REQUIRE(e.eye_mask.width == W);
  int out_of_range = 0;  // NaN fails both comparisons
  for (float v : e.image.data) out_of_range += !(v >= 0.f && v <= 1.f);
  CHECK(out_of_range == 0);
  int n_mask = 0, n_eye = 0, outside = 0, not_binary = 0;
  for (std::size_t i = 0; i < e.mask.data.size(); ++i) {
    const float m = e.mask.data[i], em = e.eye_mask.data[i];
    not_binary += !(m == 0.f || m == 1.f) + !(em == 0.f || em == 1.f);
    n_mask += m == 1.f;
    n_eye += em == 1.f;
    outside += (m == 1.f && em == 0.f);
  }
  CHECK(not_binary == 0);
  CHECK(outside == 0);  // the mask lies inside the eyelid opening
  CHECK(n_mask > 0);
  CHECK(n_eye > n_mask);     // some sclera is visible
  CHECK(n_eye < H * W / 2);  // and there is skin around the eye
  const int px = int(std::lround(e.pupil_x)), py = int(std::lround(e.pupil_y));
  REQUIRE(px >= 0);
  REQUIRE(px < W);
  REQUIRE(py >= 0);
  REQUIRE(py < H);
  CHECK(e.mask.at(0, py, px) == 1.f);  // the pupil centre is inside the attention region
  CHECK(std::fabs(e.gaze_yaw) < 0.6f);
  CHECK(std::fabs(e.gaze_pitch) < 0.4f);
  return n_mask;
}

struct ChannelStats {
  double mean[3], std[3];
};
ChannelStats channel_stats(const mgst::data::ImageF& im) {
  ChannelStats s{};
  const std::size_t plane = std::size_t(im.height) * im.width;
  for (int c = 0; c < 3; ++c) {
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < plane; ++i) {
      const double v = im.data[c * plane + i];
      sum += v;
      sq += v * v;
    }
    s.mean[c] = sum / plane;
    s.std[c] = std::sqrt(std::max(0.0, sq / plane - s.mean[c] * s.mean[c]));
  }
  return s;
}
double spread(const std::vector<double>& v) {  // standard deviation across a set
  double m = 0, q = 0;
  for (double x : v) m += x;
  m /= v.size();
  for (double x : v) q += (x - m) * (x - m);
  return std::sqrt(q / v.size());
}
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= a.size();
  mb /= b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}
// Mean absolute difference between horizontally adjacent pixels where the
// 5x5 neighbourhood is all skin (eye_mask 0): noise and texture, not edges
// (the lash line and creases are excluded only roughly, so compare domains).
double skin_roughness(const SynthEye& e) {
  const int H = e.image.height, W = e.image.width;
  const std::size_t plane = std::size_t(H) * W;
  double sum = 0;
  int n = 0;
  for (int y = 0; y < H; y += 2)
    for (int x = 0; x + 1 < W; x += 2) {
      if (y > H / 6 && y < 5 * H / 6) continue;  // top and bottom bands: skin only
      for (int c = 0; c < 3; ++c)
        sum += std::fabs(e.image.data[c * plane + y * W + x + 1] -
                         e.image.data[c * plane + y * W + x]);
      n += 3;
    }
  return sum / std::max(1, n);
}

}  // namespace

TEST_SUITE("data") {
  TEST_CASE("synth_eyes: same seed gives the same bytes, another seed differs") {
    for (EyeDomain d : kDomains) {
      CAPTURE(std::string(mgst::data::eye_domain_name(d)));
      const auto a = mgst::data::generate_eye_set(d, 4, 96, 128, 42);
      const auto b = mgst::data::generate_eye_set(d, 4, 96, 128, 42);
      const auto c = mgst::data::generate_eye_set(d, 4, 96, 128, 43);
      REQUIRE(a.size() == 4);
      for (int i = 0; i < 4; ++i) {
        CHECK(a[i].image.data == b[i].image.data);
        CHECK(a[i].mask.data == b[i].mask.data);
        CHECK(a[i].eye_mask.data == b[i].eye_mask.data);
        CHECK(a[i].pupil_x == b[i].pupil_x);
        CHECK(a[i].pupil_y == b[i].pupil_y);
        CHECK(a[i].gaze_yaw == b[i].gaze_yaw);
        CHECK(a[i].image.data != c[i].image.data);
      }
      CHECK(a[0].image.data != a[1].image.data);
      // generate_eye is a pure function of the Rng state.
      mgst::Rng r1(7), r2(7);
      const SynthEye e1 = mgst::data::generate_eye(d, 64, 80, r1);
      const SynthEye e2 = mgst::data::generate_eye(d, 64, 80, r2);
      CHECK(e1.image.data == e2.image.data);
      CHECK(r1.state() == r2.state());
    }
    CHECK(mgst::data::generate_eye_set(EyeDomain::Real, 0, 96, 128, 1).empty());
  }

  TEST_CASE("synth_eyes: ranges, binary masks, mask inside the opening, pupil inside the mask") {
    for (EyeDomain d : kDomains) {
      CAPTURE(std::string(mgst::data::eye_domain_name(d)));
      const auto set = mgst::data::generate_eye_set(d, 48, 96, 128, 2024);
      for (std::size_t i = 0; i < set.size(); ++i) {
        CAPTURE(i);
        check_eye(set[i], 96, 128);
      }
    }
  }

  TEST_CASE("synth_eyes: both domains share the geometry of one seed") {
    const auto syn = mgst::data::generate_eye_set(EyeDomain::Synthetic, 8, 96, 128, 5);
    const auto real = mgst::data::generate_eye_set(EyeDomain::Real, 8, 96, 128, 5);
    for (int i = 0; i < 8; ++i) {
      CAPTURE(i);
      CHECK(syn[i].mask.data == real[i].mask.data);
      CHECK(syn[i].eye_mask.data == real[i].eye_mask.data);
      CHECK(syn[i].pupil_x == real[i].pupil_x);
      CHECK(syn[i].pupil_y == real[i].pupil_y);
      CHECK(syn[i].gaze_yaw == real[i].gaze_yaw);
      CHECK(syn[i].gaze_pitch == real[i].gaze_pitch);
      CHECK(syn[i].image.data != real[i].image.data);
    }
  }

  TEST_CASE("synth_eyes: the gaze places the pupil") {
    const auto set = mgst::data::generate_eye_set(EyeDomain::Synthetic, 64, 96, 128, 11);
    std::vector<double> yaw, pitch, px, py;
    for (const auto& e : set) {
      yaw.push_back(e.gaze_yaw);
      pitch.push_back(e.gaze_pitch);
      px.push_back(e.pupil_x);
      py.push_back(e.pupil_y);
    }
    const double c_yaw = correlation(yaw, px), c_pitch = correlation(pitch, py);
    MESSAGE("corr(yaw, pupil_x) = " << c_yaw << ", corr(pitch, pupil_y) = " << c_pitch);
    CHECK(c_yaw > 0.8);     // looking right moves the pupil right
    CHECK(c_pitch < -0.5);  // looking up moves it up (y grows downward)
  }

  TEST_CASE("synth_eyes: real images vary far more in colour and are noisier than synthetic ones") {
    const int n = 32;
    const auto syn = mgst::data::generate_eye_set(EyeDomain::Synthetic, n, 96, 128, 99);
    const auto real = mgst::data::generate_eye_set(EyeDomain::Real, n, 96, 128, 1234);
    auto spreads = [](const std::vector<SynthEye>& set, double& mean_spread, double& std_spread,
                      double& cast_spread) {
      std::vector<double> means[3], stds[3], cast;
      for (const auto& e : set) {
        const ChannelStats s = channel_stats(e.image);
        for (int c = 0; c < 3; ++c) {
          means[c].push_back(s.mean[c]);
          stds[c].push_back(s.std[c]);
        }
        cast.push_back(std::log((s.mean[2] + 1e-3) / (s.mean[0] + 1e-3)));  // blue / red balance
      }
      mean_spread = std_spread = 0;
      for (int c = 0; c < 3; ++c) {
        mean_spread += spread(means[c]) / 3;
        std_spread += spread(stds[c]) / 3;
      }
      cast_spread = spread(cast);
    };
    double syn_mean, syn_std, syn_cast, real_mean, real_std, real_cast;
    spreads(syn, syn_mean, syn_std, syn_cast);
    spreads(real, real_mean, real_std, real_cast);
    MESSAGE("spread of per-image channel means: synthetic " << syn_mean << ", real " << real_mean);
    MESSAGE("spread of per-image channel stds:  synthetic " << syn_std << ", real " << real_std);
    MESSAGE("spread of log(B/R):                synthetic " << syn_cast << ", real " << real_cast);
    CHECK(real_mean > 2.0 * syn_mean);
    CHECK(real_std > 1.5 * syn_std);
    CHECK(real_cast > 2.5 * syn_cast);

    double syn_rough = 0, real_rough = 0;
    for (int i = 0; i < n; ++i) {
      syn_rough += skin_roughness(syn[i]) / n;
      real_rough += skin_roughness(real[i]) / n;
    }
    MESSAGE("skin roughness (mean |horizontal difference|): synthetic " << syn_rough << ", real "
                                                                        << real_rough);
    CHECK(real_rough > 3 * syn_rough);
  }

  TEST_CASE("synth_eyes: other sizes work") {
    const int sizes[][2] = {{64, 64}, {128, 160}, {72, 96}, {160, 128}, {16, 16}, {48, 200}};
    for (const auto& hw : sizes) {
      for (EyeDomain d : kDomains) {
        CAPTURE(hw[0]);
        CAPTURE(hw[1]);
        CAPTURE(std::string(mgst::data::eye_domain_name(d)));
        const auto set = mgst::data::generate_eye_set(d, 6, hw[0], hw[1], 3);
        for (const auto& e : set) check_eye(e, hw[0], hw[1]);
      }
    }
    mgst::Rng rng(1);
    CHECK_THROWS_AS(mgst::data::generate_eye(EyeDomain::Real, 8, 128, rng), mgst::Error);
    CHECK_THROWS_AS(mgst::data::generate_eye(EyeDomain::Real, 96, 0, rng), mgst::Error);
    CHECK_THROWS_AS(mgst::data::generate_eye_set(EyeDomain::Real, -1, 96, 128, 1), mgst::Error);
  }

}  // TEST_SUITE("data")
