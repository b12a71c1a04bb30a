#include "apps/data/dataset.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/io/fileio.h"
#include "kernels/error.h"

namespace mgst::data {

namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kImageExtensions = {".png", ".jpg", ".jpeg", ".bmp"};

std::vector<std::string> image_files(const std::string& path) {
  MGST_CHECK(fs::exists(path), path << ": no such file or directory");
  if (!fs::is_directory(path)) return {path};
  auto files = list_files(path, kImageExtensions);
  MGST_CHECK(!files.empty(), path << ": no images (.png, .jpg, .jpeg, .bmp) in this directory");
  return files;
}

bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Scales so the image covers (H, W) keeping its aspect, then crops at (top, left)
// chosen by `where` in [0,1] x [0,1] (0.5, 0.5 = centre).
// `box`, when given, receives the crop in frame pixels (for paste_crop).
template <class Img, class Resize>
Img cover_and_crop(const Img& img, int H, int W, double fy, double fx, Resize resize,
                   CropBox* box = nullptr) {
  if (box) *box = {0, 0, double(img.height), double(img.width)};
  if (img.height == H && img.width == W) return img;
  const double s = std::max(double(H) / img.height, double(W) / img.width);
  const int rh = std::max(H, int(std::lround(img.height * s)));
  const int rw = std::max(W, int(std::lround(img.width * s)));
  const Img r = (rh == img.height && rw == img.width) ? img : resize(img, rh, rw);
  const int top = int(std::floor((rh - H) * fy + 1e-9)),
            left = int(std::floor((rw - W) * fx + 1e-9));
  const double sy = double(img.height) / rh, sx = double(img.width) / rw;
  if (box) *box = {top * sy, left * sx, H * sy, W * sx};
  return crop(r, top, left, H, W);
}

std::atomic<bool> g_empty_attention_warning_shown{false};
std::atomic<bool> g_label_warning_shown{false};

// `format` (one %s, the path) on stderr, the first time `shown` is set only.
void warn_once(std::atomic<bool>& shown, const char* format, const std::string& path) {
  if (!shown.exchange(true)) std::fprintf(stderr, format, path.c_str());
}
}  // namespace

CropOptions parse_crop(const std::string& s) {
  CropOptions c;
  if (s == "center")
    c.mode = CropMode::Center;
  else if (s == "random")
    c.mode = CropMode::Random;
  else if (s == "eye" || s.rfind("eye:", 0) == 0) {
    c.mode = CropMode::Eye;
    if (s.size() > 4) {
      char* end = nullptr;
      c.eye_factor = std::strtod(s.c_str() + 4, &end);
      MGST_CHECK(end && *end == 0 && c.eye_factor >= 1.0 && c.eye_factor <= 10.0,
                 "--crop " << s << ": the eye enlargement factor must be a number in [1, 10]");
    }
  } else {
    MGST_FAIL("--crop " << s << ": expected eye[:F], center or random");
  }
  return c;
}

std::pair<int, int> parse_size(const std::string& s) {
  int h = 0, w = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%dx%d%c", &h, &w, &tail) == 2 ||
      (std::sscanf(s.c_str(), "%d%c", &h, &tail) == 1 && (w = h))) {
    MGST_CHECK(h >= 4 && w >= 4 && h <= 8192 && w <= 8192,
               "--size " << s << ": sides must be between 4 and 8192");
    return {h, w};
  }
  MGST_FAIL("--size " << s << ": expected HxW (e.g. 96x128) or S (square)");
}

std::vector<SampleSource> pair_files(const std::string& images, const std::string& masks) {
  const auto imgs = image_files(images);
  std::vector<SampleSource> out;
  if (masks.empty()) {
    for (const auto& p : imgs) out.push_back({p, ""});
    return out;
  }
  MGST_CHECK(fs::exists(masks), masks << ": no such mask file or directory");
  if (!fs::is_directory(masks)) {
    MGST_CHECK(imgs.size() == 1, masks << " is one mask file but " << images << " holds "
                                       << imgs.size() << " images; give a mask directory");
    return {{imgs[0], masks}};
  }
  std::map<std::string, std::string> by_stem;
  for (const auto& m : list_files(masks, kImageExtensions))
    by_stem[fs::path(m).stem().string()] = m;
  for (const auto& p : imgs) {
    const std::string stem = fs::path(p).stem().string();
    auto it = by_stem.find(stem);
    MGST_CHECK(it != by_stem.end(),
               p << ": no mask named " << stem << ".(png|jpg|bmp) in " << masks);
    out.push_back({p, it->second});
  }
  return out;
}

