#!/usr/bin/env bash
# The test suites under AddressSanitizer + UndefinedBehaviorSanitizer:
# configures ${BUILD_DIR:-build-asan} with -DMGST_SANITIZE=ON
# -DMGST_CUDA=EMULATE (gcc, the project's compiler; the CUDA kernels run on
# the CPU through kernels/cuda/emulator, so ASan also checks every CUDA
# kernel's memory accesses, a memcheck without a GPU), builds the test binary
# and runs the fast suites plus `cuda` at its small shapes. Any report fails
# the run: ASan aborts on the first error, UBSan is made to halt (by default
# it only prints), LeakSanitizer checks at exit.
#
#   bash tools/sanitize.sh                        # what CI runs (.ci/run)
#   SANITIZE_SUITES="io data" bash tools/sanitize.sh
#
# Not here: `apps` (drives the mgst binary end to end, slow under ASan; its
# parsers are fuzzed by tools/fuzz.sh instead), `shared_data`. On a GPU,
# tools/gpu-check.sh runs compute-sanitizer on the real kernels.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
SUITES=${SANITIZE_SUITES:-"core autograd kernels_cpu gradcheck io layers models losses data"}
CUDA_SUITE=${SANITIZE_CUDA:-1}  # 0: skip the emulated CUDA suite
bash tools/setup.sh
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  # Release + -g1 (line tables only): reports carry file:line without the
  # cost of full debug info (RelWithDebInfo: 8m50s instead of 5m30s here).
  cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g1 \
        "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
        -DMGST_SANITIZE=ON -DMGST_CUDA=EMULATE -DMGST_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD_DIR" -j"${JOBS:-2}" --target mgst_tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
regex="^($(echo $SUITES | tr ' ' '|'))\$"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${JOBS:-2}" -R "$regex"
if [ "$CUDA_SUITE" != 0 ]; then
  # The emulated CUDA kernels at their small shapes, without ASan's fake
  # stacks: every frame of millions of fiber calls would get one (the
  # elementwise test took 150 s with them, 1.6 s without). Measured on the
  # 2-core machine: 57-72 s for the suite (2026-11-27, -O3); 193 s with the
  # -O1 build (2026-12-02), whose build is about 5 min instead of 12.
  MGST_TEST_SMALL=1 ASAN_OPTIONS=${ASAN_OPTIONS/detect_stack_use_after_return=1/detect_stack_use_after_return=0} \
    ctest --test-dir "$BUILD_DIR" --output-on-failure -R '^cuda$'
fi
