// mgst inspect: the HTML report for a small generated eye. Its structure
// (every section, every embedded image decodes, the --trace table names the
// ops) is checked in `apps`; the `browser` suite opens it in headless
// Chromium and checks the screenshot shows more than a blank page.
#include <stb_image.h>  // implementation in libstb

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/data/synth_eyes.h"
#include "apps/train/trainer.h"
#include "core/io/fileio.h"
#include "core/version.h"
#include "models/transform_net.h"
#include "test_util.h"

using namespace mgst;
using namespace mgst::data;
using namespace mgst::train;
namespace fs = std::filesystem;

namespace {

const char* kSections[] = {"summary",      "input", "masks",  "transform-features",
                           "vgg-features", "grams", "losses", "output",
                           "curves",       "trace"};

std::string fresh_dir(const std::string& name) { return test::fresh_temp_dir("inspect_" + name); }

int run(const std::string& cmd, std::string* output) {
  return mgst::test::run_command(cmd + " 2>&1", output);
}

// A real-like content eye and a synthetic style eye (32x48) with masks, and
// transform weights with a log.csv beside them. Returns the inspect arguments.
std::string make_sample(const std::string& d) {
  Rng a(3), b(4);
  const SynthEye real = generate_eye(EyeDomain::Real, 32, 48, a);
  const SynthEye synth = generate_eye(EyeDomain::Synthetic, 32, 48, b);
  data::save_png(d + "/content.png", real.image);
  data::save_png(d + "/content_mask.png", real.eye_mask);
  data::save_png(d + "/style.png", synth.image);
  data::save_png(d + "/style_mask.png", synth.eye_mask);
  ensure_directory(d + "/run");
  models::TransformNet(true, 1).save(d + "/run/weights.safetensors");
  std::vector<StepLog> rows;
  for (int s = 1; s <= 20; ++s) rows.push_back({s, 1.0 / s, 1e-4 / s, 0.01, 0.02, 2.0 / s, 10.0});
  write_log_csv(d + "/run/log.csv", rows);
  return " --content " + d + "/content.png --mask " + d + "/content_mask.png --style " + d +
         "/style.png --style-mask " + d + "/style_mask.png --device cpu";
}

// RFC 4648 base64 (written independently of apps/report/html_report.cpp).
std::string decode_base64(const std::string& s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) FAIL("invalid base64 character '" << c << "'");
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(acc >> bits & 0xff);
    }
  }
  return out;
}

struct Decoded {
  int width, height;
};

// Every "data:image/png;base64,..." URI in `html`, decoded by stb_image.
std::vector<Decoded> decode_images(const std::string& html) {
  const std::string key = "data:image/png;base64,";
  std::vector<Decoded> out;
  for (std::size_t at = html.find(key); at != std::string::npos; at = html.find(key, at)) {
    at += key.size();
    const std::size_t end = html.find('"', at);
    REQUIRE(end != std::string::npos);
    const std::string png = decode_base64(html.substr(at, end - at));
    int w = 0, h = 0, c = 0;
    unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()),
                                              int(png.size()), &w, &h, &c, 0);
    CHECK_MESSAGE(px != nullptr, "image " << out.size() << " does not decode: "
                                          << (stbi_failure_reason() ? stbi_failure_reason() : ""));
    if (px) stbi_image_free(px);
    out.push_back({w, h});
    at = end;
  }
  return out;
}