void check_pairs(const std::vector<SampleSource>& pairs, const std::string& what) {
  for (const auto& p : pairs) {
    const ImageInfo im = probe_image(p.image_path);
    if (p.mask_path.empty()) continue;
    const ImageInfo m = probe_image(p.mask_path);
    MGST_CHECK(m.height == im.height && m.width == im.width,
               p.mask_path << ": " << what << " mask is " << m.width << "x" << m.height
                           << " but image " << p.image_path << " is " << im.width << "x"
                           << im.height);
  }
}

DecodedFrame load_frame(const SampleSource& src, const MaskOptions& mo) {
  DecodedFrame f;
  f.name = fs::path(src.image_path).stem().string();
  f.image = load_rgb(src.image_path);
  const ImageF& img = f.image;
  f.mask = ImageF(1, img.height, img.width, 1.f);
  if (!src.mask_path.empty()) {
    const ImageU8 raw = load_image(src.mask_path);
    MGST_CHECK(raw.height == img.height && raw.width == img.width,
               src.mask_path << ": mask is " << raw.width << "x" << raw.height << " but image "
                             << src.image_path << " is " << img.width << "x" << img.height);
    if (mo.attention_labels.empty() && looks_like_label_map(raw))
      warn_once(g_label_warning_shown,
                "warning: %s holds only small integer values: it looks like a label map, "
                "read as value/255 it is almost empty. Name the attention labels with "
                "--attention-labels (e.g. --attention-labels 2,3).\n",
                src.mask_path);
    f.labels.height = raw.height;
    f.labels.width = raw.width;
    f.labels.values.resize(std::size_t(raw.height) * raw.width);
    for (int y = 0; y < raw.height; ++y)
      for (int x = 0; x < raw.width; ++x) f.labels.at(y, x) = raw.at(y, x, 0);
    f.mask = attention_mask(f.labels, mo.attention_labels);
    if (!mo.attention_labels.empty() &&
        std::none_of(f.mask.data.begin(), f.mask.data.end(), [](float v) { return v > 0.f; }))
      warn_once(g_empty_attention_warning_shown,
                "warning: %s: none of the --attention-labels values occur in it, so its "
                "attention region is empty (further such masks are not reported). Check the "
                "label values with `mgst masks` or an image viewer.\n",
                src.mask_path);
  }
  if (mo.uses_validity()) {
    f.valid = ImageF(1, img.height, img.width, 1.f);
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) {
        bool drop = !f.labels.values.empty() && contains(mo.ignore_labels, f.labels.at(y, x));
        drop = drop || (mo.ignore_black && img.at(0, y, x) == 0.f && img.at(1, y, x) == 0.f &&
                        img.at(2, y, x) == 0.f);
        if (drop) f.valid.at(0, y, x) = 0.f;
      }
  }
  return f;
}

namespace {
// The eye box of METHOD.md's eye crop: the bounding box of the non-zero
// labels enlarged by `factor`, widened to the H:W aspect; false without one.
bool eye_box(const LabelMap& labels, int H, int W, double factor, int* top, int* left, int* ih,
             int* iw) {
  int y0 = labels.height, y1 = -1, x0 = labels.width, x1 = -1;
  for (int y = 0; y < labels.height; ++y)
    for (int x = 0; x < labels.width; ++x)
      if (labels.at(y, x) != 0) {
        y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
      }
  if (y1 < 0) return false;
  const double cy = 0.5 * (y0 + y1 + 1), cx = 0.5 * (x0 + x1 + 1);
  double bh = (y1 - y0 + 1) * factor, bw = (x1 - x0 + 1) * factor;
  if (bw / bh < double(W) / H)
    bw = bh * W / H;  // widen to the output aspect
  else
    bh = bw * H / W;
  *ih = std::max(1, int(std::lround(bh))), *iw = std::max(1, int(std::lround(bw)));
  *top = int(std::lround(cy - *ih / 2.0)), *left = int(std::lround(cx - *iw / 2.0));
  return true;
}
}  // namespace

namespace {
// The crop's random draws (fy, fx): the only use of `rng` by a sample.
std::pair<double, double> crop_draws(const CropOptions& crop, Rng& rng) {
  if (crop.mode != CropMode::Random) return {0.5, 0.5};
  const double fy = rng.uniform();
  return {fy, rng.uniform()};
}
}  // namespace

void skip_sample(const CropOptions& crop, Rng& rng) { crop_draws(crop, rng); }

