#!/usr/bin/env bash
# Brings the build dependencies that the GPU machine lacks (it has nvcc,
# CMake and ninja but no network and no Debian -dev packages): stb,
# doctest and Google Benchmark, as Debian packages extracted into
# third_party/sysroot/ (headers, libraries, CMake package configs).
# Run here (with network / apt) before tools/gpu-check.sh is run there;
# pass third_party/sysroot in the device tool's `carry` if it is not
# committed. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
debs="$root/third_party/debs"
sysroot="$root/third_party/sysroot"
pkgs=(libstb-dev libstb0 doctest-dev libbenchmark-dev libbenchmark1debian)

mkdir -p "$debs"
cd "$debs"
for p in "${pkgs[@]}"; do
  if ! ls "${p}"_*.deb >/dev/null 2>&1; then
    apt-get download "$p"
  fi
done
rm -rf "$sysroot"
mkdir -p "$sysroot"
for d in "$debs"/*.deb; do dpkg -x "$d" "$sysroot"; done
# Only what a build needs: headers, libraries, CMake configs.
rm -rf "$sysroot/usr/share"
rm -f "$sysroot/usr/lib/x86_64-linux-gnu/libstb.a"  # the .so is what gets linked
# Debian's doctest config hard-codes /usr: make it relative to its own
# location (usr/lib/cmake/doctest -> usr), like benchmark's already is.
sed -i 's|^set(_IMPORT_PREFIX "/usr")$|get_filename_component(_IMPORT_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)|' \
  "$sysroot/usr/lib/cmake/doctest/doctestTargets.cmake"
grep -q 'CMAKE_CURRENT_LIST_DIR' "$sysroot/usr/lib/cmake/doctest/doctestTargets.cmake"
du -sh "$sysroot"
echo "sysroot ready: $sysroot"
