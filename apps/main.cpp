// The mgst command. All the work is in apps/cli.cpp (library mgst_app), so
// tests can call the same entry point in-process.
#include "apps/cli.h"

int main(int argc, char** argv) { return mgst::app::run_cli(argc, argv); }
