"""Quality / speed report of every quantization preset on the bundled models.

    python3 -m quant_opt report [--out DIR] [--eval-bytes N] [--presets A,B]

For fp32 and every preset that `quant-opt --list-presets` names (discovered at
run time: a new preset needs no change here), compiles

  * models/byte_lm (full-sequence and KV-cache decode graphs) and measures
    held-out perplexity and bits per byte (sliding windows of 256, stride 128,
    on the first N bytes of heldout.txt, N = 100,000 by default), KL divergence / top-1 agreement
    against fp32 on the same windows, prefill tokens/s, time to first token
    for a 128-byte prompt, decode tokens/s and peak RSS;
  * models/digits_cnn and measures top-1 accuracy on its 360 held-out images
    and the agreement of its predictions with fp32;

checks fp32 against ONNX Runtime on the same windows / images, and writes
DIR/report.md (the tables, also printed) and DIR/report.png (quality vs bits
per weight, speed per scheme).

Calibration data (for presets that use it) never overlaps the evaluation
data: byte_lm gets 32 windows of 256 bytes cut from heldout.txt starting at
byte 300,000 (the evaluation reads bytes [0, N), N <= 300,000); digits_cnn gets
the first 256 images of its training split (scikit-learn's load_digits, split
as python/training/digits_cnn.py does), or, without scikit-learn, no
calibration data.
"""

import argparse
import os
import sys
import time

import numpy as np

from . import tools

LM_DIR = os.path.join(tools.ROOT, "models", "byte_lm")
DIGITS_DIR = os.path.join(tools.ROOT, "models", "digits_cnn")
CONTEXT, STRIDE = 256, 128
CALIBRATION_OFFSET, CALIBRATION_WINDOWS = 300_000, 32
PROMPT_BYTES, GENERATE_TOKENS = 128, 64


def _log(message):
    print(message, file=sys.stderr, flush=True)


def lm_calibration(directory, heldout):
    """Calibration sets for byte_lm (full-sequence graph) and its decode graph
    (the same windows as one prompt step on an empty cache)."""
    import onnx
    data = open(heldout, "rb").read()
    full, decode = (os.path.join(directory, n) for n in ("full", "decode"))
    graph = onnx.load(os.path.join(LM_DIR, "byte_lm_decode.onnx"),
                      load_external_data=False).graph
    for k in range(CALIBRATION_WINDOWS):
        start = CALIBRATION_OFFSET + k * CONTEXT
        ids = np.frombuffer(data[start:start + CONTEXT], np.uint8)
        ids = ids.astype(np.int64)[None]
        for root in (full, decode):
            os.makedirs(os.path.join(root, f"test_data_set_{k}"),
                        exist_ok=True)
        tools.save_pb(ids, os.path.join(full, f"test_data_set_{k}",
                                        "input_0.pb"), "input_ids")
        for i, x in enumerate(graph.input):
            if x.name == "input_ids":
                array = ids
            else:
                dims = [d.dim_value for d in x.type.tensor_type.shape.dim]
                array = np.zeros((1, dims[1], 0, dims[3]), np.float32)
            tools.save_pb(array, os.path.join(
                decode, f"test_data_set_{k}", f"input_{i}.pb"), x.name)
    return full, decode


DIGITS_CALIBRATION = os.path.join(DIGITS_DIR, "calibration")


def digits_calibration(directory=None):
    """The calibration set of digits_cnn: the first 256 images of its
    training split (never the held-out images), committed in
    models/digits_cnn/calibration. With `directory`, rebuilds it there from
    scikit-learn's copy of the data (as the training script splits it);
    returns None when scikit-learn is missing."""
    if directory is None:
        return DIGITS_CALIBRATION
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        return None
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    xtr, _, _, _ = train_test_split(x, y, test_size=0.2, random_state=0,
                                    stratify=y)
    os.makedirs(os.path.join(directory, "test_data_set_0"), exist_ok=True)
    tools.save_pb(xtr[:256], os.path.join(directory, "test_data_set_0",
                                          "input_0.pb"), "image")
    return directory


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[-1][:200] if text else "failed"


