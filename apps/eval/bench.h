// The runner behind `mgst bench`: times a training step and inference on
// synthetic in-memory inputs and prints the report (apps/eval/bench.cpp
// says what is timed and how).
#pragma once
#include <cstdint>

#include "core/device.h"

namespace mgst::eval {

struct BenchConfig {
  Device device = Device::cpu();
  int height = 256, width = 256, batch = 4;
  int steps = 5, warmup = 1, infer_steps = 10;
  int top = 15;            // rows of the by-shape breakdown
  uint64_t seed = 0;       // inputs and weights
  bool json = false;       // one JSON object on stdout (progress stays on stderr)
  bool trace = true;       // one extra traced step for the per-op breakdown
  bool cuda_graph = true;  // CUDA: replay the step as a CUDA Graph (--no-cuda-graph)
};

// Prints progress to stderr and the report (text or JSON) to stdout.
void run_bench(const BenchConfig& config);

}  // namespace mgst::eval
