#!/usr/bin/python3
"""Writes the malformed-model corpus used by malformed.test.

Run with Debian's python (python3-onnx):

    /usr/bin/python3 test/Target/ONNX/malformed/generate.py

Every case is a small binary .onnx file in Inputs/ (plus the one external
data file some cases point at). The output is deterministic: re-running the
script leaves the committed files unchanged. Wire-level cases are encoded
by hand (see the `pb_*` helpers) so the exact byte where the reader must
stop is known; semantic cases are built with onnx.helper and never passed
through onnx.checker.
"""

import os
import random
import sys

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Inputs")

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------------------
# Protobuf wire-format helpers
# ---------------------------------------------------------------------------

def pb_varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_tag(field, wire):
    return pb_varint(field << 3 | wire)


def pb_int(field, value):
    return pb_tag(field, 0) + pb_varint(value)


def pb_bytes(field, payload):
    return pb_tag(field, 2) + pb_varint(len(payload)) + payload


# ---------------------------------------------------------------------------
# Model builders
# ---------------------------------------------------------------------------

def model(nodes, inputs, outputs, initializers=(), opset=17, ir_version=8,
          extra_opsets=(), value_info=()):
    graph = helper.make_graph(list(nodes), "g", list(inputs), list(outputs),
                              list(initializers), value_info=list(value_info))
    opsets = []
    if opset is not None:
        opsets.append(helper.make_opsetid("", opset))
    opsets += [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="generate.py")
    m.ir_version = ir_version
    return m


def fin(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def relu_model(**kwargs):
    """X -> Relu -> Y."""
    return model([helper.make_node("Relu", ["X"], ["Y"], name="relu0")],
                 [fin("X", [2, 3])], [fin("Y", [2, 3])], **kwargs)


def valid_model():
    """X[N,6] + W[6] -> Relu -> Reshape(shape=[-1,3]) -> Y."""
    w = helper.make_tensor("W", TensorProto.FLOAT, [6],
                           [0.5, -1.0, 2.0, 0.0, 1.5, -0.5])
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 3])
    nodes = [
        helper.make_node("Add", ["X", "W"], ["A"], name="add0"),
        helper.make_node("Relu", ["A"], ["R"], name="relu0"),
        helper.make_node("Reshape", ["R", "shape"], ["Y"], name="reshape0"),
    ]
    return model(nodes, [fin("X", ["N", 6])], [fin("Y", ["M", 3])], [w, shape])


def add_initializer_model(tensor):
    """X + <tensor> -> Y, so that the initializer is actually used."""
    return model([helper.make_node("Add", ["X", tensor.name], ["Y"],
                                   name="add0")],
                 [fin("X", [4])], [fin("Y", [4])], [tensor])


