// The mgst version, one string for everything that records or prints it:
// `mgst --version`, checkpoint metadata, eval/bench JSON, the inspect report.
#pragma once
#include <string>

namespace mgst {

// "0.1.0" (CMake's project(VERSION)), followed by " (git <commit>)" when the
// build was configured inside a git checkout: the commit at configure time,
// so a build reconfigured after new commits shows the newer one.
std::string version_string();

}  // namespace mgst
