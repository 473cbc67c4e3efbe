#!/usr/bin/env bash
# Times lib/Quant's AWQ search (benchmarks/awq_search.cpp) on the byte LM's
# layer shapes and on 7B-class ones (4096 x 4096, 12288 x 4096; 512 rows,
# group 128, 4 bits). Single thread.
#   benchmarks/awq_search.sh [SHAPES]   (the first SHAPES shapes; default all)
# Environment: QOPT_BUILD_DIR (default build). Not a test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
BIN=$(mktemp -d)/awq_search
trap 'rm -rf "$(dirname "$BIN")"' EXIT
c++ -O2 -std=c++17 -I"$ROOT/include" "$ROOT/benchmarks/awq_search.cpp" \
  "$BUILD/lib/libQuantOptQuant.a" -o "$BIN"
echo "$(lscpu | sed -n 's/^Model name: *//p'), 1 thread"
"$BIN" "$@"
