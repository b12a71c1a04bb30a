#include "apps/cli/cli.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "apps/cli/commands.h"
#include "core/device.h"
#include "kernels/error.h"

namespace mgst::cli {

namespace {

const std::vector<CommandInfo>& subcommands() {
  static const std::vector<CommandInfo> table = command_table();
  return table;
}

void print_usage() {
  std::printf(
      "mgst: mask-guided style transfer for purifying real images\n\n"
      "usage: mgst <command> [options]   (mgst <command> --help for its options)\n\n"
      "commands:\n");
  for (const auto& c : subcommands()) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("\nbackends: cpu%s\n",
              cuda_compiled()
                  ? (cuda_available() ? ", cuda (GPU present)" : ", cuda (built, but no GPU here)")
                  : " (built without CUDA)");
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const auto& c : subcommands()) {
    if (name != c.name) continue;
    std::vector<std::string> args(argv + 2, argv + argc);
    try {
      return c.run(args);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "mgst %s: %s\n(see mgst %s --help)\n", c.name, e.what(), c.name);
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mgst %s: error: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "mgst: unknown command '%s'\n\n", name.c_str());
  print_usage();
  return 2;
}

}  // namespace mgst::cli
