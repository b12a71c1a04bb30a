#include "apps/data/image_io.h"

#include <stb_image.h>        // implementation in Debian's libstb
#include <stb_image_write.h>  // likewise

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/io/fileio.h"
#include "kernels/error.h"

namespace mgst::data {

namespace fs = std::filesystem;

// ---- Loading ------------------------------------------------------------------

namespace {

// No image file mgst reads is near this; a bigger one is refused before decoding.
constexpr std::size_t kMaxImageFileBytes = std::size_t(512) << 20;

// The formats mgst reads (METHOD.md "Data": PNG, JPEG, BMP), told by their first bytes.
// Everything else is refused before stb_image sees it: the system's stb_image
// also decodes GIF, PSD, HDR, PIC, PNM and TGA, whose decoders are the least
// hardened, and TGA has no signature, so arbitrary bytes could reach it.
const char* sniff_format(std::string_view b) {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (b.size() >= 2 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8) return "JPEG";
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') return "BMP";
  return nullptr;
}

// Two flaws of stb_image 2.27 (Debian 12's libstb), both found by
// fuzz/image_fuzzer.cpp and fixed upstream in 2.28, are kept away here:
//  - a Huffman table (DHT segment) declaring more than 256 codes makes it
//    write past a 257-entry array;
//  - a scan (SOS) using a Huffman table the file never defined makes it decode
//    with an uninitialised table and index outside its 256 values.
// This walks the marker segments the way stb_image does (bytes between
// segments are skipped up to the next 0xFF, entropy-coded data after SOS up
// to the next real marker, bytes past the end read as 0) and rejects both;
// everything else is left to stb_image's own checks.
void check_jpeg_huffman_tables(std::string_view b, const std::string& path) {
  const auto u8 = [&](std::size_t i) { return i < b.size() ? unsigned(uint8_t(b[i])) : 0u; };
  bool defined[2][4] = {};  // [DC=0 / AC=1][table id]
  bool progressive = false;
  std::size_t pos = 2;  // after SOI
  while (pos + 1 < b.size()) {
    if (u8(pos) != 0xFF) {  // not at a marker: stb_image resynchronises at the next 0xFF
      ++pos;
      continue;
    }
    while (pos < b.size() && u8(pos) == 0xFF) ++pos;  // fill bytes
    if (pos >= b.size()) return;
    const unsigned marker = u8(pos++);
    if (marker == 0x00 || marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
      continue;                                        // no length field
    if (marker == 0xD9 || pos + 2 > b.size()) return;  // EOI or truncated
    const std::size_t len = (u8(pos) << 8) | u8(pos + 1);
    const std::size_t at = pos - 2;  // the marker's offset, for messages
    if (marker == 0xC2) progressive = true;
    if (marker == 0xC4) {  // DHT: tables of (class/id, 16 code counts, symbols)
      for (std::size_t q = pos + 2; q < pos + len && q < b.size();) {
        unsigned n = 0;
        for (std::size_t i = q + 1; i <= q + 16; ++i) n += u8(i);
        MGST_CHECK(n <= 256, path << ": corrupt JPEG: a Huffman table (DHT segment at byte " << at
                                  << ") declares " << n << " codes, at most 256 are possible");
        const unsigned tc = u8(q) >> 4, th = u8(q) & 15;
        if (tc > 1 || th > 3) break;  // stb_image rejects it
        defined[tc][th] = true;
        q += 17 + n;
      }
    }
    if (marker == 0xDA && pos + 3 <= b.size()) {  // SOS: which tables the scan decodes with
      const std::size_t ns = u8(pos + 2);
      const std::size_t tail = pos + 3 + 2 * ns;  // Ss, Se, Ah/Al follow the components
      if (ns >= 1 && ns <= 4 && tail + 3 <= b.size()) {
        const unsigned ss = u8(tail), ah = u8(tail + 2) >> 4;
        const bool uses_dc = !progressive || (ss == 0 && ah == 0);
        const bool uses_ac = !progressive || ss > 0;
        for (std::size_t i = 0; i < ns; ++i) {
          const unsigned td = u8(pos + 4 + 2 * i) >> 4, ta = u8(pos + 4 + 2 * i) & 15;
          MGST_CHECK(!uses_dc || td > 3 || defined[0][td],
                     path << ": corrupt JPEG: the scan at byte " << at << " uses DC Huffman table "
                          << td << ", which the file does not define before it");
          MGST_CHECK(!uses_ac || ta > 3 || defined[1][ta],
                     path << ": corrupt JPEG: the scan at byte " << at << " uses AC Huffman table "
                          << ta << ", which the file does not define before it");
        }
      }
    }
    if (len < 2) return;  // stb_image fails on it
    pos += len;
    if (marker == 0xDA) {  // entropy-coded data runs to the next real marker
      while (pos + 1 < b.size() &&
             !(u8(pos) == 0xFF && u8(pos + 1) != 0x00 && u8(pos + 1) != 0xFF &&
               !(u8(pos + 1) >= 0xD0 && u8(pos + 1) <= 0xD7)))
        ++pos;
    }
  }
}

// stb_image 2.27 grows its buffer for a PNG IDAT chunk to the chunk's
// declared length before reading it, so a 200-byte file declaring a 1.1 GB
// chunk made it allocate 2 GB (found by fuzz/image_fuzzer.cpp). Every chunk
// up to IEND must fit in the file (stb_image fails on one that does not,
// after that allocation).
void check_png_chunks(std::string_view b, const std::string& path) {
  const auto u8 = [&](std::size_t i) { return uint32_t(uint8_t(b[i])); };
  std::size_t pos = 8;  // after the signature
  while (pos + 8 <= b.size()) {
    const uint64_t len = u8(pos) << 24 | u8(pos + 1) << 16 | u8(pos + 2) << 8 | u8(pos + 3);
    std::string type(b.substr(pos + 4, 4));
    for (char& c : type)
      if (!std::isalpha(static_cast<unsigned char>(c))) c = '?';
    MGST_CHECK(len <= b.size() - pos - 8, path << ": cannot decode image (PNG chunk '" << type
                                               << "' at byte " << pos << " declares " << len
                                               << " bytes, the file has " << b.size() - pos - 8
                                               << " left; truncated or corrupt file?)");
    if (type == "IEND") return;
    pos += 12 + std::size_t(len);
  }
}

}  // namespace

ImageInfo probe_image_from_memory(std::string_view bytes, const std::string& path) {
  MGST_CHECK(!bytes.empty(), path << ": image file is empty (0 bytes)");
  MGST_CHECK(bytes.size() <= size_t(INT32_MAX), path << ": image file is larger than 2 GiB");
  const char* format = sniff_format(bytes);
  MGST_CHECK(format, path << ": not a readable image (not a PNG, JPEG or BMP file: it starts "
                          << "with none of their signatures); supported: PNG, JPEG, BMP");
  if (std::string_view(format) == "JPEG") check_jpeg_huffman_tables(bytes, path);
  if (std::string_view(format) == "PNG") check_png_chunks(bytes, path);
  ImageInfo info;
  if (!stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()),
                             &info.width, &info.height, &info.channels)) {
    const char* why = stbi_failure_reason();
    MGST_FAIL(path << ": not a readable image (" << format << " header: "
                   << (why ? why : "unknown reason") << "); supported: PNG, JPEG, BMP");
  }
  MGST_CHECK(info.width > 0 && info.height > 0,
             path << ": image has zero size (" << info.width << "x" << info.height << ")");
  MGST_CHECK(info.width <= kMaxImageSide && info.height <= kMaxImageSide,
             path << ": image is " << info.width << "x" << info.height << ", larger than the "
                  << kMaxImageSide << "-pixel limit per side");
  return info;
}

