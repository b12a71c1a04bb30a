// Reliability (issue 7), through the real `mgst` binary:
//  1. bad input: every file mgst reads (images, masks, safetensors weights and
//     checkpoints, log.csv) and its flags, broken on purpose, must give a
//     clear error naming the file and the problem, exit != 0, no signal, and
//     no partial output (no PNG from a failed purify, no checkpoint from a
//     failed start, a checkpoint a failed resume leaves untouched);
//  2. crash safety: `mgst train` SIGKILLed at random moments (many during a
//     checkpoint write) always leaves a checkpoint that loads, `--resume`
//     continues, and the loss curve is bit-identical to an uninterrupted run;
//  3. numerical faults: a NaN stops the step, naming it (and with
//     --detect-anomaly the first op), and the last good checkpoint stays.
// Fuzzing (fuzz/, tools/fuzz.sh) and sanitizer runs (tools/sanitize.sh)
// cover the parsers and the library below this level.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apps/data/image_io.h"
#include "apps/data/synth_eyes.h"
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

std::string fresh_dir(const std::string& name) { return test::fresh_temp_dir("rel_" + name); }

void put_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

// Real / synthetic eyes with masks at 24x32 (tests/eye_data.h).
std::string make_data(const std::string& name, int count = 3) {
  return test::make_eye_dataset("rel_" + name, 24, 32, count);
}

// One OpenMP thread: 2 shared cores are oversubscribed while the suites run
// in parallel, and OpenMP's spinning then costs 10x (measured). Every run in
// this file uses the same count, so the loss curves are comparable bit for bit.
const char* kEnv = "OMP_NUM_THREADS=1";

struct CliResult {
  int code = -1;    // exit status, -1 when killed by a signal
  int signal = 0;   // the signal that ended it, 0 = none
  std::string out;  // stdout + stderr
};

CliResult cli(const std::string& args, const std::string& env = "") {
  // `exec` so a signal reaches us as the child's own status, not the shell's.
  const std::string cmd =
      std::string("exec env ") + kEnv + " " + env + " " + MGST_CLI_PATH + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  CliResult r;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int st = pclose(p);
  if (WIFEXITED(st)) r.code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) r.signal = WTERMSIG(st);
  return r;
}

// What every failure must look like: an exit code of 1 (error) or 2 (usage),
// no signal, no sanitizer or terminate() report, a line saying "error" (or the
// usage hint), no source location (file:line is for MGST_DEBUG=1 only), and
// each needle (file names, the problem) in the output.
void expect_clean_failure(const CliResult& r, const std::vector<std::string>& needles,
                          const std::string& what) {
  INFO(what << "\n--- mgst output ---\n" << r.out << "-------------------");
  CHECK(r.signal == 0);
  CHECK((r.code == 1 || r.code == 2));
  for (const char* crash : {"Sanitizer", "runtime error:", "terminate called", "Segmentation",
                            "core dumped", "Aborted"})
    CHECK_MESSAGE(r.out.find(crash) == std::string::npos, "crash marker '" << crash << "'");
  CHECK((r.out.find("error") != std::string::npos || r.out.find("--help") != std::string::npos));
  CHECK_MESSAGE(r.out.find(".cpp:") == std::string::npos, "a source location in the message");
  for (const auto& n : needles)
    CHECK_MESSAGE(r.out.find(n) != std::string::npos, "missing '" << n << "' in the message");
}

// Files under `dir` (recursively); none when it does not exist.
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().string());
  return out;
}

std::string train_args(const std::string& content, const std::string& masks,
                       const std::string& style, const std::string& style_masks,
                       const std::string& out, const std::string& extra = "") {
  std::string a = "train --content " + content + " --style " + style + " --out " + out +
                  " --size 24x32 --batch 1 --steps 2 --device cpu --quiet";
  if (!masks.empty()) a += " --masks " + masks;
  if (!style_masks.empty()) a += " --style-masks " + style_masks;
  return a + " " + extra;
}

