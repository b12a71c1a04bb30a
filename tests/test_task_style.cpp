// The task-network style term L_psi (METHOD.md "Task-network style term") and
// the balanced style layers ("Balanced style layers"):
//  - L_psi of a small saved pupil regressor against an independent plain-loop
//    double-precision reference written from METHOD.md and the regressor's
//    architecture (reflection pad, conv 3x3, instance norm, ReLU, max pool),
//    values and input gradients (finite differences of the reference), with
//    the empty-region guards (a content sample without bkgd, a style image
//    without attention left out of the mean);
//  - --style-layer-weights auto gives every style layer an equal share at
//    the identity and keeps the total, and --task-style-weight auto gives
//    w_psi L_psi = w_s L_s there; the checkpoint records both.
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "apps/data/synth_eyes.h"
#include "apps/eval/taskeval.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "eye_data.h"
#include "kernels/error.h"
#include "losses/objective.h"
#include "losses/style_target.h"
#include "models/pupil_regressor.h"
#include "ref_maps.h"
#include "test_util.h"

using namespace mgst;

namespace {

using test::ref::Map;
using test::ref::Vec;
using namespace test::ref;

// ---- the reference (double, plain loops) -------------------------------------

struct RefStage {
  int co = 0, ci = 0;
  Vec w, b, gamma, beta;
};

// PyTorch ReflectionPad2d index (edge pixel excluded).
int reflect(int i, int n) { return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i); }

// reflection pad 1, conv 3x3 + bias, instance norm (biased var, eps 1e-5,
// affine), ReLU, 2x2 max pool (floor).
Map ref_stage(const Map& in, const RefStage& s) {
  Map c(s.co, in.H, in.W);
  for (int o = 0; o < s.co; ++o)
    for (int i = 0; i < in.H; ++i)
      for (int j = 0; j < in.W; ++j) {
        double acc = s.b[o];
        for (int k = 0; k < s.ci; ++k)
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b)
              acc += s.w[((std::size_t(o) * s.ci + k) * 3 + a) * 3 + b] *
                     in.at(k, reflect(i + a - 1, in.H), reflect(j + b - 1, in.W));
        c.at(o, i, j) = acc;
      }
  const double P = double(in.H) * in.W;
  for (int o = 0; o < s.co; ++o) {
    double mean = 0, var = 0;
    for (int i = 0; i < in.H; ++i)
      for (int j = 0; j < in.W; ++j) mean += c.at(o, i, j) / P;
    for (int i = 0; i < in.H; ++i)
      for (int j = 0; j < in.W; ++j) var += (c.at(o, i, j) - mean) * (c.at(o, i, j) - mean) / P;
    for (int i = 0; i < in.H; ++i)
      for (int j = 0; j < in.W; ++j)
        c.at(o, i, j) =
            std::max(0.0, s.gamma[o] * (c.at(o, i, j) - mean) / std::sqrt(var + 1e-5) + s.beta[o]);
  }
  return max_pool(c);
}

struct RefPsi {
  std::vector<RefStage> stages;
  // Stage outputs s1..sK of one image.
  std::vector<Map> features(const Map& img) const {
    std::vector<Map> out;
    Map h = img;
    for (const auto& s : stages) out.push_back(h = ref_stage(h, s));
    return out;
  }
};

struct Region2 {
  Map att, bkgd;  // pooled at the layer's stride
};
Region2 pooled(const Map& m, int stride) {
  Region2 r;
  r.att = avg_pool(m, stride);
  r.bkgd = one_minus(r.att);
  return r;
}

