#include "apps/data/eye_formats.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "core/io/fileio.h"
#include "core/io/json.h"
#include "kernels/error.h"

namespace mgst::data {

namespace fs = std::filesystem;

// ---- Geometry --------------------------------------------------------------------

ImageF fill_polygon(const std::vector<Point2>& poly, int H, int W) {
  MGST_CHECK(H >= 1 && W >= 1, "fill_polygon: size " << W << "x" << H);
  ImageF m(1, H, W, 0.f);
  const std::size_t n = poly.size();
  if (n < 3) return m;
  std::vector<double> xs;
  for (int i = 0; i < H; ++i) {
    const double y = i;  // the row's pixel centres
    xs.clear();
    for (std::size_t k = 0; k < n; ++k) {
      const Point2& a = poly[k];
      const Point2& b = poly[(k + 1) % n];
      // Half-open in y: a vertex on the scanline is counted once.
      if ((a.y <= y) != (b.y <= y)) xs.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
    }
    std::sort(xs.begin(), xs.end());
    for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
      // Pixels j with xs[k] <= j < xs[k+1].
      const int j0 = std::max(0, int(std::ceil(xs[k])));
      const int j1 = std::min(W - 1, int(std::ceil(xs[k + 1])) - 1);
      for (int j = j0; j <= j1; ++j) m.at(0, i, j) = 1.f;
    }
  }
  return m;
}

ImageF fill_ellipse(double cx, double cy, double rx, double ry, int H, int W) {
  MGST_CHECK(rx > 0 && ry > 0, "fill_ellipse: radii " << rx << ", " << ry << " must be > 0");
  ImageF m(1, H, W, 0.f);
  for (int i = 0; i < H; ++i)
    for (int j = 0; j < W; ++j) {
      const double u = (j - cx) / rx, v = (i - cy) / ry;
      if (u * u + v * v <= 1.0) m.at(0, i, j) = 1.f;
    }
  return m;
}

Point2 label_centroid(const LabelMap& labels, int label, const std::string& what) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < labels.height; ++y)
    for (int x = 0; x < labels.width; ++x)
      if (labels.at(y, x) == label) sx += x, sy += y, n += 1;
  MGST_CHECK(n > 0,
             what << ": no pixel has label " << label << " (the pupil label, --pupil-label)");
  return {sx / n, sy / n};
}

Frame eye_frame(int y0, int y1, int x0, int x1, int H, int W, double factor) {
  // Same arithmetic as load_sample's eye crop (apps/data/dataset.cpp).
  const double cy = 0.5 * (y0 + y1 + 1), cx = 0.5 * (x0 + x1 + 1);
  double bh = (y1 - y0 + 1) * factor, bw = (x1 - x0 + 1) * factor;
  if (bw / bh < double(W) / H)
    bw = bh * W / H;
  else
    bh = bw * H / W;
  Frame f;
  f.height = std::max(1, int(std::lround(bh)));
  f.width = std::max(1, int(std::lround(bw)));
  f.top = int(std::lround(cy - f.height / 2.0));
  f.left = int(std::lround(cx - f.width / 2.0));
  return f;
}

Frame cover_frame(int sh, int sw, int H, int W) {
  const double s = std::max(double(H) / sh, double(W) / sw);
  Frame f;
  f.height = std::min(sh, std::max(1, int(std::lround(H / s))));
  f.width = std::min(sw, std::max(1, int(std::lround(W / s))));
  f.top = (sh - f.height) / 2;
  f.left = (sw - f.width) / 2;
  return f;
}

Point2 map_point(const Frame& f, int H, int W, Point2 p) {
  return {(p.x - f.left + 0.5) * W / f.width - 0.5, (p.y - f.top + 0.5) * H / f.height - 0.5};
}

