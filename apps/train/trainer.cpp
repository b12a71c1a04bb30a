#include "apps/train/trainer.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "apps/train/model_source.h"
#include "apps/train/style_targets.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "core/version.h"
#include "kernels/error.h"
#include "models/weights.h"

namespace mgst::train {

namespace fs = std::filesystem;

// ---- reliability helpers ----------------------------------------------------------
namespace {

// TEST HOOK, for tests/test_reliability.cpp only: with
// MGST_TEST_INJECT_NAN_AT_STEP=N in the environment, step N's input batch
// gets one NaN pixel, so the numerical-fault path (the step stops naming
// itself, --detect-anomaly names the first op, the last checkpoint stays
// intact) can be tested end to end. Real inputs are 8-bit images and can
// never be NaN. Unset (the normal case) it costs one getenv per process.
int64_t test_nan_step() {
  static const int64_t step = [] {
    const char* v = std::getenv("MGST_TEST_INJECT_NAN_AT_STEP");
    return v ? std::atoll(v) : int64_t(-1);
  }();
  return step;
}

// A write killed between its temporary file and the rename (SIGKILL, power
// loss) leaves `NAME.tmp.<pid>` beside NAME (core/io/fileio.h
// write_file_atomic). Removes those in `dir` whose writer is gone, so
// repeated crashes do not pile up checkpoint-sized files.
void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto at = name.rfind(".tmp.");
    if (at == std::string::npos || at + 5 >= name.size()) continue;
    const std::string pid = name.substr(at + 5);
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const long p = std::atol(pid.c_str());
    if (p == long(::getpid()) || (p > 0 && ::kill(pid_t(p), 0) == 0) || (p > 0 && errno == EPERM))
      continue;  // its writer may still be running
    std::error_code rm;
    if (fs::remove(it->path(), rm))
      std::fprintf(stderr, "note: removed %s (left by an interrupted write)\n",
                   it->path().string().c_str());
  }
}

int64_t parse_step(const std::string& text, const std::string& path, const char* key) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  MGST_CHECK(!text.empty() && *end == 0 && errno == 0 && v >= 0,
             path << ": metadata '" << key << "' is \"" << text
                  << "\", expected a non-negative integer (corrupt checkpoint?)");
  return v;
}

}  // namespace

// ---- the trainer ----------------------------------------------------------------
Trainer::Trainer(TrainConfig cfg) : cfg_(std::move(cfg)) { setup(); }
Trainer::~Trainer() = default;

void Trainer::setup() {
  cfg_.loss.validate();
  MGST_CHECK(cfg_.height % 4 == 0 && cfg_.width % 4 == 0,
             "--size " << cfg_.height << "x" << cfg_.width << ": H and W must be multiples of 4");
  MGST_CHECK(cfg_.batch >= 1, "--batch must be >= 1");
  MGST_CHECK(std::isfinite(cfg_.lr) && cfg_.lr > 0,
             "--lr " << cfg_.lr << ": the learning rate must be a positive finite number");
  MGST_CHECK(cfg_.warmup_steps >= 0, "--warmup-steps must be >= 0, got " << cfg_.warmup_steps);
  MGST_CHECK(cfg_.checkpoint_every >= 0,
             "--checkpoint-every must be >= 0 (0: only at the end), got " << cfg_.checkpoint_every);
  MGST_CHECK(cfg_.style_target == "mean" || cfg_.style_target == "paired",
             "--style-target " << cfg_.style_target << ": expected mean or paired");
  MGST_CHECK(!cfg_.out.empty(), "--out RUN_DIR is required");
  device_ = parse_device(cfg_.device);
  crop_ = data::parse_crop(cfg_.crop);
  content_ = data::pair_files(cfg_.content, cfg_.masks);
  style_ = data::pair_files(cfg_.style, cfg_.style_masks);
  if (cfg_.skip_bad) {
    // One load of every pair up front: a bad file is dropped here, never mid-run.
    auto keep_good = [&](std::vector<data::SampleSource>& set, const data::MaskOptions& mo,
                         const char* what) {
      std::vector<data::SampleSource> good;
      Rng unused(0);
      for (const auto& s : set) {
        try {
          data::load_sample(s, cfg_.height, cfg_.width, mo, crop_, unused);
          good.push_back(s);
        } catch (const Error& e) {
          std::fprintf(stderr, "warning: --skip-bad: skipping %s pair: %s\n", what, e.what());
        }
      }
      MGST_CHECK(!good.empty(), "--skip-bad: no readable " << what << " images left");
      set = std::move(good);
    };
    keep_good(content_, cfg_.content_masks, "content");
    keep_good(style_, cfg_.style_mask_options, "style");
  } else {
    data::check_pairs(content_, "content");
    data::check_pairs(style_, "style");
  }
  ensure_directory(cfg_.out);
  remove_stale_temporaries(cfg_.out);
  vgg_ = load_loss_vgg(cfg_.vgg, cfg_.loss, device_, cfg_.quiet);
  net_ = std::make_unique<models::TransformNet>(cfg_.residual, cfg_.seed, device_);
  adam_ = std::make_unique<Adam>(net_->parameters(), AdamConfig{float(cfg_.lr)});
  style_grams_ = style_set_grams(*vgg_, style_, crop_, cfg_, device_);
  mean_target_ = losses::mean_style_target(style_grams_, cfg_.loss.style_layers);
  if (!cfg_.quiet)
    std::printf(
        "mgst train: %zu content images, %zu style images, %dx%d, batch %d, device %s, "
        "%lld parameters, residual %s, style target %s\n",
        content_.size(), style_.size(), cfg_.height, cfg_.width, cfg_.batch, device_.str().c_str(),
        (long long)net_->parameters().total_numel(), cfg_.residual ? "on" : "off",
        cfg_.style_target.c_str());
}

