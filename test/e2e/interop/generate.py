#!/usr/bin/python3
"""Quantized ONNX models laid out the way ONNX Runtime's quantizer writes
them, with one input data set each, for the interop test
(test/e2e/interop.test).

    /usr/bin/python3 test/e2e/interop/generate.py [OUTPUT_DIR]

(default: this file's directory) writes, for every model of MODELS,

  NAME.onnx                           the model
  NAME/test_data_set_<n>/input_<k>.pb its inputs (TensorProto, raw_data)

and models.json, the model list with, per data set and output, the size of one
quantization step: "codes" for an integer output (a step is one code), or
the float step of a dequantized output (its output scale; for integer
accumulators dequantized by a scale product, that product). The check
(check.py) accepts a difference of at most one step.

Formats:
  QDQ        QuantizeLinear -> DequantizeLinear pairs on activations,
             DequantizeLinear of int8 weights (per tensor, per axis) and of
             int32 biases; opset 21 weight-only block-wise weights
             (`block_size`) of int4, uint4 (packed two per byte, low nibble
             first), int8, uint8, with a QDQ pair on the result.
  QOperator  QLinearMatMul, QLinearConv; dynamic quantization
             (DynamicQuantizeLinear -> MatMulInteger / ConvInteger -> Cast ->
             Mul by the scale product).
  MatMulNBits  com.microsoft, 4 bits, blocks of 32 and 128, with and without
             packed uint8 zero points and bias, K a multiple of the block and
             not.

The python onnx here is 1.12 (opset 17, no INT4), so opset 21 and the
com.microsoft domain are written without onnx.checker, and 4-bit tensors are
TensorProtos with data_type 21 (UINT4) / 22 (INT4) and packed raw_data.
Weights and inputs come from seeded generators: every run writes
byte-identical files.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

UINT4, INT4 = 21, 22


def _t(name, value, dtype):
    return numpy_helper.from_array(np.asarray(value, dtype), name)


def _t4(name, codes, signed):
    """A 4-bit tensor: codes packed two per byte, low nibble first."""
    flat = np.asarray(codes, np.int64).flatten() & 0xF
    if flat.size % 2:
        flat = np.append(flat, 0)
    packed = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8)
    t = TensorProto()
    t.name = name
    t.data_type = INT4 if signed else UINT4
    t.dims.extend(np.shape(codes))
    t.raw_data = packed.tobytes()
    return t


def _vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def _model(graph, opset, ms_domain=False):
    imports = [helper.make_opsetid("", opset)]
    if ms_domain:
        imports.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, producer_name="quant-opt test/e2e/interop",
                              opset_imports=imports)
    model.ir_version = 10 if opset >= 21 else 8
    if opset <= 17 and not ms_domain:
        onnx.checker.check_model(model, full_check=True)
    return model


def _asym_u8(lo, hi):
    """ORT's asymmetric uint8 activation parameters for the range [lo, hi]."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zp = int(np.clip(np.rint(-lo / scale), 0, 255))
    return scale, zp


def _q(x, scale, zp, lo, hi):
    return np.clip(np.rint(x / scale) + zp, lo, hi)


def _dq(q, scale, zp):
    return (q.astype(np.float32) - zp) * scale


def _sym_weights(w, axis=None, bits=8):
    """Symmetric signed weights: per tensor (axis None) or per axis."""
    qmax = 2 ** (bits - 1) - 1
    if axis is None:
        scale = np.float32(np.abs(w).max() / qmax)
        return np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8), scale
    amax = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis))
    scale = (amax / qmax).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -qmax, qmax)
    return q.astype(np.int8), scale


def _act_params(x):
    return _asym_u8(float(x.min()), float(x.max()))


# ---------------------------------------------------------------------------
# QDQ
# ---------------------------------------------------------------------------

def _qdq(nodes, inits, x, name, scale, zp):
    """QuantizeLinear -> DequantizeLinear of activation `x` (uint8)."""
    inits += [_t(name + "_scale", scale, np.float32),
              _t(name + "_zp", zp, np.uint8)]
    nodes += [
        helper.make_node("QuantizeLinear", [x, name + "_scale", name + "_zp"],
                         [name + "_q"], name=name + "_Q"),
        helper.make_node("DequantizeLinear",
                         [name + "_q", name + "_scale", name + "_zp"],
                         [name + "_dq"], name=name + "_DQ")]
    return name + "_dq"


