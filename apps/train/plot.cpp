#include "apps/train/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "apps/data/image_io.h"
#include "kernels/error.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb_easy_font.h>  // header-only, every function static
#pragma GCC diagnostic pop

namespace mgst::train {

namespace {

struct Rgb {
  float r, g, b;
};
Rgb rgb8(int r, int g, int b) { return {r / 255.f, g / 255.f, b / 255.f}; }

// tab10, matplotlib's default cycle.
const Rgb kPalette[] = {rgb8(31, 119, 180),  rgb8(255, 127, 14),  rgb8(44, 160, 44),
                        rgb8(214, 39, 40),   rgb8(148, 103, 189), rgb8(140, 86, 75),
                        rgb8(227, 119, 194), rgb8(127, 127, 127), rgb8(188, 189, 34),
                        rgb8(23, 190, 207)};
const Rgb kBlack = rgb8(0, 0, 0), kText = rgb8(40, 40, 40), kGrid = rgb8(225, 225, 225),
          kAxis = rgb8(90, 90, 90), kWhite = rgb8(255, 255, 255);

// ---- Canvas with coverage-based anti-aliasing -------------------------------------

struct Canvas {
  int w, h;
  data::ImageF img;  // (3, h, w)
  Canvas(int w_, int h_) : w(w_), h(h_), img(3, h_, w_, 1.f) {}

  void blend(int x, int y, Rgb c, float a) {
    if (x < 0 || y < 0 || x >= w || y >= h || a <= 0) return;
    a = std::min(a, 1.f);
    float* p0 = &img.at(0, y, x);
    float* p1 = &img.at(1, y, x);
    float* p2 = &img.at(2, y, x);
    *p0 += (c.r - *p0) * a;
    *p1 += (c.g - *p1) * a;
    *p2 += (c.b - *p2) * a;
  }

  // Axis-aligned rectangle [x0, x1) x [y0, y1) in pixel coordinates, each
  // pixel weighted by the share of its area covered.
  void fill_rect(float x0, float y0, float x1, float y1, Rgb c, float a = 1.f) {
    if (x1 <= x0 || y1 <= y0) return;
    const int ix0 = std::max(0, int(std::floor(x0))), ix1 = std::min(w - 1, int(std::ceil(x1)) - 1);
    const int iy0 = std::max(0, int(std::floor(y0))), iy1 = std::min(h - 1, int(std::ceil(y1)) - 1);
    for (int y = iy0; y <= iy1; ++y) {
      const float cy = std::min(y1, y + 1.f) - std::max(y0, float(y));
      for (int x = ix0; x <= ix1; ++x) {
        const float cx = std::min(x1, x + 1.f) - std::max(x0, float(x));
        blend(x, y, c, a * cx * cy);
      }
    }
  }
};

// Per-series coverage, so overlapping segments of one polyline do not
// darken their joints; composited once.
struct Layer {
  int w, h;
  int cx0, cy0, cx1, cy1;  // clip rectangle, inclusive
  std::vector<float> cov;
  Layer(int w_, int h_, int x0, int y0, int x1, int y1)
      : w(w_), h(h_), cx0(x0), cy0(y0), cx1(x1), cy1(y1), cov(std::size_t(w_) * h_, 0.f) {}

  // Round-capped segment of half-width r.
  void segment(double ax, double ay, double bx, double by, double r) {
    const int x0 = std::max(cx0, int(std::floor(std::min(ax, bx) - r - 1)));
    const int x1 = std::min(cx1, int(std::ceil(std::max(ax, bx) + r + 1)));
    const int y0 = std::max(cy0, int(std::floor(std::min(ay, by) - r - 1)));
    const int y1 = std::min(cy1, int(std::ceil(std::max(ay, by) + r + 1)));
    const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double px = x + 0.5 - ax, py = y + 0.5 - ay;
        double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
        t = std::clamp(t, 0.0, 1.0);
        const double ex = px - t * dx, ey = py - t * dy;
        const float c = float(std::clamp(r + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0));
        float& v = cov[std::size_t(y) * w + x];
        v = std::max(v, c);
      }
  }

