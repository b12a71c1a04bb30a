// The files `mgst purify` reads: images in a file, a folder or (recursive) a
// folder tree, each paired with its mask and given the output path it will
// be written under, mirrored from the input tree. Everything here is decided
// before any pixel is decoded, so a bad listing fails in a second, not after
// hours of compute.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"

namespace mgst::data {

struct InputItem {
  SampleSource source;
  std::string relative_stem;  // "p01/day02/0001": the path under --out, without ".png"
};

struct InputListing {
  std::vector<InputItem> items;  // sorted by relative path
  int skipped_files = 0;         // files without an image extension (.png .jpg .jpeg .bmp)
  int ignored_folders = 0;       // subfolders not descended into (no `recursive`)
};

// Lists `images` (a file or a folder; with `recursive`, its whole tree, less
// anything under `exclude`, e.g. the output folder inside the input) and
// pairs each image with the mask of the same relative stem under `masks` (a
// file, a folder mirroring the image tree, or empty = no masks). Throws, naming
// the files, on a missing mask, two masks of one stem, no images at all, and
// two images that would be written to one output (a.jpg and a.png).
InputListing list_inputs(const std::string& images, const std::string& masks, bool recursive,
                         const std::string& exclude = "");

}  // namespace mgst::data
