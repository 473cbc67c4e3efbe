#!/usr/bin/python3
"""Reference KL (entropy) threshold for CalibratorsTest.KlMatchesReference.

An independent NumPy transcription of the MXNet / ONNX Runtime reproduction
of TensorRT's entropy calibration (get_optimal_threshold over an |x|
histogram: candidates i in [128, 2048], outliers into the last kept bin,
128 quantized bins, _smooth_distribution with eps = 1e-4, scipy-style
entropy). The histogram is the one the test builds: N(0, 1) |x| mass in
2048 bins over [0, 6) (the tail beyond 6 in the last bin), times 1e7,
rounded. Prints the threshold in sigma.

Run: /usr/bin/python3 unittests/Quant/kl_reference.py
"""
import math
import numpy as np

BINS, RANGE, TOTAL, QBINS = 2048, 6.0, 1e7, 128


def gaussian_abs_histogram(scale=1.0):
    counts = []
    w = RANGE / BINS
    for b in range(BINS):
        lo, hi = b * w / scale, (b + 1) * w / scale
        if b == BINS - 1:
            mass = math.erfc(lo / math.sqrt(2))
        else:
            mass = math.erf(hi / math.sqrt(2)) - math.erf(lo / math.sqrt(2))
        counts.append(float(round(TOTAL * mass)))
    return np.array(counts)


def smooth(p, eps=1e-4):
    is_zeros = (p == 0).astype(np.float64)
    is_nonzeros = (p != 0).astype(np.float64)
    n_zeros = is_zeros.sum()
    n_nonzeros = p.size - n_zeros
    if not n_nonzeros:
        return None
    eps1 = eps * n_zeros / n_nonzeros
    return p + eps * is_zeros + (-eps1) * is_nonzeros


def entropy(p, q):
    p = p / p.sum()
    q = q / q.sum()
    m = p > 0
    if np.any(q[m] <= 0):
        return math.inf
    return float(np.sum(p[m] * np.log(p[m] / q[m])))


def kl_threshold(hist):
    w = RANGE / BINS
    best, best_i = math.inf, BINS
    for i in range(QBINS, BINS + 1):
        sliced = hist[:i]
        p = sliced.copy()
        p[i - 1] += hist[i:].sum()
        nonzero = (p != 0).astype(np.int64)
        merged = i // QBINS
        quantized = np.zeros(QBINS)
        for j in range(QBINS):
            quantized[j] = sliced[j * merged:(j + 1) * merged].sum()
        quantized[-1] += sliced[QBINS * merged:].sum()
        q = np.zeros(i)
        for j in range(QBINS):
            start = j * merged
            stop = i if j == QBINS - 1 else start + merged
            norm = nonzero[start:stop].sum()
            if norm != 0:
                q[start:stop] = quantized[j] / norm
        q[p == 0] = 0
        ps, qs = smooth(p), smooth(q)
        d = math.inf if ps is None or qs is None else entropy(ps, qs)
        if d < best:
            best, best_i = d, i
    return best_i * w


if __name__ == "__main__":
    print("%.9g" % kl_threshold(gaussian_abs_histogram()))
