#!/usr/bin/env bash
# One command for the GPU machine (H100, nvcc 13, CMake, ninja; NO network,
# NO Debian -dev packages): build mgst for sm_90 with the dependencies
# brought along in third_party/sysroot (tools/fetch-gpu-deps.sh), run the
# CUDA tests, compute-sanitizer (memcheck, racecheck, synccheck) on the
# reduced test set (MGST_TEST_SMALL=1), the CUDA benchmarks (short
# min-time), and print a summary table last. Logs and benchmark JSON go to
# $OUT (or build-gpu/out). Designed to finish within ~8 minutes.
#
#   tools/gpu-check.sh [--no-sanitize] [--no-bench] [--bench-filter REGEX]
#
# Device tool: command "tools/gpu-check.sh", carry ["third_party/sysroot"]
# only if the sysroot is not committed; timeout_s 590.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MGST_GPU_BUILD:-$root/build-gpu}"
out="${OUT:-$build/out}"
sysroot="$root/third_party/sysroot"
do_san=1 do_bench=1 bench_filter="${MGST_BENCH_FILTER:-.}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sanitize) do_san=0 ;;
    --no-bench) do_bench=0 ;;
    --bench-filter) bench_filter="$2"; shift ;;
    *) echo "unknown argument $1"; exit 2 ;;
  esac
  shift
done
mkdir -p "$build" "$out"
t0=$(date +%s)
declare -A status
step() { echo; echo "=== [$(( $(date +%s) - t0 ))s] $*"; }

# ---- machine ------------------------------------------------------------------
# $OUT returns at most 8 files: machine info goes into machine_configure.log,
# then build, tests, 3 sanitizer logs, bench.log, bench_cuda.json.
step "machine"
{ nvidia-smi -L 2>&1 || true; nvcc --version | tail -2; cmake --version | head -1; nproc; } \
  | tee "$out/machine.txt"

# ---- dependencies -------------------------------------------------------------
if [ ! -f "$sysroot/usr/include/doctest/doctest.h" ]; then
  echo "third_party/sysroot missing: run tools/fetch-gpu-deps.sh first (and carry third_party/sysroot)"
  exit 1
fi
libdir="$sysroot/usr/lib/x86_64-linux-gnu"
export STB_ROOT="$sysroot/usr/include:$libdir"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# cuDNN (reference only): $CUDNN_ROOT, the CUDA toolkit, or PyTorch's wheel.
# A wheel ships only libcudnn.so.9: link a root with the unversioned name.
find_cudnn() {
  [ -n "${CUDNN_ROOT:-}" ] && [ -f "$CUDNN_ROOT/include/cudnn.h" ] && { echo "$CUDNN_ROOT"; return; }
  local lib
  for lib in /usr/local/cuda/lib64/libcudnn.so.9 /usr/local/cuda/lib/libcudnn.so.9 \
             /usr/lib/x86_64-linux-gnu/libcudnn.so.9; do
    [ -f "$lib" ] && [ -f /usr/local/cuda/include/cudnn.h ] && { echo "link:$(dirname "$lib"):/usr/local/cuda/include"; return; }
    [ -f "$lib" ] && [ -f /usr/include/cudnn.h ] && { echo "link:$(dirname "$lib"):/usr/include"; return; }
  done
  local sp
  for sp in $(python3 -c 'import site,sys; print(" ".join(site.getsitepackages()+[site.getusersitepackages()]))' 2>/dev/null) /opt; do
    lib=$(find "$sp" -maxdepth 6 -name 'libcudnn.so.9' 2>/dev/null | head -1)
    if [ -n "$lib" ]; then
      local inc
      inc=$(find "$(dirname "$(dirname "$lib")")" -maxdepth 3 -name cudnn.h 2>/dev/null | head -1)
      [ -n "$inc" ] && { echo "link:$(dirname "$lib"):$(dirname "$inc")"; return; }
    fi
  done
}
cudnn=$(find_cudnn)
cmake_cudnn=()
if [ -n "$cudnn" ]; then
  if [[ "$cudnn" == link:* ]]; then
    IFS=: read -r _ cudnn_lib cudnn_inc <<<"$cudnn"
    croot="$build/cudnn_root"
    rm -rf "$croot"; mkdir -p "$croot/lib"
    ln -s "$cudnn_inc" "$croot/include"
    ln -s "$cudnn_lib/libcudnn.so.9" "$croot/lib/libcudnn.so"
    export CUDNN_ROOT="$croot"
    export LD_LIBRARY_PATH="$cudnn_lib:$LD_LIBRARY_PATH"
  else
    export CUDNN_ROOT="$cudnn"
    export LD_LIBRARY_PATH="$cudnn/lib:$cudnn/lib64:$LD_LIBRARY_PATH"
  fi
  echo "cuDNN: $CUDNN_ROOT"
else
  echo "cuDNN: not found (the cuDNN comparisons are skipped)"
fi

# nvcc rejects '--use_fast_math=false' (a flag of the top-level CMakeLists):
# until that line is fixed, build through a wrapper that drops it.
nvcc_bin="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
cuda_compiler="$nvcc_bin"
if grep -q -- '--use_fast_math=false' "$root/CMakeLists.txt"; then
  mkdir -p "$build/nvcc-wrap"
  cat >"$build/nvcc-wrap/nvcc" <<WRAP
#!/usr/bin/env bash
args=(); for a in "\$@"; do [ "\$a" = "--use_fast_math=false" ] || args+=("\$a"); done
exec "$nvcc_bin" "\${args[@]}"
WRAP
  chmod +x "$build/nvcc-wrap/nvcc"
  cuda_compiler="$build/nvcc-wrap/nvcc"
