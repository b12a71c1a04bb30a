// What a run directory (RUN_DIR of `mgst train`) holds, so that a fresh run
// never silently replaces another one, and the rotation of the checkpoints
// kept beside the latest (--keep-checkpoints).
#pragma once
#include <cstdint>
#include <string>

namespace mgst::train {

// "" when `dir` holds no run; else what it holds, e.g. "a checkpoint at step
// 40" or "a log.csv up to step 12" (a log without a checkpoint: a run killed
// before its first checkpoint).
std::string describe_run(const std::string& dir);
// Throws, naming what `dir` holds and the two ways on (`--resume DIR`,
// `--overwrite`), when it holds a run and `overwrite` is false.
void refuse_to_overwrite(const std::string& dir, bool overwrite);
// Removes the files of the run in `dir` (checkpoints, log, plots, samples),
// so a fresh run started there with --overwrite never mixes with the old one.
void clear_run(const std::string& dir);
// After `dir`/checkpoint.safetensors was written at `step`: keeps it as
// checkpoint_<step>.safetensors too and removes all but the `keep` newest
// such copies. keep = 0: none are kept.
void keep_checkpoint_copy(const std::string& dir, int64_t step, int keep);
// `path` quoted for a POSIX shell when it needs it (for printed commands).
std::string shell_quote(const std::string& path);

}  // namespace mgst::train
