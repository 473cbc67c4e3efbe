#!/usr/bin/env python3
"""NumPy reference of --qopt-llm-int8 on the outlier block
(Inputs/outlier_model.py): runs the block in float and with every MatMul
replaced by the LLM.int8() decomposition, and checks a model compiled by
quant-opt against it.

  llm_int8_reference.py --model M.onnx --data EVAL [--calib CALIB]
      --mode static|dynamic [--threshold 6] --quant-run BIN --quant Q.so
      [--min-agreement DB]

Static: outlier features = input features whose max |x| over every row of
every calibration sample exceeds the threshold (the table's per-channel
absmax). Dynamic: per call (sample), columns whose max |x| over its rows
exceeds it. Non-outlier part: per-row symmetric int8 (scale max|row| / 127,
round half to even) times the per-column int8 weight; static: weight
quantized with the outlier rows zeroed and the outlier rows in float;
dynamic: the outlier columns times the same int8 weight. Prints the outlier
features of each layer, the SQNR of the reference against float, and the
agreement (SQNR of quant-opt's output against the reference); exits 1 when
the agreement is below --min-agreement.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

LAYERS = [("fc1", "w1"), ("fc2", "w2"), ("head", "w3")]


def load(path):
    t = onnx.TensorProto()
    t.ParseFromString(open(path, "rb").read())
    return numpy_helper.to_array(t)


def samples(d):
    return sorted(glob.glob(os.path.join(d, "test_data_set_*")),
                  key=lambda s: int(s.rsplit("_", 1)[1]))


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return ((x - mu) / np.sqrt(var + eps) * g + b).astype(np.float32)


def forward(p, x, linear):
    n1 = layer_norm(x, p["ln1.g"], p["ln1.b"])
    h = np.maximum(linear("fc1", n1, p["w1"]) + p["b1"], 0).astype(np.float32)
    r = (linear("fc2", h, p["w2"]) + x).astype(np.float32)
    n2 = layer_norm(r, p["ln2.g"], p["ln2.b"])
    return linear("head", n2, p["w3"])


def quantize_weight(w):
    scale = (np.abs(w).max(0) / np.float32(127)).astype(np.float32)
    scale[scale == 0] = 1
    return np.clip(np.rint(w / scale), -127, 127), scale


def llm_int8(x, w, outliers, static):
    x2 = x.reshape(-1, x.shape[-1]).astype(np.float32)
    mask = np.zeros(w.shape[0], bool)
    mask[list(outliers)] = True
    wi = w.copy()
    if static:
        wi[mask] = 0
    codes, wscale = quantize_weight(wi)
    xin = np.where(mask, np.float32(0), x2)
    s = (np.abs(xin).max(1) / np.float32(127)).astype(np.float32)
    safe = np.where(s == 0, np.float32(1), s)
    q = np.clip(np.rint(xin / safe[:, None]), -128, 127)
    q[s == 0] = 0
    y = (q.astype(np.float64) @ codes.astype(np.float64)) * s[:, None] * wscale
    wout = w if static else codes * wscale
    y += x2[:, mask].astype(np.float64) @ wout[mask].astype(np.float64)
    return y.astype(np.float32).reshape(x.shape[:-1] + (w.shape[1],))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--calib")
    ap.add_argument("--mode", default="static")
    ap.add_argument("--threshold", type=float, default=6.0)
    ap.add_argument("--quant-run", required=True)
    ap.add_argument("--quant", required=True)
    ap.add_argument("--min-agreement", type=float, default=60.0)
    a = ap.parse_args()
    p = {i.name: numpy_helper.to_array(i)
         for i in onnx.load(a.model).graph.initializer}
    static = a.mode == "static"

    outliers = {}
    if static:
        absmax = {}

        def observe(name, x, w):
            m = np.abs(x.reshape(-1, x.shape[-1])).max(0)
            absmax[name] = np.maximum(absmax.get(name, 0), m)
            return x @ w
        for s in samples(a.calib):
            forward(p, load(os.path.join(s, "input_0.pb")), observe)
        for name, _ in LAYERS:
            outliers[name] = np.nonzero(absmax[name] > a.threshold)[0].tolist()
            print("%s: %d outlier features %s" % (
                name, len(outliers[name]),
                outliers[name] if len(outliers[name]) <= 8 else "..."))

    def quantized(name, x, w):
        if static:
            cols = outliers[name]
        else:
            cols = np.nonzero(np.abs(x.reshape(-1, x.shape[-1])).max(0)
                              > a.threshold)[0].tolist()
        return llm_int8(x, w, cols, static)

    sig = noise = agree_sig = agree_noise = 0.0
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, s in enumerate(samples(a.data)):
            x = load(os.path.join(s, "input_0.pb"))
            f = forward(p, x, lambda _, x, w: x @ w).astype(np.float64)
            ref = forward(p, x, quantized).astype(np.float64)
            out = os.path.join(tmp, str(i))
            subprocess.run([a.quant_run, a.quant, "--input-dir", s,
                            "--output-dir", out], check=True,
                           stdout=subprocess.DEVNULL)
            got = load(os.path.join(out, "output_0.pb")).astype(np.float64)
            sig += np.sum(f * f)
            noise += np.sum((f - ref) ** 2)
            agree_sig += np.sum(ref * ref)
            agree_noise += np.sum((got - ref) ** 2)
            n += 1
    db = 10 * np.log10(sig / noise)
    agree = 300.0 if agree_noise == 0 else 10 * np.log10(agree_sig /
                                                         agree_noise)
    print("numpy llm-int8 %s SQNR vs float: %.2f dB over %d samples"
          % (a.mode, db, n))
    print("quant-opt vs numpy reference: %.2f dB" % agree)
    if agree < a.min_agreement:
        print("FAIL: agreement below %.2f dB" % a.min_agreement)
        sys.exit(1)


if __name__ == "__main__":
    main()
