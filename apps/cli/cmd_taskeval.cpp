// mgst taskeval: does purification help the task? A pupil-centre regressor
// trained on synthetic eyes only reads real eyes raw, purified and under the
// colour baselines, with bootstrap intervals and the shifted-mask control
// (apps/eval/taskeval.h). --demo runs it end to end on the built-in eyes.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "apps/cli/commands.h"
#include "apps/cli/options.h"
#include "apps/data/synth_eyes.h"
#include "apps/eval/taskeval.h"
#include "apps/train/model_source.h"
#include "apps/train/trainer.h"
#include "core/io/fileio.h"

namespace mgst::cli {

namespace {

void write_set(const std::vector<data::EyeSample>& set, const std::string& img_dir,
               const std::string& mask_dir) {
  ensure_directory(img_dir);
  ensure_directory(mask_dir);
  for (const auto& s : set) {
    data::save_png(img_dir + "/" + s.name + ".png", s.image);
    data::save_png(mask_dir + "/" + s.name + ".png", s.mask);
  }
}

std::vector<data::EyeSample> load_set(const ArgParser& a, const std::string& which,
                                      data::EyeLoadOptions o) {
  const std::string dir = a.get("--" + which), format = a.get("--" + which + "-format");
  o.masks_dir = a.get("--" + which + "-masks");
  if (format == "labels") {
    if (dir.empty()) throw UsageError("--" + which + " DIR is required");
    if (o.masks_dir.empty())
      throw UsageError("--" + which + "-format labels needs --" + which + "-masks DIR");
    return data::load_label_set(dir, o);
  }
  if (format == "unityeyes") {
    if (dir.empty()) throw UsageError("--" + which + " DIR is required");
    return data::load_unityeyes_set(dir, o);
  }
  if (format == "csv") {
    const std::string csv = a.get("--" + which + "-csv");
    if (csv.empty()) throw UsageError("--" + which + "-format csv needs --" + which + "-csv FILE");
    return data::load_csv_set(csv, dir, o);
  }
  throw UsageError("--" + which + "-format " + format + ": expected labels, unityeyes or csv");
}

std::unique_ptr<models::TransformNet> load_purifier(const std::string& path, Device device,
                                                    std::optional<train::TrainConfig>* config) {
  train::ModelSource source;
  source.path = path;
  train::LoadedModel m = train::load_model_source(source, device);
  if (config) *config = m.file ? train::saved_config(*m.file, path) : std::nullopt;
  return std::move(m.net);
}

// METHOD.md "No scoring with the loss network": a purifier trained with
// --task-net is scored by regressors of other seeds; psi itself, when its
// file is at hand, is checked against every scorer and scored apart.
void avoid_loss_network(const std::optional<train::TrainConfig>& trained, Device device,
                        std::FILE* info, eval::TaskEvalConfig& cfg,
                        std::unique_ptr<models::PupilRegressor>& psi) {
  if (!trained || trained->task_net.empty()) return;
  if (trained->task_net_seed >= 0) cfg.exclude_seeds.push_back(uint64_t(trained->task_net_seed));
  if (std::filesystem::exists(trained->task_net)) {
    psi = models::load_pupil_regressor(trained->task_net, device);
    cfg.loss_network = psi.get();
  }
  std::fprintf(info,
               "the purifier was trained with the task network %s (seed %s): it is not a "
               "scorer%s\n",
               trained->task_net.c_str(),
               trained->task_net_seed >= 0 ? std::to_string(trained->task_net_seed).c_str()
                                           : "unknown",
               psi ? "" : " (WARNING: its file is gone, so it cannot be checked)");
}

// Every k-th image (k from the fraction) goes to the held-out part.
void split_holdout(std::vector<data::EyeSample>& all, double frac,
                   std::vector<data::EyeSample>& held) {
  if (frac <= 0 || all.size() < 10) return;
  const std::size_t every = std::max<std::size_t>(2, std::size_t(1.0 / frac + 0.5));
  std::vector<data::EyeSample> keep;
  for (std::size_t i = 0; i < all.size(); ++i)
    (i % every == every - 1 ? held : keep).push_back(std::move(all[i]));
  all = std::move(keep);
}

// --ROLE, --ROLE-masks, --ROLE-format, --ROLE-csv: one of taskeval's two
// datasets (synthetic, real); `images` says what --ROLE holds.
std::vector<OptionSpec> dataset_option_specs(const std::string& role, const std::string& images) {
  const std::string flag = "--" + role;
  return {{flag, "DIR", "", images + " (or a UnityEyes folder)"},
          {flag + "-masks", "DIR", "", "their label maps / masks"},
          {flag + "-format", "F", "labels", "labels | unityeyes | csv"},
          {flag + "-csv", "FILE", "", "pupil centres file,x,y (format csv)"}};
}

std::vector<OptionSpec> taskeval_option_specs() {
  std::vector<OptionSpec> specs = {
      {"--demo", "", "",
       "built-in procedural eyes (no downloads); unless --model trains a task network and a "
       "purifier with it (--purifier-* options)"},
      {"--model", "CKPT", "", "the purifier (checkpoint or weights); none: baselines only"},
  };
  append(specs, dataset_option_specs("synthetic", "synthetic training images"));
  append(specs, dataset_option_specs("real", "real test images"));
  append(specs,
         {
             {"--pupil-label", "L", "3", "label-map value of the pupil (centre = its centroid)"},
             {"--region", "R", "eye", "UnityEyes attention masks: eye (lid opening) or iris"},
             {"--mask-from-center", "R", "0",
              "csv without masks: a disc of radius R px around the centre"},
             {"--crop", "C", "eye", "eye[:F] (framed on the labels / landmarks) or center"},
             {"--size", "HxW", "48x64", "evaluation size (multiples of 4)"},
             {"--seeds", "N", "3", "regressor seeds (report per-seed means)"},
             {"--seed", "N", "0", "first regressor seed (and the demo's data seed)"},
             {"--steps", "N", "3000", "regressor training steps: the cap (early stopping)"},
             {"--patience", "K", "5",
              "early stopping: stop after K checks without a better error on the validation "
              "split of the synthetic training images; 0: run to --steps"},
             {"--eval-every", "N", "100", "early stopping: steps between checks"},
             {"--val-fraction", "F", "0.15",
              "early stopping: share of the training images in its validation split"},
             {"--no-geometric-aug", "", "",
              "no random translation (--max-shift) and horizontal flip of the training images"},
             {"--colour-aug", "", "",
              "random per-channel gain/offset (off by default: it hides the domain gap the "
              "purifier must close; reported when on)"},
             {"--regressor-cache", "DIR", "",
              "keep the trained scoring regressors here and reuse them when the training "
              "images, settings and seed are the same (comparing several purifiers)"},
             {"--save-regressor", "FILE", "",
              "write the first seed's regressor (safetensors, config in the metadata): "
              "`mgst train --task-net FILE`"},
             {"--batch", "N", "16", "regressor batch"},
             {"--lr", "X", "0.002", "regressor Adam learning rate (cosine decay)"},
             {"--max-shift", "PX", "3", "regressor translation augmentation"},
             {"--max-rotate", "DEG", "0",
              "regressor rotation augmentation about the image centre (0: none)"},
             {"--max-scale", "F", "0", "regressor scale augmentation: [1-F, 1+F] (0: none)"},
             {"--channels", "c,..", "",
              "regressor conv stages (one per entry; none: 16,32,64, then 64 until the last "
              "map is <= 6 rows)"},
             {"--hidden", "N", "64", "regressor hidden units of the linear head"},
             {"--gaze-weight", "W", "0.3", "weight of the gaze L2 term (datasets with gaze)"},
             {"--holdout", "F", "0.15",
              "share of the synthetic set held out for the in-domain check"},
             {"--leak-shift", "PX", "12", "shifted-mask control: move only the masks this far"},
             {"--bootstrap", "N", "2000", "bootstrap resamples"},
             {"--csv", "FILE", "", "per-image table"},
             {"--out", "DIR", "",
              "write taskeval.json here (demo: also its data and purifier; "
              "default taskeval_out with --demo)"},
             {"--purifier-steps", "N", "150", "demo: purifier training steps"},
             {"--count", "N", "48", "demo: purifier content / style images per domain"},
             {"--mask-region", "R", "eye", "demo: purifier attention region, eye or iris"},
             {"--purifier-loss-weights", "c,s,t,tv", "1,1e4,10,0.1",
              "demo: the purifier's loss weights"},
             {"--purifier-layer-weights", "w,..|auto", "auto",
              "demo: the purifier's style-layer weights"},
             {"--purifier-task-weight", "W|auto", "auto",
              "demo: > 0 or auto trains a task network (a regressor of seed --seed + 1000) and "
              "the purifier with it (train --task-net)"},
             device_option("auto"),
             precision_option(),
             {"--json", "", "", "print one JSON object on stdout (the table goes to stderr)"},
         });
  append(specs, mask_option_specs());
  return specs;
}

eval::TaskEvalConfig taskeval_config_from(const ArgParser& a, Device device) {
  eval::TaskEvalConfig cfg;
  cfg.seeds = a.get_int("--seeds");
  cfg.seed = uint64_t(a.get_int("--seed"));
  cfg.regressor.steps = a.get_int("--steps");
  cfg.regressor.batch = a.get_int("--batch");
  cfg.regressor.lr = a.get_double("--lr");
  cfg.regressor.max_shift = a.get_int("--max-shift");
  cfg.regressor.max_rotate_deg = a.get_double("--max-rotate");
  cfg.regressor.max_scale = a.get_double("--max-scale");
  if (!(cfg.regressor.max_rotate_deg >= 0 && cfg.regressor.max_rotate_deg <= 180) ||
      !(cfg.regressor.max_scale >= 0 && cfg.regressor.max_scale < 1))
    throw UsageError("--max-rotate must be in [0, 180], --max-scale in [0, 1)");
  if (!a.get("--channels").empty()) cfg.regressor.net.channels = a.get_ints("--channels");
  for (int c : cfg.regressor.net.channels)
    if (c < 1) throw UsageError("--channels: positive integers");
  cfg.regressor.net.hidden = a.get_int("--hidden");
  if (cfg.regressor.net.hidden < 1) throw UsageError("--hidden must be >= 1");
  cfg.regressor.patience = a.get_int("--patience");
  cfg.regressor.eval_every = a.get_int("--eval-every");
  cfg.regressor.val_fraction = a.get_double("--val-fraction");
  cfg.regressor.geometric = !a.flag("--no-geometric-aug");
  cfg.regressor.colour = a.flag("--colour-aug");
  cfg.save_regressor = a.get("--save-regressor");
  cfg.regressor_cache = a.get("--regressor-cache");
  if (cfg.regressor.patience < 0 || cfg.regressor.eval_every < 1 ||
      !(cfg.regressor.val_fraction >= 0 && cfg.regressor.val_fraction < 1))
    throw UsageError("--patience must be >= 0, --eval-every >= 1, --val-fraction in [0, 1)");
  cfg.regressor.gaze_weight = a.get_double("--gaze-weight");
  cfg.leak_shift = a.get_int("--leak-shift");
  cfg.bootstrap = a.get_int("--bootstrap");
  cfg.device = device;
  cfg.csv = a.get("--csv");
  if (cfg.seeds < 1 || cfg.regressor.steps < 1 || cfg.regressor.batch < 1 || cfg.bootstrap < 10 ||
      !(cfg.regressor.gaze_weight >= 0))
    throw UsageError(
        "--seeds, --steps, --batch must be >= 1, --bootstrap >= 10, --gaze-weight >= 0");

  return cfg;
}

// --demo: the built-in eyes, and unless --model a purifier trained on them
// (its data and checkpoint under `out`).
void load_demo(const ArgParser& a, const eval::TaskEvalConfig& cfg, int H, int W,
               const std::string& out, std::FILE* info, eval::TaskEvalData& data,
               std::unique_ptr<models::TransformNet>& net,
               std::optional<train::TrainConfig>* trained) {
  const Device device = cfg.device;
  const std::string region = a.get("--mask-region");
  if (region != "eye" && region != "iris") throw UsageError("--mask-region: expected eye or iris");
  const bool eye = region == "eye";
  const int count = a.get_int("--count");
  const uint64_t s = cfg.seed * 7;
  std::fprintf(info,
               "generating the built-in eyes at %dx%d (synthetic: train 240, held out 64, "
               "style %d; real: purifier content %d, test 64)...\n",
               H, W, count, count);
  data.train = eval::demo_synthetic_train(H, W, cfg.seed, eye);
  data.synthetic_test =
      eval::eye_samples(data::generate_eye_set(data::EyeDomain::Synthetic, 64, H, W, s + 4), eye,
                        "synho");
  data.real_test = eval::eye_samples(data::generate_eye_set(data::EyeDomain::Real, 64, H, W, s + 5),
                                     eye, "real_test");
  data.style =
      eval::eye_samples(data::generate_eye_set(data::EyeDomain::Synthetic, count, H, W, s + 2), eye,
                        "style");
  if (a.given("--model")) {
    net = load_purifier(a.get("--model"), device, trained);
  } else {
    const auto content =
        eval::eye_samples(data::generate_eye_set(data::EyeDomain::Real, count, H, W, s + 1), eye,
                          "real");
    write_set(content, out + "/data/real", out + "/data/real_masks");
    write_set(data.style, out + "/data/synthetic", out + "/data/synthetic_masks");
    train::TrainConfig c =
        train::demo_train_config(out + "/data", H, W, a.get_int("--purifier-steps"));
    c.checkpoint_every = c.steps;
    c.seed = cfg.seed;
    c.device = a.get("--device");
    c.out = out + "/purifier";
    c.quiet = true;
    const auto tp = std::chrono::steady_clock::now();
    // The demo's purifier settings, chosen by docs/RESULTS.md's measurement:
    // METHOD's weights, balanced layers and the task network (purified beat
    // raw there with the mask-shift control under 3 px; the earlier demo
    // weights 1,3e5,10,3 made the task worse). `mgst demo` trains the same.
    {
      const auto w = a.get_doubles("--purifier-loss-weights", 4);
      c.loss.w_content = w[0], c.loss.w_style = w[1], c.loss.w_task = w[2], c.loss.w_tv = w[3];
    }
    if (a.get("--purifier-layer-weights") == "auto") {
      c.loss.style_layer_weights.clear();
      c.loss.style_layer_weights_auto = true;
    } else {
      c.loss.style_layer_weights = a.get_doubles("--purifier-layer-weights", 4);
    }
    const std::string tw = a.get("--purifier-task-weight");
    if (tw == "auto" || a.get_double("--purifier-task-weight") > 0) {
      // psi: a regressor of a seed the scorers never use, on the same synthetic eyes.
      const uint64_t psi_seed = cfg.seed + eval::kDemoPsiSeedOffset;
      std::fprintf(info, "training the task network (regressor seed %llu)...\n",
                   (unsigned long long)psi_seed);
      c.task_net = std::filesystem::absolute(out + "/task_net.safetensors").string();
      eval::train_task_network(data.train, cfg.regressor, psi_seed, device, c.task_net);
      c.loss.task_style_weight_auto = tw == "auto";
      if (tw != "auto") c.loss.w_task_style = a.get_double("--purifier-task-weight");
    }
    std::fprintf(info,
                 "training the purifier: %d steps at %dx%d (weights %g,%g,%g,%g, style layers "
                 "%s%s; seeded random VGG; CPU-scale smoke run)...\n",
                 c.steps, H, W, c.loss.w_content, c.loss.w_style, c.loss.w_task, c.loss.w_tv,
                 c.loss.style_layer_weights_auto ? "auto" : "as given",
                 c.task_net.empty() ? "" : (", task network w_psi " + tw).c_str());
    train::Trainer t(c);
    t.run();
    std::fprintf(info, "purifier trained in %.0f s: %s/purifier/checkpoint.safetensors\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - tp).count(),
                 out.c_str());
    net = load_purifier(out + "/purifier/checkpoint.safetensors", device, trained);
  }
}

// The user's synthetic and real sets (--synthetic, --real and their formats).
void load_datasets(const ArgParser& a, int H, int W, std::FILE* info, eval::TaskEvalData& data,
                   std::unique_ptr<models::TransformNet>& net, Device device,
                   std::optional<train::TrainConfig>* trained) {
  data::EyeLoadOptions o;
  o.height = H, o.width = W;
  o.crop = a.get("--crop");
  o.masks = mask_options_from(a);
  o.pupil_label = a.get_int("--pupil-label");
  o.region = a.get("--region");
  o.mask_from_center = a.get_double("--mask-from-center");
  if (a.get("--synthetic").empty() && a.get("--synthetic-csv").empty())
    throw UsageError("give --demo, or --synthetic DIR and --real DIR (see --help)");
  data.train = load_set(a, "synthetic", o);
  data.real_test = load_set(a, "real", o);
  data.style = data.train;
  split_holdout(data.train, a.get_double("--holdout"), data.synthetic_test);
  std::fprintf(info,
               "loaded %zu synthetic training, %zu held-out synthetic, %zu real test images "
               "at %dx%d\n",
               data.train.size(), data.synthetic_test.size(), data.real_test.size(), H, W);
  if (a.given("--model")) net = load_purifier(a.get("--model"), device, trained);
}

}  // namespace

int cmd_taskeval(const std::vector<std::string>& args) {
  const std::vector<OptionSpec> specs = taskeval_option_specs();
  ArgParser a(
      "taskeval (--demo | --synthetic DIR --real DIR ...) [--model CKPT] [--json]",
      "Trains a pupil-centre regressor on synthetic eyes only (several seeds) and reports its\n"
      "pixel error on real eyes: raw, purified by --model, global and region colour transfer,\n"
      "with bootstrap 95% intervals, and the shifted-mask control (--leak-shift).",
      specs);
  if (!a.parse(args)) return 0;
  const auto t0 = std::chrono::steady_clock::now();
  const bool json = a.flag("--json");
  std::FILE* info = json ? stderr : stdout;
  const auto [H, W] = data::parse_size(a.get("--size"));
  if (H % 4 || W % 4) throw UsageError("--size: H and W must be multiples of 4");
  const Device device = device_from(a);

  eval::TaskEvalConfig cfg = taskeval_config_from(a, device);
  eval::TaskEvalData data;
  std::unique_ptr<models::TransformNet> net;
  std::optional<train::TrainConfig> trained;  // the purifier's training config, if recorded
  std::string out = a.get("--out");
  if (a.flag("--demo")) {
    if (out.empty()) out = "taskeval_out";
    load_demo(a, cfg, H, W, out, info, data, net, &trained);
  } else {
    load_datasets(a, H, W, info, data, net, device, &trained);
  }
  std::unique_ptr<models::PupilRegressor> psi;
  avoid_loss_network(trained, device, info, cfg, psi);
  cfg.verbose = true;
  std::fprintf(info,
               "training the pupil regressor on synthetic eyes: %d seeds, up to %d steps each "
               "(early stopping), geometric augmentation %s, colour augmentation %s...\n",
               cfg.seeds, cfg.regressor.steps, cfg.regressor.geometric ? "on" : "off",
               cfg.regressor.colour ? "ON" : "off");
  std::fflush(info);
  Json rep = eval::run_taskeval(data, net.get(), cfg);
  rep["total_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (a.given("--model")) rep["model"] = a.get("--model");
  eval::print_taskeval_table(rep, info);
  if (!out.empty()) {
    ensure_directory(out);
    write_file_atomic(out + "/taskeval.json", rep.dump(2) + "\n");
    std::fprintf(info, "wrote %s/taskeval.json\n", out.c_str());
  }
  if (json) std::printf("%s\n", rep.dump().c_str());
  return 0;
}

}  // namespace mgst::cli
