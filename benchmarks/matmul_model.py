"""One-MatMul ONNX model for benchmarks/matmul.sh.

    /usr/bin/python3 benchmarks/matmul_model.py M K N OUT_DIR

writes OUT_DIR/matmul_MxKxN.onnx (opset 17; C[M,N] = MatMul(A[M,K], B), A the
graph input, B a seeded float32 initializer [K,N]) and its input
OUT_DIR/test_data_set_0/input_0.pb (A, seeded).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 1
    m, k, n = (int(v) for v in argv[:3])
    out = argv[3]
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n)
    b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
    a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["A", "B"], ["C"], name="matmul")],
        f"matmul_{m}x{k}x{n}",
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("C", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(b, "B")])
    model = helper.make_model(graph, producer_name="quant-opt benchmarks",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
    path = os.path.join(out, f"matmul_{m}x{k}x{n}.onnx")
    onnx.save(model, path)
    with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, "A").SerializeToString())
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
