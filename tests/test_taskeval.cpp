// The task evaluation (issue 8): the pupil regressor, the real eye formats
// (UnityEyes JSON + polygon masks, centre CSV, label centroids), the colour
// baselines, the bootstrap and the whole run; a shared_data case runs it on
// the UnityEyes renders (train) and real webcam eyes (test).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "apps/data/eye_formats.h"
#include "apps/data/synth_eyes.h"
#include "apps/eval/colour_transfer.h"
#include "apps/eval/taskeval.h"
#include "core/io/fileio.h"
#include "core/version.h"
#include "test_util.h"

using namespace mgst;
using namespace mgst::data;
using namespace mgst::eval;
namespace fs = std::filesystem;

namespace {

std::vector<EyeSample> synth_samples(EyeDomain d, int n, int H, int W, uint64_t seed) {
  std::vector<EyeSample> out;
  const auto set = generate_eye_set(d, n, H, W, seed);
  for (std::size_t i = 0; i < set.size(); ++i) {
    EyeSample s;
    s.name = "e" + std::to_string(i);
    s.image = set[i].image;
    s.mask = set[i].eye_mask;
    s.cx = set[i].pupil_x, s.cy = set[i].pupil_y;
    s.has_gaze = true, s.gaze = {set[i].gaze_yaw, set[i].gaze_pitch};
    out.push_back(std::move(s));
  }
  return out;
}

std::string tmp_dir(const std::string& name) {
  const std::string d = std::string(MGST_BINARY_DIR) + "/test_tmp/taskeval_" + name;
  fs::remove_all(d);
  ensure_directory(d);
  return d;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// A hand-made UnityEyes annotation for a 40 x 60 image: an eyelid opening
// that is a rectangle from x 10..50, image rows 10..30, an iris square of
// side 10 centred at (30, 18) in image coordinates (y down). UnityEyes
// stores y from the bottom: y_json = 40 - y_img.
const char* kUnityJson = R"J({
  "interior_margin_2d": ["(10.0, 30.0, 0.0)", "(50.0, 30.0, 0.0)", "(50.0, 10.0, 0.0)", "(10.0, 10.0, 0.0)"],
  "caruncle_2d": ["(8.0, 20.0, 0.0)", "(9.0, 21.0, 0.0)"],
  "iris_2d": ["(25.0, 27.0, 1.5)", "(35.0, 27.0, 1.5)", "(35.0, 17.0, 1.5)", "(25.0, 17.0, 1.5)"],
  "eye_details": {"look_vec": "(0.1, -0.2, -0.97, 0.0)", "pupil_size": "0.1"}
})J";

}  // namespace