// L_psi for a batch (mean over samples), targets the mean Gram over the style
// images whose region is non-empty.
double ref_lpsi(const RefPsi& psi, const std::vector<Map>& ys, const std::vector<Map>& masks,
                const std::vector<Map>& styles, const std::vector<Map>& style_masks) {
  const int K = int(psi.stages.size());
  // Targets.
  std::vector<std::array<Vec, 2>> T(K);
  std::vector<std::array<bool, 2>> Tvalid(K, {false, false});
  for (int l = 0; l < K; ++l)
    for (int r = 0; r < 2; ++r) {
      int count = 0;
      for (std::size_t i = 0; i < styles.size(); ++i) {
        const Map F = psi.features(styles[i])[l];
        const Region2 reg = pooled(style_masks[i], 2 << l);
        const Map& w = r == 0 ? reg.att : reg.bkgd;
        if (plane_sum(w) < 1e-6) continue;
        const Vec G = masked_gram_ref(F, w);
        if (T[l][r].empty()) T[l][r].assign(G.size(), 0.0);
        for (std::size_t k = 0; k < G.size(); ++k) T[l][r][k] += G[k];
        ++count;
      }
      if (count) {
        for (auto& v : T[l][r]) v /= count;
        Tvalid[l][r] = true;
      }
    }
  double total = 0;
  for (std::size_t n = 0; n < ys.size(); ++n) {
    const auto F = psi.features(ys[n]);
    for (int l = 0; l < K; ++l) {
      const Region2 reg = pooled(masks[n], 2 << l);
      for (int r = 0; r < 2; ++r) {
        const Map& w = r == 0 ? reg.att : reg.bkgd;
        if (!Tvalid[l][r] || plane_sum(w) < 1e-6) continue;
        total += mse_vec(masked_gram_ref(F[l], w), T[l][r]);
      }
    }
  }
  return total / double(ys.size());
}

// ---- helpers ------------------------------------------------------------------
Map plane_of(const std::vector<float>& v, std::size_t offset, int C, int H, int W) {
  Map m(C, H, W);
  for (std::size_t k = 0; k < m.d.size(); ++k) m.d[k] = v[offset + k];
  return m;
}

std::vector<float> random_vec(std::size_t n, std::mt19937& g, float lo, float hi) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = u(g);
  return v;
}

int run_cli(const std::string& args, std::string* output) {
  return test::run_command(std::string(MGST_CLI_PATH) + " " + args + " 2>&1", output);
}

}  // namespace