  void composite(Canvas& canvas, Rgb c, float a) const {
    for (int y = cy0; y <= cy1; ++y)
      for (int x = cx0; x <= cx1; ++x) {
        const float v = cov[std::size_t(y) * w + x];
        if (v > 0) canvas.blend(x, y, c, a * v);
      }
  }
};

// ---- Text (stb_easy_font quads) ---------------------------------------------------

std::string printable(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (c < 32 || c > 126) c = '?';
  return out;
}

float text_width(const std::string& s, float scale) {
  std::string t = printable(s);
  return float(stb_easy_font_width(t.data())) * scale;
}
constexpr float kGlyphHeight = 7.f;  // cap height in font units

enum class Align { Left, Center, Right };

// Draws `s` with its top-left (after alignment) at (x, y); vertical text
// reads bottom to top and is anchored at its baseline start.
void draw_text(Canvas& cv, const std::string& s, float x, float y, float scale, Rgb c,
               Align align = Align::Left, bool vertical = false) {
  std::string t = printable(s);
  if (t.empty()) return;
  std::vector<char> buf(t.size() * 1200 + 64);  // 64 bytes per quad, <= ~18 quads a glyph
  const int quads = stb_easy_font_print(0, 0, t.data(), nullptr, buf.data(), int(buf.size()));
  const float wdt = text_width(t, scale);
  const float shift = align == Align::Left ? 0.f : (align == Align::Center ? wdt / 2 : wdt);
  // Snapped origin of the unrotated glyph box, so strokes start on pixel
  // boundaries (crisper text).
  const float ox = vertical ? std::round(x) : std::round(x - shift);
  const float oy = vertical ? std::round(y + shift) : std::round(y);
  for (int q = 0; q < quads; ++q) {
    float qx0 = 1e9f, qy0 = 1e9f, qx1 = -1e9f, qy1 = -1e9f;
    for (int v = 0; v < 4; ++v) {
      float vx, vy;
      std::memcpy(&vx, buf.data() + (q * 4 + v) * 16, 4);
      std::memcpy(&vy, buf.data() + (q * 4 + v) * 16 + 4, 4);
      qx0 = std::min(qx0, vx), qx1 = std::max(qx1, vx);
      qy0 = std::min(qy0, vy), qy1 = std::max(qy1, vy);
    }
    if (!vertical) {
      cv.fill_rect(ox + qx0 * scale, oy + qy0 * scale, ox + qx1 * scale, oy + qy1 * scale, c);
    } else {  // rotate 90 degrees counter-clockwise: (u, v) -> (v, -u)
      cv.fill_rect(ox + qy0 * scale, oy - qx1 * scale, ox + qy1 * scale, oy - qx0 * scale, c);
    }
  }
}

// ---- Axes ----------------------------------------------------------------------------

double nice_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  const double step = nice_step(hi - lo, target);
  std::vector<double> t;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return t;
}

std::string format_linear(double v, double step) {
  char buf[64];
  const double a = std::max(std::fabs(v), step);
  if (a >= 1e6 || (a < 1e-3 && v != 0)) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  } else if (step >= 1) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    const int dec = std::clamp(int(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
    std::snprintf(buf, sizeof buf, "%.*f", dec, v);
  }
  return buf;
}

std::string format_log(double v) {
  char buf[64];
  const double e = std::log10(v);
  if (v >= 1e-3 && v < 1e5)
    std::snprintf(buf, sizeof buf, "%g", v);
  else if (std::fabs(e - std::round(e)) < 1e-9)
    std::snprintf(buf, sizeof buf, "1e%d", int(std::round(e)));
  else
    std::snprintf(buf, sizeof buf, "%.0e", v);
  return buf;
}

// The y axis: scale and range in the axis' own units (log10 on a log axis).
struct YAxis {
  bool log_y = false, any = false;  // any: some value is finite
  double lo = 0, hi = 1;
  double fwd(double v) const { return log_y ? std::log10(v) : v; }
};

