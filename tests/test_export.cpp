// `mgst export` through the binary: the weights-only file holds exactly the
// checkpoint's parameters under their names, no Adam state, the metadata that
// rebuilds the model, and `mgst purify` gives the same bytes from it as from
// the checkpoint. (The ONNX graph against purify is tests/onnx_check.py.)
#include <filesystem>

#include "apps/export/onnx_export.h"
#include "apps/train/trainer.h"
#include "core/io/fileio.h"
#include "core/io/safetensors.h"
#include "eye_data.h"
#include "test_util.h"

using namespace mgst;
namespace fs = std::filesystem;

namespace {

int run_cli(const std::string& args, std::string* output = nullptr) {
  return test::run_command(std::string(MGST_CLI_PATH) + " " + args + " 2>&1", output);
}

// A short plain-mode run: plain, so that a file which lost the "residual"
// metadata would be rebuilt in the default residual mode and purify differently.
std::string plain_checkpoint() {
  const std::string data = test::make_eye_dataset("export_data", 24, 32, 3);
  train::TrainConfig c = test::small_train_config(data, test::fresh_temp_dir("export_run"));
  c.residual = false;
  c.steps = 2;
  c.checkpoint_every = 0;
  train::Trainer(c).run();
  return c.out + "/checkpoint.safetensors";
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("mgst export --out: weights only, same names, purify gives the same bytes") {
    const std::string ckpt = plain_checkpoint();
    const std::string d = test::fresh_temp_dir("export");
    const std::string w = d + "/weights.safetensors";
    std::string out;
    REQUIRE(run_cli("export --model " + ckpt + " --out " + w, &out) == 0);
    // Both sizes on the line: the export's and the checkpoint's.
    CHECK(out.find("MB: weights only, plain mode); ") != std::string::npos);
    CHECK(out.find(" (step 2) is ") != std::string::npos);
    const SafetensorsFile full = read_safetensors(ckpt), slim = read_safetensors(w);
    std::vector<const NamedArray*> params;
    for (const auto& t : full.tensors)
      if (t.name.rfind("adam.", 0) != 0) params.push_back(&t);
    REQUIRE(slim.tensors.size() == params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      CHECK(slim.tensors[i].name == params[i]->name);
      CHECK(slim.tensors[i].shape == params[i]->shape);
      CHECK(slim.tensors[i].data == params[i]->data);
    }
    CHECK(slim.find("c1.conv.weight") != nullptr);
    CHECK(slim.find("r5.norm2.bias") != nullptr);
    CHECK(slim.metadata.at("residual") == "false");
    CHECK(slim.metadata.at("format") == "mgst-transform-v1");
    CHECK(slim.metadata.at("step") == "2");
    CHECK(!slim.metadata.at("mgst_version").empty());
    CHECK(slim.metadata.count("adam_steps") == 0);
    CHECK(fs::file_size(w) * 5 / 2 < fs::file_size(ckpt));  // a third: no Adam m and v

    // purify from the checkpoint and from the weights: identical PNGs (20x28 and
    // 21x30, the latter padded to a multiple of 4 inside purify).
    ensure_directory(d + "/in");
    data::save_png(d + "/in/a.png", data::ImageF(3, 20, 28, 0.4f));
    const auto eyes = data::generate_eye_set(data::EyeDomain::Real, 1, 21, 30, 5);
    data::save_png(d + "/in/b.png", eyes[0].image);
    for (const std::string& m : {ckpt, w})
      REQUIRE(run_cli("purify --model " + m + " --input " + d + "/in --output " + d + "/out_" +
                          (m == w ? "w" : "ckpt") + " --device cpu",
                      &out) == 0);
    for (const char* f : {"/a.png", "/b.png"})
      CHECK(read_file(d + "/out_w" + f) == read_file(d + "/out_ckpt" + f));

    // A weights file exports again (the same tensors and metadata).
    REQUIRE(run_cli("export --model " + w + " --out " + d + "/again.safetensors", &out) == 0);
    CHECK(read_file(d + "/again.safetensors") == read_file(w));
  }

  TEST_CASE("mgst export: usage and file errors") {
    const std::string d = test::fresh_temp_dir("export_errors");
    std::string out;
    CHECK(run_cli("export --model " + d + "/x.safetensors", &out) == 2);
    CHECK(out.find("--out FILE, --onnx FILE or both") != std::string::npos);
    CHECK(run_cli("export --model " + d + "/missing.safetensors --out " + d + "/w.safetensors",
                  &out) == 1);
    CHECK(out.find("missing.safetensors") != std::string::npos);
    CHECK(!fs::exists(d + "/w.safetensors"));
    if (!exporter::onnx_available()) {
      CHECK(run_cli("export --model " + d + "/x.safetensors --onnx " + d + "/p.onnx", &out) == 2);
      CHECK(out.find("without ONNX") != std::string::npos);
    }
  }
}