Trainer::HostBatch Trainer::load_step(int64_t step) const {
  Rng rng(cfg_.seed * 0x9E3779B97F4A7C15ULL + uint64_t(step) + 1);
  HostBatch hb;
  for (int i = 0; i < cfg_.batch; ++i) {
    const auto& src = content_[rng.randint(int64_t(content_.size()))];
    hb.samples.push_back(
        data::load_sample(src, cfg_.height, cfg_.width, cfg_.content_masks, crop_, rng));
  }
  for (int i = 0; i < cfg_.batch; ++i)
    hb.pairing.push_back(int(rng.randint(int64_t(style_.size()))));
  return hb;
}

data::Batch Trainer::batch_for_step(int64_t step, std::vector<int>* pairing) const {
  HostBatch hb = load_step(step);
  if (pairing) *pairing = hb.pairing;
  return data::make_batch(hb.samples, device_);
}

namespace {
double value(const Tensor& t) { return double(t.item()); }
}  // namespace

void Trainer::balance_report() {
  NoGradGuard no_grad;
  std::vector<int> pairing;
  const data::Batch b = batch_for_step(1, &pairing);
  const losses::RegionWeights regions = losses::make_regions(b.m, b.v);
  const losses::StyleTarget target =
      cfg_.style_target == "mean"
          ? mean_target_
          : losses::paired_style_target(style_grams_, pairing, cfg_.loss.style_layers);
  const auto& L = cfg_.loss;
  std::printf("balance report (step 0, first batch): weighted terms and style-layer shares\n");
  for (int which = 0; which < 2; ++which) {
    const Tensor y = which == 0 ? b.x : net_->forward(b.x, b.m);
    const auto t = losses::compute_losses(*vgg_, L, y, b.x, regions, target);
    std::printf("  %-12s content %.4g  style %.4g  task %.4g  tv %.4g  total %.4g\n",
                which == 0 ? "identity" : "initial net", L.w_content * value(t.content),
                L.w_style * value(t.style), L.w_task * value(t.task), L.w_tv * value(t.tv),
                value(t.total));
    const double s = value(t.style);
    std::printf("  %-12s style shares:", "");
    for (std::size_t i = 0; i < L.style_layers.size(); ++i)
      std::printf(" %s %.2f%%", L.style_layers[i].c_str(),
                  s > 0 ? 100.0 * value(t.style_per_layer[i]) / s : 0.0);
    std::printf("\n");
  }
  std::printf(
      "  (set --style-layer-weights to rebalance layers; --loss-weights c,s,t,tv for terms)\n");
}

StepLog Trainer::step() { return step_with(load_step(step_ + 1)); }

