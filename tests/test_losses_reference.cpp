// Exactness of METHOD.md's losses ("Loss network", "Masks at feature resolution",
// "Masked Gram matrix", "Losses"): an independent plain-loop double-precision
// implementation written from docs/METHOD.md (not from losses/ or core/ops), compared
// with losses::compute_losses, with the `mgst eval` CLI end to end, and used
// as the finite-difference oracle for the loss ops' backward passes.
//
// The reference shares nothing with our code but the VGG weights, which it
// generates itself and writes to a safetensors file (torchvision key names,
// features.{0,2,5,7,10,12,14,16,19}, i.e. up to relu4_1) that models::Vgg19
// and `mgst eval --vgg` read. The transform net's forward (tested elsewhere)
// is ours; every loss on its output is computed by the reference.

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "apps/data/image_io.h"
#include "core/autograd.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "core/tensor.h"
#include "losses/objective.h"
#include "losses/regions.h"
#include "losses/style_target.h"
#include "models/transform_net.h"
#include "models/vgg19.h"
#include "ref_maps.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace mgst;

namespace {

using test::ref::Map;
using test::ref::Vec;
using namespace test::ref;

bool verbose() { return std::getenv("MGST_TEST_VERBOSE") != nullptr; }

// ============================================================================
// Reference, from docs/METHOD.md only, in double.
// ============================================================================

// METHOD.md "Loss network": the VGG-19 convs up to relu4_1 (default deepest layer).
constexpr int kNumConvs = 9;
constexpr int kFeatureIndex[kNumConvs] = {0, 2, 5, 7, 10, 12, 14, 16, 19};
constexpr int kOutCh[kNumConvs] = {64, 64, 128, 128, 256, 256, 256, 256, 512};
constexpr const char* kReluName[kNumConvs] = {"relu1_1", "relu1_2", "relu2_1", "relu2_2", "relu3_1",
                                              "relu3_2", "relu3_3", "relu3_4", "relu4_1"};
// 2x2 max pool after relu1_2, relu2_2, relu3_4.
constexpr bool kPoolAfter[kNumConvs] = {false, true, false, true, false, false, false, true, false};

// METHOD.md defaults.
const std::vector<std::string> kStyleLayers = {"relu1_1", "relu2_1", "relu3_1", "relu4_1"};
constexpr int kStyleStride[4] = {1, 2, 4, 8};
const std::string kContentLayer = "relu2_2";
constexpr int kContentStride = 2;
constexpr double kEps = 1e-8, kEmpty = 1e-6;
constexpr double kWc = 1, kWs = 1e4, kWt = 10, kWtv = 0.1, kLambdaAtt = 1;

struct RefConv {
  int co = 0, ci = 0;
  std::vector<float> w, b;  // (co, ci, 3, 3), (co): the values written to the file
};

struct RefVgg {
  std::vector<RefConv> convs;

  // conv 3x3, zero padding 1, bias, ReLU.
  static Map conv_relu(const Map& in, const RefConv& k) {
    Map out(k.co, in.H, in.W);
    for (int o = 0; o < k.co; ++o) {
      double* op = &out.d[std::size_t(o) * in.H * in.W];
      for (std::size_t q = 0; q < std::size_t(in.H) * in.W; ++q) op[q] = k.b[o];
      for (int c = 0; c < k.ci; ++c) {
        const double* ip = &in.d[std::size_t(c) * in.H * in.W];
        for (int ki = 0; ki < 3; ++ki)
          for (int kj = 0; kj < 3; ++kj) {
            const double wv = k.w[((std::size_t(o) * k.ci + c) * 3 + ki) * 3 + kj];
            for (int i = 0; i < in.H; ++i) {
              const int si = i + ki - 1;
              if (si < 0 || si >= in.H) continue;
              for (int j = 0; j < in.W; ++j) {
                const int sj = j + kj - 1;
                if (sj < 0 || sj >= in.W) continue;
                op[std::size_t(i) * in.W + j] += wv * ip[std::size_t(si) * in.W + sj];
              }
            }
          }
      }
      for (std::size_t q = 0; q < std::size_t(in.H) * in.W; ++q) op[q] = std::max(0.0, op[q]);
    }
    return out;
  }

  // img: (3, H, W) in [0,1] -> every relu layer up to relu4_1. Memoised: the
  // same content and style images are fed many times.
  const std::map<std::string, Map>& features(const Map& img) const {
    auto key = std::make_tuple(img.H, img.W, img.d);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(std::move(key), compute_features(img)).first;
    return it->second;
  }
  mutable std::map<std::tuple<int, int, Vec>, std::map<std::string, Map>> cache_;

  std::map<std::string, Map> compute_features(const Map& img) const {
    const double mean[3] = {0.485, 0.456, 0.406}, stdv[3] = {0.229, 0.224, 0.225};
    Map h = img;
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < h.H; ++i)
        for (int j = 0; j < h.W; ++j) h.at(c, i, j) = (img.at(c, i, j) - mean[c]) / stdv[c];
    std::map<std::string, Map> out;
    for (int k = 0; k < kNumConvs; ++k) {
      h = conv_relu(h, convs[k]);
      out[kReluName[k]] = h;
      if (kPoolAfter[k]) h = max_pool(h);
    }
    return out;
  }
};

// One style image's Grams per style layer and region (att = m_l, bkgd = 1 - m_l)
// and whether that region is non-empty (pooled sum >= 1e-6).
struct RefGrams {
  std::array<std::array<Vec, 2>, 4> g;
  std::array<std::array<bool, 2>, 4> present{};
};

