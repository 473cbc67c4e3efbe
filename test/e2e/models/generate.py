#!/usr/bin/python3
"""The end-to-end test models and their input data sets.

    /usr/bin/python3 test/e2e/models/generate.py [OUTPUT_DIR]

(default: this file's directory) writes

  small_cnn.onnx            Conv(+bias) -> BatchNormalization -> Relu -> MaxPool
                            -> Conv(stride 2) -> Relu -> Resize(linear, x2)
                            -> AveragePool -> GlobalAveragePool -> Flatten -> Gemm;
                            image [batch, 3, 32, 32] -> logits [batch, 10]
  small_cnn/test_data_set_{0,1}/input_0.pb            batch 1 and 3
  small_transformer.onnx    token + position embeddings (Gather; positions from
                            Shape/Range), 2 pre-LayerNorm blocks of 4-head causal
                            self-attention (MatMul/Reshape/Transpose/Softmax, mask
                            applied with Where) and an Erf GELU MLP, residual Adds,
                            final LayerNorm and MatMul to logits;
                            input_ids int64 [batch, sequence] -> logits
                            [batch, sequence, 256]; d_model 64, vocab 256, at most
                            128 positions
  small_transformer/test_data_set_{0,1,2}/input_0.pb  (batch, sequence) =
                                                      (1, 16), (2, 37), (1, 128)

Opset 17, built with onnx.helper only; weights and inputs come from seeded
generators, so every run writes byte-identical files. Reference outputs are not
stored: the e2e test (test/e2e/ort-models.test) computes them with ONNX Runtime
(tools/ort-run) and compares the compiled models against them.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _weight(rng, name, shape, fan_in):
    """Random weights scaled like Kaiming/Xavier so activations stay O(1)."""
    w = rng.standard_normal(shape) / np.sqrt(fan_in)
    return numpy_helper.from_array(w.astype(np.float32), name)


def _const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype), name)


def _model(graph):
    model = helper.make_model(graph, producer_name="quant-opt test/e2e",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # opset 17's IR version
    onnx.checker.check_model(model, full_check=True)
    return model


def small_cnn():
    rng = np.random.default_rng(17)
    inits = [
        _weight(rng, "conv1.w", (16, 3, 3, 3), 27),
        _weight(rng, "conv1.b", (16,), 4),
        _const("bn1.scale", 1.0 + 0.1 * rng.standard_normal(16)),
        _const("bn1.bias", 0.1 * rng.standard_normal(16)),
        _const("bn1.mean", 0.1 * rng.standard_normal(16)),
        _const("bn1.var", 0.5 + np.abs(rng.standard_normal(16))),
        _weight(rng, "conv2.w", (32, 16, 3, 3), 144),
        _weight(rng, "conv2.b", (32,), 4),
        _const("up.scales", [1, 1, 2, 2]),
        _weight(rng, "fc.w", (10, 32), 32),
        _weight(rng, "fc.b", (10,), 4),
    ]
    n = helper.make_node
    nodes = [
        n("Conv", ["image", "conv1.w", "conv1.b"], ["c1"], name="conv1",
          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("BatchNormalization",
          ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"], ["b1"],
          name="bn1", epsilon=1e-5),
        n("Relu", ["b1"], ["r1"], name="relu1"),
        n("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2],
          strides=[2, 2]),                                    # 16x16
        n("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"], name="conv2",
          kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),  # 8x8
        n("Relu", ["c2"], ["r2"], name="relu2"),
        n("Resize", ["r2", "", "up.scales"], ["u"], name="upsample",
          mode="linear"),                                     # 16x16
        n("AveragePool", ["u"], ["a"], name="pool2", kernel_shape=[2, 2],
          strides=[2, 2]),                                    # 8x8
        n("GlobalAveragePool", ["a"], ["g"], name="gap"),
        n("Flatten", ["g"], ["f"], name="flatten"),
        n("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "small_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                       ["batch", 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", 10])],
        inits)
    return _model(graph)


def small_transformer(d=64, heads=4, ff=256, vocab=256, layers=2,
                      max_positions=128):
    rng = np.random.default_rng(64)
    dh = d // heads
    inits = [
        _weight(rng, "tok_embed", (vocab, d), 1),
        _weight(rng, "pos_embed", (max_positions, d), 4),
        _const("heads_shape", [0, 0, heads, dh], np.int64),
        _const("merge_shape", [0, 0, d], np.int64),
        _const("attn_scale", 1.0 / np.sqrt(dh)),
        _const("masked", -1e9),
        _const("zero", 0, np.int64),
        _const("one", 1, np.int64),
        _const("axis0", [0], np.int64),
        _const("axis1", [1], np.int64),
        _const("inv_sqrt2", 1.0 / np.sqrt(2.0)),
        _const("half", 0.5),
        _const("onef", 1.0),
    ]
    n = helper.make_node
    nodes = [
        # positions 0..S-1 and the causal mask (key j > query i is masked)
        n("Shape", ["input_ids"], ["ids_shape"], name="ids_shape"),
        n("Gather", ["ids_shape", "one"], ["seq"], name="seq_len", axis=0),
        n("Range", ["zero", "seq", "one"], ["pos"], name="positions"),
        n("Unsqueeze", ["pos", "axis0"], ["pos_row"], name="pos_row"),  # [1,S]
        n("Unsqueeze", ["pos", "axis1"], ["pos_col"], name="pos_col"),  # [S,1]
        n("Greater", ["pos_row", "pos_col"], ["future"], name="causal_mask"),
        n("Gather", ["tok_embed", "input_ids"], ["tok"], name="tok_embed"),
        n("Gather", ["pos_embed", "pos"], ["pe"], name="pos_embed"),
        n("Add", ["tok", "pe"], ["x0"], name="embed"),
    ]
    x = "x0"
    for layer in range(layers):
        p = f"l{layer}."
        inits += [
            _const(p + "ln1.g", 1.0 + 0.1 * rng.standard_normal(d)),
            _const(p + "ln1.b", 0.1 * rng.standard_normal(d)),
            _weight(rng, p + "wq", (d, d), d), _weight(rng, p + "wk", (d, d), d),
            _weight(rng, p + "wv", (d, d), d), _weight(rng, p + "wo", (d, d), d),
            _const(p + "ln2.g", 1.0 + 0.1 * rng.standard_normal(d)),
            _const(p + "ln2.b", 0.1 * rng.standard_normal(d)),
            _weight(rng, p + "w1", (d, ff), d), _weight(rng, p + "b1", (ff,), 16),
            _weight(rng, p + "w2", (ff, d), ff), _weight(rng, p + "b2", (d,), 16),
        ]
        nodes += [
            n("LayerNormalization", [x, p + "ln1.g", p + "ln1.b"], [p + "h1"],
              name=p + "ln1", axis=-1, epsilon=1e-5),
            n("MatMul", [p + "h1", p + "wq"], [p + "q"], name=p + "q_proj"),
            n("MatMul", [p + "h1", p + "wk"], [p + "k"], name=p + "k_proj"),
            n("MatMul", [p + "h1", p + "wv"], [p + "v"], name=p + "v_proj"),
            n("Reshape", [p + "q", "heads_shape"], [p + "q4"], name=p + "q_heads"),
            n("Reshape", [p + "k", "heads_shape"], [p + "k4"], name=p + "k_heads"),
            n("Reshape", [p + "v", "heads_shape"], [p + "v4"], name=p + "v_heads"),
            n("Transpose", [p + "q4"], [p + "qt"], name=p + "q_t", perm=[0, 2, 1, 3]),
            n("Transpose", [p + "k4"], [p + "kt"], name=p + "k_t", perm=[0, 2, 3, 1]),
            n("Transpose", [p + "v4"], [p + "vt"], name=p + "v_t", perm=[0, 2, 1, 3]),
            n("MatMul", [p + "qt", p + "kt"], [p + "s0"], name=p + "scores"),
            n("Mul", [p + "s0", "attn_scale"], [p + "s1"], name=p + "scale"),
            n("Where", ["future", "masked", p + "s1"], [p + "s2"], name=p + "mask"),
            n("Softmax", [p + "s2"], [p + "pr"], name=p + "softmax", axis=-1),
            n("MatMul", [p + "pr", p + "vt"], [p + "o4"], name=p + "attend"),
            n("Transpose", [p + "o4"], [p + "o4t"], name=p + "o_t", perm=[0, 2, 1, 3]),
            n("Reshape", [p + "o4t", "merge_shape"], [p + "o"], name=p + "merge_heads"),
            n("MatMul", [p + "o", p + "wo"], [p + "attn"], name=p + "o_proj"),
            n("Add", [x, p + "attn"], [p + "x1"], name=p + "residual1"),
            n("LayerNormalization", [p + "x1", p + "ln2.g", p + "ln2.b"], [p + "h2"],
              name=p + "ln2", axis=-1, epsilon=1e-5),
            n("MatMul", [p + "h2", p + "w1"], [p + "f0"], name=p + "fc1"),
            n("Add", [p + "f0", p + "b1"], [p + "f1"], name=p + "fc1_bias"),
            # GELU: 0.5 * x * (1 + erf(x / sqrt(2)))
            n("Mul", [p + "f1", "inv_sqrt2"], [p + "g0"], name=p + "gelu_scale"),
            n("Erf", [p + "g0"], [p + "g1"], name=p + "gelu_erf"),
            n("Add", [p + "g1", "onef"], [p + "g2"], name=p + "gelu_add1"),
            n("Mul", [p + "f1", p + "g2"], [p + "g3"], name=p + "gelu_mul"),
            n("Mul", [p + "g3", "half"], [p + "f2"], name=p + "gelu_half"),
            n("MatMul", [p + "f2", p + "w2"], [p + "f3"], name=p + "fc2"),
            n("Add", [p + "f3", p + "b2"], [p + "f4"], name=p + "fc2_bias"),
            n("Add", [p + "x1", p + "f4"], [p + "x2"], name=p + "residual2"),
        ]
        x = p + "x2"
    inits += [
        _const("ln_f.g", 1.0 + 0.1 * rng.standard_normal(d)),
        _const("ln_f.b", 0.1 * rng.standard_normal(d)),
        _weight(rng, "lm_head", (d, vocab), d),
    ]
    nodes += [
        n("LayerNormalization", [x, "ln_f.g", "ln_f.b"], ["hf"], name="ln_f",
          axis=-1, epsilon=1e-5),
        n("MatMul", ["hf", "lm_head"], ["logits"], name="lm_head"),
    ]
    graph = helper.make_graph(
        nodes, "small_transformer",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64,
                                       ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", "sequence", vocab])],
        inits)
    return _model(graph)


def _write_input(out, model_name, index, array, input_name):
    d = os.path.join(out, model_name, f"test_data_set_{index}")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "input_0.pb")
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array, input_name).SerializeToString())
    return path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    written = []
    for name, build in (("small_cnn", small_cnn),
                        ("small_transformer", small_transformer)):
        path = os.path.join(out, name + ".onnx")
        onnx.save(build(), path)
        written.append(path)

    rng = np.random.default_rng(2024)
    for i, batch in enumerate((1, 3)):
        image = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
        written.append(_write_input(out, "small_cnn", i, image, "image"))
    for i, (batch, seq) in enumerate(((1, 16), (2, 37), (1, 128))):
        ids = rng.integers(0, 256, (batch, seq), dtype=np.int64)
        written.append(
            _write_input(out, "small_transformer", i, ids, "input_ids"))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
