#!/usr/bin/env bash
# One command for the GPU machine (H100, nvcc 13, CMake, ninja; NO network,
# NO Debian -dev packages), in this order: the CUDA tests, the CUDA
# benchmarks (short min-time), bench/compare_pytorch.py when python3 there
# imports torch, compute-sanitizer (memcheck, racecheck, synccheck) on the
# reduced test set (MGST_TEST_SMALL=1), the op harness's CUDA perf mode; then
# a summary. Two ways to get the binaries:
#
#   tools/gpu-check.sh --prebuilt DIR [options]
#       binaries built HERE by tools/build-gpu-bins.sh (sm_90, with their
#       shared libraries): the GPU's minutes go to measuring, not compiling.
#       Device tool: carry ["gpu-bins"], command
#       "tools/gpu-check.sh --prebuilt gpu-bins", timeout_s 590.
#   tools/gpu-check.sh [options]
#       configures and builds on the GPU machine (build-gpu/) with the
#       dependencies of third_party/sysroot (tools/fetch-gpu-deps.sh).
#
# Options: --no-sanitize  --no-bench  --no-pytorch  --torch-compile (also time
# torch.compile; minutes)  --bench-filter REGEX  --budget SECONDS (default 450:
# each step has its own time limit, cut to what is left of the budget, so the
# whole run ends inside 8 minutes even when steps hit their limits).
#
# Writes to $OUT (or build-gpu/out), at most 8 files (the device tool's
# limit): machine.log, build.log (build mode), tests.log, sanitizers.log,
# bench.log, bench_cuda.json, pytorch.log, and RESULTS.md: bench/RESULTS.md
# with a new dated section (the `nvidia-smi -L` line, date, commit, what ran,
# the summary tables) appended. Copy that one back over bench/RESULTS.md.
# Without a GPU it says so and exits 1; usage errors exit 2.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MGST_GPU_BUILD:-$root/build-gpu}"
prebuilt="" do_san=1 do_bench=1 do_torch=1 torch_compile=off
bench_filter="${MGST_BENCH_FILTER:-}" budget="${MGST_GPU_BUDGET_S:-450}"
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die2() { echo "gpu-check.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prebuilt | --bench-filter | --budget)
      [ $# -ge 2 ] && [ -n "$2" ] || die2 "$1 needs a value (see --help)"
      case "$1" in --prebuilt) prebuilt="$2" ;; --bench-filter) bench_filter="$2" ;; --budget) budget="$2" ;; esac
      shift ;;
    --no-sanitize) do_san=0 ;;
    --no-bench) do_bench=0 ;;
    --no-pytorch) do_torch=0 ;;
    --torch-compile) torch_compile=auto ;;
    -h | --help) usage; exit 0 ;;
    *) die2 "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
case "$budget" in '' | *[!0-9]*) die2 "--budget wants whole seconds, got '$budget'" ;; esac
out="${OUT:-$build/out}"
t0=$(date +%s)
declare -A status
step() { echo; echo "=== [$(( $(date +%s) - t0 ))s] $*"; }
# The time limit of a step: its own cap, cut to what is left of the budget
# (20 s kept for the summary); 0 = no time left, skip it.
limit() { local left=$(( budget - ($(date +%s) - t0) - 20 )); (( left < 0 )) && left=0; echo $(( $1 < left ? $1 : left )); }
# Runs "$@" under `timeout LIMIT`, or returns 200 (shown as "skipped") when
# the budget is spent (`timeout 0` would mean no limit at all).
timed() { local lim=$1; shift; (( lim > 0 )) || return 200; timeout "$lim" "$@"; }

