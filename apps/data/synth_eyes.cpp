#include "apps/data/synth_eyes.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/error.h"

namespace mgst::data {

namespace {

using Rgb = std::array<float, 3>;

float clamp01(float x) { return std::min(1.f, std::max(0.f, x)); }
float smoothstep(float e0, float e1, float x) {
  const float t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.f - 2.f * t);
}
float mixf(float a, float b, float t) { return a + (b - a) * t; }
Rgb mix(const Rgb& a, const Rgb& b, float t) {
  return {mixf(a[0], b[0], t), mixf(a[1], b[1], t), mixf(a[2], b[2], t)};
}
Rgb scale(const Rgb& a, float s) { return {a[0] * s, a[1] * s, a[2] * s}; }
float uni(Rng& rng, double lo, double hi) { return float(rng.uniform(lo, hi)); }
// Approximately N(0, 1) from one 64-bit draw: the sum of four 16-bit uniforms
// (Irwin-Hall, bounded at +-3.46), ~10x cheaper than Box-Muller; for pixel noise.
float fast_normal(Rng& rng) {
  const uint64_t r = rng.next_u64();
  const float sum = float((r & 0xffff) + ((r >> 16) & 0xffff) + ((r >> 32) & 0xffff) + (r >> 48));
  return (sum * (1.f / 65536.f) - 2.f) * 1.7320508f;
}
Rgb jitter(Rng& rng, Rgb c, float amount) {
  for (auto& v : c) v = clamp01(v + uni(rng, -amount, amount));
  return c;
}

// Smooth value noise in [-1, 1]: random values on a lattice of `cell`-pixel
// squares, interpolated with a smoothstep-weighted bilinear.
class ValueNoise {
 public:
  ValueNoise() = default;
  ValueNoise(Rng& rng, int height, int width, float cell)
      : cell_(cell),
        gw_(int(width / cell) + 3),
        gh_(int(height / cell) + 3),
        v_(std::size_t(gw_) * gh_) {
    for (auto& x : v_) x = float(rng.uniform(-1.0, 1.0));
  }
  float at(float x, float y) const {
    if (v_.empty()) return 0.f;
    const float gx = std::clamp(x / cell_ + 1.f, 0.f, float(gw_ - 2) - 1e-3f);
    const float gy = std::clamp(y / cell_ + 1.f, 0.f, float(gh_ - 2) - 1e-3f);
    const int ix = int(gx), iy = int(gy);
    float fx = gx - ix, fy = gy - iy;
    fx = fx * fx * (3.f - 2.f * fx);
    fy = fy * fy * (3.f - 2.f * fy);
    const float* r0 = &v_[std::size_t(iy) * gw_ + ix];
    const float* r1 = r0 + gw_;
    return mixf(mixf(r0[0], r0[1], fx), mixf(r1[0], r1[1], fx), fy);
  }

 private:
  float cell_ = 1.f;
  int gw_ = 0, gh_ = 0;
  std::vector<float> v_;
};

struct Lash {
  float base_u, base_v;  // root, local coordinates
  float dir_u, dir_v;    // unit direction at the root
  float bend_u, bend_v;  // curl (added quadratically along the lash)
  float length, width;   // pixels
};

// Everything that is task content: identical for both domains.
struct EyeGeometry {
  float cx, cy;        // centre of the eye (pixels)
  float cos_t, sin_t;  // tilt of the eye axis
  float a;             // half-width of the opening
  float h_up, h_lo;    // heights of the upper / lower lid arcs at the middle
  float skew;          // shifts the upper lid's peak (|skew| < 0.35)
  float lid_power;     // < 1 makes the upper lid rounder
  int side;            // +1: inner corner (caruncle) at local u < 0
  float crease_gap, crease_lo_gap;
  float yaw, pitch;
  float iris_u, iris_v;  // iris / pupil centre, local coordinates
  float iris_rx, iris_ry, pupil_frac;
  float glint_du, glint_dv, glint_r;  // offset from the pupil centre, image axes
  std::vector<Lash> lashes;