TEST_SUITE("losses") {
  TEST_CASE(
      "task-network style term L_psi vs a double reference: values, input gradients, "
      "empty-region guards") {
    const int H = 16, W = 24, N = 2;
    models::PupilRegressorConfig rc{H, W, {4, 5}, 8};
    const std::string dir = test::fresh_temp_dir("task_style_ref");
    std::mt19937 g(7);
    {
      models::PupilRegressor net(rc, 3);
      // Non-trivial affine norms (the init is 1 / 0).
      for (auto& p : net.parameters().items())
        if (p.name.find(".norm.") != std::string::npos)
          Tensor(p.tensor).copy_from(
              Tensor::from_vector(p.tensor.shape(),
                                  random_vec(std::size_t(p.tensor.numel()), g, 0.5f, 1.5f)));
      models::save_pupil_regressor(dir + "/psi.safetensors", net);
    }
    // Through the saved file, as `train --task-net` reads it.
    const auto psi = models::load_pupil_regressor(dir + "/psi.safetensors", Device::cpu());
    psi->freeze();
    REQUIRE(psi->feature_layers() == std::vector<std::string>{"s1", "s2"});
    CHECK(psi->stride("s1") == 2);
    CHECK(psi->stride("s2") == 4);
    CHECK_THROWS_WITH_AS(psi->stride("s3"), doctest::Contains("s1..s2"), Error);

    RefPsi ref;
    const SafetensorsFile f = read_safetensors(dir + "/psi.safetensors");
    for (int s = 1; s <= 2; ++s) {
      const std::string k = "s" + std::to_string(s);
      RefStage st;
      st.co = rc.channels[std::size_t(s - 1)], st.ci = s == 1 ? 3 : rc.channels[0];
      auto get = [&](const std::string& name) {
        const NamedArray* a = f.find(k + name);
        REQUIRE(a);
        return Vec(a->data.begin(), a->data.end());
      };
      st.w = get(".conv.weight"), st.b = get(".conv.bias");
      st.gamma = get(".norm.weight"), st.beta = get(".norm.bias");
      ref.stages.push_back(st);
    }

    // Content batch: sample 0 a soft mask, sample 1 all attention (empty bkgd).
    std::vector<float> x = random_vec(std::size_t(N) * 3 * H * W, g, 0.f, 1.f);
    std::vector<float> m(std::size_t(N) * H * W, 1.f);
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) m[std::size_t(i) * W + j] = j < 10 ? 0.9f : (j < 14 ? 0.4f : 0.f);
    // Style set: image 0 has no attention region (left out of the att mean).
    std::vector<Map> styles, style_masks;
    std::vector<losses::StyleGrams> grams;
    const std::vector<std::string> layers = psi->feature_layers();
    for (int s = 0; s < 3; ++s) {
      const std::vector<float> sx = random_vec(std::size_t(3) * H * W, g, 0.f, 1.f);
      std::vector<float> sm(std::size_t(H) * W, 0.f);
      if (s > 0)
        for (int i = 3; i < 12; ++i)
          for (int j = 4 + s; j < 18; ++j) sm[std::size_t(i) * W + j] = 1.f;
      styles.push_back(plane_of(sx, 0, 3, H, W));
      style_masks.push_back(plane_of(sm, 0, 1, H, W));
      const Tensor st = Tensor::from_vector({1, 3, H, W}, sx);
      const Tensor smt = Tensor::from_vector({1, 1, H, W}, sm);
      grams.push_back(
          losses::compute_style_grams(*psi, st, losses::make_regions(smt, Tensor()), layers));
    }
    const losses::StyleTarget target = losses::mean_style_target(grams, layers);

    auto ours = [&](const std::vector<float>& xv, Tensor* grad) {
      Tensor y = Tensor::from_vector({N, 3, H, W}, xv);
      if (grad) y.set_requires_grad(true);
      const losses::RegionWeights regions =
          losses::make_regions(Tensor::from_vector({N, 1, H, W}, m), Tensor());
      const auto per = losses::region_style_loss(*psi, psi->features(y, layers), layers, {1.0, 1.0},
                                                 regions, target);
      Tensor total = ops::add(per[0], per[1]);
      if (grad) {
        total.backward();
        *grad = y.grad();
      }
      return double(total.item());
    };
    auto reference = [&](const std::vector<float>& xv) {
      std::vector<Map> ys, ms;
      for (int n = 0; n < N; ++n) {
        ys.push_back(plane_of(xv, std::size_t(n) * 3 * H * W, 3, H, W));
        ms.push_back(plane_of(m, std::size_t(n) * H * W, 1, H, W));
      }
      return ref_lpsi(ref, ys, ms, styles, style_masks);
    };
    Tensor grad;
    const double got = ours(x, &grad), want = reference(x);
    MESSAGE("L_psi ours " << got << ", reference " << want);
    REQUIRE(want > 0);
    CHECK(std::abs(got - want) <= 1e-4 * want);
    // The frozen network took no weight gradients.
    for (const auto& p : psi->parameters().items()) CHECK_FALSE(p.tensor.grad().defined());

    // Input gradients at a few pixels of both samples: central differences
    // of the double reference.
    const std::vector<float> gv = grad.to_vector();
    double gmax = 0;
    for (float v : gv) gmax = std::max(gmax, double(std::abs(v)));
    REQUIRE(gmax > 0);
    std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
    for (int k = 0; k < 8; ++k) {
      const std::size_t i = pick(g);
      std::vector<float> xp = x, xm = x;
      const float h = 1e-3f;
      xp[i] += h, xm[i] -= h;
      // The float step is exact in double: the reference's slope at the same points.
      const double fd = (reference(xp) - reference(xm)) / (double(xp[i]) - double(xm[i]));
      CAPTURE(i);
      CAPTURE(gv[i]);
      CAPTURE(fd);
      CHECK(std::abs(gv[i] - fd) <= 2e-3 * gmax + 2e-2 * std::abs(fd));
    }

    // The guard on the style side: with every style image's attention empty
    // the att targets are empty, only bkgd terms remain (no NaN), as in the reference.
    std::vector<losses::StyleGrams> bkgd_grams;
    for (auto& sm : style_masks) std::fill(sm.d.begin(), sm.d.end(), 0.0);
    for (const auto& st : styles) {
      const std::vector<float> sx(st.d.begin(), st.d.end());
      bkgd_grams.push_back(
          losses::compute_style_grams(*psi, Tensor::from_vector({1, 3, H, W}, sx),
                                      losses::make_regions(Tensor::zeros({1, 1, H, W}), Tensor()),
                                      layers));
    }
    const losses::StyleTarget bkgd_only = losses::mean_style_target(bkgd_grams, layers);
    const losses::RegionWeights regions =
        losses::make_regions(Tensor::from_vector({N, 1, H, W}, m), Tensor());
    const auto per =
        losses::region_style_loss(*psi, psi->features(Tensor::from_vector({N, 3, H, W}, x), layers),
                                  layers, {1.0, 1.0}, regions, bkgd_only);
    const double only = double(ops::add(per[0], per[1]).item());
    const double want_bkgd = reference(x);
    REQUIRE(want_bkgd > 0);
    CHECK(std::isfinite(only));
    CHECK(std::abs(only - want_bkgd) <= 1e-4 * want_bkgd);
  }
}