// METHOD.md "Data" (ignore region): with a validity mask v the regions are m*v and
// (1-m)*v, each pooled; without one (v empty), bkgd_l = 1 - m_l.
struct Regions {
  Map att_full, bkgd_full;
  bool has_v = false;
  Regions(const Map& m, const Map* v) : att_full(m), bkgd_full(one_minus(m)), has_v(v != nullptr) {
    if (v)
      for (std::size_t p = 0; p < m.d.size(); ++p) {
        att_full.d[p] *= v->d[p];
        bkgd_full.d[p] *= v->d[p];
      }
  }
  Map att(int s) const { return avg_pool(att_full, s); }
  Map bkgd(int s) const { return has_v ? avg_pool(bkgd_full, s) : one_minus(att(s)); }
};

RefGrams style_grams_ref(const RefVgg& vgg, const Map& img, const Map& mask,
                         const Map* valid = nullptr) {
  const auto& f = vgg.features(img);
  const Regions reg(mask, valid);
  RefGrams r;
  for (int l = 0; l < 4; ++l) {
    const Map att = reg.att(kStyleStride[l]);
    const Map bkgd = reg.bkgd(kStyleStride[l]);
    const Map& F = f.at(kStyleLayers[l]);
    r.g[l][0] = masked_gram_ref(F, att);
    r.g[l][1] = masked_gram_ref(F, bkgd);
    r.present[l][0] = plane_sum(att) >= kEmpty;
    r.present[l][1] = plane_sum(bkgd) >= kEmpty;
  }
  return r;
}

// METHOD.md `mean` target: per layer and region the mean over the images whose
// region is non-empty; the target is "present" when at least one image counts.
RefGrams mean_target_ref(const std::vector<RefGrams>& set) {
  RefGrams t;
  for (int l = 0; l < 4; ++l)
    for (int r = 0; r < 2; ++r) {
      Vec acc(set[0].g[l][r].size(), 0.0);
      int count = 0;
      for (const auto& s : set) {
        if (!s.present[l][r]) continue;
        for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += s.g[l][r][i];
        ++count;
      }
      for (auto& v : acc) v = count ? v / count : 0.0;
      t.g[l][r] = acc;
      t.present[l][r] = count > 0;
    }
  return t;
}

struct RefTerms {
  double content = 0, style = 0, task = 0, tv = 0, total = 0;
  std::array<double, 4> style_per_layer{};
};

Map sample_image(const Vec& batch, int n, int C, int H, int W) {
  Map m(C, H, W);
  const std::size_t per = std::size_t(C) * H * W;
  for (std::size_t i = 0; i < per; ++i) m.d[i] = batch[n * per + i];
  return m;
}

// METHOD.md "Losses", averaged over the batch. x, y: (N,3,H,W); m: (N,1,H,W);
// targets: one per sample (the mean target repeated, or the paired image's);
// v: (N,1,H,W) validity, or empty (v = 1).
RefTerms losses_ref(const RefVgg& vgg, int N, int H, int W, const Vec& x, const Vec& y,
                    const Vec& m, const std::vector<RefGrams>& targets, const Vec& v = {}) {
  RefTerms t;
  double content_full_sum = 0, content_full_count = 0;
  double att_term = 0;
  for (int n = 0; n < N; ++n) {
    const Map xn = sample_image(x, n, 3, H, W), yn = sample_image(y, n, 3, H, W);
    const Map vn = v.empty() ? Map() : sample_image(v, n, 1, H, W);
    const Regions reg(sample_image(m, n, 1, H, W), v.empty() ? nullptr : &vn);
    const Map& mn = reg.att_full;  // the attention weight m*v at full resolution
    const auto& fx = vgg.features(xn);
    const auto& fy = vgg.features(yn);

    // Content: mse over the whole (N,C,H,W) tensor + lambda_att * region term.
    const Map& cx = fx.at(kContentLayer);
    const Map& cy = fy.at(kContentLayer);
    const Map mc = reg.att(kContentStride);
    double num = 0;
    for (int i = 0; i < cx.H; ++i)
      for (int j = 0; j < cx.W; ++j) {
        double d2 = 0;
        for (int c = 0; c < cx.C; ++c) {
          const double d = cy.at(c, i, j) - cx.at(c, i, j);
          d2 += d * d;
        }
        content_full_sum += d2;
        num += mc.at(0, i, j) * d2;
      }
    content_full_count += double(cx.C) * cx.H * cx.W;
    att_term += num / (cx.C * plane_sum(mc) + kEps);

    // Region style.
    for (int l = 0; l < 4; ++l) {
      const Map att = reg.att(kStyleStride[l]);
      const Map bkgd = reg.bkgd(kStyleStride[l]);
      const Map& F = fy.at(kStyleLayers[l]);
      for (int r = 0; r < 2; ++r) {
        const Map& w = r == 0 ? att : bkgd;
        if (plane_sum(w) < kEmpty || !targets[n].present[l][r]) continue;  // empty region
        t.style_per_layer[l] += mse_vec(masked_gram_ref(F, w), targets[n].g[l][r]) / N;
      }
    }

    // Task: luminance forward differences weighted by m at the left/top pixel.
    auto lum = [&](const Map& im, int i, int j) {
      return 0.299 * im.at(0, i, j) + 0.587 * im.at(1, i, j) + 0.114 * im.at(2, i, j);
    };
    double tnum = 0;
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const double mp = mn.at(0, i, j);
        if (j + 1 < W) {
          const double d =
              (lum(yn, i, j + 1) - lum(yn, i, j)) - (lum(xn, i, j + 1) - lum(xn, i, j));
          tnum += mp * d * d;
        }
        if (i + 1 < H) {
          const double d =
              (lum(yn, i + 1, j) - lum(yn, i, j)) - (lum(xn, i + 1, j) - lum(xn, i, j));
          tnum += mp * d * d;
        }
      }
    t.task += tnum / (plane_sum(mn) + kEps) / N;
  }
  t.content = content_full_sum / content_full_count + kLambdaAtt * att_term / N;
  for (double v : t.style_per_layer) t.style += v;  // layer weights 1

  // TV over the whole batch.
  double sx = 0, sy = 0;
  for (int nc = 0; nc < N * 3; ++nc)
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const double v = y[(std::size_t(nc) * H + i) * W + j];
        if (j + 1 < W) sx += std::pow(y[(std::size_t(nc) * H + i) * W + j + 1] - v, 2);
        if (i + 1 < H) sy += std::pow(y[(std::size_t(nc) * H + i + 1) * W + j] - v, 2);
      }
  t.tv = sx / (double(N) * 3 * H * (W - 1)) + sy / (double(N) * 3 * (H - 1) * W);
  t.total = kWc * t.content + kWs * t.style + kWt * t.task + kWtv * t.tv;
  return t;
}

