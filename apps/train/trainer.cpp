#include "apps/train/trainer.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "apps/train/before_after.h"
#include "apps/train/device_step.h"
#include "apps/train/distributed.h"
#include "apps/train/duration.h"
#include "apps/train/model_source.h"
#include "apps/train/run_dir.h"
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

// TEST HOOK, for tests/mpi_train_check.py only: with MGST_TEST_KILL_AT_STEP=N
// the process kills itself (SIGKILL) as step N starts: a rank dying mid-run.
int64_t test_kill_step() {
  static const int64_t step = [] {
    const char* v = std::getenv("MGST_TEST_KILL_AT_STEP");
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

// ---- stopping on SIGINT / SIGTERM ----------------------------------------------
// The handler only sets this flag (async-signal-safe); the training loop reads
// it between steps, so a step is never cut in half.
volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
  if (g_stop_signal != 0) {  // the second signal: die of it at once
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  g_stop_signal = sig;
  static const char msg[] =
      "\nmgst train: stopping after this step (signal again to abort at once)\n";
  (void)!::write(2, msg, sizeof msg - 1);
}

// Installs the handler for the life of one run() and restores the previous ones.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;  // file reads on the loader thread are not cut short
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  int signal() const { return g_stop_signal; }

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace

// ---- the trainer ----------------------------------------------------------------
Trainer::Trainer(TrainConfig cfg) : cfg_(std::move(cfg)) { setup(); }
Trainer::~Trainer() = default;

void Trainer::setup() {
  cfg_.loss.validate();
  MGST_CHECK(cfg_.height % 4 == 0 && cfg_.width % 4 == 0,
             "--size " << cfg_.height << "x" << cfg_.width << ": H and W must be multiples of 4");
  MGST_CHECK(cfg_.batch >= 1, "--batch must be >= 1");
  const World& w = world();
  MGST_CHECK(cfg_.batch % w.size == 0, "--batch " << cfg_.batch << " is the global batch: it must "
                                                  << "divide evenly over the " << w.size
                                                  << " ranks");
  MGST_CHECK(std::isfinite(cfg_.lr) && cfg_.lr > 0,
             "--lr " << cfg_.lr << ": the learning rate must be a positive finite number");
  MGST_CHECK(cfg_.warmup_steps >= 0, "--warmup-steps must be >= 0, got " << cfg_.warmup_steps);
  MGST_CHECK(cfg_.checkpoint_every >= 0,
             "--checkpoint-every must be >= 0 (0: only at the end), got " << cfg_.checkpoint_every);
  MGST_CHECK(cfg_.style_target == "mean" || cfg_.style_target == "paired",
             "--style-target " << cfg_.style_target << ": expected mean or paired");
  MGST_CHECK(!cfg_.out.empty(), "--out RUN_DIR is required");
  MGST_CHECK(cfg_.keep_checkpoints >= 0,
             "--keep-checkpoints must be >= 0, got " << cfg_.keep_checkpoints);
  MGST_CHECK(cfg_.log_every >= 1, "--log-every must be >= 1, got " << cfg_.log_every);
  MGST_CHECK(cfg_.sample_every >= 0,
             "--sample-every must be >= 0 (0: no samples), got " << cfg_.sample_every);
  MGST_CHECK(cfg_.val_masks.empty() || !cfg_.val_content.empty(),
             "--val-masks " << cfg_.val_masks << " needs --val-content");
  device_ = parse_device(cfg_.device);
  // The style targets are computed with the run's arithmetic, as its steps are.
  const ScopedPrecision precision(cfg_.precision);
  crop_ = data::parse_crop(cfg_.crop);
  content_ = data::pair_files(cfg_.content, cfg_.masks);
  style_ = data::pair_files(cfg_.style, cfg_.style_masks);
  if (cfg_.skip_bad) {
    // One load of every pair up front: a bad file is dropped here, never mid-run.
    // Ranks share the work: rank r loads pairs i % ranks == r, then all learn
    // which were bad.
    auto keep_good = [&](std::vector<data::SampleSource>& set, const data::MaskOptions& mo,
                         const char* what) {
      std::vector<double> bad(set.size(), 0.0);
      Rng unused(0);
      for (std::size_t i = std::size_t(w.rank); i < set.size(); i += std::size_t(w.size)) {
        try {
          data::load_sample(set[i], cfg_.height, cfg_.width, mo, crop_, unused);
        } catch (const Error& e) {
          bad[i] = 1;
          std::fprintf(stderr, "warning: --skip-bad: skipping %s pair: %s\n", what, e.what());
        }
      }
      allreduce_sum(bad.data(), int(bad.size()));
      std::vector<data::SampleSource> good;
      for (std::size_t i = 0; i < set.size(); ++i)
        if (bad[i] == 0) good.push_back(set[i]);
      MGST_CHECK(!good.empty(), "--skip-bad: no readable " << what << " images left");
      set = std::move(good);
    };
    keep_good(content_, cfg_.content_masks, "content");
    keep_good(style_, cfg_.style_mask_options, "style");
  } else {
    data::check_pairs(content_, "content");
    data::check_pairs(style_, "style");
  }
  if (w.root()) {  // rank 0 alone writes the run directory
    ensure_directory(cfg_.out);
    remove_stale_temporaries(cfg_.out);
  }
  vgg_ = load_loss_vgg(cfg_.vgg, cfg_.loss, device_, cfg_.quiet || !w.root());  // warn once
  net_ = std::make_unique<models::TransformNet>(cfg_.residual, cfg_.seed, device_);
  adam_ = std::make_unique<Adam>(net_->parameters(), AdamConfig{float(cfg_.lr)});
  device_step_ = std::make_unique<DeviceStep>(*net_, *vgg_, *adam_, device_, cfg_.cuda_graph);
  style_grams_ = style_set_grams(*vgg_, cfg_.loss.style_layers, style_, crop_, cfg_, device_);
  mean_target_ = losses::mean_style_target(style_grams_, cfg_.loss.style_layers);
  setup_task_net();
  log_columns_.task_net_style = task_net_ != nullptr;
  if (w.root()) load_fixed_sets();  // validation and previews: rank 0 only
  resolve_auto_weights();           // from the whole first batch: alike on every rank
  if (!cfg_.quiet && w.size > 1)
    std::printf("mgst train: %d ranks x %d images per step, CPU threads per rank: %d, %s\n", w.size,
                cfg_.batch / w.size, w.cpu_threads, distributed_backends().c_str());
  if (!cfg_.quiet)
    std::printf(
        "mgst train: %zu content images, %zu style images, %dx%d, batch %d, device %s%s, "
        "%lld parameters, residual %s, style target %s\n",
        content_.size(), style_.size(), cfg_.height, cfg_.width, cfg_.batch, device_.str().c_str(),
        device_.is_cuda() ? (" (precision " + cfg_.precision + ")").c_str() : "",
        (long long)net_->parameters().total_numel(), cfg_.residual ? "on" : "off",
        cfg_.style_target.c_str());
}

void Trainer::load_fixed_sets() {
  // Fixed images: a random crop is read as a centre crop, as for the style targets.
  data::CropOptions fixed = crop_;
  if (fixed.mode == data::CropMode::Random) fixed.mode = data::CropMode::Center;
  Rng unused(0);
  auto load = [&](const data::SampleSource& src, const data::MaskOptions& mo) {
    return data::load_sample(src, cfg_.height, cfg_.width, mo, fixed, unused);
  };
  val_.clear(), preview_.clear(), preview_styles_.clear();
  if (!cfg_.val_content.empty()) {
    const auto val = data::pair_files(cfg_.val_content, cfg_.val_masks);
    data::check_pairs(val, "validation");
    for (const auto& v : val) val_.push_back(load(v, cfg_.content_masks));
  }
  log_columns_.val = !val_.empty();
  const std::size_t n = 4;
  for (std::size_t i = 0; i < n && i < val_.size(); ++i) preview_.push_back(val_[i]);
  for (std::size_t i = 0; preview_.empty() && i < n && i < content_.size(); ++i)
    preview_.push_back(load(content_[i], cfg_.content_masks));
  for (std::size_t i = 0; i < n && i < style_.size(); ++i)
    preview_styles_.push_back(load(style_[i], cfg_.style_mask_options));
}

Trainer::HostBatch Trainer::load_step(int64_t step, bool whole_batch) const {
  Rng rng(cfg_.seed * 0x9E3779B97F4A7C15ULL + uint64_t(step) + 1);
  // This rank's slice [begin, end) of the global batch; the others' samples
  // are skipped without decoding, on the same random sequence.
  const World& w = world();
  const int per = whole_batch ? cfg_.batch : cfg_.batch / w.size;
  const int begin = whole_batch ? 0 : w.rank * per, end = begin + per;
  HostBatch hb;
  for (int i = 0; i < cfg_.batch; ++i) {
    const auto& src = content_[rng.randint(int64_t(content_.size()))];
    if (i < begin || i >= end) {
      data::skip_sample(crop_, rng);
      continue;
    }
    hb.samples.push_back(
        data::load_sample(src, cfg_.height, cfg_.width, cfg_.content_masks, crop_, rng));
  }
  for (int i = 0; i < cfg_.batch; ++i) {
    const int k = int(rng.randint(int64_t(style_.size())));
    if (i >= begin && i < end) hb.pairing.push_back(k);
  }
  return hb;
}

data::Batch Trainer::batch_for_step(int64_t step, std::vector<int>* pairing) const {
  HostBatch hb = load_step(step, /*whole_batch=*/true);
  if (pairing) *pairing = hb.pairing;
  return data::make_batch(hb.samples, device_);
}

namespace {
double value(const Tensor& t) { return double(t.item()); }
std::string text_list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}
}  // namespace

void Trainer::setup_task_net() {
  losses::LossConfig& L = cfg_.loss;
  if (cfg_.task_net.empty()) {
    MGST_CHECK(L.w_task_style == 0 && !L.task_style_weight_auto && L.task_layers.empty(),
               "--task-style-weight and --task-layers need --task-net FILE");
    return;
  }
  MGST_CHECK(L.task_style_weight_auto || (std::isfinite(L.w_task_style) && L.w_task_style > 0),
             "--task-net " << cfg_.task_net
                           << " needs --task-style-weight W (> 0) or --task-style-weight auto");
  task_net_ = models::load_pupil_regressor(cfg_.task_net, device_);
  task_net_->freeze();
  {  // its seed, recorded so that `mgst taskeval` never scores with it
    const SafetensorsFile f = read_safetensors(cfg_.task_net);
    auto it = f.metadata.find("seed");
    cfg_.task_net_seed =
        it == f.metadata.end() ? -1 : parse_step(it->second, cfg_.task_net, "seed");
  }
  if (L.task_layers.empty()) L.task_layers = task_net_->feature_layers();
  std::set<std::string> seen;
  for (const auto& l : L.task_layers) {
    try {
      task_net_->stride(l);
    } catch (const Error& e) {
      throw Error("--task-layers: " + std::string(e.what()) + " (" + cfg_.task_net + ")");
    }
    MGST_CHECK(seen.insert(l).second, "--task-layers: " << l << " listed twice");
  }
  const auto& rc = task_net_->config();
  if (!cfg_.quiet && (rc.height != cfg_.height || rc.width != cfg_.width))
    std::fprintf(stderr,
                 "note: the task network %s was trained at %dx%d, the purifier trains at %dx%d; "
                 "its conv stages read any size, but the statistics it learned are of its own\n",
                 cfg_.task_net.c_str(), rc.height, rc.width, cfg_.height, cfg_.width);
  task_target_ = losses::mean_style_target(style_set_grams(*task_net_, L.task_layers, style_, crop_,
                                                           cfg_, device_),
                                           L.task_layers);
}

losses::TaskStyleTerm Trainer::task_style_term() const {
  if (!task_net_) return {};
  return {task_net_.get(), &task_target_, cfg_.loss.task_layers};
}

void Trainer::resolve_auto_weights() {
  losses::LossConfig& L = cfg_.loss;
  const bool layers = L.style_layer_weights_auto && L.style_layer_weights.empty();
  const bool psi = task_net_ && L.task_style_weight_auto && L.w_task_style <= 0;
  if (!layers && !psi) return;
  NoGradGuard no_grad;
  const FirstBatch fb = first_batch();
  const data::Batch& b = fb.batch;
  const losses::RegionWeights& regions = fb.regions;
  const losses::StyleTarget& target = fb.target;
  if (layers) {  // METHOD.md "Balanced style layers", from the unweighted layer losses
    losses::LossConfig unit = L;
    unit.style_layer_weights.assign(L.style_layers.size(), 1.0);
    const auto t = losses::compute_losses(*vgg_, unit, b.x, b.x, regions, target);
    std::vector<double> per_layer;
    for (const auto& l : t.style_per_layer) per_layer.push_back(value(l));
    L.style_layer_weights = losses::balanced_layer_weights(per_layer, L.style_layers);
  }
  if (psi) {  // w_psi L_psi = w_s L_s at the identity
    losses::LossConfig unit = L;
    unit.w_task_style = 1.0;
    const auto t =
        losses::compute_losses(*vgg_, unit, b.x, b.x, regions, target, task_style_term());
    const double ls = value(t.style), lpsi = value(t.task_style);
    MGST_CHECK(std::isfinite(lpsi) && lpsi > 0 && std::isfinite(ls),
               "--task-style-weight auto: the task-network style loss is "
                   << lpsi << " at the identity on the first batch (style loss " << ls
                   << "), so w_psi cannot be set from it; give a number");
    L.w_task_style = L.w_style * ls / lpsi;
  }
}

Trainer::FirstBatch Trainer::first_batch() const {
  std::vector<int> pairing;
  FirstBatch fb;
  fb.batch = batch_for_step(1, &pairing);
  fb.regions = losses::make_regions(fb.batch.m, fb.batch.v);
  fb.target = cfg_.style_target == "mean"
                  ? mean_target_
                  : losses::paired_style_target(style_grams_, pairing, cfg_.loss.style_layers);
  return fb;
}

void Trainer::balance_report() {
  NoGradGuard no_grad;
  const FirstBatch fb = first_batch();
  const data::Batch& b = fb.batch;
  const losses::RegionWeights& regions = fb.regions;
  const losses::StyleTarget& target = fb.target;
  const auto& L = cfg_.loss;
  std::printf("balance report (step 0, first batch): weighted terms and style-layer shares\n");
  for (int which = 0; which < 2; ++which) {
    const Tensor y = which == 0 ? b.x : net_->forward(b.x, b.m);
    const losses::TaskStyleTerm psi = task_style_term();
    const auto t = losses::compute_losses(*vgg_, L, y, b.x, regions, target, psi);
    std::printf("  %-12s content %.4g  style %.4g  task %.4g  tv %.4g",
                which == 0 ? "identity" : "initial net", L.w_content * value(t.content),
                L.w_style * value(t.style), L.w_task * value(t.task), L.w_tv * value(t.tv));
    if (psi.net) std::printf("  task-net style %.4g", L.w_task_style * value(t.task_style));
    std::printf("  total %.4g\n", value(t.total));
    auto shares = [&](const char* what, const std::vector<std::string>& layers,
                      const std::vector<Tensor>& per_layer, double s) {
      std::printf("  %-12s %s shares:", "", what);
      for (std::size_t i = 0; i < layers.size(); ++i)
        std::printf(" %s %.2f%%", layers[i].c_str(), s > 0 ? 100.0 * value(per_layer[i]) / s : 0.0);
      std::printf("\n");
    };
    shares("style", L.style_layers, t.style_per_layer, value(t.style));
    if (psi.net) shares("task-net style", psi.layers, t.task_style_per_layer, value(t.task_style));
  }
  if (L.style_layer_weights_auto) {
    std::printf("  style-layer weights (auto, from the first batch at the identity):");
    for (std::size_t i = 0; i < L.style_layers.size(); ++i)
      std::printf(" %s %.4g", L.style_layers[i].c_str(), L.style_layer_weights[i]);
    std::printf("\n");
  }
  if (task_net_)
    std::printf("  task-net style weight %.4g%s, layers %s\n", L.w_task_style,
                L.task_style_weight_auto ? " (auto: w_psi L_psi = w_s L_s at the identity)" : "",
                text_list(L.task_layers).c_str());
  std::printf(
      "  (set --style-layer-weights to rebalance layers; --loss-weights c,s,t,tv for terms)\n");
}

StepLog Trainer::step() { return step_with(load_step(step_ + 1)); }

StepLog Trainer::step_with(const HostBatch& hb) {
  const auto t0 = std::chrono::steady_clock::now();
  const ScopedPrecision precision(cfg_.precision);  // this run's CUDA arithmetic
  const int64_t s = step_ + 1;
  if (s == test_kill_step()) ::raise(SIGKILL);  // test hook, see test_kill_step()
  const std::vector<int>& pairing = hb.pairing;
  // On the CPU; DeviceStep uploads it.
  data::Batch b =
      hb.assembled.x.defined() ? hb.assembled : data::make_batch(hb.samples, Device::cpu());
  if (s == test_nan_step()) b.x.data()[0] = std::nanf("");  // test hook, see test_nan_step()
  const bool paired = cfg_.style_target != "mean";
  const losses::StyleTarget target =
      paired ? losses::paired_style_target(style_grams_, pairing, cfg_.loss.style_layers)
             : losses::StyleTarget();
  // A numerical fault must not reach the weights, so neither they nor the
  // next checkpoint ever hold NaN/Inf. The guard lives on the device
  // (apps/train/device_step.h): one value, the sum of the step's loss terms
  // and of its (averaged) gradient block, finite only when all of them are;
  // Adam's kernel leaves weights and moments alone when it is not. The host
  // learns the outcome from the step's ONE read (the loss terms and the
  // guard together), so nothing in the step waits for the host's decision;
  // only the fault path, and --detect-anomaly, read more.
  const std::string intact =
      " The last checkpoint (" + cfg_.out + "/checkpoint.safetensors, if any) is intact.";
  DeviceStep::Objective objective;
  objective.loss = &cfg_.loss;
  objective.target = paired ? &target : &mean_target_;
  objective.target_fixed = !paired;
  objective.psi = task_style_term();
  DeviceStep::Outcome o;
  try {
    o = device_step_->run(b, objective, float(lr_at(s)), adam_->steps_taken() + 1);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind("step ", 0) == 0) throw;
    throw Error("step " + std::to_string(s) + ": " + what +
                (what.find("anomaly") != std::string::npos ? intact : ""));
  }
  const std::vector<double>& v = o.values;  // content, style, task, tv, total[, task style]
  if (!std::isfinite(o.guard)) {
    // Adam skipped the update on the device; its step count stays.
    const World& w = world();
    const double total = v[4];
    if (!std::isfinite(total)) {
      const double local_total = o.local_values.to_vector()[4];
      const int bad = allreduce_max(std::isfinite(local_total) ? -1 : w.rank);
      MGST_FAIL("step " << s << ": the loss is " << total
                        << (w.size > 1 ? " on rank " + std::to_string(bad) + " of " +
                                             std::to_string(w.size) + " (mean over the ranks:"
                                       : std::string(" ("))
                        << "content " << v[0] << ", style " << v[1] << ", task " << v[2] << ", tv "
                        << v[3] << "); rerun with --detect-anomaly to find the op." << intact);
    }
    std::string which = "?";
    const std::vector<float> g = o.grads.to_vector();
    auto at = g.begin();
    for (const auto& p : net_->parameters().items()) {
      const auto end = at + long(p.tensor.numel());
      if (std::any_of(at, end, [](float x) { return !std::isfinite(x); })) {
        which = p.name;
        break;
      }
      at = end;
    }
    MGST_FAIL("step " << s << ": the gradient of '" << which << "' holds NaN/Inf (loss " << total
                      << "); rerun with --detect-anomaly to find the op." << intact);
  }
  adam_->set_steps_taken(adam_->steps_taken() + 1);
  step_ = s;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  StepLog r{s, v[0], v[1], v[2], v[3], v[4], cfg_.batch / std::max(secs, 1e-9)};
  if (v.size() > 5) r.task_style = v[5];
  log_.push_back(r);
  return r;
}