TEST_SUITE("apps") {
  TEST_CASE(
      "auto weights: equal style-layer shares at the identity, w_psi L_psi = w_s L_s; "
      "the checkpoint records them") {
    const std::string data = test::make_eye_dataset("task_style_auto", 24, 32, 3);
    const std::string dir = test::fresh_temp_dir("task_style_auto_run");
    models::PupilRegressorConfig rc{24, 32, {4, 6}, 8};
    models::save_pupil_regressor(dir + "/psi.safetensors", models::PupilRegressor(rc, 5));
    train::TrainConfig c = test::small_train_config(data, dir + "/run");
    c.steps = 1;
    c.loss.style_layer_weights.clear();
    c.loss.style_layer_weights_auto = true;
    c.task_net = dir + "/psi.safetensors";
    c.loss.task_style_weight_auto = true;
    train::Trainer t(c);
    const losses::LossConfig& L = t.config().loss;
    REQUIRE(L.style_layer_weights.size() == L.style_layers.size());
    CHECK(L.task_layers == std::vector<std::string>{"s1", "s2"});

    {
      NoGradGuard no_grad;
      const data::Batch b = t.batch_for_step(1, nullptr);
      const losses::RegionWeights regions = losses::make_regions(b.m, b.v);
      // Unit weights: each layer's own loss, in double.
      losses::LossConfig unit = L;
      unit.style_layer_weights.assign(L.style_layers.size(), 1.0);
      const auto u = losses::compute_losses(t.vgg(), unit, b.x, b.x, regions, t.mean_target());
      Vec per;
      double sum = 0;
      for (const auto& l : u.style_per_layer) per.push_back(double(l.item())), sum += per.back();
      const double K = double(per.size());
      for (std::size_t i = 0; i < per.size(); ++i) {
        CAPTURE(L.style_layers[i]);
        CHECK(L.style_layer_weights[i] == doctest::Approx(sum / (K * per[i])).epsilon(1e-6));
      }
      // With the chosen weights: equal shares, the same total.
      const auto a = losses::compute_losses(t.vgg(), L, b.x, b.x, regions, t.mean_target(),
                                            t.task_style_term());
      const double s = double(a.style.item());
      CHECK(s == doctest::Approx(sum).epsilon(1e-5));
      for (const auto& l : a.style_per_layer)
        CHECK(double(l.item()) / s == doctest::Approx(1.0 / K).epsilon(1e-5));
      // w_psi L_psi = w_s L_s at the identity.
      REQUIRE(a.task_style.defined());
      CHECK(L.w_task_style * double(a.task_style.item()) ==
            doctest::Approx(L.w_style * s).epsilon(1e-5));
    }

    // The checkpoint records the term and the resolved weights.
    t.run();
    const auto saved = train::saved_config(read_safetensors(dir + "/run/checkpoint.safetensors"),
                                           dir + "/run/checkpoint");
    REQUIRE(saved);
    CHECK(saved->task_net == c.task_net);
    CHECK(saved->loss.task_style_weight_auto);
    CHECK(saved->loss.w_task_style == doctest::Approx(L.w_task_style).epsilon(1e-12));
    CHECK(saved->loss.style_layer_weights_auto);
    CHECK(saved->loss.style_layer_weights == L.style_layer_weights);
    CHECK(saved->loss.task_layers == L.task_layers);

    // `mgst inspect` takes the term from the checkpoint and shows it with its layers.
    std::string out;
    const int code =
        run_cli("inspect --model " + dir + "/run/checkpoint.safetensors --content " + data +
                    "/real/e0.png --mask " + data + "/real_masks/e0.png --style " + data +
                    "/synth/e0.png --style-mask " + data + "/synth_masks/e0.png --out " + dir +
                    "/report.html",
                &out);
    REQUIRE_MESSAGE(code == 0, out);
    CHECK(out.find("task-net style") != std::string::npos);
    const std::string html = read_file(dir + "/report.html");
    CHECK(html.find("Task-network layers") != std::string::npos);
    CHECK(html.find("task-net style L_&psi;") != std::string::npos);
    CHECK(html.find(">s2<") != std::string::npos);
  }
}

