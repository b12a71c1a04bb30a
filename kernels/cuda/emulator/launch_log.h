// The emulator's count of kernel runs, for tests (no device keywords: safe
// to include from plain host code).
#pragma once
#include <map>
#include <string>

namespace mgst::emu {

// How often each kernel has run (by its name at the launch site, e.g.
// "instance_norm_forward_kernel"), since the process started: what a test
// reads to see which kernels a step launches (in place of which others).
// A captured graph's kernels count at each replay.
std::map<std::string, long long> launch_counts();

}  // namespace mgst::emu
