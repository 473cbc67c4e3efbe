"""Evaluation metrics in NumPy, the same definitions as the runtime's C API
(runtime/lib/Eval.cpp, docs/evaluation.md).

quant-run computes these numbers for compiled models; this module computes
them from logits that come from elsewhere (ONNX Runtime, a test), so the two
can be compared on the same windows.
"""

import math

import numpy as np


def plan_windows(num_tokens, context, stride):
    """Sliding-window scoring plan: a list of (begin, end, score_begin).

    Window w sees tokens [w*stride, min(w*stride + context, num_tokens)); the
    first window scores every target it can predict (tokens 1 .. end-1), each
    later one only the tokens past the previous window's end; the plan stops
    at the window that reaches the last token. Every token but the first is
    scored once. Raises ValueError on num_tokens < 2, context < 2 or a stride
    outside [1, context - 1] (a window's first token only gives context).
    """
    if num_tokens < 2 or context < 2 or not 1 <= stride < context:
        raise ValueError(
            f"bad window plan: {num_tokens} tokens, context {context}, "
            f"stride {stride}")
    windows, previous_end, begin = [], 0, 0
    while True:
        end = min(begin + context, num_tokens)
        windows.append((begin, end, max(previous_end, begin + 1)))
        previous_end = end
        if end == num_tokens:
            return windows
        begin += stride


def log_softmax(logits):
    """log softmax over the last axis, in float64."""
    x = np.asarray(logits, dtype=np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))


def token_nll(logits, targets):
    """-log softmax(logits)[target] per row (nats); logits [..., vocab]."""
    lp = log_softmax(logits)
    targets = np.asarray(targets, dtype=np.int64)
    return -np.take_along_axis(lp, targets[..., None], axis=-1)[..., 0]


def token_kld(reference, logits):
    """KL(softmax(reference) || softmax(logits)) per row, in nats."""
    lp_ref = log_softmax(reference)
    lp = log_softmax(logits)
    return np.maximum((np.exp(lp_ref) * (lp_ref - lp)).sum(axis=-1), 0.0)


def perplexity_from_nll(nll_sum, count):
    """(perplexity, bits per token) from a summed NLL in nats."""
    mean = nll_sum / count
    return math.exp(mean), mean / math.log(2)


def score_windows(tokens, windows, window_logits):
    """Summed NLL of the scored targets of each window.

    `window_logits[i]` is the [end - begin, vocab] logits of window i.
    Returns (nll_sum, scored_count).
    """
    tokens = np.asarray(tokens, dtype=np.int64)
    total, count = 0.0, 0
    for (begin, end, score_begin), logits in zip(windows, window_logits):
        targets = tokens[score_begin:end]
        rows = logits[score_begin - 1 - begin:end - 1 - begin]
        total += float(token_nll(rows, targets).sum())
        count += len(targets)
    return total, count


def compare_logits(reference_rows, rows):
    """KL / agreement summary of two [n, vocab] logits arrays: a dict with
    kld_mean, kld_median, kld_p99, kld_max, top1_agreement,
    max_abs_logit_diff (NumPy's linear-interpolation percentiles, as the
    runtime)."""
    kld = token_kld(reference_rows, rows)
    return {
        "kld_mean": float(kld.mean()),
        "kld_median": float(np.percentile(kld, 50)),
        "kld_p99": float(np.percentile(kld, 99)),
        "kld_max": float(kld.max()),
        "top1_agreement": float(
            (np.argmax(reference_rows, -1) == np.argmax(rows, -1)).mean()),
        "max_abs_logit_diff": float(
            np.abs(np.asarray(rows, np.float64) - reference_rows).max()),
    }


def top1_accuracy(logits, labels):
    """(accuracy, predictions) of [N, classes] logits against N labels."""
    logits = np.asarray(logits)
    labels = np.asarray(labels).reshape(-1)
    if logits.ndim != 2 or logits.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{labels.shape[0]} labels for logits of shape {logits.shape}")
    predictions = np.argmax(logits, axis=1)
    return float((predictions == labels).mean()), predictions
