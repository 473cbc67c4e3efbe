"""Run the quant-opt tools from Python: compile, run, evaluate.

Pure Python over the executables (build/bin/quant-opt, build/bin/quant-run,
scripts/ort-run.sh); tensors go through NumPy and ONNX TensorProto files.
Every failure raises ToolError with the tool's own message.

    from quant_opt import tools
    tools.list_presets()                       # ['w8a8', ...] or []
    tools.compile_model("m.onnx", "m.so", preset="w8a16-rtn")
    tools.run_model("m.so", {"input_ids": ids})  # -> [logits, ...]
    tools.perplexity("m.so", "heldout.txt", context=256, stride=128)
"""

import json
import os
import re
import subprocess
import tempfile

import numpy as np

from . import metrics

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


class ToolError(RuntimeError):
    """A tool exited non-zero; the message holds its command and stderr."""


def build_dir():
    """$QOPT_BUILD_DIR, else the repository's build/."""
    return os.environ.get("QOPT_BUILD_DIR") or os.path.join(ROOT, "build")


def tool(name):
    """Path of build/bin/NAME; ToolError when it has not been built."""
    path = os.path.join(build_dir(), "bin", name)
    if not os.access(path, os.X_OK):
        raise ToolError(f"{path}: not built (run scripts/build.sh or set "
                        "QOPT_BUILD_DIR)")
    return path


def _run(args, env=None):
    result = subprocess.run([str(a) for a in args], capture_output=True,
                            text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise ToolError(f"{' '.join(str(a) for a in args)}: exit "
                        f"{result.returncode}: {detail}")
    return result


_PRESET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def list_presets():
    """The quantization presets of this quant-opt (`quant-opt
    --list-presets`, one name per line). An older quant-opt without the
    flag, or one that prints nothing, has none: returns []."""
    result = subprocess.run([tool("quant-opt"), "--list-presets"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return []
    return [line.strip() for line in result.stdout.splitlines()
            if _PRESET_NAME.match(line.strip())]


def compile_model(model, out, preset=None, calibration_data=None,
                  extra_args=()):
    """quant-opt MODEL [--quantize=PRESET [--calibration-data DIR]]
    --emit=shared -o OUT. Returns OUT."""
    args = [tool("quant-opt"), model]
    if preset and preset != "fp32":
        args.append(f"--quantize={preset}")
        if calibration_data:
            args += ["--calibration-data", calibration_data]
    args += list(extra_args) + ["--emit=shared", "-o", out]
    _run(args)
    return out


def _quant_run_metrics(args):
    with tempfile.TemporaryDirectory(prefix="quant_opt.") as tmp:
        path = os.path.join(tmp, "metrics.json")
        result = _run([tool("quant-run")] + list(args) + ["--metrics", path])
        with open(path) as f:
            values = json.load(f)
    values["stdout"] = result.stdout
    return values


def perplexity(model, text, context=None, stride=None, max_context=None,
               max_tokens=None, compare_to=None):
    """quant-run MODEL --perplexity TEXT ...; returns its metrics as a dict
    (perplexity, bits_per_token, prefill_tokens_per_second, and with
    compare_to: kld_mean, kld_p99, kld_max, top1_agreement, ...)."""
    args = [model, "--perplexity", text]
    for flag, value in (("--context", context), ("--stride", stride),
                        ("--max-context", max_context),
                        ("--max-tokens", max_tokens),
                        ("--compare-to", compare_to)):
        if value is not None:
            args += [flag, value]
    return _quant_run_metrics(args)


def generate(decode_model, prompt, tokens, prompt_tokens=None,
             max_context=None):
    """Greedy decoding with a KV-cache decode model; returns a dict with
    text, ttft_seconds, decode_tokens_per_second, peak_rss_bytes."""
    args = [decode_model, "--generate", tokens, "--prompt", prompt]
    if prompt_tokens is not None:
        args += ["--prompt-tokens", prompt_tokens]
    if max_context is not None:
        args += ["--max-context", max_context]
    values = _quant_run_metrics(args)
    # quant-run writes one code point per byte; decode the bytes as UTF-8.
    if all(ord(c) < 256 for c in values["text"]):
        values["text"] = values["text"].encode("latin-1").decode(
            "utf-8", "replace")
    return values


def accuracy(model, dataset):
    """Top-1 accuracy on a labelled test_data_set layout; the dict has
    accuracy, correct, count and predictions (a NumPy array)."""
    with tempfile.TemporaryDirectory(prefix="quant_opt.") as tmp:
        npy = os.path.join(tmp, "predictions.npy")
        values = _quant_run_metrics([model, "--accuracy", dataset,
                                     "--predictions", npy])
        values["predictions"] = np.load(npy)
    return values


def save_pb(array, path, name=None):
    """Writes a NumPy array as an ONNX TensorProto file."""
    from onnx import numpy_helper
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array),
                                        name).SerializeToString())


