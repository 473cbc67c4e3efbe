"""Writes an opset 21 model with 4-bit initializers (python onnx 1.12 has no
INT4 / UINT4, so the TensorProtos are built by hand): data_type 22 (INT4)
and 21 (UINT4), packed two per byte, low nibble first, in raw_data and in
int32_data (one packed byte per entry); each goes to a graph output through
DequantizeLinear (scale 1).

    make_int4.py OUT.onnx
"""

import sys

from onnx import TensorProto, helper


def t4(name, data_type, dims, raw=None, int32=None):
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = bytes(raw)
    else:
        t.int32_data.extend(int32)
    return t


# int4 [5]: 0x21 -> 1, 2; 0xF3 -> 3, -1; 0x08 -> -8 (high nibble padding).
# uint4 [2, 2]: 0xA5 -> 5, 10; 0x0F -> 15, 0.
inits = [
    t4("s4_raw", 22, [5], raw=[0x21, 0xF3, 0x08]),
    t4("u4_raw", 21, [2, 2], raw=[0xA5, 0x0F]),
    t4("s4_int32", 22, [3], int32=[0x7E, 0x09]),
    helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
]
nodes, outputs = [], []
for name, n in (("s4_raw", [5]), ("u4_raw", [2, 2]), ("s4_int32", [3])):
    nodes.append(helper.make_node("DequantizeLinear", [name, "one"], [name + "_f"],
                                  name="dq_" + name))
    outputs.append(helper.make_tensor_value_info(name + "_f", TensorProto.FLOAT, n))
graph = helper.make_graph(nodes, "int4", [], outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
model.ir_version = 10
with open(sys.argv[1], "wb") as f:
    f.write(model.SerializeToString())