def raw_tensor(name, data_type, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def external_tensor(name, dims, **entries):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    for key, value in entries.items():
        e = t.external_data.add()
        e.key, e.value = key, str(value)
    t.data_location = TensorProto.EXTERNAL
    return t


def ser(m):
    return m.SerializeToString()


# ---------------------------------------------------------------------------
# Not protobuf at all
# ---------------------------------------------------------------------------

@case
def empty():
    return b""


@case
def random_bytes():
    rng = random.Random(20240601)
    # 0x1a is a length-delimited tag for field 3, so the reader gets past the
    # first byte and fails on the structure, not just the first tag.
    return bytes(rng.randrange(256) for _ in range(256))


@case
def text_file():
    return (b'ir_version: 8\nopset_import { domain: "" version: 17 }\n'
            b'graph { name: "g" }\n')


# ---------------------------------------------------------------------------
# Wire format
# ---------------------------------------------------------------------------

@case
def truncated_mid_varint():
    # ir_version 8, then model_version 300 whose varint is cut after its
    # first byte.
    return pb_int(1, 8) + pb_tag(5, 0) + pb_varint(300)[:1]


@case
def truncated_mid_length():
    # The graph's length varint (two bytes: the graph is > 127 bytes) is cut
    # after its first byte.
    data = ser(valid_model())
    graph_tag = pb_tag(7, 2)
    at = data.index(graph_tag)
    assert data[at + 1] & 0x80, "graph must need a 2-byte length"
    return data[:at + 2]


@case
def truncated_mid_graph():
    # Cut in the middle of the first node.
    data = ser(valid_model())
    at = data.index(b"add0")
    return data[:at + 2]


@case
def truncated_mid_tensor():
    # Cut in the middle of an initializer's raw_data.
    w = raw_tensor("W", TensorProto.FLOAT, [64], bytes(range(256)))
    data = ser(add_initializer_model(w))
    at = data.index(bytes(range(100)))
    return data[:at + 100]


@case
def length_overflow():
    # graph with length 2^64 - 1.
    return pb_int(1, 8) + pb_tag(7, 2) + pb_varint((1 << 64) - 1) + b"\0" * 8


@case
def nested_length_past_parent():
    # A 6-byte graph containing a node that claims 100 bytes.
    graph = pb_tag(1, 2) + pb_varint(100) + b"\0" * 4
    return pb_int(1, 8) + pb_bytes(7, graph) + b"\0" * 120


@case
def bad_wire_type():
    return pb_int(1, 8) + pb_tag(2, 6) + b"\0"


@case
def group_wire_type():
    # graph encoded as a (deprecated) group.
    return pb_int(1, 8) + pb_tag(7, 3) + pb_tag(7, 4)


@case
def varint_too_long():
    return pb_tag(1, 0) + b"\x80" * 10 + b"\x01"


@case
def varint_overflow():
    # Ten bytes whose last one sets bits past 2^63.
    return pb_tag(1, 0) + b"\xff" * 9 + b"\x7f"


@case
def wrong_wire_type_for_field():
    # ir_version as a length-delimited field.
    return pb_bytes(1, b"\x08")


@case
def field_number_zero():
    return b"\x00\x01"


def with_graph_bytes(m, extra):
    """Serializes `m` with `extra` appended to its graph's encoding."""
    graph = ser(m.graph) + extra
    m = onnx.ModelProto.FromString(ser(m))
    m.ClearField("graph")
    return ser(m) + pb_bytes(7, graph)


@case
def int32_out_of_range():
    # An initializer whose data_type is 2^40.
    tensor = (pb_int(1, 4) + pb_int(2, 1 << 40) + pb_bytes(8, b"W") +
              pb_bytes(9, b"\0" * 16))
    nodes = [helper.make_node("Add", ["X", "W"], ["Y"], name="add0")]
    return with_graph_bytes(model(nodes, [fin("X", [4])], [fin("Y", [4])]),
                            pb_bytes(5, tensor))


@case
def two_graphs():
    g = ser(relu_model().graph)
    return ser(relu_model()) + pb_bytes(7, g)


# ---------------------------------------------------------------------------
# Model-level structure
# ---------------------------------------------------------------------------

@case
def no_graph():
    m = relu_model()
    m.ClearField("graph")
    return ser(m)


@case
def no_default_opset():
    return ser(relu_model(opset=None, extra_opsets=[("com.microsoft", 1)]))


@case
def opset0():
    return ser(relu_model(opset=0))


@case
def unsupported_ops():
    nodes = [
        helper.make_node("Einsum", ["X", "W"], ["c1"], name="einsum1"),
        helper.make_node("Unique", ["c1", "X"], ["m1"], name="unique1"),
        helper.make_node("Einsum", ["m1", "W"], ["c2"], name="einsum2"),
        helper.make_node("Unique", ["c2", "X"], ["m2"]),
        helper.make_node("Einsum", ["m2", "W"], ["c3"], name="einsum3"),
        helper.make_node("Fancy", ["c3"], ["f"], name="fancy",
                         domain="com.example"),
        helper.make_node("Relu", ["f"], ["Y"], name="relu0"),
    ]
    return ser(model(nodes, [fin("X", [1, 1, 4, 4]), fin("W", [1, 1, 1, 1])],
                     [fin("Y", None)], extra_opsets=[("com.example", 3)]))


@case
def sparse_initializer():
    m = relu_model()
    sparse = m.graph.sparse_initializer.add()
    sparse.dims.extend([4])
    sparse.values.CopyFrom(helper.make_tensor("S", TensorProto.FLOAT, [1], [1.0]))
    sparse.indices.CopyFrom(helper.make_tensor("Si", TensorProto.INT64, [1], [0]))
    return ser(m)


# ---------------------------------------------------------------------------
# Graph structure
# ---------------------------------------------------------------------------

@case
def dangling_input():
    nodes = [helper.make_node("Add", ["X", "ghost"], ["Y"], name="add0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def value_produced_twice():
    nodes = [
        helper.make_node("Relu", ["X"], ["T"], name="first"),
        helper.make_node("Relu", ["X"], ["T"], name="second"),
        helper.make_node("Add", ["T", "T"], ["Y"], name="add0"),
    ]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def cycle():
    nodes = [
        helper.make_node("Add", ["X", "b"], ["a"], name="loop_a"),
        helper.make_node("Relu", ["a"], ["b"], name="loop_b"),
        helper.make_node("Relu", ["b"], ["Y"], name="after"),
    ]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def duplicate_initializer():
    a = helper.make_tensor("W", TensorProto.FLOAT, [4], [1, 2, 3, 4])
    b = helper.make_tensor("W", TensorProto.FLOAT, [4], [5, 6, 7, 8])
    m = add_initializer_model(a)
    m.graph.initializer.append(b)
    return ser(m)


@case
def unnamed_initializer():
    m = relu_model()
    m.graph.initializer.append(
        helper.make_tensor("", TensorProto.FLOAT, [1], [1.0]))
    return ser(m)


@case
def output_not_produced():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4]), fin("Z", [4])]))


