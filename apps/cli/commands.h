// The subcommands of `mgst`. Each takes its arguments (after the command
// name) and returns the process exit code; errors are thrown (mgst::Error,
// UsageError) and reported by run_cli.
#pragma once
#include <functional>
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

// Runs `body` as one rank of an mpirun job (apps/train/distributed.h; a plain
// call outside one): only rank 0's stdout is kept, and an error on any rank
// ends the whole job (MPI_Abort) with a message naming the rank and the cause.
int run_as_rank(const char* command, const std::function<int()>& body);

}  // namespace mgst::cli
