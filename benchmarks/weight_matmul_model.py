"""qopt.weight_matmul model for benchmarks/weight_matmul.sh.

    /usr/bin/python3 benchmarks/weight_matmul_model.py M K N BITS GROUP OUT_DIR

writes OUT_DIR/wmm_MxKxN_bBITS_gGROUP.mlir: Y[M,N] = weight_matmul(X[M,K],
W) with a seeded packed BITS-bit weight [N, K*s/8], f32 scales [N, K/GROUP]
and ui8 zero points as constants in the module (GROUP 0: per channel), and
its input OUT_DIR/input/input_0.pb (X, seeded). The float twin is
benchmarks/matmul_model.py with the same M, K, N.
"""

import os
import sys

import numpy as np
from onnx import numpy_helper


def hex_const(name, array, mlir_type):
    data = array.tobytes().hex().upper()
    op = "onnx.Constant" if array.dtype == np.uint8 else "arith.constant"
    return f'  %{name} = {op} dense<"0x{data}"> : {mlir_type}\n'


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 1
    m, k, n, bits, group = (int(v) for v in argv[:5])
    out = argv[5]
    s = 4 if bits == 3 else bits
    per = 8 // s
    g = 1 if group == 0 else k // group
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n + bits)
    codes = rng.integers(0, 1 << bits, (n, k), dtype=np.uint32)
    packed = np.zeros((n, k // per), np.uint32)
    for p in range(per):
        packed |= codes[:, p::per] << (p * s)
    packed = packed.astype(np.uint8)
    scale = (rng.random((n, g)) * 0.01).astype(np.float32)
    zp = rng.integers(0, 1 << bits, (n, g)).astype(np.uint8)
    x = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    attrs = f"bits = {bits} : i64" + (f", group_size = {group} : i64" if group else "")
    text = f"func.func @main_graph(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{\n"
    text += hex_const("w", packed, f"tensor<{n}x{k // per}xui8>")
    text += hex_const("s", scale, f"tensor<{n}x{g}xf32>")
    text += hex_const("z", zp, f"tensor<{n}x{g}xui8>")
    text += (f"  %y = qopt.weight_matmul %x, %w, %s zero_point %z {{{attrs}}} : "
             f"tensor<{m}x{k}xf32>, tensor<{n}x{k // per}xui8>, tensor<{n}x{g}xf32>, "
             f"tensor<{n}x{g}xui8> -> tensor<{m}x{n}xf32>\n")
    text += f"  return %y : tensor<{m}x{n}xf32>\n}}\n"
    os.makedirs(os.path.join(out, "input"), exist_ok=True)
    with open(os.path.join(out, f"wmm_{m}x{k}x{n}_b{bits}_g{group}.mlir"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "input", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
