// `mgst bench --json` end to end at a tiny size: one JSON object on stdout
// with sane timings, memory and a per-op breakdown; bad sizes are usage errors.
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/io/json.h"
#include "core/version.h"
#include "test_util.h"

using namespace mgst;

namespace {

// Runs the CLI; stdout only into *out (stderr carries progress and is
// discarded, so stdout must be exactly the JSON).
int run_bench(const std::string& args, std::string* out) {
  return mgst::test::run_command(std::string(MGST_CLI_PATH) + " bench " + args + " 2>/dev/null",
                                 out);
}

bool positive_finite(const Json& j, const char* key) {
  const Json* v = j.find(key);
  return v && v->is_number() && std::isfinite(v->as_number()) && v->as_number() > 0;
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("mgst bench --json: one object with sane timings, memory and ops") {
    std::string out;
    REQUIRE(
        run_bench("--device cpu --size 16 --batch 1 --steps 1 --warmup 0 --infer-steps 2 --json",
                  &out) == 0);
    const Json j = Json::parse(out, "mgst bench --json stdout");  // nothing but the JSON
    for (const char* k : {"train_step_ms", "train_images_per_s", "infer_ms", "infer_images_per_s",
                          "peak_memory_bytes", "traced_step_ms"})
      CHECK_MESSAGE(positive_finite(j, k), k);
    CHECK(j.at("device").is_string());
    CHECK(!j.at("device").as_string().empty());
    CHECK(j.at("device_kind").as_string() == "cpu");
    CHECK(j.at("batch").as_int() == 1);
    CHECK(j.at("height").as_int() == 16);
    CHECK(j.at("loss_finite").as_bool());
    CHECK(j.at("mgst_version").as_string() == version_string());
    // images/s and step time agree: batch / seconds.
    CHECK(j.at("train_images_per_s").as_number() ==
          doctest::Approx(1000.0 / j.at("train_step_ms").as_number()).epsilon(1e-6));
    // Weights, Adam state and activations are all mgst tensors: more than the
    // transform net's parameters (1.68 M floats) alone.
    CHECK(j.at("peak_memory_bytes").as_number() > 1.6e6 * 4);
    // The per-op breakdown holds the convolutions, sorted by time, with
    // shares that do not exceed the traced step.
    const Json& ops = j.at("ops");
    REQUIRE(ops.is_array());
    REQUIRE(ops.size() > 0);
    bool has_conv = false;
    double share = 0, prev = 1e300;
    for (const Json& o : ops.as_array()) {
      has_conv = has_conv || o.at("op").as_string() == "conv2d_fused";
      CHECK(o.at("count").as_int() >= 1);
      CHECK(o.at("total_ms").as_number() >= 0);
      CHECK(o.at("total_ms").as_number() <= prev);
      prev = o.at("total_ms").as_number();
      share += o.at("share").as_number();
    }
    CHECK(has_conv);
    CHECK(share > 0);
    CHECK(share <= 1.0 + 1e-9);
  }

  TEST_CASE("mgst bench rejects a size that is not a multiple of 4") {
    std::string out;
    CHECK(run_bench("--device cpu --size 18 --json", &out) == 2);
    CHECK(out.empty());
  }
}
