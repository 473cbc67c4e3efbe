#!/usr/bin/env bash
# Installs every Debian package quant-opt needs to build and test.
# Idempotent: prints nothing and exits 0 when everything is present.
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
  time
)

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
