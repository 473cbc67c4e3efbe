#!/usr/bin/env bash
# int8 GEMM (AVX-512 VNNI) against quant-opt's own fp32 GEMM and the peers,
# in one run on the same cores.
#
#   benchmarks/int8_gemm.sh [RUNS]     (default 30 timed runs; peers also 5 warm-up)
#
# Shapes (M x K x N, A the graph input [M,K], B a constant [K,N]):
#   1024 x 1024 x 1024   and   128 x 768 x 3072
# For each it measures the median latency of RUNS runs and prints GOP/s
# (2*M*K*N / median; one multiply-add = 2 operations) of
#   quant-opt int8  quant-run on the canonical int8 contraction
#                   (benchmarks/int8_gemm_model.py: u8 A x s8 B -> s32, B a
#                   constant), after checking its output exactly against numpy
#   quant-opt fp32  quant-run on a one-MatMul float32 ONNX model
#                   (benchmarks/matmul_model.py), the path of benchmarks/matmul.sh
#   oneDNN int8     benchmarks/dnnl_int8_bench.c, dnnl_matmul u8 x s8 -> s32,
#                   B reordered to oneDNN's layout before timing
#   OpenBLAS fp32   benchmarks/sgemm_bench.c, cblas_sgemm
# and two Markdown tables, from the median and from the fastest run, with the
# ratio quant-opt int8 / quant-opt fp32 (the goal of issue 4: >= 2) and
# quant-opt int8 / oneDNN int8. The fastest run says what the code can do on
# a machine that other work shares; the median what a run typically got. quant-run is
# $QUANT_RUN, or $QOPT_BUILD_DIR/bin/quant-run (default build/). Environment:
# THREADS (default: all cores) for OMP_NUM_THREADS / OPENBLAS_NUM_THREADS;
# OPENBLAS_CORETYPE is passed on. Not a test: a human runs it on a quiet
# machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-30}
WARMUP=5
THREADS=${THREADS:-$(nproc)}
PYTHON=/usr/bin/python3
BUILD=${QOPT_BUILD_DIR:-$ROOT/build}
QUANT_RUN=${QUANT_RUN:-$BUILD/bin/quant-run}
SHAPES=("1024 1024 1024" "128 768 3072")

if ((RUNS < 20)); then
  echo "int8_gemm.sh: RUNS must be at least 20 (got $RUNS)" >&2
  exit 1
fi
for tool in cc "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "int8_gemm.sh: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done
if [[ ! -x $QUANT_RUN ]]; then
  echo "int8_gemm.sh: $QUANT_RUN not found; build quant-opt first" >&2
  exit 1
fi
if [[ ! -f /usr/include/oneapi/dnnl/dnnl.h ]]; then
  echo "int8_gemm.sh: oneapi/dnnl/dnnl.h not found (Debian package libdnnl-dev); run scripts/setup.sh" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/sgemm_bench" "$ROOT/benchmarks/sgemm_bench.c" -lopenblas
cc -O2 -o "$WORK/dnnl_int8_bench" "$ROOT/benchmarks/dnnl_int8_bench.c" -ldnnl

# field NAME LINE: the value of NAME=... in LINE
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }
gops() { awk -v m="$1" -v k="$2" -v n="$3" -v ms="$4" 'BEGIN { printf "%.1f", 2*m*k*n / (ms*1e-3) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# quant_run MODEL DATA_DIR [--check DIR ...]: "MEDIAN_MS MIN_MS" of RUNS runs
quant_run() {
  local model=$1 data=$2 out ms
  shift 2
  out=$(OMP_NUM_THREADS=$THREADS "$QUANT_RUN" "$model" --input-dir "$data" "$@" \
          --benchmark "$RUNS" 2>&1) || { echo "quant-run failed on $model: $out" >&2; return 1; }
  # quant-run prints "benchmark: N runs after 1 warm-up: median X ms, min Y ms, ..."
  ms=$(sed -n 's/^benchmark:.* median \([0-9.]*\) ms, min \([0-9.]*\) ms.*/\1 \2/p' <<<"$out")
  [[ -n $ms ]] || { echo "quant-run printed no benchmark line: $out" >&2; return 1; }
  echo "quant-run $(basename "$model"): $(grep -m1 '^benchmark:' <<<"$out")" >&2
  echo "$ms"
}

rows=(); fast=()
# row LABEL Q8 Q32 DNNL BLAS: one table row
row() { echo "| $1 | $2 | $3 | $(ratio "$2" "$3") | $4 | $(ratio "$2" "$4") | $5 |"; }
for shape in "${SHAPES[@]}"; do
  read -r M K N <<<"$shape"
  label="${M}x${K}x${N}"
  dir="$WORK/$label"
  int8_model=$("$PYTHON" "$ROOT/benchmarks/int8_gemm_model.py" "$M" "$K" "$N" "$dir/int8")
  fp32_model=$("$PYTHON" "$ROOT/benchmarks/matmul_model.py" "$M" "$K" "$N" "$dir/fp32")

  # The int8 result must equal numpy's exactly.
  read -r med min < <(quant_run "$int8_model" "$dir/int8/test_data_set_0" \
                        --check "$dir/int8/test_data_set_0" --rtol 0 --atol 0)
  q8=$(gops "$M" "$K" "$N" "$med"); q8f=$(gops "$M" "$K" "$N" "$min")
  read -r med min < <(quant_run "$fp32_model" "$dir/fp32/test_data_set_0")
  q32=$(gops "$M" "$K" "$N" "$med"); q32f=$(gops "$M" "$K" "$N" "$min")

  line=$(OMP_NUM_THREADS=$THREADS "$WORK/dnnl_int8_bench" "$M" "$K" "$N" "$RUNS" "$WARMUP")
  echo "$line" >&2
  dnnl=$(gops "$M" "$K" "$N" "$(field median_ms "$line")")
  dnnlf=$(gops "$M" "$K" "$N" "$(field min_ms "$line")")
  impl=$(field impl "$line")

  line=$(OPENBLAS_NUM_THREADS=$THREADS "$WORK/sgemm_bench" "$M" "$K" "$N" "$RUNS" "$WARMUP")
  echo "$line" >&2
  blas=$(gops "$M" "$K" "$N" "$(field median_ms "$line")")
  blasf=$(gops "$M" "$K" "$N" "$(field min_ms "$line")")
  core=$(field core "$line")

  rows+=("$(row "$label" "$q8" "$q32" "$dnnl" "$blas")")
  fast+=("$(row "$label" "$q8f" "$q32f" "$dnnlf" "$blasf")")
done

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
echo
echo "CPU: $cpu, $(nproc) cores; threads $THREADS; oneDNN $impl; OpenBLAS core $core; $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
header="| shape (MxKxN) | quant-opt int8 GOP/s | quant-opt fp32 GFLOP/s | int8 / fp32 | oneDNN int8 GOP/s | quant-opt / oneDNN int8 | OpenBLAS fp32 GFLOP/s |"
echo
echo "Median run:"
echo
echo "$header"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Fastest run:"
echo
echo "$header"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${fast[@]}"
