#!/usr/bin/env python3
"""Writes a small transformer-style MLP block whose LayerNorm output has a
few outlier channels (LayerNorm scale 50 on channels 3, 17 and 40, 1
elsewhere): the activation pattern SmoothQuant targets.

  x [1, T, 64] -> LayerNorm -> MatMul 64x256 (+bias) -> Relu -> MatMul 256x64
    -> Add(x) -> LayerNorm -> MatMul 64x64 -> y
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--scale", type=float, default=50.0)
    a = p.parse_args()
    rng = np.random.default_rng(7)
    d, h = 64, 256

    def init(name, *shape, scale=None):
        v = rng.standard_normal(shape).astype(np.float32)
        if scale is not None:
            v *= scale
        return numpy_helper.from_array(v, name)

    gamma = np.ones(d, np.float32)
    gamma[[3, 17, 40]] = a.scale
    inits = [
        numpy_helper.from_array(gamma, "ln1.g"),
        numpy_helper.from_array(np.zeros(d, np.float32), "ln1.b"),
        init("w1", d, h, scale=d ** -0.5),
        init("b1", h, scale=0.1),
        init("w2", h, d, scale=h ** -0.5),
        numpy_helper.from_array(gamma.copy(), "ln2.g"),
        numpy_helper.from_array(np.zeros(d, np.float32), "ln2.b"),
        init("w3", d, d, scale=d ** -0.5),
    ]
    nodes = [
        helper.make_node("LayerNormalization", ["x", "ln1.g", "ln1.b"],
                         ["n1"], name="ln1"),
        helper.make_node("MatMul", ["n1", "w1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1.bias"),
        helper.make_node("Relu", ["h1"], ["h2"], name="act"),
        helper.make_node("MatMul", ["h2", "w2"], ["h3"], name="fc2"),
        helper.make_node("Add", ["h3", "x"], ["r"], name="residual"),
        helper.make_node("LayerNormalization", ["r", "ln2.g", "ln2.b"],
                         ["n2"], name="ln2"),
        helper.make_node("MatMul", ["n2", "w3"], ["y"], name="head"),
    ]
    graph = helper.make_graph(
        nodes, "outlier_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, d])],
        inits)
    model = helper.make_model(graph, producer_name="quant-opt test/e2e",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, a.out)


if __name__ == "__main__":
    main()
