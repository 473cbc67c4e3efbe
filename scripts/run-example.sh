#!/usr/bin/env bash
# The main job on the bundled example models: installs what is missing
# (scripts/setup.sh), builds quant-opt and quant-run, then
#
# 1. quantize and evaluate (python3 -m quant_opt report): for fp32 and every
#    preset `quant-opt --list-presets` names, compiles models/byte_lm and
#    models/digits_cnn, and prints the table -- scheme, bits/weight, model
#    bytes, held-out perplexity, change vs fp32, KLD vs fp32, prefill and
#    decode tokens/s, time to first token, peak RSS; digits accuracy -- plus
#    the fp32 check against ONNX Runtime on the same windows and images.
#    Writes build/report/report.md and report.png. Arguments go to the
#    report (e.g. --eval-bytes 50000 for a quicker run; --help).
# 2. fp32 latency against ONNX Runtime: for each bundled model, compile
#    time, library size, the largest difference from ONNX Runtime's outputs
#    and the latency of quant-opt's code and of ONNX Runtime on the same
#    cores. Skip it with LATENCY=0.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QOPT_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh" quant-opt quant-run
QOPT="$BUILD/bin/quant-opt"
QRUN="$BUILD/bin/quant-run"

echo "=== quantize and evaluate (python3 -m quant_opt report)"
start=$(date +%s)
PYTHONPATH="$ROOT/python" QOPT_BUILD_DIR="$BUILD" \
  /usr/bin/python3 -m quant_opt report --out "$BUILD/report" "$@"
echo "quantize-and-evaluate wall time: $(( $(date +%s) - start )) s"
[[ "${LATENCY:-1}" == 0 ]] && exit 0

echo
echo "=== fp32 latency against ONNX Runtime"
RUNS=${RUNS:-20}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

MODELS=(models/tiny_cnn.onnx models/tiny_transformer.onnx
        models/digits_cnn/digits_cnn.onnx models/byte_lm/byte_lm.onnx)
rows=()
for rel in "${MODELS[@]}"; do
  model="$ROOT/$rel"
  name="$(basename "$model" .onnx)"
  echo "=== $name"
  "$QOPT" "$model" --summary | sed -n '/inputs:/,/outputs:/p' | head -4
  data="$WORK/$name/data"
  /usr/bin/python3 "$ROOT/scripts/example-inputs.py" "$name" "$data"

  start=$(date +%s.%N)
  "$QOPT" "$model" --emit=shared -o "$WORK/$name.so"
  compile=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  size=$(stat -c %s "$WORK/$name.so")

  "$ROOT/scripts/ort-run.sh" "$model" --input-dir "$data" \
    --output-dir "$WORK/$name/ort" >/dev/null
  check=$("$QRUN" "$WORK/$name.so" --input-dir "$data" \
            --check "$WORK/$name/ort" --rtol 1e-4 --atol 1e-4)
  echo "$check"
  maxerr=$(awk '$NF == "PASS" || $NF == "FAIL" { if ($4 > m) m = $4 } END { printf "%.2g", m }' <<<"$check")
  verdict=$(grep -q FAIL <<<"$check" && echo FAIL || echo match)

  qms=$("$QRUN" "$WORK/$name.so" --input-dir "$data" --benchmark "$RUNS" |
          sed -n 's/^benchmark:.* median \([0-9.]*\) ms.*/\1/p')
  ortms=$("$ROOT/scripts/ort-run.sh" "$model" --input-dir "$data" \
            --output-dir "$WORK/$name/ort2" --benchmark "$RUNS" |
          sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p')
  ratio=$(awk -v q="$qms" -v o="$ortms" 'BEGIN { printf "%.2f", o / q }')
  rows+=("| $name | $compile s | $((size / 1024)) KiB | $maxerr ($verdict) | $qms ms | $ortms ms | $ratio |")
  echo
done

echo "fp32 on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; median of $RUNS runs"
echo
echo "| model | compile | library | max abs diff vs ONNX Runtime | quant-opt | ONNX Runtime | speed-up |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
