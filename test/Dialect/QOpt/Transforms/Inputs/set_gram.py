#!/usr/bin/env python3
"""Overwrites the XᵀX of one tensor in a calibration table (JSON + .bin
sidecar) and rewrites the sidecar checksum, e.g. with a matrix that is not
positive semi-definite (no real data gives one) to test a pass's error.

  set_gram.py TABLE TENSOR --indefinite   1 on the diagonal, 1000 elsewhere
"""
import argparse
import json
import re

import numpy as np


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    p = argparse.ArgumentParser()
    p.add_argument("table")
    p.add_argument("tensor")
    p.add_argument("--indefinite", action="store_true", required=True)
    a = p.parse_args()
    text = open(a.table).read()
    table = json.loads(text)
    entry = next(t for t in table["tensors"] if t["name"] == a.tensor)
    xtx = entry["xtx"]
    k = xtx["k"]
    gram = np.full((k, k), 1000.0)
    np.fill_diagonal(gram, 1.0)
    sidecar = bytearray(open(a.table + ".bin", "rb").read())
    offset = xtx["data"]["offset"]
    sidecar[offset:offset + 8 * k * k] = gram.astype("<f8").tobytes()
    open(a.table + ".bin", "wb").write(sidecar)
    text = re.sub(r'"sidecar_fnv1a64": "[0-9a-f]+"',
                  '"sidecar_fnv1a64": "%016x"' % fnv1a64(sidecar), text)
    open(a.table, "w").write(text)


if __name__ == "__main__":
    main()
