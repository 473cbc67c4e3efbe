#!/usr/bin/env python3
"""Runs a float and a quantized compiled model over a dataset with quant-run
and prints the output SQNR (all outputs, all samples) and the largest
relative error ||q - f|| / ||f|| of one output; exits 1 when below
--min-sqnr or above --max-rel-error.

  compare.py --quant-run BIN --float F.so --quant Q.so --data DIR
             [--min-sqnr DB] [--max-rel-error E] [--label TEXT]
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


def run(quant_run, model, sample, out):
    subprocess.run([quant_run, model, "--input-dir", sample, "--output-dir",
                    out], check=True, stdout=subprocess.DEVNULL)
    outputs = []
    for i in range(len(glob.glob(os.path.join(out, "output_*.pb")))):
        t = onnx.TensorProto()
        t.ParseFromString(open(os.path.join(out, "output_%d.pb" % i),
                               "rb").read())
        outputs.append(numpy_helper.to_array(t).astype(np.float64))
    return outputs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quant-run", required=True)
    p.add_argument("--float", required=True)
    p.add_argument("--quant", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--min-sqnr", type=float)
    p.add_argument("--max-rel-error", type=float)
    p.add_argument("--label", default="output")
    p.add_argument("--baseline",
                   help="another quantized model: print its SQNR too and "
                        "require --quant to beat it by --min-gain dB")
    p.add_argument("--baseline-label", default="baseline")
    p.add_argument("--min-gain", type=float, default=0.0)
    a = p.parse_args()
    samples = sorted(glob.glob(os.path.join(a.data, "test_data_set_*")),
                     key=lambda s: int(s.rsplit("_", 1)[1]))
    def measure(model, tag):
        signal = noise = 0.0
        worst = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for n, sample in enumerate(samples):
                f = run(a.quant_run, a.float, sample,
                        os.path.join(tmp, "f%d" % n))
                q = run(a.quant_run, model, sample,
                        os.path.join(tmp, "q%d" % n))
                for x, y in zip(f, q):
                    signal += float(np.sum(x * x))
                    noise += float(np.sum((x - y) ** 2))
                    worst = max(worst, float(np.linalg.norm(x - y) /
                                             max(np.linalg.norm(x), 1e-30)))
        sqnr = 300.0 if noise == 0 else 10 * np.log10(signal / noise)
        print("%s SQNR: %.2f dB over %d samples, max relative error %.3g"
              % (tag, sqnr, len(samples), worst))
        return sqnr, worst

    sqnr, worst = measure(a.quant, a.label)
    ok = True
    if a.min_sqnr is not None and sqnr < a.min_sqnr:
        print("FAIL: SQNR below %.2f dB" % a.min_sqnr)
        ok = False
    if a.max_rel_error is not None and worst > a.max_rel_error:
        print("FAIL: relative error above %g" % a.max_rel_error)
        ok = False
    if a.baseline:
        base, _ = measure(a.baseline, a.baseline_label)
        print("gain of %s over %s: %.2f dB" % (a.label, a.baseline_label,
                                               sqnr - base))
        if sqnr - base < a.min_gain:
            print("FAIL: gain below %.2f dB" % a.min_gain)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
