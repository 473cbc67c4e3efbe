"""Generates the qopt e2e cases: MLIR modules that use every qopt op, their
inputs and numpy reference outputs (TensorProto .pb, what quant-run --check
reads).

  qopt_ops.py OUT_DIR

writes OUT_DIR/<case>.mlir and OUT_DIR/<case>[-<run>]/{input,expected}/*.pb.
The references implement the documented semantics (docs/quantization.md)
independently of the compiler: ONNX QuantizeLinear arithmetic in float32
(x / scale, round half to even, + zero point, saturate), exact integer
accumulation for qmatmul / qconv, and float64 matmuls with the dequantized
weight for weight_matmul.
"""

import os
import sys

import numpy as np
from onnx import numpy_helper

OUT = sys.argv[1]
rng = np.random.default_rng(4)

MLIR_TYPE = {np.float32: "f32", np.int8: "i8", np.uint8: "ui8", np.int32: "i32"}


def ttype(shape, dtype):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    elt = MLIR_TYPE[np.dtype(dtype).type]
    return f"tensor<{dims}x{elt}>" if dims else f"tensor<{elt}>"


def const(name, array):
    """An SSA constant: arith.constant (signless) or onnx.Constant (ui8)."""
    t = ttype(array.shape, array.dtype)
    if array.dtype == np.float32:
        body = np.array2string(array.astype(np.float64), separator=",", threshold=1 << 30,
                               floatmode="unique", max_line_width=1 << 30)
        body = body.replace("\n", "")
        value = f"dense<{body}>" if array.ndim else f"dense<{float(array)!r}>"
    else:
        value = 'dense<"0x' + array.tobytes().hex().upper() + '">' if array.ndim else \
            f"dense<{int(array)}>"
    if array.dtype == np.uint8:
        return f"  %{name} = onnx.Constant {value} : {t}\n"
    return f"  %{name} = arith.constant {value} : {t}\n"