ImageInfo probe_image(const std::string& path) {
  std::error_code ec;
  MGST_CHECK(fs::exists(path, ec), path << ": image file does not exist");
  return probe_image_from_memory(read_file(path, kMaxImageFileBytes), path);
}

ImageU8 load_image(const std::string& path, int desired_channels) {
  std::error_code ec;
  MGST_CHECK(fs::exists(path, ec), path << ": image file does not exist");
  return load_image_from_memory(read_file(path, kMaxImageFileBytes), path,
                                desired_channels);  // read_file names errno
}

ImageU8 load_image_from_memory(std::string_view bytes, const std::string& path,
                               int desired_channels) {
  MGST_CHECK(desired_channels >= 0 && desired_channels <= 4,
             path << ": load_image: desired_channels must be 0..4, got " << desired_channels);
  probe_image_from_memory(bytes, path);  // signature, header and size checks
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = int(bytes.size());
  int w2 = 0, h2 = 0, c2 = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(data, len, &w2, &h2, &c2,
                                                                         desired_channels),
                                                   stbi_image_free);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    MGST_FAIL(path << ": cannot decode image (" << (why ? why : "unknown reason")
                   << "; truncated or corrupt file?)");
  }
  ImageU8 out;
  out.width = w2;
  out.height = h2;
  out.channels = desired_channels ? desired_channels : c2;
  out.pixels.assign(pixels.get(), pixels.get() + std::size_t(w2) * h2 * out.channels);
  return out;
}