def evaluate_lm(scheme, out, eval_text, prompt, calibration, fp32_so,
                params):
    row = {"scheme": scheme}
    so = os.path.join(out, f"byte_lm.{scheme}.so")
    decode_so = os.path.join(out, f"byte_lm_decode.{scheme}.so")
    start = time.time()
    tools.compile_model(os.path.join(LM_DIR, "byte_lm.onnx"), so, scheme,
                        calibration and calibration[0])
    tools.compile_model(os.path.join(LM_DIR, "byte_lm_decode.onnx"),
                        decode_so, scheme, calibration and calibration[1])
    row["compile_seconds"] = time.time() - start
    row["model_bytes"] = os.path.getsize(so)
    row["bits_per_weight"] = 8.0 * row["model_bytes"] / params
    ppl = tools.perplexity(so, eval_text, context=CONTEXT, stride=STRIDE,
                           max_context=CONTEXT,
                           compare_to=None if scheme == "fp32" else fp32_so)
    row.update({k: ppl[k] for k in (
        "perplexity", "bits_per_token", "prefill_tokens_per_second",
        "scored_tokens", "windows")})
    for key in ("kld_mean", "kld_p99", "kld_max", "top1_agreement"):
        row[key] = ppl.get(key, 0.0)
    gen = tools.generate(decode_so, prompt, GENERATE_TOKENS,
                         prompt_tokens=PROMPT_BYTES, max_context=CONTEXT)
    row.update({k: gen[k] for k in ("ttft_seconds",
                                     "decode_tokens_per_second", "text")})
    row["peak_rss_bytes"] = gen["peak_rss_bytes"]
    return row, so


def evaluate_digits(scheme, out, calibration, params, fp32_predictions):
    row = {"scheme": scheme}
    so = os.path.join(out, f"digits_cnn.{scheme}.so")
    tools.compile_model(os.path.join(DIGITS_DIR, "digits_cnn.onnx"), so,
                        scheme, calibration)
    row["model_bytes"] = os.path.getsize(so)
    row["bits_per_weight"] = 8.0 * row["model_bytes"] / params
    acc = tools.accuracy(so, os.path.join(DIGITS_DIR, "heldout"))
    row.update({k: acc[k] for k in ("accuracy", "correct", "count",
                                    "run_seconds", "peak_rss_bytes")})
    row["predictions"] = acc["predictions"]
    if fp32_predictions is not None:
        row["agreement"] = float(
            (acc["predictions"] == fp32_predictions).mean())
    else:
        row["agreement"] = 1.0
    return row


