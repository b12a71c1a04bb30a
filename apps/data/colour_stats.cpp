#include "apps/data/colour_stats.h"

#include <cmath>

#include "kernels/error.h"

namespace mgst::data {

ColourStats colour_stats(const ImageF& img, const ImageF& weight) {
  MGST_CHECK(img.channels == 3 && weight.channels == 1 && img.height == weight.height &&
                 img.width == weight.width,
             "colour_stats: image " << img.channels << "x" << img.height << "x" << img.width
                                    << " vs weight " << weight.channels << "x" << weight.height
                                    << "x" << weight.width);
  ColourStats s;
  const std::size_t P = std::size_t(img.height) * img.width;
  for (std::size_t p = 0; p < P; ++p) s.weight += weight.data[p];
  if (s.weight <= 0) return s;
  for (int c = 0; c < 3; ++c) {
    double m = 0, v = 0;
    for (std::size_t p = 0; p < P; ++p) m += weight.data[p] * img.data[c * P + p];
    m /= s.weight;
    for (std::size_t p = 0; p < P; ++p) {
      const double d = img.data[c * P + p] - m;
      v += weight.data[p] * d * d;
    }
    s.mean[c] = m;
    s.std[c] = std::sqrt(v / s.weight);
  }
  return s;
}

Json to_json(const ColourStats& s) {
  Json j = Json::object();
  Json m = Json::array(), d = Json::array();
  for (int c = 0; c < 3; ++c) m.push_back(s.mean[c]), d.push_back(s.std[c]);
  j["mean"] = m;
  j["std"] = d;
  j["weight"] = s.weight;
  return j;
}

}  // namespace mgst::data