// The text of <section id="id"> ... </section>.
std::string section(const std::string& html, const std::string& id) {
  const std::size_t b = html.find("<section id=\"" + id + "\">");
  if (b == std::string::npos) return "";
  const std::size_t e = html.find("</section>", b);
  return html.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("mgst inspect: every section present, every image decodes, the tape names its ops") {
    const std::string d = fresh_dir("report");
    const std::string sample = make_sample(d);
    const std::string cli = MGST_CLI_PATH;
    std::string out;
    REQUIRE_MESSAGE(run(cli + " inspect --transform " + d + "/run/weights.safetensors" + sample +
                            " --trace --out " + d + "/report.html",
                        &out) == 0,
                    out);
    // The tape is printed too, with totals.
    CHECK(out.find("conv2d") != std::string::npos);
    CHECK(out.find("ops: forward") != std::string::npos);
    CHECK(out.find("wrote " + d + "/report.html") != std::string::npos);

    const std::string html = read_file(d + "/report.html");
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<script") == std::string::npos);  // no JavaScript
    for (const char* id : kSections)
      CHECK_MESSAGE(!section(html, id).empty(), "section '" << id << "' is missing");
    CHECK(section(html, "summary").find(version_string()) != std::string::npos);

    const std::vector<Decoded> images = decode_images(html);
    // input 5 + pooled masks 10 + transform 4 + VGG 5 + Grams 4 layers x 6 + output 4 + curves 1
    CHECK(images.size() >= 50);
    for (const auto& im : images) CHECK((im.width > 0 && im.height > 0));
    // Images where they belong.
    CHECK(count(section(html, "input"), "data:image/png") >= 4);
    CHECK(count(section(html, "masks"), "data:image/png") == 10);  // 5 layers x (att, bkgd)
    CHECK(count(section(html, "transform-features"), "data:image/png") == 4);
    CHECK(count(section(html, "grams"), "data:image/png") == 24);
    CHECK(count(section(html, "output"), "data:image/png") == 4);
    CHECK(count(section(html, "curves"), "data:image/png") == 1);  // log.csv beside the weights

    // Loss terms, their shares and the per-layer table.
    const std::string losses = section(html, "losses");
    for (const char* term : {"content L_c", "style L_s", "task L_t", "tv L_tv", "total L",
                             "relu1_1", "relu4_1", "share of L_s"})
      CHECK_MESSAGE(losses.find(term) != std::string::npos, term);

    // The trace table: one row per taped op, the transform net's and VGG's ops among them.
    const std::string trace = section(html, "trace");
    const std::size_t table = trace.find("<table class=\"num trace\">");
    REQUIRE(table != std::string::npos);
    const std::string rows = trace.substr(table, trace.find("</table>", table) - table);
    CHECK(count(rows, "<tr>") > 60);
    // (the padding and upsampling are inside conv2d_fused, VGG's ReLUs too;
    // the transform net's norms carry their ReLU or residual add)
    for (const char* op : {"conv2d_fused", "instance_norm_relu", "instance_norm_add", "masked_gram",
                           "max_pool2x2", "task_edge_loss"})
      CHECK_MESSAGE(rows.find(std::string("<code>") + op + "</code>") != std::string::npos, op);
  }

  TEST_CASE("mgst inspect: --untrained without a log, usage errors") {
    const std::string d = fresh_dir("untrained");
    const std::string sample = make_sample(d);
    const std::string cli = MGST_CLI_PATH;
    std::string out;
    REQUIRE_MESSAGE(run(cli + " inspect --untrained" + sample + " --channels 4 --out " + d +
                            "/sub/report.html",
                        &out) == 0,
                    out);
    const std::string html = read_file(d + "/sub/report.html");
    for (const char* id : kSections) CHECK(!section(html, id).empty());
    CHECK(count(section(html, "curves"), "data:image/png") == 0);
    CHECK(section(html, "trace").find("--trace") != std::string::npos);  // says how to get it
    for (const auto& im : decode_images(html)) CHECK(im.width > 0);

    CHECK(run(cli + " inspect --help", &out) == 0);
    CHECK(out.find("--trace") != std::string::npos);
    CHECK(out.find("--attention-labels") != std::string::npos);
    CHECK(run(cli + " inspect" + sample + " --out " + d + "/x.html", &out) == 2);
    CHECK(out.find("exactly one of") != std::string::npos);
    CHECK(run(cli + " inspect --untrained" + sample, &out) == 2);
    CHECK(out.find("--out") != std::string::npos);
  }
}

TEST_SUITE("browser") {
  TEST_CASE("mgst inspect: the report renders in headless Chromium") {
    const std::string chromium = mgst::test::chromium_path();
    REQUIRE_MESSAGE(!chromium.empty(), "no chromium on PATH (the suite should have been skipped)");
    const std::string d = fresh_dir("browser");
    const std::string sample = make_sample(d);
    std::string out;
    REQUIRE_MESSAGE(run(std::string(MGST_CLI_PATH) + " inspect --transform " + d +
                            "/run/weights.safetensors" + sample + " --trace --out " + d +
                            "/report.html",
                        &out) == 0,
                    out);
    const std::string shot = d + "/shot.png";
    const std::string cmd = "timeout 180 " + chromium +
                            " --headless --no-sandbox --disable-gpu --hide-scrollbars"
                            " --user-data-dir=" +
                            d + "/profile --screenshot=" + shot +
                            " --window-size=1280,2000 file://" + d + "/report.html";
    run(cmd, &out);  // Chromium's exit code and D-Bus chatter vary; the screenshot decides
    REQUIRE_MESSAGE(fs::exists(shot), "no screenshot; chromium said:\n" << out);
    int w = 0, h = 0, c = 0;
    unsigned char* px = stbi_load(shot.c_str(), &w, &h, &c, 3);
    REQUIRE_MESSAGE(px, "screenshot does not decode: " << stbi_failure_reason());
    CHECK(w == 1280);
    CHECK(h == 2000);
    // Not blank: the grey level varies, and coloured pixels (the embedded
    // images and viridis heatmaps; the page's own text and frames are grey) are there.
    double sum = 0, sum2 = 0;
    std::size_t coloured = 0;
    const std::size_t n = std::size_t(w) * h;
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned char* p = px + 3 * i;
      const double g = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      sum += g, sum2 += g * g;
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      coloured += hi - lo > 60;
    }
    stbi_image_free(px);
    const double mean = sum / double(n), var = sum2 / double(n) - mean * mean;
    MESSAGE("screenshot grey mean " << mean << ", variance " << var << ", coloured share "
                                    << double(coloured) / double(n));
    CHECK(var > 200);
    CHECK(double(coloured) / double(n) > 0.02);
  }
}
