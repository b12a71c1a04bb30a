// `mgst demo`, the main job out of the box: generates a small eye dataset
// (real-like outdoor photos and synthetic-like renders, with masks), trains
// the purifier on it, purifies held-out real eyes and writes a before/after
// grid, the loss plot, log.csv and summary.json. With the defaults and a
// task network (`mgst demo` trains one: eval::train_task_network) the
// purifier is the one `mgst taskeval --demo --seed S` trains and scores
// (same data seeds, size, steps and weights; docs/RESULTS.md).
#pragma once
#include <cstdint>
#include <string>

#include "core/device.h"

namespace mgst::train {

struct DemoConfig {
  std::string out = "demo_out";
  std::string device = "auto";
  std::string precision = kDefaultPrecision;  // CUDA arithmetic (core/device.h)
  int steps = 150;
  int height = 48, width = 64;
  int count = 48;  // generated images per domain, >= 2
  uint64_t seed = 0;
  bool eye_region = true;  // attention = the eyelid opening (else iris + pupil)
  // A saved pupil regressor (models/pupil_regressor.h): the task-network
  // style term with w_psi auto (train --task-net); empty: VGG alone.
  std::string task_net;
};

void run_demo(const DemoConfig& config);

}  // namespace mgst::train