def save(directory, prefix, arrays):
    os.makedirs(directory, exist_ok=True)
    for i, a in enumerate(arrays):
        with open(os.path.join(directory, f"{prefix}_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.array(a, order="C"), f"{prefix}_{i}")
                    .SerializeToString())


def write_case(name, args, results, body, runs):
    """args: [(ssa name, shape, dtype)]; results: [(ssa, shape, dtype)];
    runs: {run name: (inputs, expected outputs)}."""
    sig = ", ".join(f"%{n}: {ttype(s, d)}" for n, s, d in args)
    res = ", ".join(ttype(s, d) for _, s, d in results)
    text = f"func.func @main_graph({sig}) -> ({res}) {{\n{body}"
    text += "  return " + ", ".join("%" + n for n, _, _ in results) + " : " + res + "\n}\n"
    with open(os.path.join(OUT, name + ".mlir"), "w") as f:
        f.write(text)
    for run, (inputs, outputs) in runs.items():
        d = os.path.join(OUT, name + ("-" + run if run else ""))
        save(os.path.join(d, "input"), "input", inputs)
        save(os.path.join(d, "expected"), "output", outputs)


f32 = np.float32


def quantize(x, scale, zp, dtype):
    info = np.iinfo(dtype) if dtype in (np.int8, np.uint8) else None
    lo, hi = (info.min, info.max) if info else dtype
    q = np.rint(x.astype(f32) / scale.astype(f32)) + zp.astype(f32)
    return np.clip(q, lo, hi)


# ---------------------------------------------------------------------------
# quantize / dequantize: per tensor (ui8 with zero point), per axis (i8),
# per block (i8, blocks of 16 along axis 1), int4 (internal only); dynamic M.
# ---------------------------------------------------------------------------
def case_quantize():
    s_t, z_t = np.array(0.05, f32), np.array(131, np.uint8)
    s_a = (rng.random(64) * 0.05 + 0.01).astype(f32)
    z_a = rng.integers(-10, 10, 64).astype(np.int8)
    s_b = (rng.random((3, 4)) * 0.05 + 0.01).astype(f32)
    s_4 = np.array(0.3, f32)
    body = const("st", s_t) + const("zt", z_t) + const("sa", s_a) + const("za", z_a) \
        + const("sb", s_b) + const("s4", s_4)
    body += """  %p = qopt.probe %x "x" stats ["minmax"] : tensor<3x64xf32>
  %q0 = qopt.quantize %p, %st, %zt : tensor<3x64xf32>, tensor<f32>, tensor<ui8> -> tensor<3x64xui8>
  %d0 = qopt.dequantize %q0, %st, %zt : tensor<3x64xui8>, tensor<f32>, tensor<ui8> -> tensor<3x64xf32>
  %q1 = qopt.quantize %x, %sa, %za {axis = 1 : i64} : tensor<3x64xf32>, tensor<64xf32>, tensor<64xi8> -> tensor<3x64xi8>
  %d1 = qopt.dequantize %q1, %sa, %za {axis = 1 : i64} : tensor<3x64xi8>, tensor<64xf32>, tensor<64xi8> -> tensor<3x64xf32>
  %q2 = qopt.quantize %x, %sb {axis = 1 : i64, block_size = 16 : i64} : tensor<3x64xf32>, tensor<3x4xf32> -> tensor<3x64xi8>
  %d2 = qopt.dequantize %q2, %sb {axis = 1 : i64, block_size = 16 : i64} : tensor<3x64xi8>, tensor<3x4xf32> -> tensor<3x64xf32>
  %q3 = qopt.quantize %x, %s4 : tensor<3x64xf32>, tensor<f32> -> tensor<3x64xi4>
  %d3 = qopt.dequantize %q3, %s4 : tensor<3x64xi4>, tensor<f32> -> tensor<3x64xf32>
"""
    x = (rng.standard_normal((3, 64)) * 4).astype(f32)
    x[0, :8] = [0.025, 0.075, -0.025, -0.075, 100, -100, 0.125, 6.55]  # ties, saturation
    q0 = quantize(x, s_t, z_t, np.uint8)
    d0 = ((q0 - f32(131)) * s_t).astype(f32)
    q1 = quantize(x, s_a[None, :], z_a[None, :], np.int8)
    d1 = ((q1 - z_a[None, :].astype(f32)) * s_a[None, :]).astype(f32)
    sb = np.repeat(s_b, 16, axis=1)
    q2 = quantize(x, sb, np.zeros_like(sb), np.int8)
    d2 = (q2 * sb).astype(f32)
    q3 = quantize(x, s_4, np.zeros((), f32), (-8, 7))
    d3 = (q3 * s_4).astype(f32)
    write_case("quantize", [("x", (3, 64), f32)],
               [("q0", (3, 64), np.uint8), ("d0", (3, 64), f32), ("q1", (3, 64), np.int8),
                ("d1", (3, 64), f32), ("d2", (3, 64), f32), ("d3", (3, 64), f32)],
               body, {"": ([x], [q0.astype(np.uint8), d0, q1.astype(np.int8), d1, d2, d3])})


# ---------------------------------------------------------------------------
# dynamic_quantize: per tensor asymmetric ui8 (ONNX DynamicQuantizeLinear),
# per row symmetric i8, per row asymmetric i8; dynamic rows.
# ---------------------------------------------------------------------------
def dyn_ref(x, per_row, symmetric, dtype):
    info = np.iinfo(dtype)
    axis = -1 if per_row else None
    if symmetric:
        scale = (np.abs(x).max(axis=axis) / f32(127)).astype(f32)
        zp = np.full(scale.shape, 128 if dtype == np.uint8 else 0, f32)
    else:
        lo = np.minimum(x.min(axis=axis), 0).astype(f32)
        hi = np.maximum(x.max(axis=axis), 0).astype(f32)
        scale = ((hi - lo) / f32(info.max - info.min)).astype(f32)
        div = np.where(scale == 0, f32(1), scale).astype(f32)
        zp = np.clip(np.rint(f32(info.min) - lo / div), info.min, info.max).astype(f32)
    div = np.where(scale == 0, f32(1), scale).astype(f32)
    if per_row:
        q = np.clip(np.rint(x / div[..., None]) + zp[..., None], info.min, info.max)
    else:
        q = np.clip(np.rint(x / div) + zp, info.min, info.max)
    return q.astype(dtype), np.asarray(scale, f32), np.asarray(zp).astype(dtype)


def case_dynamic():
    body = """  %q0, %s0, %z0 = qopt.dynamic_quantize %x per_tensor : tensor<?x32xf32> -> tensor<?x32xui8>, tensor<f32>, tensor<ui8>
  %q1, %s1, %z1 = qopt.dynamic_quantize %x per_row symmetric : tensor<?x32xf32> -> tensor<?x32xi8>, tensor<?xf32>, tensor<?xi8>
  %q2, %s2, %z2 = qopt.dynamic_quantize %x per_row : tensor<?x32xf32> -> tensor<?x32xi8>, tensor<?xf32>, tensor<?xi8>
"""
    results = [("q0", (None, 32), np.uint8), ("s0", (), f32), ("z0", (), np.uint8),
               ("q1", (None, 32), np.int8), ("s1", (None,), f32), ("z1", (None,), np.int8),
               ("q2", (None, 32), np.int8), ("s2", (None,), f32), ("z2", (None,), np.int8)]
    runs = {}
    for run, rows in (("m1", 1), ("m5", 5)):
        x = (rng.standard_normal((rows, 32)) * 3 + 0.5).astype(f32)
        if rows > 1:
            x[1] = np.abs(x[1])  # a row without negative values
            x[2] = 0  # an all-zero row: scale 0, q = zero point
        outs = []
        for per_row, sym, dt in ((False, False, np.uint8), (True, True, np.int8),
                                 (True, False, np.int8)):
            outs += list(dyn_ref(x, per_row, sym, dt))
        runs[run] = ([x], outs)
    write_case("dynamic_quantize", [("x", (None, 32), f32)], results, body, runs)


# ---------------------------------------------------------------------------
# qmatmul: static per-tensor ui8 activations x constant per-channel i8
# weights (+ bias); dynamic per-token i8 activations x a weight given as an
# input (run-time column sums); a 3-D activation; dynamic M.
# ---------------------------------------------------------------------------
def qmm_ref(a, b, a_scale, a_zp, b_scale, bias):
    acc = a.astype(np.int64) @ b.astype(np.int64)
    colsum = b.astype(np.int64).sum(axis=0)
    v = (acc - a_zp.astype(np.int64)[..., None] * colsum).astype(np.int32)
    y = v.astype(f32) * (a_scale.astype(f32)[..., None] * b_scale.astype(f32))
    if bias is not None:
        y = y + bias
    return y.astype(f32)


def case_qmatmul():
    K, N = 64, 48
    b = rng.integers(-127, 128, (K, N)).astype(np.int8)
    bs = (rng.random(N) * 0.01 + 0.001).astype(f32)
    bias = rng.standard_normal(N).astype(f32)
    as_, az = np.array(0.02, f32), np.array(121, np.uint8)
    bs_t = np.array(0.004, f32)
    body = const("b", b) + const("bs", bs) + const("bias", bias) + const("as", as_) \
        + const("az", az) + const("bst", bs_t)
    body += """  %y0 = qopt.qmatmul %a, %b, %as, %az, %bs bias %bias : tensor<?x64xui8>, tensor<64x48xi8>, tensor<f32>, tensor<ui8>, tensor<48xf32>, tensor<48xf32> -> tensor<?x48xf32>
  %q, %s, %z = qopt.dynamic_quantize %x per_row symmetric : tensor<?x64xf32> -> tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>
  %y1 = qopt.qmatmul %q, %w, %s, %z, %bst : tensor<?x64xi8>, tensor<64x48xi8>, tensor<?xf32>, tensor<?xi8>, tensor<f32> -> tensor<?x48xf32>
  %y2 = qopt.qmatmul %a3, %b, %as, %az, %bs : tensor<2x?x64xui8>, tensor<64x48xi8>, tensor<f32>, tensor<ui8>, tensor<48xf32> -> tensor<2x?x48xf32>
"""
    runs = {}
    for run, m in (("m1", 1), ("m7", 7)):
        a = rng.integers(0, 256, (m, K)).astype(np.uint8)
        x = rng.standard_normal((m, K)).astype(f32)
        w = rng.integers(-128, 128, (K, N)).astype(np.int8)
        a3 = rng.integers(0, 256, (2, m, K)).astype(np.uint8)
        y0 = qmm_ref(a, b, as_, az, bs, bias)
        q, s, z = dyn_ref(x, True, True, np.int8)
        y1 = qmm_ref(q, w, s, z, bs_t, None)
        y2 = qmm_ref(a3, b, as_, az, bs, None)
        runs[run] = ([a, x, w, a3], [y0, y1, y2])
    write_case("qmatmul", [("a", (None, K), np.uint8), ("x", (None, K), f32),
                           ("w", (K, N), np.int8), ("a3", (2, None, K), np.uint8)],
               [("y0", (None, N), f32), ("y1", (None, N), f32), ("y2", (2, None, N), f32)],
               body, runs)


# ---------------------------------------------------------------------------
# qconv: ui8 activations (zero point padding), constant per-channel weights,
# stride 2 / pad 1; signed activations, group 2, dilation 2, weights as input.
# ---------------------------------------------------------------------------
def conv_ref(x, w, xs, xz, ws, bias, stride, pad, dil, group):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.int64), ((0, 0), (0, 0), (pad, pad), (pad, pad)),
                constant_values=int(xz))
    oh = (h + 2 * pad - dil * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * pad - dil * (kw - 1) - 1) // stride + 1
    acc = np.zeros((n, f, oh, ow), np.int64)
    fg = f // group
    for g in range(group):
        for o in range(g * fg, (g + 1) * fg):
            for i in range(kh):
                for j in range(kw):
                    patch = xp[:, g * cg:(g + 1) * cg,
                               i * dil: i * dil + stride * (oh - 1) + 1: stride,
                               j * dil: j * dil + stride * (ow - 1) + 1: stride]
                    acc[:, o] += np.einsum("nchw,c->nhw", patch - int(xz),
                                           w[o, :, i, j].astype(np.int64))
    wsb = np.broadcast_to(ws, (f,)).astype(f32)
    y = acc.astype(np.int32).astype(f32) * (xs * wsb)[None, :, None, None]
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y.astype(f32)


