#!/usr/bin/env bash
# Held-out perplexity of models/byte_lm: fp32, RTN and AWQ at w4g128 and
# w3g128 (asymmetric), all compiled by quant-opt and scored by quant-run on
# the same text.
#
#   benchmarks/awq_byte_lm.sh [WORK_DIR]     (default build/awq-lm)
#
# Calibration: the report's 32 windows of 256 bytes from byte 300,000 of
# heldout.txt (python/quant_opt/report.py lm_calibration), --qopt-calibrate
# with reservoir-rows=512. Evaluation: the first EVAL bytes (default 30000)
# of heldout.txt, windows of 256 with stride 128. Prints the perplexities
# and the time of the AWQ pass (import included). Environment: EVAL,
# QOPT_BUILD_DIR (default build). Not a test: minutes on 2 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
B=$BUILD/bin
W=${1:-$BUILD/awq-lm}
M=$ROOT/models/byte_lm/byte_lm.onnx
EVAL=${EVAL:-30000}
mkdir -p "$W"
PYTHONPATH="$ROOT/python" /usr/bin/python3 - "$W" "$EVAL" <<'PY'
import os, sys
from quant_opt import report
work, count = sys.argv[1], int(sys.argv[2])
heldout = os.path.join(report.LM_DIR, "heldout.txt")
if not os.path.exists(os.path.join(work, "calib", "full")):
    report.lm_calibration(os.path.join(work, "calib"), heldout)
with open(os.path.join(work, "eval.txt"), "wb") as f:
    f.write(open(heldout, "rb").read()[:count])
PY
[ -f "$W/table.json" ] || "$B/quant-opt" "$M" -o /dev/null \
  --qopt-calibrate="data=$W/calib/full table=$W/table.json reservoir-rows=512 progress=false"
[ -f "$W/fp32.so" ] || "$B/quant-opt" "$M" --emit=shared -o "$W/fp32.so"
ppl() {
  "$B/quant-run" "$1" --perplexity "$W/eval.txt" --context 256 --stride 128 \
    --max-context 256 --metrics "$W/$2.json" > /dev/null
  /usr/bin/python3 -c "import json; print('$2 perplexity %.4f' % json.load(open('$W/$2.json'))['perplexity'])"
}
ppl "$W/fp32.so" fp32
for b in 4 3; do
  "$B/quant-opt" "$M" --qopt-rtn="bits=$b group-size=128 sym=false" --emit=shared -o "$W/rtn$b.so"
  start=$(date +%s.%N)
  "$B/quant-opt" "$M" --qopt-awq="bits=$b group-size=128 sym=false calibration-table=$W/table.json" \
    --qopt-report=file="$W/awq$b.txt" -o "$W/awq$b.mlir"
  echo "awq w${b}g128: pass and import $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s (report: $W/awq$b.txt)"
  "$B/quant-opt" "$W/awq$b.mlir" --emit=shared -o "$W/awq$b.so"
  ppl "$W/rtn$b.so" "rtn-w${b}g128"
  ppl "$W/awq$b.so" "awq-w${b}g128"
done
