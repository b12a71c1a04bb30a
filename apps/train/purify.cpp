#include "apps/train/purify.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "apps/train/duration.h"
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

namespace {

// One progress line on stderr: rewritten in place on a terminal; in a log
// (not a terminal) a line every few seconds, so the file stays readable.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), tty_(isatty(2) != 0) {}
  void update(std::size_t done) {
    const double t = seconds();
    const bool last = done == total_;
    if (!last && t - shown_ < (tty_ ? 0.2 : 5.0)) return;
    shown_ = t;
    const double rate = t > 0 ? double(done) / t : 0.0;
    const std::string eta = rate > 0 ? duration_text(double(total_ - done) / rate) : "?";
    std::fprintf(stderr, "%spurify: %zu/%zu images, %.1f images/s, ETA %s%s", tty_ ? "\r" : "",
                 done, total_, rate, eta.c_str(), tty_ && !last ? "   " : "\n");
    std::fflush(stderr);
  }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::size_t total_;
  bool tty_;
  double shown_ = -1e9;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Decodes, purifies and writes items [b0, b1) under `dir`.
void purify_chunk(const models::TransformNet& net, const data::InputListing& inputs, std::size_t b0,
                  std::size_t b1, const PurifyOptions& o, const std::string& dir) {
  const bool sized = o.height > 0;
  std::vector<data::DecodedFrame> frames;
  std::vector<data::CropBox> boxes(b1 - b0);
  std::vector<PurifyInput> batch;
  for (std::size_t i = b0; i < b1; ++i) {
    frames.push_back(data::load_frame(inputs.items[i].source, o.masks));
    data::DecodedFrame& f = frames.back();
    if (sized) {
      Rng rng(0);  // unused: purify's crops are deterministic
      data::Sample s = data::crop_frame(f, o.height, o.width, o.crop, rng, &boxes[i - b0]);
      batch.push_back({std::move(s.image), std::move(s.mask)});
    } else {
      batch.push_back({std::move(f.image), std::move(f.mask)});
    }
  }
  const std::vector<data::ImageF> out = purify(net, batch, int(batch.size()));
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::string path = dir + "/" + inputs.items[b0 + k].relative_stem + ".png";
    ensure_directory(std::filesystem::path(path).parent_path().string());
    if (sized && !o.write_crop) {
      data::paste_crop(frames[k].image, out[k], boxes[k]);
      data::save_png(path, frames[k].image);
    } else {
      data::save_png(path, out[k]);
    }
  }
}

// Refuses an output that would replace one of the inputs (--out inside the
// input folder, without a subfolder of its own).
void check_not_inputs(const data::InputListing& inputs, const std::string& out_dir) {
  namespace fs = std::filesystem;
  for (const auto& it : inputs.items) {
    const fs::path o = fs::weakly_canonical(fs::path(out_dir) / (it.relative_stem + ".png"));
    MGST_CHECK(o != fs::weakly_canonical(it.source.image_path) &&
                   (it.source.mask_path.empty() || o != fs::weakly_canonical(it.source.mask_path)),
               o.string() << ": the output would overwrite an input; choose another --out");
  }
}

}  // namespace

void purify_files(const models::TransformNet& net, const data::InputListing& inputs,
                  const PurifyOptions& o) {
  namespace fs = std::filesystem;
  MGST_CHECK(o.batch >= 1, "purify: --batch " << o.batch << " must be >= 1");
  ensure_directory(o.out_dir);
  check_not_inputs(inputs, o.out_dir);
  const std::string stage = o.out_dir + "/.mgst_purify_partial_" + std::to_string(getpid());
  const std::size_t n = inputs.items.size();
  Progress progress(n);
  try {
    fs::remove_all(stage);
    ensure_directory(stage);
    for (std::size_t b0 = 0; b0 < n; b0 += std::size_t(o.batch)) {
      const std::size_t b1 = std::min(n, b0 + std::size_t(o.batch));
      purify_chunk(net, inputs, b0, b1, o, stage);
      progress.update(b1);
    }
    for (const auto& it : inputs.items) {
      const fs::path to = fs::path(o.out_dir) / (it.relative_stem + ".png");
      ensure_directory(to.parent_path().string());
      fs::rename(fs::path(stage) / (it.relative_stem + ".png"), to);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(stage, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(stage, ec);
  std::printf("purified %zu images into %s in %.1f s", n, o.out_dir.c_str(), progress.seconds());
  if (inputs.skipped_files > 0) std::printf("; %d non-image files skipped", inputs.skipped_files);
  if (inputs.ignored_folders > 0)
    std::printf("; %d subfolders not read (--recursive reads them)", inputs.ignored_folders);
  std::printf("\n");
}

}  // namespace mgst::train