TEST_SUITE("apps") {
  TEST_CASE("taskeval: the pupil regressor learns the synthetic domain (centre and gaze)") {
    const int H = 32, W = 48;
    const auto train = synth_samples(EyeDomain::Synthetic, 160, H, W, 11);
    const auto held = synth_samples(EyeDomain::Synthetic, 48, H, W, 12);
    RegressorTrainConfig rc;
    rc.steps = 300;
    rc.patience = 0;  // the full 300 steps (early stopping: tests/test_task_style.cpp)
    rc.batch = 16;
    std::vector<double> losses;
    const auto net = train_regressor(train, rc, 0, Device::cpu(), &losses);
    REQUIRE(losses.size() == 300u);
    std::vector<data::ImageF> imgs;
    for (const auto& s : held) imgs.push_back(s.image);
    const double err = mean_of(pixel_errors(predict_centres(*net, imgs), held));
    double mx = 0, my = 0;
    for (const auto& s : train) mx += s.cx / train.size(), my += s.cy / train.size();
    double constant = 0;
    for (const auto& s : held) constant += std::hypot(mx - s.cx, my - s.cy) / held.size();
    MESSAGE("held-out synthetic error " << err << " px vs constant prediction " << constant
                                        << " px");
    CHECK(std::isfinite(err));
    CHECK(err < 0.5 * constant);
    CHECK(mean_of({losses.end() - 20, losses.end()}) <
          0.5 * mean_of({losses.begin(), losses.begin() + 20}));
    // The gaze head (the built-in eyes give yaw and pitch) against predicting the mean gaze.
    REQUIRE(net->config().gaze);
    std::vector<Gaze> g;
    predict_centres(*net, imgs, 32, &g);
    const double gerr = mean_of(gaze_errors(g, held));
    Gaze mg;
    for (const auto& s : train)
      mg.yaw += s.gaze.yaw / train.size(), mg.pitch += s.gaze.pitch / train.size();
    const double gconst = mean_of(gaze_errors(std::vector<Gaze>(held.size(), mg), held));
    MESSAGE("held-out synthetic gaze error " << gerr << " deg vs mean gaze " << gconst << " deg");
    CHECK(std::isfinite(gerr));
    CHECK(gerr < 0.5 * gconst);
  }

  TEST_CASE(
      "rotate_scale: a blob's centre lands where rotate_scale_point puts it; 90 degrees "
      "permutes pixels; rotate_gaze turns the gaze with the image") {
    const int H = 41, W = 53;
    const double bx = 30.3, by = 14.7, sigma = 2.5;
    ImageF blob(3, H, W);
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x)
          blob.at(c, y, x) = float((c + 1) * std::exp(-((x - bx) * (x - bx) + (y - by) * (y - by)) /
                                                      (2 * sigma * sigma)));
    struct Case {
      double angle, scale;
    };
    for (const Case& k : {Case{0.3, 1.0}, Case{-0.5, 1.15}, Case{1.2, 0.9}, Case{3.0, 1.0}}) {
      CAPTURE(k.angle);
      CAPTURE(k.scale);
      const ImageF out = rotate_scale(blob, k.angle, k.scale, 26.0, 20.0);
      const auto want = rotate_scale_point(bx, by, k.angle, k.scale, 26.0, 20.0);
      for (int c = 0; c < 3; ++c) {
        double m = 0, mx = 0, my = 0;
        for (int y = 0; y < H; ++y)
          for (int x = 0; x < W; ++x) {
            const double v = out.at(c, y, x);
            m += v, mx += v * x, my += v * y;
          }
        CHECK(mx / m == doctest::Approx(want[0]).epsilon(0.002));
        CHECK(my / m == doctest::Approx(want[1]).epsilon(0.002));
        // Mass scales with the area.
        CHECK(m ==
              doctest::Approx((c + 1) * 2 * 3.14159265358979 * sigma * sigma * k.scale * k.scale)
                  .epsilon(0.01));
      }
    }
    // Angle 0, scale 1: the identity. 90 degrees about a pixel centre: a permutation.
    ImageF r(2, 9, 9);
    for (std::size_t i = 0; i < r.data.size(); ++i) r.data[i] = float((i * 37) % 101) / 101.f;
    CHECK(rotate_scale(r, 0, 1, 3.3, 5.1).data == r.data);
    const ImageF q = rotate_scale(r, 3.14159265358979 / 2, 1, 4, 4);
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < 9; ++y)
        for (int x = 0; x < 9; ++x)  // (x, y) -> (4 - (y - 4), 4 + (x - 4))
          CHECK(q.at(c, x, 8 - y) == doctest::Approx(r.at(c, y, x)).epsilon(1e-5));
    // The gaze turns with the image: yaw moves the iris right (+x), pitch up
    // (-y); a clockwise quarter turn sends right to down and up to right.
    const double pi = 3.14159265358979;
    Gaze g = rotate_gaze({0.3, 0.0}, pi / 2);
    CHECK(g.yaw == doctest::Approx(0.0).epsilon(1e-9));
    CHECK(g.pitch == doctest::Approx(-0.3));
    g = rotate_gaze({0.0, 0.2}, pi / 2);
    CHECK(g.yaw == doctest::Approx(0.2));
    CHECK(std::abs(g.pitch) < 1e-9);
    g = rotate_gaze({0.25, -0.1}, pi);
    CHECK(g.yaw == doctest::Approx(-0.25));
    CHECK(g.pitch == doctest::Approx(0.1));
    g = rotate_gaze({0.25, -0.1}, 0.4);
    CHECK(gaze_angle_deg(g, {0.25, -0.1}) > 1.0);  // it moved
    CHECK(gaze_angle_deg(rotate_gaze(g, -0.4), {0.25, -0.1}) < 1e-6);
  }

  TEST_CASE("eye formats: gaze vectors, angles and UnityEyes look_vec -> yaw/pitch") {
    // (0, 0) looks into the camera; yaw turns towards +x (image right), pitch towards +y (up).
    double v[3];
    gaze_vector({0, 0}, v);
    CHECK(v[2] == doctest::Approx(1.0));
    gaze_vector({0.3, 0}, v);
    CHECK(v[0] > 0);
    gaze_vector({0, 0.3}, v);
    CHECK(v[1] > 0);
    CHECK(gaze_angle_deg({0.1, -0.2}, {0.1, -0.2}) == doctest::Approx(0.0));
    CHECK(gaze_angle_deg({0, 0}, {0.5, 0}) == doctest::Approx(0.5 * 180 / 3.14159265358979));
    CHECK(gaze_angle_deg({0, 0}, {0, -0.25}) == doctest::Approx(0.25 * 180 / 3.14159265358979));
    // Unity camera space: z points away from the camera, so looking into it is -z.
    const double into[3] = {0, 0, -1}, right[3] = {1, 0, -1}, up[3] = {0, 2, -2};
    CHECK(look_vec_to_gaze(into).yaw == doctest::Approx(0.0));
    CHECK(look_vec_to_gaze(into).pitch == doctest::Approx(0.0));
    CHECK(look_vec_to_gaze(right).yaw == doctest::Approx(3.14159265358979 / 4));
    CHECK(look_vec_to_gaze(right).pitch == doctest::Approx(0.0));
    CHECK(look_vec_to_gaze(up).yaw == doctest::Approx(0.0));
    CHECK(look_vec_to_gaze(up).pitch == doctest::Approx(3.14159265358979 / 4));
    // The hand-made annotation: look_vec (0.1, -0.2, -0.97): a little right and down.
    const UnityEyesAnnotation a = parse_unityeyes_json(kUnityJson, 40, "hand.json");
    const Gaze g = look_vec_to_gaze(a.look_vec);
    CHECK(g.yaw == doctest::Approx(std::atan2(0.1, 0.97)));
    CHECK(g.pitch == doctest::Approx(std::atan2(-0.2, std::hypot(0.1, 0.97))));
    // Back to a vector: (x, y, -z) / |look_vec|.
    gaze_vector(g, v);
    const double n = std::sqrt(0.01 + 0.04 + 0.97 * 0.97);
    CHECK(v[0] == doctest::Approx(0.1 / n));
    CHECK(v[1] == doctest::Approx(-0.2 / n));
    CHECK(v[2] == doctest::Approx(0.97 / n));
    const double zero[3] = {0, 0, 0};
    CHECK(error_of([&] { look_vec_to_gaze(zero); }).find("look_vec") != std::string::npos);
  }

  TEST_CASE("taskeval: pixel <-> unit coordinates round-trip") {
    for (float px : {0.f, 7.5f, 47.f})
      CHECK(models::PupilRegressor::to_pixel(models::PupilRegressor::to_unit(px, 48), 48) ==
            doctest::Approx(px).epsilon(1e-6));
    CHECK(models::PupilRegressor::to_unit(-0.5f, 48) == doctest::Approx(-1.f));
    CHECK(models::PupilRegressor::to_unit(47.5f, 48) == doctest::Approx(1.f));
  }

  TEST_CASE("eye formats: polygon fill of a rectangle and a triangle") {
    // Pixel (i, j) is centred at (x = j, y = i); the rectangle [2, 7) x [3, 8).
    const auto r = fill_polygon({{2, 3}, {7, 3}, {7, 8}, {2, 8}}, 12, 10);
    double n = 0;
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 10; ++x) {
        const bool in = x >= 2 && x < 7 && y >= 3 && y < 8;
        CHECK(r.at(0, y, x) == (in ? 1.f : 0.f));
        n += r.at(0, y, x);
      }
    CHECK(n == 25);
    // Vertex order does not matter; a big triangle's area is close to its count.
    const auto t1 = fill_polygon({{0.3, 0.3}, {80.3, 0.3}, {0.3, 60.3}}, 64, 96);
    const auto t2 = fill_polygon({{0.3, 60.3}, {80.3, 0.3}, {0.3, 0.3}}, 64, 96);
    double a = 0;
    for (std::size_t p = 0; p < t1.data.size(); ++p) {
      CHECK(t1.data[p] == t2.data[p]);
      a += t1.data[p];
    }
    CHECK(std::abs(a - 0.5 * 80 * 60) < 80);
    // Degenerate and out-of-frame polygons.
    double e = 0;
    for (float v : fill_polygon({{1, 1}, {5, 5}}, 8, 8).data) e += v;
    CHECK(e == 0);
    for (float v : fill_polygon({{-50, -50}, {50, -50}, {50, 50}, {-50, 50}}, 4, 4).data)
      CHECK(v == 1.f);
  }

  TEST_CASE("eye formats: UnityEyes JSON, y from the bottom, iris centre and masks") {
    const UnityEyesAnnotation a = parse_unityeyes_json(kUnityJson, 40, "hand.json");
    REQUIRE(a.iris.size() == 4u);
    REQUIRE(a.interior_margin.size() == 4u);
    REQUIRE(a.caruncle.size() == 2u);
    CHECK(a.interior_margin[0].y == doctest::Approx(10.0));  // 40 - 30
    const Point2 c = a.iris_centre();
    CHECK(c.x == doctest::Approx(30.0));
    CHECK(c.y == doctest::Approx(18.0));  // 40 - 22
    REQUIRE(a.has_look_vec);
    CHECK(a.look_vec[1] == doctest::Approx(-0.2));
    // Eye: rows 10..29 x columns 10..49 = 20 x 40 pixels.
    const auto eye = unityeyes_mask(a, "eye", 40, 60);
    double ne = 0, ni = 0;
    for (float v : eye.data) ne += v;
    CHECK(ne == 20 * 40);
    CHECK(eye.at(0, 10, 10) == 1.f);
    CHECK(eye.at(0, 9, 10) == 0.f);
    CHECK(eye.at(0, 30, 20) == 0.f);
    // Iris: rows 13..22 x columns 25..34, all inside the opening.
    const auto iris = unityeyes_mask(a, "iris", 40, 60);
    for (float v : iris.data) ni += v;
    CHECK(ni == 100);
    CHECK(iris.at(0, 13, 25) == 1.f);
    CHECK(iris.at(0, 23, 25) == 0.f);
    CHECK(error_of([] {
            unityeyes_mask(parse_unityeyes_json(kUnityJson, 40, "x"), "pupil", 4, 4);
          }).find("--region pupil") != std::string::npos);
  }

  TEST_CASE("eye formats: malformed UnityEyes annotations name the file and the key") {
    std::string e = error_of([] { parse_unityeyes_json(R"J({"iris_2d": []})J", 40, "bad.json"); });
    CHECK(e.find("bad.json") != std::string::npos);
    CHECK(e.find("interior_margin_2d") != std::string::npos);
    e = error_of([] {
      parse_unityeyes_json(R"J({"interior_margin_2d": ["(1,2,3)","(4,5,6)","(7,8,9)"],
                               "iris_2d": ["(1,2,3)","(oops)","(7,8,9)"]})J",
                           40, "bad2.json");
    });
    CHECK(e.find("bad2.json") != std::string::npos);
    CHECK(e.find("iris_2d[1]") != std::string::npos);
  }

  TEST_CASE("mgst masks --unityeyes writes polygon masks and centres") {
    const std::string d = tmp_dir("unity"), out = d + "/masks";
    data::save_png(d + "/7.png", data::ImageF(3, 40, 60, 0.5f));
    write_file_atomic(d + "/7.json", kUnityJson);
    const std::string cmd = std::string("\"") + MGST_CLI_PATH + "\" masks --unityeyes " + d +
                            " --out " + out + " --region iris > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const data::ImageU8 m = data::load_image(out + "/7.png");
    REQUIRE(m.height == 40);
    REQUIRE(m.width == 60);
    int n = 0;
    for (uint8_t v : m.pixels) {
      CHECK((v == 0 || v == 255));
      n += v == 255;
    }
    CHECK(n == 100);
    const auto rows = read_centre_csv(out + "/centres.csv");
    REQUIRE(rows.size() == 1u);
    CHECK(rows[0].file == "7.png");
    CHECK(rows[0].x == doctest::Approx(30.0));
    CHECK(rows[0].y == doctest::Approx(18.0));
    // The set loader: framed on the opening, the centre follows the frame.
    EyeLoadOptions o;
    o.height = 20, o.width = 32;
    o.region = "iris";
    const auto set = load_unityeyes_set(d, o);
    REQUIRE(set.size() == 1u);
    const Frame f = eye_frame(10, 30, 10, 50, 20, 32, 1.3);
    const Point2 c = map_point(f, 20, 32, {30, 18});
    CHECK(set[0].cx == doctest::Approx(c.x));
    CHECK(set[0].cy == doctest::Approx(c.y));
    CHECK(set[0].mask.at(0, int(std::lround(c.y)), int(std::lround(c.x))) == 1.f);
  }

  TEST_CASE("eye formats: centre CSV, header, comments, and bad rows name file and line") {
    const auto rows =
        parse_centre_csv("file,x,y\n# comment\na.png, 3.5, 4\n\nb.jpg,1e1,0\n", "c.csv");
    REQUIRE(rows.size() == 2u);
    CHECK(rows[0].file == "a.png");
    CHECK(rows[0].x == 3.5);
    CHECK(rows[0].line == 3);
    CHECK(rows[1].x == 10.0);
    CHECK(rows[1].line == 5);
    auto err = [](const std::string& text) {
      return error_of([&] { parse_centre_csv(text, "ann.csv"); });
    };
    std::string e = err("a.png,1,2\nb.png,3\n");
    CHECK(e.find("ann.csv:2") != std::string::npos);
    CHECK(e.find("expected 3 fields") != std::string::npos);
    e = err("file,x,y\na.png,abc,2\n");
    CHECK(e.find("ann.csv:2") != std::string::npos);
    CHECK(e.find("x \"abc\"") != std::string::npos);
    e = err("a.png,1,nan\n");
    CHECK(e.find("ann.csv:1: y") != std::string::npos);
    CHECK(err("a.png,1,-2\n").find("negative") != std::string::npos);
    CHECK(err(",1,2\n").find("ann.csv:1: empty file name") != std::string::npos);
    CHECK(err("file,x,y\n").find("no annotation rows") != std::string::npos);
    CHECK(err("a.png,1,2,3\n").find("got 4") != std::string::npos);
  }

  TEST_CASE("eye formats: CSV set with disc masks; centres outside the image are errors") {
    const std::string d = tmp_dir("csv");
    data::save_png(d + "/a.png", data::ImageF(3, 40, 60, 0.25f));
    write_file_atomic(d + "/ok.csv", "file,x,y\na.png,20,10\n");
    EyeLoadOptions o;
    o.height = 20, o.width = 32;  // cover: box 37.5 x 60 -> 38 x 60 at top 1
    o.crop = "center";
    o.mask_from_center = 4;
    const auto set = load_csv_set(d + "/ok.csv", "", o);
    REQUIRE(set.size() == 1u);
    const Frame f = cover_frame(40, 60, 20, 32);
    CHECK(f.width == 60);
    const Point2 c = map_point(f, 20, 32, {20, 10});
    CHECK(set[0].cx == doctest::Approx(c.x));
    CHECK(set[0].cy == doctest::Approx(c.y));
    CHECK(set[0].mask.at(0, int(std::lround(c.y)), int(std::lround(c.x))) == 1.f);
    CHECK(set[0].mask.at(0, 0, 31) == 0.f);
    write_file_atomic(d + "/out.csv", "a.png,20,10\na.png,70,10\n");
    std::string e = error_of([&] { load_csv_set(d + "/out.csv", "", o); });
    CHECK(e.find("out.csv:2") != std::string::npos);
    CHECK(e.find("outside") != std::string::npos);
    write_file_atomic(d + "/missing.csv", "nope.png,1,1\n");
    e = error_of([&] { load_csv_set(d + "/missing.csv", "", o); });
    CHECK(e.find("missing.csv:1") != std::string::npos);
    CHECK(e.find("nope.png") != std::string::npos);
    o.crop = "eye";
    CHECK(error_of([&] { load_csv_set(d + "/ok.csv", "", o); }).find("--crop center") !=
          std::string::npos);
  }

  TEST_CASE("eye formats: label centroid and the label-map set") {
    data::LabelMap lm;
    lm.height = 6, lm.width = 8;
    lm.values.assign(48, 0);
    lm.at(2, 3) = 3, lm.at(2, 4) = 3, lm.at(3, 3) = 3, lm.at(3, 4) = 3, lm.at(4, 5) = 2;
    const Point2 c = label_centroid(lm, 3, "lm");
    CHECK(c.x == doctest::Approx(3.5));
    CHECK(c.y == doctest::Approx(2.5));
    CHECK(error_of([&] { label_centroid(lm, 7, "lm.png"); }).find("lm.png: no pixel has label 7") !=
          std::string::npos);
    // A whole set: image + label map, centre framed like the eye crop.
    const std::string d = tmp_dir("labels");
    ensure_directory(d + "/img");
    ensure_directory(d + "/lab");
    data::ImageF img(3, 48, 64, 0.5f), lab(1, 48, 64, 0.f);
    for (int y = 16; y < 32; ++y)
      for (int x = 16; x < 48; ++x) lab.at(0, y, x) = 1 / 255.f;  // sclera
    for (int y = 20; y < 26; ++y)
      for (int x = 34; x < 40; ++x) lab.at(0, y, x) = 3 / 255.f;  // pupil
    data::save_png(d + "/img/a.png", img);
    data::save_png(d + "/lab/a.png", lab);
    data::save_png(d + "/img/b.png", img);
    data::save_png(d + "/lab/b.png", data::ImageF(1, 48, 64, 1 / 255.f));  // no pupil: skipped
    EyeLoadOptions o;
    o.height = 24, o.width = 32;
    o.masks.attention_labels = {2, 3};
    o.masks_dir = d + "/lab";
    const auto set = load_label_set(d + "/img", o);
    REQUIRE(set.size() == 1u);
    const Point2 want = map_point(eye_frame(16, 31, 16, 47, 24, 32, 1.3), 24, 32, {36.5, 22.5});
    CHECK(set[0].cx == doctest::Approx(want.x));
    CHECK(set[0].cy == doctest::Approx(want.y));
    CHECK(set[0].mask.at(0, int(std::lround(want.y)), int(std::lround(want.x))) == 1.f);
  }

  TEST_CASE("colour transfer: global matches the style statistics; region per region") {
    data::ImageF img(3, 8, 8), mask(1, 8, 8, 0.f);
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) img.at(c, y, x) = 0.1f * c + 0.05f * x + 0.01f * y;
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 4; ++x) mask.at(0, y, x) = 1.f;
    ColourStats t;
    t.mean = {0.5, 0.4, 0.3};
    t.std = {0.2, 0.1, 0.05};
    t.weight = 1;
    const data::ImageF ones(1, 8, 8, 1.f);
    const ColourStats g = colour_stats(global_colour_transfer(img, {}, t), ones);
    for (int c = 0; c < 3; ++c) {
      CHECK(g.mean[c] == doctest::Approx(t.mean[c]).epsilon(1e-4));
      CHECK(g.std[c] == doctest::Approx(t.std[c]).epsilon(1e-4));
    }
    StyleColourStats st{t, t, t};
    st.bkgd.mean = {0.9, 0.8, 0.7};
    const data::ImageF r = region_colour_transfer(img, mask, {}, st);
    data::ImageF inv = mask;
    for (auto& v : inv.data) v = 1 - v;
    const ColourStats ra = colour_stats(r, mask), rb = colour_stats(r, inv);
    CHECK(ra.mean[0] == doctest::Approx(0.5).epsilon(1e-4));
    CHECK(rb.mean[0] == doctest::Approx(0.9).epsilon(1e-4));
    CHECK(rb.std[2] == doctest::Approx(0.05).epsilon(1e-4));
    // Pooled statistics of two halves equal the statistics of the whole.
    const ColourStats whole = colour_stats(img, ones);
    const ColourStats pooled = pool_stats({colour_stats(img, mask), colour_stats(img, inv)});
    for (int c = 0; c < 3; ++c) {
      CHECK(pooled.mean[c] == doctest::Approx(whole.mean[c]).epsilon(1e-9));
      CHECK(pooled.std[c] == doctest::Approx(whole.std[c]).epsilon(1e-9));
    }
  }

  TEST_CASE("taskeval: bootstrap interval and mask shift") {
    std::vector<double> v;
    for (int i = 0; i < 50; ++i) v.push_back(i % 10);
    const Interval ci = bootstrap_mean_ci(v, 2000, 1);
    CHECK(ci.low < mean_of(v));
    CHECK(ci.high > mean_of(v));
    CHECK(ci.high - ci.low < 3.0);
    const Interval flat = bootstrap_mean_ci(std::vector<double>(20, 2.0), 100, 1);
    CHECK(flat.low == 2.0);
    CHECK(flat.high == 2.0);
    CHECK(median_of({3, 1, 2, 10}) == 2.5);
    data::ImageF m(1, 2, 5, 0.f);
    m.at(0, 1, 1) = 1.f;
    const data::ImageF s = shift_mask(m, 2);
    CHECK(s.at(0, 1, 3) == 1.f);
    CHECK(s.at(0, 1, 1) == 0.f);
  }

  TEST_CASE("taskeval: an identity purifier equals raw and does not move with the mask") {
    const int H = 32, W = 48;
    TaskEvalData data;
    data.train = synth_samples(EyeDomain::Synthetic, 64, H, W, 21);
    data.synthetic_test = synth_samples(EyeDomain::Synthetic, 12, H, W, 22);
    data.real_test = synth_samples(EyeDomain::Real, 16, H, W, 23);
    // A fresh residual net is the identity (c4 starts at zero).
    const models::TransformNet identity(true, 0);
    TaskEvalConfig cfg;
    cfg.seeds = 2;
    cfg.regressor.steps = 30;
    cfg.bootstrap = 200;
    cfg.verbose = false;
    cfg.csv = tmp_dir("run") + "/per_image.csv";
    const Json rep = run_taskeval(data, &identity, cfg);
    CHECK(rep.at("mgst_version").as_string() == version_string());
    const Json& raw = rep.at("raw");
    const Json& pur = rep.at("purified");
    CHECK(pur.at("mean_px_error").as_number() ==
          doctest::Approx(raw.at("mean_px_error").as_number()).epsilon(1e-4));
    CHECK(pur.at("median_px_error").is_number());
    CHECK(pur.at("ci95").size() == 2u);
    CHECK(pur.at("ci95")[0].as_number() <= pur.at("mean_px_error").as_number());
    CHECK(pur.at("per_seed_mean").size() == 2u);
    CHECK(std::abs(pur.at("raw_minus_this").at("mean_px").as_number()) < 1e-3);
    CHECK(rep.at("leak_control").at("purified").at("mean_move_px").as_number() < 1e-3);
    CHECK(rep.at("leak_control").at("shift_px").as_int() == 12);
    for (const char* k : {"identity", "global_colour", "region_colour", "constant"})
      CHECK(rep.at("baselines").at(k).at("mean_px_error").is_number());
    CHECK(rep.at("leak_control").at("region_colour").at("mean_move_px").is_number());
    CHECK(rep.at("synthetic_heldout").at("per_seed_mean").size() == 2u);
    // Gaze (the built-in eyes give it): the same summaries in degrees.
    CHECK(rep.at("gaze").as_bool());
    CHECK(pur.at("mean_gaze_error_deg").as_number() ==
          doctest::Approx(raw.at("mean_gaze_error_deg").as_number()).epsilon(1e-4));
    CHECK(pur.at("median_gaze_error_deg").is_number());
    CHECK(pur.at("gaze_ci95").size() == 2u);
    CHECK(pur.at("gaze_ci95")[0].as_number() <= pur.at("mean_gaze_error_deg").as_number());
    CHECK(std::abs(pur.at("raw_minus_this").at("mean_gaze_deg").as_number()) < 1e-2);
    for (const char* k : {"identity", "global_colour", "region_colour", "constant"})
      CHECK(rep.at("baselines").at(k).at("gaze_ci95").size() == 2u);
    CHECK(rep.at("synthetic_heldout").at("mean_gaze_error_deg").is_number());
    const std::string csv = read_file(cfg.csv);
    CHECK(csv.rfind("file,gt_x,gt_y,raw_x,raw_y,raw_err,purified_x", 0) == 0);
    CHECK(csv.find(",gt_yaw_deg,gt_pitch_deg,raw_yaw_deg,raw_pitch_deg,raw_gaze_err_deg,purified_"
                   "yaw_deg") != std::string::npos);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 17);
    std::FILE* null = std::fopen("/dev/null", "w");
    print_taskeval_table(rep, null);
    std::fclose(null);
    // Without gaze in the test set there are no gaze entries.
    for (auto& s : data.real_test) s.has_gaze = false;
    cfg.csv.clear();
    const Json nog = run_taskeval(data, nullptr, cfg);
    CHECK_FALSE(nog.at("gaze").as_bool());
    CHECK(nog.at("raw").find("mean_gaze_error_deg") == nullptr);
    CHECK(nog.at("baselines").at("constant").find("gaze_ci95") == nullptr);
  }
}

