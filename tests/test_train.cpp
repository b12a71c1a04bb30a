// The training pipeline on generated data: the loss falls, the style distance
// drops while edges stay, resume is bit-identical, and the CLI fails clearly.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "apps/data/synth_eyes.h"
#include "apps/train/trainer.h"
#include "core/autograd.h"
#include "core/io/fileio.h"
#include "core/io/safetensors.h"
#include "core/ops.h"
#include "eye_data.h"
#include "kernels/error.h"
#include "test_util.h"

using namespace mgst;
using namespace mgst::data;
using namespace mgst::train;
namespace fs = std::filesystem;

namespace {

std::string fresh_dir(const std::string& name) { return test::fresh_temp_dir("train_" + name); }

std::string make_data(const std::string& name, int H, int W, int count) {
  return test::make_eye_dataset("train_" + name, H, W, count);
}

TrainConfig small_config(const std::string& data, const std::string& out) {
  return test::small_train_config(data, out);
}

struct Scores {
  double total, style, task;
};

Scores score(Trainer& t, const Batch& b) {
  NoGradGuard g;
  const Tensor y = t.net().forward(b.x, b.m);
  const auto l = losses::compute_losses(t.vgg(), t.config().loss, y, b.x,
                                        losses::make_regions(b.m, b.v), t.mean_target());
  return {l.total.item(), l.style.item(), l.task.item()};
}

int run_cli(const std::string& args, std::string* output = nullptr) {
  return test::run_command(std::string(MGST_CLI_PATH) + " " + args + " 2>&1", output);
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("training lowers the loss and the style distance, edges stay small") {
    const std::string data = make_data("learn", 24, 32, 4);
    TrainConfig c = small_config(data, fresh_dir("learn_run"));
    c.steps = 40;
    Trainer t(c);
    const Batch eval = t.batch_for_step(1000, nullptr);
    const Scores before = score(t, eval);
    t.run();
    const Scores after = score(t, eval);
    MESSAGE("total " << before.total << " -> " << after.total << ", style " << before.style
                     << " -> " << after.style << ", task " << after.task);
    CHECK(after.total < before.total);
    CHECK(after.style < 0.8 * before.style);
    // Edge loss stays small next to erasing every edge (L_t(0, x)).
    NoGradGuard g;
    const double erase = ops::task_edge_loss(Tensor::zeros(eval.x.shape()), eval.x, eval.m).item();
    CHECK(after.task < 0.5 * erase);
    CHECK(fs::exists(c.out + "/loss.png"));
    CHECK(read_log_csv(c.out + "/log.csv").size() == 40);
  }

  TEST_CASE("resume continues bit-for-bit on CPU") {
    const std::string data = make_data("resume", 24, 32, 3);
    TrainConfig c = small_config(data, fresh_dir("resume_a"));
    c.steps = 6;
    c.checkpoint_every = 0;
    {
      Trainer a(c);
      a.run();
    }
    TrainConfig cb = c;
    cb.out = fresh_dir("resume_b");
    cb.steps = 3;
    {
      Trainer b(cb);
      b.run();
    }
    auto b2 = Trainer::resume(cb.out, 6);
    CHECK(b2->steps_done() == 3);
    b2->run();
    const auto la = read_log_csv(c.out + "/log.csv"), lb = read_log_csv(cb.out + "/log.csv");
    REQUIRE(la.size() == 6);
    REQUIRE(lb.size() == 6);
    for (int i = 0; i < 6; ++i) {
      CHECK(la[i].total == lb[i].total);
      CHECK(la[i].style == lb[i].style);
    }
    const auto wa = read_safetensors(c.out + "/checkpoint.safetensors");
    const auto wb = read_safetensors(cb.out + "/checkpoint.safetensors");
    REQUIRE(wa.tensors.size() == wb.tensors.size());
    for (std::size_t i = 0; i < wa.tensors.size(); ++i)
      CHECK(wa.tensors[i].data == wb.tensors[i].data);
  }

  TEST_CASE("mgst CLI: help, bad flags and bad inputs give clear errors") {
    std::string out;
    CHECK(run_cli("--help", &out) == 0);
    CHECK(out.find("train") != std::string::npos);
    CHECK(run_cli("train --help", &out) == 0);
    CHECK(out.find("--style-target") != std::string::npos);
    CHECK(run_cli("train --bogus 1", &out) == 2);
    CHECK(out.find("unknown option '--bogus'") != std::string::npos);
    CHECK(run_cli("nosuchcommand", &out) == 2);
    const std::string d = fresh_dir("cli");
    CHECK(run_cli("train --content " + d + "/missing --style " + d + " --out " + d + "/run",
                  &out) == 1);
    CHECK(out.find(d + "/missing") != std::string::npos);
    CHECK(run_cli("train --content " + d + " --style " + d + " --out " + d + "/run", &out) == 1);
    CHECK(out.find("no images") != std::string::npos);
    const std::string data = make_data("cli_data", 24, 32, 2);
    CHECK(run_cli("train --content " + data + "/real --masks " + data + "/synth --style " + data +
                      "/synth --out " + d + "/run --size 30x32",
                  &out) == 2);  // a usage error: the flag's value is wrong
    CHECK(out.find("multiples of 4") != std::string::npos);
    CHECK(run_cli("train --content " + data + "/real --style " + data + "/synth --out " + d +
                      "/run --loss-weights 1,2",
                  &out) == 2);
    CHECK(out.find("--loss-weights") != std::string::npos);
    // A mask of the wrong size names both files.
    data::save_png(d + "/e0.png", data::ImageF(1, 10, 10, 1.f));
    CHECK(run_cli("purify --model x --input " + data + "/real/e0.png --masks " + d +
                      "/e0.png --output " + d + "/o",
                  &out) == 1);
  }

  TEST_CASE("mgst purify: any size, batched, same stems") {
    const std::string d = fresh_dir("purify");
    models::TransformNet net(true, 0);
    net.save(d + "/w.safetensors");
    ensure_directory(d + "/in");
    ensure_directory(d + "/masks");
    data::ImageF a(3, 13, 22, 0.3f), b(3, 16, 16, 0.6f);
    data::save_png(d + "/in/a.png", a);
    data::save_png(d + "/in/b.jpg", b);
    data::save_png(d + "/masks/a.png", data::ImageF(1, 13, 22, 1.f));
    data::save_png(d + "/masks/b.png", data::ImageF(1, 16, 16, 0.f));
    std::string out;
    REQUIRE(run_cli("purify --model " + d + "/w.safetensors --input " + d + "/in --masks " + d +
                        "/masks --output " + d + "/out --device cpu",
                    &out) == 0);
    const data::ImageF pa = data::load_rgb(d + "/out/a.png"), pb = data::load_rgb(d + "/out/b.png");
    CHECK(pa.height == 13);
    CHECK(pa.width == 22);
    CHECK(pb.height == 16);
    // The zero-initialised residual net is the identity.
    CHECK(std::fabs(pa.at(0, 5, 5) - 77 / 255.f) < 1e-6);
  }
}
