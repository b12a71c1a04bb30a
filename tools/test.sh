#!/usr/bin/env bash
# The whole test suite in one command: install, build, run ctest.
# CUDA suites report SKIPPED without a GPU; shared-data suites report SKIPPED
# without ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh "$@"
# CTEST_ARGS: extra ctest arguments (.ci/run's cpu-only stage leaves out suites
# the tests stage already ran that do not depend on the CUDA build).
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 ${CTEST_ARGS:-}