// ============================================================================
// Fixtures: the random VGG file, random data.
// ============================================================================

// This suite's files, in the test process's scratch folder (removed at exit).
const fs::path& temp_dir() {
  static const fs::path dir = test::fresh_temp_dir("losses_ref");
  return dir;
}

// He-uniform weights (variance 2/fan_in) keep the activations O(1); small
// random biases so that the bias path is exercised.
const RefVgg& ref_vgg() {
  static const RefVgg vgg = [] {
    RefVgg v;
    std::mt19937_64 gen(20240611);
    int ci = 3;
    for (int k = 0; k < kNumConvs; ++k) {
      RefConv c;
      c.co = kOutCh[k];
      c.ci = ci;
      const double a = std::sqrt(6.0 / (ci * 9.0));
      std::uniform_real_distribution<double> dw(-a, a), db(-0.1, 0.1);
      c.w.resize(std::size_t(c.co) * ci * 9);
      for (auto& w : c.w) w = float(dw(gen));
      c.b.resize(c.co);
      for (auto& b : c.b) b = float(db(gen));
      v.convs.push_back(std::move(c));
      ci = kOutCh[k];
    }
    return v;
  }();
  return vgg;
}

const std::string& vgg_path() {
  static const std::string path = [] {
    const RefVgg& v = ref_vgg();
    std::vector<NamedArray> arrays;
    for (int k = 0; k < kNumConvs; ++k) {
      const std::string key = "features." + std::to_string(kFeatureIndex[k]);
      arrays.push_back({key + ".weight", {v.convs[k].co, v.convs[k].ci, 3, 3}, v.convs[k].w});
      arrays.push_back({key + ".bias", {v.convs[k].co}, v.convs[k].b});
    }
    const std::string p = (temp_dir() / "vgg_relu4_1.safetensors").string();
    write_safetensors(p, arrays);
    return p;
  }();
  return path;
}

const models::Vgg19& our_vgg() {
  static const models::Vgg19 vgg("relu4_1", vgg_path(), Device::cpu());
  return vgg;
}

Vec uniform(std::size_t n, uint64_t seed, double lo, double hi) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  Vec v(n);
  for (auto& x : v) x = float(d(gen));  // representable in float: both sides see the same data
  return v;
}

std::vector<float> to_float(const Vec& v) { return std::vector<float>(v.begin(), v.end()); }

Tensor tensor(const Shape& s, const Vec& v) { return Tensor::from_vector(s, to_float(v)); }