double Trainer::lr_at(int64_t s) const {
  const double warm = cfg_.warmup_steps > 0 ? std::min(1.0, double(s) / cfg_.warmup_steps) : 1.0;
  return cfg_.lr * warm;
}

LossValues Trainer::validation_loss() const {
  NoGradGuard no_grad;
  LossValues sum;
  double psi = 0;  // L_psi (--task-net)
  for (std::size_t i = 0; i < val_.size(); i += std::size_t(cfg_.batch)) {
    const std::size_t end = std::min(val_.size(), i + std::size_t(cfg_.batch));
    const std::vector<data::Sample> chunk(val_.begin() + long(i), val_.begin() + long(end));
    const data::Batch b = data::make_batch(chunk, device_);
    const Tensor y = net_->forward(b.x, b.m);
    const auto t = losses::compute_losses(*vgg_, cfg_.loss, y, b.x, losses::make_regions(b.m, b.v),
                                          mean_target_, task_style_term());
    const double n = double(chunk.size());  // the terms are batch means: weight by size
    sum.content += n * value(t.content), sum.style += n * value(t.style);
    sum.task += n * value(t.task), sum.tv += n * value(t.tv), sum.total += n * value(t.total);
    if (t.task_style.defined()) psi += n * value(t.task_style);
  }
  const double n = double(std::max<std::size_t>(1, val_.size()));
  return {sum.content / n, sum.style / n, sum.task / n,
          sum.tv / n,      sum.total / n, task_net_ ? psi / n : kNoValue};
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
  return resume(run_dir, [&](TrainConfig& c) {
    if (steps_override > 0) c.steps = steps_override;
    c.quiet = quiet;
  });
}

