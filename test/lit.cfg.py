# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QUANT_OPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "Inputs-fuzz", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qopt_obj_root, "test")

llvm_config.use_default_substitutions()

# Debian's python with numpy/onnx, whatever python3 comes first on PATH.
python = "/usr/bin/python3"
config.substitutions.append(("%python", python))
# ONNX text format (onnx.parser) to binary .onnx. Usage:
#   %onnx-text %s -o %t.onnx [--raw] [--model NAME]
# (--model NAME converts the block `ONNX(NAME):` ... `END` of the test).
config.substitutions.append(
    ("%onnx-text",
     "env PYTHONPATH=%s %s -m quant_opt.onnx_text" %
     (os.path.join(config.qopt_src_root, "python"), python)))
config.substitutions.append(("%qopt_src", config.qopt_src_root))
config.substitutions.append(("%qopt_lib", os.path.join(config.qopt_obj_root, "lib")))
# Hand-written models implementing the compiled-model ABI
# (unittests/runtime/fixtures), for the quant-run tests.
config.substitutions.append(("%fixtures", config.qopt_fixtures_dir))

# `not`, `count` and FileCheck from LLVM's tools directory (Debian keeps it off
# PATH).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.qopt_tools_dir, config.llvm_tools_dir]
tools = ["quant-opt", "quant-run", "not"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# ONNX Runtime, the peer that produces reference outputs (tools/ort-run, with
# the onnxruntime-node that scripts/setup.sh installs in .deps/ort).
ort_dir = os.path.join(config.qopt_src_root, ".deps", "ort")
if (os.path.isdir(os.path.join(ort_dir, "node_modules", "onnxruntime-node"))
        and (shutil.which("node") or shutil.which("nodejs"))):
    config.available_features.add("ort")
config.substitutions.append(
    ("%ort-run", "bash " + os.path.join(config.qopt_src_root, "scripts", "ort-run.sh")))

# NVPTX target: ptxas from the CUDA toolkit checks emitted PTX; the runtime's
# no-driver error is tested where there is no CUDA driver (libcuda.so.1).
ptxas = os.environ.get("QOPT_PTXAS", "/usr/local/cuda/bin/ptxas")
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
import ctypes
try:
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    config.available_features.add("no-cuda-driver")
