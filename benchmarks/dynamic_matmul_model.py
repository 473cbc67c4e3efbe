"""ONNX Runtime's dynamic quantization of one MatMul, for timing the
MatMulInteger lowering (docs/cpu-codegen.md, "int8 GEMM"):

    /usr/bin/python3 benchmarks/dynamic_matmul_model.py M K N WTYPE OUT_DIR

writes OUT_DIR/dynamic_matmul_MxKxN_WTYPE.onnx (opset 13, the layout of
onnxruntime.quantization.quantize_dynamic):
DynamicQuantizeLinear(x) -> MatMulInteger(x_q uint8, w_q, x_zp, w_zp) ->
Cast -> Mul by x_scale * w_scale, with x [M, K] the graph input and w_q a
seeded [K, N] initializer: WTYPE int8 (symmetric, w_zp 0, ORT's default) or
uint8 (asymmetric, w_zp from the weight range). Also writes the input
OUT_DIR/test_data_set_0/input_0.pb (x, seeded).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(argv):
    if len(argv) != 5 or argv[3] not in ("int8", "uint8"):
        print(__doc__, file=sys.stderr)
        return 1
    m, k, n = (int(v) for v in argv[:3])
    wtype, out = argv[3], argv[4]
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n)
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    x = rng.standard_normal((m, k)).astype(np.float32)
    if wtype == "int8":
        scale = np.float32(np.abs(w).max() / 127.0)
        wq = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        zp = np.int8(0)
    else:
        lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
        scale = np.float32((hi - lo) / 255.0)
        zp = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
        wq = np.clip(np.rint(w / scale) + zp, 0, 255).astype(np.uint8)
    inits = [numpy_helper.from_array(wq, "w_q"),
             numpy_helper.from_array(np.array(scale, np.float32), "w_scale"),
             numpy_helper.from_array(np.array(zp), "w_zp")]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"],
                         ["x_q", "x_scale", "x_zp"], name="x_DQL"),
        helper.make_node("MatMulInteger", ["x_q", "w_q", "x_zp", "w_zp"],
                         ["acc"], name="mmi"),
        helper.make_node("Cast", ["acc"], ["acc_f"], name="cast",
                         to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "w_scale"], ["s"], name="scale_mul"),
        helper.make_node("Mul", ["acc_f", "s"], ["y"], name="out_mul")]
    name = f"dynamic_matmul_{m}x{k}x{n}_{wtype}"
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])], inits)
    model = helper.make_model(graph, producer_name="quant-opt benchmarks",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(out, name + ".onnx"))
    with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