// Masks of one (H, W) plane.
Vec soft_mask(int H, int W, uint64_t seed) { return uniform(std::size_t(H) * W, seed, 0.0, 1.0); }
Vec constant_mask(int H, int W, double v) { return Vec(std::size_t(H) * W, v); }
// 1 inside the box rows [r0, r1) x cols [c0, c1), else 0.
Vec box_mask(int H, int W, int r0, int r1, int c0, int c1) {
  Vec m(std::size_t(H) * W, 0.0);
  for (int i = r0; i < r1; ++i)
    for (int j = c0; j < c1; ++j) m[std::size_t(i) * W + j] = 1.0;
  return m;
}
Vec concat(const std::vector<Vec>& parts) {
  Vec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Relative comparison; a zero reference needs |got| <= 1e-12.
struct MaxErr {
  std::map<std::string, double> worst;
  void note(const std::string& k, double e) { worst[k] = std::max(worst[k], e); }
};
MaxErr& max_err() {
  static MaxErr m;
  return m;
}

double rel_err(double got, double ref) {
  if (ref == 0) return std::fabs(got) <= 1e-12 ? 0.0 : std::fabs(got);
  return std::fabs(got - ref) / std::fabs(ref);
}

void check_term(const std::string& what, double got, double ref, double tol = 1e-4) {
  const double e = rel_err(got, ref);
  max_err().note(what.substr(0, what.find(' ')) + " " + what.substr(what.rfind(' ') + 1), e);
  CHECK_MESSAGE(std::isfinite(got), what << " is not finite: " << got);
  CHECK_MESSAGE(e <= tol, what << ": ours " << got << " vs METHOD.md reference " << ref
                               << " (relative error " << e << " > " << tol << ")");
  if (verbose()) std::printf("  %-36s ours %.9g  ref %.9g  rel %.2e\n", what.c_str(), got, ref, e);
}

void compare_terms(const std::string& label, const losses::LossTerms& t, const RefTerms& r) {
  if (verbose()) std::printf("%s\n", label.c_str());
  check_term(label + " content", t.content.item(), r.content);
  check_term(label + " style", t.style.item(), r.style);
  check_term(label + " task", t.task.item(), r.task);
  check_term(label + " tv", t.tv.item(), r.tv);
  check_term(label + " total", t.total.item(), r.total);
  REQUIRE(t.style_per_layer.size() == 4);
  for (int l = 0; l < 4; ++l)
    check_term(label + " " + kStyleLayers[l], t.style_per_layer[l].item(), r.style_per_layer[l]);
  // The objective's sums are ops::weighted_sum (summed in double, rounded
  // once): they give what the chain of float add/scale ops they replaced
  // gave, to float rounding (a few ulps, 2^-24 = 6e-8 each).
  NoGradGuard no_grad;
  Tensor style = t.style_per_layer[0];
  for (int l = 1; l < 4; ++l) style = ops::add(style, t.style_per_layer[l]);
  const Tensor total =
      ops::add(ops::add(ops::scale(t.content, float(kWc)), ops::scale(t.style, float(kWs))),
               ops::add(ops::scale(t.task, float(kWt)), ops::scale(t.tv, float(kWtv))));
  CHECK(rel_err(t.style.item(), style.item()) <= 3e-7);
  CHECK(rel_err(t.total.item(), total.item()) <= 3e-7);
}

// One comparison case for losses::compute_losses.
struct Case {
  std::string name;
  int N, H, W;
  Vec x, y, m;                   // (N,3,H,W), (N,3,H,W), (N,1,H,W)
  std::vector<Vec> style_imgs;   // (3,Hs,Ws) each
  std::vector<Vec> style_masks;  // (1,Hs,Ws) each
  int Hs, Ws;
  std::vector<int> pairing;      // empty: mean target
  Vec v;                         // (N,1,H,W) validity or empty
  std::vector<Vec> style_valid;  // per style image (1,Hs,Ws) or empty
};

// A case of N images of (H, W), style images of the same size (change Hs,
// Ws for another), x uniform in [0, 1) from `seed`.
Case make_case(std::string name, int N, int H, int W, uint64_t seed) {
  Case c;
  c.name = std::move(name);
  c.N = N, c.H = H, c.W = W, c.Hs = H, c.Ws = W;
  c.x = uniform(N * 3 * H * W, seed, 0.0, 1.0);
  return c;
}

struct CaseResult {
  losses::LossTerms ours;
  RefTerms ref;
  Tensor y;  // ours, requires grad
};

CaseResult run_case(const Case& c) {
  const losses::LossConfig cfg;  // METHOD.md defaults
  CHECK(cfg.style_layers == kStyleLayers);
  CHECK(cfg.content_layer == kContentLayer);
  const models::Vgg19& vgg = our_vgg();

  // Ours.
  std::vector<losses::StyleGrams> set;
  for (std::size_t k = 0; k < c.style_imgs.size(); ++k) {
    const Tensor s = tensor({1, 3, c.Hs, c.Ws}, c.style_imgs[k]);
    const Tensor ms = tensor({1, 1, c.Hs, c.Ws}, c.style_masks[k]);
    const Tensor vs =
        c.style_valid.empty() ? Tensor() : tensor({1, 1, c.Hs, c.Ws}, c.style_valid[k]);
    set.push_back(
        losses::compute_style_grams(vgg, s, losses::make_regions(ms, vs), cfg.style_layers));
  }
  const losses::StyleTarget target =
      c.pairing.empty() ? losses::mean_style_target(set, cfg.style_layers)
                        : losses::paired_style_target(set, c.pairing, cfg.style_layers);
  CaseResult res;
  res.y = tensor({c.N, 3, c.H, c.W}, c.y);
  res.y.set_requires_grad(true);
  const Tensor x = tensor({c.N, 3, c.H, c.W}, c.x);
  const Tensor m = tensor({c.N, 1, c.H, c.W}, c.m);
  const Tensor v = c.v.empty() ? Tensor() : tensor({c.N, 1, c.H, c.W}, c.v);
  res.ours = losses::compute_losses(vgg, cfg, res.y, x, losses::make_regions(m, v), target);

  // Reference.
  std::vector<RefGrams> ref_set;
  for (std::size_t k = 0; k < c.style_imgs.size(); ++k) {
    Map s(3, c.Hs, c.Ws), ms(1, c.Hs, c.Ws);
    s.d = c.style_imgs[k];
    ms.d = c.style_masks[k];
    Map vs(1, c.Hs, c.Ws);
    if (!c.style_valid.empty()) vs.d = c.style_valid[k];
    ref_set.push_back(style_grams_ref(ref_vgg(), s, ms, c.style_valid.empty() ? nullptr : &vs));
  }
  std::vector<RefGrams> targets;
  if (c.pairing.empty()) {
    targets.assign(c.N, mean_target_ref(ref_set));
  } else {
    for (int k : c.pairing) targets.push_back(ref_set[k]);
  }
  res.ref = losses_ref(ref_vgg(), c.N, c.H, c.W, c.x, c.y, c.m, targets, c.v);
  compare_terms(c.name, res.ours, res.ref);
  return res;
}

// ---- the CLI ----------------------------------------------------------------

std::string run_cli(const std::string& args, int* status) {
  const std::string err = (temp_dir() / "cli_stderr.txt").string();
  const std::string cmd = std::string("\"") + MGST_CLI_PATH + "\" " + args + " 2>\"" + err + "\"";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE_MESSAGE(p, "popen failed: " << cmd);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  if (*status != 0) {
    std::string e;
    if (FILE* f = std::fopen(err.c_str(), "rb")) {
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) e.append(buf, n);
      std::fclose(f);
    }
    MESSAGE("command failed (" << *status << "): " << cmd << "\nstdout: " << out
                               << "\nstderr: " << e);
  }
  return out;
}

data::ImageU8 random_u8(int H, int W, int C, uint64_t seed, int lo, int hi) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  data::ImageU8 im;
  im.width = W, im.height = H, im.channels = C;
  im.pixels.resize(std::size_t(H) * W * C);
  for (auto& p : im.pixels) p = uint8_t(d(gen));
  return im;
}