  // Local frame: u along the eye axis, v across it (down).
  void to_local(float x, float y, float& u, float& v) const {
    const float dx = x - cx, dy = y - cy;
    u = dx * cos_t + dy * sin_t;
    v = -dx * sin_t + dy * cos_t;
  }
  void to_image(float u, float v, float& x, float& y) const {
    x = cx + u * cos_t - v * sin_t;
    y = cy + u * sin_t + v * cos_t;
  }
  float upper_lid(float u) const {  // v of the upper lid (negative = above the axis)
    const float t = u / a;
    const float ts = t + skew * (1.f - t * t);
    const float g = 1.f - ts * ts;
    return -h_up * std::copysign(std::pow(std::fabs(g), lid_power), g);
  }
  float lower_lid(float u) const {
    const float t = u / a;
    return h_lo * (1.f - t * t);
  }
  // Approximate signed distances (pixels, > 0 inside the opening) to each lid.
  float inside_upper(float u, float v) const {
    const float s = upper_lid(u + 0.5f) - upper_lid(u - 0.5f);
    return (v - upper_lid(u)) / std::sqrt(1.f + std::min(s * s, 16.f));
  }
  float inside_lower(float u, float v) const {
    const float s = 2.f * h_lo * u / (a * a);
    return (lower_lid(u) - v) / std::sqrt(1.f + std::min(s * s, 16.f));
  }
};

EyeGeometry sample_geometry(int height, int width, Rng& rng) {
  EyeGeometry g;
  const float s = std::min(float(width), float(height) * 4.f / 3.f);  // eye scale
  g.cx = width * 0.5f + uni(rng, -0.04, 0.04) * s;
  g.cy = height * 0.5f + uni(rng, -0.03, 0.05) * s;
  const float tilt = uni(rng, -0.12, 0.12);
  g.cos_t = std::cos(tilt);
  g.sin_t = std::sin(tilt);
  g.a = uni(rng, 0.34, 0.42) * s;
  g.h_up = uni(rng, 0.36, 0.62) * g.a;
  g.h_lo = uni(rng, 0.24, 0.40) * g.a;
  g.side = rng.uniform() < 0.5 ? 1 : -1;
  // The upper lid peaks toward the inner corner.
  g.skew = -float(g.side) * uni(rng, 0.0, 0.22);
  g.lid_power = uni(rng, 0.75, 1.0);
  g.crease_gap = uni(rng, 0.35, 0.65) * g.h_up;
  g.crease_lo_gap = uni(rng, 0.35, 0.7) * g.h_lo;

  const float iris_r = uni(rng, 0.18, 0.24) * s;
  g.pupil_frac = uni(rng, 0.35, 0.5);
  const float ball = 0.95f * g.a;             // eyeball radius
  const float v0 = 0.5f * (g.h_lo - g.h_up);  // eyeball centre, local v
  const float pupil_r = g.pupil_frac * iris_r;
  const float margin = std::max(2.f, 0.5f * pupil_r);
  bool placed = false;
  for (int attempt = 0; attempt < 48 && !placed; ++attempt) {
    g.yaw = uni(rng, -0.55, 0.55);
    g.pitch = uni(rng, -0.35, 0.3);
    g.iris_u = ball * std::sin(g.yaw);
    g.iris_v = v0 - ball * std::sin(g.pitch);
    placed =
        g.inside_upper(g.iris_u, g.iris_v) > margin && g.inside_lower(g.iris_u, g.iris_v) > margin;
  }
  if (!placed) {  // straight ahead: the middle of the opening
    g.yaw = g.pitch = 0.f;
    g.iris_u = 0.f;
    g.iris_v = v0;
  }
  // The iris disc seen at an angle: foreshortened along the gaze.
  g.iris_rx = iris_r * std::cos(g.yaw);
  g.iris_ry = iris_r * std::cos(g.pitch);

  const float glint_angle = uni(rng, -2.6, -0.6);  // mostly above the pupil
  const float glint_dist = uni(rng, 0.3, 0.9) * pupil_r;
  g.glint_du = glint_dist * std::cos(glint_angle);
  g.glint_dv = glint_dist * std::sin(glint_angle);
  g.glint_r = std::max(1.0f, uni(rng, 0.18, 0.3) * pupil_r);

  // Eyelashes: q = position along the lid, -1 inner corner .. +1 outer corner.
  const int n_upper = int(rng.randint(12)) + 18;
  const int n_lower = int(rng.randint(6)) + 6;
  const float side = float(g.side);
  for (int i = 0; i < n_upper + n_lower; ++i) {
    const bool upper = i < n_upper;
    Lash l;
    // Upper lashes crowd toward the outer corner and fan out toward it.
    const float q = upper ? -0.65f + 1.62f * std::sqrt(uni(rng, 0.0, 1.0)) : uni(rng, -0.2, 0.92);
    const float u = q * side * g.a;
    const float phi = (upper ? 0.2f + 0.85f * q : 0.35f + 0.7f * q) + uni(rng, -0.12, 0.12);
    const float down = upper ? -1.f : 1.f;  // upper lashes grow up (-v)
    l.base_u = u;
    l.base_v = upper ? g.upper_lid(u) - 0.5f : g.lower_lid(u) + 0.5f;
    l.dir_u = side * std::sin(phi);
    l.dir_v = down * std::cos(phi);
    // Curl: the tip bends further toward the outer corner (and, up top, back down).
    const float curl = upper ? uni(rng, 0.3, 0.6) : uni(rng, 0.0, 0.2);
    l.bend_u = side * std::cos(phi) * curl;
    l.bend_v = -down * std::sin(phi) * curl;
    l.length = (upper ? uni(rng, 0.055, 0.095) : uni(rng, 0.022, 0.04)) * s;
    l.width = std::max(0.6f, (upper ? 0.008f : 0.005f) * s);
    g.lashes.push_back(l);
  }
  return g;
}

// The appearance of one rendering (colours, texture strength).
struct Palette {
  Rgb skin, sclera, iris, collarette, pupil, lash;
  float skin_texture = 0.f;  // amplitude of low-frequency blotches
  float skin_grain = 0.f;    // amplitude of pore-scale noise
  float iris_detail = 0.f;   // 0 = two sinusoids only, 1 = fibre texture
  float lid_shadow = 0.3f;   // darkening of the eyeball under the upper lid
};

Palette synthetic_palette(Rng& rng) {
  static const Rgb kSkins[] = {{0.90f, 0.74f, 0.64f},
                               {0.86f, 0.69f, 0.58f},
                               {0.81f, 0.63f, 0.52f},
                               {0.93f, 0.79f, 0.70f}};
  static const Rgb kIris[][2] = {
      {{0.40f, 0.52f, 0.62f}, {0.56f, 0.60f, 0.58f}},  // blue-grey
      {{0.48f, 0.54f, 0.58f}, {0.60f, 0.60f, 0.54f}},  // grey
      {{0.42f, 0.27f, 0.15f}, {0.56f, 0.40f, 0.22f}},  // brown
      {{0.30f, 0.19f, 0.11f}, {0.44f, 0.30f, 0.17f}},  // dark brown
  };
  Palette p;
  p.skin = jitter(rng, kSkins[rng.randint(4)], 0.012f);
  const auto& iris = kIris[rng.randint(4)];
  p.iris = jitter(rng, iris[0], 0.02f);
  p.collarette = jitter(rng, iris[1], 0.02f);
  p.sclera = {0.96f, 0.95f, 0.94f};
  p.pupil = {0.03f, 0.03f, 0.035f};
  p.lash = {0.10f, 0.07f, 0.06f};
  p.skin_texture = 0.012f;
  p.skin_grain = 0.0f;
  p.iris_detail = 0.f;
  p.lid_shadow = 0.22f;
  return p;
}

Palette real_palette(Rng& rng) {
  static const Rgb kIris[][2] = {
      {{0.20f, 0.12f, 0.07f}, {0.30f, 0.19f, 0.10f}},  // dark brown
      {{0.38f, 0.23f, 0.12f}, {0.50f, 0.34f, 0.16f}},  // brown
      {{0.42f, 0.36f, 0.20f}, {0.52f, 0.38f, 0.18f}},  // hazel
      {{0.34f, 0.44f, 0.30f}, {0.50f, 0.44f, 0.24f}},  // green
      {{0.36f, 0.48f, 0.64f}, {0.52f, 0.56f, 0.56f}},  // blue
      {{0.48f, 0.50f, 0.53f}, {0.56f, 0.54f, 0.48f}},  // grey
  };
  Palette p;
  const Rgb light = {0.95f, 0.80f, 0.72f}, dark = {0.40f, 0.26f, 0.18f};
  p.skin = jitter(rng, mix(light, dark, std::pow(uni(rng, 0.0, 1.0), 1.4f)), 0.04f);
  const auto& iris = kIris[rng.randint(6)];
  p.iris = jitter(rng, iris[0], 0.05f);
  p.collarette = jitter(rng, iris[1], 0.05f);
  p.sclera = jitter(rng, {0.88f, 0.84f, 0.80f}, 0.04f);
  p.pupil = jitter(rng, {0.05f, 0.045f, 0.05f}, 0.02f);
  p.lash = jitter(rng, {0.09f, 0.07f, 0.06f}, 0.03f);
  p.skin_texture = uni(rng, 0.04, 0.08);
  p.skin_grain = uni(rng, 0.025, 0.05);
  p.iris_detail = 1.f;
  p.lid_shadow = uni(rng, 0.3, 0.5);
  return p;
}

// What render() draws per pixel from: the textures, the fixed per-image
// values and the lid and crease tables (drawn and built once per image).
struct RenderContext {
  const EyeGeometry& g;
  const Palette& p;
  float s, k;  // eye scale, line-width scale
  const ValueNoise &blotch, &mid, &grain;
  const std::array<float, 96>& fibres;
  float fib_k1, fib_k2, fib_p1, fib_p2;
  float open_h, inner_u, iris_r, q, glint_x, glint_y;
  float u_range;
  int n_tab;
  const std::vector<float>& crease_tab;
  float lookup(const std::vector<float>& tab, float u) const {
    const float f = std::clamp((u + u_range) * 4.f, 0.f, float(n_tab - 1) - 1e-3f);
    const int i = int(f);
    return mixf(tab[i], tab[i + 1], f - i);
  }
};

// The skin's colour at pixel (x, y), local (u, v), t = u / a, with the signed
// distances e_up and e_lo to the lids: texture, creases, orbit shading, lash line.
Rgb skin_colour(const RenderContext& rc, int x, int y, float u, float v, float t, float e_up,
                float e_lo) {
  const EyeGeometry& g = rc.g;
  const Palette& p = rc.p;
  const float s = rc.s, k = rc.k;
  const ValueNoise &blotch = rc.blotch, &mid = rc.mid, &grain = rc.grain;
  auto lookup = [&](const std::vector<float>& tab, float uu) { return rc.lookup(tab, uu); };
  const std::vector<float>& crease_tab = rc.crease_tab;
  const float tex =
      p.skin_texture * (blotch.at(x, y) + 0.5f * mid.at(x, y)) + p.skin_grain * grain.at(x, y);
  float shade = 1.f + tex;
  // Upper crease: a line above the upper lid, shadowed above it.
  const float tc = u / (g.a * 1.1f);
  const float gc = std::max(0.f, 1.f - tc * tc);
  if (gc > 0.f) {
    const float dc = v - lookup(crease_tab, u);  // > 0 below the crease (on the lid)
    const float w = 1.3f * k, sg = std::sqrt(gc);
    if (std::fabs(dc) < 4.f * w) shade -= 0.28f * sg * std::exp(-(dc * dc) / (w * w));
    shade -=
        0.10f * sg * smoothstep(0.f, 6.f * k, -dc) * (1.f - smoothstep(6.f * k, 40.f * k, -dc));
    if (dc > 0.f && e_up < 0.f) shade += 0.04f * sg;  // the lid catches light
  }
  // Lower crease: faint, below the lower lid.
  const float dl = v - (g.h_lo + g.crease_lo_gap) * (1.f - t * t * 0.8f);
  if (std::fabs(t) < 1.1f && std::fabs(dl) < 4.f * k)
    shade -= 0.07f * std::exp(-(dl * dl) / (2.f * k * k));
  // Brow-ridge / orbit shading toward the top of the crop.
  shade -= 0.10f * smoothstep(0.f, 1.f, -(v + g.h_up + g.crease_gap) / (0.5f * s));
  // Lash line along the upper lid, a dim margin along the lower one.
  const float d = (e_up + 1.4f * k) / (1.2f * k);
  if (std::fabs(d) < 4.f) shade -= 0.75f * std::exp(-d * d) * smoothstep(1.15f, 0.9f, std::fabs(t));
  const float dlo = (e_lo + 0.9f * k) / (0.9f * k);
  if (std::fabs(dlo) < 4.f)
    shade -= 0.25f * std::exp(-dlo * dlo) * smoothstep(1.1f, 0.8f, std::fabs(t));
  return scale(p.skin, std::max(0.f, shade));
}

// The eyeball's colour at pixel (x, y) (sclera, caruncle, iris, pupil,
// shading and glint); du, dv, rho: the iris-normalised offset and radius.
Rgb eyeball_colour(const RenderContext& rc, int x, int y, float u, float v, float t, float e_up,
                   float du, float dv, float rho) {
  const EyeGeometry& g = rc.g;
  const Palette& p = rc.p;
  const std::array<float, 96>& fibres = rc.fibres;
  const float fib_k1 = rc.fib_k1, fib_k2 = rc.fib_k2, fib_p1 = rc.fib_p1, fib_p2 = rc.fib_p2;
  const float open_h = rc.open_h, inner_u = rc.inner_u, iris_r = rc.iris_r, q = rc.q;
  const float glint_x = rc.glint_x, glint_y = rc.glint_y;
  Rgb eye = p.sclera;
  // Caruncle: pink at the inner corner; the corners are pinker.
  const float cu = (u - inner_u) / (0.12f * g.a), cv = v / (0.22f * open_h);
  const float cr = cu * cu + cv * cv;
  if (cr < 16.f) eye = mix(eye, {0.86f, 0.55f, 0.55f}, 0.85f * std::exp(-cr));
  eye = mix(eye, {0.92f, 0.78f, 0.76f}, 0.35f * smoothstep(0.6f, 1.0f, std::fabs(t)));
  if (rho < 1.f + 1.5f / iris_r) {
    const float phi = std::atan2(dv, du);
    float fib = 0.5f * std::sin(fib_k1 * phi + fib_p1) + 0.3f * std::sin(fib_k2 * phi + fib_p2);
    if (p.iris_detail > 0.f) {
      const float fpos = (phi + float(M_PI)) / (2.f * float(M_PI)) * 96.f;
      const int i0 = int(fpos) % 96, i1 = (i0 + 1) % 96;
      const float f = fpos - std::floor(fpos);
      fib = mixf(fib, mixf(fibres[i0], fibres[i1], f) * 0.6f, p.iris_detail);
    }
    Rgb iris = scale(p.iris, 0.85f + 0.18f * fib * smoothstep(q, q + 0.15f, rho));
    iris = mix(iris, p.collarette, 0.7f * (1.f - smoothstep(q + 0.05f, q + 0.3f, rho)));
    iris = scale(iris, 1.f - 0.55f * smoothstep(0.75f, 1.f, rho));  // limbal ring
    eye = mix(eye, iris, clamp01((1.f - rho) * iris_r + 0.5f));
    eye = mix(eye, p.pupil, clamp01((q - rho) * iris_r + 0.5f));
  }
  // Spherical fall-off toward the corners and the upper lid's shadow.
  const float ball_shade = (1.f - 0.12f * t * t) *
                           (1.f - p.lid_shadow * std::exp(-std::max(0.f, e_up) / (0.15f * open_h)));
  eye = scale(eye, ball_shade);
  const float gx = (x - glint_x) / g.glint_r, gy = (y - glint_y) / g.glint_r;
  const float gr = gx * gx + gy * gy;
  if (gr < 9.f) {
    const float glint = 0.95f * std::exp(-gr * 1.5f);
    for (auto& c : eye) c += (1.f - c) * glint;
  }
  return eye;
}

// Eyelashes: stamped along quadratic curves, on the skin only (open_cov: how
// much of each pixel the eyelid opening covers).
void draw_lashes(const EyeGeometry& g, const Palette& p, const std::vector<float>& open_cov,
                 SynthEye& out) {
  const int H = out.image.height, W = out.image.width;
  const std::size_t plane = std::size_t(H) * W;
  std::vector<float> lash_alpha(plane, 0.f);
  for (const Lash& l : g.lashes) {
    const float step = 0.4f / l.length;
    for (float f = 0.f; f <= 1.f; f += step) {
      const float lu = l.base_u + l.length * (f * l.dir_u + f * f * l.bend_u);
      const float lv = l.base_v + l.length * (f * l.dir_v + f * f * l.bend_v);
      float px, py;
      g.to_image(lu, lv, px, py);
      const float half = 0.5f * l.width * (1.f - 0.6f * f);
      const int x0 = std::max(0, int(std::floor(px - half - 1))),
                x1 = std::min(W - 1, int(std::ceil(px + half + 1)));
      const int y0 = std::max(0, int(std::floor(py - half - 1))),
                y1 = std::min(H - 1, int(std::ceil(py + half + 1)));
      for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
          const float d = std::sqrt((x - px) * (x - px) + (y - py) * (y - py));
          const float a = 0.9f * clamp01(half + 0.5f - d);
          float& dst = lash_alpha[std::size_t(y) * W + x];
          dst = std::max(dst, a);
        }
    }
  }
  for (std::size_t i = 0; i < plane; ++i) {
    const float a = lash_alpha[i] * (1.f - open_cov[i]);
    if (a <= 0.f) continue;
    for (int c = 0; c < 3; ++c)
      out.image.data[c * plane + i] = mixf(out.image.data[c * plane + i], p.lash[c], a);
  }
}