namespace {

ImageF frame_image(const ImageF& img, const Frame& f, int H, int W) {
  return resize_bilinear(crop(img, f.top, f.left, f.height, f.width), H, W);
}
ImageF frame_mask(const ImageF& m, const Frame& f, int H, int W) {
  return resize_nearest(crop(m, f.top, f.left, f.height, f.width), H, W);
}

ImageF black_validity(const ImageF& img) {
  ImageF v(1, img.height, img.width, 1.f);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (img.at(0, y, x) == 0.f && img.at(1, y, x) == 0.f && img.at(2, y, x) == 0.f)
        v.at(0, y, x) = 0.f;
  return v;
}

CropOptions frame_crop(const std::string& crop) {
  const CropOptions c = parse_crop(crop);
  MGST_CHECK(c.mode != CropMode::Random,
             "--crop random is not supported by the task evaluation "
             "(the pupil centre must follow the crop): use eye or center");
  return c;
}

// Fills `s` from a source image, its soft mask and validity, framed by `f`.
EyeSample framed(const std::string& name, const ImageF& img, const ImageF& mask,
                 const ImageF& valid, const Frame& f, Point2 centre, int H, int W) {
  EyeSample s;
  s.name = name;
  s.image = frame_image(img, f, H, W);
  s.mask = frame_mask(mask, f, H, W);
  if (!valid.data.empty()) s.valid = frame_mask(valid, f, H, W);
  const Point2 c = map_point(f, H, W, centre);
  s.cx = float(c.x), s.cy = float(c.y);
  return s;
}

// "(x, y, z)" or [x, y, z] -> (x, H - y).
Point2 unity_point(const Json& j, int image_height, const std::string& what) {
  std::vector<double> v;
  if (j.is_array()) {
    for (const auto& e : j.as_array()) v.push_back(e.as_number());
  } else {
    MGST_CHECK(j.is_string(),
               what << ": expected a point string \"(x, y, z)\", got " << j.type_name());
    std::string s = j.as_string();
    for (char& c : s)
      if (c == '(' || c == ')' || c == ',') c = ' ';
    const char* p = s.c_str();
    for (;;) {
      char* end = nullptr;
      errno = 0;
      const double d = std::strtod(p, &end);
      if (end == p) break;
      v.push_back(d);
      p = end;
    }
    while (*p == ' ') ++p;
    MGST_CHECK(*p == 0, what << ": cannot read the point \"" << j.as_string() << "\"");
  }
  MGST_CHECK(v.size() >= 2 && std::isfinite(v[0]) && std::isfinite(v[1]),
             what << ": a point needs at least 2 finite numbers (x, y, z)");
  return {v[0], double(image_height) - v[1]};
}

std::vector<Point2> unity_points(const Json& root, const char* key, int image_height,
                                 const std::string& source, bool required) {
  const Json* j = root.find(key);
  if (!j) {
    MGST_CHECK(!required, source << ": no \"" << key << "\" (is this a UnityEyes annotation?)");
    return {};
  }
  MGST_CHECK(j->is_array(), source << ": \"" << key << "\" must be a list of points");
  std::vector<Point2> out;
  for (std::size_t i = 0; i < j->size(); ++i)
    out.push_back(
        unity_point(j->at(i), image_height, source + ": " + key + "[" + std::to_string(i) + "]"));
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

const std::vector<std::string> kImageExt = {".png", ".jpg", ".jpeg", ".bmp"};

}  // namespace

// ---- UnityEyes ----------------------------------------------------------------------

Point2 UnityEyesAnnotation::iris_centre() const {
  MGST_CHECK(!iris.empty(), "UnityEyes annotation: iris_2d is empty");
  Point2 c;
  for (const auto& p : iris) c.x += p.x, c.y += p.y;
  c.x /= double(iris.size()), c.y /= double(iris.size());
  return c;
}

UnityEyesAnnotation parse_unityeyes_json(const std::string& text, int image_height,
                                         const std::string& source) {
  const Json root = Json::parse(text, source);
  MGST_CHECK(root.is_object(), source << ": expected a JSON object");
  UnityEyesAnnotation a;
  a.iris = unity_points(root, "iris_2d", image_height, source, true);
  a.interior_margin = unity_points(root, "interior_margin_2d", image_height, source, true);
  a.caruncle = unity_points(root, "caruncle_2d", image_height, source, false);
  MGST_CHECK(a.iris.size() >= 3,
             source << ": iris_2d has " << a.iris.size() << " points (need >= 3)");
  MGST_CHECK(a.interior_margin.size() >= 3, source << ": interior_margin_2d has "
                                                   << a.interior_margin.size()
                                                   << " points (need >= 3)");
  if (const Json* d = root.find("eye_details"); d && d->is_object()) {
    if (const Json* lv = d->find("look_vec")) {
      std::vector<double> v;
      if (lv->is_array()) {
        for (const auto& e : lv->as_array()) v.push_back(e.as_number());
      } else if (lv->is_string()) {
        std::string s = lv->as_string();
        for (char& c : s)
          if (c == '(' || c == ')' || c == ',') c = ' ';
        const char* p = s.c_str();
        for (char* end = nullptr;; p = end) {
          const double x = std::strtod(p, &end);
          if (end == p) break;
          v.push_back(x);
        }
      }
      MGST_CHECK(v.size() >= 3, source << ": eye_details.look_vec needs 3 numbers");
      for (int k = 0; k < 3; ++k) a.look_vec[k] = v[k];
      a.has_look_vec = true;
    }
  }
  return a;
}

void gaze_vector(Gaze g, double out[3]) {
  out[0] = std::cos(g.pitch) * std::sin(g.yaw);
  out[1] = std::sin(g.pitch);
  out[2] = std::cos(g.pitch) * std::cos(g.yaw);
}

Gaze rotate_gaze(Gaze g, double angle) {
  double v[3];
  gaze_vector(g, v);
  // Pixel y points down, the gaze frame's y up: clockwise on screen is a
  // negative turn in the (x, y-up) plane.
  const double c = std::cos(angle), s = std::sin(angle);
  const double x = c * v[0] + s * v[1], y = -s * v[0] + c * v[1];
  return {std::atan2(x, v[2]), std::atan2(y, std::hypot(x, v[2]))};
}

double gaze_angle_deg(Gaze a, Gaze b) {
  double u[3], v[3];
  gaze_vector(a, u);
  gaze_vector(b, v);
  // atan2 of |u x v| and u . v: accurate for small angles too.
  const double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2],
               cz = u[0] * v[1] - u[1] * v[0];
  const double dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  return std::atan2(std::sqrt(cx * cx + cy * cy + cz * cz), dot) * 180.0 / 3.14159265358979323846;
}