def _dq_weight(nodes, inits, name, q, scale, axis=None):
    """DequantizeLinear of int8 weights with (zero) zero points, as ORT's
    quantizer writes them."""
    inits += [_t(name + "_q", q, q.dtype), _t(name + "_scale", scale, np.float32),
              _t(name + "_zp", np.zeros(np.shape(scale), np.int8), np.int8)]
    attrs = {} if axis is None else {"axis": axis}
    nodes.append(helper.make_node(
        "DequantizeLinear", [name + "_q", name + "_scale", name + "_zp"],
        [name + "_dq"],
        name=name + "_DQ", **attrs))
    return name + "_dq"


def _dq_bias(nodes, inits, name, b, scale):
    """ORT's int32 bias: round(b / (x_scale * w_scale)), zero point 0."""
    bq = np.rint(b / scale).astype(np.int32)
    scale = np.asarray(scale, np.float32)
    inits += [_t(name + "_q", bq, np.int32), _t(name + "_scale", scale, np.float32)]
    attrs = {} if scale.ndim == 0 else {"axis": 0}
    nodes.append(helper.make_node(
        "DequantizeLinear", [name + "_q", name + "_scale"], [name + "_dq"],
        name=name + "_DQ", **attrs))
    return name + "_dq"


def qdq_matmul(per_axis):
    """2-layer MLP [4, 32] -> 16 -> 8, Relu, uint8 activations, int8 weights
    per tensor or per output channel (axis 1), int32 biases."""
    rng = np.random.default_rng(101 if per_axis else 100)
    x = rng.standard_normal((4, 32)).astype(np.float32)
    w1 = (rng.standard_normal((32, 16)) / np.sqrt(32)).astype(np.float32)
    b1 = (0.1 * rng.standard_normal(16)).astype(np.float32)
    w2 = (rng.standard_normal((16, 8)) / np.sqrt(16)).astype(np.float32)
    b2 = (0.1 * rng.standard_normal(8)).astype(np.float32)
    axis = 1 if per_axis else None
    nodes, inits = [], []
    sx, zx = _act_params(x)
    xd = _qdq(nodes, inits, "x", "x", sx, zx)
    w1q, sw1 = _sym_weights(w1, axis)
    w1d = _dq_weight(nodes, inits, "w1", w1q, sw1, axis)
    b1d = _dq_bias(nodes, inits, "b1", b1, sx * sw1)
    nodes += [helper.make_node("MatMul", [xd, w1d], ["h_mm"], name="mm1"),
              helper.make_node("Add", ["h_mm", b1d], ["h_add"], name="add1"),
              helper.make_node("Relu", ["h_add"], ["h"], name="relu1")]
    # Calibrate on the float model.
    xf = _dq(_q(x, sx, zx, 0, 255), sx, zx)
    h = np.maximum(xf @ _dq(w1q, sw1, 0) + b1, 0)
    sh, zh = _act_params(h)
    hd = _qdq(nodes, inits, "h", "h", sh, zh)
    w2q, sw2 = _sym_weights(w2, axis)
    w2d = _dq_weight(nodes, inits, "w2", w2q, sw2, axis)
    b2d = _dq_bias(nodes, inits, "b2", b2, sh * sw2)
    nodes += [helper.make_node("MatMul", [hd, w2d], ["y_mm"], name="mm2"),
              helper.make_node("Add", ["y_mm", b2d], ["y_f"], name="add2")]
    hf = _dq(_q(h, sh, zh, 0, 255), sh, zh)
    y = hf @ _dq(w2q, sw2, 0) + b2
    sy, zy = _act_params(y)
    inits += [_t("y_scale", sy, np.float32), _t("y_zp", zy, np.uint8)]
    nodes += [helper.make_node("QuantizeLinear", ["y_f", "y_scale", "y_zp"],
                               ["y_q"], name="y_Q"),
              helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"],
                               ["y"], name="y_DQ")]
    graph = helper.make_graph(
        nodes, "qdq_matmul", [_vi("x", TensorProto.FLOAT, [4, 32])],
        [_vi("y_q", TensorProto.UINT8, [4, 8]), _vi("y", TensorProto.FLOAT, [4, 8])],
        inits)
    return _model(graph, 13), [x], ["codes", float(sy)]