fi

# ---- configure + build ------------------------------------------------------------
step "configure"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMGST_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER="$cuda_compiler" \
  -DCMAKE_CUDA20_STANDARD_COMPILE_OPTION=-std=c++20 -DCMAKE_CUDA20_EXTENSION_COMPILE_OPTION=-std=c++20 \
  -DCMAKE_PREFIX_PATH="$sysroot/usr" \
  -Ddoctest_DIR="$sysroot/usr/lib/cmake/doctest" \
  -Dbenchmark_DIR="$libdir/cmake/benchmark" \
  "${cmake_cudnn[@]}" >"$out/configure.log" 2>&1
status[configure]=$?
cat "$out/machine.txt" "$out/configure.log" >"$out/machine_configure.log" && rm -f "$out/machine.txt" "$out/configure.log"
grep -E "CUDA backend|cuBLAS|cuDNN|benchmarks|Error" "$out/machine_configure.log"
[ "${status[configure]}" = 0 ] || { tail -30 "$out/machine_configure.log"; exit 1; }

step "build (-j$(nproc))"
targets=(mgst_tests)
[ "$do_bench" = 1 ] && targets+=(mgst_bench_cuda)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >"$out/build.log" 2>&1
status[build]=$?
grep -E "error|warning: .*(cuda|kernels)" "$out/build.log" | head -20
[ "${status[build]}" = 0 ] || { tail -40 "$out/build.log"; exit 1; }
tests="$build/tests/mgst_tests"

# ---- tests ----------------------------------------------------------------------------
step "CUDA tests (mgst_tests -ts=cuda)"
timeout 200 "$tests" -ts=cuda --no-version >"$out/tests.log" 2>&1
status[tests]=$?
tail -4 "$out/tests.log"

# ---- compute-sanitizer on the reduced set ----------------------------------------------------
san_line() { grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$1" | tail -1; }
if [ "$do_san" = 1 ]; then
  san="$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)"
  export MGST_TEST_SMALL=1
  for tool in memcheck racecheck synccheck; do
    step "compute-sanitizer --tool $tool (MGST_TEST_SMALL=1)"
    case $tool in
      memcheck) filt='-tc=cuda*'; lim=120 ;;
      # shared-memory races / barrier misuse live in the tiled and reduction kernels
      *) filt='-tc=cuda ops*'; lim=75 ;;
    esac
    # racecheck/synccheck: only the ops with shared memory (the harness's MGST_OPS filter)
    [ $tool = memcheck ] && ops= || ops=conv2d,sgemm,masked_gram,instance_norm,sum,masked_mse
    MGST_OPS=$ops timeout $lim "$san" --tool $tool --error-exitcode 9 "$tests" -ts=cuda "$filt" --no-version \
      >"$out/sanitizer_$tool.log" 2>&1
    status[$tool]=$?
    san_line "$out/sanitizer_$tool.log"; tail -2 "$out/sanitizer_$tool.log"
  done
  unset MGST_TEST_SMALL
fi

# ---- benchmarks --------------------------------------------------------------------------
if [ "$do_bench" = 1 ]; then
  step "benchmarks (min time 0.05 s, filter '$bench_filter')"
  timeout 200 "$build/bench/mgst_bench_cuda" --benchmark_min_time=0.05 \
    --benchmark_filter="$bench_filter" \
    --benchmark_out="$out/bench_cuda.json" --benchmark_out_format=json >"$out/bench.log" 2>&1
  status[bench]=$?
  tail -3 "$out/bench.log"
fi

# ---- summary (last, so the caller's output tail shows it) ----------------------------------
step "summary ($(( $(date +%s) - t0 ))s total; logs in $out)"
python3 - "$out/bench_cuda.json" <<'PY' || true
import json, sys, collections
try:
    data = json.load(open(sys.argv[1]))
except Exception as e:
    print("no benchmark JSON:", e); sys.exit(0)
rows = collections.OrderedDict()
for b in data.get("benchmarks", []):
    name = b["name"].replace("/manual_time", "")
    parts = name.split("/")
    key, who = "/".join(parts[:-1]), parts[-1]
    if b.get("error_occurred"):
        val = "ERR"
    else:
        t = b["real_time"]; unit = b.get("time_unit", "ms")
        ms = t if unit == "ms" else t / 1e3 if unit == "us" else t / 1e6
        rate = b.get("TFLOP/s") or 0
        gbs = b.get("GB/s") or 0
        val = f"{ms:8.3f}ms " + (f"{rate:6.1f}TF" if rate else f"{gbs:6.0f}GB/s")
    rows.setdefault(key, []).append((who, val))
for key, items in rows.items():
    print(f"{key:44s} " + " | ".join(f"{w}:{v}" for w, v in items))
PY
echo
printf "%-12s %s\n" step "exit status (0 = ok; 124 = timed out)"
for k in configure build tests memcheck racecheck synccheck bench; do
  [ -n "${status[$k]+x}" ] && printf "%-12s %s\n" "$k" "${status[$k]}"
done
grep -h "test cases:" "$out/tests.log" | tail -1
for tool in memcheck racecheck synccheck; do
  [ -f "$out/sanitizer_$tool.log" ] && echo "$tool: $(san_line "$out/sanitizer_$tool.log")"
done
fail=0
for k in "${!status[@]}"; do [ "${status[$k]}" = 0 ] || fail=1; done
exit $fail
