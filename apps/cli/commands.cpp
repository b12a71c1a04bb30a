#include "apps/cli/commands.h"

#include <cstdio>

#include "apps/train/distributed.h"

namespace mgst::cli {

int cmd_train(const std::vector<std::string>& args);
int cmd_purify(const std::vector<std::string>& args);
int cmd_eval(const std::vector<std::string>& args);
int cmd_demo(const std::vector<std::string>& args);
int cmd_inspect(const std::vector<std::string>& args);
int cmd_taskeval(const std::vector<std::string>& args);
int cmd_masks(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);

std::vector<CommandInfo> command_table() {
  return {
      {"demo", "generate a built-in eye dataset, train, purify, write figures (the main job)",
       cmd_demo},
      {"train", "train the purifier on your data", cmd_train},
      {"purify", "purify real images with a trained model", cmd_purify},
      {"export", "a trained model as weights only (safetensors) or as an ONNX graph", cmd_export},
      {"eval", "the loss terms of docs/METHOD.md for one content/style pair, as JSON", cmd_eval},
      {"taskeval",
       "does purification help the task? pupil error raw vs purified vs baselines, with intervals",
       cmd_taskeval},
      {"masks", "attention masks (and iris centres) from UnityEyes landmarks by polygon fill",
       cmd_masks},
      {"inspect", "an HTML report walking the pipeline for one sample (--trace: the autograd tape)",
       cmd_inspect},
      {"bench", "time a training step and inference (images/s, memory, per-op breakdown)",
       cmd_bench},
  };
}

int run_as_rank(const char* command, const std::function<int()>& body) {
  const train::World& w = train::world();  // before anything touches the GPU
  if (!w.root()) (void)!std::freopen("/dev/null", "w", stdout);
  try {
    return body();
  } catch (const UsageError& e) {
    train::abort_job_if_distributed(command, e.what(), 2);
    throw;
  } catch (const std::exception& e) {
    train::abort_job_if_distributed(command, e.what(), 1);
    throw;
  }
}

}  // namespace mgst::cli
