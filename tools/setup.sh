#!/usr/bin/env bash
# Installs what mgst needs to build on Debian/Ubuntu (as root or with sudo):
# a C++20 compiler, CMake, Ninja, stb_image, doctest and Google Benchmark,
# and Chromium, which the `browser` test suite drives headless to screenshot
# the inspect report (without it that suite is skipped; CI requires it).
# The CUDA Toolkit is optional: with nvcc at /usr/local/cuda the CUDA backend
# is built too; without it mgst builds CPU-only and says so.
set -euo pipefail
pkgs=(g++ cmake ninja-build libstb-dev doctest-dev libbenchmark-dev chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all build dependencies present"
fi
