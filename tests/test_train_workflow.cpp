// The workflow around `mgst train`, through the built binary: --resume
// overrides and refusals, no silent overwrite, kept checkpoints, SIGINT /
// SIGTERM, the step line, samples, validation columns, before_after.png and
// the per-domain attention labels (docs/METHOD.md "Training", issue 17).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "apps/data/image_io.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "eye_data.h"
#include "models/transform_net.h"
#include "test_util.h"

extern char** environ;

using namespace mgst;
namespace fs = std::filesystem;

namespace {

std::string fresh_dir(const std::string& name) { return test::fresh_temp_dir("wf_" + name); }

// 16x16 eyes: the smallest size the VGG layers take, so each step is cheap.
std::string make_data(const std::string& name, int count = 3) {
  return test::make_eye_dataset("wf_" + name, 16, 16, count);
}

struct CliResult {
  int code = -1;
  std::string out;  // stdout + stderr
};

// One OpenMP thread, as in test_reliability.cpp: the shared cores are
// oversubscribed while the suites run in parallel.
CliResult cli(const std::string& args, const std::string& cwd = "") {
  std::string cmd =
      "exec env OMP_NUM_THREADS=1 " + std::string(MGST_CLI_PATH) + " " + args + " 2>&1";
  if (!cwd.empty()) cmd = "cd " + cwd + " && " + cmd;
  CliResult r;
  r.code = test::run_command(cmd, &r.out);
  return r;
}

std::string train_args(const std::string& data, const std::string& out,
                       const std::string& extra = "") {
  return "train --content " + data + "/real --masks " + data + "/real_masks --style " + data +
         "/synth --style-masks " + data + "/synth_masks --out " + out +
         " --size 16x16 --batch 1 --steps 2 --device cpu --quiet " + extra;
}

Json saved_config(const std::string& ckpt) {
  return Json::parse(read_safetensors(ckpt).metadata.at("config"), ckpt);
}
int64_t saved_step(const std::string& ckpt) {
  return std::stoll(read_safetensors(ckpt).metadata.at("step"));
}
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}
std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