def case_qconv():
    w = rng.integers(-127, 128, (16, 8, 3, 3)).astype(np.int8)
    ws = (rng.random(16) * 0.01 + 0.001).astype(f32)
    bias = rng.standard_normal(16).astype(f32)
    xs, xz = np.array(0.03, f32), np.array(117, np.uint8)
    xs2, xz2 = np.array(0.05, f32), np.array(-3, np.int8)
    ws2 = np.array(0.002, f32)
    body = const("w", w) + const("ws", ws) + const("bias", bias) + const("xs", xs) \
        + const("xz", xz) + const("xs2", xs2) + const("xz2", xz2) + const("ws2", ws2)
    body += """  %y0 = qopt.qconv %x, %w, %xs, %xz, %ws bias %bias {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<2x8x9x9xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<16xf32>, tensor<16xf32> -> tensor<2x16x5x5xf32>
  %y1 = qopt.qconv %x2, %w2, %xs2, %xz2, %ws2 {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 2, 2, 2, 2>} : tensor<1x8x7x7xi8>, tensor<6x4x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32> -> tensor<1x6x7x7xf32>
"""
    x = rng.integers(0, 256, (2, 8, 9, 9)).astype(np.uint8)
    x2 = rng.integers(-128, 128, (1, 8, 7, 7)).astype(np.int8)
    w2 = rng.integers(-128, 128, (6, 4, 3, 3)).astype(np.int8)
    y0 = conv_ref(x, w, xs, xz, ws, bias, 2, 1, 1, 1)
    y1 = conv_ref(x2, w2, xs2, xz2, ws2, None, 1, 2, 2, 2)
    write_case("qconv", [("x", (2, 8, 9, 9), np.uint8), ("x2", (1, 8, 7, 7), np.int8),
                         ("w2", (6, 4, 3, 3), np.int8)],
               [("y0", (2, 16, 5, 5), f32), ("y1", (1, 6, 7, 7), f32)], body,
               {"": ([x, x2, w2], [y0, y1])})