StepLog Trainer::step_with(const HostBatch& hb) {
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t s = step_ + 1;
  const std::vector<int>& pairing = hb.pairing;
  data::Batch b = data::make_batch(hb.samples, device_);
  if (s == test_nan_step()) {  // test hook, see test_nan_step()
    std::vector<float> x = b.x.to_vector();
    x[0] = std::nanf("");
    b.x = Tensor::from_vector(b.x.shape(), x, device_);
  }
  const losses::RegionWeights regions = losses::make_regions(b.m, b.v);
  const losses::StyleTarget target =
      cfg_.style_target == "mean"
          ? mean_target_
          : losses::paired_style_target(style_grams_, pairing, cfg_.loss.style_layers);
  // A numerical fault stops the step BEFORE the optimiser touches the
  // weights, so neither they nor the next checkpoint ever hold NaN/Inf.
  const std::string intact =
      " The last checkpoint (" + cfg_.out + "/checkpoint.safetensors, if any) is intact.";
  losses::LossTerms t;
  try {
    const Tensor y = net_->forward(b.x, b.m);
    t = losses::compute_losses(*vgg_, cfg_.loss, y, b.x, regions, target);
    const double total = value(t.total);
    if (!std::isfinite(total)) {
      Tape::current().clear();  // drop the recorded graph: no backward
      MGST_FAIL("step " << s << ": the loss is " << total << " (content " << value(t.content)
                        << ", style " << value(t.style) << ", task " << value(t.task) << ", tv "
                        << value(t.tv) << "); rerun with --detect-anomaly to find the op."
                        << intact);
    }
    t.total.backward();
    if (Tape::current().detect_anomaly()) {
      for (const auto& p : net_->parameters().items())
        if (p.tensor.grad().defined()) check_finite(p.tensor.grad(), "gradient of " + p.name);
    }
    NoGradGuard no_grad;
    const double gsum = value(ops::sum(net_->parameters().gather_grads()));
    if (!std::isfinite(gsum)) {
      std::string which = "?";
      for (const auto& p : net_->parameters().items()) {
        if (!p.tensor.grad().defined()) continue;
        const std::vector<float> g = p.tensor.grad().to_vector();
        if (std::any_of(g.begin(), g.end(), [](float v) { return !std::isfinite(v); })) {
          which = p.name;
          break;
        }
      }
      MGST_FAIL("step " << s << ": the gradient of '" << which << "' holds NaN/Inf (loss " << total
                        << "); rerun with --detect-anomaly to find the op." << intact);
    }
  } catch (const Error& e) {
    Tape::current().clear();
    net_->parameters().zero_grad();  // a caller may go on with the next step
    const std::string what = e.what();
    if (what.rfind("step ", 0) == 0) throw;
    throw Error("step " + std::to_string(s) + ": " + what +
                (what.find("anomaly") != std::string::npos ? intact : ""));
  }
  const double warm = cfg_.warmup_steps > 0 ? std::min(1.0, double(s) / cfg_.warmup_steps) : 1.0;
  adam_->step(float(cfg_.lr * warm));
  net_->parameters().zero_grad();
  step_ = s;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  StepLog r{s,
            value(t.content),
            value(t.style),
            value(t.task),
            value(t.tv),
            value(t.total),
            cfg_.batch / std::max(secs, 1e-9)};
  log_.push_back(r);
  return r;
}

void Trainer::save_checkpoint(const std::string& path) const {
  std::vector<NamedArray> arrays = models::parameters_to_arrays(net_->parameters());
  // Never replace a good checkpoint with broken weights.
  for (const auto& a : arrays)
    MGST_CHECK(std::all_of(a.data.begin(), a.data.end(), [](float v) { return std::isfinite(v); }),
               path << ": not written: parameter '" << a.name << "' holds NaN/Inf at step " << step_
                    << "; the previous checkpoint is kept");
  // Adam moments, per parameter, aligned with the parameter block.
  const std::vector<float> m = adam_->m().to_vector(), v = adam_->v().to_vector();
  int64_t offset = 0;
  for (const auto& p : net_->parameters().items()) {
    const int64_t n = p.tensor.numel();
    arrays.push_back({"adam.m." + p.name, p.tensor.shape(),
                      std::vector<float>(m.begin() + offset, m.begin() + offset + n)});
    arrays.push_back({"adam.v." + p.name, p.tensor.shape(),
                      std::vector<float>(v.begin() + offset, v.begin() + offset + n)});
    offset += n;
  }
  write_safetensors(path, arrays,
                    {{"format", "mgst-checkpoint-v1"},
                     {"mgst_version", version_string()},
                     {"residual", cfg_.residual ? "true" : "false"},
                     {"step", std::to_string(step_)},
                     {"adam_steps", std::to_string(adam_->steps_taken())},
                     {"rng", Rng(cfg_.seed).state()},
                     {"config", cfg_.to_json().dump()}});
}

