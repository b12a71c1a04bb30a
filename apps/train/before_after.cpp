#include "apps/train/before_after.h"

#include "kernels/error.h"

namespace mgst::train {

void write_before_after(const std::string& path, const models::TransformNet& net,
                        const std::vector<PurifyInput>& inputs,
                        const std::vector<data::ImageF>& styles) {
  MGST_CHECK(!inputs.empty() && !styles.empty(), path << ": no images for the before/after grid");
  const std::vector<data::ImageF> purified = purify(net, inputs, 4);
  std::vector<data::ImageF> tiles;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tiles.push_back(inputs[i].image);
    tiles.push_back(purified[i]);
    tiles.push_back(styles[i % styles.size()]);
  }
  data::save_png(path, data::image_grid(tiles, 3, 4));
}

}  // namespace mgst::train
