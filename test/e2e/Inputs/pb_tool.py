"""TensorProto helpers for the ort-run tests, using onnx's own protobuf code
as the independent reader / writer.

  pb_tool.py typed SRC_DIR DST_DIR [--reverse]
      Rewrites SRC_DIR/input_<k>.pb into DST_DIR with the typed fields
      (float_data, int64_data, int32_data, ...) instead of raw_data. With
      --reverse the files are written in reverse order (input_0.pb holds the
      last input), so only their TensorProto names bind them correctly.
  pb_tool.py perturb SRC DST INDEX DELTA
      Copies the tensor SRC to DST with DELTA added to flat element INDEX.
  pb_tool.py compare GOT_DIR WANT_DIR [--rtol R --atol A]
      Compares output_<j>.pb of both directories with numpy: dtype, shape and
      values, exactly, or with --rtol / --atol |got - want| <= atol + rtol *
      |want| (NaN matches NaN). Prints `same: output_<j>.pb <dtype> <shape>`
      per file (`close:` with tolerances), or `differs: ...` and exits 1.
"""

import glob
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _read(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def _files(d, prefix):
    files = glob.glob(os.path.join(d, prefix + "_*.pb"))
    return sorted(files, key=lambda f: int(f.rsplit("_", 1)[1][:-3]))


def typed(src, dst, reverse):
    os.makedirs(dst, exist_ok=True)
    files = _files(src, "input")
    for k, path in enumerate(files):
        t = _read(path)
        a = numpy_helper.to_array(t)
        out = helper.make_tensor(t.name, t.data_type, a.shape,
                                 a.flatten().tolist(), raw=False)
        j = len(files) - 1 - k if reverse else k
        with open(os.path.join(dst, f"input_{j}.pb"), "wb") as f:
            f.write(out.SerializeToString())


def perturb(src, dst, index, delta):
    t = _read(src)
    a = numpy_helper.to_array(t).copy()
    a.flat[index] += delta
    with open(dst, "wb") as f:
        f.write(numpy_helper.from_array(a, t.name).SerializeToString())


def compare(got_dir, want_dir, rtol=None, atol=None):
    got, want = _files(got_dir, "output"), _files(want_dir, "output")
    if len(got) != len(want):
        print(f"differs: {len(got)} outputs, want {len(want)}")
        return 1
    status = 0
    for g, w in zip(got, want):
        a, b = numpy_helper.to_array(_read(g)), numpy_helper.to_array(_read(w))
        name = os.path.basename(g)
        nan = a.dtype.kind == "f"
        if a.dtype != b.dtype or a.shape != b.shape:
            print(f"differs: {name} {a.dtype} {a.shape} vs {b.dtype} {b.shape}")
            status = 1
        elif rtol is None and not np.array_equal(a, b, equal_nan=nan):
            print(f"differs: {name}: values")
            status = 1
        elif rtol is not None and not np.allclose(a, b, rtol=rtol, atol=atol,
                                                  equal_nan=nan):
            err = np.abs(a.astype(np.float64) - b.astype(np.float64))
            print(f"differs: {name}: max |got - want| {np.nanmax(err)} beyond "
                  f"rtol={rtol} atol={atol}")
            status = 1
        else:
            word = "same" if rtol is None else "close"
            print(f"{word}: {name} {a.dtype} {'x'.join(map(str, a.shape))}")
    return status


def main(argv):
    cmd = argv[0]
    if cmd == "typed":
        typed(argv[1], argv[2], "--reverse" in argv[3:])
        return 0
    if cmd == "perturb":
        perturb(argv[1], argv[2], int(argv[3]), float(argv[4]))
        return 0
    if cmd == "compare":
        opts = dict(zip(argv[3::2], argv[4::2]))
        if "--rtol" in opts or "--atol" in opts:
            return compare(argv[1], argv[2], float(opts.get("--rtol", 0)),
                           float(opts.get("--atol", 0)))
        return compare(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