// Renders the geometry with a palette into a (3, H, W) image and the two masks.
void render(const EyeGeometry& g, const Palette& p, Rng& rng, SynthEye& out) {
  const int H = out.image.height, W = out.image.width;
  const float s = std::min(float(W), float(H) * 4.f / 3.f);
  const float k = s / 128.f;  // line widths scale with the eye

  // Textures (drawn from the Rng in a fixed order).
  ValueNoise blotch(rng, H, W, 14.f * k), mid(rng, H, W, 5.f * k), grain(rng, H, W, 1.6f * k);
  std::array<float, 96> fibres{};
  for (auto& f : fibres) f = float(rng.normal());
  const float fib_k1 = float(rng.randint(10) + 14), fib_k2 = float(rng.randint(12) + 30);
  const float fib_p1 = uni(rng, 0.0, 6.3), fib_p2 = uni(rng, 0.0, 6.3);

  const float open_h = g.h_up + g.h_lo;
  const float inner_u = -float(g.side) * g.a * 0.9f;
  const float iris_r = std::min(g.iris_rx, g.iris_ry);
  const float q = g.pupil_frac;
  float glint_x, glint_y;
  g.to_image(g.iris_u, g.iris_v, glint_x, glint_y);
  glint_x += g.glint_du;
  glint_y += g.glint_dv;

  // The lid and crease curves as tables over local u (step 1/4 px): the
  // per-pixel pow()s dominated the render time.
  const float u_range = std::sqrt(float(H * H + W * W)) + 2.f;
  const int n_tab = int(8.f * u_range) + 2;
  std::vector<float> up_tab(n_tab), crease_tab(n_tab);
  for (int i = 0; i < n_tab; ++i) {
    const float u = -u_range + 0.25f * i;
    up_tab[i] = g.upper_lid(u);
    const float tc = u / (g.a * 1.1f);
    const float gc = std::max(0.f, 1.f - tc * tc);
    crease_tab[i] = -(g.h_up + g.crease_gap) * std::pow(gc, 0.6f);
  }
  const RenderContext rc{g,      p,      s,       k,       blotch,  mid,    grain,
                         fibres, fib_k1, fib_k2,  fib_p1,  fib_p2,  open_h, inner_u,
                         iris_r, q,      glint_x, glint_y, u_range, n_tab,  crease_tab};
  const std::size_t plane = std::size_t(H) * W;
  std::vector<float> open_cov(plane);
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) {
      const std::size_t idx = std::size_t(y) * W + x;
      float u, v;
      g.to_local(float(x), float(y), u, v);
      const float t = u / g.a;
      float e_up;
      {
        const float slope = rc.lookup(up_tab, u + 0.5f) - rc.lookup(up_tab, u - 0.5f);
        e_up = (v - rc.lookup(up_tab, u)) / std::sqrt(1.f + std::min(slope * slope, 16.f));
      }
      const float e_lo = g.inside_lower(u, v);
      const float e_open = std::min(e_up, e_lo);
      const float c_open = clamp01(e_open + 0.5f);
      open_cov[idx] = c_open;

      // Iris ellipse in normalised radius rho (1 = limbus).
      const float du = (u - g.iris_u) / g.iris_rx, dv = (v - g.iris_v) / g.iris_ry;
      const float rho = std::sqrt(du * du + dv * dv);
      const bool in_open = e_open > 0.f, in_iris = rho < 1.f;
      out.eye_mask.data[idx] = in_open ? 1.f : 0.f;
      out.mask.data[idx] = (in_open && in_iris) ? 1.f : 0.f;

      // ---- skin (only where the opening does not cover the pixel) ----
      const Rgb skin =
          c_open < 1.f ? skin_colour(rc, x, y, u, v, t, e_up, e_lo) : Rgb{0.f, 0.f, 0.f};

      // ---- eyeball: sclera, iris, pupil, glint (only inside the opening) ----
      const Rgb eye =
          c_open > 0.f ? eyeball_colour(rc, x, y, u, v, t, e_up, du, dv, rho) : p.sclera;
      for (int c = 0; c < 3; ++c) out.image.data[c * plane + idx] = mixf(skin[c], eye[c], c_open);
    }
  }

  draw_lashes(g, p, open_cov, out);
}