namespace {
std::vector<data::EyeSample> eye_samples(data::EyeDomain d, int n, int H, int W, uint64_t seed) {
  std::vector<data::EyeSample> out;
  const auto set = data::generate_eye_set(d, n, H, W, seed);
  for (std::size_t i = 0; i < set.size(); ++i) {
    data::EyeSample s;
    s.name = "e" + std::to_string(i);
    s.image = set[i].image, s.mask = set[i].eye_mask;
    s.cx = set[i].pupil_x, s.cy = set[i].pupil_y;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("taskeval: early stopping keeps the best checked weights") {
    const int H = 24, W = 32;
    const auto train = eye_samples(data::EyeDomain::Synthetic, 40, H, W, 31);
    eval::RegressorTrainConfig rc;
    rc.steps = 400, rc.eval_every = 10, rc.patience = 2, rc.val_fraction = 0.2;
    eval::RegressorTrainInfo info;
    const auto net = eval::train_regressor(train, rc, 0, Device::cpu(), nullptr, &info);
    MESSAGE("steps run " << info.steps_run << ", kept " << info.best_step << ", val "
                         << info.best_val_px << " px");
    // The split: every 5th image (round(1 / 0.2)).
    std::vector<data::EyeSample> val;
    std::vector<data::ImageF> imgs;
    for (std::size_t i = 4; i < train.size(); i += 5)
      val.push_back(train[i]), imgs.push_back(train[i].image);
    CHECK(info.val_images == int(val.size()));
    CHECK(info.steps_run <= rc.steps);
    CHECK(info.best_step % rc.eval_every == 0);
    CHECK(info.best_step <= info.steps_run);
    // Stopped by patience (or the cap): no more than `patience` checks after the best.
    CHECK((info.steps_run == rc.steps ||
           info.steps_run == info.best_step + rc.patience * rc.eval_every));
    // The returned weights are the best check's: their validation error is the recorded one.
    const double e = eval::mean_of(eval::pixel_errors(eval::predict_centres(*net, imgs), val));
    CHECK(e == doctest::Approx(info.best_val_px).epsilon(1e-6));
  }

  TEST_CASE("taskeval: a purifier trained with --task-net is never scored by that network") {
    const std::string d = test::fresh_temp_dir("task_style_noself");
    const std::string common =
        " --demo --size 24x32 --steps 20 --eval-every 10 --bootstrap 50 --count 4 --seed 0";
    std::string out;
    // psi: the seed-0 regressor of the demo's synthetic eyes.
    REQUIRE_MESSAGE(run_cli("taskeval" + common +
                                " --seeds 1 --purifier-steps 1 --purifier-task-weight 0 --out " +
                                d + "/first --save-regressor " + d + "/psi.safetensors",
                            &out) == 0,
                    out);
    // A purifier trained with it.
    const std::string data = d + "/first/data";
    REQUIRE_MESSAGE(run_cli("train --content " + data + "/real --masks " + data +
                                "/real_masks --style " + data + "/synthetic --style-masks " + data +
                                "/synthetic_masks --size 24x32 --batch 1 --steps 1 " +
                                "--task-net " + d + "/psi.safetensors --task-style-weight auto " +
                                "--style-layer-weights auto " + "--quiet --out " + d + "/run",
                            &out) == 0,
                    out);
    {  // From the command line, `auto` replaces the default weights 1,1,1,1.
      const auto saved = train::saved_config(read_safetensors(d + "/run/checkpoint.safetensors"),
                                             d + "/run/checkpoint");
      REQUIRE(saved);
      CHECK(saved->loss.style_layer_weights_auto);
      CHECK(saved->loss.style_layer_weights.size() == 4u);
      CHECK(saved->loss.style_layer_weights != std::vector<double>{1, 1, 1, 1});
      CHECK(saved->loss.w_task_style > 0);
      CHECK(saved->task_net_seed == 0);
    }
    // Scored on the same data from the same first seed: seed 0 would rebuild psi exactly.
    REQUIRE_MESSAGE(run_cli("taskeval" + common + " --seeds 2 --model " + d +
                                "/run/checkpoint.safetensors --out " + d + "/second",
                            &out) == 0,
                    out);
    const Json rep = Json::parse(read_file(d + "/second/taskeval.json"), "taskeval.json");
    const Json& seeds = rep.at("regressor_seeds");
    REQUIRE(seeds.size() == 2u);
    for (std::size_t i = 0; i < seeds.size(); ++i) CHECK(seeds[i].as_int() != 0);
    CHECK(rep.at("excluded_seeds").size() == 1u);
    CHECK(rep.at("excluded_seeds")[0].as_int() == 0);
    // psi's own score is there, apart and marked.
    CHECK(rep.at("loss_network_score").at("note").as_string().find("not a fair score") !=
          std::string::npos);
    CHECK(out.find("NOT a fair score") != std::string::npos);
  }
}

namespace {
std::vector<std::string> csv_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',')
      out.emplace_back();
    else
      out.back().push_back(ch);
  }
  return out;
}
std::string csv_join(const std::vector<std::string>& f) {
  std::string s;
  for (std::size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + f[i];
  return s;
}
}  // namespace