ImageF to_float(const ImageU8& image) {
  ImageF out(image.channels, image.height, image.width);
  for (int c = 0; c < image.channels; ++c)
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) out.at(c, y, x) = float(image.at(y, x, c)) / 255.f;
  return out;
}

ImageU8 to_u8(const ImageF& image) {
  ImageU8 out;
  out.width = image.width;
  out.height = image.height;
  out.channels = image.channels;
  out.pixels.resize(std::size_t(image.channels) * image.height * image.width);
  for (int c = 0; c < image.channels; ++c)
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) {
        float v = image.at(c, y, x);
        v = std::isnan(v) ? 0.f : std::clamp(v, 0.f, 1.f);
        out.pixels[(std::size_t(y) * image.width + x) * image.channels + c] =
            uint8_t(std::lround(v * 255.f));
      }
  return out;
}

ImageF load_rgb(const std::string& path) { return to_float(load_image(path, 3)); }

LabelMap load_label_map(const std::string& path) {
  const ImageU8 im = load_image(path);
  LabelMap out;
  out.height = im.height;
  out.width = im.width;
  out.values.resize(std::size_t(im.height) * im.width);
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x) out.at(y, x) = im.at(y, x, 0);
  return out;
}

ImageF attention_mask(const LabelMap& labels, const std::vector<int>& attention_labels) {
  bool is_label[256] = {};
  for (const int l : attention_labels)
    if (l >= 0 && l <= 255) is_label[l] = true;
  ImageF out(1, labels.height, labels.width);
  for (int y = 0; y < labels.height; ++y)
    for (int x = 0; x < labels.width; ++x) {
      const int v = labels.at(y, x);
      out.at(0, y, x) = attention_labels.empty() ? float(v) / 255.f
                                                 : (v >= 0 && v <= 255 && is_label[v] ? 1.f : 0.f);
    }
  return out;
}

ImageF load_mask(const std::string& path, const std::vector<int>& attention_labels) {
  for (const int l : attention_labels)
    MGST_CHECK(l >= 0 && l <= 255,
               path << ": attention label " << l << " is outside 0..255 (masks are 8-bit)");
  return attention_mask(load_label_map(path), attention_labels);
}

bool looks_like_label_map(const ImageU8& image) {
  if (image.channels <= 0) return false;
  int max_v = 0;
  for (std::size_t i = 0; i < image.pixels.size(); i += std::size_t(image.channels))
    max_v = std::max(max_v, int(image.pixels[i]));
  return max_v >= 1 && max_v <= 16;
}

// ---- Geometry -------------------------------------------------------------------