YAxis y_axis(const std::vector<std::vector<double>>& series, const PlotOptions& opt) {
  // Scale and range over every finite value.
  double ymin = std::numeric_limits<double>::infinity(), ymax = -ymin, pos_min = ymin;
  for (const auto& s : series) {
    for (const double v : s) {
      if (!std::isfinite(v)) continue;
      ymin = std::min(ymin, v), ymax = std::max(ymax, v);
      if (v > 0) pos_min = std::min(pos_min, v);
    }
  }
  const bool any = std::isfinite(ymin);
  bool log_y = opt.y_scale == PlotOptions::YScale::Log;
  if (opt.y_scale == PlotOptions::YScale::Auto) log_y = any && ymin > 0 && ymax / ymin > 20;
  if (log_y && !std::isfinite(pos_min)) log_y = false;  // nothing positive to show
  if (log_y) ymin = pos_min;
  if (!any) ymin = 0, ymax = 1;

  // Data range -> axis range with a 5% margin, in the axis' own units.
  YAxis a;
  a.log_y = log_y, a.any = any;
  double lo = a.fwd(ymin), hi = a.fwd(ymax);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double d = log_y ? 0.5 : std::max(std::fabs(hi) * 0.1, 0.5);
    lo -= d, hi += d;
  } else {
    const double pad = 0.05 * (hi - lo);
    lo -= pad, hi += pad;
  }

  a.lo = lo, a.hi = hi;
  return a;
}

// Y ticks (values, not axis units) and their labels.
void y_ticks(const YAxis& a, std::vector<double>& yt, std::vector<std::string>& yl) {
  const bool log_y = a.log_y;
  const double lo = a.lo, hi = a.hi;
  if (log_y) {
    const double span = hi - lo;
    const std::vector<double> mult =
        span > 2.5 ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
    if (span >= 0.6) {
      const int step = span > 12 ? int(std::ceil(span / 8)) : 1;
      for (int e = int(std::floor(lo)); e <= int(std::ceil(hi)); ++e) {
        if (e % step) continue;
        for (const double m : mult) {
          const double v = m * std::pow(10.0, e);
          if (std::log10(v) >= lo && std::log10(v) <= hi) yt.push_back(v);
        }
      }
      for (const double v : yt) yl.push_back(format_log(v));
    } else {  // less than ~half a decade: linear ticks placed logarithmically
      const auto t = linear_ticks(std::pow(10.0, lo), std::pow(10.0, hi), 5);
      const double step = t.size() > 1 ? t[1] - t[0] : 1;
      for (const double v : t)
        if (v > 0) yt.push_back(v), yl.push_back(format_linear(v, step));
    }
  } else {
    yt = linear_ticks(lo, hi, 6);
    const double step = yt.size() > 1 ? yt[1] - yt[0] : 1;
    for (const double v : yt) yl.push_back(format_linear(v, step));
  }
}