// HWC 8-bit -> CHW value/255 (METHOD.md "Names and files").
Vec u8_to_chw(const data::ImageU8& im) {
  Vec v(std::size_t(im.channels) * im.height * im.width);
  for (int c = 0; c < im.channels; ++c)
    for (int i = 0; i < im.height; ++i)
      for (int j = 0; j < im.width; ++j)
        v[(std::size_t(c) * im.height + i) * im.width + j] = float(im.at(i, j, c) / 255.0);
  return v;
}

void compare_json(const std::string& label, const Json& j, const RefTerms& r) {
  if (verbose()) std::printf("%s\n", label.c_str());
  check_term(label + " content", j.at("content").as_number(), r.content);
  check_term(label + " style", j.at("style").as_number(), r.style);
  check_term(label + " task", j.at("task").as_number(), r.task);
  check_term(label + " tv", j.at("tv").as_number(), r.tv);
  check_term(label + " total", j.at("total").as_number(), r.total);
  for (int l = 0; l < 4; ++l)
    check_term(label + " " + kStyleLayers[l],
               j.at("style_per_layer").at(kStyleLayers[l]).as_number(), r.style_per_layer[l]);
}

// ---- finite differences against the double reference -------------------------

// Our gradient (float autograd) vs central differences of the double reference.
void check_grad(const char* what, const std::vector<float>& ours, const Vec& fd) {
  double scale = 0;
  for (double g : fd) scale = std::max(scale, std::fabs(g));
  mgst::test::all_close(what, ours, fd, 1e-4 * scale + 1e-9, 1e-3);
  double e = 0;
  for (std::size_t i = 0; i < fd.size(); ++i)
    e = std::max(e, std::fabs(double(ours[i]) - fd[i]) / (scale + 1e-30));
  max_err().note(std::string("grad ") + what, e);
}

}  // namespace

