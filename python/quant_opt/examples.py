"""Builders for the small example models shipped in models/.

    python3 -m quant_opt.examples OUTPUT_DIR

writes tiny_cnn.onnx (conv/bn/relu/pool/resize/gemm, dynamic batch) and
tiny_transformer.onnx (one pre-LayerNorm attention + GELU MLP block, dynamic
batch and sequence). Weights are random but seeded, so the files are
byte-identical on every run. These are structural examples for the
compiler; trained models with measured quality arrive with the evaluation
work.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _init(rng, name, shape, scale=0.1):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * scale).astype(np.float32), name)


def tiny_cnn():
    rng = np.random.default_rng(0)
    inits = [
        _init(rng, "conv1.w", (8, 1, 3, 3)),
        _init(rng, "conv1.b", (8,)),
        numpy_helper.from_array(np.ones(8, np.float32), "bn1.scale"),
        numpy_helper.from_array(np.zeros(8, np.float32), "bn1.bias"),
        _init(rng, "bn1.mean", (8,)),
        numpy_helper.from_array(
            np.abs(rng.standard_normal(8)).astype(np.float32) + 0.5, "bn1.var"),
        _init(rng, "conv2.w", (16, 8, 3, 3)),
        _init(rng, "conv2.b", (16,)),
        numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "up.scales"),
        _init(rng, "fc.w", (10, 16)),
        _init(rng, "fc.b", (10,)),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv1.w", "conv1.b"], ["c1"],
                         name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"],
                         ["b1"], name="bn1"),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Resize", ["p1", "", "up.scales"], ["u1"],
                         name="upsample", mode="nearest"),
        helper.make_node("Conv", ["u1", "conv2.w", "conv2.b"], ["c2"],
                         name="conv2", pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                       ["batch", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", 10])],
        inits)
    return helper.make_model(graph, producer_name="quant_opt.examples",
                             opset_imports=[helper.make_opsetid("", OPSET)])


def tiny_transformer(d=32, heads=2, ff=64, vocab=64):
    rng = np.random.default_rng(1)
    dh = d // heads
    inits = [
        _init(rng, "embed", (vocab, d), 0.5),
        numpy_helper.from_array(np.ones(d, np.float32), "ln1.g"),
        numpy_helper.from_array(np.zeros(d, np.float32), "ln1.b"),
        _init(rng, "wq", (d, d)), _init(rng, "wk", (d, d)),
        _init(rng, "wv", (d, d)), _init(rng, "wo", (d, d)),
        numpy_helper.from_array(np.ones(d, np.float32), "ln2.g"),
        numpy_helper.from_array(np.zeros(d, np.float32), "ln2.b"),
        _init(rng, "w1", (d, ff)), _init(rng, "b1", (ff,)),
        _init(rng, "w2", (ff, d)), _init(rng, "b2", (d,)),
        _init(rng, "lm_head", (d, vocab)),
        numpy_helper.from_array(np.array([0, 0, heads, dh], np.int64),
                                "heads_shape"),
        numpy_helper.from_array(np.array([0, 0, d], np.int64), "merge_shape"),
        numpy_helper.from_array(np.array(1.0 / np.sqrt(dh), np.float32),
                                "attn_scale"),
    ]
    n = helper.make_node
    nodes = [
        n("Gather", ["embed", "input_ids"], ["x0"], name="embed"),
        n("LayerNormalization", ["x0", "ln1.g", "ln1.b"], ["h1"], name="ln1"),
        n("MatMul", ["h1", "wq"], ["q"], name="q_proj"),
        n("MatMul", ["h1", "wk"], ["k"], name="k_proj"),
        n("MatMul", ["h1", "wv"], ["v"], name="v_proj"),
        n("Reshape", ["q", "heads_shape"], ["q4"], name="q_heads"),
        n("Reshape", ["k", "heads_shape"], ["k4"], name="k_heads"),
        n("Reshape", ["v", "heads_shape"], ["v4"], name="v_heads"),
        n("Transpose", ["q4"], ["qt"], name="q_t", perm=[0, 2, 1, 3]),
        n("Transpose", ["k4"], ["kt"], name="k_t", perm=[0, 2, 3, 1]),
        n("Transpose", ["v4"], ["vt"], name="v_t", perm=[0, 2, 1, 3]),
        n("MatMul", ["qt", "kt"], ["s0"], name="scores"),
        n("Mul", ["s0", "attn_scale"], ["s1"], name="scale"),
        n("Softmax", ["s1"], ["p"], name="softmax", axis=-1),
        n("MatMul", ["p", "vt"], ["o4"], name="attend"),
        n("Transpose", ["o4"], ["o4t"], name="o_t", perm=[0, 2, 1, 3]),
        n("Reshape", ["o4t", "merge_shape"], ["o"], name="merge_heads"),
        n("MatMul", ["o", "wo"], ["attn"], name="o_proj"),
        n("Add", ["x0", "attn"], ["x1"], name="residual1"),
        n("LayerNormalization", ["x1", "ln2.g", "ln2.b"], ["h2"], name="ln2"),
        n("MatMul", ["h2", "w1"], ["f0"], name="fc1"),
        n("Add", ["f0", "b1"], ["f1"], name="fc1_bias"),
        n("Gelu", ["f1"], ["f2"], name="gelu", domain=""),
        n("MatMul", ["f2", "w2"], ["f3"], name="fc2"),
        n("Add", ["f3", "b2"], ["f4"], name="fc2_bias"),
        n("Add", ["x1", "f4"], ["x2"], name="residual2"),
        n("MatMul", ["x2", "lm_head"], ["logits"], name="lm_head"),
    ]
    graph = helper.make_graph(
        nodes, "tiny_transformer",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64,
                                       ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", "sequence", vocab])],
        inits)
    # Gelu is an opset-20 op.
    return helper.make_model(graph, producer_name="quant_opt.examples",
                             opset_imports=[helper.make_opsetid("", 20)])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "."
    os.makedirs(out, exist_ok=True)
    for name, build in (("tiny_cnn", tiny_cnn),
                        ("tiny_transformer", tiny_transformer)):
        model = build()
        path = os.path.join(out, name + ".onnx")
        onnx.save(model, path)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
