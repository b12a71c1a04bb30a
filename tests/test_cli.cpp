// The `mgst` front end through the built binary: --version (and the version
// recorded in checkpoints and JSON), help CMD, "did you mean", the exit-code
// rule (usage errors 2, runtime errors 1) and source locations only with
// MGST_DEBUG=1.
#include <cctype>
#include <string>
#include <vector>

#include "apps/cli/args.h"
#include "core/io/fileio.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "core/version.h"
#include "eye_data.h"
#include "kernels/error.h"
#include "test_util.h"

using namespace mgst;

namespace {

struct Run {
  int code = -1;
  std::string out;  // stdout + stderr
};

// One thread: the suites share 2 cores (see test_reliability.cpp).
Run mgst_cli(const std::string& args, const std::string& env = "") {
  Run r;
  r.code = test::run_command("env OMP_NUM_THREADS=1 " + env + " " + std::string(MGST_CLI_PATH) +
                                 " " + args + " 2>&1",
                             &r.out);
  return r;
}

// Stdout only (for JSON).
Run mgst_stdout(const std::string& args) {
  Run r;
  r.code = test::run_command(std::string(MGST_CLI_PATH) + " " + args + " 2>/dev/null", &r.out);
  return r;
}

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// A source location as kernels/error.h records it: "<something>.cpp:<line>" or ".h:".
bool has_source_location(const std::string& text) {
  for (const char* ext : {".cpp:", ".h:", ".cu:"}) {
    for (std::size_t at = text.find(ext); at != std::string::npos; at = text.find(ext, at + 1)) {
      const std::size_t digit = at + std::string(ext).size();
      if (digit < text.size() && std::isdigit(static_cast<unsigned char>(text[digit]))) return true;
    }
  }
  return false;
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("mgst --version and mgst version print CMake's project version") {
    const std::string want = "mgst " + version_string() + "\n";
    // The string comes from project(VERSION) in CMakeLists.txt, not a copy.
    REQUIRE(version_string().rfind(MGST_PROJECT_VERSION, 0) == 0);
    for (const char* form : {"--version", "version"}) {
      CAPTURE(form);
      const Run r = mgst_cli(form);
      CHECK(r.code == 0);
      CHECK(r.out == want);
      CHECK(r.out.rfind(std::string("mgst ") + MGST_PROJECT_VERSION, 0) == 0);
    }
    CHECK(mgst_cli("version --bogus").code == 2);
    CHECK(contains(mgst_cli("--help").out, version_string()));
  }

  TEST_CASE("the version is recorded in checkpoints and in eval's JSON") {
    const std::string data = test::make_eye_dataset("cli_version", 24, 32, 2);
    const std::string run = data + "/run";
    const Run t = mgst_cli("train --content " + data + "/real --style " + data + "/synth --out " +
                           run + " --size 24x32 --batch 1 --steps 1 --device cpu --quiet");
    REQUIRE_MESSAGE(t.code == 0, t.out);
    const SafetensorsFile f = read_safetensors(run + "/checkpoint.safetensors");
    REQUIRE(f.metadata.count("mgst_version"));
    CHECK(f.metadata.at("mgst_version") == version_string());

    const Run e = mgst_stdout("eval --identity --content " + data + "/real/e0.png --style " + data +
                              "/synth/e0.png --device cpu --json");
    REQUIRE_MESSAGE(e.code == 0, e.out);
    const Json j = Json::parse(e.out, "mgst eval stdout");
    CHECK(j.at("mgst_version").as_string() == version_string());
  }

  TEST_CASE("mgst help CMD is mgst CMD --help; mgst help lists the commands") {
    for (const char* cmd :
         {"demo", "train", "purify", "eval", "taskeval", "masks", "inspect", "bench"}) {
      CAPTURE(cmd);
      const Run help = mgst_cli(std::string("help ") + cmd);
      const Run flag = mgst_cli(std::string(cmd) + " --help");
      CHECK(help.code == 0);
      CHECK(flag.code == 0);
      CHECK(contains(help.out, std::string("usage: mgst ") + cmd));
      CHECK(help.out == flag.out);
    }
    const Run list = mgst_cli("help");
    CHECK(list.code == 0);
    for (const char* cmd : {"demo", "train", "purify", "eval", "taskeval", "masks", "inspect",
                            "bench", "help", "version"})
      CHECK_MESSAGE(contains(list.out, std::string("\n  ") + cmd + " "), cmd);
    CHECK(mgst_cli("help version").code == 0);
    const Run bad = mgst_cli("help trian");
    CHECK(bad.code == 2);
    CHECK(contains(bad.out, "unknown command 'trian' (did you mean train?)"));
    CHECK(mgst_cli("help train purify").code == 2);
  }

  TEST_CASE("unknown options and commands suggest the closest one") {
    struct Case {
      std::string args, suggestion;  // "" = no suggestion expected
    };
    for (const Case& c : std::vector<Case>{
             {"train --step 5", "--steps"},
             {"train --stpes 5", "--steps"},  // a swap is one edit
             {"train -steps 5", "--steps"},
             {"train --checkpoint 5", "--checkpoint-every"},  // unique prefix
             {"purify --modle x", "--model"},
             {"bench --jsn", "--json"},
             {"train --zzzzzzzz 1", ""},
             {"eval --q", ""},
         }) {
      CAPTURE(c.args);
      const Run r = mgst_cli(c.args);
      CHECK(r.code == 2);
      CHECK(contains(r.out, "unknown option"));
      if (c.suggestion.empty())
        CHECK_FALSE(contains(r.out, "did you mean"));
      else
        CHECK(contains(r.out, "(did you mean " + c.suggestion + "?)"));
    }
    const Run cmd = mgst_cli("purfy");
    CHECK(cmd.code == 2);
    CHECK(contains(cmd.out, "(did you mean purify?)"));
    // In process: the threshold scales with the word.
    CHECK(cli::closest_match("--lr", {"--lr", "--seed"}) == "--lr");
    CHECK(cli::closest_match("--l", {"--lr", "--seed"}) == "--lr");
    CHECK(cli::closest_match("--xyz", {"--lr", "--seed"}).empty());
    CHECK(cli::closest_match("--chekpoint-every", {"--checkpoint-every", "--steps"}) ==
          "--checkpoint-every");
  }

  TEST_CASE("usage errors exit 2, runtime errors exit 1") {
    const std::string data = test::make_eye_dataset("cli_exit", 24, 32, 2);
    const std::string pair =
        " --content " + data + "/real/e0.png --style " + data + "/synth/e0.png";
    const std::string train =
        "train --content " + data + "/real --style " + data + "/synth --out " + data + "/run ";
    for (const std::string& args : {
             std::string("purify --model x --input x --output y --device gpu"),
             train + "--device gpu",
             train + "--size 25x32",
             train + "--size 30x32",
             train + "--size big",
             train + "--crop sideways",
             train + "--style-target median",
             train + "--batch 0",
             train + "--lr -1",
             train + "--loss-weights 1,2",
             train + "--steps many",
             train + "--steps -1",
             train + "--warmup-steps -5",
             train + "--style-layers relu9_9",
             "eval --identity --size 25x32" + pair,
             "inspect --untrained --out x.html --size 26x32" + pair,
             std::string("bench --size 25x32"),
             std::string("demo --device gpu"),
             std::string("taskeval --demo --device tpu"),
         }) {
      CAPTURE(args);
      const Run r = mgst_cli(args);
      CHECK(r.code == 2);
      CHECK(contains(r.out, "--help"));  // the usage hint, not "error:"
      CHECK_FALSE(contains(r.out, "error:"));
    }
    // The file, not the command line, is wrong: a runtime error.
    const Run missing = mgst_cli("eval --identity --content " + data + "/nope.png --style " + data +
                                 "/synth/e0.png");
    CHECK(missing.code == 1);
    CHECK(contains(missing.out, "error: " + data + "/nope.png"));
  }

  TEST_CASE("error messages show source locations only with MGST_DEBUG=1") {
    const std::string d = test::fresh_temp_dir("cli_debug");
    write_file_atomic(d + "/bad.png", "not an image");
    const std::string args =
        "eval --identity --content " + d + "/bad.png --style " + d + "/bad.png --device cpu";
    for (const char* env : {"", "MGST_DEBUG=0", "MGST_DEBUG="}) {
      CAPTURE(env);
      const Run r = mgst_cli(args, env);
      CHECK(r.code == 1);
      CHECK(contains(r.out, "error: " + d + "/bad.png"));
      CHECK_FALSE(has_source_location(r.out));
    }
    const Run dbg = mgst_cli(args, "MGST_DEBUG=1");
    CHECK(dbg.code == 1);
    CHECK(contains(dbg.out, "error: " + d + "/bad.png"));
    CHECK(has_source_location(dbg.out));
    CHECK(contains(dbg.out, "image_io.cpp:"));
    // The message itself is what() (tests match it); the location is where().
    try {
      MGST_FAIL("plain message");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == "plain message");
      CHECK(contains(e.where(), "test_cli.cpp:"));
    }
  }
}
