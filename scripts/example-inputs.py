#!/usr/bin/python3
"""Writes one input data set (test_data_set layout, input_0.pb) for a bundled
example model: held-out text for the byte LM, seeded random data for the
others. Usage: example-inputs.py MODEL_NAME OUT_DIR"""
import os
import sys

import numpy as np
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    if name == "byte_lm":
        with open(os.path.join(ROOT, "models/byte_lm/heldout.txt"), "rb") as f:
            text = f.read(256)
        array, input_name = np.frombuffer(text, np.uint8).astype(np.int64)[None], "input_ids"
    elif name == "tiny_transformer":
        array, input_name = rng.integers(0, 64, (1, 128)).astype(np.int64), "input_ids"
    elif name in ("tiny_cnn", "digits_cnn"):
        array, input_name = rng.random((32, 1, 8, 8), dtype=np.float32), "image"
    else:
        sys.exit("example-inputs.py: no inputs for model '%s'" % name)
    tensor = numpy_helper.from_array(array, input_name)
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(tensor.SerializeToString())


if __name__ == "__main__":
    main()