@case
def output_redefines_input():
    nodes = [
        helper.make_node("Relu", ["X"], ["X2"], name="relu0"),
        helper.make_node("Relu", ["X2"], ["X"], name="clobber"),
    ]
    return ser(model(nodes, [fin("X", [4])], [fin("X2", [4])]))


@case
def output_type_mismatch():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [2, 3])],
                     [helper.make_tensor_value_info("Y", TensorProto.INT64,
                                                    [2, 3])]))


@case
def duplicate_graph_input():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [4]), fin("X", [4])], [fin("Y", [4])]))


# ---------------------------------------------------------------------------
# Types and shapes
# ---------------------------------------------------------------------------

@case
def negative_dim_initializer():
    return ser(add_initializer_model(
        raw_tensor("W", TensorProto.FLOAT, [2, -2], b"\0" * 16)))


@case
def negative_dim_input():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [3, -1])], [fin("Y", None)]))


@case
def dims_overflow_initializer():
    return ser(add_initializer_model(
        raw_tensor("W", TensorProto.FLOAT, [1 << 40, 1 << 40, 1 << 40], b"")))


@case
def dims_overflow_input():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [1 << 32, 1 << 32])], [fin("Y", None)]))


@case
def huge_declared_size():
    # 2^60 floats = 2^62 bytes, with no data at all.
    return ser(add_initializer_model(
        raw_tensor("W", TensorProto.FLOAT, [1 << 40, 1 << 20], b"")))


@case
def huge_bytes_wrap():
    # 2^61 doubles: the element count fits in 64 bits, the byte count
    # (2^64) does not and must not wrap to 0 to match the empty raw_data.
    return ser(add_initializer_model(
        raw_tensor("W", TensorProto.DOUBLE, [1 << 61], b"")))


@case
def raw_data_size_mismatch():
    return ser(add_initializer_model(
        raw_tensor("W", TensorProto.FLOAT, [4], b"\0" * 12)))


@case
def float_data_count_mismatch():
    t = helper.make_tensor("W", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0])
    t.dims[0] = 4
    return ser(add_initializer_model(t))


@case
def string_initializer():
    t = helper.make_tensor("names", TensorProto.STRING, [2], [b"a", b"b"])
    m = relu_model()
    m.graph.initializer.append(t)
    return ser(m)


@case
def complex_initializer():
    t = raw_tensor("C", TensorProto.COMPLEX64, [2], b"\0" * 16)
    m = relu_model()
    m.graph.initializer.append(t)
    return ser(m)


@case
def segment_initializer():
    t = helper.make_tensor("W", TensorProto.FLOAT, [4], [1, 2, 3, 4])
    t.segment.begin = 0
    t.segment.end = 2
    return ser(add_initializer_model(t))


@case
def sequence_input():
    seq = helper.make_tensor_sequence_value_info("S", TensorProto.FLOAT, [4])
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [4]), seq], [fin("Y", [4])]))


@case
def untyped_input():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    x = onnx.ValueInfoProto()
    x.name = "X"
    return ser(model(nodes, [x], [fin("Y", [4])]))


@case
def bfloat_string_input():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0")]
    x = helper.make_tensor_value_info("X", TensorProto.STRING, [4])
    return ser(model(nodes, [x], [fin("Y", [4])]))


# ---------------------------------------------------------------------------
# External data
# ---------------------------------------------------------------------------

EXTERNAL_BIN = "external16.bin"  # 16 bytes, committed next to the models


@case
def external_dotdot():
    return ser(add_initializer_model(
        external_tensor("W", [4], location="../outside.bin", offset=0,
                        length=16)))


