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
  [digits_cnn]="image=32x1x8x8"
  [byte_lm]="input_ids=1x256"
  [byte_lm_decode]="input_ids=1x1,past_key_values.0.key=1x8x127x32"
)

for model in $(find "$ROOT/models" -name "*.onnx" -not -path "*/heldout/*" | sort); do
  name="$(basename "$model" .onnx)"
  echo "=== $name ($(stat -c %s "$model") bytes) ==="
  "$QOPT" "$model" --summary
  if [[ -n "${SHAPES[$name]:-}" ]]; then
    echo "--- specialized with --input-shape ${SHAPES[$name]}, shapes inferred and folded"
    "$QOPT" "$model" --input-shape "${SHAPES[$name]}" \
      --qopt-onnx-shape-inference --summary |
      sed -n '/inputs:/,/ops:/p' | head -12
  fi
  /usr/bin/time -f "import + verify + shape inference: %e s, peak RSS %M KiB" \
    "$QOPT" "$model" --qopt-onnx-shape-inference --summary -o /dev/null
  echo
done
echo "Quantization, code generation and evaluation are not built yet:" \
     "see docs/architecture.md for the plan."