TEST_SUITE("losses") {
  TEST_CASE("losses reference: models::Vgg19 reads the reference's relu4_1-only weights file") {
    const models::Vgg19& vgg = our_vgg();
    CHECK(vgg.pretrained());
    const RefVgg& ref = ref_vgg();
    int seen = 0;
    for (const auto& p : vgg.parameters().items()) {
      for (int k = 0; k < kNumConvs; ++k) {
        const std::string key = "features." + std::to_string(kFeatureIndex[k]);
        if (p.name == key + ".weight") {
          CHECK(p.tensor.to_vector() == ref.convs[k].w);
          ++seen;
        } else if (p.name == key + ".bias") {
          CHECK(p.tensor.to_vector() == ref.convs[k].b);
          ++seen;
        }
      }
    }
    CHECK(seen == 2 * kNumConvs);
    CHECK(vgg.parameters().items().size() == std::size_t(2 * kNumConvs));

    // The features themselves (the layers the losses read), one small image.
    const int H = 12, W = 20;
    const Vec img = uniform(3 * H * W, 5, 0.0, 1.0);
    Map im(3, H, W);
    im.d = img;
    const auto& rf = ref.features(im);
    const auto of = vgg.features(tensor({1, 3, H, W}, img),
                                 {"relu1_1", "relu2_1", "relu2_2", "relu3_1", "relu4_1"});
    for (const auto& [name, t] : of) {
      const Map& r = rf.at(name);
      REQUIRE(t.shape() == Shape{1, r.C, r.H, r.W});
      mgst::test::all_close(name.c_str(), t.to_vector(), r.d, 1e-5, 1e-4);
    }
  }

  TEST_CASE("losses reference: compute_losses, soft and binary masks, y = x + perturbation") {
    const int N = 2, H = 16, W = 20;
    Case c = make_case("16x20 soft|binary, mean of 1", N, H, W, 11);
    c.y = c.x;
    const Vec d = uniform(c.y.size(), 12, -0.2, 0.2);
    for (std::size_t i = 0; i < c.y.size(); ++i) c.y[i] = float(c.y[i] + d[i]);
    c.m = concat({soft_mask(H, W, 13), box_mask(H, W, 3, 13, 5, 17)});
    c.style_imgs = {uniform(3 * H * W, 14, 0.1, 0.9)};
    c.style_masks = {soft_mask(H, W, 15)};
    const CaseResult r = run_case(c);
    // Every term non-zero here.
    CHECK(r.ref.content > 0);
    CHECK(r.ref.task > 0);
    for (double v : r.ref.style_per_layer) CHECK(v > 0);

    // Gradient of the total through VGG: directional derivative of the double
    // reference along a random direction vs <our autograd gradient, direction>.
    r.ours.total.backward();
    const std::vector<float> g = r.y.grad().to_vector();
    for (float v : g) REQUIRE(std::isfinite(v));
    const Vec dir = uniform(c.y.size(), 16, -1.0, 1.0);
    double ours_dd = 0;
    for (std::size_t i = 0; i < g.size(); ++i) ours_dd += double(g[i]) * dir[i];
    std::vector<RefGrams> targets;
    {
      Map s(3, H, W), ms(1, H, W);
      s.d = c.style_imgs[0];
      ms.d = c.style_masks[0];
      targets.assign(N, mean_target_ref({style_grams_ref(ref_vgg(), s, ms)}));
    }
    const double h = 1e-5;
    Vec yp = c.y, ym = c.y;
    for (std::size_t i = 0; i < yp.size(); ++i) yp[i] += h * dir[i], ym[i] -= h * dir[i];
    const double fd = (losses_ref(ref_vgg(), N, H, W, c.x, yp, c.m, targets).total -
                       losses_ref(ref_vgg(), N, H, W, c.x, ym, c.m, targets).total) /
                      (2 * h);
    const double e = rel_err(ours_dd, fd);
    max_err().note("grad total (directional)", e);
    if (verbose())
      std::printf("  d total / d y . v: ours %.9g  ref FD %.9g  rel %.2e\n", ours_dd, fd, e);
    CHECK_MESSAGE(e <= 1e-3, "directional derivative of the total: ours "
                                 << ours_dd << " vs reference FD " << fd);
  }

  TEST_CASE("losses reference: compute_losses, all-zero and all-one masks, odd pooled sizes") {
    // 20x12: relu2_* 10x6, relu3_1 5x3, relu4_1 2x1 (floor), masks pooled alike.
    const int N = 2, H = 20, W = 12;
    Case c = make_case("20x12 zero|one, mean of 1", N, H, W, 21);
    c.Hs = 16, c.Ws = 12;  // the style image may have its own size
    c.y = uniform(N * 3 * H * W, 22, -0.1, 1.1);
    c.m = concat({constant_mask(H, W, 0.0), constant_mask(H, W, 1.0)});
    c.style_imgs = {uniform(3 * 16 * 12, 23, 0.0, 1.0)};
    c.style_masks = {box_mask(16, 12, 2, 10, 3, 9)};
    const CaseResult r = run_case(c);
    // Sample 0 (m = 0) has no attention terms, sample 1 (m = 1) no bkgd terms:
    // each remaining term is divided by N = 2, no NaN anywhere.
    r.ours.total.backward();
    for (float v : r.y.grad().to_vector()) REQUIRE(std::isfinite(v));
  }

  TEST_CASE("losses reference: region empty only at relu4_1 (floor) and a 2-image mean target") {
    // Sample 0: attention only in rows 16..19, which the stride-8 pooling of a
    // 20-row mask drops: its relu4_1 attention term must vanish (guard), the
    // other layers keep theirs. Style set: image 0 has m = 1 (bkgd empty: left
    // out of the bkgd mean), image 1 a soft mask.
    const int N = 2, H = 20, W = 12;
    Case c = make_case("20x12 rows16-19|soft, mean of 2", N, H, W, 31);
    c.y = uniform(N * 3 * H * W, 32, 0.0, 1.0);
    c.m = concat({box_mask(H, W, 16, 20, 0, W), soft_mask(H, W, 33)});
    c.style_imgs = {uniform(3 * H * W, 34, 0.0, 1.0), uniform(3 * H * W, 35, 0.2, 0.8)};
    c.style_masks = {constant_mask(H, W, 1.0), soft_mask(H, W, 36)};
    run_case(c);

    c.name = "20x12 rows16-19|soft, paired {1,0}";
    c.pairing = {1, 0};
    run_case(c);

    // A style set whose attention region is empty everywhere: every attention
    // term vanishes (the target is invalid), bkgd terms remain.
    c.name = "20x12 style m = 0, mean of 1";
    c.pairing.clear();
    c.style_imgs = {c.style_imgs[1]};
    c.style_masks = {constant_mask(H, W, 0.0)};
    run_case(c);
  }

  TEST_CASE("losses reference: compute_losses with an ignore region (validity v)") {
    // METHOD.md "Data" (ignore region): attention weight m*v, bkgd weight (1-m)*v, for the
    // content batch and the style image alike. Sample 1's v removes the whole
    // bkgd (v = m binary): its bkgd terms vanish by the guard.
    const int N = 2, H = 16, W = 12;
    Case c = make_case("16x12 with v, mean of 1", N, H, W, 81);
    c.y = uniform(N * 3 * H * W, 82, 0.0, 1.0);
    const Vec m1 = box_mask(H, W, 4, 12, 2, 10);
    c.m = concat({soft_mask(H, W, 83), m1});
    c.v = concat({box_mask(H, W, 0, 12, 0, 12), m1});
    c.style_imgs = {uniform(3 * H * W, 84, 0.0, 1.0)};
    c.style_masks = {soft_mask(H, W, 85)};
    c.style_valid = {box_mask(H, W, 2, 16, 1, 12)};
    run_case(c);
  }

  TEST_CASE("losses reference: mgst eval end to end (transform, residual overrides, identity)") {
    const int H = 20, W = 12;  // multiples of 4; relu3_1 5x3, relu4_1 2x1 (floor)
    const fs::path dir = temp_dir() / "eval";
    fs::create_directories(dir);
    const data::ImageU8 content = random_u8(H, W, 3, 41, 0, 255);
    const data::ImageU8 style = random_u8(H, W, 3, 42, 40, 220);
    // Content mask: soft values, with saturated 0 and 255 areas.
    data::ImageU8 mask = random_u8(H, W, 1, 43, 0, 255);
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        if (i < 5) mask.pixels[std::size_t(i) * W + j] = 0;
        if (i >= 14 && j >= 3 && j < 10) mask.pixels[std::size_t(i) * W + j] = 255;
      }
    data::ImageU8 style_mask = random_u8(H, W, 1, 44, 0, 0);
    for (int i = 4; i < 16; ++i)
      for (int j = 2; j < 9; ++j) style_mask.pixels[std::size_t(i) * W + j] = 255;
    const std::string cp = (dir / "content.png").string(), mp = (dir / "mask.png").string(),
                      sp = (dir / "style.png").string(), smp = (dir / "style_mask.png").string();
    data::save_png(cp, content);
    data::save_png(mp, mask);
    data::save_png(sp, style);
    data::save_png(smp, style_mask);

    const Vec x = u8_to_chw(content), m = u8_to_chw(mask);
    Map s(3, H, W), ms(1, H, W);
    s.d = u8_to_chw(style);
    ms.d = u8_to_chw(style_mask);
    const std::vector<RefGrams> targets = {mean_target_ref({style_grams_ref(ref_vgg(), s, ms)})};

    // Transform weights: random, with c4 perturbed so that y != x.
    auto make_net = [](bool residual, uint64_t seed) {
      auto net = std::make_unique<models::TransformNet>(residual, seed);
      std::mt19937_64 gen(seed + 100);
      for (const char* name : {"c4.conv.weight", "c4.conv.bias"}) {
        Tensor* p = net->parameters().find(name);
        REQUIRE(p);
        std::uniform_real_distribution<double> d(-0.01, 0.01);
        std::vector<float> v(p->numel());
        for (auto& e : v) e = float(d(gen));
        p->copy_from(Tensor::from_vector(p->shape(), v));
      }
      return net;
    };
    const std::string fa = (dir / "residual_true.safetensors").string();
    const std::string fb = (dir / "residual_false.safetensors").string();
    make_net(true, 51)->save(fa);
    make_net(false, 52)->save(fb);

    // The transform output as our net computes it from the file in a given mode.
    auto output_of = [&](const std::string& file, bool residual) {
      models::TransformNet net(residual, 0);
      net.load(read_safetensors(file), file);
      NoGradGuard ng;
      const Tensor y = net.forward(tensor({1, 3, H, W}, x), tensor({1, 1, H, W}, m));
      const std::vector<float> v = y.to_vector();
      return Vec(v.begin(), v.end());
    };
    const std::string common = "--vgg \"" + vgg_path() + "\" --content \"" + cp + "\" --mask \"" +
                               mp + "\" --style \"" + sp + "\" --style-mask \"" + smp + "\" --json";
    struct Run {
      std::string label, args;
      std::string file;  // "" = identity
      bool residual;
    };
    const std::vector<Run> runs = {
        {"eval residual file", "--transform \"" + fa + "\"", fa, true},
        {"eval residual file --no-residual", "--transform \"" + fa + "\" --no-residual", fa, false},
        {"eval plain file", "--transform \"" + fb + "\"", fb, false},
        {"eval plain file --residual", "--transform \"" + fb + "\" --residual", fb, true},
        {"eval --identity", "--identity", "", false},
    };
    std::vector<RefTerms> refs;
    for (const auto& run : runs) {
      CAPTURE(run.label);
      int status = 0;
      const std::string out = run_cli("eval " + run.args + " " + common, &status);
      REQUIRE(status == 0);
      const Json j = Json::parse(out, run.label);
      CHECK(j.at("vgg").as_string() == "pretrained");
      CHECK(j.at("size").as_string() == std::to_string(H) + "x" + std::to_string(W));
      const Vec y = run.file.empty() ? x : output_of(run.file, run.residual);
      const RefTerms r = losses_ref(ref_vgg(), 1, H, W, x, y, m, targets);
      compare_json(run.label, j, r);
      refs.push_back(r);
    }
    // The overrides change the output (so the comparisons above discriminate).
    CHECK(rel_err(refs[0].content, refs[1].content) > 1e-2);
    CHECK(rel_err(refs[2].content, refs[3].content) > 1e-2);
    // Identity: y = x.
    CHECK(refs[4].content == 0);
    CHECK(refs[4].task == 0);
  }

  TEST_CASE("losses reference: loss ops' backward vs finite differences of the double reference") {
    const int N = 2, C = 3, H = 4, W = 5, P = H * W;
    const Vec a0 = uniform(N * C * P, 61, -1.0, 1.0), b0 = uniform(N * C * P, 62, -1.0, 1.0);
    // Sample 0 soft mask, sample 1 all zero (its terms vanish, zero gradient).
    const Vec m0 = concat({soft_mask(H, W, 63), constant_mask(H, W, 0.0)});
    const double h = 1e-6;

    SUBCASE("masked_mse") {
      auto ref = [&](const Vec& a) {
        double s = 0;
        for (int n = 0; n < N; ++n) {
          double num = 0, ms = 0;
          for (int p = 0; p < P; ++p) {
            ms += m0[n * P + p];
            for (int c = 0; c < C; ++c) {
              const double d = a[(n * C + c) * P + p] - b0[(n * C + c) * P + p];
              num += m0[n * P + p] * d * d;
            }
          }
          s += num / (C * ms + kEps);
        }
        return s / N;
      };
      Tensor a = tensor({N, C, H, W}, a0);
      a.set_requires_grad(true);
      const Tensor loss = ops::masked_mse(a, tensor({N, C, H, W}, b0), tensor({N, 1, H, W}, m0));
      check_term("op masked_mse", loss.item(), ref(a0), 1e-5);
      loss.backward();
      check_grad("masked_mse", a.grad().to_vector(), mgst::test::numeric_gradient(ref, a0, h));
    }

    SUBCASE("task_edge_loss") {
      const Vec y0 = uniform(N * 3 * P, 64, 0.0, 1.0), x0 = uniform(N * 3 * P, 65, 0.0, 1.0);
      const Vec m1 = concat({soft_mask(H, W, 66), box_mask(H, W, 1, 3, 2, 5)});
      auto ref = [&](const Vec& y) {
        auto g = [&](const Vec& im, int n, int i, int j) {
          const std::size_t q = std::size_t(n) * 3 * P + i * W + j;
          return 0.299 * im[q] + 0.587 * im[q + P] + 0.114 * im[q + 2 * P];
        };
        double s = 0;
        for (int n = 0; n < N; ++n) {
          double num = 0, ms = 0;
          for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j) {
              const double mp = m1[n * P + i * W + j];
              ms += mp;
              if (j + 1 < W) {
                const double d =
                    (g(y, n, i, j + 1) - g(y, n, i, j)) - (g(x0, n, i, j + 1) - g(x0, n, i, j));
                num += mp * d * d;
              }
              if (i + 1 < H) {
                const double d =
                    (g(y, n, i + 1, j) - g(y, n, i, j)) - (g(x0, n, i + 1, j) - g(x0, n, i, j));
                num += mp * d * d;
              }
            }
          s += num / (ms + kEps);
        }
        return s / N;
      };
      Tensor y = tensor({N, 3, H, W}, y0);
      y.set_requires_grad(true);
      const Tensor loss =
          ops::task_edge_loss(y, tensor({N, 3, H, W}, x0), tensor({N, 1, H, W}, m1));
      check_term("op task_edge_loss", loss.item(), ref(y0), 1e-5);
      loss.backward();
      check_grad("task_edge_loss", y.grad().to_vector(), mgst::test::numeric_gradient(ref, y0, h));
    }

    SUBCASE("total_variation") {
      auto ref = [&](const Vec& y) {
        double sx = 0, sy = 0;
        for (int nc = 0; nc < N * C; ++nc)
          for (int i = 0; i < H; ++i)
            for (int j = 0; j < W; ++j) {
              const double v = y[(nc * H + i) * W + j];
              if (j + 1 < W) sx += std::pow(y[(nc * H + i) * W + j + 1] - v, 2);
              if (i + 1 < H) sy += std::pow(y[(nc * H + i + 1) * W + j] - v, 2);
            }
        return sx / (double(N) * C * H * (W - 1)) + sy / (double(N) * C * (H - 1) * W);
      };
      Tensor y = tensor({N, C, H, W}, a0);
      y.set_requires_grad(true);
      const Tensor loss = ops::total_variation(y);
      check_term("op total_variation", loss.item(), ref(a0), 1e-5);
      loss.backward();
      check_grad("total_variation", y.grad().to_vector(), mgst::test::numeric_gradient(ref, a0, h));
    }

    SUBCASE("masked_gram + weighted_row_mse") {
      // Features O(1) and non-negative (post-ReLU like), soft weights.
      const Vec F0 = uniform(N * C * P, 67, 0.0, 2.0);
      const Vec w0 = concat({soft_mask(H, W, 68), soft_mask(H, W, 69)});
      for (int variant = 0; variant < 2; ++variant) {
        CAPTURE(variant);
        // variant 0: one broadcast target row, row weights {1, 0} (guard);
        // variant 1: one target row per sample, no row weights (all ones).
        const int R = variant == 0 ? 1 : N;
        const Vec T0 = uniform(R * C * C, 70 + variant, 0.0, 0.5);
        const Vec rw = variant == 0 ? Vec{1.0, 0.0} : Vec{1.0, 1.0};
        auto ref = [&](const Vec& F) {
          double s = 0;
          for (int n = 0; n < N; ++n) {
            Map Fn(C, H, W), wn(1, H, W);
            for (int i = 0; i < C * P; ++i) Fn.d[i] = F[n * C * P + i];
            for (int i = 0; i < P; ++i) wn.d[i] = w0[n * P + i];
            const Vec G = masked_gram_ref(Fn, wn);
            const Vec T(T0.begin() + (R == 1 ? 0 : n) * C * C,
                        T0.begin() + ((R == 1 ? 0 : n) + 1) * C * C);
            s += rw[n] * mse_vec(G, T);
          }
          return s / N;
        };
        Tensor F = tensor({N, C, H, W}, F0);
        F.set_requires_grad(true);
        const Tensor G = ops::masked_gram(F, tensor({N, 1, H, W}, w0));
        // The Gram itself.
        {
          Vec Gref;
          for (int n = 0; n < N; ++n) {
            Map Fn(C, H, W), wn(1, H, W);
            for (int i = 0; i < C * P; ++i) Fn.d[i] = F0[n * C * P + i];
            for (int i = 0; i < P; ++i) wn.d[i] = w0[n * P + i];
            const Vec g = masked_gram_ref(Fn, wn);
            Gref.insert(Gref.end(), g.begin(), g.end());
          }
          mgst::test::all_close("masked_gram", G.to_vector(), Gref, 1e-7, 1e-5);
        }
        const Tensor loss =
            ops::weighted_row_mse(ops::reshape(G, {N, C * C}), tensor({R, C * C}, T0),
                                  variant == 0 ? tensor({N}, rw) : Tensor());
        check_term("op gram+weighted_row_mse", loss.item(), ref(F0), 1e-5);
        loss.backward();
        const std::vector<float> g = F.grad().to_vector();
        check_grad("masked_gram+weighted_row_mse", g, mgst::test::numeric_gradient(ref, F0, h));
        if (variant == 0)
          for (int i = C * P; i < 2 * C * P; ++i) CHECK(g[i] == 0.f);  // weight-0 row
      }
      // w undefined = all ones: Johnson's F F^T / (C H W).
      const Tensor G1 = ops::masked_gram(tensor({N, C, H, W}, F0), Tensor());
      Vec Gref;
      for (int n = 0; n < N; ++n) {
        Map Fn(C, H, W), wn(1, H, W);
        for (int i = 0; i < C * P; ++i) Fn.d[i] = F0[n * C * P + i];
        wn.d.assign(P, 1.0);
        const Vec g = masked_gram_ref(Fn, wn);
        Gref.insert(Gref.end(), g.begin(), g.end());
      }
      mgst::test::all_close("masked_gram (w = 1)", G1.to_vector(), Gref, 1e-7, 1e-5);
    }
  }

  TEST_CASE("losses reference: summary (MGST_TEST_VERBOSE=1 prints the worst errors)") {
    if (verbose()) {
      std::printf("max relative errors over the cases run (grad: max |err| / max |grad|):\n");
      for (const auto& [k, v] : max_err().worst) std::printf("  %-34s %.2e\n", k.c_str(), v);
    }
    for (const auto& [k, v] : max_err().worst) CHECK_MESSAGE(v <= 1e-3, k << ": " << v);
  }

}  // TEST_SUITE
