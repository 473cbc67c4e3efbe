#!/usr/bin/env bash
# Installs every Debian package quant-opt needs to build and test.
# Idempotent: prints nothing and exits 0 when everything is present.
# Also installs the ONNX Runtime peer (the npm package onnxruntime-node, whose
# CPU library is used with --ignore-scripts: nothing is downloaded besides the
# npm package) into .deps/ort, used by tools/ort-run, the e2e tests and
# benchmarks/.
#   --train   also the packages that train the bundled models
#             (python3-torch with OpenBLAS, scikit-learn, python3.11-doc)
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build g++ pkg-config
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22
  libclang-rt-22-dev zlib1g-dev libzstd-dev libffi-dev libedit-dev libxml2-dev libcurl4-openssl-dev
  # ONNX protobuf schema and the backend test suite
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # tests
  libgtest-dev libgmock-dev python3 python3-numpy python3-onnx python3-pytest
  # the main job's report plot (python3 -m quant_opt report)
  python3-matplotlib
  time
  # peers: OpenBLAS (benchmarks/matmul.sh); LLVM's OpenMP runtime, which
  # compiled models link
  libopenblas-dev libomp-22-dev
  # peer: oneDNN int8 matmul (benchmarks/int8_gemm.sh)
  libdnnl-dev
)

# Node.js and npm run the ONNX Runtime peer. Some machines have Node.js from
# another apt source whose `nodejs` package bundles npm and conflicts with
# Debian's `npm`, so ask apt for them only when the commands are missing.
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

if [[ "${1:-}" == "--train" ]]; then
  PACKAGES+=(python3-torch libopenblas0-pthread python3-sklearn python3.11-doc)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ONNX Runtime (CPU) for Node.js, a fixed version, in .deps/ort.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORT_VERSION=1.20.1
ORT_PREFIX="$ROOT/.deps/ort"
ORT_PKG="$ORT_PREFIX/node_modules/onnxruntime-node/package.json"
if [[ ! -f $ORT_PKG ]] ||
   ! grep -q "\"version\": \"$ORT_VERSION\"" "$ORT_PKG"; then
  echo "setup: installing onnxruntime-node@$ORT_VERSION into $ORT_PREFIX"
  mkdir -p "$ORT_PREFIX"
  npm install --ignore-scripts --no-audit --no-fund --save-exact --loglevel=error \
    --prefix "$ORT_PREFIX" "onnxruntime-node@$ORT_VERSION" >/dev/null
fi
