#!/usr/bin/env bash
# Runs tools/ort-run/ort-run.js (ONNX Runtime, the CPU peer) with the machine's
# Node.js and the onnxruntime-node that scripts/setup.sh installs in .deps/ort.
# Arguments go to ort-run.js: MODEL.onnx --input-dir DIR [--output-dir DIR] ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE=$(command -v node || command -v nodejs || true)
if [[ -z $NODE ]]; then
  echo "ort-run: Node.js not found (node or nodejs on PATH); run scripts/setup.sh" >&2
  exit 1
fi
export QOPT_ORT_DIR="${QOPT_ORT_DIR:-$ROOT/.deps/ort}"
if [[ ! -d $QOPT_ORT_DIR/node_modules/onnxruntime-node ]]; then
  echo "ort-run: onnxruntime-node not found in $QOPT_ORT_DIR; run scripts/setup.sh" >&2
  exit 1
fi
exec "$NODE" "$ROOT/tools/ort-run/ort-run.js" "$@"
