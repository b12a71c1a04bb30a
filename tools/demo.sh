#!/usr/bin/env bash
# The main job in one command: install, build, run `mgst demo` (built-in data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh
./build/mgst demo --out "${DEMO_OUT:-demo_out}" "$@"