// The plot area in pixels and the maps from data to pixels.
struct PlotArea {
  YAxis y;
  double x0 = 0, x1 = 1;
  int left = 0, right = 0, top = 0, bottom = 0;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * (right - left); }
  double py(double v) const { return bottom - (y.fwd(v) - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

// Faint raw curve (min/max envelope per pixel column when dense), then a
// moving average when long, else the raw curve at full strength.
void draw_series(Canvas& cv, const PlotArea& pa, const std::vector<double>& s, Rgb col,
                 const PlotOptions& opt) {
  const int W = cv.img.width, H = cv.img.height;
  const int left = pa.left, right = pa.right, top = pa.top, bottom = pa.bottom;
  const double x0 = pa.x0;
  const bool log_y = pa.y.log_y;
  auto px = [&](double x) { return pa.px(x); };
  auto py = [&](double v) { return pa.py(v); };
  auto ok = [&](double v) { return std::isfinite(v) && (!log_y || v > 0); };
  const bool smooth = opt.smooth_above > 0 && int(s.size()) > opt.smooth_above;
  {
    Layer raw(W, H, left, top, right - 1, bottom - 1);
    const std::size_t cols = std::size_t(right - left);
    if (s.size() > 2 * cols) {
      // Dense: per column, a vertical bar from min to max, linked to the
      // next column's bar.
      std::vector<double> cmin(cols, INFINITY), cmax(cols, -INFINITY);
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (!ok(s[i])) continue;
        const std::size_t c =
            std::min(cols - 1, std::size_t(px(x0 + double(i) * opt.x_step) - left));
        const double y = py(s[i]);
        cmin[c] = std::min(cmin[c], y), cmax[c] = std::max(cmax[c], y);
      }
      std::size_t prev = cols;
      for (std::size_t c = 0; c < cols; ++c) {
        if (!std::isfinite(cmin[c])) continue;
        const double xc = left + c + 0.5;
        raw.segment(xc, cmin[c], xc, cmax[c], 0.6);
        if (prev != cols)
          raw.segment(left + prev + 0.5, 0.5 * (cmin[prev] + cmax[prev]), xc,
                      0.5 * (cmin[c] + cmax[c]), 0.6);
        prev = c;
      }
    } else {
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (!ok(s[i])) continue;
        const double ax = px(x0 + double(i) * opt.x_step), ay = py(s[i]);
        if (i + 1 < s.size() && ok(s[i + 1]))
          raw.segment(ax, ay, px(x0 + double(i + 1) * opt.x_step), py(s[i + 1]),
                      smooth ? 0.6 : 1.0);
        else if (i == 0 || !ok(s[i - 1]))  // isolated point
          raw.segment(ax, ay, ax, ay, 2.0);
      }
    }
    raw.composite(cv, col, smooth ? 0.3f : 1.f);
  }
  if (smooth) {
    // Centred moving average over finite (and, on a log axis, positive) values.
    const std::size_t n = s.size();
    const std::size_t half = std::max<std::size_t>(1, n / 100);
    std::vector<double> sum(n + 1, 0), cnt(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      sum[i + 1] = sum[i] + (ok(s[i]) ? s[i] : 0);
      cnt[i + 1] = cnt[i] + (ok(s[i]) ? 1 : 0);
    }
    std::vector<double> avg(n, NAN);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t a = i >= half ? i - half : 0, b = std::min(n, i + half + 1);
      if (cnt[b] > cnt[a]) avg[i] = (sum[b] - sum[a]) / (cnt[b] - cnt[a]);
    }
    Layer sm(W, H, left, top, right - 1, bottom - 1);
    const std::size_t stride = std::max<std::size_t>(1, n / std::size_t(2 * (right - left)));
    std::size_t prev = n;
    for (std::size_t i = 0; i < n; i += stride) {
      if (!ok(avg[i])) continue;
      if (prev != n)
        sm.segment(px(x0 + double(prev) * opt.x_step), py(avg[prev]),
                   px(x0 + double(i) * opt.x_step), py(avg[i]), 1.1);
      prev = i;
    }
    sm.composite(cv, col, 1.f);
  }
}

// Top right inside the plot.
void draw_legend(Canvas& cv, const PlotArea& pa, const std::vector<std::string>& series_names,
                 float s_legend) {
  const int right = pa.right, top = pa.top;
  float name_w = 0;
  for (const auto& n : series_names) name_w = std::max(name_w, text_width(n, s_legend));
  const float row = 18, pad = 8, swatch = 22;
  const float bw = pad + swatch + 6 + name_w + pad;
  const float bh = pad + row * float(series_names.size()) - (row - kGlyphHeight * s_legend) + pad;
  const float bx = right - 10 - bw, by = top + 10;
  cv.fill_rect(bx, by, bx + bw, by + bh, kWhite, 0.88f);
  cv.fill_rect(bx, by, bx + bw, by + 1, kGrid);
  cv.fill_rect(bx, by + bh - 1, bx + bw, by + bh, kGrid);
  cv.fill_rect(bx, by, bx + 1, by + bh, kGrid);
  cv.fill_rect(bx + bw - 1, by, bx + bw, by + bh, kGrid);
  for (std::size_t k = 0; k < series_names.size(); ++k) {
    const float ty = by + pad + row * float(k);
    const float cy = ty + kGlyphHeight * s_legend / 2;
    cv.fill_rect(bx + pad, cy - 1.f, bx + pad + swatch, cy + 1.5f,
                 kPalette[k % std::size(kPalette)]);
    draw_text(cv, series_names[k], bx + pad + swatch + 6, ty, s_legend, kText);
  }
}

}  // namespace

