#!/usr/bin/python3
"""Runs the interop models (models.json, written by generate.py) with
quant-opt + quant-run and with ONNX Runtime, and compares the outputs within
one quantization step.

    check.py --models DIR --work DIR --quant-opt CMD --quant-run CMD
             --ort-run CMD [--model NAME ...] [--skip-compile]

Per model: `quant-opt NAME.onnx --emit=shared -o W/NAME.so`; per data set N: `quant-run
W/NAME.so --input-dir ... --output-dir W/qopt/NAME`, `ort-run NAME.onnx ...
--output-dir W/ort/NAME`; then, per output, the largest difference in steps
(models.json: "codes" = one integer code, a number = a float step). Prints

    NAME/N output_<j> <dtype> <shape>: max |d| = S steps (A)  ok|FAIL

and exits 1 when any output differs by more than one step, has another
dtype or shape, or a command fails (its stderr is printed).
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def _read(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def _run(cmd):
    p = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        print(f"command failed ({p.returncode}): {cmd}\n{p.stderr}{p.stdout}")
        return False
    return True


def check_model(args, name, sets):
    model = os.path.join(args.models, name + ".onnx")
    so = os.path.join(args.work, name + ".so")
    if not _run(f"{args.quant_opt} {shlex.quote(model)} --emit=shared "
                f"-o {shlex.quote(so)}"):
        return False
    ok = True
    for n, steps in enumerate(sets):
        ok &= check_data_set(args, name, model, so, n, steps)
    return ok


def check_data_set(args, name, model, so, n, steps):
    data = os.path.join(args.models, name, f"test_data_set_{n}")
    got = os.path.join(args.work, "qopt", name, str(n))
    want = os.path.join(args.work, "ort", name, str(n))
    name = f"{name}/{n}"
    q = shlex.quote
    if not _run(f"{args.quant_run} {q(so)} --input-dir {q(data)} "
                f"--output-dir {q(got)}"):
        return False
    if not _run(f"{args.ort_run} {q(model)} --input-dir {q(data)} "
                f"--output-dir {q(want)}"):
        return False
    ok = True
    for j, step in enumerate(steps):
        out = f"output_{j}.pb"
        if not os.path.exists(os.path.join(got, out)):
            print(f"{name} {out}: missing from quant-run's outputs  FAIL")
            ok = False
            continue
        a, b = _read(os.path.join(got, out)), _read(os.path.join(want, out))
        shape = "x".join(map(str, b.shape))
        if a.dtype != b.dtype or a.shape != b.shape:
            print(f"{name} {out}: {a.dtype} {a.shape} vs ONNX Runtime's "
                  f"{b.dtype} {b.shape}  FAIL")
            ok = False
            continue
        d = np.abs(a.astype(np.float64) - b.astype(np.float64))
        dmax = float(d.max()) if d.size else 0.0
        size = 1.0 if step == "codes" else float(step)
        n = dmax / size
        verdict = "ok" if n <= 1.0 and np.isfinite(n) else "FAIL"
        unit = "codes" if step == "codes" else f"{dmax:.3g}, step {size:.3g}"
        print(f"{name} {out} {b.dtype} {shape}: max |d| = {n:.3g} steps "
              f"({unit}) {verdict}")
        ok &= verdict == "ok"
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--quant-opt", required=True)
    p.add_argument("--quant-run", required=True)
    p.add_argument("--ort-run", required=True)
    p.add_argument("--model", action="append")
    args = p.parse_args()
    with open(os.path.join(args.models, "models.json")) as f:
        listing = json.load(f)
    os.makedirs(args.work, exist_ok=True)
    ok = True
    for entry in listing:
        if args.model and entry["name"] not in args.model:
            continue
        ok &= check_model(args, entry["name"], entry["steps"])
    print("ALL MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