namespace {

void check_size(int h, int w, const char* what) {
  MGST_CHECK(h > 0 && w > 0, what << ": output size must be positive, got " << h << "x" << w);
}

// PyTorch's area_pixel_compute_source_index (align_corners=False, linear):
// per output index, the two source taps and the weight of the second.
struct Taps {
  std::vector<int> i0, i1;
  std::vector<float> w1;
};
Taps bilinear_taps(int in, int out) {
  Taps t;
  t.i0.resize(out);
  t.i1.resize(out);
  t.w1.resize(out);
  const double scale = double(in) / double(out);
  for (int d = 0; d < out; ++d) {
    double src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const int i0 = std::min(int(src), in - 1);
    t.i0[d] = i0;
    t.i1[d] = i0 < in - 1 ? i0 + 1 : i0;
    t.w1[d] = float(src - i0);
  }
  return t;
}

// PyTorch's nearest_idx: floor(dst * (float)in / out), clamped; exact for
// equal sizes and for 2x upsampling.
std::vector<int> nearest_taps(int in, int out) {
  std::vector<int> idx(out);
  const float scale = float(in) / float(out);
  for (int d = 0; d < out; ++d) {
    if (out == in)
      idx[d] = d;
    else if (out == 2 * in)
      idx[d] = d >> 1;
    else
      idx[d] = std::min(int(std::floor(float(d) * scale)), in - 1);
  }
  return idx;
}

int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

ImageF resize_bilinear(const ImageF& image, int out_height, int out_width) {
  check_size(out_height, out_width, "resize_bilinear");
  MGST_CHECK(image.height > 0 && image.width > 0, "resize_bilinear: empty input image");
  if (out_height == image.height && out_width == image.width) return image;
  const Taps ty = bilinear_taps(image.height, out_height);
  const Taps tx = bilinear_taps(image.width, out_width);
  ImageF out(image.channels, out_height, out_width);
  for (int c = 0; c < image.channels; ++c)
    for (int y = 0; y < out_height; ++y) {
      const float wy1 = ty.w1[y], wy0 = 1.f - wy1;
      for (int x = 0; x < out_width; ++x) {
        const float wx1 = tx.w1[x], wx0 = 1.f - wx1;
        out.at(c, y, x) =
            wy0 * (wx0 * image.at(c, ty.i0[y], tx.i0[x]) + wx1 * image.at(c, ty.i0[y], tx.i1[x])) +
            wy1 * (wx0 * image.at(c, ty.i1[y], tx.i0[x]) + wx1 * image.at(c, ty.i1[y], tx.i1[x]));
      }
    }
  return out;
}

std::array<double, 2> rotate_scale_point(double x, double y, double angle, double scale, double cx,
                                         double cy) {
  const double c = scale * std::cos(angle), s = scale * std::sin(angle);
  return {cx + c * (x - cx) - s * (y - cy), cy + s * (x - cx) + c * (y - cy)};
}

ImageF rotate_scale(const ImageF& image, double angle, double scale, double cx, double cy) {
  MGST_CHECK(image.height > 0 && image.width > 0 && scale > 0,
             "rotate_scale: empty image or scale " << scale);
  ImageF out(image.channels, image.height, image.width);
  // Each output pixel reads the source at the inverse map.
  const double c = std::cos(angle) / scale, s = std::sin(angle) / scale;
  auto at = [&](int ch, int y, int x) {
    return image.at(ch, std::clamp(y, 0, image.height - 1), std::clamp(x, 0, image.width - 1));
  };
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const double dx = x - cx, dy = y - cy;
      const double sx = cx + c * dx + s * dy, sy = cy - s * dx + c * dy;
      const int x0 = int(std::floor(sx)), y0 = int(std::floor(sy));
      const float wx = float(sx - x0), wy = float(sy - y0);
      for (int ch = 0; ch < image.channels; ++ch)
        out.at(ch, y, x) = (1 - wy) * ((1 - wx) * at(ch, y0, x0) + wx * at(ch, y0, x0 + 1)) +
                           wy * ((1 - wx) * at(ch, y0 + 1, x0) + wx * at(ch, y0 + 1, x0 + 1));
    }
  return out;
}

namespace {

// ImageF and LabelMap (one channel) through the same loops.
int channels_of(const ImageF& image) { return image.channels; }
int channels_of(const LabelMap&) { return 1; }
ImageF blank_like(const ImageF& image, int height, int width) {
  return ImageF(image.channels, height, width);
}
LabelMap blank_like(const LabelMap&, int height, int width) {
  LabelMap out;
  out.height = height;
  out.width = width;
  out.values.resize(std::size_t(height) * width);
  return out;
}
float& at(ImageF& image, int c, int y, int x) { return image.at(c, y, x); }
float at(const ImageF& image, int c, int y, int x) { return image.at(c, y, x); }
int& at(LabelMap& labels, int, int y, int x) { return labels.at(y, x); }
int at(const LabelMap& labels, int, int y, int x) { return labels.at(y, x); }

// `what` names the input in the empty-input error ("input image", "label map").
template <class Image>
Image resize_nearest_any(const Image& image, int out_height, int out_width, const char* what) {
  check_size(out_height, out_width, "resize_nearest");
  MGST_CHECK(image.height > 0 && image.width > 0, "resize_nearest: empty " << what);
  if (out_height == image.height && out_width == image.width) return image;
  const auto iy = nearest_taps(image.height, out_height);
  const auto ix = nearest_taps(image.width, out_width);
  Image out = blank_like(image, out_height, out_width);
  for (int c = 0; c < channels_of(image); ++c)
    for (int y = 0; y < out_height; ++y)
      for (int x = 0; x < out_width; ++x) at(out, c, y, x) = at(image, c, iy[y], ix[x]);
  return out;
}

template <class Image>
Image crop_any(const Image& image, int y, int x, int height, int width, const char* what) {
  check_size(height, width, "crop");
  MGST_CHECK(image.height > 0 && image.width > 0, "crop: empty " << what);
  Image out = blank_like(image, height, width);
  for (int c = 0; c < channels_of(image); ++c)
    for (int i = 0; i < height; ++i) {
      const int sy = clampi(y + i, 0, image.height - 1);
      for (int j = 0; j < width; ++j)
        at(out, c, i, j) = at(image, c, sy, clampi(x + j, 0, image.width - 1));
    }
  return out;
}

}  // namespace

