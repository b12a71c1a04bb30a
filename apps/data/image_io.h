// Image files <-> float planes: loading (stb_image: PNG, JPG, BMP, ...),
// resizing, cropping, PNG writing and figure grids. Conventions follow
// docs/METHOD.md "Data" and "Names and files". Every error names the file.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mgst::data {

// Larger sides than this are rejected before decoding.
constexpr int kMaxImageSide = 16384;

// 8-bit pixels as stored, interleaved (HWC).
struct ImageU8 {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // height * width * channels
  uint8_t at(int y, int x, int c) const {
    return pixels[(std::size_t(y) * width + x) * channels + c];
  }
};

// Float planes (CHW), values normally in [0, 1].
struct ImageF {
  int channels = 0, height = 0, width = 0;
  std::vector<float> data;  // channels * height * width
  ImageF() = default;
  ImageF(int c, int h, int w, float fill = 0.f)
      : channels(c), height(h), width(w), data(std::size_t(c) * h * w, fill) {}
  float& at(int c, int y, int x) { return data[(std::size_t(c) * height + y) * width + x]; }
  float at(int c, int y, int x) const { return data[(std::size_t(c) * height + y) * width + x]; }
};

// Integer label map (one channel), raw 0..255 values from an 8-bit file.
struct LabelMap {
  int height = 0, width = 0;
  std::vector<int> values;  // height * width
  int& at(int y, int x) { return values[std::size_t(y) * width + x]; }
  int at(int y, int x) const { return values[std::size_t(y) * width + x]; }
};

// ---- Loading ------------------------------------------------------------------

// Decodes `path` (PNG, JPEG or BMP, told by the file's signature; other
// formats are refused). desired_channels 0 keeps the file's channel count; 1..4
// converts like stb_image (grey replicated, alpha dropped or added). Errors
// name the file: missing, unreadable, empty, sides above kMaxImageSide,
// or the decoder's reason.
ImageU8 load_image(const std::string& path, int desired_channels = 0);

// The same decode on bytes already in memory (what load_image runs after
// reading the file; the fuzzer's entry point). `name` names them in errors.
ImageU8 load_image_from_memory(std::string_view bytes, const std::string& name,
                               int desired_channels = 0);

// Width, height and channel count from the file's header, without decoding
// the pixels: the same checks and errors as load_image up to the decode (a
// file that passes may still be truncated further on).
struct ImageInfo {
  int width = 0, height = 0, channels = 0;
};
ImageInfo probe_image(const std::string& path);
ImageInfo probe_image_from_memory(std::string_view bytes, const std::string& name);

// 8-bit RGB (grey replicated, alpha dropped), value / 255, (3, H, W).
ImageF load_rgb(const std::string& path);

// (1, H, W) mask from the first channel. Without labels: value / 255. With
// labels: 1 where the value is one of `attention_labels`, else 0 (throws when
// a label is outside 0..255).
ImageF load_mask(const std::string& path, const std::vector<int>& attention_labels = {});

// The first channel's raw values (0..255).
LabelMap load_label_map(const std::string& path);

// The (1, H, W) attention mask of a label map, the one rule every mask
// reader uses: value / 255 without labels, else 1 where the value is one of
// `attention_labels` and 0 elsewhere.
ImageF attention_mask(const LabelMap& labels, const std::vector<int>& attention_labels);

// True when the first channel looks like a label map rather than a 0/255
// (or soft) mask: its largest value is between 1 and 16 (read as value / 255
// such a mask would be nearly all zero; a 0/1 mask counts too). Callers warn
// and name --attention-labels when this holds and no labels were given.
bool looks_like_label_map(const ImageU8& image);

// Converters between the in-memory forms.
ImageF to_float(const ImageU8& image);  // value / 255, all channels
ImageU8 to_u8(const ImageF& image);     // clamp to [0, 1], round(x * 255); NaN -> 0

// ---- Geometry -------------------------------------------------------------------

// Bilinear, PyTorch interpolate(mode="bilinear", align_corners=False,
// antialias=False): source = (dst + 0.5) * in / out - 0.5, clamped at 0.
// A copy when the size already matches.
ImageF resize_bilinear(const ImageF& image, int out_height, int out_width);

// The image turned by `angle` radians and scaled by `scale` about the point
// (cx, cy), same size: a source point p lands at
//   p' = (cx, cy) + scale * R(angle) (p - (cx, cy)),
// R(a) = [[cos a, -sin a], [sin a, cos a]] in pixel coordinates (x right,
// y down: a positive angle turns clockwise on screen). Bilinear, edge-padded.
ImageF rotate_scale(const ImageF& image, double angle, double scale, double cx, double cy);
// Where rotate_scale puts the source point (x, y): {x', y'}.
std::array<double, 2> rotate_scale_point(double x, double y, double angle, double scale, double cx,
                                         double cy);

// Nearest, PyTorch interpolate(mode="nearest"): source = floor(dst * in / out).
ImageF resize_nearest(const ImageF& image, int out_height, int out_width);
LabelMap resize_nearest(const LabelMap& labels, int out_height, int out_width);

// The (height, width) box whose top-left corner is (y, x); pixels outside the
// frame replicate the nearest edge pixel. y and x may be negative.
ImageF crop(const ImageF& image, int y, int x, int height, int width);
LabelMap crop(const LabelMap& labels, int y, int x, int height, int width);

// The centred box, top = (H - height) / 2 and left = (W - width) / 2 rounded
// toward zero (an odd remainder goes to the bottom / right); edge-padded when
// the box is larger than the image.
ImageF center_crop(const ImageF& image, int height, int width);

// ---- Writing ---------------------------------------------------------------------

// PNG with 1, 2, 3 or 4 channels, values clamped to [0, 1] and rounded to
// 8 bits; written atomically.
void save_png(const std::string& path, const ImageF& image);
void save_png(const std::string& path, const ImageU8& image);

// PNG bytes in memory.
std::string encode_png(const ImageU8& image);

// A grid of equally sized tiles, row-major with `columns` per row (0 = all in
// one row), `gap` pixels between tiles and around the border filled with
// `background`. Single-channel tiles are replicated to RGB when others have
// three channels.
ImageF image_grid(const std::vector<ImageF>& tiles, int columns = 0, int gap = 4,
                  float background = 1.f);

}  // namespace mgst::data