Gaze look_vec_to_gaze(const double v[3]) {
  MGST_CHECK(std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) &&
                 (v[0] != 0 || v[1] != 0 || v[2] != 0),
             "look_vec (" << v[0] << ", " << v[1] << ", " << v[2] << ") is not a direction");
  return {std::atan2(v[0], -v[2]), std::atan2(v[1], std::hypot(v[0], v[2]))};
}

UnityEyesAnnotation read_unityeyes_json(const std::string& path, int image_height) {
  return parse_unityeyes_json(read_file(path), image_height, path);
}

ImageF unityeyes_mask(const UnityEyesAnnotation& a, const std::string& region, int H, int W) {
  MGST_CHECK(region == "eye" || region == "iris",
             "--region " << region << ": expected eye or iris");
  ImageF eye = fill_polygon(a.interior_margin, H, W);
  if (region == "eye") return eye;
  ImageF iris = fill_polygon(a.iris, H, W);
  for (std::size_t p = 0; p < iris.data.size(); ++p) iris.data[p] *= eye.data[p];
  return iris;
}

std::vector<std::pair<std::string, std::string>> unityeyes_files(const std::string& dir) {
  MGST_CHECK(fs::is_directory(dir), dir << ": not a directory (UnityEyes renders N.jpg + N.json)");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& img : list_files(dir, kImageExt)) {
    const fs::path p(img);
    const std::string json = (p.parent_path() / (p.stem().string() + ".json")).string();
    MGST_CHECK(fs::exists(json), img << ": no annotation " << json << " beside it");
    out.push_back({img, json});
  }
  MGST_CHECK(!out.empty(), dir << ": no images (.jpg, .png) in this directory");
  return out;
}

// ---- Centre CSV ------------------------------------------------------------------------

std::vector<CentreRow> parse_centre_csv(const std::string& text, const std::string& source) {
  std::vector<CentreRow> rows;
  std::size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    std::size_t e = text.find('\n', pos);
    if (e == std::string::npos) e = text.size();
    const std::string raw = trim(text.substr(pos, e - pos));
    pos = e + 1;
    ++line;
    if (raw.empty() || raw[0] == '#') continue;
    std::vector<std::string> f;
    for (std::size_t b = 0, c;; b = c + 1) {
      c = raw.find(',', b);
      f.push_back(trim(raw.substr(b, c == std::string::npos ? std::string::npos : c - b)));
      if (c == std::string::npos) break;
    }
    if (rows.empty() && f.size() == 3 && f[0] == "file" && f[1] == "x" && f[2] == "y") continue;
    MGST_CHECK(f.size() == 3, source << ":" << line << ": expected 3 fields file,x,y, got "
                                     << f.size() << " in \"" << raw << "\"");
    MGST_CHECK(!f[0].empty(), source << ":" << line << ": empty file name");
    CentreRow r;
    r.file = f[0];
    r.line = line;
    double* dst[2] = {&r.x, &r.y};
    for (int k = 0; k < 2; ++k) {
      const std::string& s = f[k + 1];
      char* end = nullptr;
      const double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
      MGST_CHECK(!s.empty() && end && *end == 0 && std::isfinite(v),
                 source << ":" << line << ": " << (k ? "y" : "x") << " \"" << s
                        << "\" is not a finite number");
      MGST_CHECK(v >= 0, source << ":" << line << ": " << (k ? "y" : "x") << " = " << v
                                << " is negative (pixel coordinates, origin top-left)");
      *dst[k] = v;
    }
    rows.push_back(r);
  }
  MGST_CHECK(!rows.empty(), source << ": no annotation rows (expected lines file,x,y)");
  return rows;
}