TEST_SUITE("apps") {
  TEST_CASE(
      "log.csv with --task-net: a task_net_style column (unweighted L_psi, also for validation); "
      "--resume keeps it; old logs without it still read; the plot draws it") {
    const std::string data = test::make_eye_dataset("task_style_log", 24, 32, 3);
    const std::string dir = test::fresh_temp_dir("task_style_log_run");
    models::PupilRegressorConfig rc{24, 32, {4, 6}, 8};
    models::save_pupil_regressor(dir + "/psi.safetensors", models::PupilRegressor(rc, 5));
    train::TrainConfig c = test::small_train_config(data, dir + "/run");
    c.steps = 2, c.checkpoint_every = 1;
    c.val_content = data + "/real", c.val_masks = data + "/real_masks";
    c.task_net = dir + "/psi.safetensors";
    c.loss.w_task_style = 7.5;
    train::Trainer(c).run();
    const std::string log = dir + "/run/log.csv";
    const auto lines = csv_lines(read_file(log));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] ==
          "step,content,style,task,tv,total,images_per_s,task_net_style,val_content,val_style,"
          "val_task,val_tv,val_total,val_task_net_style");
    const auto rows = train::read_log_csv(log);
    REQUIRE(rows.size() == 2);
    const losses::LossConfig& L = c.loss;
    for (std::size_t i = 0; i < 2; ++i) {
      CAPTURE(i);
      const auto f = csv_fields(lines[i + 1]);
      REQUIRE(f.size() == 14);
      const train::StepLog& r = rows[i];
      CHECK(r.step == int64_t(i + 1));
      CHECK(std::stod(f[7]) == r.task_style);
      // The total holds w_psi times the column's value: it is L_psi, unweighted.
      REQUIRE(r.task_style > 0);
      CHECK(r.total ==
            doctest::Approx(L.w_content * r.content + L.w_style * r.style + L.w_task * r.task +
                            L.w_tv * r.tv + L.w_task_style * r.task_style)
                .epsilon(1e-5));
      REQUIRE(r.has_val);  // a checkpoint every step
      REQUIRE(r.val.task_net_style > 0);
      CHECK(std::stod(f[13]) == r.val.task_net_style);
      CHECK(r.val.total == doctest::Approx(L.w_content * r.val.content + L.w_style * r.val.style +
                                           L.w_task * r.val.task + L.w_tv * r.val.tv +
                                           L.w_task_style * r.val.task_net_style)
                               .epsilon(1e-5));
    }

    // A torn row of this layout (12 of 14 fields) is dropped, not read as the
    // validation layout.
    const std::string torn = dir + "/torn.csv";
    auto cut = csv_fields(lines[2]);
    cut.resize(12);
    write_file_atomic(torn, lines[0] + "\n" + lines[1] + "\n" + csv_join(cut));
    CHECK(train::read_log_csv(torn).size() == 1);

    // A log from before the column: the old header and rows (columns 7 and 13 gone).
    std::string old_log;
    for (const auto& l : lines) {
      auto f = csv_fields(l);
      f.erase(f.begin() + 13), f.erase(f.begin() + 7);
      old_log += csv_join(f) + "\n";
    }
    write_file_atomic(log, old_log);
    const auto old_rows = train::read_log_csv(log);
    REQUIRE(old_rows.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(std::isnan(old_rows[i].task_style));
      CHECK(old_rows[i].has_val);
      CHECK(std::isnan(old_rows[i].val.task_net_style));
      CHECK(old_rows[i].val.total == rows[i].val.total);
    }
    // Resume from step 2 with a row past the checkpoint: the rows up to it
    // are kept, the column comes back (empty for the old rows), step 3 fills it.
    write_file_atomic(log, old_log + "9,1,2,3,4,5,6,1,2,3,4,5\n");
    train::Trainer::resume(dir + "/run", 3, true)->run();
    const auto after = csv_lines(read_file(log));
    REQUIRE(after.size() == 4);
    CHECK(after[0] == lines[0]);
    for (std::size_t i = 1; i <= 3; ++i) {
      CAPTURE(i);
      const auto f = csv_fields(after[i]);
      REQUIRE(f.size() == 14);
      CHECK(f[0] == std::to_string(i));
      CHECK(f[7].empty() == (i < 3));
      CHECK(f[13].empty() == (i < 3));
    }
    const auto resumed = train::read_log_csv(log);
    REQUIRE(resumed.size() == 3);
    CHECK(resumed[2].task_style > 0);

    // The plot draws w_psi * L_psi: without the values it is another picture.
    train::plot_log(dir + "/with.png", resumed, L, "t");
    auto without = resumed;
    for (auto& r : without) r.task_style = train::kNoValue;
    train::plot_log(dir + "/without.png", without, L, "t");
    CHECK(read_file(dir + "/with.png") != read_file(dir + "/without.png"));
  }
}