// Separable Gaussian blur of each channel, edges clamped.
void gaussian_blur(ImageF& im, float sigma) {
  const int r = std::max(1, int(std::ceil(2.f * sigma)));
  std::vector<float> w(2 * r + 1);
  float sum = 0.f;
  for (int i = -r; i <= r; ++i) sum += w[i + r] = std::exp(-0.5f * i * i / (sigma * sigma));
  for (auto& v : w) v /= sum;
  const int H = im.height, W = im.width;
  std::vector<float> tmp(std::size_t(H) * W);
  for (int c = 0; c < im.channels; ++c) {
    float* p = im.data.data() + std::size_t(c) * H * W;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        float acc = 0.f;
        for (int i = -r; i <= r; ++i)
          acc += w[i + r] * p[std::size_t(y) * W + std::clamp(x + i, 0, W - 1)];
        tmp[std::size_t(y) * W + x] = acc;
      }
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        float acc = 0.f;
        for (int i = -r; i <= r; ++i)
          acc += w[i + r] * tmp[std::size_t(std::clamp(y + i, 0, H - 1)) * W + x];
        p[std::size_t(y) * W + x] = acc;
      }
  }
}

// Outdoor capture: blur, illumination gradient, shadow, colour cast,
// exposure/contrast, sensor noise.
void apply_outdoor_capture(ImageF& im, Rng& rng) {
  const int H = im.height, W = im.width;
  const std::size_t plane = std::size_t(H) * W;
  const float s = std::min(float(W), float(H) * 4.f / 3.f);

  gaussian_blur(im, uni(rng, 0.5, 1.2) * s / 128.f);

  // A smooth gradient between `lo` and `hi` along a random direction.
  const float dir = uni(rng, 0.0, 2.0 * M_PI);
  const float lo = uni(rng, 0.4, 0.85), hi = uni(rng, 1.05, 1.6);
  const float half_diag = 0.5f * std::sqrt(float(H * H + W * W));
  const float dir_x = std::cos(dir), dir_y = std::sin(dir);
  // A soft shadow blob (most of the time), bluish (lit by the sky only).
  const bool shadow = rng.uniform() < 0.65;
  const float sh_x = uni(rng, 0.0, W), sh_y = uni(rng, 0.0, H);
  const float sh_rx = uni(rng, 0.2, 0.5) * s, sh_ry = uni(rng, 0.2, 0.5) * s;
  const float sh_depth = uni(rng, 0.3, 0.65);
  // Colour cast.
  static const Rgb kCasts[] = {
      {1.15f, 1.00f, 0.78f},  // warm sun
      {1.25f, 0.95f, 0.66f},  // golden hour
      {0.82f, 0.95f, 1.18f},  // blue shade
      {0.95f, 1.00f, 1.06f},  // overcast
      {0.94f, 1.05f, 0.88f},  // green foliage bounce
      {1.00f, 1.00f, 1.00f},  // neutral
  };
  Rgb cast = kCasts[rng.randint(6)];
  for (auto& c : cast) c *= uni(rng, 0.92, 1.08);
  // Exposure and contrast, then a tone curve.
  const float gain = uni(rng, 0.75, 1.4);
  const float contrast = uni(rng, 0.55, 1.15);
  const float offset = uni(rng, -0.06, 0.12);
  const float gamma = uni(rng, 0.75, 1.35);
  const float sigma = uni(rng, 0.02, 0.05);
  constexpr int kToneSteps = 256;  // v^gamma as a table
  std::array<float, kToneSteps + 1> tone;
  for (int i = 0; i <= kToneSteps; ++i) tone[i] = std::pow(float(i) / kToneSteps, gamma);

  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const float proj = ((x - 0.5f * W) * dir_x + (y - 0.5f * H) * dir_y) / half_diag;
      const float light = mixf(lo, hi, 0.5f * (proj + 1.f));
      Rgb shade = {light, light, light};
      if (shadow) {
        const float dx = (x - sh_x) / sh_rx, dy = (y - sh_y) / sh_ry;
        const float inside = 1.f - smoothstep(0.55f, 1.15f, std::sqrt(dx * dx + dy * dy));
        const Rgb tint = {1.f, 0.93f, 0.8f};
        for (int c = 0; c < 3; ++c) shade[c] *= 1.f - sh_depth * tint[c] * inside;
      }
      const std::size_t idx = std::size_t(y) * W + x;
      for (int c = 0; c < 3; ++c) {
        float v = im.data[c * plane + idx] * shade[c] * cast[c] * gain;
        v = clamp01((v - 0.5f) * contrast + 0.5f + offset) * float(kToneSteps);
        const int i = std::min(int(v), kToneSteps - 1);
        im.data[c * plane + idx] = mixf(tone[i], tone[i + 1], v - i);
      }
    }
  for (auto& v : im.data) v = clamp01(v + sigma * fast_normal(rng));
}

}  // namespace