std::vector<CentreRow> read_centre_csv(const std::string& path) {
  return parse_centre_csv(read_file(path), path);
}

// ---- Loading a whole set --------------------------------------------------------------

std::vector<EyeSample> load_label_set(const std::string& images, const EyeLoadOptions& o) {
  MGST_CHECK(!o.masks_dir.empty(),
             images << ": label-map sets need their label maps (--*-masks DIR)");
  const CropOptions crop = frame_crop(o.crop);
  std::vector<EyeSample> out;
  for (const auto& src : pair_files(images, o.masks_dir)) {
    const ImageF img = load_rgb(src.image_path);
    const LabelMap labels = load_label_map(src.mask_path);
    MGST_CHECK(labels.height == img.height && labels.width == img.width,
               src.mask_path << ": label map is " << labels.width << "x" << labels.height
                             << " but image " << src.image_path << " is " << img.width << "x"
                             << img.height);
    bool has_pupil = false;
    int y0 = labels.height, y1 = -1, x0 = labels.width, x1 = -1;
    for (int y = 0; y < labels.height; ++y)
      for (int x = 0; x < labels.width; ++x) {
        const int v = labels.at(y, x);
        has_pupil = has_pupil || v == o.pupil_label;
        if (v != 0)
          y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
      }
    const ImageF mask = attention_mask(labels, o.masks.attention_labels);
    if (!has_pupil) {
      std::fprintf(stderr, "warning: %s has no pixel with the pupil label %d: skipped\n",
                   src.mask_path.c_str(), o.pupil_label);
      continue;
    }
    const Point2 c = label_centroid(labels, o.pupil_label, src.mask_path);
    const Frame f = crop.mode == CropMode::Eye && y1 >= 0
                        ? eye_frame(y0, y1, x0, x1, o.height, o.width, crop.eye_factor)
                        : cover_frame(img.height, img.width, o.height, o.width);
    ImageF valid;
    if (o.masks.ignore_black) valid = black_validity(img);
    out.push_back(framed(fs::path(src.image_path).stem().string(), img, mask, valid, f, c, o.height,
                         o.width));
  }
  MGST_CHECK(!out.empty(), images << ": no image with a pupil label " << o.pupil_label);
  return out;
}