Sample crop_frame(const DecodedFrame& f, int H, int W, const CropOptions& crop, Rng& rng,
                  CropBox* box) {
  Sample s;
  s.name = f.name;
  int top = 0, left = 0, ih = 0, iw = 0;
  if (crop.mode == CropMode::Eye && !f.labels.values.empty() &&
      eye_box(f.labels, H, W, crop.eye_factor, &top, &left, &ih, &iw)) {
    s.image = resize_bilinear(data::crop(f.image, top, left, ih, iw), H, W);
    s.mask = resize_nearest(data::crop(f.mask, top, left, ih, iw), H, W);
    if (!f.valid.data.empty())
      s.valid = resize_nearest(data::crop(f.valid, top, left, ih, iw), H, W);
    if (box) *box = {double(top), double(left), double(ih), double(iw)};
    return s;
  }
  // No eye to frame (no labels, or an empty mask): the centre crop.
  auto bilinear = [](const ImageF& i, int h, int w) { return resize_bilinear(i, h, w); };
  auto nearest = [](const ImageF& i, int h, int w) { return resize_nearest(i, h, w); };
  const auto [fy, fx] = crop_draws(crop, rng);
  s.image = cover_and_crop(f.image, H, W, fy, fx, bilinear, box);
  s.mask = cover_and_crop(f.mask, H, W, fy, fx, nearest);
  if (!f.valid.data.empty()) s.valid = cover_and_crop(f.valid, H, W, fy, fx, nearest);
  return s;
}

Sample load_sample(const SampleSource& src, int H, int W, const MaskOptions& mo,
                   const CropOptions& crop, Rng& rng) {
  return crop_frame(load_frame(src, mo), H, W, crop, rng);
}

void paste_crop(ImageF& frame, const ImageF& patch, const CropBox& box) {
  MGST_CHECK(patch.channels == frame.channels,
             "paste_crop: " << patch.channels << " channels into " << frame.channels);
  const int top = int(std::lround(box.top)), left = int(std::lround(box.left));
  const int h = std::max(1, int(std::lround(box.height)));
  const int w = std::max(1, int(std::lround(box.width)));
  const ImageF back = resize_bilinear(patch, h, w);
  for (int c = 0; c < frame.channels; ++c)
    for (int y = std::max(0, -top); y < h && top + y < frame.height; ++y)
      for (int x = std::max(0, -left); x < w && left + x < frame.width; ++x)
        frame.at(c, top + y, left + x) = back.at(c, y, x);
}

Batch make_batch(const std::vector<Sample>& samples, Device device) {
  MGST_CHECK(!samples.empty(), "make_batch: no samples");
  const int N = int(samples.size()), H = samples[0].image.height, W = samples[0].image.width;
  bool any_valid = false;
  for (const auto& s : samples) any_valid = any_valid || !s.valid.data.empty();
  // Each pixel copied once, straight into the CPU tensors (then to `device`).
  const Device cpu = Device::cpu();
  const std::size_t P = std::size_t(H) * W;
  Batch b;
  b.x = Tensor::empty({N, 3, H, W}, cpu);
  b.m = Tensor::empty({N, 1, H, W}, cpu);
  if (any_valid) b.v = Tensor::empty({N, 1, H, W}, cpu);
  for (int n = 0; n < N; ++n) {
    const Sample& s = samples[std::size_t(n)];
    MGST_CHECK(s.image.height == H && s.image.width == W && s.image.channels == 3,
               "make_batch: " << s.name << " is " << s.image.width << "x" << s.image.height
                              << ", expected " << W << "x" << H);
    MGST_CHECK(s.mask.data.size() == P && (s.valid.data.empty() || s.valid.data.size() == P),
               "make_batch: " << s.name << ": its mask is not " << W << "x" << H);
    std::copy(s.image.data.begin(), s.image.data.end(), b.x.data() + n * 3 * P);
    std::copy(s.mask.data.begin(), s.mask.data.end(), b.m.data() + n * P);
    if (any_valid) {
      float* v = b.v.data() + n * P;
      if (s.valid.data.empty())
        std::fill(v, v + P, 1.f);
      else
        std::copy(s.valid.data.begin(), s.valid.data.end(), v);
    }
    b.names.push_back(s.name);
  }
  if (device != cpu) {
    b.x = b.x.to(device), b.m = b.m.to(device);
    if (any_valid) b.v = b.v.to(device);
  }
  return b;
}

ImageF tensor_image(const Tensor& t, int n) {
  const int C = int(t.size(1)), H = int(t.size(2)), W = int(t.size(3));
  ImageF img(C, H, W);
  const std::vector<float> all = t.slice_batch(n, n + 1).to_vector();
  std::copy(all.begin(), all.end(), img.data.begin());
  return img;
}

}  // namespace mgst::data