std::unique_ptr<Trainer> Trainer::resume(const std::string& run_dir, int steps_override,
                                         bool quiet) {
  const std::string path = run_dir + "/checkpoint.safetensors";
  MGST_CHECK(fs::exists(path), "--resume " << run_dir << ": no checkpoint.safetensors in it");
  const SafetensorsFile f = read_safetensors(path);
  auto meta = [&](const char* k) -> const std::string& {
    auto it = f.metadata.find(k);
    MGST_CHECK(it != f.metadata.end(),
               path << ": not an mgst checkpoint (metadata '" << k << "' missing)");
    return it->second;
  };
  TrainConfig cfg;
  try {
    cfg = TrainConfig::from_json(Json::parse(meta("config"), path + " metadata 'config'"));
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    throw Error(path + ": metadata 'config' is not a valid mgst training config: " + what);
  }
  cfg.out = run_dir;
  if (steps_override > 0) cfg.steps = steps_override;
  cfg.quiet = quiet;  // how to print is this invocation's choice, not the checkpoint's
  std::unique_ptr<Trainer> t;
  try {
    t = std::make_unique<Trainer>(cfg);
    t->net_->load(f, path);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.find(path) != std::string::npos) throw;
    throw Error("resuming from " + path + ": " + what);
  }
  // Adam moments back into their blocks.
  std::vector<float> m, v;
  for (const auto& p : t->net_->parameters().items()) {
    const NamedArray* am = f.find("adam.m." + p.name);
    const NamedArray* av = f.find("adam.v." + p.name);
    MGST_CHECK(am && av && am->shape == p.tensor.shape() && av->shape == p.tensor.shape(),
               path << ": Adam state for '" << p.name << "' missing or of the wrong shape");
    m.insert(m.end(), am->data.begin(), am->data.end());
    v.insert(v.end(), av->data.begin(), av->data.end());
  }
  t->adam_->m().copy_from(Tensor::from_vector({int64_t(m.size())}, m));
  t->adam_->v().copy_from(Tensor::from_vector({int64_t(v.size())}, v));
  t->step_ = parse_step(meta("step"), path, "step");
  t->adam_->set_steps_taken(parse_step(meta("adam_steps"), path, "adam_steps"));
  // The log continues from the checkpoint: rows after it are replayed.
  for (const auto& r : read_log_csv(run_dir + "/log.csv"))
    if (r.step <= t->step_) t->log_.push_back(r);
  write_log_csv(run_dir + "/log.csv", t->log_);
  return t;
}

void Trainer::run() {
  const std::string log_path = cfg_.out + "/log.csv";
  const std::string ckpt = cfg_.out + "/checkpoint.safetensors";
  if (step_ == 0) write_log_csv(log_path, {});
  FILE* log = std::fopen(log_path.c_str(), "a");
  MGST_CHECK(log, log_path << ": cannot open for appending");
  const auto start = std::chrono::steady_clock::now();
  const int64_t first = step_;
  // The loader thread decodes and crops the next step's images while this
  // one computes; batches depend only on (seed, step), so order is unchanged.
  std::future<HostBatch> next;
  auto prefetch = [&](int64_t s) {
    if (s <= cfg_.steps) next = std::async(std::launch::async, [this, s] { return load_step(s); });
  };
  prefetch(step_ + 1);
  try {
    while (step_ < cfg_.steps) {
      const HostBatch hb = next.get();
      prefetch(step_ + 2);
      const StepLog r = step_with(hb);
      std::fputs(log_csv_row(r).c_str(), log);
      std::fflush(log);
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double eta = el / double(step_ - first) * double(cfg_.steps - step_);
      if (!cfg_.quiet)
        std::printf(
            "step %lld/%d  content %.4g  style %.4g  task %.4g  tv %.4g  total %.4g  "
            "%.2f img/s  ETA %dm%02ds\n",
            (long long)r.step, cfg_.steps, r.content, r.style, r.task, r.tv, r.total,
            r.images_per_s, int(eta) / 60, int(eta) % 60);
      std::fflush(stdout);
      if (cfg_.checkpoint_every > 0 && step_ % cfg_.checkpoint_every == 0 && step_ < cfg_.steps)
        save_checkpoint(ckpt);
    }
  } catch (...) {
    if (next.valid()) next.wait();
    std::fclose(log);
    throw;
  }
  std::fclose(log);
  save_checkpoint(ckpt);
  const auto rows = read_log_csv(log_path);
  if (!rows.empty())
    plot_log(cfg_.out + "/loss.png", rows, cfg_.loss, "mgst train: weighted loss terms");
  if (!cfg_.quiet)
    std::printf("done: %s (weights + Adam state), %s, %s\n", ckpt.c_str(), log_path.c_str(),
                (cfg_.out + "/loss.png").c_str());
}

}  // namespace mgst::train
