#!/usr/bin/env bash
# One float32 MatMul, side by side: OpenBLAS sgemm, ONNX Runtime and
# quant-opt's compiled model, in one run on the same cores.
#
#   benchmarks/matmul.sh [RUNS]        (default 30 timed runs, after 5 warm-up)
#
# Shapes (M x K x N, A the graph input [M,K], B an initializer [K,N]):
#   1024 x 1024 x 1024   and   128 x 768 x 3072
# For each it measures the median latency of RUNS runs and prints GFLOP/s
# (2*M*K*N / median) of
#   OpenBLAS   benchmarks/sgemm_bench.c, cblas_sgemm, OPENBLAS_NUM_THREADS = cores
#   ORT        tools/ort-run --benchmark on a one-MatMul model, intra-op threads = cores
#   quant-opt  quant-run MODEL.onnx --benchmark RUNS (OMP_NUM_THREADS = cores);
#              quant-run is $QUANT_RUN, or build/bin/quant-run; when it is not
#              built the column says so and the rest still runs.
# and a Markdown table with the ratios quant-opt/OpenBLAS and quant-opt/ORT,
# headed by the CPU model and core count. Environment: THREADS (default: all
# cores), OPENBLAS_CORETYPE is passed on to OpenBLAS. Not a test: a human
# runs it on a quiet machine.
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
  echo "matmul.sh: RUNS must be at least 20 (got $RUNS)" >&2
  exit 1
fi
for tool in cc "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "matmul.sh: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done
if [[ ! -f /usr/include/x86_64-linux-gnu/cblas.h && ! -f /usr/include/cblas.h ]] &&
   ! ls /usr/include/*/cblas.h >/dev/null 2>&1; then
  echo "matmul.sh: cblas.h not found (Debian package libopenblas-dev); run scripts/setup.sh" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/sgemm_bench" "$ROOT/benchmarks/sgemm_bench.c" -lopenblas

# field NAME LINE: the value of NAME=... in LINE
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }
gflops() { awk -v m="$1" -v k="$2" -v n="$3" -v ms="$4" 'BEGIN { printf "%.1f", 2*m*k*n / (ms*1e-3) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

have_qrun=0
if [[ -x $QUANT_RUN ]]; then have_qrun=1; else echo "quant-opt: not built ($QUANT_RUN not found)" >&2; fi

rows=()
for shape in "${SHAPES[@]}"; do
  read -r M K N <<<"$shape"
  label="${M}x${K}x${N}"
  dir="$WORK/$label"
  "$PYTHON" "$ROOT/benchmarks/matmul_model.py" "$M" "$K" "$N" "$dir" >/dev/null
  model="$dir/matmul_$label.onnx"

  line=$(OPENBLAS_NUM_THREADS=$THREADS "$WORK/sgemm_bench" "$M" "$K" "$N" "$RUNS" "$WARMUP")
  echo "$line" >&2
  blas=$(gflops "$M" "$K" "$N" "$(field median_ms "$line")")
  core=$(field core "$line")

  line=$("$ROOT/scripts/ort-run.sh" "$model" --input-dir "$dir/test_data_set_0" \
           --benchmark "$RUNS" --warmup "$WARMUP" --threads "$THREADS" | grep '^ort-run benchmark:')
  echo "$line" >&2
  ort=$(gflops "$M" "$K" "$N" "$(field median_ms "$line")")

  qopt="not built"; r_blas="-"; r_ort="-"
  if ((have_qrun)); then
    if out=$(OMP_NUM_THREADS=$THREADS "$QUANT_RUN" "$model" --input-dir "$dir/test_data_set_0" \
               --benchmark "$RUNS" 2>&1); then
      # quant-run prints "benchmark: N runs after 1 warm-up: median X ms, ..."
      ms=$(sed -n 's/^benchmark:.* median \([0-9.]*\) ms.*/\1/p' <<<"$out")
      if [[ -n $ms ]]; then
        echo "quant-run: $(grep -m1 '^benchmark:' <<<"$out")" >&2
        qopt=$(gflops "$M" "$K" "$N" "$ms")
        r_blas=$(ratio "$qopt" "$blas"); r_ort=$(ratio "$qopt" "$ort")
      else
        qopt="no median in output"
        echo "quant-run output without a benchmark line: $out" >&2
      fi
    else
      qopt="failed"
      echo "quant-run failed on $label: $out" >&2
    fi
  fi
  rows+=("| $label | $blas | $ort | $qopt | $r_blas | $r_ort |")
done

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
echo
echo "CPU: $cpu, $(nproc) cores; threads $THREADS; OpenBLAS core $core; median of $RUNS runs after $WARMUP warm-up"
echo
echo "| shape (MxKxN) | OpenBLAS GFLOP/s | ORT GFLOP/s | quant-opt GFLOP/s | quant-opt/OpenBLAS | quant-opt/ORT |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