def lm_table(rows, failed):
    fp32 = rows[0]["perplexity"]
    lines = [
        "| scheme | bits/weight | model bytes | perplexity | bits/byte | "
        "Δ ppl vs fp32 | KLD vs fp32 (mean / p99 / max) | top-1 agree | "
        "prefill tok/s | TTFT (128 B) | decode tok/s | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        fp = r["scheme"] == "fp32"
        lines.append(
            f"| {r['scheme']} | {r['bits_per_weight']:.2f} | "
            f"{r['model_bytes'] / 1e6:.2f} MB | {r['perplexity']:.4f} | "
            f"{r['bits_per_token']:.4f} | "
            + ("— | — | — | " if fp else
               f"{r['perplexity'] - fp32:+.4f} "
               f"({100 * (r['perplexity'] / fp32 - 1):+.2f} %) | "
               f"{r['kld_mean']:.5f} / {r['kld_p99']:.4f} / "
               f"{r['kld_max']:.4f} | {100 * r['top1_agreement']:.2f} % | ")
            + f"{r['prefill_tokens_per_second']:.0f} | "
            f"{1e3 * r['ttft_seconds']:.1f} ms | "
            f"{r['decode_tokens_per_second']:.1f} | "
            f"{r['peak_rss_bytes'] / 2**20:.0f} MiB |")
    for scheme, error in failed:
        lines.append(f"| {scheme} | failed: {error} |" + " |" * 10)
    return "\n".join(lines)


# The weight-only methods of issue 6 side by side: (preset, method, grid).
METHOD_ROWS = [
    ("w4a16-rtn", "RTN", "4-bit, group 128"),
    ("w4a16-gptq", "GPTQ", "4-bit, group 128"),
    ("w4a16-awq", "AWQ", "4-bit, group 128"),
    ("w3a16-rtn", "RTN", "3-bit, group 128"),
    ("w3a16-gptq", "GPTQ", "3-bit, group 128"),
    ("w3a16-awq", "AWQ", "3-bit, group 128"),
    ("w4a16-rtn-b64", "RTN absmax (int4)", "4-bit, block 64"),
    ("nf4", "NF4", "4-bit, block 64"),
    ("nf4-dq", "NF4 + double quant", "4-bit, block 64"),
    ("llm-int8", "LLM.int8()", "8-bit + float outliers"),
]

# (description, check(ppl by scheme, fp32 ppl) -> (met, detail) or None when
# a scheme it needs is missing).
def _ratio_target(method, rtn, limit):
    def check(ppl, fp32):
        if method not in ppl or rtn not in ppl:
            return None
        d, r = ppl[method] - fp32, ppl[rtn] - fp32
        ratio = d / r if r > 0 else float("inf")
        return (r > 0 and d <= limit * r,
                f"Δ {d:+.4f} vs {r:+.4f} = {ratio:.2f}× (limit {limit}×)")
    return check


def _beats(method, baseline):
    def check(ppl, fp32):
        if method not in ppl or baseline not in ppl:
            return None
        return (ppl[method] < ppl[baseline],
                f"{ppl[method]:.4f} vs {ppl[baseline]:.4f}")
    return check


def _within(method, percent):
    def check(ppl, fp32):
        if method not in ppl:
            return None
        change = 100 * (ppl[method] / fp32 - 1)
        return (abs(change) <= percent,
                f"{change:+.2f} % (limit ±{percent} %)")
    return check


METHOD_TARGETS = [
    ("GPTQ's perplexity increase at w3g128 ≤ 0.7× RTN's",
     _ratio_target("w3a16-gptq", "w3a16-rtn", 0.7)),
    ("AWQ's perplexity increase at w3g128 ≤ 0.85× RTN's",
     _ratio_target("w3a16-awq", "w3a16-rtn", 0.85)),
    ("GPTQ beats RTN at w4g128", _beats("w4a16-gptq", "w4a16-rtn")),
    ("AWQ beats RTN at w4g128", _beats("w4a16-awq", "w4a16-rtn")),
    ("NF4 beats int4 absmax RTN at block 64", _beats("nf4", "w4a16-rtn-b64")),
    ("LLM.int8() within 1 % of fp32", _within("llm-int8", 1.0)),
]


def methods_table(rows):
    """The issue-6 comparison on byte_lm: perplexity and KLD vs fp32 of the
    weight-only methods at the same grids, each increase as a multiple of
    RTN's at the same bits, and the quality targets. Empty when none of the
    methods ran."""
    by_scheme = {r["scheme"]: r for r in rows}
    present = [m for m in METHOD_ROWS if m[0] in by_scheme]
    if not present or "fp32" not in by_scheme:
        return ""
    fp32 = by_scheme["fp32"]["perplexity"]
    lines = ["| scheme | method | grid | perplexity | Δ ppl vs fp32 | "
             "Δ / RTN's Δ | KLD vs fp32 (mean / p99) | top-1 agree |",
             "|---|---|---|---|---|---|---|---|",
             f"| fp32 | — | — | {fp32:.4f} | — | — | — | — |"]
    for scheme, method, grid in present:
        r = by_scheme[scheme]
        delta = r["perplexity"] - fp32
        rtn = scheme.split("-")[0] + "-rtn"
        relative = "—"
        if (scheme != rtn and rtn in by_scheme and method != "LLM.int8()"
                and not scheme.startswith("nf4")):
            base = by_scheme[rtn]["perplexity"] - fp32
            relative = f"{delta / base:.2f}×" if base > 0 else "—"
        if scheme.startswith("nf4") and "w4a16-rtn-b64" in by_scheme:
            base = by_scheme["w4a16-rtn-b64"]["perplexity"] - fp32
            relative = f"{delta / base:.2f}× (vs b64)" if base > 0 else "—"
        lines.append(
            f"| {scheme} | {method} | {grid} | {r['perplexity']:.4f} | "
            f"{delta:+.4f} ({100 * delta / fp32:+.2f} %) | {relative} | "
            f"{r['kld_mean']:.5f} / {r['kld_p99']:.4f} | "
            f"{100 * r['top1_agreement']:.2f} % |")
    ppl = {s: r["perplexity"] for s, r in by_scheme.items()}
    lines.append("")
    for text, check in METHOD_TARGETS:
        result = check(ppl, fp32)
        if result is None:
            continue
        met, detail = result
        lines.append(f"- {'met' if met else 'NOT MET'}: {text} ({detail})")
    return "\n".join(lines)


def digits_table(rows, failed):
    lines = ["| scheme | bits/weight | model bytes | top-1 accuracy | "
             "Δ vs fp32 | predictions = fp32 | time (360 images) |",
             "|---|---|---|---|---|---|---|"]
    fp32 = rows[0]["accuracy"]
    for r in rows:
        fp = r["scheme"] == "fp32"
        lines.append(
            f"| {r['scheme']} | {r['bits_per_weight']:.2f} | "
            f"{r['model_bytes'] / 1e3:.1f} kB | "
            f"{100 * r['accuracy']:.2f} % ({r['correct']}/{r['count']}) | "
            + ("— | — | " if fp else
               f"{100 * (r['accuracy'] - fp32):+.2f} pt | "
               f"{100 * r['agreement']:.2f} % | ")
            + f"{1e3 * r['run_seconds']:.2f} ms |")
    for scheme, error in failed:
        lines.append(f"| {scheme} | failed: {error} |" + " |" * 5)
    return "\n".join(lines)


def plot(lm_rows, digit_rows, path):
    """Quality vs bits per weight (both models) and speed per scheme."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (scripts/setup.sh installs " \
               "python3-matplotlib): no plot"
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    ax = axes[0]
    for r in lm_rows:
        ax.scatter(r["bits_per_weight"], r["perplexity"])
        ax.annotate(r["scheme"], (r["bits_per_weight"], r["perplexity"]),
                    textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("bits per weight (library bytes × 8 / weights)")
    ax.set_ylabel("held-out perplexity per byte")
    ax.set_title("byte_lm: quality vs size")
    ax = axes[1]
    for r in digit_rows:
        ax.scatter(r["bits_per_weight"], 100 * r["accuracy"])
        ax.annotate(r["scheme"], (r["bits_per_weight"], 100 * r["accuracy"]),
                    textcoords="offset points", xytext=(4, 4))
    ax.set_xlabel("bits per weight (library bytes × 8 / weights)")
    ax.set_ylabel("top-1 accuracy (%)")
    ax.set_title("digits_cnn: quality vs size")
    ax = axes[2]
    names = [r["scheme"] for r in lm_rows]
    x = np.arange(len(names))
    ax.bar(x - 0.2, [r["prefill_tokens_per_second"] for r in lm_rows], 0.4,
           label="prefill tokens/s")
    ax.bar(x + 0.2, [r["decode_tokens_per_second"] for r in lm_rows], 0.4,
           label="decode tokens/s")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=20)
    ax.set_title("byte_lm: speed per scheme")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = "load average %.1f at the start" % os.getloadavg()[0]
    except OSError:
        load = "load average unknown"
    return f"{model}, {os.cpu_count()} cores, {load}"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m quant_opt report",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(tools.build_dir(),
                                                  "report"),
                    help="output directory (default: BUILD/report)")
    ap.add_argument("--eval-bytes", type=int, default=100_000,
                    help="held-out bytes to score (default 100000; the "
                         "model card's figure uses 200000)")
    ap.add_argument("--presets", default=None,
                    help="comma-separated presets (default: every preset "
                         "quant-opt --list-presets names)")
    ap.add_argument("--no-ort", action="store_true",
                    help="skip the ONNX Runtime fp32 check")
    args = ap.parse_args(argv)
    if not 2 <= args.eval_bytes <= CALIBRATION_OFFSET:
        ap.error(f"--eval-bytes must be in [2, {CALIBRATION_OFFSET}] (the "
                 "calibration slice starts there)")
    started = time.time()
    where = machine()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    available = tools.list_presets()
    if args.presets is not None:
        presets = [p for p in args.presets.split(",") if p and p != "fp32"]
        unknown = [p for p in presets if p not in available]
        if unknown:
            raise tools.ToolError(
                f"unknown preset(s) {', '.join(unknown)}; quant-opt "
                f"--list-presets names: {', '.join(available) or 'none'}")
    else:
        presets = available
    note = (f"presets: {', '.join(presets)}" if presets else
            "quant-opt --list-presets names no quantization presets: only "
            "fp32 is available")
    _log(f"report: {note}")

    heldout = os.path.join(LM_DIR, "heldout.txt")
    data = open(heldout, "rb").read()
    eval_text = os.path.join(out, "heldout-eval.txt")
    with open(eval_text, "wb") as f:
        f.write(data[:args.eval_bytes])
    prompt = os.path.join(out, "prompt.txt")
    with open(prompt, "wb") as f:
        f.write(data[:PROMPT_BYTES])
    lm_cal = lm_calibration(os.path.join(out, "calibration", "byte_lm"),
                            heldout) if presets else None
    digits_cal = digits_calibration() if presets else None

    lm_params = tools.parameter_count(os.path.join(LM_DIR, "byte_lm.onnx"))
    digit_params = tools.parameter_count(
        os.path.join(DIGITS_DIR, "digits_cnn.onnx"))
    lm_rows, lm_failed, digit_rows, digit_failed = [], [], [], []
    fp32_so, fp32_predictions = None, None
    for scheme in ["fp32"] + presets:
        _log(f"report: byte_lm {scheme}")
        try:
            row, so = evaluate_lm(scheme, out, eval_text, prompt, lm_cal,
                                  fp32_so, lm_params)
            lm_rows.append(row)
            fp32_so = fp32_so or so
        except tools.ToolError as error:
            if scheme == "fp32":
                raise
            lm_failed.append((scheme, _first_line(error)))
        _log(f"report: digits_cnn {scheme}")
        try:
            row = evaluate_digits(scheme, out, digits_cal, digit_params,
                                  fp32_predictions)
            digit_rows.append(row)
            if scheme == "fp32":
                fp32_predictions = row["predictions"]
        except tools.ToolError as error:
            if scheme == "fp32":
                raise
            digit_failed.append((scheme, _first_line(error)))

    ort_lines = []
    if not args.no_ort and tools.ort_available():
        _log("report: ONNX Runtime fp32 on the same windows and images")
        tokens = np.frombuffer(data[:args.eval_bytes], np.uint8)
        ort = tools.ort_perplexity(os.path.join(LM_DIR, "byte_lm.onnx"),
                                   tokens, CONTEXT, STRIDE)
        ours = lm_rows[0]
        ort_lines.append(
            f"- byte_lm fp32, same {ort['windows']} windows: quant-opt "
            f"perplexity {ours['perplexity']:.6g} ({ours['bits_per_token']:.6g}"
            f" bits/byte), ONNX Runtime {ort['perplexity']:.6g} "
            f"({ort['bits_per_token']:.6g} bits/byte): "
            + ("agree to 4 significant digits" if
               f"{ours['perplexity']:.4g}" == f"{ort['perplexity']:.4g}"
               else "DIFFER"))
        acc = tools.ort_accuracy(os.path.join(DIGITS_DIR, "digits_cnn.onnx"),
                                 os.path.join(DIGITS_DIR, "heldout"))
        same = bool(np.array_equal(acc["predictions"], fp32_predictions))
        ort_lines.append(
            f"- digits_cnn fp32: quant-opt {100 * digit_rows[0]['accuracy']:.2f}"
            f" %, ONNX Runtime {100 * acc['accuracy']:.2f} %; predictions "
            + ("identical" if same else "DIFFER") + f" ({acc['count']} images)")
    elif not args.no_ort:
        ort_lines.append("- ONNX Runtime check skipped: .deps/ort missing "
                         "(scripts/setup.sh installs it)")

    plot_path = os.path.join(out, "report.png")
    plot_note = plot(lm_rows, digit_rows, plot_path)
    elapsed = time.time() - started
    text = "\n".join([
        f"Measured on {where}; {note}.",
        "",
        f"byte_lm: held-out perplexity per byte on the first "
        f"{args.eval_bytes:,} bytes of models/byte_lm/heldout.txt "
        f"({lm_rows[0]['scored_tokens']:,} bytes scored, windows of "
        f"{CONTEXT}, stride {STRIDE}); KLD in nats per byte against fp32 on "
        f"the same windows; prefill = tokens through the full-sequence model "
        f"per second during the perplexity run; TTFT and decode with the "
        f"KV-cache graph ({PROMPT_BYTES}-byte prompt, {GENERATE_TOKENS} "
        f"tokens); peak RSS of the decode run; bits/weight = library bytes "
        f"× 8 / {lm_params:,} initializer elements.",
        "",
        lm_table(lm_rows, lm_failed),
        "",
        *([f"byte_lm, the weight-only methods at equal grids (same "
           f"windows; Δ / RTN's Δ compares each method's perplexity "
           f"increase with RTN's at the same bits and group):", "",
           methods, ""] if (methods := methods_table(lm_rows)) else []),
        f"digits_cnn: top-1 accuracy on the 360 held-out images "
        f"(models/digits_cnn/heldout); bits/weight = library bytes × 8 / "
        f"{digit_params:,} initializer elements (code included: most of "
        f"this small model's library).",
        "",
        digits_table(digit_rows, digit_failed),
        "",
        "fp32 against ONNX Runtime:",
        "",
        *ort_lines,
        "",
        f"Generated by fp32 after the 128-byte prompt: "
        f"{lm_rows[0]['text']!r}",
        "",
        f"Report written in {elapsed:.0f} s"
        + (f" ({plot_note})." if plot_note else
           f"; plot: {plot_path}."),
    ])
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    return 0
