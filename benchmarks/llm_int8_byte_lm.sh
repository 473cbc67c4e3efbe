#!/usr/bin/env bash
# LLM.int8() (--qopt-llm-int8) on models/byte_lm against fp32 and
# --quantize=w8a8-dynamic (per-token int8): held-out perplexity (and KL
# divergence, top-1 agreement against fp32) and prefill tokens/s from
# `quant-run --perplexity`, plus the --qopt-report lines (outlier columns
# per layer, output SQNR on calibration rows).
#
#   benchmarks/llm_int8_byte_lm.sh [EVAL_BYTES] [THRESHOLD]   (default 20000, 6.0)
#
# Calibration: the 32 windows of 256 bytes of heldout.txt from byte 300,000
# that `python3 -m quant_opt report` uses (python/quant_opt/report.py);
# evaluation: the first EVAL_BYTES bytes (context 256, stride 128, as the
# report). Environment: QOPT_BUILD_DIR (default build). Not a test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVAL_BYTES=${1:-20000}
THRESHOLD=${2:-6.0}
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
QOPT=$BUILD/bin/quant-opt
QRUN=$BUILD/bin/quant-run
LM=$ROOT/models/byte_lm/byte_lm.onnx
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PYTHONPATH="$ROOT/python" /usr/bin/python3 -c "
from quant_opt import report
report.lm_calibration('$WORK/cal', '$ROOT/models/byte_lm/heldout.txt')"
head -c "$EVAL_BYTES" "$ROOT/models/byte_lm/heldout.txt" > "$WORK/eval.txt"

"$QOPT" "$LM" --qopt-calibrate="data=$WORK/cal/full table=$WORK/table.json progress=false reservoir-rows=256" -o /dev/null
"$QOPT" "$LM" --emit=shared -o "$WORK/fp32.so"
"$QOPT" "$LM" --quantize=w8a8-dynamic --emit=shared -o "$WORK/w8a8-dynamic.so"
"$QOPT" "$LM" --qopt-llm-int8="threshold=$THRESHOLD calibration-table=$WORK/table.json" \
  --qopt-report="file=$WORK/static.txt" --emit=shared -o "$WORK/llm-int8.so"
"$QOPT" "$LM" --qopt-llm-int8="mode=dynamic threshold=$THRESHOLD calibration-table=$WORK/table.json" \
  --qopt-report="file=$WORK/dynamic.txt" --emit=shared -o "$WORK/llm-int8-dynamic.so"

echo "== --qopt-report, static (threshold $THRESHOLD)"
cat "$WORK/static.txt"
echo "== --qopt-report, dynamic"
grep -v "outlier part" "$WORK/dynamic.txt"
echo
echo "| model | perplexity | vs fp32 | KLD mean | top-1 agreement | prefill tokens/s |"
echo "|---|---|---|---|---|---|"
for m in fp32 w8a8-dynamic llm-int8 llm-int8-dynamic; do
  args=("$WORK/$m.so" --perplexity "$WORK/eval.txt" --context 256 --stride 128
        --max-context 256 --metrics "$WORK/$m.json")
  [[ $m != fp32 ]] && args+=(--compare-to "$WORK/fp32.so")
  "$QRUN" "${args[@]}" > /dev/null
  /usr/bin/python3 - "$WORK/$m.json" "$WORK/fp32.json" "$m" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
change = 100 * (m["perplexity"] / f["perplexity"] - 1)
print("| %s | %.4f | %+.2f %% | %s | %s | %.0f |" % (
    sys.argv[3], m["perplexity"], change,
    "%.5f" % m["kld_mean"] if "kld_mean" in m else "-",
    "%.4f" % m["top1_agreement"] if "top1_agreement" in m else "-",
    m["prefill_tokens_per_second"]))
PY
done