std::vector<EyeSample> load_unityeyes_set(const std::string& dir, const EyeLoadOptions& o) {
  const CropOptions crop = frame_crop(o.crop);
  std::vector<EyeSample> out;
  for (const auto& [img_path, json_path] : unityeyes_files(dir)) {
    const ImageF img = load_rgb(img_path);
    const UnityEyesAnnotation a = read_unityeyes_json(json_path, img.height);
    Frame f = cover_frame(img.height, img.width, o.height, o.width);
    if (crop.mode == CropMode::Eye) {
      double y0 = 1e30, y1 = -1e30, x0 = 1e30, x1 = -1e30;
      for (const auto& p : a.interior_margin)
        y0 = std::min(y0, p.y), y1 = std::max(y1, p.y), x0 = std::min(x0, p.x),
        x1 = std::max(x1, p.x);
      f = eye_frame(int(std::floor(y0)), int(std::ceil(y1)), int(std::floor(x0)),
                    int(std::ceil(x1)), o.height, o.width, crop.eye_factor);
    }
    // Polygons mapped into the frame and filled there (exact at the output size).
    UnityEyesAnnotation framed_a = a;
    for (auto* poly : {&framed_a.iris, &framed_a.interior_margin, &framed_a.caruncle})
      for (auto& p : *poly) p = map_point(f, o.height, o.width, p);
    EyeSample s;
    s.name = fs::path(img_path).stem().string();
    s.image = frame_image(img, f, o.height, o.width);
    s.mask = unityeyes_mask(framed_a, o.region, o.height, o.width);
    if (o.masks.ignore_black) s.valid = frame_mask(black_validity(img), f, o.height, o.width);
    const Point2 c = framed_a.iris_centre();
    s.cx = float(c.x), s.cy = float(c.y);
    if (a.has_look_vec) s.has_gaze = true, s.gaze = look_vec_to_gaze(a.look_vec);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<EyeSample> load_csv_set(const std::string& csv, const std::string& images_dir,
                                    const EyeLoadOptions& o) {
  const CropOptions crop = frame_crop(o.crop);
  MGST_CHECK(!(crop.mode == CropMode::Eye && o.masks_dir.empty()),
             csv << ": --crop eye needs a mask directory; with --mask-from-center (or no masks) "
                    "it would frame every eye on its own annotation. Use --crop center");
  const std::string base = images_dir.empty() ? fs::path(csv).parent_path().string() : images_dir;
  std::map<std::string, std::string> masks_by_stem;
  if (!o.masks_dir.empty())
    for (const auto& m : list_files(o.masks_dir, kImageExt))
      masks_by_stem[fs::path(m).stem().string()] = m;
  std::vector<EyeSample> out;
  for (const auto& r : read_centre_csv(csv)) {
    const std::string path = (fs::path(base) / r.file).string();
    MGST_CHECK(fs::exists(path), csv << ":" << r.line << ": image " << path << " does not exist");
    const ImageF img = load_rgb(path);
    MGST_CHECK(r.x <= img.width - 1 && r.y <= img.height - 1,
               csv << ":" << r.line << ": centre (" << r.x << ", " << r.y << ") lies outside "
                   << path << " (" << img.width << "x" << img.height << ")");
    ImageF mask(1, img.height, img.width, 1.f);
    int y0 = img.height, y1 = -1, x0 = img.width, x1 = -1;
    const std::string stem = fs::path(r.file).stem().string();
    if (!o.masks_dir.empty()) {
      auto it = masks_by_stem.find(stem);
      MGST_CHECK(it != masks_by_stem.end(), csv << ":" << r.line << ": no mask named " << stem
                                                << ".(png|jpg|bmp) in " << o.masks_dir);
      const LabelMap lm = load_label_map(it->second);
      MGST_CHECK(lm.height == img.height && lm.width == img.width,
                 it->second << ": mask is " << lm.width << "x" << lm.height << " but image " << path
                            << " is " << img.width << "x" << img.height);
      for (int y = 0; y < lm.height; ++y)
        for (int x = 0; x < lm.width; ++x) {
          const int v = lm.at(y, x);
          if (v != 0)
            y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
        }
      mask = attention_mask(lm, o.masks.attention_labels);
    } else if (o.mask_from_center > 0) {
      mask = fill_ellipse(r.x, r.y, o.mask_from_center, o.mask_from_center, img.height, img.width);
    }
    const Frame f = crop.mode == CropMode::Eye && y1 >= 0
                        ? eye_frame(y0, y1, x0, x1, o.height, o.width, crop.eye_factor)
                        : cover_frame(img.height, img.width, o.height, o.width);
    ImageF valid;
    if (o.masks.ignore_black) valid = black_validity(img);
    out.push_back(framed(stem, img, mask, valid, f, {r.x, r.y}, o.height, o.width));
  }
  return out;
}

int write_unityeyes_masks(const std::string& dir, const std::string& out,
                          const std::string& region) {
  ensure_directory(out);
  std::string csv = "file,x,y\n";
  int n = 0;
  for (const auto& [img, json] : unityeyes_files(dir)) {
    const ImageU8 probe = load_image(img);
    const UnityEyesAnnotation ann = read_unityeyes_json(json, probe.height);
    const ImageF m = unityeyes_mask(ann, region, probe.height, probe.width);
    const std::string stem = std::filesystem::path(img).stem().string();
    save_png(out + "/" + stem + ".png", m);
    const Point2 c = ann.iris_centre();
    char row[256];
    std::snprintf(row, sizeof row, "%s,%.3f,%.3f\n", std::filesystem::path(img).filename().c_str(),
                  c.x, c.y);
    csv += row;
    ++n;
  }
  write_file_atomic(out + "/centres.csv", csv);
  return n;
}

}  // namespace mgst::data
