#include "apps/train/purify.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/autograd.h"
#include "core/indexing.h"
#include "core/io/fileio.h"
#include "kernels/error.h"

namespace mgst::train {

data::ImageF pad_to_multiple(const data::ImageF& img, int m) {
  const int H = (img.height + m - 1) / m * m, W = (img.width + m - 1) / m * m;
  if (H == img.height && W == img.width) return img;
  data::ImageF out(img.channels, H, W);
  // Reflection (edge excluded) needs the image to be larger than the pad;
  // tiny images fall back to repeating the edge.
  auto src = [](int i, int n) { return n > 1 ? std::min(reflect_index(i, n), n - 1) : 0; };
  for (int c = 0; c < img.channels; ++c)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        out.at(c, y, x) =
            img.at(c, std::max(0, src(y, img.height)), std::max(0, src(x, img.width)));
  return out;
}

std::vector<data::ImageF> purify(const models::TransformNet& net,
                                 const std::vector<PurifyInput>& inputs, int batch) {
  NoGradGuard no_grad;
  MGST_CHECK(batch >= 1, "purify: batch " << batch);
  std::vector<data::ImageF> out(inputs.size());
  // Group by padded size so each forward pass is one batch tensor.
  std::map<std::pair<int, int>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    MGST_CHECK(in.image.channels == 3 && in.mask.channels == 1 &&
                   in.mask.height == in.image.height && in.mask.width == in.image.width,
               "purify: image " << i << " and its mask differ in size");
    groups[{(in.image.height + 3) / 4 * 4, (in.image.width + 3) / 4 * 4}].push_back(i);
  }
  const Device dev = net.device();
  for (const auto& [hw, idx] : groups) {
    const auto [H, W] = hw;
    for (std::size_t b0 = 0; b0 < idx.size(); b0 += batch) {
      const std::size_t n = std::min<std::size_t>(batch, idx.size() - b0);
      std::vector<float> x, m;
      for (std::size_t k = 0; k < n; ++k) {
        const auto& in = inputs[idx[b0 + k]];
        const data::ImageF pi = pad_to_multiple(in.image, 4), pm = pad_to_multiple(in.mask, 4);
        x.insert(x.end(), pi.data.begin(), pi.data.end());
        m.insert(m.end(), pm.data.begin(), pm.data.end());
      }
      const int64_t N = int64_t(n);
      const Tensor y = net.forward(Tensor::from_vector({N, 3, H, W}, x, dev),
                                   Tensor::from_vector({N, 1, H, W}, m, dev));
      const std::vector<float> yv = y.to_vector();
      for (std::size_t k = 0; k < n; ++k) {
        const auto& in = inputs[idx[b0 + k]];
        data::ImageF o(3, in.image.height, in.image.width);
        for (int c = 0; c < 3; ++c)
          for (int yy = 0; yy < o.height; ++yy)
            for (int xx = 0; xx < o.width; ++xx)
              o.at(c, yy, xx) = yv[((k * 3 + c) * H + yy) * W + xx];
        out[idx[b0 + k]] = std::move(o);
      }
    }
  }
  return out;
}

void purify_files(const models::TransformNet& net, const std::vector<data::SampleSource>& sources,
                  const data::MaskOptions& masks, int batch, const std::string& out_dir) {
  std::vector<PurifyInput> inputs;
  std::vector<std::string> names;
  for (const auto& s : sources) {
    const data::ImageU8 probe = data::load_image(s.image_path);
    Rng rng(0);
    const data::Sample smp =
        data::load_sample(s, probe.height, probe.width, masks, data::CropOptions{}, rng);
    inputs.push_back({smp.image, smp.mask});
    names.push_back(smp.name);
  }
  const auto outputs = purify(net, inputs, batch);
  ensure_directory(out_dir);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string path = out_dir + "/" + names[i] + ".png";
    data::save_png(path, outputs[i]);
    std::printf("[%zu/%zu] %s\n", i + 1, outputs.size(), path.c_str());
  }
}

}  // namespace mgst::train
