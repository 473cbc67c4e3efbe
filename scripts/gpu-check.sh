#!/usr/bin/env bash
# GPU check of the NVPTX target (docs/gpu.md). Two phases, so the GPU
# machine needs only the runtime and the compiled artifacts:
#
#   scripts/gpu-check.sh prepare DIR   where quant-opt is built (no GPU
#       needed): compiles GPU bundles (--target=nvptx --emit=shared) of the
#       conformance models of test/conformance/expected-ptx.txt and of the
#       bundled byte LM, runs the same models on the CPU for reference
#       outputs, builds the benchmark models, and copies quant-run and the
#       runtime library into DIR.
#   scripts/gpu-check.sh run DIR       on the GPU machine (bash, the files in
#       DIR; python3 with torch is optional, for the cuBLAS peer): runs every
#       bundle on the GPU, compares with the CPU outputs, and benchmarks.
#   scripts/gpu-check.sh [DIR]         both, on one machine.
#
# Every skipped part prints SKIP and the reason. Exit status: 0 when every
# check that ran passed, 1 when one failed, 77 when there was no GPU.
# Options (environment): QOPT_BUILD_DIR (default build), GPU_ARCH (sm_80),
# JOBS (parallel conformance runs, default nproc), TIME_LIMIT (seconds for
# the run phase, default 420), FILTER (regex: only the conformance tests
# matching it, e.g. 'node/test_(relu|softmax)').
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QOPT_BUILD_DIR:-$ROOT/build}"
ARCH="${GPU_ARCH:-sm_80}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 4)}"
TIME_LIMIT="${TIME_LIMIT:-420}"
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3
DATA=/usr/share/libonnx-testdata/data

phase="${1:-all}"
case "$phase" in
  prepare|run) DIR="${2:?usage: gpu-check.sh prepare|run DIR}" ;;
  all) DIR="${2:-$(mktemp -d /tmp/qopt-gpu-check.XXXXXX)}" ;;
  *) DIR="$phase"; phase=all ;;
esac

skip() { echo "SKIP: $*"; }