std::unique_ptr<Trainer> Trainer::resume(const std::string& run_dir,
                                         const std::function<void(TrainConfig&)>& adjust) {
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
  if (adjust) adjust(cfg);
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
  if (!world().root()) return t;  // rank 0 alone keeps the log
  for (const auto& r : read_log_csv(run_dir + "/log.csv"))
    if (r.step <= t->step_) {
      t->log_.push_back(r);
      t->log_columns_.val = t->log_columns_.val || r.has_val;
    }
  write_log_csv(run_dir + "/log.csv", t->log_, t->log_columns_);
  return t;
}

void Trainer::print_step(const StepLog& r, double elapsed_s, double eta_s) const {
  std::printf(
      "step %lld/%d  elapsed %s  lr %.3g  unweighted: content %.4g  style %.4g  task %.4g  "
      "tv %.4g  weighted total %.4g  %.2f img/s  ETA %s\n",
      (long long)r.step, cfg_.steps, duration_text(elapsed_s).c_str(), lr_at(r.step), r.content,
      r.style, r.task, r.tv, r.total, r.images_per_s, duration_text(eta_s).c_str());
  if (task_net_) std::printf("  task-net style (unweighted) %.4g\n", r.task_style);
  if (r.has_val)
    std::printf(
        "  validation (%zu images): content %.4g  style %.4g  task %.4g  tv %.4g  "
        "weighted total %.4g\n",
        val_.size(), r.val.content, r.val.style, r.val.task, r.val.tv, r.val.total);
  if (r.has_val && task_net_)
    std::printf("  validation task-net style (unweighted) %.4g\n", r.val.task_net_style);
}

