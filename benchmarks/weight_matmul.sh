#!/usr/bin/env bash
# qopt.weight_matmul (weight-only quantized, dequantization fused into the
# contraction) against the float32 MatMul of the same shape, both compiled
# by quant-opt and timed by quant-run on the same cores.
#
#   benchmarks/weight_matmul.sh [RUNS]     (default 50 timed runs, after 1 warm-up)
#
# Shapes (M x K x N; X the input [M,K], the weight a constant):
#   1 x 4096 x 4096 and 1 x 256 x 1024 (M = 1: decode, a GEMV), each as
#   4-bit group 128, 8-bit group 128, 2-bit per channel and the f32 twin
#   (benchmarks/matmul_model.py, B an initializer [K,N]).
# Prints per model the median and the minimum latency, the weight bytes
# the model reads (codes + f32 scales + u8 zero points) and the effective
# bandwidth (weight bytes / minimum), as a Markdown table headed by the CPU
# model and core count; the speed-up is f32 / model, of the medians and of
# the minima (the minimum is the steadier number on a shared machine). Environment: THREADS (default all
# cores), QOPT_BUILD_DIR (default build). Not a test: a human runs it on a
# quiet machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-50}
THREADS=${THREADS:-$(nproc)}
PYTHON=/usr/bin/python3
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
QUANT_OPT=$BUILD/bin/quant-opt
QUANT_RUN=$BUILD/bin/quant-run
SHAPES=("1 4096 4096" "1 256 1024")
VARIANTS=("4 128" "8 128" "2 0")

for tool in "$QUANT_OPT" "$QUANT_RUN"; do
  [[ -x $tool ]] || { echo "weight_matmul.sh: $tool not built" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# times SO INPUT_DIR: "MEDIAN MIN" (ms) of quant-run --benchmark
times() {
  OMP_NUM_THREADS=$THREADS "$QUANT_RUN" "$1" --input-dir "$2" --benchmark "$RUNS" |
    sed -n 's/^benchmark:.* median \([0-9.e+-]*\) ms, min \([0-9.e+-]*\) ms.*/\1 \2/p'
}
row() { # label bytes "median min" "f32 median min"
  read -r med min <<<"$3"
  read -r fmed fmin <<<"$4"
  awk -v l="$1" -v b="$2" -v med="$med" -v min="$min" -v fmed="$fmed" -v fmin="$fmin" \
    'BEGIN { printf "| %s | %.4f | %.4f | %.1f | %.1f | %.2f | %.2f |\n", l, med, min, b / 1048576, b / (min * 1e-3) / 1e9, fmed / med, fmin / min }'
}

rows=()
for shape in "${SHAPES[@]}"; do
  read -r M K N <<<"$shape"
  dir="$WORK/${M}x${K}x${N}"
  "$PYTHON" "$ROOT/benchmarks/matmul_model.py" "$M" "$K" "$N" "$dir" >/dev/null
  "$QUANT_OPT" "$dir/matmul_${M}x${K}x${N}.onnx" --emit=shared -o "$dir/f32.so"
  f32=$(times "$dir/f32.so" "$dir/test_data_set_0")
  rows+=("$(row "${M}x${K}x${N} f32" $((K * N * 4)) "$f32" "$f32")")
  for v in "${VARIANTS[@]}"; do
    read -r BITS GROUP <<<"$v"
    "$PYTHON" "$ROOT/benchmarks/weight_matmul_model.py" "$M" "$K" "$N" "$BITS" "$GROUP" "$dir/q$BITS"
    "$QUANT_OPT" "$dir/q$BITS/wmm_${M}x${K}x${N}_b${BITS}_g${GROUP}.mlir" --emit=shared -o "$dir/q$BITS.so"
    t=$(times "$dir/q$BITS.so" "$dir/q$BITS/input")
    groups=$((GROUP == 0 ? 1 : K / GROUP))
    bytes=$((N * K * BITS / 8 + N * groups * 5))
    rows+=("$(row "${M}x${K}x${N} int$BITS g$GROUP" "$bytes" "$t" "$f32")")
  done
done

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
echo "CPU: $cpu, $(nproc) cores; threads $THREADS; median of $RUNS runs after 1 warm-up"
echo
echo "| model | median ms | min ms | weight MiB | GB/s (weights, min) | f32/model (median) | f32/model (min) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
