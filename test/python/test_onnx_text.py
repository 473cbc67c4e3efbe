"""Tests for quant_opt.onnx_text (ONNX text syntax -> binary model)."""

import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import pytest

from quant_opt import onnx_text

MODEL = """
<ir_version: 8, opset_import: ["" : 17]>
g (float[N, 4] X) => (float[N, 4] Y)
  <float[4] w = {1, 2, 3, 4}>
{
  Y = Add(X, w)
}
"""

LIT_TEST = "// RUN: something\n// ONNX:\n" + "".join(
    "// " + line + "\n" for line in MODEL.strip().splitlines()) + "// END\n// CHECK: x\n"


def test_extracts_model_from_lit_comments():
    assert onnx_text.extract_model_text(LIT_TEST).strip() == MODEL.strip()


def test_plain_text_is_returned_unchanged():
    assert onnx_text.extract_model_text(MODEL) == MODEL


def test_raw_conversion_keeps_values(tmp_path):
    src = tmp_path / "m.onnxtxt"
    src.write_text(MODEL)
    out = tmp_path / "m.onnx"
    assert onnx_text.main([str(src), "-o", str(out), "--raw"]) == 0
    model = onnx.load(str(out))
    (w,) = model.graph.initializer
    assert w.raw_data and not w.float_data
    np.testing.assert_array_equal(onnx.numpy_helper.to_array(w), [1, 2, 3, 4])


def test_external_data_layout(tmp_path):
    src = tmp_path / "m.onnxtxt"
    src.write_text(MODEL)
    out = tmp_path / "m.onnx"
    assert onnx_text.main([str(src), "-o", str(out), "--external", "w.bin"]) == 0
    model = onnx.load(str(out), load_external_data=False)
    (w,) = model.graph.initializer
    entries = {e.key: e.value for e in w.external_data}
    assert entries == {"location": "w.bin", "offset": "0", "length": "16"}
    data = np.fromfile(tmp_path / "w.bin", dtype=np.float32)[:4]
    np.testing.assert_array_equal(data, [1, 2, 3, 4])


def test_invalid_model_is_rejected(tmp_path):
    src = tmp_path / "bad.onnxtxt"
    src.write_text(MODEL.replace("Add(X, w)", "Add(X, missing)"))
    with pytest.raises(Exception):
        onnx_text.main([str(src), "-o", str(tmp_path / "bad.onnx")])
