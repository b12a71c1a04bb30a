#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (-DMGST_FUZZ=ON:
# -fsanitize=fuzzer,address,undefined; only the parsers' sources) into
# ${BUILD_DIR:-build-fuzz} and runs each target for N seconds (default 60):
#
#   bash tools/fuzz.sh            # 60 s per target
#   bash tools/fuzz.sh 30         # what CI runs (.ci/run)
#   FUZZ_TARGETS=image_fuzzer bash tools/fuzz.sh 600
#   FUZZ_SEED=1 bash tools/fuzz.sh 30   # CI: a fixed seed. Runs on one machine
#                                       # explore alike, but not across machines:
#                                       # CI's run of 2026-12-06 found a JPEG
#                                       # that a local run of the same seed and
#                                       # more inputs had not. So CI can still
#                                       # fail on a new find; explore with no
#                                       # seed and longer before a stop
#
# Targets: safetensors_fuzzer (parse_safetensors on bytes), image_fuzzer
# (io::load_image_from_memory + mask/resize path). Each starts from its seed
# corpus fuzz/corpus/<name>/ (regenerate with fuzz/make_corpus.py), copied
# into the build dir, where inputs found while fuzzing accumulate between
# runs. A crash, leak, sanitizer report, timeout (>10 s per input) or
# out-of-memory (>2 GB) fails the script and leaves the reproducer in
# ${BUILD_DIR}/artifacts/; replay it with
#   ${BUILD_DIR}/fuzz/<target> ${BUILD_DIR}/artifacts/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
BUILD_DIR=${BUILD_DIR:-build-fuzz}
TARGETS=${FUZZ_TARGETS:-"safetensors_fuzzer image_fuzzer"}
# clang with libFuzzer (Debian: clang + libclang-rt-<version>-dev, installed
# here when missing, like tools/setup.sh does for the rest).
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  ver=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -1)
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    clang ${ver:+libclang-rt-$ver-dev}
fi
CXX_FUZZ=${CXX_FUZZ:-$(command -v clang++)}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DMGST_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER="$CXX_FUZZ" >/dev/null
fi
cmake --build "$BUILD_DIR" -j"${JOBS:-2}"

mkdir -p "$BUILD_DIR/artifacts"
status=0
for t in $TARGETS; do
  seeds=fuzz/corpus/${t%_fuzzer}
  work=$BUILD_DIR/corpus/${t%_fuzzer}
  mkdir -p "$work"
  cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  dict=()
  [ -f "fuzz/${t%_fuzzer}.dict" ] && dict=(-dict="fuzz/${t%_fuzzer}.dict")
  seed=()
  [ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
  echo "== $t: ${SECONDS_PER_TARGET}s from $(ls "$work" | wc -l) inputs${FUZZ_SEED:+, seed $FUZZ_SEED}"
  if ! "$BUILD_DIR/fuzz/$t" "$work" "${dict[@]}" "${seed[@]}" -max_total_time="$SECONDS_PER_TARGET" \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$BUILD_DIR/artifacts/$t-" 2>"$BUILD_DIR/$t.log"; then
    echo "fuzz.sh: $t FAILED; last lines of $BUILD_DIR/$t.log:" >&2
    tail -40 "$BUILD_DIR/$t.log" >&2
    status=1
  else
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)" "$BUILD_DIR/$t.log" || true
    echo "   corpus now $(ls "$work" | wc -l) inputs; no crash"
  fi
done
exit $status