# ---- the binaries (checked before the GPU, so a bad bundle shows anywhere) ----
bins="" ldpath=""
if [ -n "$prebuilt" ]; then
  bundle="$(cd "$prebuilt" 2>/dev/null && pwd)" ||
    { echo "gpu-check.sh: --prebuilt $prebuilt: no such directory (make it with tools/build-gpu-bins.sh; carry it with the device tool)" >&2; exit 1; }
  for f in MANIFEST SHA256SUMS bin/mgst_tests bin/mgst_bench_cuda bin/mgst; do
    [ -f "$bundle/$f" ] || { echo "gpu-check.sh: $bundle/$f missing: rebuild the bundle with tools/build-gpu-bins.sh" >&2; exit 1; }
  done
  (cd "$bundle" && sha256sum --quiet -c SHA256SUMS) ||
    { echo "gpu-check.sh: $bundle does not match its SHA256SUMS (a partial copy?): rebuild it" >&2; exit 1; }
  need=$(sed -n 's/^glibc needed: //p' "$bundle/MANIFEST")
  have=$(ldd --version 2>/dev/null | head -1 | grep -o '[0-9]*\.[0-9]*$')
  if [ -n "$need" ] && [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
    echo "gpu-check.sh: the bundle needs glibc $need, this machine has $have: build it on an older distribution" >&2
    exit 1
  fi
  bins="$bundle/bin"
fi

# ---- a GPU? -------------------------------------------------------------------
gpu_line=$(timeout 30 nvidia-smi -L 2>&1)
if [ $? -ne 0 ] || ! grep -q '^GPU ' <<<"$gpu_line"; then
  echo "gpu-check.sh: no GPU here (nvidia-smi -L: ${gpu_line:-no output}). Run this on the GPU" >&2
  echo "machine (the device tool); on a CPU machine build the binaries with tools/build-gpu-bins.sh." >&2
  exit 1
fi
mkdir -p "$out"

# ---- machine ------------------------------------------------------------------
step "machine"
{
  echo "$gpu_line"
  nvidia-smi --query-gpu=driver_version,clocks.max.sm,power.limit --format=csv,noheader 2>&1
  command -v nvcc >/dev/null && nvcc --version | tail -2
  echo "cpus: $(nproc); $(ldd --version | head -1)"
  [ -n "$prebuilt" ] && cat "$bundle/MANIFEST"
} 2>&1 | tee "$out/machine.log"

# Finds the directory of shared library $1 (a soname): the CUDA toolkit, the
# loader's cache, then the Python packages (PyTorch's nvidia-* wheels).
find_lib() {
  local d f sp
  for d in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib \
           /usr/lib/x86_64-linux-gnu; do
    [ -f "$d/$1" ] && { echo "$d"; return; }
  done
  f=$(ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n {print $NF; exit}')
  [ -n "$f" ] && { dirname "$f"; return; }
  for sp in $(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null) /opt; do
    f=$(find "$sp" -maxdepth 6 -name "$1" 2>/dev/null | head -1)
    [ -n "$f" ] && { dirname "$f"; return; }
  done
}

if [ -n "$prebuilt" ]; then
  # ---- prebuilt: the CUDA libraries left out of the bundle ---------------------
  step "libraries left to this machine"
  for so in $(sed -n 's/^left to the GPU machine: //p' "$bundle/MANIFEST"); do
    case "$so" in libc.so* | libm.so* | libdl.so* | libpthread.so* | librt.so* | libz.so*) continue ;; esac
    d=$(find_lib "$so")
    [ -n "$d" ] || { echo "gpu-check.sh: $so not found (CUDA toolkit, ldconfig, Python's nvidia-* wheels)" | tee -a "$out/machine.log" >&2; exit 1; }
    echo "$so: $d" | tee -a "$out/machine.log"
    case ":$ldpath:" in *":$d:"*) ;; *) ldpath="${ldpath:+$ldpath:}$d" ;; esac
  done
  for b in "$bins"/*; do
    if LD_LIBRARY_PATH="$ldpath" ldd "$b" | grep -q "not found"; then
      echo "gpu-check.sh: $(basename "$b") has unresolved libraries:" >&2
      LD_LIBRARY_PATH="$ldpath" ldd "$b" | grep "not found" | tee -a "$out/machine.log" >&2
      exit 1
    fi
  done
  commit=$(sed -n 's/^commit: //p' "$bundle/MANIFEST")
  how="prebuilt by tools/build-gpu-bins.sh ($(sed -n 's/^built: //p' "$bundle/MANIFEST"))"
else
  # ---- build mode: dependencies, configure, build --------------------------------
  sysroot="$root/third_party/sysroot"
  if [ ! -f "$sysroot/usr/include/doctest/doctest.h" ]; then
    echo "third_party/sysroot missing: run tools/fetch-gpu-deps.sh first (and carry third_party/sysroot)"
    exit 1
  fi
  libdir="$sysroot/usr/lib/x86_64-linux-gnu"
  export STB_ROOT="$sysroot/usr/include:$libdir"
  ldpath="$libdir"
  # cuDNN (reference only): $CUDNN_ROOT, or a root made for the first
  # libcudnn.so.9 found (a wheel ships no unversioned name) with its cudnn.h.
  cudnn_lib="" cudnn_inc=""
  if [ -n "${CUDNN_ROOT:-}" ] && [ -f "$CUDNN_ROOT/include/cudnn.h" ]; then
    ldpath="$CUDNN_ROOT/lib:$CUDNN_ROOT/lib64:$ldpath"
  else
    cudnn_lib=$(find_lib libcudnn.so.9)
    for d in "$cudnn_lib/../include" /usr/local/cuda/include /usr/include; do
      [ -n "$cudnn_lib" ] && [ -f "$d/cudnn.h" ] && { cudnn_inc="$(cd "$d" && pwd)"; break; }
    done
    if [ -n "$cudnn_inc" ]; then
      croot="$build/cudnn_root"
      rm -rf "$croot"; mkdir -p "$croot/lib"
      ln -s "$cudnn_inc" "$croot/include"
      ln -s "$cudnn_lib/libcudnn.so.9" "$croot/lib/libcudnn.so"
      export CUDNN_ROOT="$croot"
      ldpath="$cudnn_lib:$ldpath"
    fi
  fi
  echo "cuDNN: ${CUDNN_ROOT:-not found (the cuDNN comparisons are skipped)}"
  export LD_LIBRARY_PATH="$ldpath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

  step "configure"
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMGST_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" \
    -DCMAKE_PREFIX_PATH="$sysroot/usr" \
    -Ddoctest_DIR="$sysroot/usr/lib/cmake/doctest" \
    -Dbenchmark_DIR="$libdir/cmake/benchmark" >"$out/build.log" 2>&1
  status[configure]=$?
  grep -E "CUDA backend|cuBLAS|cuDNN|benchmarks|Error" "$out/build.log" | tee -a "$out/machine.log"
  [ "${status[configure]}" = 0 ] || { tail -30 "$out/build.log"; exit 1; }

  step "build (-j$(nproc))"
  targets=(mgst_tests)
  [ "$do_bench" = 1 ] && targets+=(mgst_bench_cuda mgst_bench_ops)
  cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >>"$out/build.log" 2>&1
  status[build]=$?
  grep -E "error|warning: .*(cuda|kernels)" "$out/build.log" | head -20
  [ "${status[build]}" = 0 ] || { tail -40 "$out/build.log"; exit 1; }
  bins="$build/bins"
  mkdir -p "$bins"
  for f in tests/mgst_tests bench/mgst_bench_cuda bench/mgst_bench_ops mgst; do
    [ -f "$build/$f" ] && ln -sf "$build/$f" "$bins/"
  done
  commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo "unknown (no git checkout here)")
  how="built on this machine"
fi
run_bin() { LD_LIBRARY_PATH="$ldpath" "$@"; }

# ---- tests ------------------------------------------------------------------------
lim=$(limit 120)
step "CUDA tests (mgst_tests -ts=cuda; limit ${lim}s)"
run_bin timed "$lim" "$bins/mgst_tests" -ts=cuda --no-version >"$out/tests.log" 2>&1
status[tests]=$?
tail -4 "$out/tests.log"

# ---- benchmarks: one run per family, so a slow family cannot lose the others' JSON ----------
if [ "$do_bench" = 1 ]; then
  chunks=('^conv2d/tn_' '^conv2d/vgg_' '^(sgemm|gram)/' '^(instance_norm|adam)/')
  caps=(100 100 40 20)
  [ -n "$bench_filter" ] && chunks=("$bench_filter") caps=(240)
  tmp="$(mktemp -d)"
  : >"$out/bench.log"
  status[bench]=0
  i=0
  for f in "${chunks[@]}"; do
    i=$((i + 1))
    lim=$(limit "${caps[$((i - 1))]}")
    step "benchmarks '$f' (min time 0.05 s; limit ${lim}s)"
    run_bin timed "$lim" "$bins/mgst_bench_cuda" --benchmark_min_time=0.05 --benchmark_filter="$f" \
      --benchmark_out="$tmp/part$i.json" --benchmark_out_format=json >>"$out/bench.log" 2>&1
    rc=$?
    [ $rc = 0 ] || status[bench]=$rc
    tail -2 "$out/bench.log"
  done
  python3 "$root/bench/summarize_cuda.py" --merge "$out/bench_cuda.json" "$tmp"/part*.json ||
    { [ "${status[bench]}" = 0 ] && status[bench]=1; }
  rm -rf "$tmp"
fi

# ---- PyTorch on the same card -----------------------------------------------------------------
if [ "$do_torch" = 1 ] && [ -x "$bins/mgst" ]; then
  if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
    lim=$(limit 100)
    step "bench/compare_pytorch.py --device cuda --sizes 256 (compile $torch_compile; limit ${lim}s)"
    timed "$lim" python3 "$root/bench/compare_pytorch.py" --mgst "$bins/mgst" --python python3 \
      --device cuda --sizes 256 --rounds 1 --compile "$torch_compile" >"$out/pytorch.log" 2>&1
    status[pytorch]=$?
    grep '^|' "$out/pytorch.log" | head -4
  else
    echo "python3 cannot import torch with CUDA: no PyTorch comparison" | tee "$out/pytorch.log"
  fi
fi

# ---- the trainer's step with and without CUDA Graph replay (docs/PERFORMANCE.md) --------------
if [ "$do_torch" = 1 ] && [ -x "$bins/mgst" ]; then
  lim=$(limit 40)
  step "mgst bench --device cuda --size 256 with and without --no-cuda-graph (limit ${lim}s each)"
  for mode in graph eager; do
    flag=; [ $mode = eager ] && flag=--no-cuda-graph
    run_bin timed "$lim" "$bins/mgst" bench --device cuda --size 256 --batch 4 --steps 10 \
      --no-trace --json $flag >"$out/step_$mode.json" 2>>"$out/step_graph.log"
    status[step_$mode]=$?
  done
  python3 - "$out/step_graph.json" "$out/step_eager.json" <<'PY' | tee -a "$out/step_graph.log"
import json, sys
g, e = (json.load(open(p)) for p in sys.argv[1:3])
for name, j in (("graph", g), ("eager", e)):
    print(f"{name}: {j['train_step_ms']:.2f} ms/step, {j['launches_per_step']:.0f} kernels, "
          f"{j['host_syncs_per_step']:.0f} host syncs, cuda_graph={j['cuda_graph']}, "
          f"peak {j['peak_memory_bytes'] / 2**20:.0f} MiB")
print(f"graph speed-up over eager: {e['train_step_ms'] / g['train_step_ms']:.3f}x")
PY
fi

# ---- compute-sanitizer on the reduced set ------------------------------------------------
san_line() { grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$1" | tail -1; }
declare -A san_summary
if [ "$do_san" = 1 ]; then
  san="$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)"
  [ -n "$san" ] || echo "gpu-check.sh: compute-sanitizer not found (PATH, /usr/local/cuda/bin)" | tee "$out/sanitizers.log"
  [ -n "$san" ] && : >"$out/sanitizers.log"
  for tool in memcheck racecheck synccheck; do
    [ -n "$san" ] || { status[$tool]=127; san_summary[$tool]="compute-sanitizer not found"; continue; }
    case $tool in
      memcheck) filt='-tc=cuda*'; cap=100 ;;
      # shared-memory races / barrier misuse live in the tiled and reduction kernels
      *) filt='-tc=cuda ops*'; cap=60 ;;
    esac
    lim=$(limit $cap)
    step "compute-sanitizer --tool $tool (MGST_TEST_SMALL=1; limit ${lim}s)"
    # racecheck/synccheck: only the ops with shared memory (the harness's MGST_OPS filter)
    [ $tool = memcheck ] && ops= || ops=conv2d,sgemm,masked_gram,instance_norm,sum,masked_mse
    log="$(mktemp)"
    MGST_TEST_SMALL=1 MGST_OPS=$ops run_bin timed "$lim" "$san" --tool $tool --error-exitcode 9 \
      "$bins/mgst_tests" -ts=cuda "$filt" --no-version >"$log" 2>&1
    status[$tool]=$?
    san_summary[$tool]="$(san_line "$log")"
    echo "${san_summary[$tool]}"; tail -2 "$log"
    { echo "==== compute-sanitizer --tool $tool: exit ${status[$tool]}"; cat "$log"; } >>"$out/sanitizers.log"
    rm -f "$log"
  done
fi

# ---- the op harness's perf mode: every CUDA version on the tests' (small) ----------------
# conv and Gram shapes; console table only (in bench.log).
if [ "$do_bench" = 1 ]; then
  lim=$(limit 30)
  if [ -x "$bins/mgst_bench_ops" ] && [ -z "$bench_filter" ] && (( lim >= 10 )); then
    step "op harness perf mode (MGST_OPS=conv2d,masked_gram mgst_bench_ops '^cuda/'; limit ${lim}s)"
    echo "==== MGST_OPS=conv2d,masked_gram mgst_bench_ops --benchmark_filter=^cuda/" >>"$out/bench.log"
    MGST_OPS=conv2d,masked_gram run_bin timed "$lim" "$bins/mgst_bench_ops" --benchmark_filter='^cuda/' \
      --benchmark_min_time=0.01 >>"$out/bench.log" 2>&1
    status[bench_ops]=$?
    tail -2 "$out/bench.log"
  fi
fi

# ---- RESULTS.md: bench/RESULTS.md plus this run's section ---------------------------------------
step "summary ($(( $(date +%s) - t0 ))s total; logs in $out)"
table="$(printf "| step | exit status (0 = ok; 124 = timed out) |\n|---|---|\n"
  for k in configure build tests memcheck racecheck synccheck bench bench_ops pytorch step_graph step_eager; do
    [ -n "${status[$k]+x}" ] || continue
    v="${status[$k]}"; [ "$v" = 200 ] && v="skipped: time budget spent"
    printf "| %s | %s |\n" "$k" "$v"
  done)"
{
  cat "$root/bench/RESULTS.md"
  echo
  echo "## $(sed 's/ (UUID.*//; s/^GPU 0: //' <<<"$gpu_line" | head -1) (CUDA): tools/gpu-check.sh, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "- Card: \`$(head -1 <<<"$gpu_line")\`"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M') UTC. Commit: $commit. Binaries: $how."
  echo "- Tests (mgst_tests -ts=cuda): $( (grep -h "test cases:" "$out/tests.log" || tail -1 "$out/tests.log") 2>/dev/null | tail -1)"
  for tool in memcheck racecheck synccheck; do
    [ -n "${san_summary[$tool]+x}" ] && echo "- compute-sanitizer $tool (MGST_TEST_SMALL=1): ${san_summary[$tool]:-no summary line (see sanitizers.log)}"
  done
  echo
  echo "$table"
  echo
  if [ -f "$out/bench_cuda.json" ]; then
    echo "mgst_bench_cuda --benchmark_min_time=0.05, CUDA-event times with the L2 flushed"
    echo "before each iteration (bench/bench_cuda.cpp); tables by bench/summarize_cuda.py."
    echo
    python3 "$root/bench/summarize_cuda.py" "$out/bench_cuda.json" 2>&1
  fi
  if grep -q '^|' "$out/pytorch.log" 2>/dev/null; then
    echo "### mgst vs PyTorch on this card (bench/compare_pytorch.py --device cuda --sizes 256)"
    echo
    grep -E '^(#|\|)' "$out/pytorch.log" | sed 's/^# /- /'
    echo
  fi
  if grep -q 'speed-up' "$out/step_graph.log" 2>/dev/null; then
    echo "### The training step with and without CUDA Graph replay (mgst bench --size 256 --batch 4)"
    echo
    grep -E '^(graph|eager)' "$out/step_graph.log" | sed 's/^/- /'
    echo
  fi
} >"$out/RESULTS.md"
echo "RESULTS.md with this run's section: $out/RESULTS.md (copy it over bench/RESULTS.md)"
echo
echo "$table"
grep -h "test cases:" "$out/tests.log" | tail -1
for tool in memcheck racecheck synccheck; do
  [ -n "${san_summary[$tool]+x}" ] && echo "$tool: ${san_summary[$tool]}"
done
fail=0
for k in "${!status[@]}"; do [ "${status[$k]}" = 0 ] || fail=1; done
exit $fail
