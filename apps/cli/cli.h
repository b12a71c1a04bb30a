// Entry point of the `mgst` command: dispatches to the subcommands (plus
// `help [CMD]` and `--version` / `version`), catches every error and turns it
// into "mgst <cmd>: error: ..." + exit code 1, or exit code 2 for a
// UsageError (apps/cli/args.h).
#pragma once

namespace mgst::cli {
int run_cli(int argc, char** argv);
}
