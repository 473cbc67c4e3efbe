#!/usr/bin/env python3
"""Writes a calibration / evaluation dataset: test_data_set_<i>/input_<k>.pb.

  --random 1x8x16      float32 normal samples of that shape (--outlier-channels
                       0,5 --outlier-scale 50 multiply those last-dim channels)
  --tokens FILE        int64 [1, seq] windows of FILE's bytes starting at
                       --offset, stepping by --stride (token ids 0..255)
  --nan                put a NaN into the first sample (bad-input tests)
"""
import argparse
import os

import numpy as np
from onnx import numpy_helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=8)
    p.add_argument("--random")
    p.add_argument("--outlier-channels", default="")
    p.add_argument("--outlier-scale", type=float, default=50.0)
    p.add_argument("--tokens")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--seq", type=int, default=32)
    p.add_argument("--stride", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nan", action="store_true")
    p.add_argument("--npy", action="store_true",
                   help="write input_<k>.npy instead of TensorProto .pb")
    p.add_argument("--inputs", type=int, default=1,
                   help="--random: inputs per sample (input_<k>.npy)")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    data = open(a.tokens, "rb").read() if a.tokens else None
    stride = a.stride or a.seq
    for i in range(a.count):
        xs = []
        if a.random:
            shape = [int(d) for d in a.random.split("x")]
            for _ in range(a.inputs):
                x = rng.standard_normal(shape).astype(np.float32)
                for c in filter(None, a.outlier_channels.split(",")):
                    x[..., int(c)] *= a.outlier_scale
                xs.append(x)
        else:
            start = a.offset + i * stride
            window = data[start:start + a.seq]
            if len(window) < a.seq:
                raise SystemExit("make_dataset: %s has no %d bytes at %d"
                                 % (a.tokens, a.seq, start))
            xs.append(np.frombuffer(window, np.uint8).astype(np.int64)[None])
        if a.nan and i == 0:
            xs[0].reshape(-1)[1] = np.nan
        d = os.path.join(a.out, "test_data_set_%d" % i)
        os.makedirs(d, exist_ok=True)
        for k, x in enumerate(xs):
            if a.npy:
                np.save(os.path.join(d, "input_%d.npy" % k), x)
            else:
                with open(os.path.join(d, "input_%d.pb" % k), "wb") as f:
                    f.write(numpy_helper.from_array(x).SerializeToString())


if __name__ == "__main__":
    main()