@case
def external_absolute():
    return ser(add_initializer_model(
        external_tensor("W", [4], location="/etc/passwd", offset=0,
                        length=16)))


@case
def external_symlink():
    # malformed.test creates link.bin -> ../secret.bin at run time.
    return ser(add_initializer_model(
        external_tensor("W", [4], location="link.bin", offset=0, length=16)))


@case
def external_missing():
    return ser(add_initializer_model(
        external_tensor("W", [4], location="does_not_exist.bin")))


@case
def external_offset_past_end():
    return ser(add_initializer_model(
        external_tensor("W", [4], location=EXTERNAL_BIN, offset=32)))


@case
def external_length_past_end():
    return ser(add_initializer_model(
        external_tensor("W", [4], location=EXTERNAL_BIN, offset=8,
                        length=16)))


@case
def external_size_mismatch():
    return ser(add_initializer_model(
        external_tensor("W", [4], location=EXTERNAL_BIN, offset=0, length=8)))


@case
def external_no_location():
    return ser(add_initializer_model(
        external_tensor("W", [4], offset=0, length=16)))


@case
def external_bad_offset():
    return ser(add_initializer_model(
        external_tensor("W", [4], location=EXTERNAL_BIN, offset="-8")))


@case
def external_directory():
    # "Inputs/." is a directory, not a data file.
    return ser(add_initializer_model(
        external_tensor("W", [4], location=".", offset=0, length=16)))


# ---------------------------------------------------------------------------
# Nodes and attributes
# ---------------------------------------------------------------------------

@case
def unknown_attribute():
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0", alpha=0.1)]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def attr_wrong_kind():
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [4])
    nodes = [helper.make_node("Reshape", ["X", "shape"], ["Y"],
                              name="reshape0", allowzero=1.0)]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])], [shape]))


@case
def attr_graph():
    body = helper.make_graph([], "body", [], [])
    nodes = [helper.make_node("Relu", ["X"], ["Y"], name="relu0", body=body)]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def attr_ref():
    attr = onnx.AttributeProto()
    attr.name = "allowzero"
    attr.ref_attr_name = "outer"
    attr.type = onnx.AttributeProto.INT
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [4])
    node = helper.make_node("Reshape", ["X", "shape"], ["Y"], name="reshape0")
    node.attribute.append(attr)
    return ser(model([node], [fin("X", [4])], [fin("Y", [4])], [shape]))


@case
def attr_no_value():
    attr = onnx.AttributeProto()
    attr.name = "allowzero"
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [4])
    node = helper.make_node("Reshape", ["X", "shape"], ["Y"], name="reshape0")
    node.attribute.append(attr)
    return ser(model([node], [fin("X", [4])], [fin("Y", [4])], [shape]))


@case
def reshape_missing_input():
    nodes = [helper.make_node("Reshape", ["X"], ["Y"], name="reshape0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def add_too_many_inputs():
    nodes = [helper.make_node("Add", ["X", "X", "X"], ["Y"], name="add0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def relu_empty_input():
    nodes = [helper.make_node("Relu", [""], ["Y"], name="relu0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def relu_two_outputs():
    nodes = [helper.make_node("Relu", ["X"], ["Y", "Z"], name="relu0")]
    return ser(model(nodes, [fin("X", [4])], [fin("Y", [4])]))


@case
def constant_two_values():
    node = helper.make_node("Constant", [], ["C"], name="const0",
                            value_float=1.0, value_int=2)
    add = helper.make_node("Add", ["X", "C"], ["Y"], name="add0")
    return ser(model([node, add], [fin("X", [4])], [fin("Y", [4])]))


@case
def constant_string():
    node = helper.make_node("Constant", [], ["C"], name="const0",
                            value_strings=["a"])
    add = helper.make_node("Add", ["X", "C"], ["Y"], name="add0")
    return ser(model([node, add], [fin("X", [4])], [fin("Y", [4])]))


# ---------------------------------------------------------------------------
# A valid model for the --input-shape and "no partial output" checks
# ---------------------------------------------------------------------------

@case
def valid():
    return ser(valid_model())


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or sorted(CASES)
    for name in names:
        data = CASES[name]()
        with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
            f.write(data)
    with open(os.path.join(OUT, EXTERNAL_BIN), "wb") as f:
        f.write(bytes(range(16)))
    print("wrote %d models to %s" % (len(names), OUT))


if __name__ == "__main__":
    main()
