#!/usr/bin/env bash
# NF4 qopt.weight_matmul (look-up-table dequantization fused into the
# contraction) against int4 symmetric absmax RTN at the same block size and
# the float32 MatMul, all three made by quant-opt's passes from the same
# float model and timed by quant-run on the same cores.
#
#   benchmarks/nf4.sh [RUNS]     (default 50 timed runs, after 1 warm-up)
#
# Shapes (M x K x N): 1 x 4096 x 4096 (decode: the fused GEMV) and
# 64 x 1024 x 1024 (the blocked path). Models: the f32 MatMul
# (benchmarks/matmul_model.py), --qopt-rtn="bits=4 group-size=64 sym=true"
# (the same block as NF4), --qopt-rtn="bits=4 group-size=128 sym=true" (the
# usual int4 GEMV), --qopt-nf4="block-size=64" and
# --qopt-nf4="block-size=64 double-quant=true".
# Prints the median and minimum latency and f32 / model of the minima, as a
# Markdown table headed by the CPU model. Environment: THREADS (default all
# cores), QOPT_BUILD_DIR (default build), SHAPES (e.g. "1 4096 4096"),
# CPU (quant-opt --cpu, default host; e.g. x86-64-v3 for the AVX2 code).
# Not a test: a human runs it on a quiet machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-50}
THREADS=${THREADS:-$(nproc)}
PYTHON=/usr/bin/python3
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
QUANT_OPT=$BUILD/bin/quant-opt
QUANT_RUN=$BUILD/bin/quant-run
CPU=${CPU:-host}
IFS=';' read -r -a SHAPE_LIST <<<"${SHAPES:-1 4096 4096;64 1024 1024}"

for tool in "$QUANT_OPT" "$QUANT_RUN"; do
  [[ -x $tool ]] || { echo "nf4.sh: $tool not built" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

times() { # SO INPUT_DIR -> "MEDIAN MIN" (ms)
  OMP_NUM_THREADS=$THREADS "$QUANT_RUN" "$1" --input-dir "$2" --benchmark "$RUNS" |
    sed -n 's/^benchmark:.* median \([0-9.e+-]*\) ms, min \([0-9.e+-]*\) ms.*/\1 \2/p'
}

rows=()
for shape in "${SHAPE_LIST[@]}"; do
  read -r M K N <<<"$shape"
  dir="$WORK/${M}x${K}x${N}"
  "$PYTHON" "$ROOT/benchmarks/matmul_model.py" "$M" "$K" "$N" "$dir" >/dev/null
  model="$dir/matmul_${M}x${K}x${N}.onnx"
  fmin=""
  for variant in "f32|" "int4 RTN sym g64|--qopt-rtn=bits=4 group-size=64 sym=true" \
                 "int4 RTN sym g128|--qopt-rtn=bits=4 group-size=128 sym=true" \
                 "nf4 b64|--qopt-nf4=block-size=64" \
                 "nf4-dq b64|--qopt-nf4=block-size=64 double-quant=true"; do
    label=${variant%%|*}
    flag=${variant#*|}
    so="$dir/${label// /_}.so"
    if [[ -z $flag ]]; then
      "$QUANT_OPT" "$model" --cpu="$CPU" --emit=shared -o "$so"
    else
      "$QUANT_OPT" "$model" "$flag" --cpu="$CPU" --emit=shared -o "$so"
    fi
    read -r med min <<<"$(times "$so" "$dir/test_data_set_0")"
    [[ -z $fmin ]] && fmin=$min
    rows+=("$(awk -v l="${M}x${K}x${N} $label" -v med="$med" -v min="$min" -v f="$fmin" \
      'BEGIN { printf "| %s | %.4f | %.4f | %.2f |", l, med, min, f / min }')")
  done
done

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
echo "CPU: $cpu, $(nproc) cores; --cpu=$CPU; threads $THREADS; $RUNS runs after 1 warm-up"
echo
echo "| model | median ms | min ms | f32/model (min) |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
