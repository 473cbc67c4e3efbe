#!/usr/bin/python3
"""ONNX backend conformance: compiles every backend test model with quant-opt,
runs it with quant-run on each test_data_set_* and compares with the reference
outputs. Prints pass / fail / unsupported counts and fails (exit 1) when a test
of the expected-pass list does not pass.

  test/conformance/run.py [--build DIR] [--jobs N] [--filter REGEX]
                          [--results FILE] [--update-expected] [--cpu NAME]
                          [--ptx ARCH,ARCH | --gpu]

Classes:
  pass         compiled, and every data set matched (rtol 1e-3, atol 1e-5)
  unsupported  the importer or the lowering rejected a feature by name
               (unsupported op / type / attribute), with the message kept
  excluded     listed in exclusions.txt with a reason (not run)
  fail         anything else: wrong numbers, a compile error, a crash, a
               timeout
--ptx sm_80,sm_90 (no GPU needed): compiles every test of expected-pass.txt
with --target=nvptx --emit=cubin for each architecture (ptxas must accept the
PTX); the expected list is expected-ptx.txt.
--gpu (needs an NVIDIA GPU): compiles GPU bundles (--target=nvptx
--emit=shared) and runs them like the CPU models; expected list: the tests of
expected-ptx.txt.
--update-expected adds tests that pass now to expected-pass.txt (it never adds
a failing one and never removes one: a regression must be fixed or excluded
with a reason by hand).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = "/usr/share/libonnx-testdata/data"
SUITES = ["node", "simple", "pytorch-converted", "pytorch-operator"]
EXPECTED = os.path.join(HERE, "expected-pass.txt")
EXPECTED_PTX = os.path.join(HERE, "expected-ptx.txt")
EXCLUSIONS = os.path.join(HERE, "exclusions.txt")

# Messages that mean "a feature quant-opt does not support", not a bug.
UNSUPPORTED = re.compile(
    r"unsupported|not supported|no lowering|opset .* is older|"
    r"cannot hold|has type tensor<\*|needs ranked|is not supported|"
    r"only dense tensors are supported|is not one of", re.I)


def read_list(path):
    """Lines of `path` without comments: {name: rest of line}."""
    entries = {}
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            entries[name] = reason.strip()
    return entries


def first_error(text):
    for line in text.splitlines():
        if "error" in line.lower():
            return line.strip()[:300]
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[-1].strip() if lines else "no output")[:300]


def compile_ptx(name, directory, build, timeout, archs):
    """quant-opt --target=nvptx --emit=cubin for each arch (ptxas checks)."""
    quant_opt = os.path.join(build, "bin", "quant-opt")
    work = tempfile.mkdtemp(prefix="qopt-ptx-")
    try:
        for arch in archs:
            out = os.path.join(work, "model.cubin")
            try:
                p = subprocess.run(
                    [quant_opt, os.path.join(directory, "model.onnx"),
                     "--target=nvptx", "--gpu-arch=" + arch, "--emit=cubin",
                     "--model-name=model", "-o", out],
                    capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return name, "fail", arch + ": compile timeout"
            if p.returncode != 0:
                message = first_error(p.stderr)
                if p.returncode < 0 or "Stack dump" in p.stderr:
                    return name, "fail", arch + ": compiler crash: " + message
                return name, "fail", arch + ": " + message
            if not os.path.getsize(out):
                return name, "fail", arch + ": empty cubin"
        return name, "pass", ""
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_test(name, directory, build, timeout, cpu, gpu=False):
    quant_opt = os.path.join(build, "bin", "quant-opt")
    quant_run = os.path.join(build, "bin", "quant-run")
    work = tempfile.mkdtemp(prefix="qopt-conf-")
    try:
        so = os.path.join(work, "model.so")
        target = ["--target=nvptx"] if gpu else ["--cpu=" + cpu]
        try:
            p = subprocess.run(
                [quant_opt, os.path.join(directory, "model.onnx"),
                 "--emit=shared", "--model-name=model"] + target +
                ["-o", so],
                capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return name, "fail", "compile timeout"
        if p.returncode != 0:
            message = first_error(p.stderr)
            if p.returncode < 0 or "Stack dump" in p.stderr:
                return name, "fail", "compiler crash: " + message
            status = "unsupported" if UNSUPPORTED.search(p.stderr) else "fail"
            return name, status, message
        sets = sorted(d for d in os.listdir(directory)
                      if d.startswith("test_data_set_"))
        if not sets:
            return name, "fail", "no test_data_set_*"
        for ds in sets:
            dsdir = os.path.join(directory, ds)
            try:
                r = subprocess.run(
                    [quant_run, so, "--input-dir", dsdir, "--check", dsdir],
                    capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return name, "fail", ds + ": run timeout"
            if r.returncode != 0:
                if r.returncode < 0:
                    return name, "fail", "%s: crashed (signal %d)" % (
                        ds, -r.returncode)
                fails = [l for l in r.stdout.splitlines() if "FAIL" in l]
                detail = fails[0] if fails else first_error(r.stderr)
                return name, "fail", ds + ": " + " ".join(detail.split())
        return name, "pass", ""
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.environ.get(
        "QOPT_BUILD_DIR", os.path.join(ROOT, "build")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--filter", default="")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--results", default="")
    parser.add_argument("--update-expected", action="store_true")
    parser.add_argument("--cpu", default="host",
                        help="quant-opt --cpu (e.g. x86-64-v3 for the AVX2 "
                             "code path)")
    parser.add_argument("--ptx", default="",
                        help="comma-separated GPU architectures: check that "
                             "the tests of expected-pass.txt compile to PTX "
                             "that ptxas accepts (expected-ptx.txt)")
    parser.add_argument("--gpu", action="store_true",
                        help="compile GPU bundles and run them (needs an "
                             "NVIDIA GPU; expected list: expected-ptx.txt)")
    args = parser.parse_args()

    archs = [a for a in args.ptx.split(",") if a]
    expected_path = EXPECTED_PTX if (archs or args.gpu) else EXPECTED
    expected = read_list(expected_path)
    exclusions = read_list(EXCLUSIONS)
    tests = []
    for suite in SUITES:
        base = os.path.join(DATA, suite)
        if not os.path.isdir(base):
            continue
        for t in sorted(os.listdir(base)):
            name = suite + "/" + t
            if args.filter and not re.search(args.filter, name):
                continue
            if archs and name not in read_list(EXPECTED):
                continue  # PTX: only what the CPU compiles and runs
            if os.path.exists(os.path.join(base, t, "model.onnx")):
                tests.append((name, os.path.join(base, t)))
    if not tests:
        print("conformance: no backend tests found under " + DATA)
        return 1

    start = time.time()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        if archs:
            futures = [pool.submit(compile_ptx, n, d, args.build,
                                   args.timeout, archs)
                       for n, d in tests if n not in exclusions]
        else:
            futures = [pool.submit(run_test, n, d, args.build, args.timeout,
                                   args.cpu, args.gpu)
                       for n, d in tests if n not in exclusions]
        for f in concurrent.futures.as_completed(futures):
            name, status, why = f.result()
            results[name] = (status, why)
    for n, _ in tests:
        if n in exclusions:
            results[n] = ("excluded", exclusions[n])

    counts = {}
    for status, _ in results.values():
        counts[status] = counts.get(status, 0) + 1
    if args.results:
        with open(args.results, "w") as f:
            for n in sorted(results):
                f.write("%s\t%s\t%s\n" % (n, *results[n]))

    regressions = [n for n in sorted(expected)
                   if n in results and results[n][0] != "pass"]
    new_passes = [n for n in sorted(results)
                  if results[n][0] == "pass" and n not in expected]
    if args.update_expected and new_passes:
        with open(expected_path, "a") as f:
            for n in new_passes:
                f.write(n + "\n")
        print("conformance: added %d tests to %s" % (
            len(new_passes), os.path.relpath(expected_path, ROOT)))

    for n in regressions:
        print("REGRESSION %s: %s: %s" % (n, *results[n]))
    if new_passes and not args.update_expected:
        print("conformance: %d tests pass that are not in %s "
              "(run with --update-expected to add them)" % (
                  len(new_passes), os.path.basename(expected_path)))
    mode = ("PTX " + "+".join(archs) + " (ptxas)" if archs else
            "GPU" if args.gpu else "CPU " + args.cpu)
    print("conformance [%s]: %d tests in %.0f s: %d pass, %d fail, %d unsupported, "
          "%d excluded; %d expected to pass, %d regressions" % (
              mode, len(results), time.time() - start, counts.get("pass", 0),
              counts.get("fail", 0), counts.get("unsupported", 0),
              counts.get("excluded", 0), len(expected), len(regressions)))
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
