#include "apps/eval/taskeval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "apps/eval/colour_transfer.h"
#include "apps/train/purify.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "core/parameters.h"
#include "core/version.h"
#include "kernels/error.h"

namespace mgst::eval {

namespace {
constexpr double kPi = 3.14159265358979323846;

data::ImageF clamped(data::ImageF img) {
  for (auto& v : img.data) v = std::isfinite(v) ? std::clamp(v, 0.f, 1.f) : 0.f;
  return img;
}

double elapsed_s(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool all_have_gaze(const std::vector<data::EyeSample>& v) {
  return !v.empty() &&
         std::all_of(v.begin(), v.end(), [](const data::EyeSample& s) { return s.has_gaze; });
}

Json interval_json(Interval i) {
  Json a = Json::array();
  a.push_back(i.low);
  a.push_back(i.high);
  return a;
}
}  // namespace

std::unique_ptr<models::PupilRegressor> train_regressor(const std::vector<data::EyeSample>& all,
                                                        const RegressorTrainConfig& cfg,
                                                        uint64_t seed, Device device,
                                                        std::vector<double>* loss_log,
                                                        RegressorTrainInfo* info) {
  MGST_CHECK(!all.empty(), "train_regressor: no training images");
  MGST_CHECK(cfg.steps >= 1 && cfg.batch >= 1 && cfg.eval_every >= 1,
             "train_regressor: steps " << cfg.steps << ", batch " << cfg.batch << ", eval every "
                                       << cfg.eval_every);
  // The early-stopping split: every k-th image.
  std::vector<data::EyeSample> train, val;
  const bool early = cfg.patience > 0 && cfg.val_fraction > 0 && all.size() >= 10;
  const std::size_t every =
      early ? std::max<std::size_t>(2, std::size_t(std::lround(1.0 / cfg.val_fraction))) : 0;
  for (std::size_t i = 0; i < all.size(); ++i)
    (early && i % every == every - 1 ? val : train).push_back(all[i]);
  const int H = train[0].image.height, W = train[0].image.width;
  for (const auto& s : train)
    MGST_CHECK(s.image.height == H && s.image.width == W,
               "train_regressor: " << s.name << " is " << s.image.width << "x" << s.image.height
                                   << ", expected " << W << "x" << H);
  models::PupilRegressorConfig nc = cfg.net;
  nc.height = H, nc.width = W;
  nc.gaze = all_have_gaze(train);
  if (nc.channels.empty()) {
    nc.channels = {16, 32, 64};
    for (int h = H >> 3; h > 6 && (W >> nc.channels.size()) >= 4; h >>= 1)
      nc.channels.push_back(64);
  }
  auto net = std::make_unique<models::PupilRegressor>(nc, seed, device);
  Adam adam(net->parameters(), AdamConfig{});
  // Batches come from their own stream so the init and the data order are
  // independent functions of the seed.
  Rng rng(seed * 0x9E3779B97F4A7C15ull + 0x5851F42D4C957F2Dull);
  const int B = cfg.batch, O = net->outputs();
  std::vector<float> x(std::size_t(B) * 3 * H * W), t(std::size_t(B) * O);
  // Per-output weights: mean over (B, 4) of w * d^2 = centre MSE + gaze_weight * gaze MSE.
  Tensor col_w;
  if (nc.gaze) {
    std::vector<float> w(std::size_t(B) * 4);
    for (int b = 0; b < B; ++b)
      for (int k = 0; k < 4; ++k)
        w[std::size_t(4 * b + k)] = k < 2 ? 2.f : 2.f * float(cfg.gaze_weight);
    col_w = Tensor::from_vector({B, 4}, w, device);
  }
  std::vector<data::ImageF> val_images;
  for (const auto& s : val) val_images.push_back(s.image);
  std::vector<float> best;  // the parameter block at the best check
  RegressorTrainInfo ri;
  ri.val_images = int(val.size());
  int since_best = 0;
  for (int step = 0; step < cfg.steps; ++step) {
    for (int b = 0; b < B; ++b) {
      const data::EyeSample& s = train[std::size_t(rng.randint(int64_t(train.size())))];
      int dx = 0, dy = 0;
      bool flip = false;
      if (cfg.geometric && cfg.max_shift > 0) {
        dx = int(rng.randint(2 * cfg.max_shift + 1)) - cfg.max_shift;
        dy = int(rng.randint(2 * cfg.max_shift + 1)) - cfg.max_shift;
      }
      if (cfg.geometric) flip = rng.randint(2) == 1;
      data::ImageF img = s.image;
      float cx = s.cx, cy = s.cy;
      data::Gaze gaze = s.gaze;
      if (cfg.geometric && (cfg.max_rotate_deg > 0 || cfg.max_scale > 0)) {
        const double a = cfg.max_rotate_deg * kPi / 180 * (2 * rng.uniform() - 1);
        const double k = 1 + cfg.max_scale * (2 * rng.uniform() - 1);
        const double ox = 0.5 * (W - 1), oy = 0.5 * (H - 1);
        img = data::rotate_scale(img, a, k, ox, oy);
        const auto [x, y] = data::rotate_scale_point(cx, cy, a, k, ox, oy);
        cx = float(x), cy = float(y);
        gaze = data::rotate_gaze(gaze, a);
      }
      // Cropping at (dy, dx) moves the content by (-dx, -dy).
      if (dx || dy) img = data::crop(img, dy, dx, H, W);
      cx -= float(dx), cy -= float(dy);
      if (flip) {
        for (int c = 0; c < 3; ++c)
          for (int i = 0; i < H; ++i)
            for (int j = 0; j < W / 2; ++j) std::swap(img.at(c, i, j), img.at(c, i, W - 1 - j));
        cx = float(W - 1) - cx;
      }
      if (cfg.colour) {
        const float c = float(cfg.colour_jitter);
        for (int ch = 0; ch < 3; ++ch) {
          const float gain = 1.f + c * (2.f * float(rng.uniform()) - 1.f);
          const float off = 0.5f * c * (2.f * float(rng.uniform()) - 1.f);
          for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j)
              img.at(ch, i, j) = std::clamp(img.at(ch, i, j) * gain + off, 0.f, 1.f);
        }
      }
      std::copy(img.data.begin(), img.data.end(), x.begin() + std::size_t(b) * 3 * H * W);
      t[O * b] = models::PupilRegressor::to_unit(cx, W);
      t[O * b + 1] = models::PupilRegressor::to_unit(cy, H);
      if (nc.gaze) {  // translation leaves the gaze unchanged; a flip mirrors the yaw
        t[O * b + 2] = float(flip ? -gaze.yaw : gaze.yaw) / models::PupilRegressor::kGazeScale;
        t[O * b + 3] = float(gaze.pitch) / models::PupilRegressor::kGazeScale;
      }
    }
    const Tensor xt = Tensor::from_vector({B, 3, H, W}, x, device);
    const Tensor tt = Tensor::from_vector({B, O}, t, device);
    Tensor loss;
    if (nc.gaze) {
      const Tensor d = ops::sub(net->forward(xt), tt);
      loss = ops::mean(ops::mul(ops::mul(d, d), col_w));
    } else {
      loss = ops::mse(net->forward(xt), tt);
    }
    loss.backward();
    const double lr = cfg.lr * 0.5 * (1.0 + std::cos(kPi * step / cfg.steps));
    adam.step(float(lr));
    net->parameters().zero_grad();
    if (loss_log) loss_log->push_back(loss.item());
    ri.steps_run = step + 1;
    if (!early) continue;
    if ((step + 1) % cfg.eval_every == 0 || step + 1 == cfg.steps) {
      const double e = mean_of(pixel_errors(predict_centres(*net, val_images), val));
      if (best.empty() || e < ri.best_val_px) {
        ri.best_val_px = e, ri.best_step = step + 1, since_best = 0;
        best = net->parameters().block().to_vector();
      } else if (++since_best >= cfg.patience) {
        break;
      }
    }
  }
  if (early && !best.empty())
    Tensor(net->parameters().block()).copy_from(Tensor::from_vector({int64_t(best.size())}, best));
  if (!early) ri.best_step = ri.steps_run;
  if (info) *info = ri;
  return net;
}

std::vector<data::EyeSample> eye_samples(const std::vector<data::SynthEye>& set, bool eye_region,
                                         const std::string& prefix) {
  std::vector<data::EyeSample> out;
  for (std::size_t i = 0; i < set.size(); ++i) {
    data::EyeSample s;
    char num[24];
    std::snprintf(num, sizeof num, "%03zu", i);
    s.name = prefix + num;
    s.image = set[i].image;
    s.mask = eye_region ? set[i].eye_mask : set[i].mask;
    s.cx = set[i].pupil_x, s.cy = set[i].pupil_y;
    s.has_gaze = true, s.gaze = {set[i].gaze_yaw, set[i].gaze_pitch};
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<data::EyeSample> demo_synthetic_train(int height, int width, uint64_t data_seed,
                                                  bool eye_region) {
  return eye_samples(data::generate_eye_set(data::EyeDomain::Synthetic, 240, height, width,
                                            data_seed * 7 + 3),
                     eye_region, "syn");
}

RegressorTrainInfo train_task_network(const std::vector<data::EyeSample>& synthetic,
                                      const RegressorTrainConfig& cfg, uint64_t seed, Device device,
                                      const std::string& path) {
  RegressorTrainInfo ri;
  const auto psi = train_regressor(synthetic, cfg, seed, device, nullptr, &ri);
  models::save_pupil_regressor(path, *psi,
                               {{"seed", std::to_string(seed)},
                                {"steps_run", std::to_string(ri.steps_run)},
                                {"best_step", std::to_string(ri.best_step)}});
  return ri;
}

std::vector<data::Point2> predict_centres(const models::PupilRegressor& net,
                                          const std::vector<data::ImageF>& images, int batch,
                                          std::vector<data::Gaze>* gaze) {
  NoGradGuard no_grad;
  MGST_CHECK(!gaze || net.config().gaze, "predict_centres: the regressor has no gaze head");
  const int H = net.config().height, W = net.config().width, O = net.outputs();
  if (gaze) gaze->clear();
  std::vector<data::Point2> out;
  for (std::size_t b0 = 0; b0 < images.size(); b0 += std::size_t(batch)) {
    const std::size_t n = std::min<std::size_t>(std::size_t(batch), images.size() - b0);
    std::vector<float> x;
    for (std::size_t k = 0; k < n; ++k) {
      const data::ImageF img = clamped(images[b0 + k]);
      MGST_CHECK(img.channels == 3 && img.height == H && img.width == W,
                 "predict_centres: image " << b0 + k << " is " << img.width << "x" << img.height
                                           << ", the regressor reads " << W << "x" << H);
      x.insert(x.end(), img.data.begin(), img.data.end());
    }
    const std::vector<float> p =
        net.forward(Tensor::from_vector({int64_t(n), 3, H, W}, x, net.device())).to_vector();
    for (std::size_t k = 0; k < n; ++k) {
      out.push_back({models::PupilRegressor::to_pixel(p[O * k], W),
                     models::PupilRegressor::to_pixel(p[O * k + 1], H)});
      if (gaze)
        gaze->push_back({double(p[O * k + 2]) * models::PupilRegressor::kGazeScale,
                         double(p[O * k + 3]) * models::PupilRegressor::kGazeScale});
    }
  }
  return out;
}

namespace {
// err[i] = distance(pred[i], truth[i]) for one prediction per image.
template <class Pred, class Distance>
std::vector<double> errors(const char* what, const std::vector<Pred>& pred,
                           const std::vector<data::EyeSample>& truth, Distance distance) {
  MGST_CHECK(pred.size() == truth.size(),
             what << ": " << pred.size() << " predictions for " << truth.size() << " images");
  std::vector<double> e(pred.size());
  for (std::size_t i = 0; i < e.size(); ++i) e[i] = distance(pred[i], truth[i]);
  return e;
}
}  // namespace

std::vector<double> pixel_errors(const std::vector<data::Point2>& pred,
                                 const std::vector<data::EyeSample>& truth) {
  return errors("pixel_errors", pred, truth, [](const data::Point2& p, const data::EyeSample& t) {
    return std::hypot(p.x - t.cx, p.y - t.cy);
  });
}

std::vector<double> gaze_errors(const std::vector<data::Gaze>& pred,
                                const std::vector<data::EyeSample>& truth) {
  return errors("gaze_errors", pred, truth, [](const data::Gaze& g, const data::EyeSample& t) {
    MGST_CHECK(t.has_gaze, "gaze_errors: " << t.name << " has no gaze");
    return data::gaze_angle_deg(g, t.gaze);
  });
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / double(v.size());
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Interval bootstrap_mean_ci(const std::vector<double>& v, int resamples, uint64_t seed,
                           double level) {
  MGST_CHECK(!v.empty() && resamples >= 10,
             "bootstrap: " << v.size() << " values, " << resamples << " resamples");
  Rng rng(seed);
  std::vector<double> means(static_cast<std::size_t>(resamples));
  const int64_t n = int64_t(v.size());
  for (auto& m : means) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += v[std::size_t(rng.randint(n))];
    m = s / double(n);
  }
  std::sort(means.begin(), means.end());
  const double a = (1.0 - level) / 2;
  auto q = [&](double p) {
    const double idx = p * (resamples - 1);
    const std::size_t lo = std::size_t(std::floor(idx)), hi = std::min(lo + 1, means.size() - 1);
    return means[lo] + (idx - double(lo)) * (means[hi] - means[lo]);
  };
  return {q(a), q(1 - a)};
}

data::ImageF shift_mask(const data::ImageF& mask, int dx) {
  data::ImageF out(mask.channels, mask.height, mask.width, 0.f);
  for (int c = 0; c < mask.channels; ++c)
    for (int y = 0; y < mask.height; ++y)
      for (int x = 0; x < mask.width; ++x) {
        const int sx = x - dx;
        if (sx >= 0 && sx < mask.width) out.at(c, y, x) = mask.at(c, y, sx);
      }
  return out;
}

namespace {

// One condition's predictions, seeds x images.
struct Condition {
  std::string key, label;
  std::vector<std::vector<data::Point2>> pred;  // [seed][image]
  std::vector<std::vector<double>> err;         // [seed][image]
  std::vector<std::vector<data::Gaze>> gpred;   // [seed][image], with gaze only
  std::vector<std::vector<double>> gerr;        // [seed][image] degrees, with gaze only
  static std::vector<double> over_seeds(const std::vector<std::vector<double>>& by_seed) {
    std::vector<double> e(by_seed[0].size(), 0.0);
    for (const auto& s : by_seed)
      for (std::size_t i = 0; i < e.size(); ++i) e[i] += s[i] / double(by_seed.size());
    return e;
  }
  std::vector<double> per_image() const { return over_seeds(err); }  // mean over seeds
  std::vector<double> per_image_gaze() const { return over_seeds(gerr); }
  data::Gaze mean_gaze(std::size_t i) const {
    data::Gaze g;
    for (const auto& s : gpred)
      g.yaw += s[i].yaw / double(gpred.size()), g.pitch += s[i].pitch / double(gpred.size());
    return g;
  }
  data::Point2 mean_pred(std::size_t i) const {
    data::Point2 p;
    for (const auto& s : pred)
      p.x += s[i].x / double(pred.size()), p.y += s[i].y / double(pred.size());
    return p;
  }
};

// Adds the gaze entries of one condition: per-image degrees `e`, per-seed
// means, and the paired difference to raw's `raw`.
void gaze_summary(Json& j, const std::vector<double>& e,
                  const std::vector<std::vector<double>>* by_seed, const std::vector<double>* raw,
                  int resamples, uint64_t seed) {
  j["mean_gaze_error_deg"] = mean_of(e);
  j["median_gaze_error_deg"] = median_of(e);
  j["gaze_ci95"] = interval_json(bootstrap_mean_ci(e, resamples, seed));
  if (by_seed) {
    Json ps = Json::array();
    for (const auto& s : *by_seed) ps.push_back(mean_of(s));
    j["per_seed_mean_gaze_deg"] = ps;
  }
  if (raw) {
    std::vector<double> d(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) d[i] = (*raw)[i] - e[i];
    Json& dj = j["raw_minus_this"];
    dj["mean_gaze_deg"] = mean_of(d);
    dj["gaze_ci95"] = interval_json(bootstrap_mean_ci(d, resamples, seed));
  }
}

Json summary(const Condition& c, const std::vector<double>* raw, int resamples, uint64_t seed,
             const std::vector<double>* raw_gaze = nullptr) {
  const std::vector<double> e = c.per_image();
  Json j = Json::object();
  j["mean_px_error"] = mean_of(e);
  j["median_px_error"] = median_of(e);
  j["ci95"] = interval_json(bootstrap_mean_ci(e, resamples, seed));
  Json ps = Json::array();
  for (const auto& s : c.err) ps.push_back(mean_of(s));
  j["per_seed_mean"] = ps;
  if (raw) {
    std::vector<double> d(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) d[i] = (*raw)[i] - e[i];
    Json dj = Json::object();
    dj["mean_px"] = mean_of(d);
    // Same resampling seed as the conditions: the pairs are resampled together.
    dj["ci95"] = interval_json(bootstrap_mean_ci(d, resamples, seed));
    j["raw_minus_this"] = dj;
  }
  if (!c.gerr.empty()) gaze_summary(j, c.per_image_gaze(), &c.gerr, raw_gaze, resamples, seed);
  return j;
}

// Mean over seeds of |p_shifted - p| per image.
std::vector<double> moves(const Condition& base, const Condition& shifted) {
  std::vector<double> m(base.pred[0].size(), 0.0);
  for (std::size_t s = 0; s < base.pred.size(); ++s)
    for (std::size_t i = 0; i < m.size(); ++i)
      m[i] += std::hypot(shifted.pred[s][i].x - base.pred[s][i].x,
                         shifted.pred[s][i].y - base.pred[s][i].y) /
              double(base.pred.size());
  return m;
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

}  // namespace

namespace {

// The input images of every condition, by key, and the keys in report order.
struct ConditionImages {
  std::map<std::string, std::vector<data::ImageF>> images;
  std::vector<std::string> keys;
};

ConditionImages condition_images(const TaskEvalData& data, const models::TransformNet* purifier,
                                 const TaskEvalConfig& cfg) {
  const auto& test = data.real_test;
  const std::size_t N = test.size();
  ConditionImages ci;
  auto& images = ci.images;
  std::vector<data::ImageF> raw, shifted_masks;
  for (const auto& s : test)
    raw.push_back(s.image), shifted_masks.push_back(shift_mask(s.mask, cfg.leak_shift));
  const auto& style = data.style.empty() ? data.train : data.style;
  std::vector<const data::ImageF*> si, sm, sv;
  for (const auto& s : style) {
    si.push_back(&s.image), sm.push_back(&s.mask);
    sv.push_back(s.valid.data.empty() ? nullptr : &s.valid);
  }
  const StyleColourStats target = style_colour_stats(si, sm, sv);
  images["raw"] = raw;
  for (std::size_t i = 0; i < N; ++i) {
    images["global_colour"].push_back(
        global_colour_transfer(test[i].image, test[i].valid, target.global));
    images["region_colour"].push_back(
        region_colour_transfer(test[i].image, test[i].mask, test[i].valid, target));
    images["region_colour_shifted"].push_back(
        region_colour_transfer(test[i].image, shifted_masks[i], test[i].valid, target));
  }
  if (purifier) {
    std::vector<train::PurifyInput> in, in_shift;
    for (std::size_t i = 0; i < N; ++i) {
      in.push_back({test[i].image, test[i].mask});
      in_shift.push_back({test[i].image, shifted_masks[i]});
    }
    images["purified"] = train::purify(*purifier, in, 8);
    images["purified_shifted"] = train::purify(*purifier, in_shift, 8);
  }
  std::vector<std::string>& keys = ci.keys;
  keys = {"raw"};
  if (purifier) keys.push_back("purified");
  for (const char* k : {"global_colour", "region_colour"}) keys.push_back(k);
  if (purifier) keys.push_back("purified_shifted");
  keys.push_back("region_colour_shifted");

  return ci;
}

// The regressors' predictions and errors under every condition, one
// regressor per seed, and the held-out synthetic check.
struct SeedRuns {
  std::map<std::string, Condition> cond;
  std::vector<double> synth_seed_mean;
  std::vector<double> synth_err_sum;
  std::vector<double> synth_gaze_seed_mean, synth_gaze_sum;
  Json train_loss = Json::array();
  Json seeds = Json::array();      // the scoring regressors' seeds
  Json steps_run = Json::array();  // per seed: steps taken (early stopping)
  Json best_step = Json::array();  // per seed: the step kept
  Json val_error = Json::array();  // per seed: its early-stopping validation error (px)
};

// FNV-1a over bytes.
void hash_bytes(uint64_t& h, const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001B3ull;
}

// train_regressor, or its copy in cfg.regressor_cache (the training images,
// centres, gaze, settings and seed must all match: they make the file name).
std::unique_ptr<models::PupilRegressor> cached_regressor(const std::vector<data::EyeSample>& train,
                                                         const TaskEvalConfig& cfg, uint64_t seed,
                                                         std::vector<double>* losses,
                                                         RegressorTrainInfo* info) {
  if (cfg.regressor_cache.empty())
    return train_regressor(train, cfg.regressor, seed, cfg.device, losses, info);
  uint64_t h = 0xCBF29CE484222325ull;
  for (const auto& s : train) {
    hash_bytes(h, s.image.data.data(), s.image.data.size() * sizeof(float));
    const double v[5] = {s.cx, s.cy, s.gaze.yaw, s.gaze.pitch, s.has_gaze ? 1.0 : 0.0};
    hash_bytes(h, v, sizeof v);
  }
  const RegressorTrainConfig& r = cfg.regressor;
  std::ostringstream os;
  os << seed << ' ' << r.steps << ' ' << r.eval_every << ' ' << r.patience << ' ' << r.val_fraction
     << ' ' << r.batch << ' ' << r.lr << ' ' << r.geometric << ' ' << r.max_shift << ' ' << r.colour
     << ' ' << r.colour_jitter << ' ' << r.gaze_weight << ' ' << r.net.hidden << ' '
     << r.net.channels.size();
  if (r.max_rotate_deg > 0 || r.max_scale > 0)  // (older cache names stay valid)
    os << " rs " << r.max_rotate_deg << ' ' << r.max_scale;
  for (int c : r.net.channels) os << ' ' << c;
  const std::string key = os.str();
  hash_bytes(h, key.data(), key.size());
  char name[64];
  std::snprintf(name, sizeof name, "/regressor_%016llx.safetensors", (unsigned long long)h);
  const std::string path = cfg.regressor_cache + name;
  if (std::filesystem::exists(path)) {
    const SafetensorsFile f = read_safetensors(path);
    auto meta = [&](const char* k) {
      auto it = f.metadata.find(k);
      MGST_CHECK(it != f.metadata.end(), path << ": metadata '" << k << "' missing");
      return std::stoi(it->second);
    };
    if (info) {
      info->steps_run = meta("steps_run"), info->best_step = meta("best_step");
      info->val_images = meta("val_images");
      info->best_val_px = std::stod(f.metadata.at("best_val_px"));
    }
    if (losses) losses->assign(1, std::stod(f.metadata.at("final_loss")));
    if (cfg.verbose)
      std::fprintf(stderr, "regressor seed %llu: from %s\n", (unsigned long long)seed,
                   path.c_str());
    return models::load_pupil_regressor(path, cfg.device);
  }
  RegressorTrainInfo ri;
  std::vector<double> log;
  auto net = train_regressor(train, cfg.regressor, seed, cfg.device, &log, &ri);
  ensure_directory(cfg.regressor_cache);
  double tail = 0;
  const std::size_t k0 = log.size() - std::min<std::size_t>(20, log.size());
  for (std::size_t k = k0; k < log.size(); ++k) tail += log[k] / double(log.size() - k0);
  models::save_pupil_regressor(path, *net,
                               {{"seed", std::to_string(seed)},
                                {"steps_run", std::to_string(ri.steps_run)},
                                {"best_step", std::to_string(ri.best_step)},
                                {"val_images", std::to_string(ri.val_images)},
                                {"best_val_px", std::to_string(ri.best_val_px)},
                                {"final_loss", std::to_string(tail)},
                                {"settings", key}});
  if (info) *info = ri;
  if (losses) *losses = std::move(log);
  return net;
}

// The scoring regressors' seeds: the first cfg.seeds of seed, seed+1, ...
// that are not excluded (the loss network's seed).
std::vector<uint64_t> scoring_seeds(const TaskEvalConfig& cfg) {
  std::vector<uint64_t> out;
  for (uint64_t s = cfg.seed; int(out.size()) < cfg.seeds; ++s)
    if (std::find(cfg.exclude_seeds.begin(), cfg.exclude_seeds.end(), s) == cfg.exclude_seeds.end())
      out.push_back(s);
  return out;
}

// Throws when `net` has the loss network's exact weights: it must never score.
void check_not_loss_network(const models::PupilRegressor& net, const TaskEvalConfig& cfg,
                            uint64_t seed) {
  if (!cfg.loss_network) return;
  const Tensor& a = net.parameters().block();
  const Tensor& b = cfg.loss_network->parameters().block();
  MGST_CHECK(a.numel() != b.numel() || a.to_vector() != b.to_vector(),
             "taskeval: the regressor of seed "
                 << seed
                 << " is the purifier's loss network (--task-net) itself; METHOD.md \"No scoring "
                    "with the loss network\": choose other --seed values");
}

SeedRuns run_seeds(const TaskEvalData& data, ConditionImages& ci, bool gaze, bool synth_gaze,
                   const TaskEvalConfig& cfg) {
  const auto& test = data.real_test;
  const auto& keys = ci.keys;
  auto& images = ci.images;
  SeedRuns r;
  auto& cond = r.cond;
  auto& synth_seed_mean = r.synth_seed_mean;
  auto& synth_err_sum = r.synth_err_sum;
  auto& synth_gaze_seed_mean = r.synth_gaze_seed_mean;
  auto& synth_gaze_sum = r.synth_gaze_sum;
  auto& train_loss = r.train_loss;
  for (const auto& k : keys) cond[k].key = k;
  synth_err_sum.assign(data.synthetic_test.size(), 0.0);
  synth_gaze_sum.assign(data.synthetic_test.size(), 0.0);
  const std::vector<uint64_t> seeds = scoring_seeds(cfg);
  for (std::size_t si = 0; si < seeds.size(); ++si) {
    const uint64_t seed = seeds[si];
    const auto ts = std::chrono::steady_clock::now();
    std::vector<double> losses;
    RegressorTrainInfo info;
    const auto net = cached_regressor(data.train, cfg, seed, &losses, &info);
    check_not_loss_network(*net, cfg, seed);
    if (si == 0 && !cfg.save_regressor.empty()) {
      models::save_pupil_regressor(
          cfg.save_regressor, *net,
          {{"seed", std::to_string(seed)},
           {"train_images", std::to_string(data.train.size())},
           {"steps_run", std::to_string(info.steps_run)},
           {"best_step", std::to_string(info.best_step)},
           {"what", "mgst taskeval pupil regressor, trained on synthetic images only"}});
      if (cfg.verbose)
        std::fprintf(stderr, "wrote the seed-%llu regressor to %s\n", (unsigned long long)seed,
                     cfg.save_regressor.c_str());
    }
    r.seeds.push_back(int64_t(seed));
    r.steps_run.push_back(info.steps_run);
    r.best_step.push_back(info.best_step);
    r.val_error.push_back(info.best_val_px);
    for (const auto& k : keys) {
      std::vector<data::Gaze> g;
      auto p = predict_centres(*net, images[k], 32, gaze ? &g : nullptr);
      cond[k].err.push_back(pixel_errors(p, test));
      cond[k].pred.push_back(std::move(p));
      if (gaze) {
        cond[k].gerr.push_back(gaze_errors(g, test));
        cond[k].gpred.push_back(std::move(g));
      }
    }
    if (!data.synthetic_test.empty()) {
      std::vector<data::ImageF> st;
      for (const auto& e : data.synthetic_test) st.push_back(e.image);
      std::vector<data::Gaze> g;
      const auto e = pixel_errors(predict_centres(*net, st, 32, synth_gaze ? &g : nullptr),
                                  data.synthetic_test);
      synth_seed_mean.push_back(mean_of(e));
      for (std::size_t i = 0; i < e.size(); ++i) synth_err_sum[i] += e[i] / cfg.seeds;
      if (synth_gaze) {
        const auto ge = gaze_errors(g, data.synthetic_test);
        synth_gaze_seed_mean.push_back(mean_of(ge));
        for (std::size_t i = 0; i < ge.size(); ++i) synth_gaze_sum[i] += ge[i] / cfg.seeds;
      }
    }
    double tail = 0;
    const std::size_t k0 = losses.size() - std::min<std::size_t>(20, losses.size());
    for (std::size_t k = k0; k < losses.size(); ++k) tail += losses[k] / double(losses.size() - k0);
    train_loss.push_back(tail);
    if (cfg.verbose)
      std::fprintf(stderr,
                   "regressor seed %llu: %d steps (kept step %d) in %.1f s, final loss %.4g, raw "
                   "real error %.2f px%s%s%s\n",
                   (unsigned long long)seed, info.steps_run, info.best_step, elapsed_s(ts), tail,
                   mean_of(cond["raw"].err.back()),
                   gaze ? (" / " + fmt(mean_of(cond["raw"].gerr.back())) + " deg").c_str() : "",
                   synth_seed_mean.empty()
                       ? ""
                       : (", held-out synthetic " + fmt(synth_seed_mean.back()) + " px").c_str(),
                   synth_gaze ? (" / " + fmt(synth_gaze_seed_mean.back()) + " deg").c_str() : "");
  }

  return r;
}

// The floor: always predict the training set's mean centre (and mean gaze).
Json constant_baseline(const TaskEvalData& data, bool gaze, int R, uint64_t bs) {
  const auto& test = data.real_test;
  const std::size_t N = test.size();
  double mx = 0, my = 0;
  for (const auto& s : data.train) mx += s.cx, my += s.cy;
  mx /= double(data.train.size()), my /= double(data.train.size());
  std::vector<double> e(N);
  for (std::size_t i = 0; i < N; ++i) e[i] = std::hypot(mx - test[i].cx, my - test[i].cy);
  Json c = Json::object();
  c["mean_px_error"] = mean_of(e);
  c["median_px_error"] = median_of(e);
  c["ci95"] = interval_json(bootstrap_mean_ci(e, R, bs));
  if (gaze) {  // and the training set's mean gaze
    data::Gaze mg;
    for (const auto& s : data.train)
      mg.yaw += s.gaze.yaw / double(data.train.size()),
          mg.pitch += s.gaze.pitch / double(data.train.size());
    gaze_summary(c, gaze_errors(std::vector<data::Gaze>(N, mg), test), nullptr, nullptr, R, bs);
  }
  return c;
}

Json synthetic_heldout(const TaskEvalData& data, const SeedRuns& r, bool synth_gaze) {
  Json j = Json::object();
  j["images"] = int64_t(data.synthetic_test.size());
  j["mean_px_error"] = mean_of(r.synth_err_sum);
  j["median_px_error"] = median_of(r.synth_err_sum);
  Json ps = Json::array();
  for (double v : r.synth_seed_mean) ps.push_back(v);
  j["per_seed_mean"] = ps;
  // The floor there: the training set's mean centre.
  double mx = 0, my = 0;
  for (const auto& s : data.train) mx += s.cx, my += s.cy;
  mx /= double(data.train.size()), my /= double(data.train.size());
  std::vector<double> e;
  for (const auto& s : data.synthetic_test) e.push_back(std::hypot(mx - s.cx, my - s.cy));
  j["constant_px_error"] = mean_of(e);
  if (synth_gaze) {
    j["mean_gaze_error_deg"] = mean_of(r.synth_gaze_sum);
    j["median_gaze_error_deg"] = median_of(r.synth_gaze_sum);
  }
  return j;
}

// The shifted-mask control: how far the mask-reading conditions' predictions move.
Json leak_control(SeedRuns& r, const TaskEvalConfig& cfg, int R, uint64_t bs,
                  std::map<std::string, std::vector<double>>& leak_moves) {
  auto& cond = r.cond;
  Json leak = Json::object();
  leak["shift_px"] = cfg.leak_shift;
  for (const char* k : {"purified", "region_colour"}) {
    if (!cond.count(k)) continue;
    const std::string ks = std::string(k) + "_shifted";
    leak_moves[k] = moves(cond[k], cond[ks]);
    Json j = Json::object();
    j["mean_move_px"] = mean_of(leak_moves[k]);
    j["median_move_px"] = median_of(leak_moves[k]);
    j["ci95"] = interval_json(bootstrap_mean_ci(leak_moves[k], R, bs));
    j["mean_px_error_shifted"] = mean_of(cond[ks].per_image());
    leak[k] = j;
  }
  return leak;
}

void write_per_image_csv(const TaskEvalData& data, bool has_purifier, bool gaze,
                         std::map<std::string, Condition>& cond,
                         const std::map<std::string, std::vector<double>>& leak_moves,
                         const std::string& path) {
  const auto& test = data.real_test;
  const std::size_t N = test.size();
  std::ostringstream os;
  os << "file,gt_x,gt_y";
  std::vector<std::string> cols = {"raw"};
  if (has_purifier) cols.push_back("purified");
  cols.push_back("global_colour");
  cols.push_back("region_colour");
  for (const auto& k : cols) os << "," << k << "_x," << k << "_y," << k << "_err";
  for (const auto& [k, v] : leak_moves) os << "," << k << "_leak_move";
  if (gaze) {  // degrees
    os << ",gt_yaw_deg,gt_pitch_deg";
    for (const auto& k : cols)
      os << "," << k << "_yaw_deg," << k << "_pitch_deg," << k << "_gaze_err_deg";
  }
  os << "\n";
  std::vector<std::vector<double>> per_g(cols.size());
  if (gaze)
    for (std::size_t c = 0; c < cols.size(); ++c) per_g[c] = cond[cols[c]].per_image_gaze();
  constexpr double deg = 180.0 / kPi;
  std::vector<std::vector<double>> per(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) per[c] = cond[cols[c]].per_image();
  char buf[64];
  for (std::size_t i = 0; i < N; ++i) {
    os << test[i].name;
    std::snprintf(buf, sizeof buf, ",%.3f,%.3f", test[i].cx, test[i].cy);
    os << buf;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const data::Point2 p = cond[cols[c]].mean_pred(i);
      std::snprintf(buf, sizeof buf, ",%.3f,%.3f,%.4f", p.x, p.y, per[c][i]);
      os << buf;
    }
    for (const auto& [k, v] : leak_moves) {
      std::snprintf(buf, sizeof buf, ",%.4f", v[i]);
      os << buf;
    }
    if (gaze) {
      std::snprintf(buf, sizeof buf, ",%.3f,%.3f", test[i].gaze.yaw * deg,
                    test[i].gaze.pitch * deg);
      os << buf;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const data::Gaze g = cond[cols[c]].mean_gaze(i);
        std::snprintf(buf, sizeof buf, ",%.3f,%.3f,%.4f", g.yaw * deg, g.pitch * deg, per_g[c][i]);
        os << buf;
      }
    }
    os << "\n";
  }
  write_file_atomic(path, os.str());
}

}  // namespace

Json run_taskeval(const TaskEvalData& data, const models::TransformNet* purifier,
                  const TaskEvalConfig& cfg) {
  MGST_CHECK(!data.train.empty(), "taskeval: no synthetic training images");
  MGST_CHECK(!data.real_test.empty(), "taskeval: no real test images");
  MGST_CHECK(cfg.seeds >= 1, "taskeval: --seeds must be >= 1");
  const auto t0 = std::chrono::steady_clock::now();
  const int H = data.train[0].image.height, W = data.train[0].image.width;
  for (const auto* set : {&data.synthetic_test, &data.real_test, &data.style})
    for (const auto& s : *set)
      MGST_CHECK(s.image.height == H && s.image.width == W,
                 "taskeval: " << s.name << " is " << s.image.width << "x" << s.image.height
                              << ", the training images are " << W << "x" << H);
  const auto& test = data.real_test;
  const std::size_t N = test.size();
  // Gaze is evaluated where both the training and the test set give it.
  const bool gaze = all_have_gaze(data.train) && all_have_gaze(test);
  const bool synth_gaze = gaze && all_have_gaze(data.synthetic_test);

  ConditionImages ci = condition_images(data, purifier, cfg);
  SeedRuns runs = run_seeds(data, ci, gaze, synth_gaze, cfg);
  auto& cond = runs.cond;

  // ---- Report.
  const int R = cfg.bootstrap;
  const uint64_t bs = cfg.seed + 12345;
  const std::vector<double> raw_e = cond["raw"].per_image();
  const std::vector<double> raw_g = gaze ? cond["raw"].per_image_gaze() : std::vector<double>{};
  const std::vector<double>* rg = gaze ? &raw_g : nullptr;
  Json rep = Json::object();
  rep["mgst_version"] = version_string();
  rep["size"] = std::to_string(H) + "x" + std::to_string(W);
  rep["train_images"] = int64_t(data.train.size());
  rep["test_images"] = int64_t(N);
  rep["seeds"] = cfg.seeds;
  rep["regressor_steps"] = cfg.regressor.steps;  // the cap
  rep["regressor_seeds"] = runs.seeds;
  rep["regressor_steps_run"] = runs.steps_run;
  rep["regressor_best_step"] = runs.best_step;
  rep["regressor_val_px_error"] = runs.val_error;
  Json aug = Json::object();
  aug["geometric"] = cfg.regressor.geometric;
  aug["max_shift"] = cfg.regressor.max_shift;
  aug["max_rotate_deg"] = cfg.regressor.max_rotate_deg;
  aug["max_scale"] = cfg.regressor.max_scale;
  aug["colour"] = cfg.regressor.colour;
  if (cfg.regressor.colour) aug["colour_jitter"] = cfg.regressor.colour_jitter;
  rep["regressor_augmentation"] = aug;
  Json excl = Json::array();
  for (uint64_t s : cfg.exclude_seeds) excl.push_back(int64_t(s));
  rep["excluded_seeds"] = excl;
  rep["regressor_final_loss"] = runs.train_loss;
  rep["gaze"] = gaze;
  rep["raw"] = summary(cond["raw"], nullptr, R, bs);
  if (purifier) rep["purified"] = summary(cond["purified"], &raw_e, R, bs, rg);
  Json base = Json::object();
  base["identity"] = rep["raw"];
  base["global_colour"] = summary(cond["global_colour"], &raw_e, R, bs, rg);
  base["region_colour"] = summary(cond["region_colour"], &raw_e, R, bs, rg);
  base["constant"] = constant_baseline(data, gaze, R, bs);
  rep["baselines"] = base;
  if (!data.synthetic_test.empty())
    rep["synthetic_heldout"] = synthetic_heldout(data, runs, synth_gaze);
  std::map<std::string, std::vector<double>> leak_moves;
  rep["leak_control"] = leak_control(runs, cfg, R, bs, leak_moves);
  // The loss network's own score: shown apart, never in the table above.
  if (const models::PupilRegressor* psi = cfg.loss_network;
      psi && psi->config().height == H && psi->config().width == W) {
    Json j = Json::object();
    for (const char* k : {"raw", "purified"})
      if (ci.images.count(k))
        j[std::string(k) + "_mean_px_error"] =
            mean_of(pixel_errors(predict_centres(*psi, ci.images[k]), test));
    j["note"] = "the purifier was trained against this network: not a fair score";
    rep["loss_network_score"] = j;
  }
  rep["seconds"] = elapsed_s(t0);
  if (!cfg.csv.empty()) write_per_image_csv(data, purifier, gaze, cond, leak_moves, cfg.csv);
  return rep;
}

void print_taskeval_table(const Json& rep, std::FILE* out) {
  std::fprintf(out,
               "\npupil-centre error on %lld real test images (px at %s; regressor trained on %lld "
               "synthetic images only, %lld seeds)\n",
               (long long)rep.at("test_images").as_int(), rep.at("size").as_string().c_str(),
               (long long)rep.at("train_images").as_int(), (long long)rep.at("seeds").as_int());
  // One table per measure: keys of the mean, median, interval, difference to
  // raw (mean, interval) and per-seed means.
  struct Keys {
    const char *mean, *median, *ci, *diff, *diff_ci, *seeds;
  };
  auto table = [&](const Keys& k) {
    std::fprintf(out, "%-24s %7s %7s  %-17s  %-24s  %s\n", "condition", "mean", "median",
                 "95% CI of mean", "raw - this [95% CI]", "per-seed means");
    auto row = [&](const char* label, const Json& j) {
      const Json& ci = j.at(k.ci);
      std::string diff = "-", seeds = "-";
      if (const Json* d = j.find("raw_minus_this"))
        diff = fmt(d->at(k.diff).as_number()) + " [" + fmt(d->at(k.diff_ci)[0].as_number()) + ", " +
               fmt(d->at(k.diff_ci)[1].as_number()) + "]";
      if (const Json* ps = j.find(k.seeds)) {
        seeds.clear();
        for (std::size_t i = 0; i < ps->size(); ++i)
          seeds += (i ? " " : "") + fmt(ps->at(i).as_number());
      }
      const std::string cis = "[" + fmt(ci[0].as_number()) + ", " + fmt(ci[1].as_number()) + "]";
      std::fprintf(out, "%-24s %7.2f %7.2f  %-17s  %-24s  %s\n", label, j.at(k.mean).as_number(),
                   j.at(k.median).as_number(), cis.c_str(), diff.c_str(), seeds.c_str());
    };
    row("raw (identity)", rep.at("raw"));
    if (const Json* p = rep.find("purified")) row("purified", *p);
    row("global colour transfer", rep.at("baselines").at("global_colour"));
    row("region colour transfer", rep.at("baselines").at("region_colour"));
    row("constant (train mean)", rep.at("baselines").at("constant"));
  };
  table({"mean_px_error", "median_px_error", "ci95", "mean_px", "ci95", "per_seed_mean"});
  const bool gaze = rep.at("raw").find("mean_gaze_error_deg") != nullptr;
  if (gaze) {
    std::fprintf(out,
                 "\ngaze angular error on the same images (degrees between 3-D gaze vectors)\n");
    table({"mean_gaze_error_deg", "median_gaze_error_deg", "gaze_ci95", "mean_gaze_deg",
           "gaze_ci95", "per_seed_mean_gaze_deg"});
  }
  if (const Json* s = rep.find("synthetic_heldout")) {
    std::fprintf(out, "in-domain check: held-out synthetic eyes %.2f px",
                 s->at("mean_px_error").as_number());
    if (const Json* g = s->find("mean_gaze_error_deg"))
      std::fprintf(out, ", %.2f deg", g->as_number());
    std::fprintf(out, " (%lld images; the constant train mean: %.2f px)\n",
                 (long long)s->at("images").as_int(), s->at("constant_px_error").as_number());
  }
  if (const Json* s = rep.find("regressor_seeds")) {
    std::string seeds, steps;
    for (std::size_t i = 0; i < s->size(); ++i) {
      seeds += (i ? " " : "") + std::to_string(s->at(i).as_int());
      steps += (i ? " " : "") + std::to_string(rep.at("regressor_steps_run")[i].as_int()) + "/" +
               std::to_string(rep.at("regressor_best_step")[i].as_int());
    }
    std::string excluded;
    for (std::size_t i = 0; i < rep.at("excluded_seeds").size(); ++i)
      excluded += (i ? " " : "") + std::to_string(rep.at("excluded_seeds")[i].as_int());
    const Json& aug = rep.at("regressor_augmentation");
    std::fprintf(out,
                 "regressors: seeds %s%s; steps run/kept %s (cap %lld, early stopping); "
                 "augmentation: geometric %s, colour %s\n",
                 seeds.c_str(),
                 excluded.empty()
                     ? ""
                     : (" (not " + excluded + ": the purifier's loss network)").c_str(),
                 steps.c_str(), (long long)rep.at("regressor_steps").as_int(),
                 aug.at("geometric").as_bool() ? "on" : "off",
                 aug.at("colour").as_bool() ? "ON (hides part of the domain gap)" : "off");
  }
  if (const Json* l = rep.find("loss_network_score")) {
    std::fprintf(out, "scored by the purifier's own loss network (NOT a fair score):");
    for (const char* k : {"raw_mean_px_error", "purified_mean_px_error"})
      if (const Json* v = l->find(k)) std::fprintf(out, " %s %.2f px", k, v->as_number());
    std::fprintf(out, "\n");
  }
  const Json& leak = rep.at("leak_control");
  for (const char* k : {"purified", "region_colour"})
    if (const Json* l = leak.find(k))
      std::fprintf(out,
                   "shifted-mask control (%s, masks moved %lld px): predictions move %.2f px "
                   "[%.2f, %.2f]; error with shifted masks %.2f px\n",
                   k, (long long)leak.at("shift_px").as_int(), l->at("mean_move_px").as_number(),
                   l->at("ci95")[0].as_number(), l->at("ci95")[1].as_number(),
                   l->at("mean_px_error_shifted").as_number());
}

}  // namespace mgst::eval