void write_loss_plot(const std::string& path, const std::vector<std::string>& series_names,
                     const std::vector<std::vector<double>>& series, const std::string& title,
                     const PlotOptions& opt) {
  MGST_CHECK(series_names.size() == series.size(),
             path << ": write_loss_plot: " << series_names.size() << " names for " << series.size()
                  << " series");
  MGST_CHECK(opt.width >= 200 && opt.height >= 150 && opt.width <= 8192 && opt.height <= 8192,
             path << ": write_loss_plot: size " << opt.width << "x" << opt.height
                  << " outside 200x150 .. 8192x8192");
  MGST_CHECK(std::isfinite(opt.x_start) && std::isfinite(opt.x_step) && opt.x_step > 0,
             path << ": write_loss_plot: x_step must be positive");

  std::size_t n_max = 0;
  for (const auto& s : series) n_max = std::max(n_max, s.size());
  PlotArea pa;
  pa.y = y_axis(series, opt);
  const bool log_y = pa.y.log_y, any = pa.y.any;
  std::vector<double> yt;
  std::vector<std::string> yl;
  y_ticks(pa.y, yt, yl);

  // X range and ticks.
  pa.x0 = opt.x_start;
  pa.x1 = n_max > 1 ? opt.x_start + double(n_max - 1) * opt.x_step : pa.x0 + opt.x_step;
  const std::vector<double> xt = linear_ticks(pa.x0, pa.x1, 7);
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1;

  // Layout.
  const float s_title = 2.f, s_label = 1.5f, s_tick = 1.5f, s_legend = 1.5f;
  float ytick_w = 0;
  for (const auto& l : yl) ytick_w = std::max(ytick_w, text_width(l, s_tick));
  const int W = opt.width, H = opt.height;
  const int left = pa.left = int(std::ceil(12 + kGlyphHeight * s_label + 10 + ytick_w + 8));
  const int right = pa.right = W - 24;
  const int top = pa.top = title.empty() ? 20 : int(14 + kGlyphHeight * s_title + 14);
  const int bottom = pa.bottom =
      H - int(std::ceil(8 + kGlyphHeight * s_tick + 12 + kGlyphHeight * s_label + 12));
  MGST_CHECK(right - left >= 50 && bottom - top >= 50,
             path << ": write_loss_plot: " << W << "x" << H << " is too small for the labels");
  auto px = [&](double x) { return pa.px(x); };
  auto py = [&](double v) { return pa.py(v); };

  Canvas cv(W, H);
  // Grid, then the frame.
  for (const double v : yt)
    cv.fill_rect(left, float(std::round(py(v))), right, float(std::round(py(v))) + 1, kGrid);
  for (const double v : xt)
    cv.fill_rect(float(std::round(px(v))), top, float(std::round(px(v))) + 1, bottom, kGrid);

  for (std::size_t k = 0; k < series.size(); ++k)
    draw_series(cv, pa, series[k], kPalette[k % std::size(kPalette)], opt);

  // Frame, ticks, labels.
  cv.fill_rect(left - 1, top, left, bottom + 1, kAxis);
  cv.fill_rect(left - 1, bottom, right, bottom + 1, kAxis);
  cv.fill_rect(right - 1, top, right, bottom, kAxis);
  cv.fill_rect(left - 1, top - 1, right, top, kAxis);
  const float tick_h = kGlyphHeight * s_tick;
  for (std::size_t i = 0; i < yt.size(); ++i) {
    const float y = float(std::round(py(yt[i])));
    cv.fill_rect(left - 6, y, left - 1, y + 1, kAxis);
    draw_text(cv, yl[i], left - 9, y - tick_h / 2 + 0.5f, s_tick, kText, Align::Right);
  }
  for (const double v : xt) {
    const float x = float(std::round(px(v)));
    cv.fill_rect(x, bottom + 1, x + 1, bottom + 6, kAxis);
    draw_text(cv, format_linear(v, xstep), x + 0.5f, bottom + 10, s_tick, kText, Align::Center);
  }
  const std::string ylab = opt.y_label + (log_y ? " (log scale)" : "");
  draw_text(cv, opt.x_label, 0.5f * (left + right), H - 10 - kGlyphHeight * s_label, s_label, kText,
            Align::Center);
  draw_text(cv, ylab, 12, 0.5f * (top + bottom), s_label, kText, Align::Center, true);
  if (!title.empty())
    draw_text(cv, title, 0.5f * (left + right), 14, s_title, kBlack, Align::Center);
  if (!any)
    draw_text(cv, "(no finite values)", 0.5f * (left + right), 0.5f * (top + bottom), s_label,
              kAxis, Align::Center);

  if (!series_names.empty()) draw_legend(cv, pa, series_names, s_legend);

  data::save_png(path, cv.img);
}

}  // namespace mgst::train
