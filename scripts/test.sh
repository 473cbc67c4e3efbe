#!/usr/bin/env bash
# The whole test suite: builds, then runs the GoogleTest unit tests, the
# Python package tests (pytest) and the lit/FileCheck suite. Exits non-zero
# if any of them fails; each prints its runner's summary.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QOPT_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh" || exit 1

status=0
echo "== unit tests (GoogleTest) =="
"$BUILD/bin/QuantOptUnitTests" --gtest_brief=1 || status=1
"$BUILD/bin/QuantOptRuntimeTests" --gtest_brief=1 || status=1
"$BUILD/bin/QuantOptQuantTests" --gtest_brief=1 || status=1

echo "== Python tests (pytest) =="
PYTHONPATH="$ROOT/python" QOPT_BUILD_DIR="$BUILD" \
  /usr/bin/python3 -m pytest -q "$ROOT/test/python"
rc=$?
# Exit code 5 means "no tests collected": not a failure.
if [[ $rc -ne 0 && $rc -ne 5 ]]; then status=1; fi

echo "== lit tests =="
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" || status=1

echo "== ONNX backend conformance (test/conformance) =="
/usr/bin/python3 "$ROOT/test/conformance/run.py" --build "$BUILD" || status=1
echo "== ONNX backend conformance, AVX2 code path (--cpu=x86-64-v3) =="
/usr/bin/python3 "$ROOT/test/conformance/run.py" --build "$BUILD" --cpu=x86-64-v3 || status=1

if [[ $status -eq 0 ]]; then echo "ALL TEST SUITES PASSED"; else echo "SOME TEST SUITES FAILED"; fi
exit $status