// Broken copies of a valid PNG.
struct BrokenImage {
  std::string name, bytes, problem;  // problem: a phrase the error must contain
};
std::vector<BrokenImage> broken_images(const std::string& good_png) {
  const std::string b = read_file(good_png);
  std::string huge = b;  // IHDR width (bytes 16..19, big-endian) = 20000
  const uint32_t big = 20000;
  for (int i = 0; i < 4; ++i) huge[16 + i] = char((big >> (24 - 8 * i)) & 0xFF);
  std::vector<BrokenImage> v = {
      {"truncated", b.substr(0, b.size() / 2), "cannot decode"},
      {"empty", "", "empty"},
      {"header_only", b.substr(0, 12), "not a readable image"},
      {"wrong_magic", "GIF89a this is no image at all", "not a PNG, JPEG or BMP"},
      {"text", "hello\n", "not a readable image"},
      {"huge_declared_size", huge, "larger than the 16384-pixel limit"},
  };
  // The fuzzer's finds in stb_image 2.27, kept as seeds in fuzz/corpus/image:
  // a Huffman table of > 256 codes (out-of-bounds write), a scan using an
  // undefined Huffman table (out-of-bounds read), a PNG chunk declaring
  // 1.1 GB (a 2 GB allocation from a 200-byte file).
  const std::string seeds = std::string(MGST_SOURCE_DIR) + "/fuzz/corpus/image/";
  for (const auto& [file, problem] :
       std::vector<std::pair<std::string, std::string>>{{"regress_dht_257_codes_a.jpg", "declares"},
                                                        {"regress_scan_undefined_huffman_table.jpg",
                                                         "does not define"},
                                                        {"regress_png_huge_idat.png", "declares"}})
    if (fs::exists(seeds + file)) v.push_back({file, read_file(seeds + file), problem});
  return v;
}

