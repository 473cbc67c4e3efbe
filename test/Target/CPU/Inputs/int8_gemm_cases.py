"""Canonical int8 contractions and their numpy results for int8-gemm-e2e.test.

    /usr/bin/python3 int8_gemm_cases.py OUT_DIR

For each case writes OUT_DIR/<case>.mlir (func @main_graph with the canonical
linalg.generic of docs/cpu-codegen.md: C = ext(A) * extsi(B), i32
accumulation from zero or from an accumulator input) and one data set per
row count, OUT_DIR/<case>/<rows>/input_<i>.pb and output_0.pb, the exact
int64 numpy result (checked to fit int32). Seeded: reruns are identical.
"""

import os
import sys

import numpy as np
from onnx import numpy_helper

# name: (rows per data set, M static?, K, N, signed A, B constant?, accumulator input?)
CASES = {
    # K not a multiple of 4, N not a multiple of 16, more rows than one
    # register tile and one thread tile, full-range bytes.
    "unsigned_static": ([133], True, 70, 45, False, True, False),
    "signed_static": ([133], True, 70, 45, True, True, False),
    # Dynamic rows: 1 (only the one-row tile), 9, 70.
    "unsigned_dynamic": ([1, 9, 70], False, 33, 100, False, True, False),
    "signed_dynamic": ([1, 9, 70], False, 33, 100, True, True, False),
    # B an input (packed at run time), a previous accumulator that is read.
    "signed_b_input_acc": ([5, 67], False, 12, 17, True, False, True),
    # Few rows, many columns: the columns are cut into chunks too (400 =
    # 8 blocks of 48 + 16: 2 chunks, the last block in the second; 1000 =
    # 20 blocks + 40: 5 chunks, the last one only the narrow block).
    "signed_dynamic_wide": ([1, 70], False, 20, 400, True, True, False),
    "unsigned_static_wide": ([5], True, 64, 1000, False, True, False),
    # Small enough for sequential loops; K < 4 (only the tail step).
    "unsigned_tiny": ([3], True, 3, 7, False, True, False),
}


def module(m, k, n, b, signed_a, b_const, acc_input):
    mdim = str(m) if m is not None else "?"
    args = [f'%a: tensor<{mdim}x{k}xi8> {{onnx.name = "A"}}']
    body = []
    if b_const:
        hexdata = b.astype(np.int8).tobytes().hex().upper()
        body.append(f'  %b = arith.constant dense<"0x{hexdata}"> : tensor<{k}x{n}xi8>')
    else:
        args.append(f'%b: tensor<{k}x{n}xi8> {{onnx.name = "B"}}')
    if acc_input:
        args.append(f'%acc: tensor<{mdim}x{n}xi32> {{onnx.name = "Acc"}}')
    else:
        if m is None:
            body.append("  %c0 = arith.constant 0 : index")
            body.append(f"  %m = tensor.dim %a, %c0 : tensor<?x{k}xi8>")
        body.append("  %zero = arith.constant 0 : i32")
        body.append(f"  %e = tensor.empty({'%m' if m is None else ''}) : tensor<{mdim}x{n}xi32>")
        body.append(f"  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<{mdim}x{n}xi32>) -> tensor<{mdim}x{n}xi32>")
    ext = "arith.extsi" if signed_a else "arith.extui"
    return "\n".join([
        f'func.func @main_graph({", ".join(args)}) -> (tensor<{mdim}x{n}xi32> {{onnx.name = "C"}}) {{',
        *body,
        '  %c = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}',
        f'      ins(%a, %b : tensor<{mdim}x{k}xi8>, tensor<{k}x{n}xi8>) outs(%acc : tensor<{mdim}x{n}xi32>) {{',
        "  ^bb0(%x: i8, %y: i8, %z: i32):",
        f"    %xa = {ext} %x : i8 to i32",
        "    %yb = arith.extsi %y : i8 to i32",
        "    %p = arith.muli %xa, %yb : i32",
        "    %s = arith.addi %z, %p : i32",
        "    linalg.yield %s : i32",
        f"  }} -> tensor<{mdim}x{n}xi32>",
        f"  return %c : tensor<{mdim}x{n}xi32>",
        "}",
        "",
    ])


def save(path, array, name):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 1
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261127)
    for name, (rows, static, k, n, signed_a, b_const, acc_input) in CASES.items():
        b = rng.integers(-128, 128, (k, n)).astype(np.int8)
        with open(os.path.join(out, f"{name}.mlir"), "w") as f:
            f.write(module(rows[0] if static else None, k, n, b, signed_a,
                           b_const, acc_input))
        for m in rows:
            data = os.path.join(out, name, str(m))
            os.makedirs(data, exist_ok=True)
            a = rng.integers(-128, 128, (m, k)).astype(np.int8)
            # Extremes on purpose: the xor / colsum correction must hold
            # for -128 and 127, and 255 for an unsigned A.
            a[0, :] = -128 if signed_a else -1
            a[-1, :] = 127
            acc = rng.integers(-1000, 1000, (m, n)).astype(np.int32)
            av = a.astype(np.int64) if signed_a else a.view(np.uint8).astype(np.int64)
            c = av @ b.astype(np.int64)
            if acc_input:
                c = c + acc
            assert np.abs(c).max() < 2**31
            save(os.path.join(data, "input_0.pb"), a, "A")
            i = 1
            if not b_const:
                save(os.path.join(data, f"input_{i}.pb"), b, "B")
                i += 1
            if acc_input:
                save(os.path.join(data, f"input_{i}.pb"), acc, "Acc")
            save(os.path.join(data, "output_0.pb"), c.astype(np.int32), "C")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
