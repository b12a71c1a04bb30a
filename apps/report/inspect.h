// The `mgst inspect` report: one self-contained HTML page walking METHOD.md's
// pipeline for one content/style pair (apps/report/inspect.cpp lists the
// sections; one function each).
#pragma once
#include <string>

#include "apps/data/dataset.h"
#include "core/io/safetensors.h"
#include "losses/objective.h"
#include "models/transform_net.h"
#include "models/vgg19.h"

namespace mgst::report {

struct InspectInputs {
  data::SampleSource content, style;  // the files (named in the summary)
  data::Sample content_sample, style_sample;
  int H = 0, W = 0;
  Device device = Device::cpu();
  models::TransformNet* net = nullptr;          // --trace runs a backward through it
  std::string model_description;                // "PATH (step N)" or "untrained (seed S)"
  std::string model_path;                       // "" when untrained: no training log
  const SafetensorsFile* model_file = nullptr;  // its metadata (the run's loss weights)
  const models::Vgg19* vgg = nullptr;
  std::string vgg_path;
  losses::LossConfig loss;
  // The task network psi of L_psi (--task-net; null: no such term), its file.
  const models::LossNetwork* task_net = nullptr;
  std::string task_net_path;
  int channels = 8;    // feature-map channels shown per layer
  bool trace = false;  // add the autograd tape of one training step
};

// Runs the pipeline once, writes the report to `out_path` (atomically) and
// prints the loss terms and the path; with `trace` also prints the tape.
void write_inspect_report(const InspectInputs& in, const std::string& out_path);

}  // namespace mgst::report
