"""One canonical int8 contraction for benchmarks/int8_gemm.sh.

    /usr/bin/python3 benchmarks/int8_gemm_model.py M K N OUT_DIR [--signed-a]

writes OUT_DIR/int8_gemm_MxKxN.mlir: func @main_graph(A: tensor<MxKxi8>) ->
C: tensor<MxNxi32>, C = ext(A) * extsi(B) accumulated in i32 from 0, as the
canonical linalg.generic of docs/cpu-codegen.md (A unsigned: arith.extui; with
--signed-a: arith.extsi), B a seeded constant [K,N] of signed bytes; and its
input OUT_DIR/test_data_set_0/input_0.pb (A, seeded bytes, stored as INT8)
and the expected output OUT_DIR/test_data_set_0/output_0.pb (numpy, int64
accumulation, checked to fit in int32).
"""

import os
import sys

import numpy as np
from onnx import numpy_helper


def contraction_mlir(m, k, n, b, signed_a, b_input=False):
    """The module text; `m` may be None (dynamic rows)."""
    mdim = "?" if m is None else str(m)
    ext = "arith.extsi" if signed_a else "arith.extui"
    rows = ""
    if m is None:
        rows = "  %c0 = arith.constant 0 : index\n  %m = tensor.dim %a, %c0 : tensor<?x{k}xi8>\n".format(k=k)
    empty = "tensor.empty(%m)" if m is None else "tensor.empty()"
    if b_input:
        args = f'%a: tensor<{mdim}x{k}xi8> {{onnx.name = "A"}}, %b: tensor<{k}x{n}xi8> {{onnx.name = "B"}}'
        const = ""
    else:
        args = f'%a: tensor<{mdim}x{k}xi8> {{onnx.name = "A"}}'
        const = f'  %b = arith.constant dense<"0x{b.astype(np.int8).tobytes().hex().upper()}"> : tensor<{k}x{n}xi8>\n'
    return f"""func.func @main_graph({args}) -> (tensor<{mdim}x{n}xi32> {{onnx.name = "C"}}) {{
{const}{rows}  %zero = arith.constant 0 : i32
  %e = {empty} : tensor<{mdim}x{n}xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<{mdim}x{n}xi32>) -> tensor<{mdim}x{n}xi32>
  %c = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%a, %b : tensor<{mdim}x{k}xi8>, tensor<{k}x{n}xi8>) outs(%acc : tensor<{mdim}x{n}xi32>) {{
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xa = {ext} %x : i8 to i32
    %yb = arith.extsi %y : i8 to i32
    %p = arith.muli %xa, %yb : i32
    %s = arith.addi %z, %p : i32
    linalg.yield %s : i32
  }} -> tensor<{mdim}x{n}xi32>
  return %c : tensor<{mdim}x{n}xi32>
}}
"""


def reference(a, b, signed_a):
    """C = ext(A) @ B in int64, checked to fit int32."""
    av = a.astype(np.int8 if signed_a else np.uint8).astype(np.int64)
    c = av @ b.astype(np.int8).astype(np.int64)
    assert np.abs(c).max() < 2**31
    return c.astype(np.int32)


def main(argv):
    signed_a = "--signed-a" in argv
    argv = [a for a in argv if a != "--signed-a"]
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 1
    m, k, n = (int(v) for v in argv[:3])
    out = argv[3]
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n)
    b = rng.integers(-128, 128, (k, n), dtype=np.int64).astype(np.int8)
    a = rng.integers(-128, 128, (m, k), dtype=np.int64).astype(np.int8)
    data = os.path.join(out, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(out, f"int8_gemm_{m}x{k}x{n}.mlir")
    with open(path, "w") as f:
        f.write(contraction_mlir(m, k, n, b, signed_a))
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, "A").SerializeToString())
    with open(os.path.join(data, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(reference(a, b, signed_a), "C").SerializeToString())
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
