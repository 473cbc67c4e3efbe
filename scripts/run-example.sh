#!/usr/bin/env bash
# The main job on the bundled example models: installs what is missing,
# builds quant-opt, imports each model (ONNX -> onnx dialect, shape
# inference), specializes its dynamic dimensions, and prints a summary with
# the import time and peak memory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QOPT_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh" quant-opt
QOPT="$BUILD/bin/quant-opt"

declare -A SHAPES=(
  [tiny_cnn]="image=4x1x8x8"
  [tiny_transformer]="input_ids=1x128"
)

for model in "$ROOT"/models/*.onnx; do
  name="$(basename "$model" .onnx)"
  echo "=== $name ($(stat -c %s "$model") bytes) ==="
  "$QOPT" "$model" --summary
  if [[ -n "${SHAPES[$name]:-}" ]]; then
    echo "--- specialized with --input-shape ${SHAPES[$name]}"
    "$QOPT" "$model" --input-shape "${SHAPES[$name]}" --summary |
      sed -n '/inputs:/,/ops:/p' | grep -v "ops:"
  fi
  /usr/bin/time -f "import + verify + print: %e s, peak RSS %M KiB" \
    "$QOPT" "$model" --qopt-onnx-shape-inference -o /dev/null
  echo
done
echo "Quantization, code generation and evaluation are not built yet:" \
     "see docs/architecture.md for the plan."