prepare() {
  local qopt="$BUILD/bin/quant-opt"
  if [[ ! -x $qopt ]]; then
    echo "error: $qopt not found: build first (scripts/build.sh)" >&2; return 1
  fi
  mkdir -p "$DIR/bin" "$DIR/lib" "$DIR/conformance" "$DIR/byte_lm" "$DIR/bench"
  cp "$BUILD/bin/quant-run" "$DIR/bin/" && cp "$BUILD/lib/libqopt_runtime.so" "$DIR/lib/" || return 1
  local start=$SECONDS n=0 failed=0
  echo "== prepare: conformance bundles ($ARCH) and CPU reference outputs =="
  if [[ ! -d $DATA ]]; then
    skip "conformance: no ONNX backend test data in $DATA (apt install libonnx-testdata)"
  else
    prep_one() {
      local name="$1" src="$DATA/$1" dst="$DIR/conformance/${1//\//__}"
      mkdir -p "$dst"
      "$BUILD/bin/quant-opt" "$src/model.onnx" --target=nvptx --gpu-arch="$ARCH" \
        --emit=shared --model-name=model -o "$dst/gpu.so" 2>"$dst/compile.log" || { echo "compile-fail $name"; return; }
      "$BUILD/bin/quant-opt" "$src/model.onnx" --emit=shared --model-name=model \
        -o "$dst/cpu.so" 2>>"$dst/compile.log" || { echo "compile-fail $name"; return; }
      for ds in "$src"/test_data_set_*; do
        local out="$dst/$(basename "$ds")"
        mkdir -p "$out/in" "$out/cpu"
        cp "$ds"/input_*.pb "$out/in/" 2>/dev/null
        "$BUILD/bin/quant-run" "$dst/cpu.so" --input-dir "$out/in" --output-dir "$out/cpu" >/dev/null 2>&1 \
          || { echo "cpu-fail $name"; return; }
      done
      echo "ok $name"
    }
    export -f prep_one; export BUILD DATA DIR ARCH
    grep -v '^#' "$ROOT/test/conformance/expected-ptx.txt" | grep . | grep -E "${FILTER:-.}" \
      | xargs -P "$JOBS" -I{} bash -c 'prep_one "$@"' _ {} > "$DIR/conformance/prepare.log"
    n=$(grep -c '^ok ' "$DIR/conformance/prepare.log")
    failed=$(grep -vc '^ok ' "$DIR/conformance/prepare.log")
    echo "prepared $n conformance models ($failed not prepared, listed in $DIR/conformance/prepare.log) in $((SECONDS - start)) s"
  fi

  echo "== prepare: byte LM =="
  local lm="$ROOT/models/byte_lm/byte_lm.onnx"
  if [[ ! -f $lm ]]; then
    skip "byte LM: $lm missing"
  else
    "$BUILD/bin/quant-opt" "$lm" --input-shape input_ids=1x256 --target=nvptx --gpu-arch="$ARCH" \
      --emit=shared --model-name=byte_lm -o "$DIR/byte_lm/gpu.so" && \
    "$BUILD/bin/quant-opt" "$lm" --input-shape input_ids=1x256 --emit=shared \
      --model-name=byte_lm -o "$DIR/byte_lm/cpu.so" && \
    "$PY" -c "
import numpy as np, sys
text = open('$ROOT/models/byte_lm/heldout.txt', 'rb').read()[:256]
np.save('$DIR/byte_lm/input_ids.npy', np.frombuffer(text, np.uint8).astype(np.int64).reshape(1, 256))" && \
    mkdir -p "$DIR/byte_lm/cpu" && \
    "$BUILD/bin/quant-run" "$DIR/byte_lm/cpu.so" --input input_ids="$DIR/byte_lm/input_ids.npy" \
      --output-dir "$DIR/byte_lm/cpu" >/dev/null || echo "byte LM: preparation failed"
  fi

  echo "== prepare: benchmark models =="
  "$PY" - "$DIR/bench" <<'PYEOF' || skip "benchmark models: python3 with numpy and onnx needed"
import sys, numpy as np
from onnx import helper as h, TensorProto as T, numpy_helper as nh, save
out = sys.argv[1]
# fp16 GEMM 2048^3.
n = 2048
g = h.make_graph([h.make_node("MatMul", ["a", "b"], ["c"])], "gemm",
                 [h.make_tensor_value_info("a", T.FLOAT16, [n, n]),
                  h.make_tensor_value_info("b", T.FLOAT16, [n, n])],
                 [h.make_tensor_value_info("c", T.FLOAT16, [n, n])])
save(h.make_model(g, opset_imports=[h.make_opsetid("", 17)]), out + "/gemm_f16.onnx")
rng = np.random.default_rng(0)
ab = []
for name in "ab":
    ab.append((rng.standard_normal((n, n)) * 0.1).astype(np.float16))
    np.save("%s/gemm_%s.npy" % (out, name), ab[-1])
# Its reference (f32 accumulation, one f16 rounding), for the tensor cores.
import os
os.makedirs(out + "/gemm_f16_ref", exist_ok=True)
ref = (ab[0].astype(np.float32) @ ab[1].astype(np.float32)).astype(np.float16)
with open(out + "/gemm_f16_ref/output_0.pb", "wb") as f:
    f.write(nh.from_array(ref, "output_0").SerializeToString())
# Weight-only int8 GEMV 1 x 4096 x 4096 (per-channel scales) through ONNX
# DequantizeLinear + MatMul: the generic kernels.
k = 4096
w = rng.integers(-127, 128, (k, k), dtype=np.int8)
scale = (rng.random(k) * 0.01 + 0.001).astype(np.float32)
nodes = [h.make_node("DequantizeLinear", ["w", "s"], ["wf"], axis=1),
         h.make_node("MatMul", ["x", "wf"], ["y"])]
g = h.make_graph(nodes, "gemv", [h.make_tensor_value_info("x", T.FLOAT, [1, k])],
                 [h.make_tensor_value_info("y", T.FLOAT, [1, k])],
                 [nh.from_array(w, "w"), nh.from_array(scale, "s")])
save(h.make_model(g, opset_imports=[h.make_opsetid("", 17)]), out + "/gemv_i8.onnx")
np.save(out + "/gemv_x.npy", rng.standard_normal((1, k)).astype(np.float32))
# Weight-only int4 GEMV 1 x 4096 x 4096, group 128 with zero points, as a
# qopt.weight_matmul module: the GEMV kernel (--qopt-nvptx-weight-matmul).
# Packed codes [4096, 2048] (two per byte, first in the low nibble), f32
# scales and ui8 zero points [4096, 32]; x is the input (a .pb like the e2e
# cases; quant-run --input-dir reads input_0.pb).
groups = k // 128
codes = rng.integers(0, 16, (k, k), dtype=np.uint8)
packed = (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)
scales = (rng.random((k, groups)) * 0.01 + 0.001).astype(np.float32)
zps = rng.integers(0, 16, (k, groups), dtype=np.uint8)
def hexconst(a):
    return 'dense<"0x' + a.tobytes().hex().upper() + '">'
with open(out + "/gemv_i4.mlir", "w") as f:
    f.write("func.func @main_graph(%%x: tensor<1x%dxf32>) -> tensor<1x%dxf32> {\n" % (k, k))
    f.write("  %%w = onnx.Constant %s : tensor<%dx%dxui8>\n" % (hexconst(packed), k, k // 2))
    f.write("  %%s = arith.constant %s : tensor<%dx%dxf32>\n" % (hexconst(scales), k, groups))
    f.write("  %%z = onnx.Constant %s : tensor<%dx%dxui8>\n" % (hexconst(zps), k, groups))
    f.write("  %%y = qopt.weight_matmul %%x, %%w, %%s zero_point %%z {bits = 4 : i64, group_size = 128 : i64}"
            " : tensor<1x%dxf32>, tensor<%dx%dxui8>, tensor<%dx%dxf32>, tensor<%dx%dxui8> -> tensor<1x%dxf32>\n"
            % (k, k, k // 2, k, groups, k, groups, k))
    f.write("  return %y : tensor<1x4096xf32>\n}\n")
import os
os.makedirs(out + "/gemv_i4_in", exist_ok=True)
with open(out + "/gemv_i4_in/input_0.pb", "wb") as f:
    f.write(nh.from_array(rng.standard_normal((1, k)).astype(np.float32), "input_0").SerializeToString())
# NF4 GEMV 1 x 4096 x 4096, blocks of 64 (QLoRA's layout), as
# qopt.weight_matmul modules with the NF4 code book: gemv_nf4 with f32
# absmax scales [4096, 64], gemv_nf4dq with double-quantized scales (i8
# codes [4096, 64], one f32 scale per 256 of them, an f32 offset). The GEMV
# kernel looks the codes up in a 16-entry shared-memory table.
nf4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], np.float32)
book = "codebook = array<f32: " + ", ".join(repr(float(v)) for v in nf4) + ">"
blocks = k // 64
codes = rng.integers(0, 16, (k, k), dtype=np.uint8)
packed = (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)
absmax = (rng.random((k, blocks)) * 0.01 + 0.001).astype(np.float32)
sq = rng.integers(-127, 128, (k, blocks)).astype(np.int8)
ss = (rng.random(k * blocks // 256) * 0.0001 + 0.00003).astype(np.float32)
for name, dq in (("gemv_nf4", False), ("gemv_nf4dq", True)):
    with open("%s/%s.mlir" % (out, name), "w") as f:
        f.write("func.func @main_graph(%%x: tensor<1x%dxf32>) -> tensor<1x%dxf32> {\n" % (k, k))
        f.write("  %%w = onnx.Constant %s : tensor<%dx%dxui8>\n" % (hexconst(packed), k, k // 2))
        if dq:
            f.write("  %%s = arith.constant %s : tensor<%dx%dxi8>\n" % (hexconst(sq), k, blocks))
            f.write("  %%ss = arith.constant %s : tensor<%dxf32>\n" % (hexconst(ss), ss.size))
            f.write("  %so = arith.constant dense<0.005> : tensor<f32>\n")
            f.write("  %%y = qopt.weight_matmul %%x, %%w, %%s scale_scale %%ss scale_offset %%so"
                    " {bits = 4 : i64, group_size = 64 : i64, %s} : tensor<1x%dxf32>, tensor<%dx%dxui8>,"
                    " tensor<%dx%dxi8>, tensor<%dxf32>, tensor<f32> -> tensor<1x%dxf32>\n"
                    % (book, k, k, k // 2, k, blocks, ss.size, k))
        else:
            f.write("  %%s = arith.constant %s : tensor<%dx%dxf32>\n" % (hexconst(absmax), k, blocks))
            f.write("  %%y = qopt.weight_matmul %%x, %%w, %%s {bits = 4 : i64, group_size = 64 : i64, %s}"
                    " : tensor<1x%dxf32>, tensor<%dx%dxui8>, tensor<%dx%dxf32> -> tensor<1x%dxf32>\n"
                    % (book, k, k, k // 2, k, blocks, k))
        f.write("  return %y : tensor<1x4096xf32>\n}\n")
# W8A8 GEMM 2048^3 as a qopt.qmatmul module: ui8 activations (zero point
# 128) x constant i8 weights, the int8 tensor-core kernel (mma.sync
# m16n8k32 .u8.s8). Scales of 1 and no bias keep the epilogue
# (acc - zp * colsum(b)) exact in f32 rounding terms: the GPU output must
# equal the CPU's bit for bit.
n = 2048
wq = rng.integers(-128, 128, (n, n), dtype=np.int8)
with open(out + "/qmatmul_w8a8.mlir", "w") as f:
    f.write("func.func @main_graph(%%a: tensor<%dx%dxui8>) -> tensor<%dx%dxf32> {\n" % (n, n, n, n))
    f.write("  %%b = arith.constant %s : tensor<%dx%dxi8>\n" % (hexconst(wq), n, n))
    f.write("  %as = arith.constant dense<1.0> : tensor<f32>\n")
    f.write("  %az = onnx.Constant dense<128> : tensor<ui8>\n")
    f.write("  %%bs = arith.constant dense<1.0> : tensor<%dxf32>\n" % n)
    f.write("  %%y = qopt.qmatmul %%a, %%b, %%as, %%az, %%bs : tensor<%dx%dxui8>, tensor<%dx%dxi8>, tensor<f32>, tensor<ui8>, tensor<%dxf32> -> tensor<%dx%dxf32>\n"
            % (n, n, n, n, n, n, n))
    f.write("  return %%y : tensor<%dx%dxf32>\n}\n" % (n, n))
os.makedirs(out + "/qmatmul_w8a8_in", exist_ok=True)
with open(out + "/qmatmul_w8a8_in/input_0.pb", "wb") as f:
    f.write(nh.from_array(rng.integers(0, 256, (n, n), dtype=np.uint8), "input_0").SerializeToString())
PYEOF
  for m in gemm_f16.onnx gemv_i8.onnx gemv_i4.mlir gemv_nf4.mlir gemv_nf4dq.mlir qmatmul_w8a8.mlir; do
    [[ -f $DIR/bench/$m ]] || continue
    "$BUILD/bin/quant-opt" "$DIR/bench/$m" --target=nvptx --gpu-arch="$ARCH" \
      --emit=shared --model-name="${m%.*}" -o "$DIR/bench/${m%.*}.so" || echo "benchmark $m: compile failed"
  done
  # The int4 and NF4 GEMVs' reference outputs: the same modules on the CPU
  # (all three read the int4 GEMV's input).
  for m in gemv_i4 gemv_nf4 gemv_nf4dq; do
    [[ -f $DIR/bench/$m.mlir ]] || continue
    mkdir -p "$DIR/bench/${m}_cpu" && \
    "$BUILD/bin/quant-opt" "$DIR/bench/$m.mlir" --emit=shared -o "$DIR/bench/${m}_cpu.so" && \
    "$BUILD/bin/quant-run" "$DIR/bench/${m}_cpu.so" --input-dir "$DIR/bench/gemv_i4_in" \
      --output-dir "$DIR/bench/${m}_cpu" >/dev/null || echo "benchmark $m: CPU reference failed"
  done
  # The W8A8 GEMM's reference output: the same module on the CPU (VNNI).
  if [[ -f $DIR/bench/qmatmul_w8a8.mlir ]]; then
    mkdir -p "$DIR/bench/qmatmul_w8a8_cpu" && \
    "$BUILD/bin/quant-opt" "$DIR/bench/qmatmul_w8a8.mlir" --emit=shared -o "$DIR/bench/qmatmul_w8a8_cpu.so" && \
    "$BUILD/bin/quant-run" "$DIR/bench/qmatmul_w8a8_cpu.so" --input-dir "$DIR/bench/qmatmul_w8a8_in" \
      --output-dir "$DIR/bench/qmatmul_w8a8_cpu" >/dev/null || echo "benchmark qmatmul_w8a8: CPU reference failed"
  fi
  echo "prepare: done in $((SECONDS - start)) s; artifacts in $DIR"
}

run() {
  local status=0 start=$SECONDS
  export LD_LIBRARY_PATH="$DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local qrun="$DIR/bin/quant-run"
  [[ -x $qrun ]] || { echo "error: $qrun missing: run 'gpu-check.sh prepare $DIR' first" >&2; return 1; }
  echo "== GPU =="
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  else
    echo "(nvidia-smi not found)"
  fi
  if ! ldconfig -p 2>/dev/null | grep -q 'libcuda.so.1' && ! "$PY" -c 'import ctypes; ctypes.CDLL("libcuda.so.1")' 2>/dev/null; then
    skip "everything: no NVIDIA driver (libcuda.so.1) on this machine"
    return 77
  fi

  echo "== conformance models on the GPU vs the CPU outputs =="
  if ! ls "$DIR"/conformance/*/gpu.so >/dev/null 2>&1; then
    skip "conformance: no prepared bundles in $DIR/conformance"
  else
    run_one() {
      local dst="$1" name; name="$(basename "$1")"
      [[ -f $dst/gpu.so ]] || return
      for ds in "$dst"/test_data_set_*; do
        [[ -d $ds/cpu ]] || { echo "skip $name: no CPU outputs"; return; }
        local log; log=$(timeout 60 "$QRUN" "$dst/gpu.so" --input-dir "$ds/in" --check "$ds/cpu" \
          --rtol 1e-3 --atol 1e-4 2>&1); local rc=$?
        if [[ $rc -ne 0 ]]; then
          echo "FAIL $name $(basename "$ds") rc=$rc: $(echo "$log" | grep -m1 -E 'error|FAIL' | cut -c1-200)"; return
        fi
      done
      echo "pass $name"
    }
    export -f run_one; export QRUN="$qrun"
    local budget=$(( TIME_LIMIT * 2 / 3 ))
    ls -d "$DIR"/conformance/*/ | sed 's:/$::' \
      | timeout "$budget" xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {} > "$DIR/conformance/run.log"
    [[ $? -eq 124 ]] && echo "conformance: stopped after $budget s (TIME_LIMIT)"
    local pass fail; pass=$(grep -c '^pass ' "$DIR/conformance/run.log"); fail=$(grep -c '^FAIL ' "$DIR/conformance/run.log")
    grep '^FAIL ' "$DIR/conformance/run.log" | head -20
    echo "conformance on GPU: $pass pass, $fail fail (log: $DIR/conformance/run.log)"
    [[ $fail -eq 0 ]] || status=1
  fi

  echo "== byte LM on the GPU vs the CPU =="
  if [[ -f $DIR/byte_lm/gpu.so && -d $DIR/byte_lm/cpu ]]; then
    if "$qrun" "$DIR/byte_lm/gpu.so" --input input_ids="$DIR/byte_lm/input_ids.npy" \
         --check "$DIR/byte_lm/cpu" --rtol 1e-3 --atol 1e-3 --benchmark 10; then
      echo "byte LM: GPU logits match the CPU's"
    else
      echo "byte LM: FAIL"; status=1
    fi
  else
    skip "byte LM: not prepared"
  fi

  echo "== benchmarks =="
  local peak=""
  peak=$("$PY" - <<'PYEOF' 2>/dev/null
import ctypes
cu = ctypes.CDLL("libcuda.so.1")
cu.cuInit(0)
dev = ctypes.c_int(); cu.cuDeviceGet(ctypes.byref(dev), 0)
clock = ctypes.c_int(); width = ctypes.c_int()
cu.cuDeviceGetAttribute(ctypes.byref(clock), 36, dev)   # memory clock, kHz
cu.cuDeviceGetAttribute(ctypes.byref(width), 37, dev)   # bus width, bits
print("%.1f" % (2.0 * clock.value * 1e3 * width.value / 8 / 1e9))
PYEOF
)
  [[ -n $peak ]] && echo "peak DRAM bandwidth (driver: 2 x memory clock x bus width): $peak GB/s" \
    || skip "peak bandwidth: python3 ctypes query of libcuda failed"
  local ms
  if [[ -f $DIR/bench/gemv_i8.so ]]; then
    ms=$("$qrun" "$DIR/bench/gemv_i8.so" --input x="$DIR/bench/gemv_x.npy" --benchmark 20 \
         | sed -n 's/.*median \([0-9.e+-]*\) ms.*/\1/p')
    if [[ -n $ms ]]; then
      awk -v ms="$ms" -v peak="${peak:-0}" 'BEGIN { gbs = 4096 * 4096 / (ms * 1e-3) / 1e9;
        printf "int8 weight-only GEMV 1x4096x4096: %.3f ms, %.1f GB/s of weights", ms, gbs;
        if (peak > 0) printf ", %.1f %% of peak", 100 * gbs / peak;
        printf " (whole model call: input copy, kernels, output copy; weights device-resident after the warm-up)\n" }'
    else
      echo "int8 GEMV: FAIL (no timing)"; status=1
    fi
  else
    skip "int8 GEMV: not prepared"
  fi
  if [[ -f $DIR/bench/gemv_i4.so && -d $DIR/bench/gemv_i4_cpu ]]; then
    # Correctness first (against the CPU's output), then the timing.
    if ! "$qrun" "$DIR/bench/gemv_i4.so" --input-dir "$DIR/bench/gemv_i4_in" \
         --check "$DIR/bench/gemv_i4_cpu" --rtol 1e-3 --atol 1e-3 >/dev/null; then
      echo "int4 GEMV: FAIL (GPU output differs from the CPU's)"; status=1
    fi
    ms=$("$qrun" "$DIR/bench/gemv_i4.so" --input-dir "$DIR/bench/gemv_i4_in" --benchmark 20 \
         | sed -n 's/.*median \([0-9.e+-]*\) ms.*/\1/p')
    if [[ -n $ms ]]; then
      # Bytes the kernel must read: packed codes (4096 x 2048), f32 scales
      # and ui8 zero points (4096 x 32 each).
      awk -v ms="$ms" -v peak="${peak:-0}" 'BEGIN { bytes = 4096 * 2048 + 4096 * 32 * 5;
        gbs = bytes / (ms * 1e-3) / 1e9;
        printf "int4 (group 128) weight-only GEMV 1x4096x4096 (qopt.weight_matmul): %.3f ms, %.1f GB/s of weights", ms, gbs;
        if (peak > 0) printf ", %.1f %% of peak", 100 * gbs / peak;
        printf " (whole model call: input copy, bias-fill and GEMV kernels, output copy)\n" }'
    else
      echo "int4 GEMV: FAIL (no timing)"; status=1
    fi
  else
    skip "int4 GEMV: not prepared"
  fi
  # NF4 GEMVs (blocks of 64): correctness against the CPU, then timing.
  # Bytes read: packed codes (4096 x 2048) and the scales: f32 absmax
  # (4096 x 64) or i8 codes (4096 x 64) + 1024 f32 scale_scale.
  local m bytes label
  for m in gemv_nf4 gemv_nf4dq; do
    if [[ $m == gemv_nf4 ]]; then
      bytes=$((4096 * 2048 + 4096 * 64 * 4)); label="NF4 (block 64, f32 absmax)"
    else
      bytes=$((4096 * 2048 + 4096 * 64 + 1024 * 4)); label="NF4 (block 64, double-quantized absmax)"
    fi
    if [[ -f $DIR/bench/$m.so && -d $DIR/bench/${m}_cpu ]]; then
      if ! "$qrun" "$DIR/bench/$m.so" --input-dir "$DIR/bench/gemv_i4_in" \
           --check "$DIR/bench/${m}_cpu" --rtol 1e-3 --atol 1e-3 >/dev/null; then
        echo "$m: FAIL (GPU output differs from the CPU's)"; status=1
      fi
      ms=$("$qrun" "$DIR/bench/$m.so" --input-dir "$DIR/bench/gemv_i4_in" --benchmark 20 \
           | sed -n 's/.*median \([0-9.e+-]*\) ms.*/\1/p')
      if [[ -n $ms ]]; then
        awk -v ms="$ms" -v peak="${peak:-0}" -v bytes="$bytes" -v label="$label" 'BEGIN {
          gbs = bytes / (ms * 1e-3) / 1e9;
          printf "%s weight-only GEMV 1x4096x4096 (qopt.weight_matmul): %.3f ms, %.1f GB/s of weights", label, ms, gbs;
          if (peak > 0) printf ", %.1f %% of peak", 100 * gbs / peak;
          printf " (whole model call: input copy, zero-fill and GEMV kernels, output copy)\n" }'
      else
        echo "$m: FAIL (no timing)"; status=1
      fi
    else
      skip "$m: not prepared"
    fi
  done
  if [[ -f $DIR/bench/gemm_f16.so ]]; then
    if [[ -d $DIR/bench/gemm_f16_ref ]]; then
      # The tensor-core kernel (mma.sync m16n8k16, f32 accumulation) against
      # numpy's f32-accumulated product rounded to f16 (|y| ~ 0.45: one f16
      # rounding is ~2.4e-4; the tolerance leaves room for summation order).
      "$qrun" "$DIR/bench/gemm_f16.so" --input a="$DIR/bench/gemm_a.npy" --input b="$DIR/bench/gemm_b.npy" \
        --check "$DIR/bench/gemm_f16_ref" --rtol 1e-2 --atol 1e-3 >/dev/null \
        && echo "fp16 GEMM: GPU output matches the f32-accumulated reference" \
        || { echo "fp16 GEMM: FAIL (GPU output differs from the f32-accumulated reference)"; status=1; }
    else
      skip "fp16 GEMM check: no reference"
    fi
    ms=$("$qrun" "$DIR/bench/gemm_f16.so" --input a="$DIR/bench/gemm_a.npy" --input b="$DIR/bench/gemm_b.npy" \
         --benchmark 5 | sed -n 's/.*median \([0-9.e+-]*\) ms.*/\1/p')
    [[ -n $ms ]] && awk -v ms="$ms" 'BEGIN { printf "fp16 GEMM 2048^3 (quant-opt): %.3f ms, %.2f TFLOP/s\n", ms, 2 * 2048^3 / (ms * 1e-3) / 1e12 }' \
      || { echo "fp16 GEMM: FAIL (no timing)"; status=1; }
  else
    skip "fp16 GEMM: not prepared"
  fi
  if [[ -f $DIR/bench/qmatmul_w8a8.so && -d $DIR/bench/qmatmul_w8a8_cpu ]]; then
    # Integer accumulation is exact and the epilogue (scales 1, zero point
    # 128) is the CPU's: the GPU output must equal the CPU's exactly.
    "$qrun" "$DIR/bench/qmatmul_w8a8.so" --input-dir "$DIR/bench/qmatmul_w8a8_in" \
      --check "$DIR/bench/qmatmul_w8a8_cpu" --rtol 0 --atol 0 >/dev/null \
      && echo "W8A8 GEMM: GPU output equals the CPU's (bit for bit)" \
      || { echo "W8A8 GEMM: FAIL (GPU output differs from the CPU's)"; status=1; }
    ms=$("$qrun" "$DIR/bench/qmatmul_w8a8.so" --input-dir "$DIR/bench/qmatmul_w8a8_in" --benchmark 5 \
         | sed -n 's/.*median \([0-9.e+-]*\) ms.*/\1/p')
    [[ -n $ms ]] && awk -v ms="$ms" 'BEGIN { printf "W8A8 GEMM 2048^3 (qopt.qmatmul, mma.sync m16n8k32): %.3f ms, %.2f TOPS (whole model call: input copy, contraction, column sums and epilogue kernels, output copy)\n", ms, 2 * 2048^3 / (ms * 1e-3) / 1e12 }' \
      || { echo "W8A8 GEMM: FAIL (no timing)"; status=1; }
  else
    skip "W8A8 GEMM: not prepared"
  fi
  "$PY" - <<'PYEOF' || skip "PyTorch/cuBLAS peer: python3 with a CUDA-enabled torch is not installed here"
import sys
try:
    import torch
except ImportError:
    sys.exit(1)
if not torch.cuda.is_available():
    sys.exit(1)
n = 2048
a = torch.randn(n, n, device="cuda", dtype=torch.float16)
b = torch.randn(n, n, device="cuda", dtype=torch.float16)
for _ in range(3):
    torch.matmul(a, b)
torch.cuda.synchronize()
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
start.record()
for _ in range(20):
    torch.matmul(a, b)
end.record(); torch.cuda.synchronize()
ms = start.elapsed_time(end) / 20
print("fp16 GEMM 2048^3 (PyTorch %s / cuBLAS): %.3f ms, %.2f TFLOP/s" % (torch.__version__, ms, 2 * n**3 / (ms * 1e-3) / 1e12))
PYEOF
  echo "run: $((SECONDS - start)) s"
  [[ $status -eq 0 ]] && echo "GPU CHECK PASSED" || echo "GPU CHECK FAILED"
  return $status
}

case "$phase" in
  prepare) prepare ;;
  run) run ;;
  all) prepare && run ;;
esac