void Trainer::write_checkpoint_files() const {
  if (!world().root()) return;
  save_checkpoint(cfg_.out + "/checkpoint.safetensors");
  keep_checkpoint_copy(cfg_.out, step_, cfg_.keep_checkpoints);
  // Redrawn at every checkpoint, so a long run can be watched.
  if (!log_.empty())
    plot_log(cfg_.out + "/loss.png", log_, cfg_.loss, "mgst train: weighted loss terms");
}

void Trainer::write_preview(const std::string& path) const {
  if (!world().root()) return;
  std::vector<PurifyInput> inputs;
  for (const auto& p : preview_) inputs.push_back({p.image, p.mask});
  std::vector<data::ImageF> styles;
  for (const auto& p : preview_styles_) styles.push_back(p.image);
  write_before_after(path, *net_, inputs, styles);
}

Trainer::RunEnd Trainer::run() {
  const std::string log_path = cfg_.out + "/log.csv";
  const bool root = world().root();  // rank 0 alone writes files (and prints: cmd_train)
  if (step_ == 0 && root) write_log_csv(log_path, {}, log_columns_);
  FILE* log = root ? std::fopen(log_path.c_str(), "a") : std::fopen("/dev/null", "w");
  MGST_CHECK(log, log_path << ": cannot open for appending");
  const StopSignals stop;
  const auto start = std::chrono::steady_clock::now();
  const int64_t first = step_;
  // The loader thread decodes and crops the next step's images, and
  // assembles them into one batch, while this one computes; batches depend
  // only on (seed, step), so order is unchanged.
  std::future<HostBatch> next;
  auto prefetch = [&](int64_t s) {
    if (s <= cfg_.steps)
      next = std::async(std::launch::async, [this, s] {
        HostBatch hb = load_step(s);
        hb.assembled = data::make_batch(hb.samples, Device::cpu());
        return hb;
      });
  };
  prefetch(step_ + 1);
  int stopped_by = 0;
  try {
    while (step_ < cfg_.steps && stopped_by == 0) {
      const HostBatch hb = next.get();
      prefetch(step_ + 2);
      StepLog r = step_with(hb);
      stopped_by = allreduce_max(stop.signal());  // every rank stops at the same step
      const bool last = step_ == cfg_.steps || stopped_by != 0;
      const bool checkpoint = cfg_.checkpoint_every > 0 && step_ % cfg_.checkpoint_every == 0;
      if (!val_.empty() && (checkpoint || last)) {
        r.has_val = true, r.val = validation_loss();
        log_.back() = r;
      }
      std::fputs(log_csv_row(r, log_columns_).c_str(), log);
      std::fflush(log);
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double eta = el / double(step_ - first) * double(cfg_.steps - step_);
      if (!cfg_.quiet && (step_ % cfg_.log_every == 0 || last)) print_step(r, el, eta);
      std::fflush(stdout);
      if (cfg_.sample_every > 0 && step_ % cfg_.sample_every == 0 && root) {
        ensure_directory(cfg_.out + "/samples");
        write_preview(cfg_.out + "/samples/step_" + std::to_string(step_) + ".png");
      }
      if (checkpoint && !last) write_checkpoint_files();
    }
  } catch (...) {
    if (next.valid()) next.wait();
    std::fclose(log);
    throw;
  }
  if (next.valid()) next.wait();
  std::fclose(log);
  write_checkpoint_files();
  write_preview(cfg_.out + "/before_after.png");
  const std::string ckpt = cfg_.out + "/checkpoint.safetensors";
  if (stopped_by != 0) {
    std::printf(
        "stopped by %s at step %lld of %d: wrote %s, %s, %s/loss.png\n"
        "to continue: mgst train --resume %s\n",
        stopped_by == SIGINT ? "SIGINT" : "SIGTERM", (long long)step_, cfg_.steps, ckpt.c_str(),
        log_path.c_str(), cfg_.out.c_str(), shell_quote(cfg_.out).c_str());
    std::fflush(stdout);
    return RunEnd::Interrupted;
  }
  if (!cfg_.quiet)
    std::printf("done: %s (weights + Adam state), %s, %s/loss.png, %s/before_after.png\n",
                ckpt.c_str(), log_path.c_str(), cfg_.out.c_str(), cfg_.out.c_str());
  return RunEnd::Finished;
}

}  // namespace mgst::train
