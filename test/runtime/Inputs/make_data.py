"""Writes the tensors the quant-run lit tests feed the fixture models.

usage: make_data.py DIR

DIR/add/            input_0.pb (a), input_1.pb (b): float [3, 4]
DIR/add-expected/   output_0.pb: a + b
DIR/add-near/       a + b with one element off by 0.01
DIR/add-shape/      output_0.pb of shape [4, 3]
DIR/add-extra/      a + b and an output_1.pb the model does not have
DIR/*.npy           a, b, a as int64, a in Fortran order, x [2, 4] / [2, 5],
                    offset int32 []
DIR/truncated.pb    the first 20 bytes of input_0.pb
"""
import os
import sys

import numpy as np
from onnx import numpy_helper


def save_pb(path, array, name):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())


out = sys.argv[1]
a = np.arange(12, dtype=np.float32).reshape(3, 4)
b = np.full((3, 4), 0.5, dtype=np.float32)
save_pb(f"{out}/add/input_0.pb", a, "a")
save_pb(f"{out}/add/input_1.pb", b, "b")
save_pb(f"{out}/add-expected/output_0.pb", a + b, "sum")
near = a + b
near[1, 2] += 0.01
save_pb(f"{out}/add-near/output_0.pb", near, "sum")
save_pb(f"{out}/add-shape/output_0.pb", (a + b).reshape(4, 3), "sum")
save_pb(f"{out}/add-extra/output_0.pb", a + b, "sum")
save_pb(f"{out}/add-extra/output_1.pb", a + b, "extra")
np.save(f"{out}/a.npy", a)
np.save(f"{out}/b.npy", b)
np.save(f"{out}/a-int64.npy", a.astype(np.int64))
np.save(f"{out}/a-fortran.npy", np.asfortranarray(a.T))
np.save(f"{out}/x.npy", np.array([[1, 5, -3, 2], [-10, -20, 300, 0]],
                                 dtype=np.float32))
np.save(f"{out}/x5.npy", np.zeros((2, 5), dtype=np.float32))
np.save(f"{out}/offset.npy", np.array(1, dtype=np.int32))
with open(f"{out}/add/input_0.pb", "rb") as f:
    head = f.read(20)
with open(f"{out}/truncated.pb", "wb") as f:
    f.write(head)
