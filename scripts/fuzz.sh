#!/usr/bin/env bash
# Fuzzes the ONNX importer, or the runtime's tensor-file readers, with
# libFuzzer + ASan + UBSan.
#
#   scripts/fuzz.sh [SECONDS] [importer|runtime]   (default 600 importer)
#
# Configures build-fuzz/ with clang-22 (QOPT_ENABLE_FUZZER=ON, tests off).
# importer: builds quant-opt-import-fuzzer, seeds a corpus from the
# malformed-model corpus, the valid test models and part of the ONNX backend
# test suite. runtime: builds qopt-runtime-fuzzer (TensorProto .pb from
# memory and .npy through a file), seeds it with backend-test tensors and
# small .npy files. Runs for SECONDS, prints the number of executions and any
# crash; exits 1 if the fuzzer found one. New corpus entries accumulate in
# build-fuzz/fuzz-corpus-TARGET, crashing inputs in build-fuzz/fuzz-artifacts.
#
# Environment: BUILD_DIR (default <repo>/build-fuzz), JOBS (ninja -j),
# MLIR_DIR (default /usr/lib/llvm-22/lib/cmake/mlir).
set -euo pipefail

SECONDS_TO_RUN=${1:-600}
TARGET=${2:-importer}
case $TARGET in
  importer|runtime) ;;
  *) echo "fuzz.sh: unknown target '$TARGET' (importer or runtime)" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-fuzz}
MLIR_DIR=${MLIR_DIR:-/usr/lib/llvm-22/lib/cmake/mlir}
PYTHON=/usr/bin/python3

CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$BUILD" \
  -DMLIR_DIR="$MLIR_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DQOPT_ENABLE_FUZZER=ON -DQOPT_ENABLE_TESTS=OFF >/dev/null
SEEDS="$BUILD/fuzz-seeds-$TARGET"
rm -rf "$SEEDS"
mkdir -p "$SEEDS" "$BUILD/fuzz-corpus-$TARGET" "$BUILD/fuzz-artifacts"
if [[ $TARGET == runtime ]]; then
  # The runtime's .pb / .npy readers, seeded with backend-test tensors of
  # several types and with .npy files of every header shape.
  ninja -C "$BUILD" ${JOBS:+-j "$JOBS"} qopt-runtime-fuzzer
  FUZZER="$BUILD/bin/qopt-runtime-fuzzer"
  for t in test_add test_cast_FLOAT_to_FLOAT16 test_equal test_cast_FLOAT_to_DOUBLE \
           test_argmax_default_axis_example test_nonzero_example test_size; do
    for f in /usr/share/libonnx-testdata/data/node/$t/test_data_set_0/*.pb; do
      [[ -f $f ]] && cp "$f" "$SEEDS/${t}_$(basename "$f")"
    done
  done
  "$PYTHON" -c "
import numpy as np
for i, (dt, shape) in enumerate([(np.float32, (3, 4)), (np.int64, (2,)), (np.bool_, (5,)),
                                 (np.float16, (2, 2, 2)), (np.uint8, ()), (np.float64, (0, 3))]):
    np.save('$SEEDS/seed_%d.npy' % i, np.zeros(shape, dt))
"
else
  ninja -C "$BUILD" ${JOBS:+-j "$JOBS"} quant-opt-import-fuzzer
  FUZZER="$BUILD/bin/quant-opt-import-fuzzer"

  # Seeds: read-only directory, rebuilt every run.
  cp "$ROOT"/test/Target/ONNX/malformed/Inputs/*.onnx "$ROOT"/test/Target/ONNX/malformed/Inputs-fuzz/*.onnx "$SEEDS"/
  # Valid models: every lit test with an embedded ONNX: ... END model.
  n=0
  while IFS= read -r test; do
    n=$((n + 1))
    PYTHONPATH="$ROOT/python" "$PYTHON" -m quant_opt.onnx_text "$test" \
      -o "$SEEDS/lit_$n.onnx" --raw --no-check 2>/dev/null || true
  done < <(grep -rl '^[/#]* *ONNX:$' "$ROOT/test" --include='*.onnxtxt' || true)
  # Part of the ONNX backend test suite: the ops we import, plus every 10th.
  TESTDATA=/usr/share/libonnx-testdata/data/node
  if [[ -d $TESTDATA ]]; then
    i=0
    for dir in "$TESTDATA"/*/; do
      name=$(basename "$dir")
      i=$((i + 1))
      case $name in
        test_add*|test_relu*|test_reshape*|test_constant*) ;;
        *) ((i % 10 == 0)) || continue ;;
      esac
      [[ -f $dir/model.onnx ]] && cp "$dir/model.onnx" "$SEEDS/$name.onnx"
    done
  fi
fi
echo "fuzz: $(ls "$SEEDS" | wc -l) seed inputs, running ${SECONDS_TO_RUN}s"

LOG="$BUILD/fuzz-$TARGET.log"
MARK="$BUILD/fuzz-artifacts/.start"
touch "$MARK"
status=0
# libMLIR.so is not instrumented: its inlined std::vector code does not
# annotate containers, so container-overflow checks would misfire.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_container_overflow=0} \
"$FUZZER" "$BUILD/fuzz-corpus-$TARGET" "$SEEDS" \
  -max_len=65536 -rss_limit_mb=2048 -timeout=25 \
  -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 \
  -artifact_prefix="$BUILD/fuzz-artifacts/" >"$LOG" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG" | tail -1)
echo "fuzz: ${runs:-?} executions in ${SECONDS_TO_RUN}s (log: $LOG)"
grep -E '^#[0-9]+' "$LOG" | tail -n 1 || true
crashes=$(find "$BUILD/fuzz-artifacts" -type f -newer "$MARK" | wc -l)
if ((status != 0 || crashes != 0)); then
  echo "fuzz: FAILED (exit $status); new artifacts:"
  find "$BUILD/fuzz-artifacts" -type f -newer "$MARK"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$LOG" | head -20 || true
  exit 1
fi
echo "fuzz: no crash"