def qdq_conv():
    """Conv 3 -> 8, 3x3, pads 1, per-channel int8 weights (axis 0), int32
    bias, Relu, uint8 activations."""
    rng = np.random.default_rng(102)
    x = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
    w = (rng.standard_normal((8, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    b = (0.1 * rng.standard_normal(8)).astype(np.float32)
    nodes, inits = [], []
    sx, zx = _act_params(x)
    xd = _qdq(nodes, inits, "x", "x", sx, zx)
    wq, sw = _sym_weights(w, 0)
    wd = _dq_weight(nodes, inits, "w", wq, sw, 0)
    bd = _dq_bias(nodes, inits, "b", b, sx * sw)
    nodes += [helper.make_node("Conv", [xd, wd, bd], ["c"], name="conv",
                               pads=[1, 1, 1, 1]),
              helper.make_node("Relu", ["c"], ["y_f"], name="relu")]
    y = _conv_ref(_dq(_q(x, sx, zx, 0, 255), sx, zx), _dq(wq, sw[:, None, None, None], 0), b)
    sy, zy = _act_params(np.maximum(y, 0))
    inits += [_t("y_scale", sy, np.float32), _t("y_zp", zy, np.uint8)]
    nodes += [helper.make_node("QuantizeLinear", ["y_f", "y_scale", "y_zp"],
                               ["y_q"], name="y_Q"),
              helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"],
                               ["y"], name="y_DQ")]
    graph = helper.make_graph(
        nodes, "qdq_conv", [_vi("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [_vi("y_q", TensorProto.UINT8, [1, 8, 8, 8]),
         _vi("y", TensorProto.FLOAT, [1, 8, 8, 8])], inits)
    return _model(graph, 13), [x], ["codes", float(sy)]


def _conv_ref(x, w, b):
    """3x3, pads 1, stride 1 NCHW convolution (calibration only)."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], h, wd), np.float32)
    for i in range(h):
        for j in range(wd):
            patch = xp[:, :, i:i + 3, j:j + 3].reshape(n, -1)
            out[:, :, i, j] = patch @ w.reshape(w.shape[0], -1).T
    return out + b[None, :, None, None]


def qdq_blocked(kind):
    """Opset 21, weight-only (the layout of ORT's block-wise weight
    quantizer): float x times weight [K=80, N=16] block-wise along K
    (axis 0, block_size 32, 3 blocks, the last one partial) of type `kind`;
    asymmetric (with zero points) for the unsigned types; the float result
    is quantized to uint8 and dequantized."""
    seed = {"int4": 110, "uint4": 111, "int8": 112, "uint8": 113}[kind]
    rng = np.random.default_rng(seed)
    k, n, bs = 80, 16, 32
    blocks = (k + bs - 1) // bs
    x = rng.standard_normal((3, k)).astype(np.float32)
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    bits = 4 if kind.endswith("4") else 8
    signed = not kind.startswith("u")
    scale = np.zeros((blocks, n), np.float32)
    zp = np.zeros((blocks, n), np.int64)
    wq = np.zeros((k, n), np.int64)
    for blk in range(blocks):
        rows = slice(blk * bs, min(k, (blk + 1) * bs))
        wb = w[rows]
        if signed:
            qmax = 2 ** (bits - 1) - 1
            s = np.abs(wb).max(axis=0) / qmax
            scale[blk] = s
            wq[rows] = np.clip(np.rint(wb / scale[blk]), -qmax - 1, qmax)
        else:
            qmax = 2 ** bits - 1
            lo, hi = np.minimum(wb.min(axis=0), 0), np.maximum(wb.max(axis=0), 0)
            scale[blk] = (hi - lo) / qmax
            zp[blk] = np.clip(np.rint(-lo / scale[blk]), 0, qmax)
            wq[rows] = np.clip(np.rint(wb / scale[blk]) + zp[blk], 0, qmax)
    nodes, inits = [], []
    if bits == 4:
        inits.append(_t4("w_q", wq, signed))
        if not signed:
            inits.append(_t4("w_zp", zp, False))
    else:
        dt = np.int8 if signed else np.uint8
        inits.append(_t("w_q", wq, dt))
        if not signed:
            inits.append(_t("w_zp", zp, dt))
    inits.append(_t("w_scale", scale, np.float32))
    dq_inputs = ["w_q", "w_scale"] + ([] if signed else ["w_zp"])
    nodes += [helper.make_node("DequantizeLinear", dq_inputs, ["w_dq"],
                               name="w_DQ", axis=0, block_size=bs),
              helper.make_node("MatMul", ["x", "w_dq"], ["y_f"], name="mm")]
    wf = (wq - np.repeat(zp, bs, axis=0)[:k]) * np.repeat(scale, bs, axis=0)[:k]
    y = x @ wf.astype(np.float32)
    sy, zy = _act_params(y)
    inits += [_t("y_scale", sy, np.float32), _t("y_zp", zy, np.uint8)]
    nodes += [helper.make_node("QuantizeLinear", ["y_f", "y_scale", "y_zp"],
                               ["y_q"], name="y_Q"),
              helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"],
                               ["y"], name="y_DQ")]
    graph = helper.make_graph(
        nodes, "qdq_blocked_" + kind, [_vi("x", TensorProto.FLOAT, [3, k])],
        [_vi("y_q", TensorProto.UINT8, [3, n]), _vi("y", TensorProto.FLOAT, [3, n])],
        inits)
    return _model(graph, 21), [x], ["codes", float(sy)]


# ---------------------------------------------------------------------------
# QOperator
# ---------------------------------------------------------------------------

def qlinear_matmul(per_column):
    """QuantizeLinear -> QLinearMatMul (uint8 x int8, b per tensor or per
    column) -> DequantizeLinear."""
    rng = np.random.default_rng(121 if per_column else 120)
    x = rng.standard_normal((4, 32)).astype(np.float32)
    w = (rng.standard_normal((32, 16)) / np.sqrt(32)).astype(np.float32)
    sx, zx = _act_params(x)
    wq, sw = _sym_weights(w, 1 if per_column else None)
    y = _dq(_q(x, sx, zx, 0, 255), sx, zx) @ _dq(wq, sw, 0)
    sy, zy = _act_params(y)
    inits = [_t("x_scale", sx, np.float32), _t("x_zp", zx, np.uint8),
             _t("w_q", wq, np.int8), _t("w_scale", sw, np.float32),
             _t("w_zp", np.zeros_like(sw, np.int8), np.int8),
             _t("y_scale", sy, np.float32), _t("y_zp", zy, np.uint8)]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["x_q"],
                         name="x_Q"),
        helper.make_node("QLinearMatMul",
                         ["x_q", "x_scale", "x_zp", "w_q", "w_scale", "w_zp",
                          "y_scale", "y_zp"], ["y_q"], name="qmm"),
        helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"], ["y"],
                         name="y_DQ")]
    graph = helper.make_graph(
        nodes, "qlinear_matmul", [_vi("x", TensorProto.FLOAT, [4, 32])],
        [_vi("y_q", TensorProto.UINT8, [4, 16]), _vi("y", TensorProto.FLOAT, [4, 16])],
        inits)
    return _model(graph, 13), [x], ["codes", float(sy)]


def qlinear_conv():
    """QuantizeLinear -> QLinearConv (uint8 x, per-channel int8 w, int32
    bias, stride 2, pads 1) -> DequantizeLinear."""
    rng = np.random.default_rng(122)
    x = rng.standard_normal((1, 3, 9, 9)).astype(np.float32)
    w = (rng.standard_normal((8, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    b = (0.1 * rng.standard_normal(8)).astype(np.float32)
    sx, zx = _act_params(x)
    wq, sw = _sym_weights(w, 0)
    bq = np.rint(b / (sx * sw)).astype(np.int32)
    y = _conv_ref(_dq(_q(x, sx, zx, 0, 255), sx, zx),
                  _dq(wq, sw[:, None, None, None], 0), bq * sx * sw)[:, :, ::2, ::2]
    sy, zy = _act_params(y)
    inits = [_t("x_scale", sx, np.float32), _t("x_zp", zx, np.uint8),
             _t("w_q", wq, np.int8), _t("w_scale", sw, np.float32),
             _t("w_zp", np.zeros(8, np.int8), np.int8),
             _t("y_scale", sy, np.float32), _t("y_zp", zy, np.uint8),
             _t("b_q", bq, np.int32)]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["x_q"],
                         name="x_Q"),
        helper.make_node("QLinearConv",
                         ["x_q", "x_scale", "x_zp", "w_q", "w_scale", "w_zp",
                          "y_scale", "y_zp", "b_q"], ["y_q"], name="qconv",
                         pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zp"], ["y"],
                         name="y_DQ")]
    graph = helper.make_graph(
        nodes, "qlinear_conv", [_vi("x", TensorProto.FLOAT, [1, 3, 9, 9])],
        [_vi("y_q", TensorProto.UINT8, [1, 8, 5, 5]),
         _vi("y", TensorProto.FLOAT, [1, 8, 5, 5])], inits)
    return _model(graph, 13), [x], ["codes", float(sy)]


def _dyn_scale(x):
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    return np.float32((hi - lo) / 255.0)


def dynamic_matmul():
    """ORT's dynamic quantization of a MatMul: DynamicQuantizeLinear ->
    MatMulInteger(uint8 x, int8 w per tensor, zero points) -> Cast -> Mul by
    x_scale * w_scale -> Add bias."""
    rng = np.random.default_rng(130)
    x = rng.standard_normal((5, 48)).astype(np.float32)
    w = (rng.standard_normal((48, 24)) / np.sqrt(48)).astype(np.float32)
    b = (0.1 * rng.standard_normal(24)).astype(np.float32)
    wq, sw = _sym_weights(w)
    inits = [_t("w_q", wq, np.int8), _t("w_scale", sw, np.float32),
             _t("w_zp", 0, np.int8), _t("b", b, np.float32)]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"],
                         ["x_q", "x_scale", "x_zp"], name="x_DQL"),
        helper.make_node("MatMulInteger", ["x_q", "w_q", "x_zp", "w_zp"],
                         ["acc"], name="mmi"),
        helper.make_node("Cast", ["acc"], ["acc_f"], name="cast",
                         to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "w_scale"], ["s"], name="scale_mul"),
        helper.make_node("Mul", ["acc_f", "s"], ["y_mm"], name="out_mul"),
        helper.make_node("Add", ["y_mm", "b"], ["y"], name="bias_add")]
    graph = helper.make_graph(
        nodes, "dynamic_matmul", [_vi("x", TensorProto.FLOAT, [5, 48])],
        [_vi("y", TensorProto.FLOAT, [5, 24])], inits)
    # Also all zeros (ORT's scale is 1 when the range is empty) and all
    # positive (zero point 0).
    xs = [x, np.zeros_like(x), np.abs(x)]
    return _model(graph, 13), [([v], [float(_dyn_scale(v) * sw) or 1e-6])
                               for v in xs]


def dynamic_quantize_linear():
    """DynamicQuantizeLinear's three outputs on mixed, all-zero (ORT: scale
    1, zero point 0), all-positive, all-negative and constant inputs."""
    rng = np.random.default_rng(132)
    x = rng.standard_normal((3, 10)).astype(np.float32)
    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "y_scale", "y_zp"],
                            name="dql")
    graph = helper.make_graph(
        [node], "dynamic_quantize_linear", [_vi("x", TensorProto.FLOAT, [3, 10])],
        [_vi("y", TensorProto.UINT8, [3, 10]), _vi("y_scale", TensorProto.FLOAT, []),
         _vi("y_zp", TensorProto.UINT8, [])], [])
    xs = [x, np.zeros_like(x), np.abs(x), -np.abs(x), np.full_like(x, 2.5)]
    return _model(graph, 13), [([v], ["codes", 1e-7 * max(1.0, float(_dyn_scale(v))),
                                      "codes"]) for v in xs]


def quantize_ties_saturate():
    """Opset 21 QuantizeLinear on exact ties (x = (k + 1/2) * scale, scale a
    power of two) and out-of-range values: uint8 and int8 outputs, and int4 /
    uint4 codes dequantized again (per tensor, zero points of each type)."""
    x = np.concatenate([np.arange(-10, 10) + 0.5, [-1e4, 1e4, 0, -0.25, 0.25,
                                                   300.5, -300.5, 7.5, -8.5,
                                                   3.75, -3.75, 1.5]])
    x = (x * 0.5).astype(np.float32).reshape(4, 8)
    inits = [_t("s", 0.5, np.float32), _t("z_u8", 3, np.uint8),
             _t("z_i8", -2, np.int8), _t4("z_i4", np.array(1), True),
             _t4("z_u4", np.array(7), False)]
    nodes = []
    for kind in ["u8", "i8", "i4", "u4"]:
        nodes.append(helper.make_node("QuantizeLinear", ["x", "s", "z_" + kind],
                                      ["q_" + kind], name="Q_" + kind))
    for kind in ["i4", "u4"]:
        nodes.append(helper.make_node("DequantizeLinear",
                                      ["q_" + kind, "s", "z_" + kind],
                                      ["d_" + kind], name="DQ_" + kind))
    graph = helper.make_graph(
        nodes, "quantize_ties_saturate", [_vi("x", TensorProto.FLOAT, [4, 8])],
        [_vi("q_u8", TensorProto.UINT8, [4, 8]), _vi("q_i8", TensorProto.INT8, [4, 8]),
         _vi("d_i4", TensorProto.FLOAT, [4, 8]), _vi("d_u4", TensorProto.FLOAT, [4, 8])],
        inits)
    return _model(graph, 21), [x], ["codes", "codes", 0.5, 0.5]


def conv_integer():
    """Dynamic quantization of a Conv: DynamicQuantizeLinear -> ConvInteger
    (uint8 x, uint8 w with zero point) -> Cast -> Mul by x_scale * w_scale."""
    rng = np.random.default_rng(131)
    x = rng.standard_normal((2, 4, 7, 7)).astype(np.float32)
    w = (rng.standard_normal((6, 4, 3, 3)) / 6).astype(np.float32)
    sw, zw = _asym_u8(float(w.min()), float(w.max()))
    wq = _q(w, sw, zw, 0, 255).astype(np.uint8)
    inits = [_t("w_q", wq, np.uint8), _t("w_scale", sw, np.float32),
             _t("w_zp", zw, np.uint8)]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"],
                         ["x_q", "x_scale", "x_zp"], name="x_DQL"),
        helper.make_node("ConvInteger", ["x_q", "w_q", "x_zp", "w_zp"],
                         ["acc"], name="convi", pads=[1, 0, 1, 0]),
        helper.make_node("Cast", ["acc"], ["acc_f"], name="cast",
                         to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "w_scale"], ["s"], name="scale_mul"),
        helper.make_node("Mul", ["acc_f", "s"], ["y"], name="out_mul")]
    graph = helper.make_graph(
        nodes, "conv_integer", [_vi("x", TensorProto.FLOAT, [2, 4, 7, 7])],
        [_vi("y", TensorProto.FLOAT, [2, 6, 7, 5])], inits)
    return _model(graph, 13), [x], [float(_dyn_scale(x) * sw)]


# ---------------------------------------------------------------------------
# com.microsoft MatMulNBits
# ---------------------------------------------------------------------------

def matmul_nbits(k, n, block, with_zp, with_bias, seed):
    """A [2, 3, K] x dequant(B)^T, 4 bits; B [N, ceil(K/block), block/2]
    (codes low nibble first, the last block padded with zero-point codes),
    scales [N * blocks], zero points packed uint8 [N * ceil(blocks/2)]."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((2, 3, k)).astype(np.float32)
    w = (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32)
    blocks = (k + block - 1) // block
    wp = np.zeros((n, blocks * block), np.float32)
    wp[:, :k] = w
    wb = wp.reshape(n, blocks, block)
    if with_zp:
        lo = np.minimum(wb.min(axis=2), 0)
        hi = np.maximum(wb.max(axis=2), 0)
        scale = ((hi - lo) / 15).astype(np.float32)
        zp = np.clip(np.rint(-lo / scale), 0, 15).astype(np.int64)
    else:
        scale = (np.abs(wb).max(axis=2) / 7).astype(np.float32)
        zp = np.full((n, blocks), 8, np.int64)
    q = np.clip(np.rint(wb / scale[:, :, None]) + zp[:, :, None], 0, 15)
    q = q.astype(np.int64)
    q.reshape(n, -1)[:, k:] = np.repeat(zp, block, axis=1)[:, k:]
    packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)
    inits = [_t("B", packed, np.uint8), _t("scales", scale.flatten(), np.float32)]
    inputs = ["A", "B", "scales"]
    if with_zp:
        zpp = np.zeros((n, (blocks + 1) // 2 * 2), np.int64)
        zpp[:, :blocks] = zp
        zbytes = (zpp[:, 0::2] | (zpp[:, 1::2] << 4)).astype(np.uint8)
        inits.append(_t("zero_points", zbytes.flatten(), np.uint8))
        inputs.append("zero_points")
    if with_bias:
        bias = (0.1 * rng.standard_normal(n)).astype(np.float32)
        inits.append(_t("bias", bias, np.float32))
        inputs += [""] * (4 - len(inputs)) + ["", "bias"]
    node = helper.make_node("MatMulNBits", inputs, ["Y"], name="mnb",
                            domain="com.microsoft", K=k, N=n, bits=4,
                            block_size=block)
    graph = helper.make_graph(
        [node], "matmul_nbits", [_vi("A", TensorProto.FLOAT, [2, 3, k])],
        [_vi("Y", TensorProto.FLOAT, [2, 3, n])], inits)
    # No quantized output: the check's step is a float rounding bound,
    # 1e-5 of the largest |A| x |dequant(B)|^T value.
    wd = ((q - zp[:, :, None]) * scale[:, :, None]).reshape(n, -1)[:, :k]
    bound = np.abs(a.reshape(-1, k)) @ np.abs(wd).T
    return _model(graph, 13, ms_domain=True), [a], [float(1e-5 * bound.max())]


MODELS = {
    "qdq_matmul_per_tensor": lambda: qdq_matmul(False),
    "qdq_matmul_per_axis": lambda: qdq_matmul(True),
    "qdq_conv_per_axis": qdq_conv,
    "qdq_blocked_int4": lambda: qdq_blocked("int4"),
    "qdq_blocked_uint4": lambda: qdq_blocked("uint4"),
    "qdq_blocked_int8": lambda: qdq_blocked("int8"),
    "qdq_blocked_uint8": lambda: qdq_blocked("uint8"),
    "quantize_ties_saturate": quantize_ties_saturate,
    "qlinear_matmul": lambda: qlinear_matmul(False),
    "qlinear_matmul_per_column": lambda: qlinear_matmul(True),
    "qlinear_conv": qlinear_conv,
    "dynamic_quantize_linear": dynamic_quantize_linear,
    "dynamic_matmul_integer": dynamic_matmul,
    "dynamic_conv_integer": conv_integer,
    "matmul_nbits_b32_zp": lambda: matmul_nbits(64, 24, 32, True, False, 140),
    "matmul_nbits_b32_nozp": lambda: matmul_nbits(64, 24, 32, False, False, 141),
    "matmul_nbits_b32_zp_k80": lambda: matmul_nbits(80, 24, 32, True, False, 142),
    "matmul_nbits_b128_zp_k200": lambda: matmul_nbits(200, 16, 128, True, False, 143),
    "matmul_nbits_b128_nozp_bias": lambda: matmul_nbits(256, 16, 128, False, True, 144),
    "matmul_nbits_b32_zp_bias_k72": lambda: matmul_nbits(72, 8, 32, True, True, 145),
}


def main(out_dir):
    listing = []
    for name, build in MODELS.items():
        model, *rest = build()
        # One data set (inputs, steps per output) or a list of them.
        sets = rest[0] if len(rest) == 1 else [tuple(rest)]
        with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for n, (inputs, _) in enumerate(sets):
            data = os.path.join(out_dir, name, f"test_data_set_{n}")
            os.makedirs(data, exist_ok=True)
            for i, (value, vi) in enumerate(zip(inputs, model.graph.input)):
                with open(os.path.join(data, f"input_{i}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(value, vi.name)
                            .SerializeToString())
        listing.append({"name": name, "steps": [steps for _, steps in sets]})
    with open(os.path.join(out_dir, "models.json"), "w") as f:
        json.dump(listing, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
