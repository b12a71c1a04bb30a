#include "apps/cli/cli.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "apps/cli/commands.h"
#include "core/device.h"
#include "core/version.h"
#include "kernels/error.h"

namespace mgst::cli {

namespace {

const std::vector<CommandInfo>& subcommands() {
  static const std::vector<CommandInfo> table = command_table();
  return table;
}

const CommandInfo* find_command(const std::string& name) {
  for (const auto& c : subcommands())
    if (name == c.name) return &c;
  return nullptr;
}

void print_usage() {
  std::printf(
      "mgst %s: mask-guided style transfer for purifying real images\n\n"
      "usage: mgst <command> [options]   (mgst help <command>, or mgst <command> --help,\n"
      "                                   for its options; mgst --version)\n\n"
      "commands:\n",
      version_string().c_str());
  for (const auto& c : subcommands()) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("  %-10s %s\n", "help", "this list, or one command's options (mgst help CMD)");
  std::printf("  %-10s %s\n", "version", "print the version (also mgst --version)");
  std::printf("\nbackends: cpu%s\n",
              cuda_compiled()
                  ? (cuda_available() ? ", cuda (GPU present)" : ", cuda (built, but no GPU here)")
                  : " (built without CUDA)");
  std::printf(
      "exit status: 0 done, 1 error, 2 usage error (a bad command line); MGST_DEBUG=1 adds\n"
      "the source location to error messages\n");
}

// "mgst: unknown command 'trian' (did you mean train?)" + the command list: exit 2.
int unknown_command(const std::string& name) {
  std::vector<std::string> names{"help", "version"};
  for (const auto& c : subcommands()) names.push_back(c.name);
  std::fprintf(stderr, "mgst: unknown command '%s'%s\n\n", name.c_str(),
               did_you_mean(name, names).c_str());
  print_usage();
  return 2;
}

// mgst version / mgst --version: "mgst 0.1.0 (git <commit>)" on stdout.
int version_command(const std::string& name, const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::printf(
        "usage: mgst version\n\nPrints the version (CMake's project version and the git\n"
        "commit the build was configured at), as checkpoints and JSON record it.\n");
    return 0;
  }
  if (!args.empty()) {
    std::fprintf(stderr, "mgst %s: takes no arguments\n", name.c_str());
    return 2;
  }
  std::printf("mgst %s\n", version_string().c_str());
  return 0;
}

// The one place errors become messages and exit codes: a UsageError (the
// command line is wrong) exits 2, anything else 1. An mgst::Error's source
// location is for developers, so it is shown only with MGST_DEBUG=1.
int run_command(const CommandInfo& c, const std::vector<std::string>& args) {
  try {
    return c.run(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "mgst %s: %s\n(see mgst %s --help)\n", c.name, e.what(), c.name);
    return 2;
  } catch (const Error& e) {
    const char* debug = std::getenv("MGST_DEBUG");
    const bool show_where = debug && !std::strcmp(debug, "1") && !e.where().empty();
    std::fprintf(stderr, "mgst %s: error: %s%s\n", c.name, e.what(),
                 show_where ? (" (" + e.where() + ")").c_str() : "");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mgst %s: error: %s\n", c.name, e.what());
    return 1;
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    print_usage();
    return 2;
  }
  const std::string name = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (name == "--help" || name == "-h" || (name == "help" && args.empty())) {
    print_usage();
    return 0;
  }
  if (name == "--version" || name == "version") return version_command(name, args);
  if (name == "help") {  // mgst help CMD = mgst CMD --help
    if (args.size() > 1) {
      std::fprintf(stderr, "mgst help: give one command (mgst help CMD)\n");
      return 2;
    }
    if (args[0] == "help") return print_usage(), 0;
    if (args[0] == "version") return version_command(args[0], {"--help"});
    const CommandInfo* c = find_command(args[0]);
    return c ? run_command(*c, {"--help"}) : unknown_command(args[0]);
  }
  const CommandInfo* c = find_command(name);
  return c ? run_command(*c, args) : unknown_command(name);
}

}  // namespace mgst::cli