ImageF resize_nearest(const ImageF& image, int out_height, int out_width) {
  return resize_nearest_any(image, out_height, out_width, "input image");
}
LabelMap resize_nearest(const LabelMap& labels, int out_height, int out_width) {
  return resize_nearest_any(labels, out_height, out_width, "label map");
}
ImageF crop(const ImageF& image, int y, int x, int height, int width) {
  return crop_any(image, y, x, height, width, "input image");
}
LabelMap crop(const LabelMap& labels, int y, int x, int height, int width) {
  return crop_any(labels, y, x, height, width, "label map");
}

ImageF center_crop(const ImageF& image, int height, int width) {
  return crop(image, (image.height - height) / 2, (image.width - width) / 2, height, width);
}

// ---- Writing ---------------------------------------------------------------------

namespace {
void append_to_string(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), std::size_t(size));
}
}  // namespace

std::string encode_png(const ImageU8& image) {
  MGST_CHECK(image.channels >= 1 && image.channels <= 4,
             "encode_png: PNG needs 1 to 4 channels, got " << image.channels);
  MGST_CHECK(image.width > 0 && image.height > 0,
             "encode_png: empty image (" << image.width << "x" << image.height << ")");
  MGST_CHECK(image.pixels.size() == std::size_t(image.width) * image.height * image.channels,
             "encode_png: pixel buffer holds "
                 << image.pixels.size() << " bytes, expected "
                 << std::size_t(image.width) * image.height * image.channels);
  std::string out;
  const int ok =
      stbi_write_png_to_func(append_to_string, &out, image.width, image.height, image.channels,
                             image.pixels.data(), image.width * image.channels);
  MGST_CHECK(ok, "encode_png: stb_image_write failed to encode a " << image.width << "x"
                                                                   << image.height << " image");
  return out;
}

void save_png(const std::string& path, const ImageU8& image) {
  std::string bytes;
  try {
    bytes = encode_png(image);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what(), e.where());
  }
  write_file_atomic(path, bytes);
}

void save_png(const std::string& path, const ImageF& image) {
  MGST_CHECK(image.data.size() == std::size_t(image.channels) * image.height * image.width,
             path << ": save_png: data holds " << image.data.size() << " values for a "
                  << image.channels << "x" << image.height << "x" << image.width << " image");
  save_png(path, to_u8(image));
}

ImageF image_grid(const std::vector<ImageF>& tiles, int columns, int gap, float background) {
  MGST_CHECK(!tiles.empty(), "image_grid: no tiles");
  MGST_CHECK(gap >= 0, "image_grid: negative gap " << gap);
  const int th = tiles[0].height, tw = tiles[0].width;
  int channels = 1;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const ImageF& t = tiles[i];
    MGST_CHECK(t.height == th && t.width == tw,
               "image_grid: tile " << i << " is " << t.height << "x" << t.width << ", tile 0 is "
                                   << th << "x" << tw << " (tiles must be equally sized)");
    MGST_CHECK(t.channels == 1 || t.channels == 3,
               "image_grid: tile " << i << " has " << t.channels << " channels (1 or 3 expected)");
    channels = std::max(channels, t.channels);
  }
  const int n = int(tiles.size());
  const int cols = columns > 0 ? std::min(columns, n) : n;
  const int rows = (n + cols - 1) / cols;
  ImageF out(channels, rows * th + (rows + 1) * gap, cols * tw + (cols + 1) * gap, background);
  for (int i = 0; i < n; ++i) {
    const ImageF& t = tiles[i];
    const int oy = gap + (i / cols) * (th + gap), ox = gap + (i % cols) * (tw + gap);
    for (int c = 0; c < channels; ++c) {
      const int sc = t.channels == 1 ? 0 : c;
      for (int y = 0; y < th; ++y)
        for (int x = 0; x < tw; ++x) out.at(c, oy + y, ox + x) = t.at(sc, y, x);
    }
  }
  return out;
}

}  // namespace mgst::data
