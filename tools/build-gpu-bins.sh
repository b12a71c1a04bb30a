#!/usr/bin/env bash
# Builds the CUDA binaries for the GPU machine HERE, on a CPU machine with
# nvcc (no GPU needed), so that `tools/gpu-check.sh --prebuilt DIR` spends the
# GPU's minutes measuring, not compiling. Builds mgst_tests, mgst_bench_cuda,
# mgst_bench_ops and mgst for sm_90 (Release, MGST_CUDA=ON, cuBLAS/cuDNN as references,
# MGST_NATIVE=OFF: the GPU machine's CPU is not this one), strips them and
# writes DIR (default gpu-bins/, git-ignored):
#   bin/       the binaries; their RUNPATH is $ORIGIN/../lib
#   lib/       every shared library they load that the GPU machine may lack
#              (from ldd here): all but glibc, zlib, the driver (libcuda) and
#              the CUDA libraries too big to carry (cuBLAS/cuBLASLt, cuDNN: the
#              GPU machine has them in its toolkit and its PyTorch wheels)
#   MANIFEST   commit, date, compilers, what was left to the GPU machine
#   SHA256SUMS of bin/ and lib/
# The bundle must fit the device tool's 64 MiB carry limit together with the
# working tree; the script prints its size and fails above 48 MiB.
#
#   tools/build-gpu-bins.sh [--out DIR] [--build-dir DIR] [--jobs N]
#
# Then, device tool: carry ["gpu-bins"], command
# "tools/gpu-check.sh --prebuilt gpu-bins", timeout_s 590.
# Environment: MGST_CCACHE=0 turns ccache off (on when ccache is installed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/gpu-bins" build="$root/build-gpu-bins" jobs="${JOBS:-2}"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out | --build-dir | --jobs)
      [ $# -ge 2 ] || { echo "build-gpu-bins.sh: $1 needs a value" >&2; exit 2; }
      case "$1" in --out) out="$2" ;; --build-dir) build="$2" ;; --jobs) jobs="$2" ;; esac
      shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-gpu-bins.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$jobs" in '' | *[!0-9]*) echo "build-gpu-bins.sh: --jobs wants a number, got '$jobs'" >&2; exit 2 ;; esac
limit_mib=48

nvcc_bin="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
[ -x "$nvcc_bin" ] || { echo "build-gpu-bins.sh: nvcc not found (PATH or /usr/local/cuda/bin): install the CUDA Toolkit" >&2; exit 1; }

launcher=()
if [ "${MGST_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
gen=()
command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && gen=(-G Ninja)

echo "== configure $build"
mkdir -p "$build"
cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DMGST_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER="$nvcc_bin" \
  -DMGST_NATIVE=OFF -DMGST_BUILD_TESTS=ON -DMGST_BUILD_BENCH=ON \
  -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON '-DCMAKE_INSTALL_RPATH=$ORIGIN/../lib' \
  "${launcher[@]}" >"$build/configure.log" 2>&1 ||
  { tail -30 "$build/configure.log"; echo "build-gpu-bins.sh: configure failed ($build/configure.log)" >&2; exit 1; }
grep -E "CUDA backend|cuBLAS|cuDNN|benchmarks" "$build/configure.log"
for need in "cuBLAS reference : ON" "cuDNN reference  : ON" "benchmarks       : ON"; do
  grep -q "$need" "$build/configure.log" ||
    { echo "build-gpu-bins.sh: the configure found no '${need%% :*}' (needed for the GPU comparisons; $build/configure.log)" >&2; exit 1; }
done

echo "== build (-j$jobs)"
targets=(mgst_tests mgst_bench_cuda mgst_bench_ops mgst_cli)
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

echo "== bundle $out"
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
cp "$build/tests/mgst_tests" "$build/bench/mgst_bench_cuda" "$build/bench/mgst_bench_ops" "$build/mgst" "$out/bin/"
strip --strip-unneeded "$out"/bin/*

# Left to the GPU machine: glibc and the loader, the driver, the CUDA
# libraries that are too big to carry (libcublasLt alone is ~540 MB), and
# zlib (a dependency of libprotobuf and cuDNN, not of the binaries: found
# through their search path, not the binaries' RUNPATH; Debian and Ubuntu
# install it always).
left='^(linux-vdso|ld-linux|libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|libcuda\.so|libcublas|libcublasLt|libcudnn|libz\.so)'
declare -A bundled=() left_out=()
for b in "$out"/bin/*; do
  while read -r name _ path _; do
    [ -n "$name" ] || continue
    if [[ "$name" =~ $left ]]; then
      left_out[$name]=1
    elif [ "$path" = "not" ] || [ ! -f "$path" ]; then
      echo "build-gpu-bins.sh: $(basename "$b") needs $name, which does not resolve here" >&2
      exit 1
    else
      bundled[$name]="$path"
    fi
  done < <(ldd "$b" | sed -n 's/^\t\([^ ]*\) => \(.*\) (0x.*$/\1 x \2 y/p; s/^\t\([^ ]*\) => not found$/\1 x not y/p')
done
for name in "${!bundled[@]}"; do
  cp -L "${bundled[$name]}" "$out/lib/$name"
  strip --strip-unneeded "$out/lib/$name"
done

# The highest glibc symbol version any bundled file needs (the GPU machine's
# glibc must be at least this; gpu-check.sh --prebuilt checks it).
glibc_need=$(objdump -T "$out"/bin/* "$out"/lib/* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' |
  sed 's/GLIBC_//' | sort -uV | tail -1)
commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | head -1)
{
  echo "commit: $commit${dirty:+ (with uncommitted changes)}"
  echo "built: $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n) ($(. /etc/os-release && echo "$PRETTY_NAME"))"
  echo "nvcc: $("$nvcc_bin" --version | grep -o 'release [0-9.]*, V[0-9.]*')"
  echo "c++: $(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt") $(c++ -dumpfullversion 2>/dev/null)"
  echo "cuda architectures: $(sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' "$build/CMakeCache.txt")"
  echo "cuDNN headers: $(awk '/define CUDNN_(MAJOR|MINOR|PATCHLEVEL) /{printf "%s%s", s, $3; s="."}' \
    "$(sed -n 's/^MGST_CUDNN_INCLUDE:[A-Z]*=//p' "$build/CMakeCache.txt")/cudnn_version.h" 2>/dev/null)"
  echo "glibc needed: $glibc_need"
  echo "bundled: $(cd "$out/lib" && ls | tr '\n' ' ')"
  echo "left to the GPU machine: $(printf '%s\n' "${!left_out[@]}" | sort | tr '\n' ' ')"
} >"$out/MANIFEST"
(cd "$out" && sha256sum bin/* lib/* >SHA256SUMS)

# Every binary must resolve with only the bundle and what is left out.
for b in "$out"/bin/*; do
  if ldd "$b" | grep -q "not found"; then
    echo "build-gpu-bins.sh: $(basename "$b") has unresolved libraries:" >&2
    ldd "$b" | grep "not found" >&2
    exit 1
  fi
done
cat "$out/MANIFEST"
du -b --max-depth=0 "$out" | awk -v lim=$limit_mib '{
  printf "bundle size: %.1f MiB (%d bytes; limit %d MiB)\n", $1 / 1048576, $1, lim
  exit ($1 > lim * 1048576) }' ||
  { echo "build-gpu-bins.sh: $out is over ${limit_mib} MiB: it will not travel with the device tool" >&2; exit 1; }
du -b "$out"/bin/* "$out"/lib/* | awk '{printf "  %8.2f MiB  %s\n", $1 / 1048576, $2}'