// A tiny transform-net weights file with its raw header, for surgery.
struct StFile {
  Json header;
  std::string buffer;
};
StFile split_safetensors(const std::string& bytes) {
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  return {Json::parse(bytes.substr(8, n), "test"), bytes.substr(8 + n)};
}
std::string join_safetensors(const StFile& f) {
  std::string h = f.header.dump();
  const uint64_t n = h.size();
  return std::string(reinterpret_cast<const char*>(&n), 8) + h + f.buffer;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> v;
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

// log.csv rows without the timing column (images/s differs run to run).
std::vector<std::string> loss_rows(const std::string& log_csv) {
  std::vector<std::string> out;
  for (const auto& l : read_lines(log_csv)) out.push_back(l.substr(0, l.rfind(',')));
  return out;
}

int64_t checkpoint_step(const std::string& path) {
  const SafetensorsFile f = read_safetensors(path);
  auto it = f.metadata.find("step");
  REQUIRE_MESSAGE(it != f.metadata.end(), path << " has no 'step' metadata");
  return std::stoll(it->second);
}

bool all_finite(const SafetensorsFile& f) {
  for (const auto& t : f.tensors)
    for (float v : t.data)
      if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("reliability: broken images fail clearly in train (content, style) and purify") {
    const std::string data = make_data("img_data");
    const std::string d = fresh_dir("img");
    models::TransformNet(true, 0).save(d + "/w.safetensors");
    for (const auto& bad : broken_images(data + "/real/e0.png")) {
      CAPTURE(bad.name);
      const std::string case_dir = d + "/" + bad.name;
      ensure_directory(case_dir + "/content");
      ensure_directory(case_dir + "/style");
      ensure_directory(case_dir + "/input");
      const std::string img = case_dir + "/content/e0.png";
      put_bytes(img, bad.bytes);
      // Content: the only image is broken, so the run cannot start.
      CliResult r =
          cli(train_args(case_dir + "/content", "", data + "/synth", "", case_dir + "/run1"));
      expect_clean_failure(r, {img, bad.problem}, "train, broken content image " + bad.name);
      CHECK_FALSE(fs::exists(case_dir + "/run1/checkpoint.safetensors"));
      // Style: one broken image among good ones.
      fs::copy(data + "/synth", case_dir + "/style", fs::copy_options::recursive);
      const std::string simg = case_dir + "/style/e1.png";
      put_bytes(simg, bad.bytes);
      r = cli(train_args(data + "/real", "", case_dir + "/style", "", case_dir + "/run2"));
      expect_clean_failure(r, {simg, bad.problem}, "train, broken style image " + bad.name);
      CHECK_FALSE(fs::exists(case_dir + "/run2/checkpoint.safetensors"));
      // Purify: one broken input among good ones -> nothing written at all.
      fs::copy(data + "/real", case_dir + "/input", fs::copy_options::recursive);
      const std::string pimg = case_dir + "/input/e9.png";
      put_bytes(pimg, bad.bytes);
      r = cli("purify --model " + d + "/w.safetensors --input " + case_dir + "/input --output " +
              case_dir + "/out --device cpu");
      expect_clean_failure(r, {pimg, bad.problem}, "purify, broken input " + bad.name);
      CHECK(files_in(case_dir + "/out").empty());
    }
  }

  TEST_CASE("reliability: broken and mismatched masks fail clearly") {
    const std::string data = make_data("mask_data");
    const std::string d = fresh_dir("mask");
    models::TransformNet(true, 0).save(d + "/w.safetensors");
    // Size mismatch in one pair of three: found at the start (headers are
    // checked up front), not at the step that happens to draw it.
    ensure_directory(d + "/masks");
    fs::copy(data + "/real_masks", d + "/masks", fs::copy_options::recursive);
    const std::string small = d + "/masks/e2.png";
    data::save_png(small, data::ImageF(1, 16, 16, 1.f));
    CliResult r = cli(train_args(data + "/real", d + "/masks", data + "/synth",
                                 data + "/synth_masks", d + "/run_mismatch"));
    expect_clean_failure(r, {small, "16x16", data + "/real/e2.png", "32x24"},
                         "train, mask mismatch");
    CHECK_FALSE(fs::exists(d + "/run_mismatch/checkpoint.safetensors"));
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + d +
            "/masks --output " + d + "/out_mismatch --device cpu");
    expect_clean_failure(r, {small, "16x16"}, "purify, mask mismatch");
    CHECK(files_in(d + "/out_mismatch").empty());
    // Style mask mismatch.
    r = cli(train_args(data + "/real", data + "/real_masks", data + "/synth", d + "/masks",
                       d + "/run_style_mismatch"));
    expect_clean_failure(r, {small, "style mask"}, "train, style mask mismatch");
    // A missing mask names the image.
    fs::remove(d + "/masks/e1.png");
    r = cli(train_args(data + "/real", d + "/masks", data + "/synth", "", d + "/run_missing"));
    expect_clean_failure(r, {data + "/real/e1.png", "no mask named e1"}, "train, missing mask");
    // A truncated mask.
    data::save_png(d + "/masks/e1.png", data::ImageF(1, 24, 32, 1.f));
    const std::string mb = read_file(d + "/masks/e0.png");
    put_bytes(d + "/masks/e0.png", mb.substr(0, 20));
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + d +
            "/masks --output " + d + "/out_trunc --device cpu");
    expect_clean_failure(r, {d + "/masks/e0.png"}, "purify, truncated mask");
    CHECK(files_in(d + "/out_trunc").empty());
    // Label values outside 0..255 (masks are 8-bit), or not integers.
    for (const char* labels : {"300", "-1", "2.5", "two", "2,,3"}) {
      r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + data +
              "/real_masks --output " + d + "/out_labels --device cpu --attention-labels " +
              labels);
      expect_clean_failure(r, {"--attention-labels"}, std::string("--attention-labels ") + labels);
    }
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --output " + d +
            "/out_labels --device cpu --ignore-labels 1");
    expect_clean_failure(r, {"--ignore-labels", "--attention-labels"}, "--ignore-labels alone");
    CHECK(files_in(d + "/out_labels").empty());
    // A label map (values 0..3) read without --attention-labels: works, but
    // warns and names the flag.
    ensure_directory(d + "/labels");
    for (int i = 0; i < 3; ++i) {
      data::ImageU8 lm{32, 24, 1, std::vector<uint8_t>(32 * 24, 0)};
      for (int k = 300; k < 400; ++k) lm.pixels[k] = uint8_t(1 + k % 3);
      data::save_png(d + "/labels/e" + std::to_string(i) + ".png", lm);
    }
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + d +
            "/labels --output " + d + "/out_lm --device cpu");
    CHECK(r.code == 0);
    CHECK(r.out.find("--attention-labels") != std::string::npos);
    // Labels that occur in no mask (the maps hold 0..3): works, warns once.
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + d +
            "/labels --output " + d + "/out_lm7 --device cpu --attention-labels 7");
    CHECK(r.code == 0);
    CHECK(r.out.find("none of the --attention-labels values occur") != std::string::npos);
    CHECK(r.out.find("labels/e0.png") != std::string::npos);
    r = cli("purify --model " + d + "/w.safetensors --input " + data + "/real --masks " + d +
            "/labels --output " + d + "/out_lm3 --device cpu --attention-labels 3");
    CHECK(r.code == 0);
    CHECK(r.out.find("none of the --attention-labels") == std::string::npos);
  }

  TEST_CASE("reliability: broken safetensors (weights, VGG, checkpoints) fail clearly") {
    const std::string data = make_data("st_data");
    const std::string d = fresh_dir("st");
    models::TransformNet(true, 0).save(d + "/w.safetensors");
    const std::string good = read_file(d + "/w.safetensors");
    const StFile parts = split_safetensors(good);
    auto edited = [&](const std::function<void(Json&)>& edit) {
      StFile f = parts;
      edit(f.header);
      return join_safetensors(f);
    };
    std::string wrong_magic = good;
    std::memcpy(wrong_magic.data(), "PK\x03\x04\x14\x00\x00\x00", 8);
    std::string huge_len = good;
    const uint64_t big = uint64_t(1) << 62;
    std::memcpy(huge_len.data(), &big, 8);
    struct Case {
      std::string name, bytes, problem;
    };
    const std::vector<Case> cases = {
        {"empty", "", "shorter than the 8-byte header"},
        {"seven_bytes", good.substr(0, 7), "shorter than the 8-byte header"},
        {"truncated", good.substr(0, good.size() / 2), "truncated"},
        {"header_truncated", good.substr(0, 40), "truncated"},
        {"wrong_magic", wrong_magic, "header length"},
        {"huge_header_length", huge_len, "exceeds"},
        {"not_json", std::string("\x08\0\0\0\0\0\0\0notjson!", 16), "JSON"},
        {"wrong_dtype", edited([](Json& h) { h["c1.conv.weight"]["dtype"] = Json("I32"); }), "I32"},
        {"unknown_dtype", edited([](Json& h) { h["c1.conv.bias"]["dtype"] = Json("F128"); }),
         "F128"},
        {"wrong_shape", edited([](Json& h) {
           h["c1.conv.bias"]["shape"] = Json(Json::Array{Json(int64_t(16)), Json(int64_t(2))});
         }),
         "c1.conv.bias"},
        {"huge_shape", edited([](Json& h) {
           h["c1.conv.bias"]["shape"] =
               Json(Json::Array{Json(int64_t(1) << 40), Json(int64_t(1) << 40)});
         }),
         "overflows"},
        {"offsets_past_end", edited([](Json& h) {
           h["c1.conv.bias"]["data_offsets"] =
               Json(Json::Array{Json(int64_t(1) << 40), Json((int64_t(1) << 40) + 128)});
         }),
         "run past"},
        {"negative_offset", edited([](Json& h) {
           h["c1.conv.bias"]["data_offsets"] =
               Json(Json::Array{Json(int64_t(-4)), Json(int64_t(124))});
         }),
         "non-negative"},
        {"missing_name", edited([](Json& h) {
           Json::Object o;
           for (const auto& [k, v] : h.as_object())
             o.emplace_back(k == "c4.conv.weight" ? "c4.conv.WEIGHT" : k, v);
           h = Json(o);
         }),
         "c4.conv.weight"},
        {"bad_residual_metadata", edited([](Json& h) {
           Json meta = Json::object();
           meta["residual"] = Json("maybe");
           h["__metadata__"] = meta;
         }),
         "residual"},
    };
    ensure_directory(d + "/models");
    for (const auto& c : cases) {
      CAPTURE(c.name);
      const std::string path = d + "/models/" + c.name + ".safetensors";
      put_bytes(path, c.bytes);
      const std::string out = d + "/out_" + c.name;
      CliResult r = cli("purify --model " + path + " --input " + data + "/real --output " + out +
                        " --device cpu");
      expect_clean_failure(r, {path, c.problem}, "purify --model " + c.name);
      CHECK(files_in(out).empty());
    }
    // eval and inspect load the model through the same loader (train::load_model_source):
    // a bad metadata value names the file there too.
    const std::string bad = d + "/models/bad_residual_metadata.safetensors";
    const std::string pair =
        " --content " + data + "/real/e0.png --style " + data + "/synth/e0.png --device cpu";
    for (const std::string& cmd : {"eval --model " + bad + pair,
                                   "inspect --model " + bad + pair + " --out " + d + "/r.html"}) {
      CliResult r = cli(cmd);
      expect_clean_failure(r, {bad + ": metadata 'residual'"}, cmd);
    }
    CHECK_FALSE(fs::exists(d + "/r.html"));
    // As VGG weights: a transform-net file (wrong names) and a truncated one.
    const std::string run = d + "/run_vgg";
    CliResult r = cli(
        train_args(data + "/real", "", data + "/synth", "", run, "--vgg " + d + "/w.safetensors"));
    expect_clean_failure(r, {d + "/w.safetensors", "features.0.weight"}, "--vgg with wrong names");
    CHECK_FALSE(fs::exists(run + "/checkpoint.safetensors"));
    r = cli(train_args(data + "/real", "", data + "/synth", "", run,
                       "--vgg " + d + "/models/truncated.safetensors"));
    expect_clean_failure(r, {d + "/models/truncated.safetensors", "truncated"}, "--vgg truncated");
    r = cli(train_args(data + "/real", "", data + "/synth", "", run,
                       "--vgg " + d + "/nope.safetensors"));
    expect_clean_failure(r, {d + "/nope.safetensors"}, "--vgg missing");
    CHECK_FALSE(fs::exists(run + "/checkpoint.safetensors"));
  }

  TEST_CASE("reliability: a broken checkpoint or log.csv on --resume") {
    const std::string data = make_data("resume_data");
    const std::string d = fresh_dir("resume");
    const std::string run = d + "/good";
    REQUIRE(cli(train_args(data + "/real", data + "/real_masks", data + "/synth",
                           data + "/synth_masks", run, "--checkpoint-every 1"))
                .code == 0);
    const std::string ckpt = read_file(run + "/checkpoint.safetensors");
    const std::string log = read_file(run + "/log.csv");
    const StFile parts = split_safetensors(ckpt);
    auto with_meta = [&](const std::string& key, const std::string* value) {
      StFile f = parts;
      Json meta = f.header.at("__metadata__");
      Json::Object o;
      for (const auto& [k, v] : meta.as_object())
        if (k != key) o.emplace_back(k, v);
      if (value) o.emplace_back(key, Json(*value));
      f.header["__metadata__"] = Json(o);
      return join_safetensors(f);
    };
    auto with_config = [&](const std::function<void(Json&)>& edit) {
      Json cfg = Json::parse(parts.header.at("__metadata__").at("config").as_string(), "cfg");
      edit(cfg);
      const std::string s = cfg.dump();
      return with_meta("config", &s);
    };
    const std::string abc = "abc", broken_json = "{\"height\": 24";
    struct Case {
      std::string name, bytes, problem;
    };
    const std::vector<Case> cases = {
        {"truncated", ckpt.substr(0, ckpt.size() - 100), "truncated"},
        {"empty", "", "shorter than the 8-byte header"},
        {"no_step", with_meta("step", nullptr), "'step' missing"},
        {"step_not_a_number", with_meta("step", &abc), "'step'"},
        {"config_not_json", with_meta("config", &broken_json), "config"},
        {"config_missing_key", with_config([](Json& c) {
           Json::Object o;
           for (const auto& [k, v] : c.as_object())
             if (k != "loss") o.emplace_back(k, v);
           c = Json(o);
         }),
         "loss"},
        {"config_wrong_type", with_config([](Json& c) { c["batch"] = Json("four"); }), "config"},
        {"config_size_not_multiple_of_4",
         with_config([](Json& c) { c["height"] = Json(int64_t(30)); }), "multiples of 4"},
        {"no_adam_state",
         [&] {
           StFile f = parts;
           Json::Object o;
           for (const auto& [k, v] : f.header.as_object())
             if (k != "adam.v.c2.conv.weight") o.emplace_back(k, v);
           f.header = Json(o);
           return join_safetensors(f);
         }(),
         "Adam state for 'c2.conv.weight'"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      const std::string rd = d + "/" + c.name;
      ensure_directory(rd);
      put_bytes(rd + "/checkpoint.safetensors", c.bytes);
      put_bytes(rd + "/log.csv", log);
      const CliResult r = cli("train --resume " + rd + " --steps 4 --quiet");
      expect_clean_failure(r, {rd + "/checkpoint.safetensors", c.problem}, "--resume " + c.name);
      // A failed resume touches neither the checkpoint nor the log.
      CHECK(read_file(rd + "/checkpoint.safetensors") == c.bytes);
      CHECK(read_file(rd + "/log.csv") == log);
    }
    // Missing run directory, or one without a checkpoint.
    expect_clean_failure(cli("train --resume " + d + "/nowhere"), {d + "/nowhere"},
                         "--resume missing dir");
    ensure_directory(d + "/empty_run");
    expect_clean_failure(cli("train --resume " + d + "/empty_run"),
                         {d + "/empty_run", "no checkpoint.safetensors"}, "--resume empty dir");

    // log.csv: junk, a torn last line, rows past the checkpoint, or none at
    // all. Resume keeps the rows up to the checkpoint and appends.
    for (const std::string variant : {"junk", "torn", "missing", "binary"}) {
      CAPTURE(variant);
      const std::string rd = d + "/log_" + variant;
      ensure_directory(rd);
      put_bytes(rd + "/checkpoint.safetensors", ckpt);
      std::string l = log;
      if (variant == "junk") l += "this is not,a log row\n7,1,2\n";
      if (variant == "torn") l += "3,0.00012,4.5e-0";
      if (variant == "binary")
        l = std::string("\0\xff\x01garbage\n", 11) + l.substr(l.find('\n') + 1);
      if (variant != "missing") put_bytes(rd + "/log.csv", l);
      const CliResult r = cli("train --resume " + rd + " --steps 4 --quiet");
      INFO(r.out);
      REQUIRE(r.code == 0);
      const auto rows = read_lines(rd + "/log.csv");
      REQUIRE(!rows.empty());
      CHECK(rows[0] == "step,content,style,task,tv,total,images_per_s");
      std::vector<int> steps;
      for (std::size_t i = 1; i < rows.size(); ++i) steps.push_back(std::atoi(rows[i].c_str()));
      // ("binary" garbles the header line only, which is skipped anyway.)
      const std::vector<int> want =
          variant == "missing" ? std::vector<int>{3, 4} : std::vector<int>{1, 2, 3, 4};
      CHECK(steps == want);
    }
    // log.csv that is a directory: a clear error naming it.
    const std::string rd = d + "/log_dir";
    ensure_directory(rd + "/log.csv");
    put_bytes(rd + "/checkpoint.safetensors", ckpt);
    const CliResult r = cli("train --resume " + rd + " --steps 4 --quiet");
    expect_clean_failure(r, {rd + "/log.csv"}, "log.csv is a directory");
    CHECK(read_file(rd + "/checkpoint.safetensors") == ckpt);
  }

  TEST_CASE("reliability: bad flags and missing directories fail clearly, write nothing") {
    const std::string data = make_data("flag_data");
    const std::string d = fresh_dir("flags");
    models::TransformNet(true, 0).save(d + "/w.safetensors");
    const std::string ok =
        "--content " + data + "/real --style " + data + "/synth --device cpu --quiet";
    struct Case {
      std::string args, problem;
    };
    const std::vector<Case> train_cases = {
        {"--size 30x32", "multiples of 4"},
        {"--size 24x30", "multiples of 4"},
        {"--size 0", "--size"},
        {"--size -8x8", "--size"},
        {"--size abc", "--size"},
        {"--size 24x32x4", "--size"},
        {"--size 99999x4", "--size"},
        {"--batch 0", "--batch"},
        {"--batch x", "--batch"},
        {"--steps -1", "--steps"},
        {"--steps 1e9", "--steps"},
        {"--lr abc", "--lr"},
        {"--lr nan", "--lr"},
        {"--lr -1", "--lr"},
        {"--lr 0", "--lr"},
        {"--warmup-steps -5", "--warmup-steps"},
        {"--checkpoint-every -1", "--checkpoint-every"},
        {"--device tpu", "tpu"},
        {"--crop bogus", "--crop"},
        {"--crop eye:0.5", "--crop"},
        {"--style-target median", "--style-target"},
        {"--loss-weights 1,2", "--loss-weights"},
        {"--loss-weights 1,x,3,4", "--loss-weights"},
        {"--style-layers relu9_9", "relu9_9"},
        {"--style-layer-weights 1,2", "--style-layer-weights"},
        {"--bogus 1", "unknown option '--bogus'"},
        {"--residual --no-residual", "--no-residual"},
        {"--steps", "needs a value"},
    };
    for (const auto& c : train_cases) {
      CAPTURE(c.args);
      const std::string run = d + "/run_flags";
      const CliResult r = cli("train " + ok + " --out " + run + " " + c.args);
      expect_clean_failure(r, {c.problem}, "train " + c.args);
      CHECK_FALSE(fs::exists(run + "/checkpoint.safetensors"));
    }
    // Missing or wrong directories, each named.
    const std::string nowhere = d + "/does/not/exist";
    expect_clean_failure(cli("train --content " + nowhere + " --style " + data + "/synth --out " +
                             d + "/r"),
                         {nowhere}, "missing --content");
    expect_clean_failure(cli("train --content " + data + "/real --style " + nowhere + " --out " +
                             d + "/r"),
                         {nowhere}, "missing --style");
    expect_clean_failure(cli("train --content " + data + "/real --masks " + nowhere + " --style " +
                             data + "/synth --out " + d + "/r"),
                         {nowhere}, "missing --masks");
    expect_clean_failure(cli("train --content " + d + " --style " + data + "/synth --out " + d +
                             "/r"),
                         {d, "no images"}, "--content without images");
    expect_clean_failure(cli("train --content " + data + "/real --style " + data + "/synth"),
                         {"--out"}, "no --out");
    put_bytes(d + "/a_file", "x");
    expect_clean_failure(cli("train " + ok + " --out " + d + "/a_file"), {d + "/a_file"},
                         "--out is a file");
    expect_clean_failure(cli("train " + ok + " --out " + d + "/a_file/run"), {d + "/a_file"},
                         "--out under a file");
    // purify: missing model / input, an output that cannot be a directory.
    const std::string purify = "purify --device cpu --model " + d + "/w.safetensors ";
    expect_clean_failure(cli(purify + "--input " + nowhere + " --output " + d + "/po"), {nowhere},
                         "purify missing --input");
    expect_clean_failure(cli("purify --model " + nowhere + ".safetensors --input " + data +
                             "/real --output " + d + "/po"),
                         {nowhere + ".safetensors"}, "purify missing --model");
    expect_clean_failure(cli(purify + "--input " + data + "/real --output " + d + "/a_file"),
                         {d + "/a_file"}, "purify --output is a file");
    expect_clean_failure(cli(purify + "--input " + data + "/real --output " + d + "/po --batch 0"),
                         {"batch"}, "purify --batch 0");
    CHECK(files_in(d + "/po").empty());
    expect_clean_failure(cli("eval --identity --content " + nowhere + ".png --mask " + data +
                             "/real_masks/e0.png --style " + data + "/synth/e0.png --style-mask " +
                             data + "/synth_masks/e0.png --json"),
                         {nowhere + ".png"}, "eval missing --content");
  }

  TEST_CASE(
      "reliability: SIGKILL at random moments never loses the checkpoint; resume is "
      "bit-identical") {
    const std::string data = make_data("kill_data");
    const std::string d = fresh_dir("kill");
    const int steps = 40;
    const std::string args =
        train_args(data + "/real", data + "/real_masks", data + "/synth", data + "/synth_masks",
                   "RUN", "--checkpoint-every 1 --steps " + std::to_string(steps));
    auto with_run = [&](const std::string& run) {
      std::string a = args;
      a.replace(a.find("RUN"), 3, run);
      // The first --steps 2 from train_args is overridden by the later one.
      return a;
    };
    // The uninterrupted reference.
    const std::string ref = d + "/ref";
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(cli(with_run(ref)).code == 0);
    const double ref_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(loss_rows(ref + "/log.csv").size() == std::size_t(steps + 1));

    // The same run, killed again and again: every fourth kill strikes at a
    // random moment of start-up; the others wait until this process starts
    // writing a checkpoint (its temporary file appears) and strike within
    // 20 ms (the write takes ~30 ms here), or until it logs a step and strike
    // within 150 ms (about one step).
    const std::string run = d + "/killed";
    const std::string ckpt = run + "/checkpoint.safetensors";
    auto log_rows = [&] { return read_lines(run + "/log.csv").size(); };
    // The checkpoint's temporary (core/io/fileio.h write_file_atomic) of process `pid`.
    auto has_temporary_of = [&](pid_t pid) {
      return fs::exists(ckpt + ".tmp." + std::to_string(pid));
    };
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> startup_delay(0.02, 0.8), step_delay(0.0, 0.15),
        write_delay(0.0, 0.02);
    int kills = 0, during_write = 0, before_first_checkpoint = 0;
    int64_t last_step = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
    for (int attempt = 0; attempt < 15 && std::chrono::steady_clock::now() < deadline; ++attempt) {
      const bool resume = fs::exists(ckpt);
      const std::size_t rows_before = log_rows();
      const std::string cmd =
          std::string("exec env ") + kEnv + " " + MGST_CLI_PATH + " " +
          // A kill before the first checkpoint may leave a log.csv: a
          // fresh start there needs --overwrite.
          (resume ? "train --resume " + run + " --quiet" : with_run(run) + " --overwrite") + " >>" +
          d + "/killed_output.txt 2>&1";
      const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
      pid_t pid = 0;
      REQUIRE(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) ==
              0);
      int st = 0;
      bool exited = false;
      // Polls `ready` until it holds, the process ends or 15 s pass.
      auto wait_until = [&](const std::function<bool()>& ready) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (!ready() && std::chrono::steady_clock::now() < give_up) {
          if (waitpid(pid, &st, WNOHANG) == pid) {
            exited = true;
            return;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
      };
      double delay = 0;
      if (attempt % 4 == 0) {
        delay = startup_delay(rng);
      } else if (attempt % 4 == 2) {
        wait_until([&] { return log_rows() > std::max<std::size_t>(rows_before, 1); });
        delay = step_delay(rng);
      } else {
        wait_until([&] { return has_temporary_of(pid); });
        delay = write_delay(rng);
      }
      if (!exited) {
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        ::kill(pid, SIGKILL);
        REQUIRE(waitpid(pid, &st, 0) == pid);
      }
      if (WIFEXITED(st)) {  // finished before the kill
        CHECK(WEXITSTATUS(st) == 0);
        break;
      }
      ++kills;
      // What a kill may leave: the last complete checkpoint (always loadable,
      // never going back in steps) and possibly the temporary of the write in
      // progress, which the next start removes.
      during_write += has_temporary_of(pid);
      if (!fs::exists(ckpt)) {
        ++before_first_checkpoint;
        continue;
      }
      int64_t step = -1;
      try {
        step = checkpoint_step(ckpt);
      } catch (const std::exception& e) {
        FAIL_CHECK("kill " << kills << " left an unreadable checkpoint: " << e.what());
        break;
      }
      CHECK(step >= last_step);
      CHECK(step <= steps);
      last_step = step;
    }
    // Finish without interruption.
    const CliResult fin = fs::exists(ckpt) ? cli("train --resume " + run + " --quiet")
                                           : cli(with_run(run) + " --overwrite");
    INFO(fin.out);
    REQUIRE(fin.code == 0);
    MESSAGE(kills << " SIGKILLs (" << during_write << " while a file was being written, "
                  << before_first_checkpoint << " before the first checkpoint), last checkpoint "
                  << "step before finishing " << last_step << ", reference run " << ref_s << " s");
    CHECK(kills >= 10);
    CHECK(during_write >= 1);
    // Bit-identical loss curve and final weights.
    const auto a = loss_rows(ref + "/log.csv"), b = loss_rows(run + "/log.csv");
    CHECK(a.size() == b.size());
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      CAPTURE(i);
      CHECK(a[i] == b[i]);
    }
    const SafetensorsFile wa = read_safetensors(ref + "/checkpoint.safetensors");
    const SafetensorsFile wb = read_safetensors(ckpt);
    REQUIRE(wa.tensors.size() == wb.tensors.size());
    for (std::size_t i = 0; i < wa.tensors.size(); ++i) {
      CAPTURE(wa.tensors[i].name);
      CHECK(wa.tensors[i].data == wb.tensors[i].data);
    }
    CHECK(wb.metadata.at("step") == std::to_string(steps));
    // No temporary files left behind by the killed writers.
    for (const auto& f : files_in(run)) CHECK_MESSAGE(f.find(".tmp.") == std::string::npos, f);
  }

  TEST_CASE("reliability: a NaN stops the step, names it (and the op), keeps the last checkpoint") {
    const std::string data = make_data("nan_data");
    const std::string d = fresh_dir("nan");
    const std::string base =
        train_args(data + "/real", data + "/real_masks", data + "/synth", data + "/synth_masks",
                   "RUN", "--checkpoint-every 2 --steps 8");
    auto with_run = [&](const std::string& run) {
      std::string a = base;
      a.replace(a.find("RUN"), 3, run);
      return a;
    };
    // The reference: the same run stopped cleanly at step 2.
    const std::string ref = d + "/ref";
    REQUIRE(cli(with_run(ref) + " --steps 2").code == 0);
    const SafetensorsFile good = read_safetensors(ref + "/checkpoint.safetensors");

    for (const bool anomaly : {false, true}) {
      CAPTURE(anomaly);
      const std::string run = d + (anomaly ? "/anomaly" : "/plain");
      const CliResult r = cli(with_run(run) + (anomaly ? " --detect-anomaly" : ""),
                              "MGST_TEST_INJECT_NAN_AT_STEP=3");
      expect_clean_failure(r, {"step 3", "checkpoint"}, "NaN at step 3");
      if (anomaly) {
        // The first op whose output is not finite, by name.
        CHECK(r.out.find("anomaly: output of") != std::string::npos);
      } else {
        CHECK(r.out.find("the loss is nan") != std::string::npos);
        CHECK(r.out.find("--detect-anomaly") != std::string::npos);
      }
      // The checkpoint of step 2 is there, intact, bit for bit the reference's.
      const SafetensorsFile f = read_safetensors(run + "/checkpoint.safetensors");
      CHECK(f.metadata.at("step") == "2");
      // loss.png is redrawn at every checkpoint, not only at a clean end.
      CHECK(fs::exists(run + "/loss.png"));
      REQUIRE(f.tensors.size() == good.tensors.size());
      for (std::size_t i = 0; i < f.tensors.size(); ++i)
        CHECK(f.tensors[i].data == good.tensors[i].data);
      // The log stops at the last good step; resume (without the fault) goes on.
      CHECK(loss_rows(run + "/log.csv").size() == 3);
      if (!anomaly) {
        const CliResult r2 = cli("train --resume " + run + " --quiet");
        CHECK(r2.code == 0);
        CHECK(loss_rows(run + "/log.csv").size() == 9);
      }
    }
    // A learning rate large enough to blow up the weights: the run stops at
    // a named step and every checkpoint it left holds finite weights.
    const std::string run = d + "/huge_lr";
    const CliResult r = cli(with_run(run) + " --lr 1e30 --checkpoint-every 1 --warmup-steps 0");
    expect_clean_failure(r, {"step "}, "--lr 1e30");
    CHECK((r.out.find("NaN") != std::string::npos || r.out.find("nan") != std::string::npos ||
           r.out.find("inf") != std::string::npos));
    if (fs::exists(run + "/checkpoint.safetensors"))
      CHECK(all_finite(read_safetensors(run + "/checkpoint.safetensors")));
  }
}
