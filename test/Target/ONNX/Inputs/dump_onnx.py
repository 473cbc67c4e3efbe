"""Prints an ONNX model's structure, read with onnx's own protobuf code (the
independent reader for the --emit=onnx tests): ir_version, opset_import,
graph inputs / outputs (type, dims, dim_params), initializers (type, dims,
raw_data size and, up to 16 bytes, hex; or external-data entries) and nodes (domain, op_type, name,
inputs, outputs, attributes).

    dump_onnx.py MODEL.onnx
"""

import sys

import onnx
from onnx import helper


def _type(t):
    tt = t.tensor_type
    dims = []
    for d in tt.shape.dim:
        if d.HasField("dim_value"):
            dims.append(str(d.dim_value))
        elif d.HasField("dim_param"):
            dims.append(d.dim_param)
        else:
            dims.append("?")
    return f"{tt.elem_type}[{','.join(dims)}]"


def _attr(a):
    v = helper.get_attribute_value(a)
    if isinstance(v, bytes):
        v = v.decode()
    elif isinstance(v, onnx.TensorProto):
        v = f"tensor({v.data_type}, {list(v.dims)}, {len(v.raw_data)} bytes)"
    elif isinstance(v, list):
        v = [x.decode() if isinstance(x, bytes) else x for x in v]
    return f"{a.name}({a.type})={v}"


def main(path):
    # No external data: the entries are printed, not loaded.
    m = onnx.load(path, load_external_data=False)
    print(f"ir_version {m.ir_version} producer '{m.producer_name}'")
    for o in m.opset_import:
        print(f"opset '{o.domain}' {o.version}")
    g = m.graph
    print(f"graph '{g.name}'")
    for i in g.input:
        print(f"input {i.name} {_type(i.type)}")
    for o in g.output:
        print(f"output {o.name} {_type(o.type)}")
    for t in g.initializer:
        where = (f"external {[(e.key, e.value) for e in t.external_data]}"
                 if t.data_location == 1 else f"raw {len(t.raw_data)}")
        if t.data_location != 1 and 0 < len(t.raw_data) <= 16:
            where += " 0x" + t.raw_data.hex()
        print(f"initializer {t.name} {t.data_type}{list(t.dims)} {where}")
    for n in g.node:
        dom = n.domain + ":" if n.domain else ""
        attrs = " ".join(_attr(a) for a in n.attribute)
        print(f"node {dom}{n.op_type} '{n.name}' {list(n.input)} -> "
              f"{list(n.output)} {attrs}".rstrip())


if __name__ == "__main__":
    main(sys.argv[1])
