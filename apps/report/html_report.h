// A small builder for self-contained HTML reports (used by `mgst inspect`):
// sections with stable ids, rows of captioned figures whose images are
// embedded as base64 PNG data URIs, plain tables, and colormaps to turn
// matrices and feature maps into images. No JavaScript; one inline stylesheet.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "apps/data/image_io.h"

namespace mgst::report {

std::string escape(const std::string& text);          // & < > " '
std::string base64(const std::string& bytes);         // RFC 4648, with padding
std::string png_data_uri(const data::ImageF& image);  // "data:image/png;base64,..."

// Colormaps, RGB in [0, 1]. viridis: t in [0, 1] (clamped), interpolated
// between matplotlib's viridis at ten evenly spaced points. diverging: t in
// [-1, 1] (clamped), blue (-1) .. white (0) .. red (+1).
std::array<float, 3> viridis(float t);
std::array<float, 3> diverging(float t);

// A (rows, cols) row-major matrix as a (3, rows, cols) image: viridis of
// (v - lo) / (hi - lo), or diverging of v / abs_max.
data::ImageF heatmap(const std::vector<float>& values, int rows, int cols, float lo, float hi);
data::ImageF diverging_heatmap(const std::vector<float>& values, int rows, int cols, float abs_max);

// Channel c of a (C, H, W) plane set, min-max normalised to [0, 1] (a
// constant channel gives 0) and coloured with viridis.
data::ImageF normalized_channel(const std::vector<float>& chw, int H, int W, int c);

struct Figure {
  data::ImageF image;
  std::string caption;    // HTML (escape user text yourself)
  int display_width = 0;  // CSS pixels; 0 = an integer upscale to about 160 px
};

class Report {
 public:
  explicit Report(std::string title);

  // <section id=...><h2>title</h2> ... </section>; `intro` is HTML.
  void begin_section(const std::string& id, const std::string& title,
                     const std::string& intro = "");
  void end_section();
  void heading(const std::string& text);         // <h3>, escaped
  void paragraph(const std::string& html);       // <p>, not escaped
  void figures(const std::vector<Figure>& row);  // one wrapping row of figures
  // A table; cells are HTML (escape user text yourself). `cls` picks a style:
  // "" or "num" (right-aligned numbers after the first column).
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, const std::string& cls = "num");
  void raw(const std::string& html);

  // The whole document; throws if a section is still open.
  std::string document() const;

 private:
  std::string title_, body_, toc_;
  bool open_ = false;
};

}  // namespace mgst::report
