// Entry point of the `mgst` command: dispatches to the subcommands, catches
// every mgst::Error and turns it into "mgst <cmd>: error: ..." + exit code 1.
#pragma once

namespace mgst::cli {
int run_cli(int argc, char** argv);
}