# ---------------------------------------------------------------------------
# weight_matmul: 4-bit group 32 with zero points, 3-bit per channel
# symmetric, 2-bit group 16 + bias, 8-bit group 64, and a K that does not
# split into groups (K = 40, 4-bit group 16: the scalar path); M = 1 and 6.
# ---------------------------------------------------------------------------
def pack(codes, bits):
    """[N, K] codes -> [N, ceil(K * s / 8)] bytes, first code in the low bits."""
    s = 4 if bits == 3 else bits
    per = 8 // s
    n, k = codes.shape
    padded = np.zeros((n, -(-k // per) * per), np.uint32)
    padded[:, :k] = codes
    packed = np.zeros((n, padded.shape[1] // per), np.uint32)
    for p in range(per):
        packed |= padded[:, p::per] << (p * s)
    return packed.astype(np.uint8)


def wmm_case(k, n, bits, group, with_zp, with_bias):
    g = 1 if group == 0 else -(-k // group)
    codes = rng.integers(0, 1 << bits, (n, k))
    scale = (rng.random((n, g)) * 0.1 + 0.01).astype(f32)
    zp = rng.integers(0, 1 << bits, (n, g)).astype(np.uint8) if with_zp else None
    bias = rng.standard_normal(n).astype(f32) if with_bias else None
    gs = k if group == 0 else group
    zfull = np.full((n, k), 1 << (bits - 1)) if zp is None else np.repeat(zp, gs, 1)[:, :k]
    wdeq = (codes - zfull.astype(np.float64)) * np.repeat(scale, gs, 1)[:, :k].astype(np.float64)
    return pack(codes, bits), scale, zp, bias, wdeq


def case_weight_matmul():
    specs = [("a", 64, 24, 4, 32, True, False), ("b", 64, 24, 3, 0, False, False),
             ("c", 64, 24, 2, 16, False, True), ("d", 64, 24, 8, 64, True, False),
             ("e", 40, 24, 4, 16, True, True)]
    body, args, results, data = "", [("x", (None, 64), f32), ("x40", (None, 40), f32)], [], []
    for name, k, n, bits, group, zp_on, bias_on in specs:
        w, scale, zp, bias, wdeq = wmm_case(k, n, bits, group, zp_on, bias_on)
        body += const("w" + name, w) + const("s" + name, scale)
        extra, types = "", ""
        if zp is not None:
            body += const("z" + name, zp)
            extra += f" zero_point %z{name}"
            types += ", " + ttype(zp.shape, np.uint8)
        if bias is not None:
            body += const("b" + name, bias)
            extra += f" bias %b{name}"
            types += ", " + ttype(bias.shape, f32)
        xin = "x" if k == 64 else "x40"
        attrs = f"bits = {bits} : i64" + (f", group_size = {group} : i64" if group else "")
        body += (f"  %y{name} = qopt.weight_matmul %{xin}, %w{name}, %s{name}{extra} "
                 f"{{{attrs}}} : {ttype((None, k), f32)}, {ttype(w.shape, np.uint8)}, "
                 f"{ttype(scale.shape, f32)}{types} -> {ttype((None, n), f32)}\n")
        results.append(("y" + name, (None, n), f32))
        data.append((k, wdeq, bias))
    runs = {}
    for run, m in (("m1", 1), ("m6", 6)):
        x = rng.standard_normal((m, 64)).astype(f32)
        x40 = rng.standard_normal((m, 40)).astype(f32)
        outs = []
        for k, wdeq, bias in data:
            y = (x if k == 64 else x40).astype(np.float64) @ wdeq.T
            if bias is not None:
                y = y + bias
            outs.append(y.astype(f32))
        runs[run] = ([x, x40], outs)
    write_case("weight_matmul", args, results, body, runs)


# ---------------------------------------------------------------------------
# weight_matmul with the NF4 code book: f32 absmax per block of 64 + bias;
# double-quantized absmax (i8 codes, one scale per 256 constants, offset)
# over 320 constants (two scale blocks); K = 40 with blocks of 16 and
# double-quantized scales (the scalar path). M = 1 and 6.
# ---------------------------------------------------------------------------
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], f32)
NF4_ATTR = "codebook = array<f32: " + ", ".join(repr(float(v)) for v in NF4) + ">"


def case_weight_matmul_nf4():
    specs = [("f", 128, 24, 64, False, True), ("g", 128, 160, 64, True, False),
             ("h", 40, 24, 16, True, True)]
    body, results, data = "", [], []
    for name, k, n, block, dq, bias_on in specs:
        g = -(-k // block)
        codes = rng.integers(0, 16, (n, k))
        w = pack(codes, 4)
        body += const("w" + name, w)
        extra, types = "", ""
        if dq:
            sq = rng.integers(-127, 128, (n, g)).astype(np.int8)
            blocks = -(-(n * g) // 256)
            ss = (rng.random(blocks) * 0.0003 + 0.0001).astype(f32)
            so = np.array(0.05, f32)
            flat = np.arange(n * g).reshape(n, g)
            # The kernel's order: code * scale_scale + offset, in f32.
            scale = (sq.astype(f32) * ss[flat // 256] + so).astype(f32)
            body += const("s" + name, sq) + const("ss" + name, ss) + const("so" + name, so)
            extra += f" scale_scale %ss{name} scale_offset %so{name}"
            stype = ttype(sq.shape, np.int8)
            types += ", " + ttype(ss.shape, f32) + ", " + ttype(so.shape, f32)
        else:
            scale = (rng.random((n, g)) * 0.1 + 0.01).astype(f32)
            body += const("s" + name, scale)
            stype = ttype(scale.shape, f32)
        bias = rng.standard_normal(n).astype(f32) if bias_on else None
        if bias is not None:
            body += const("b" + name, bias)
            extra += f" bias %b{name}"
            types += ", " + ttype(bias.shape, f32)
        wdeq = NF4[codes].astype(np.float64) * \
            np.repeat(scale, block, 1)[:, :k].astype(np.float64)
        xin = "x" if k == 128 else "x40"
        attrs = f"bits = 4 : i64, group_size = {block} : i64, {NF4_ATTR}"
        body += (f"  %y{name} = qopt.weight_matmul %{xin}, %w{name}, %s{name}{extra} "
                 f"{{{attrs}}} : {ttype((None, k), f32)}, {ttype(w.shape, np.uint8)}, "
                 f"{stype}{types} -> {ttype((None, n), f32)}\n")
        results.append(("y" + name, (None, n), f32))
        data.append((k, wdeq, bias))
    runs = {}
    for run, m in (("m1", 1), ("m6", 6)):
        x = rng.standard_normal((m, 128)).astype(f32)
        x40 = rng.standard_normal((m, 40)).astype(f32)
        outs = []
        for k, wdeq, bias in data:
            y = (x if k == 128 else x40).astype(np.float64) @ wdeq.T
            if bias is not None:
                y = y + bias
            outs.append(y.astype(f32))
        runs[run] = ([x, x40], outs)
    args = [("x", (None, 128), f32), ("x40", (None, 40), f32)]
    write_case("weight_matmul_nf4", args, results, body, runs)
    # Cases f and g alone (blocks that divide K: what MatMulBnb4 takes), for
    # the ONNX export test; same inputs, their expected outputs.
    bnb_body = "".join(line + "\n" for line in body.splitlines()
                       if not line.lstrip().startswith(("%wh", "%sh", "%ssh", "%soh",
                                                        "%bh", "%yh")))
    write_case("weight_matmul_nf4_bnb", args, results[:2], bnb_body,
               {run: (inputs, outs[:2]) for run, (inputs, outs) in runs.items()})


os.makedirs(OUT, exist_ok=True)
case_quantize()
case_dynamic()
case_qmatmul()
case_qconv()
case_weight_matmul()
case_weight_matmul_nf4()
