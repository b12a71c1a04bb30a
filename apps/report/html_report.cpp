#include "apps/report/html_report.h"

#include <algorithm>
#include <cmath>

#include "kernels/error.h"

namespace mgst::report {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {  // whole 3-byte groups -> 4 characters
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                       uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;  // 0, 1 or 2 bytes left: pad with '='
  if (rest) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string png_data_uri(const data::ImageF& image) {
  return "data:image/png;base64," + base64(data::encode_png(data::to_u8(image)));
}

std::array<float, 3> viridis(float t) {
  // matplotlib's viridis at t = 0, 1/9, ..., 1 (#440154 ... #FDE725).
  static const float k[10][3] = {{68, 1, 84},    {72, 40, 120},  {62, 74, 137},  {49, 104, 142},
                                 {38, 130, 142}, {31, 158, 137}, {53, 183, 121}, {109, 205, 89},
                                 {180, 222, 44}, {253, 231, 37}};
  if (!std::isfinite(t)) t = 0;
  const float s = std::clamp(t, 0.f, 1.f) * 9.f;
  const int i = std::min(int(s), 8);
  const float f = s - float(i);
  std::array<float, 3> rgb{};
  for (int c = 0; c < 3; ++c) rgb[c] = ((1 - f) * k[i][c] + f * k[i + 1][c]) / 255.f;
  return rgb;
}

std::array<float, 3> diverging(float t) {
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, -1.f, 1.f);
  static const float blue[3] = {0.23f, 0.30f, 0.75f}, red[3] = {0.71f, 0.02f, 0.15f};
  const float* end = t < 0 ? blue : red;
  const float a = std::fabs(t);
  return {(1 - a) + a * end[0], (1 - a) + a * end[1], (1 - a) + a * end[2]};
}

namespace {
template <class F>
data::ImageF colour_matrix(const std::vector<float>& values, int rows, int cols, F colour) {
  MGST_CHECK(values.size() == std::size_t(rows) * cols,
             "heatmap: " << values.size() << " values for " << rows << "x" << cols);
  data::ImageF img(3, rows, cols);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      const auto rgb = colour(values[std::size_t(y) * cols + x]);
      for (int c = 0; c < 3; ++c) img.at(c, y, x) = rgb[c];
    }
  return img;
}
}  // namespace

data::ImageF heatmap(const std::vector<float>& values, int rows, int cols, float lo, float hi) {
  const float span = hi > lo ? hi - lo : 1.f;
  return colour_matrix(values, rows, cols, [&](float v) { return viridis((v - lo) / span); });
}

data::ImageF diverging_heatmap(const std::vector<float>& values, int rows, int cols,
                               float abs_max) {
  const float s = abs_max > 0 ? abs_max : 1.f;
  return colour_matrix(values, rows, cols, [&](float v) { return diverging(v / s); });
}

data::ImageF normalized_channel(const std::vector<float>& chw, int H, int W, int c) {
  const std::size_t P = std::size_t(H) * W;
  MGST_CHECK(chw.size() >= (std::size_t(c) + 1) * P,
             "normalized_channel: channel " << c << " out of range");
  const auto first = chw.begin() + std::ptrdiff_t(c * P), last = first + std::ptrdiff_t(P);
  const auto [lo, hi] = std::minmax_element(first, last);
  const std::vector<float> plane(first, last);
  return heatmap(plane, H, W, *lo, *hi > *lo ? *hi : *lo + 1.f);
}

// ---- Report ----------------------------------------------------------------------

namespace {
const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d1d1f; background: #f6f6f4; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 12px 0 4px; }
h2 { font-size: 19px; margin: 0 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 14px 0 6px; color: #444; }
nav { font-size: 13px; margin: 6px 0 14px; }
nav a { margin-right: 12px; color: #2a5db0; text-decoration: none; }
section { background: #fff; border: 1px solid #e2e2e0; border-radius: 6px;
          padding: 14px 18px; margin: 14px 0; }
.row { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; margin: 6px 0; }
figure { margin: 0; }
figure img { display: block; border: 1px solid #ccc; background: #fff; max-width: 100%; }
figure img.px { image-rendering: pixelated; }
figcaption { font-size: 12px; color: #555; margin-top: 3px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f0f0ee; text-align: left; }
table.num td { text-align: right; font-variant-numeric: tabular-nums; }
table.num td:first-child { text-align: left; }
table.trace td:nth-child(2), table.trace td:nth-child(3) { text-align: left; }
.bar { display: inline-block; height: 9px; background: #3e4a89; vertical-align: middle;
       margin-right: 6px; }
.note { color: #666; font-size: 13px; }
.scroll { max-height: 560px; overflow: auto; border: 1px solid #eee; }
code { background: #f0f0ee; padding: 0 3px; border-radius: 3px; }
)css";
}  // namespace

Report::Report(std::string title) : title_(std::move(title)) {}

void Report::begin_section(const std::string& id, const std::string& title,
                           const std::string& intro) {
  MGST_CHECK(!open_, "html report: section '" << id << "' begun inside another section");
  open_ = true;
  body_ += "<section id=\"" + escape(id) + "\">\n<h2>" + escape(title) + "</h2>\n";
  if (!intro.empty()) body_ += "<p>" + intro + "</p>\n";
  toc_ += "<a href=\"#" + escape(id) + "\">" + escape(title) + "</a>\n";
}

void Report::end_section() {
  MGST_CHECK(open_, "html report: end_section without a section");
  open_ = false;
  body_ += "</section>\n";
}

void Report::heading(const std::string& text) { body_ += "<h3>" + escape(text) + "</h3>\n"; }

void Report::paragraph(const std::string& html) { body_ += "<p>" + html + "</p>\n"; }

void Report::figures(const std::vector<Figure>& row) {
  body_ += "<div class=\"row\">\n";
  for (const Figure& f : row) {
    int w = f.display_width;
    if (w <= 0) w = f.image.width * std::max(1, 160 / std::max(1, f.image.width));
    const int h = int(std::lround(double(w) * f.image.height / std::max(1, f.image.width)));
    // Upscaled images keep hard pixel edges; downscaled ones are smoothed.
    const char* cls = w >= f.image.width ? " class=\"px\"" : "";
    body_ += "<figure style=\"width:" + std::to_string(w) + "px\"><img" + cls + " src=\"" +
             png_data_uri(f.image) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
             std::to_string(h) + "\" alt=\"\"><figcaption>" + f.caption +
             "</figcaption></figure>\n";
  }
  body_ += "</div>\n";
}

void Report::table(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows, const std::string& cls) {
  body_ += cls.empty() ? "<table>\n<tr>" : "<table class=\"" + escape(cls) + "\">\n<tr>";
  for (const auto& h : header) body_ += "<th>" + h + "</th>";
  body_ += "</tr>\n";
  for (const auto& r : rows) {
    body_ += "<tr>";
    for (const auto& c : r) body_ += "<td>" + c + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void Report::raw(const std::string& html) { body_ += html; }

std::string Report::document() const {
  MGST_CHECK(!open_, "html report: a section is still open");
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         escape(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n<h1>" +
         escape(title_) + "</h1>\n<nav>" + toc_ + "</nav>\n" + body_ +
         "</main>\n</body>\n</html>\n";
}

}  // namespace mgst::report
