// The subcommands of `mgst`. Each takes its arguments (after the command
// name) and returns the process exit code; errors are thrown (mgst::Error,
// UsageError) and reported by run_cli.
#pragma once
#include <string>
#include <vector>

#include "apps/cli/args.h"

namespace mgst::cli {

struct CommandInfo {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

std::vector<CommandInfo> command_table();

}  // namespace mgst::cli