def load_pb(path):
    """Reads an ONNX TensorProto file into a NumPy array."""
    import onnx
    from onnx import numpy_helper
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def _write_inputs(directory, inputs):
    os.makedirs(directory, exist_ok=True)
    for i, (name, array) in enumerate(inputs.items()):
        save_pb(array, os.path.join(directory, f"input_{i}.pb"), name)


def _read_outputs(directory):
    outputs, i = [], 0
    while os.path.exists(os.path.join(directory, f"output_{i}.pb")):
        outputs.append(load_pb(os.path.join(directory, f"output_{i}.pb")))
        i += 1
    return outputs


def run_model(model, inputs):
    """Runs a compiled model (or .onnx / .mlir, compiled on the fly) with
    quant-run on {input name: array}; returns the outputs in order."""
    with tempfile.TemporaryDirectory(prefix="quant_opt.") as tmp:
        _write_inputs(os.path.join(tmp, "in"), inputs)
        _run([tool("quant-run"), model, "--input-dir",
              os.path.join(tmp, "in"), "--output-dir",
              os.path.join(tmp, "out")])
        return _read_outputs(os.path.join(tmp, "out"))


def ort_available():
    return os.path.isdir(os.path.join(ROOT, ".deps", "ort", "node_modules",
                                      "onnxruntime-node"))


def ort_run(model, inputs):
    """Runs an .onnx model with ONNX Runtime (scripts/ort-run.sh) on
    {input name: array}; returns the outputs in order."""
    with tempfile.TemporaryDirectory(prefix="quant_opt.") as tmp:
        _write_inputs(os.path.join(tmp, "in"), inputs)
        _run(["bash", os.path.join(ROOT, "scripts", "ort-run.sh"), model,
              "--input-dir", os.path.join(tmp, "in"), "--output-dir",
              os.path.join(tmp, "out")])
        return _read_outputs(os.path.join(tmp, "out"))


def ort_perplexity(model, tokens, context, stride, batch=32,
                   input_name="input_ids"):
    """Perplexity of an .onnx causal LM under ONNX Runtime, on exactly the
    windows quant-run uses (metrics.plan_windows); windows of equal length
    run as one batch of up to `batch`. Returns a dict like quant-run's
    (perplexity, bits_per_token, scored_tokens, windows)."""
    tokens = np.asarray(tokens, dtype=np.int64)
    windows = metrics.plan_windows(len(tokens), context, stride)
    total, count = 0.0, 0
    groups = {}
    for window in windows:
        groups.setdefault(window[1] - window[0], []).append(window)
    for length, group in groups.items():
        for start in range(0, len(group), batch):
            chunk = group[start:start + batch]
            ids = np.stack([tokens[b:e] for b, e, _ in chunk])
            logits = ort_run(model, {input_name: ids})[0]
            part, n = metrics.score_windows(tokens, chunk, list(logits))
            total += part
            count += n
    ppl, bits = metrics.perplexity_from_nll(total, count)
    return {"perplexity": ppl, "bits_per_token": bits, "mean_nll":
            total / count, "scored_tokens": count, "windows": len(windows)}


def ort_accuracy(model, dataset):
    """Top-1 accuracy of an .onnx classifier under ONNX Runtime on a
    labelled test_data_set layout (DIR/labels.pb, DIR/test_data_set_<k>)."""
    labels = load_pb(os.path.join(dataset, "labels.pb")).reshape(-1)
    logits, k = [], 0
    while os.path.isdir(os.path.join(dataset, f"test_data_set_{k}")):
        x = load_pb(os.path.join(dataset, f"test_data_set_{k}", "input_0.pb"))
        logits.append(ort_run(model, {"input": x})[0])
        k += 1
    acc, predictions = metrics.top1_accuracy(np.concatenate(logits), labels)
    return {"accuracy": acc, "count": len(labels),
            "correct": int((predictions == labels).sum()),
            "predictions": predictions}


def parameter_count(model):
    """Number of elements in the initializers of an .onnx model (weights
    are not loaded)."""
    import onnx
    graph = onnx.load(model, load_external_data=False).graph
    return int(sum(int(np.prod(t.dims)) for t in graph.initializer))
