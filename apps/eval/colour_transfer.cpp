#include "apps/eval/colour_transfer.h"

#include <algorithm>
#include <cmath>

#include "kernels/error.h"

namespace mgst::eval {

namespace {
constexpr double kMinStd = 1e-3;  // flat channels are shifted, not blown up
constexpr double kMinWeight = 1e-6;

data::ImageF weight_of(const data::ImageF& mask, const data::ImageF& valid, bool attention, int H,
                       int W) {
  data::ImageF w(1, H, W, 1.f);
  for (std::size_t p = 0; p < w.data.size(); ++p) {
    const float m = mask.data.empty() ? 1.f : mask.data[p];
    const float v = valid.data.empty() ? 1.f : valid.data[p];
    w.data[p] = (attention ? m : 1.f - m) * v;
  }
  return w;
}

// Per channel affine map taking `src` statistics to `dst`'s.
struct Affine {
  double a[3] = {1, 1, 1}, b[3] = {0, 0, 0};
};
Affine matching(const data::ColourStats& src, const data::ColourStats& dst) {
  Affine f;
  if (src.weight < kMinWeight || dst.weight < kMinWeight) return f;  // identity
  for (int c = 0; c < 3; ++c) {
    f.a[c] = dst.std[c] / std::max(src.std[c], kMinStd);
    f.b[c] = dst.mean[c] - f.a[c] * src.mean[c];
  }
  return f;
}
}  // namespace

data::ColourStats pool_stats(const std::vector<data::ColourStats>& parts) {
  data::ColourStats out;
  double sq[3] = {0, 0, 0};
  for (const auto& s : parts) {
    out.weight += s.weight;
    for (int c = 0; c < 3; ++c) {
      out.mean[c] += s.weight * s.mean[c];
      sq[c] += s.weight * (s.std[c] * s.std[c] + s.mean[c] * s.mean[c]);
    }
  }
  if (out.weight <= 0) return data::ColourStats{};
  for (int c = 0; c < 3; ++c) {
    out.mean[c] /= out.weight;
    out.std[c] = std::sqrt(std::max(0.0, sq[c] / out.weight - out.mean[c] * out.mean[c]));
  }
  return out;
}

StyleColourStats style_colour_stats(const std::vector<const data::ImageF*>& images,
                                    const std::vector<const data::ImageF*>& masks,
                                    const std::vector<const data::ImageF*>& valids) {
  MGST_CHECK(images.size() == masks.size() && images.size() == valids.size(),
             "style_colour_stats: " << images.size() << " images, " << masks.size() << " masks, "
                                    << valids.size() << " validities");
  std::vector<data::ColourStats> g, a, b;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const int H = images[i]->height, W = images[i]->width;
    const data::ImageF none;
    const data::ImageF& v = valids[i] ? *valids[i] : none;
    g.push_back(data::colour_stats(*images[i], weight_of(none, v, true, H, W)));
    a.push_back(data::colour_stats(*images[i], weight_of(*masks[i], v, true, H, W)));
    b.push_back(data::colour_stats(*images[i], weight_of(*masks[i], v, false, H, W)));
  }
  return {pool_stats(g), pool_stats(a), pool_stats(b)};
}

data::ImageF global_colour_transfer(const data::ImageF& img, const data::ImageF& valid,
                                    const data::ColourStats& target) {
  const int H = img.height, W = img.width;
  const Affine f = matching(data::colour_stats(img, weight_of({}, valid, true, H, W)), target);
  data::ImageF out = img;
  const std::size_t P = std::size_t(H) * W;
  for (int c = 0; c < 3; ++c)
    for (std::size_t p = 0; p < P; ++p)
      out.data[c * P + p] = float(f.a[c] * img.data[c * P + p] + f.b[c]);
  return out;
}

data::ImageF region_colour_transfer(const data::ImageF& img, const data::ImageF& mask,
                                    const data::ImageF& valid, const StyleColourStats& target) {
  const int H = img.height, W = img.width;
  MGST_CHECK(mask.height == H && mask.width == W && mask.channels == 1,
             "region_colour_transfer: mask does not fit the image");
  const Affine fa =
      matching(data::colour_stats(img, weight_of(mask, valid, true, H, W)), target.att);
  const Affine fb =
      matching(data::colour_stats(img, weight_of(mask, valid, false, H, W)), target.bkgd);
  data::ImageF out = img;
  const std::size_t P = std::size_t(H) * W;
  for (int c = 0; c < 3; ++c)
    for (std::size_t p = 0; p < P; ++p) {
      const double x = img.data[c * P + p], m = mask.data[p];
      out.data[c * P + p] = float(m * (fa.a[c] * x + fa.b[c]) + (1 - m) * (fb.a[c] * x + fb.b[c]));
    }
  return out;
}

}  // namespace mgst::eval
