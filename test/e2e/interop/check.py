#!/usr/bin/python3
"""Runs the interop models (models.json, written by generate.py) with
quant-opt + quant-run and with ONNX Runtime, and compares the outputs within
one quantization step.

    check.py --models DIR --work DIR --quant-opt CMD --quant-run CMD
             --ort-run CMD [--model NAME ...] [--export]

Per model: `quant-opt NAME.onnx --emit=shared -o W/NAME.so`; per data set N: `quant-run
W/NAME.so --input-dir ... --output-dir W/qopt/NAME`, `ort-run NAME.onnx ...
--output-dir W/ort/NAME`; then, per output, the largest difference in steps
(models.json: "codes" = one integer code, a number = a float step). Prints

    NAME/N output_<j> <dtype> <shape>: max |d| = S steps (A)  ok|FAIL

and exits 1 when any output differs by more than one step, has another
dtype or shape, or a command fails (its stderr is printed).

With --export, per model: `quant-opt NAME.onnx --emit=onnx`, the export
imported again must print the same IR as the original (`NAME export:
re-imported IR same`), and ONNX Runtime's outputs for the export must match
its outputs for the original within one step (`NAME/N export output_<j>
...`).
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
    q = shlex.quote
    if args.export:
        return check_export(args, name, model, sets)
    so = os.path.join(args.work, name + ".so")
    if not _run(f"{args.quant_opt} {q(model)} --emit=shared -o {q(so)}"):
        return False
    ok = True
    for n, steps in enumerate(sets):
        data = os.path.join(args.models, name, f"test_data_set_{n}")
        got = os.path.join(args.work, "qopt", name, str(n))
        want = os.path.join(args.work, "ort", name, str(n))
        if not _run(f"{args.quant_run} {q(so)} --input-dir {q(data)} "
                    f"--output-dir {q(got)}"):
            return False
        if not _run(f"{args.ort_run} {q(model)} --input-dir {q(data)} "
                    f"--output-dir {q(want)}"):
            return False
        ok &= compare(f"{name}/{n}", got, want, steps)
    return ok


def check_export(args, name, model, sets):
    """--emit=onnx: the export imports back to the same IR, and ONNX Runtime
    gives the same outputs for it as for the original."""
    q = shlex.quote
    exported = os.path.join(args.work, "export", name + ".onnx")
    os.makedirs(os.path.dirname(exported), exist_ok=True)
    if not _run(f"{args.quant_opt} {q(model)} --emit=onnx -o {q(exported)}"):
        return False
    irs = []
    for path in (model, exported):
        p = subprocess.run(f"{args.quant_opt} {q(path)}", shell=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode != 0:
            print(f"command failed: quant-opt {path}\n{p.stderr}")
            return False
        irs.append(p.stdout)
    same = irs[0] == irs[1]
    print(f"{name} export: re-imported IR {'same' if same else 'differs'}")
    ok = same
    for n, steps in enumerate(sets):
        data = os.path.join(args.models, name, f"test_data_set_{n}")
        got = os.path.join(args.work, "ort-export", name, str(n))
        want = os.path.join(args.work, "ort", name, str(n))
        for m, out in ((exported, got), (model, want)):
            if not _run(f"{args.ort_run} {q(m)} --input-dir {q(data)} "
                        f"--output-dir {q(out)}"):
                return False
        ok &= compare(f"{name}/{n} export", got, want, steps)
    return ok


def compare(name, got, want, steps):
    ok = True
    for j, step in enumerate(steps):
        out = f"output_{j}.pb"
        if not os.path.exists(os.path.join(got, out)):
            print(f"{name} {out}: missing  FAIL")
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
    p.add_argument("--export", action="store_true")
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
