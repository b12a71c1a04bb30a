// The mgst command. All the work is in apps/cli/cli.cpp (library mgst_cli_lib),
// so tests can call the same entry point in-process.
#include "apps/cli/cli.h"

int main(int argc, char** argv) { return mgst::cli::run_cli(argc, argv); }
