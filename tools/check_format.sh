#!/usr/bin/env bash
# The format check (CI stage "format"): every tracked C++/CUDA source
# (*.h *.hpp *.cpp *.cc *.cu *.cuh *.inc, not third_party/ or fuzz/corpus/)
# must be what clang-format makes of it with the repository's .clang-format.
# Lists each file that is not, with clang-format's first complaints, and exits 1.
#
#   bash tools/check_format.sh          # check (what CI runs)
#   bash tools/check_format.sh --fix    # rewrite those files in place
#
# Formatting differs between clang-format versions; the check is pinned to
# clang-format 14 (Debian 12's, installed here when missing, like
# tools/setup.sh does for the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  *) echo "usage: tools/check_format.sh [--fix]" >&2; exit 2 ;;
esac
CF=${CLANG_FORMAT:-}
if [ -z "$CF" ]; then
  for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null; then CF=$c; break; fi
  done
fi
if [ -z "$CF" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang-format
  CF=clang-format
fi
version=$("$CF" --version)
case "$version" in
  *" version 14."*) ;;
  *) echo "check_format: warning: $version is not clang-format 14; results may differ" >&2 ;;
esac
mapfile -t files < <(git ls-files -- '*.h' '*.hpp' '*.cpp' '*.cc' '*.cu' '*.cuh' '*.inc' \
                       ':!:third_party/**' ':!:fuzz/corpus/**')
if [ "$fix" = 1 ]; then
  "$CF" -i --style=file "${files[@]}"
  echo "check_format: formatted ${#files[@]} files with $version"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  if ! out=$("$CF" --dry-run --Werror --style=file "$f" 2>&1); then
    bad+=("$f")
    head -6 <<<"$out"
  fi
done
if ((${#bad[@]})); then
  echo "check_format: ${#bad[@]} of ${#files[@]} files are not formatted ($version):"
  printf '  %s\n' "${bad[@]}"
  echo "check_format: run 'bash tools/check_format.sh --fix' and commit the result"
  exit 1
fi
echo "check_format: all ${#files[@]} files formatted ($version)"