TEST_SUITE("shared_data") {
  TEST_CASE("taskeval on the shared eyes: UnityEyes renders (train) -> real webcam eyes (test)") {
    const std::string base = test::shared_data_dir();
    EyeLoadOptions o;
    o.height = 32, o.width = 48;
    o.masks.attention_labels = {2, 3};
    o.masks.ignore_black = true;
    o.masks_dir = base + "/eyeseg_unityeyes_melihoz/masks";
    TaskEvalData data;
    data.train = load_label_set(base + "/eyeseg_unityeyes_melihoz/images", o);
    o.masks_dir = base + "/eyeseg_real_melihoz/masks";
    data.real_test = load_label_set(base + "/eyeseg_real_melihoz/images", o);
    CHECK(data.train.size() >= 50u);
    CHECK(data.real_test.size() >= 35u);
    for (const auto* set : {&data.train, &data.real_test})
      for (const auto& s : *set) {
        // The eye crop frames the eye: the pupil lies well inside the frame, on the iris mask.
        CHECK(s.cx > 4);
        CHECK(s.cx < 44);
        CHECK(s.cy > 3);
        CHECK(s.cy < 29);
        CHECK(s.mask.at(0, int(std::lround(s.cy)), int(std::lround(s.cx))) == 1.f);
      }
    TaskEvalConfig cfg;
    cfg.seeds = 1;
    cfg.regressor.steps = 60;
    cfg.bootstrap = 200;
    cfg.verbose = false;
    const Json rep = run_taskeval(data, nullptr, cfg);
    MESSAGE("shared eyes, 60 steps: raw "
            << rep.at("raw").at("mean_px_error").as_number() << " px, constant "
            << rep.at("baselines").at("constant").at("mean_px_error").as_number());
    CHECK(std::isfinite(rep.at("raw").at("mean_px_error").as_number()));
    CHECK(rep.at("raw").at("mean_px_error").as_number() < 48);
    CHECK(!rep.contains("purified"));
  }
}
