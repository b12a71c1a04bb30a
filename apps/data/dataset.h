// From files on disk to training samples: pairing images with masks, label
// maps, the ignore region, and METHOD.md's crops (eye / center / random).
#pragma once
#include <string>
#include <vector>

#include "apps/data/image_io.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace mgst::data {

struct MaskOptions {
  std::vector<int> attention_labels;  // empty: the mask is value/255
  std::vector<int> ignore_labels;     // label values removed from both regions
  bool ignore_black = false;          // image pixels exactly (0,0,0) removed
  bool uses_validity() const { return !ignore_labels.empty() || ignore_black; }
};

enum class CropMode { Center, Random, Eye };
struct CropOptions {
  CropMode mode = CropMode::Center;
  double eye_factor = 1.3;
};
// "eye", "eye:1.5", "center", "random"
CropOptions parse_crop(const std::string& s);
// "96x128" or "128" -> (H, W)
std::pair<int, int> parse_size(const std::string& s);

struct SampleSource {
  std::string image_path;
  std::string mask_path;  // empty: m = 1 everywhere
};

// Images in `images` (a file or a directory of .png/.jpg/.jpeg/.bmp) paired
// with the mask of the same file stem in `masks` (file or directory; empty =
// no masks). A missing mask is an error naming the image; an empty set is an
// error naming the directory.
std::vector<SampleSource> pair_files(const std::string& images, const std::string& masks);

// Reads every pair's headers (no pixel decode) and throws on the first
// unreadable file or image/mask size mismatch, naming the files: a bad pair
// fails the start of a run, not a step hours into it. `what` names the set
// in errors ("content", "style").
void check_pairs(const std::vector<SampleSource>& pairs, const std::string& what);

struct Sample {
  ImageF image;  // (3,H,W)
  ImageF mask;   // (1,H,W) attention m in [0,1]
  ImageF valid;  // (1,H,W) validity v, or empty (v = 1)
  std::string name;
};

// One decoded image with its mask, validity and raw labels, before cropping:
// decoded once, cropped for the net and, in `mgst purify`, pasted back into.
struct DecodedFrame {
  ImageF image;      // (3,H,W)
  ImageF mask;       // (1,H,W)
  ImageF valid;      // (1,H,W) or empty (v = 1)
  LabelMap labels;   // the mask file's raw values; empty without a mask
  std::string name;  // the image's file stem
};
// Decodes the pair (errors name the files); warns like load_sample.
DecodedFrame load_frame(const SampleSource& src, const MaskOptions& masks);

// Where a crop came from, in frame pixels (may extend past the frame: the
// eye crop replicates the edge there).
struct CropBox {
  double top = 0, left = 0, height = 0, width = 0;
};
// The crop of load_sample on a decoded frame; `box` receives its place.
Sample crop_frame(const DecodedFrame& frame, int H, int W, const CropOptions& crop, Rng& rng,
                  CropBox* box = nullptr);
// Resamples `patch` (bilinear) to the box's size and writes it over `frame`
// there, clipped to the frame: the inverse of crop_frame's geometry.
void paste_crop(ImageF& frame, const ImageF& patch, const CropBox& box);

// Loads and crops one sample to (H, W). `rng` is used by the random crop only.
// Warns once per process (naming --attention-labels) when a mask read
// without labels looks like a label map.
Sample load_sample(const SampleSource& src, int H, int W, const MaskOptions& masks,
                   const CropOptions& crop, Rng& rng);

// Draws from `rng` what load_sample with `crop` would, without reading a
// file: a rank of a data-parallel run skips the other ranks' samples and
// stays on the batch's one random sequence.
void skip_sample(const CropOptions& crop, Rng& rng);

// Stacks samples into (N,3,H,W), (N,1,H,W) and, when any has one, (N,1,H,W)
// validity tensors on `device`.
struct Batch {
  Tensor x, m, v;
  std::vector<std::string> names;
};
Batch make_batch(const std::vector<Sample>& samples, Device device);

// Image (3,H,W) <-> tensor row helpers.
ImageF tensor_image(const Tensor& t, int n);  // sample n of (N,C,H,W)

}  // namespace mgst::data
