#!/usr/bin/env bash
# Installs what mgst needs to build on Debian/Ubuntu (as root or with sudo):
# a C++20 compiler, CMake, Ninja, stb_image, doctest, Google Benchmark, the ONNX
# library (mgst export --onnx) and, for its test, python3-onnx and onnxruntime,
# and Chromium, which the `browser` test suite drives headless to screenshot
# the inspect report (about 350 MB, 30 s on the 2-core CI machine; without
# it that suite is skipped, except in CI: .ci/run requires it). MGST_NO_BROWSER=1
# skips Chromium. Ubuntu has no `chromium` deb (only a snap), so there it is
# left out with a note. OpenMPI (libopenmpi-dev, openmpi-bin) for data-parallel
# training (`mpirun -np N mgst train`) and its CTest mpi_train.
# The CUDA Toolkit is optional: with nvcc at /usr/local/cuda the CUDA backend
# is built too; without it mgst builds CPU-only and says so.
set -euo pipefail
pkgs=(g++ cmake ninja-build libstb-dev doctest-dev libbenchmark-dev)
# `mgst export --onnx` (the ONNX library and its protobuf) and the test that
# checks its output (python3-onnx; onnxruntime comes from PyPI below).
pkgs+=(libonnx-dev libprotobuf-dev python3-onnx python3-pip)
pkgs+=(libopenmpi-dev openmpi-bin)
[ "${MGST_NO_BROWSER:-0}" = 1 ] || pkgs+=(chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  if [[ " ${missing[*]} " == *" chromium "* ]] && ! apt-cache show chromium >/dev/null 2>&1; then
    echo "setup: no chromium package here (Ubuntu: snap install chromium); the browser suite will skip"
    missing=("${missing[@]/chromium/}")
  fi
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ${missing[*]}
else
  echo "setup: all build dependencies present"
fi

# onnxruntime is not packaged by Debian: from PyPI into the system Python (the
# one Debian's python3-onnx lives in). Without network this fails and the CTest
# onnx_export is reported as skipped; everything else is unaffected.
if /usr/bin/python3 -c "import onnxruntime" >/dev/null 2>&1; then
  echo "setup: onnxruntime present"
else
  pip=(/usr/bin/python3 -m pip install --quiet --retries 1 --timeout 20 onnxruntime)
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  # Debian 12's pip refuses the system environment (PEP 668) unless told.
  if $SUDO "${pip[@]}" >/dev/null 2>&1 || $SUDO "${pip[@]}" --break-system-packages; then
    echo "setup: installed onnxruntime (pip)"
  else
    echo "setup: onnxruntime not installed (no network?): the onnx_export test will be skipped"
  fi
fi