const char* eye_domain_name(EyeDomain domain) {
  return domain == EyeDomain::Real ? "real" : "synthetic";
}

SynthEye generate_eye(EyeDomain domain, int height, int width, Rng& rng) {
  MGST_CHECK(height >= 16 && width >= 16 && height <= 4096 && width <= 4096,
             "generate_eye: size " << height << "x" << width
                                   << " out of range (each side must be in [16, 4096])");
  SynthEye eye;
  eye.image = ImageF(3, height, width);
  eye.mask = ImageF(1, height, width);
  eye.eye_mask = ImageF(1, height, width);

  // Geometry first, so both domains share it for the same Rng state.
  const EyeGeometry g = sample_geometry(height, width, rng);
  g.to_image(g.iris_u, g.iris_v, eye.pupil_x, eye.pupil_y);
  eye.gaze_yaw = g.yaw;
  eye.gaze_pitch = g.pitch;

  if (domain == EyeDomain::Synthetic) {
    const Palette p = synthetic_palette(rng);
    render(g, p, rng, eye);
    for (auto& v : eye.image.data) v = clamp01(v + 0.004f * fast_normal(rng));
  } else {
    const Palette p = real_palette(rng);
    render(g, p, rng, eye);
    apply_outdoor_capture(eye.image, rng);
  }
  return eye;
}

std::vector<SynthEye> generate_eye_set(EyeDomain domain, int count, int height, int width,
                                       uint64_t seed) {
  MGST_CHECK(count >= 0, "generate_eye_set: negative count " << count);
  std::vector<SynthEye> eyes;
  eyes.reserve(count);
  for (int i = 0; i < count; ++i) {
    Rng rng(seed ^ (0x9e3779b97f4a7c15ULL * uint64_t(i + 1)));
    eyes.push_back(generate_eye(domain, height, width, rng));
  }
  return eyes;
}

}  // namespace mgst::data
