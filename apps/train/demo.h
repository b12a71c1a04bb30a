// `mgst demo`, the main job out of the box: generates a small eye dataset
// (real-like outdoor photos and synthetic-like renders, with masks), trains
// the purifier on it, purifies held-out real eyes and writes a before/after
// grid, the loss plot, log.csv and summary.json.
#pragma once
#include <cstdint>
#include <string>

#include "core/device.h"

namespace mgst::train {

struct DemoConfig {
  std::string out = "demo_out";
  std::string device = "auto";
  std::string precision = kDefaultPrecision;  // CUDA arithmetic (core/device.h)
  int steps = 200;
  int height = 72, width = 96;
  int count = 48;  // generated images per domain, >= 2
  uint64_t seed = 0;
  bool eye_region = true;  // attention = the eyelid opening (else iris + pupil)
};

void run_demo(const DemoConfig& config);

}  // namespace mgst::train