// The file's text, "" while it does not exist yet.
std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// `mgst ARGS` started in the background, stdout + stderr into `log`.
pid_t spawn_cli(const std::string& args, const std::string& log) {
  const std::string cmd = "exec env OMP_NUM_THREADS=1 " + std::string(MGST_CLI_PATH) + " " + args +
                          " >" + log + " 2>&1";
  const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  return pid;
}
// Polls until `ready` holds or 60 s pass; false when the process ended first.
bool wait_for(pid_t pid, const std::function<bool()>& ready, int* status) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ready() && std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid, status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ready();
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("train --resume: overrides are printed, model flags refused, paths absolute") {
    const std::string data = make_data("resume_data");
    const std::string d = fresh_dir("resume");
    // Relative data paths, from the data directory: stored absolute.
    const std::string run = d + "/run";
    CliResult r = cli(
        "train --content real --masks real_masks --style synth --style-masks synth_masks --out " +
            run + " --size 16x16 --batch 1 --steps 2 --device auto --quiet",
        data);
    INFO(r.out);
    REQUIRE(r.code == 0);
    const std::string ckpt = run + "/checkpoint.safetensors";
    const Json c0 = saved_config(ckpt);
    CHECK(c0.at("content").as_string() == fs::path(data + "/real").lexically_normal().string());
    CHECK(c0.at("style_masks").as_string() == data + "/synth_masks");

    // Every refused flag: exit 2 naming it, the run untouched.
    const std::string bytes = read_file(ckpt), log = read_file(run + "/log.csv");
    const std::vector<std::string> refused = {"--size 24x32",
                                              "--no-residual",
                                              "--loss-weights 1,2,3,4",
                                              "--seed 5",
                                              "--crop eye",
                                              "--attention-labels 255",
                                              "--style-attention-labels 255",
                                              "--style-target paired",
                                              "--style-layers relu1_1",
                                              "--lambda-att 2",
                                              "--style-layer-weights auto",
                                              "--task-net " + d + "/psi.safetensors",
                                              "--task-style-weight 2",
                                              "--task-layers s1",
                                              "--vgg " + d + "/vgg.safetensors"};
    for (const std::string& flag : refused) {
      CAPTURE(flag);
      r = cli("train --resume " + run + " " + flag, "/");
      CHECK(r.code == 2);
      CHECK(r.out.find(flag.substr(0, flag.find(' '))) != std::string::npos);
      CHECK(r.out.find("cannot change on --resume") != std::string::npos);
      CHECK(read_file(ckpt) == bytes);
      CHECK(read_file(run + "/log.csv") == log);
    }
    CHECK(cli("train --resume " + run + " --out " + d + "/other").code == 2);

    // From another directory: the absolute paths are found; overrides print
    // one line each; a flag repeating the saved value is accepted silently.
    r = cli("train --resume " + run +
                " --steps 4 --lr 3e-4 --warmup-steps 1 --device cpu --size 16x16 --residual "
                "--checkpoint-every 3 --precision fp32 --quiet",
            "/");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("resume: --steps 2 -> 4") != std::string::npos);
    CHECK(r.out.find("resume: --lr 0.001 -> 0.0003") != std::string::npos);
    CHECK(r.out.find("resume: --warmup-steps 100 -> 1") != std::string::npos);
    CHECK(r.out.find("resume: --device auto -> cpu") != std::string::npos);
    CHECK(r.out.find("resume: --checkpoint-every 100 -> 3") != std::string::npos);
    CHECK(r.out.find("resume: --precision conv-tf32 -> fp32") != std::string::npos);
    CHECK(r.out.find("--size") == std::string::npos);
    CHECK(r.out.find("--residual") == std::string::npos);
    const Json c1 = saved_config(ckpt);
    CHECK(saved_step(ckpt) == 4);
    CHECK(c1.at("lr").as_number() == doctest::Approx(3e-4));
    CHECK(c1.at("steps").as_int() == 4);
    CHECK(c1.at("device").as_string() == "cpu");
    CHECK(c1.at("precision").as_string() == "fp32");
    CHECK(lines_of(read_file(run + "/log.csv")).size() == 5);  // header + 4 steps

    // Moved data: the new paths override the saved ones.
    fs::rename(data + "/synth", d + "/synth_moved");
    r = cli("train --resume " + run + " --steps 5 --quiet");
    CHECK(r.code == 1);
    CHECK(r.out.find(data + "/synth") != std::string::npos);
    r = cli("train --resume " + run + " --steps 5 --quiet --style " + d + "/synth_moved");
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(r.out.find("resume: --style " + data + "/synth -> " + d + "/synth_moved") !=
          std::string::npos);
    CHECK(saved_config(ckpt).at("style").as_string() == d + "/synth_moved");
    fs::rename(d + "/synth_moved", data + "/synth");
  }

  TEST_CASE("train --out never overwrites a run; --overwrite; --keep-checkpoints") {
    const std::string data = make_data("out_data");
    const std::string d = fresh_dir("out");
    const std::string run = d + "/run", ckpt = run + "/checkpoint.safetensors";
    REQUIRE(
        cli(train_args(data, run, "--steps 3 --checkpoint-every 1 --keep-checkpoints 2")).code ==
        0);
    // The last two kept beside the latest, the first rotated out.
    CHECK_FALSE(fs::exists(run + "/checkpoint_1.safetensors"));
    REQUIRE(fs::exists(run + "/checkpoint_2.safetensors"));
    REQUIRE(fs::exists(run + "/checkpoint_3.safetensors"));
    CHECK(saved_step(run + "/checkpoint_2.safetensors") == 2);
    CHECK(saved_step(run + "/checkpoint_3.safetensors") == 3);
    CHECK(saved_step(ckpt) == 3);

    const std::string bytes = read_file(ckpt), log = read_file(run + "/log.csv");
    CliResult r = cli(train_args(data, run));
    INFO(r.out);
    CHECK(r.code == 1);
    CHECK(r.out.find("a checkpoint at step 3") != std::string::npos);
    CHECK(r.out.find("mgst train --resume " + run) != std::string::npos);
    CHECK(r.out.find("--overwrite") != std::string::npos);
    CHECK(read_file(ckpt) == bytes);
    CHECK(read_file(run + "/log.csv") == log);

    // A log without a checkpoint (killed before the first one) is a run too.
    const std::string only_log = d + "/only_log";
    ensure_directory(only_log);
    fs::copy_file(run + "/log.csv", only_log + "/log.csv");
    r = cli(train_args(data, only_log));
    CHECK(r.code == 1);
    CHECK(r.out.find("a log.csv up to step 3") != std::string::npos);

    // --overwrite starts over: the old run's files, kept copies included, go.
    r = cli(train_args(data, run, "--overwrite"));
    CHECK(r.code == 0);
    CHECK(saved_step(ckpt) == 2);
    CHECK(lines_of(read_file(run + "/log.csv")).size() == 3);
    CHECK_FALSE(fs::exists(run + "/checkpoint_2.safetensors"));
    CHECK_FALSE(fs::exists(run + "/checkpoint_3.safetensors"));
    // A new run into a fresh (or empty) directory needs no flag.
    ensure_directory(d + "/empty");
    CHECK(cli(train_args(data, d + "/empty")).code == 0);
  }

  TEST_CASE("train: SIGINT finishes the step, checkpoints, exits 130; --resume goes on") {
    const std::string data = make_data("sig_data");
    const std::string d = fresh_dir("sig");
    const std::string run = d + "/run", ckpt = run + "/checkpoint.safetensors";
    const int total = 60;
    const std::string out = d + "/out.txt";
    // Not --quiet: the first step line says the loop is running.
    std::string args = train_args(data, run, "--steps " + std::to_string(total));
    args.replace(args.find(" --quiet"), 8, "");
    const pid_t pid = spawn_cli(args, out);
    int st = 0;
    const bool running = wait_for(
        pid, [&] { return text_of(out).find("step 1/") != std::string::npos; }, &st);
    INFO(text_of(out));
    REQUIRE(running);
    REQUIRE(::kill(pid, SIGINT) == 0);
    REQUIRE(waitpid(pid, &st, 0) == pid);
    const std::string text = text_of(out);
    INFO(text);
    REQUIRE(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 130);
    const int64_t stopped = saved_step(ckpt);  // loadable, with its step
    CHECK(stopped >= 1);
    CHECK(stopped < total);
    CHECK(text.find("stopped by SIGINT at step " + std::to_string(stopped) + " of " +
                    std::to_string(total)) != std::string::npos);
    CHECK(text.find("to continue: mgst train --resume " + run) != std::string::npos);
    CHECK(fs::exists(run + "/loss.png"));
    models::TransformNet net(true, 0);
    net.load(read_safetensors(ckpt), ckpt);
    CHECK(lines_of(read_file(run + "/log.csv")).size() == std::size_t(stopped + 1));

    const CliResult r = cli("train --resume " + run + " --quiet");
    CHECK(r.code == 0);
    CHECK(saved_step(ckpt) == total);
    CHECK(lines_of(read_file(run + "/log.csv")).size() == std::size_t(total + 1));
  }

  TEST_CASE("train: SIGTERM stops like SIGINT; a second signal aborts at once") {
    const std::string data = make_data("term_data");
    const std::string d = fresh_dir("term");
    for (const bool twice : {false, true}) {
      CAPTURE(twice);
      const std::string run = d + (twice ? "/twice" : "/once");
      const std::string out = run + ".txt";
      // Large enough steps (tenths of a second) that the second signal lands mid-step.
      std::string args = train_args(data, run, "--steps 200 --size 48x64 --batch 4");
      args.replace(args.find(" --quiet"), 8, "");
      const pid_t pid = spawn_cli(args, out);
      int st = 0;
      REQUIRE(wait_for(
          pid, [&] { return text_of(out).find("step 1/") != std::string::npos; }, &st));
      REQUIRE(::kill(pid, SIGTERM) == 0);
      if (twice) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::kill(pid, SIGINT);
      }
      REQUIRE(waitpid(pid, &st, 0) == pid);
      INFO(text_of(out));
      if (!twice) {
        REQUIRE(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 130);
        CHECK(text_of(out).find("stopped by SIGTERM") != std::string::npos);
        CHECK(saved_step(run + "/checkpoint.safetensors") >= 1);
      } else {
        CHECK(WIFSIGNALED(st));
        CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGINT));
        CHECK(text_of(out).find("stopped by") == std::string::npos);
      }
    }
  }

  TEST_CASE("train: --log-every, the step line, --sample-every, --val-content, before_after") {
    const std::string data = make_data("watch_data", 4);
    const std::string val = make_data("watch_val", 2);
    const std::string d = fresh_dir("watch");
    const std::string run = d + "/run";
    std::string args = train_args(data, run,
                                  "--steps 5 --log-every 2 --sample-every 2 --checkpoint-every 2 "
                                  "--val-content " +
                                      val + "/real --val-masks " + val + "/real_masks");
    args.replace(args.find(" --quiet"), 8, "");
    const CliResult r = cli(args);
    INFO(r.out);
    REQUIRE(r.code == 0);
    // Steps 2, 4 and the last one, each with elapsed time, lr and labelled terms.
    std::vector<std::string> steps;
    for (const auto& l : lines_of(r.out))
      if (l.rfind("step ", 0) == 0) steps.push_back(l);
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].rfind("step 2/5 ", 0) == 0);
    CHECK(steps[1].rfind("step 4/5 ", 0) == 0);
    CHECK(steps[2].rfind("step 5/5 ", 0) == 0);
    for (const auto& l : steps) {
      CHECK(l.find("elapsed ") != std::string::npos);
      CHECK(l.find("lr ") != std::string::npos);
      CHECK(l.find("unweighted: content ") != std::string::npos);
      CHECK(l.find("weighted total ") != std::string::npos);
    }
    CHECK(count(r.out, "validation (2 images)") == 3);
    // Samples: one grid per K steps, 3 columns (input | purified | style).
    CHECK(fs::exists(run + "/samples/step_2.png"));
    CHECK(fs::exists(run + "/samples/step_4.png"));
    CHECK_FALSE(fs::exists(run + "/samples/step_5.png"));
    const data::ImageF grid = data::load_rgb(run + "/samples/step_2.png");
    CHECK(grid.width > 3 * 16);
    CHECK(grid.height > 2 * 16);  // two validation rows
    CHECK(grid.height < 3 * 16 + 4 * 4);
    CHECK(fs::exists(run + "/before_after.png"));
    // log.csv: validation columns, filled at the checkpoints (2, 4, the end).
    const auto rows = lines_of(read_file(run + "/log.csv"));
    REQUIRE(rows.size() == 6);
    CHECK(rows[0] ==
          "step,content,style,task,tv,total,images_per_s,val_content,val_style,val_task,val_tv,"
          "val_total");
    for (int s = 1; s <= 5; ++s) {
      CAPTURE(s);
      const std::string& row = rows[std::size_t(s)];
      CHECK(count(row, ",") == 11);
      const bool has_val = s == 2 || s == 4 || s == 5;
      CHECK((row.find(",,") == std::string::npos) == has_val);
      if (has_val) {
        const double val_total = std::stod(row.substr(row.rfind(',') + 1));
        CHECK(std::isfinite(val_total));
        CHECK(val_total > 0);
      }
    }
    // Resume keeps the columns.
    CHECK(cli("train --resume " + run + " --steps 6 --quiet").code == 0);
    const auto more = lines_of(read_file(run + "/log.csv"));
    REQUIRE(more.size() == 7);
    CHECK(more[0] == rows[0]);
    CHECK(more[6].find(",,") == std::string::npos);
  }

  TEST_CASE("train: per-domain attention labels; an empty style attention region is an error") {
    const std::string data = make_data("att_data");
    const std::string d = fresh_dir("att");
    // Label-map content masks (0 background, 2 eye) beside 0/255 style masks,
    // as `mgst masks` writes them.
    ensure_directory(d + "/labels");
    for (int i = 0; i < 3; ++i) {
      const std::string f = "/e" + std::to_string(i) + ".png";
      data::ImageF m = data::load_mask(data + "/real_masks" + f);
      for (float& v : m.data) v = v > 0.5f ? 2.f / 255.f : 0.f;
      data::save_png(d + "/labels" + f, m);
    }
    const std::string base = "train --content " + data + "/real --masks " + d + "/labels --style " +
                             data + "/synth --style-masks " + data +
                             "/synth_masks --size 16x16 --batch 1 --steps 1 --device cpu --quiet "
                             "--attention-labels 2 --out ";
    CliResult r = cli(base + d + "/shared_labels");
    INFO(r.out);
    CHECK(r.code == 1);
    CHECK(r.out.find("error") != std::string::npos);
    CHECK(r.out.find("non-empty attention region") != std::string::npos);
    CHECK(r.out.find("--style-attention-labels") != std::string::npos);
    CHECK_FALSE(fs::exists(d + "/shared_labels/checkpoint.safetensors"));
    r = cli(base + d + "/own_labels --style-attention-labels 255");
    CHECK(r.code == 0);
    const Json c = saved_config(d + "/own_labels/checkpoint.safetensors");
    CHECK(c.at("content_masks").at("attention_labels").as_array().size() == 1);
    CHECK(c.at("style_mask_options").at("attention_labels").as_array()[0].as_int() == 255);
    // All-zero 0/255 style masks: the error names --style-masks.
    ensure_directory(d + "/zero");
    for (int i = 0; i < 3; ++i)
      data::save_png(d + "/zero/e" + std::to_string(i) + ".png", data::ImageF(1, 16, 16, 0.f));
    r = cli("train --content " + data + "/real --style " + data + "/synth --style-masks " + d +
            "/zero --size 16x16 --batch 1 --steps 1 --device cpu --quiet --out " + d + "/zero_run");
    CHECK(r.code == 1);
    CHECK(r.out.find("--style-masks") != std::string::npos);
  }

  TEST_CASE("train --help names every workflow flag") {
    const CliResult r = cli("train --help");
    REQUIRE(r.code == 0);
    for (const char* flag : {"--overwrite", "--keep-checkpoints", "--log-every", "--sample-every",
                             "--val-content", "--val-masks", "--style-attention-labels", "SIGINT"})
      CHECK_MESSAGE(r.out.find(flag) != std::string::npos, flag);
  }
}