TEST_SUITE("apps") {
  TEST_CASE(
      "mgst demo trains the purifier taskeval --demo measures: METHOD's weights, auto layers, "
      "the task network of seed + 1000 with w_psi auto; the same weights bit for bit") {
    const std::string d = test::fresh_temp_dir("task_style_demo");
    std::string out;
    REQUIRE_MESSAGE(run_cli("demo --size 24x32 --steps 2 --count 4 --seed 1 --task-net-steps 20 "
                            "--device cpu --out " +
                                d + "/demo",
                            &out) == 0,
                    out);
    const SafetensorsFile demo = read_safetensors(d + "/demo/checkpoint.safetensors");
    const auto saved = train::saved_config(demo, d + "/demo/checkpoint");
    REQUIRE(saved);
    CHECK(saved->loss.w_content == 1.0);
    CHECK(saved->loss.w_style == 1e4);
    CHECK(saved->loss.w_task == 10.0);
    CHECK(saved->loss.w_tv == 0.1);
    CHECK(saved->loss.style_layer_weights_auto);
    CHECK(saved->loss.task_style_weight_auto);
    CHECK(saved->loss.w_task_style > 0);
    CHECK(saved->task_net_seed == 1001);
    CHECK(read_file(d + "/demo/log.csv").find(",task_net_style") != std::string::npos);
    // taskeval --demo with the same seed, size, steps and count: the same purifier.
    REQUIRE_MESSAGE(run_cli("taskeval --demo --size 24x32 --purifier-steps 2 --count 4 --seed 1 "
                            "--steps 20 --seeds 1 --bootstrap 50 --device cpu --out " +
                                d + "/taskeval",
                            &out) == 0,
                    out);
    const SafetensorsFile te = read_safetensors(d + "/taskeval/purifier/checkpoint.safetensors");
    CHECK(read_file(d + "/demo/task_net.safetensors") ==
          read_file(d + "/taskeval/task_net.safetensors"));
    int compared = 0;
    for (const auto& a : demo.tensors) {
      if (a.name.rfind("adam.", 0) == 0) continue;
      const NamedArray* b = te.find(a.name);
      REQUIRE_MESSAGE(b, a.name);
      CHECK_MESSAGE(a.data == b->data, a.name);
      ++compared;
    }
    CHECK(compared > 10);
    // --no-task-net: VGG only.
    REQUIRE_MESSAGE(run_cli("demo --size 24x32 --steps 1 --count 4 --no-task-net --device cpu "
                            "--out " +
                                d + "/vgg",
                            &out) == 0,
                    out);
    const auto vgg = train::saved_config(read_safetensors(d + "/vgg/checkpoint.safetensors"),
                                         d + "/vgg/checkpoint");
    REQUIRE(vgg);
    CHECK(vgg->task_net.empty());
    CHECK_FALSE(std::filesystem::exists(d + "/vgg/task_net.safetensors"));
  }
}
