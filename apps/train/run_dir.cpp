#include "apps/train/run_dir.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "apps/train/log_csv.h"
#include "core/io/safetensors.h"
#include "kernels/error.h"

namespace mgst::train {

namespace fs = std::filesystem;

namespace {

// The step of checkpoint_<step>.safetensors, or -1 for any other name.
int64_t kept_step(const std::string& name) {
  const std::string pre = "checkpoint_", post = ".safetensors";
  if (name.size() <= pre.size() + post.size() || name.rfind(pre, 0) != 0 ||
      name.compare(name.size() - post.size(), post.size(), post) != 0)
    return -1;
  const std::string digits = name.substr(pre.size(), name.size() - pre.size() - post.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoll(digits.c_str());
}

std::vector<std::pair<int64_t, fs::path>> kept_checkpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, fs::path>> kept;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const int64_t s = kept_step(it->path().filename().string());
    if (s >= 0) kept.emplace_back(s, it->path());
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

}  // namespace

std::string describe_run(const std::string& dir) {
  const std::string ckpt = dir + "/checkpoint.safetensors", log = dir + "/log.csv";
  std::error_code ec;
  if (fs::exists(ckpt, ec)) {
    try {
      const SafetensorsFile f = read_safetensors(ckpt);
      const auto it = f.metadata.find("step");
      if (it != f.metadata.end()) return "a checkpoint at step " + it->second;
    } catch (const std::exception&) {
    }
    return "a checkpoint (unreadable)";
  }
  if (fs::exists(log, ec)) {
    const std::vector<StepLog> rows = read_log_csv(log);
    return rows.empty() ? "a log.csv without steps"
                        : "a log.csv up to step " + std::to_string(rows.back().step);
  }
  return "";
}

void refuse_to_overwrite(const std::string& dir, bool overwrite) {
  if (overwrite) return;
  const std::string held = describe_run(dir);
  if (held.empty()) return;
  throw Error("--out " + dir + " already holds a run (" + held +
              "): continue it with `mgst train --resume " + shell_quote(dir) +
              "`, or pass --overwrite to start a new run there");
}

void clear_run(const std::string& dir) {
  for (const char* name :
       {"checkpoint.safetensors", "log.csv", "loss.png", "before_after.png", "samples"}) {
    std::error_code ec;
    fs::remove_all(fs::path(dir) / name, ec);
    MGST_CHECK(!ec, dir << "/" << name << ": cannot remove it for --overwrite: " << ec.message());
  }
  for (const auto& [step, path] : kept_checkpoints(dir)) fs::remove(path);
}

void keep_checkpoint_copy(const std::string& dir, int64_t step, int keep) {
  if (keep <= 0) return;
  const fs::path latest = fs::path(dir) / "checkpoint.safetensors";
  const fs::path copy = fs::path(dir) / ("checkpoint_" + std::to_string(step) + ".safetensors");
  std::error_code ec;
  fs::remove(copy, ec);
  // A hard link costs no space while the two names share the file; the next
  // atomic write of the latest replaces that name only, so the copy stays.
  fs::create_hard_link(latest, copy, ec);
  if (ec) fs::copy_file(latest, copy, fs::copy_options::overwrite_existing);
  auto kept = kept_checkpoints(dir);
  for (std::size_t i = 0; i + std::size_t(keep) < kept.size(); ++i) fs::remove(kept[i].second);
}

std::string shell_quote(const std::string& path) {
  if (!path.empty() &&
      path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./"
                             ":=+,@%") == std::string::npos)
    return path;
  std::string q = "'";
  for (char c : path) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace mgst::train
