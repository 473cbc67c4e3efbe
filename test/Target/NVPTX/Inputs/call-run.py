"""Calls P_run of a one-input, one-output float [2, 4] model bundle through
ctypes and prints its return code and output allocation.

  call-run.py LIBQOPT_RUNTIME BUNDLE PREFIX
"""
import ctypes
import sys


class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("allocation", ctypes.c_void_p)]


ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
model = ctypes.CDLL(sys.argv[2])
run = getattr(model, sys.argv[3] + "_run")
run.restype = ctypes.c_int32
data = (ctypes.c_float * 8)(*([1.0] * 8))
shape = (ctypes.c_int64 * 2)(2, 4)
out_shape = (ctypes.c_int64 * 2)()
inputs = (Tensor * 1)(Tensor(ctypes.cast(data, ctypes.c_void_p), shape, None))
outputs = (Tensor * 1)(Tensor(None, out_shape, None))
rc = run(inputs, outputs)
print("%s_run returned %d, output allocation %s" % (
    sys.argv[3], rc, outputs[0].allocation))
