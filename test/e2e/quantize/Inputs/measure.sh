#!/usr/bin/env bash
# Reproduces the numbers in docs/quantization.md ("Measured"): output SQNR of
# every preset against the float model on the e2e transformer and CNN, the
# bundled byte LM and the outlier block; calibration throughput.
# Usage: test/e2e/quantize/Inputs/measure.sh [BUILD_DIR] (default: build)
# Calibration text is docs/architecture.md; evaluation text is
# models/byte_lm/heldout.txt (never used for calibration).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
QO="$BUILD/bin/quant-opt"
PY=/usr/bin/python3
IN="$ROOT/test/e2e/quantize/Inputs"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

measure() { # NAME MODEL CALIB EVAL
  local name=$1 model=$2 calib=$3 eval=$4
  "$QO" "$model" --emit=shared -o "$T/$name-float.so"
  for preset in w8a16-rtn w4a16-rtn w8a8-dynamic w8a8 w8a8-smoothquant; do
    local extra=()
    case $preset in
      w8a8) extra=(--calibration-data "$calib" --calibration-table "$T/$name.json") ;;
      w8a8-smoothquant) extra=(--calibration-table "$T/$name.json") ;;
    esac
    "$QO" "$model" --quantize=$preset "${extra[@]}" --emit=shared \
      -o "$T/$name-$preset.so" 2> "$T/log"
    grep -a "samples in" "$T/log" | sed "s/^/$name /" || true
    $PY "$IN/compare.py" --quant-run "$BUILD/bin/quant-run" \
      --float "$T/$name-float.so" --quant "$T/$name-$preset.so" \
      --data "$eval" --label "$name $preset"
  done
}

$PY "$IN/make_dataset.py" --out "$T/t-calib" --tokens "$ROOT/docs/architecture.md" --seq 64 --count 32
$PY "$IN/make_dataset.py" --out "$T/t-eval" --tokens "$ROOT/models/byte_lm/heldout.txt" --seq 64 --count 16
measure small_transformer "$ROOT/test/e2e/models/small_transformer.onnx" "$T/t-calib" "$T/t-eval"

$PY "$IN/make_dataset.py" --out "$T/c-calib" --random 1x3x32x32 --count 16 --seed 3
measure small_cnn "$ROOT/test/e2e/models/small_cnn.onnx" "$T/c-calib" "$ROOT/test/e2e/models/small_cnn"

$PY "$IN/make_dataset.py" --out "$T/b-calib" --tokens "$ROOT/docs/architecture.md" --seq 128 --count 16
$PY "$IN/make_dataset.py" --out "$T/b-eval" --tokens "$ROOT/models/byte_lm/heldout.txt" --seq 128 --count 8 --stride 1000
measure byte_lm "$ROOT/models/byte_lm/byte_lm.onnx" "$T/b-calib" "$T/b-eval"

$PY "$IN/outlier_model.py" --out "$T/outlier.onnx"
$PY "$IN/make_dataset.py" --out "$T/o-calib" --random 1x16x64 --count 32 --seed 1
$PY "$IN/make_dataset.py" --out "$T/o-eval" --random 1x16x64 --count 16 --seed 2
measure outlier "$T/outlier.onnx" "$T/o-calib" "$T/o-eval"
