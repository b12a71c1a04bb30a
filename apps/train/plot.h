// Loss curves as a PNG line chart, rasterised here (no plotting library):
// white background, axes with ticks and grid, linear or log y, one colour per
// series, a legend, text drawn with stb_easy_font.
#pragma once
#include <string>
#include <vector>

namespace mgst::train {

struct PlotOptions {
  enum class YScale { Auto, Linear, Log };
  int width = 800, height = 500;
  // Auto: log when every finite value is > 0 and they span more than a
  // factor of 20 (losses usually span decades).
  YScale y_scale = YScale::Auto;
  std::string x_label = "step";
  std::string y_label = "loss";
  // x of point i is x_start + i * x_step (e.g. steps logged every 10).
  double x_start = 0, x_step = 1;
  // Series longer than this also get a moving-average line drawn over the
  // faint raw curve (0 = never smooth).
  int smooth_above = 200;
};

// Writes a PNG (atomically) of `series[k]` (y per step; NaN/Inf points and,
// on a log axis, non-positive points are skipped) named `series_names[k]`.
// Throws when the name and series counts differ or the size is unreasonable.
void write_loss_plot(const std::string& path, const std::vector<std::string>& series_names,
                     const std::vector<std::vector<double>>& series, const std::string& title,
                     const PlotOptions& options = {});

}  // namespace mgst::train
