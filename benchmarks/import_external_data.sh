#!/usr/bin/env bash
# Peak memory of importing a model whose weights live in external data.
#
#   benchmarks/import_external_data.sh [QUANT_OPT]   (default build/bin/quant-opt)
#
# Writes (in a temporary directory, as a sparse file, so it is fast) a model
# with one 1 GiB float32 initializer (16384 x 16384) in an external-data
# file, added to a graph input, then imports it twice under /usr/bin/time -v:
#   1. --summary -o /dev/null
#   2. a full print with --mlir-elide-resource-strings-if-larger=64
# and prints the peak RSS of each. The importer maps the data file and must
# not touch its pages, so both stay far below the file size; the script
# fails (exit 1) when either exceeds LIMIT_MB (default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUANT_OPT=${1:-$ROOT/build/bin/quant-opt}
LIMIT_MB=${LIMIT_MB:-300}
PYTHON=/usr/bin/python3

if [[ ! -x $QUANT_OPT ]]; then
  echo "error: $QUANT_OPT not found; build quant-opt first" >&2
  exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "error: /usr/bin/time not found (Debian package 'time')" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" - "$WORK" <<'PY'
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

work = sys.argv[1]
n = 16384
data_path = os.path.join(work, "big.bin")
# A sparse 1 GiB file: np.memmap only writes the pages that are set.
weights = np.memmap(data_path, dtype=np.float32, mode="w+", shape=(n, n))
weights[0, :16] = np.arange(16, dtype=np.float32)
weights[-1, -16:] = -np.arange(16, dtype=np.float32)
weights.flush()
del weights

w = TensorProto()
w.name = "W"
w.data_type = TensorProto.FLOAT
w.dims.extend([n, n])
for key, value in (("location", "big.bin"), ("offset", "0"),
                   ("length", str(n * n * 4))):
    entry = w.external_data.add()
    entry.key, entry.value = key, value
w.data_location = TensorProto.EXTERNAL

graph = helper.make_graph(
    [helper.make_node("Add", ["X", "W"], ["Y"], name="add")], "big",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [n])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, n])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, os.path.join(work, "big.onnx"))
PY

printf 'model: %s (%s), external data: %s bytes (%s on disk)\n' \
  "big.onnx" "$(stat -c %s "$WORK/big.onnx") bytes" \
  "$(stat -c %s "$WORK/big.bin")" "$(du -h "$WORK/big.bin" | cut -f1)"

status=0
measure() {
  local label=$1
  shift
  local log="$WORK/time.log"
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$log" "$QUANT_OPT" "$WORK/big.onnx" "$@" \
       -o /dev/null; then
    echo "$label: quant-opt failed" >&2
    status=1
    return
  fi
  end=$(date +%s.%N)
  local kb
  kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log")
  local mb=$((kb / 1024))
  printf '%-34s peak RSS %6d MB   wall %5.2f s\n' "$label" "$mb" \
    "$(echo "$end - $start" | bc)"
  if ((mb > LIMIT_MB)); then
    echo "$label: peak RSS $mb MB is above the $LIMIT_MB MB limit" >&2
    status=1
  fi
}

measure "--summary" --summary
measure "print (resources elided > 64 B)" --mlir-elide-resource-strings-if-larger=64
exit $status
