"""Convert ONNX textual syntax (onnx.parser) into a binary .onnx model.

Usage: python3 -m quant_opt.onnx_text INPUT -o OUTPUT.onnx [--raw]
       [--model NAME] [--external NAME] [--no-check]

INPUT may be a .onnxtxt file or a lit test: lines starting with `# ` or
`// ` that follow a line `ONNX:` are taken as the model text, up to a line
`END`. A lit test may embed several models, each in a block opened by
`ONNX(NAME):` and closed by `END`; `--model NAME` selects one (without it,
the unnamed `ONNX:` block is used). `--raw` stores initializers as raw_data
(the usual exporter layout); `--external NAME` stores them in an
external-data file NAME next to OUTPUT.

The ONNX text format has no node names; a node line may start with
`[name]` to give the node that name (`[relu0] Y = Relu(X)`).
"""

import argparse
import os
import re
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnx.parser


def extract_model_text(text, name=None):
    """Returns the model text embedded in a lit test, or `text` itself.

    With `name`, returns the block opened by `ONNX(name):`; without it, the
    block opened by `ONNX:`. Raises ValueError when the requested block is
    missing or unterminated (a file without any block is taken as-is only
    when no name is requested).
    """
    header = "ONNX:" if name is None else "ONNX(%s):" % name
    lines = text.splitlines()
    out, inside, found_any = [], False, False
    for line in lines:
        stripped = line.strip()
        for prefix in ("// ", "# ", "//", "#"):
            if stripped.startswith(prefix):
                stripped = stripped[len(prefix):]
                break
        else:
            if inside:
                continue
        if not inside and stripped.startswith("ONNX") and \
                stripped.endswith(":"):
            found_any = True
        if stripped == header and not inside:
            inside = True
            continue
        if stripped == "END" and inside:
            return "\n".join(out)
        if inside:
            out.append(stripped)
    if inside:
        raise ValueError("model block '%s' has no closing END" % header)
    if name is not None or found_any:
        raise ValueError("no model block '%s' in the input" % header)
    return text


def to_raw(tensor):
    """Re-encodes a TensorProto with its payload in raw_data."""
    array = onnx.numpy_helper.to_array(tensor)
    raw = onnx.numpy_helper.from_array(array, tensor.name)
    tensor.CopyFrom(raw)


_NODE_NAME = re.compile(r"^(\s*)\[([^\]]+)\]\s*([^=]*?)\s*=")


def strip_node_names(text):
    """Removes `[name]` node-line prefixes; returns (text, {output: name})."""
    names, lines = {}, []
    for line in text.splitlines():
        match = _NODE_NAME.match(line)
        if match:
            first_output = match.group(3).split(",")[0].strip()
            names[first_output] = match.group(2)
            line = match.group(1) + line[len(match.group(1)):].split("]", 1)[1]
        lines.append(line)
    return "\n".join(lines), names


def parse(text, name=None):
    text, names = strip_node_names(extract_model_text(text, name))
    model = onnx.parser.parse_model(text)
    for node in model.graph.node:
        if node.output and node.output[0] in names:
            node.name = names[node.output[0]]
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--model", metavar="NAME",
                        help="convert the block opened by `ONNX(NAME):`")
    parser.add_argument("--external")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args(argv)

    with open(args.input) as f:
        text = f.read()
    try:
        model = parse(text, args.model)
    except ValueError as e:
        sys.stderr.write("%s: error: %s\n" % (args.input, e))
        return 1
    if args.raw or args.external:
        for tensor in model.graph.initializer:
            to_raw(tensor)
    if not args.no_check:
        onnx.checker.check_model(model)
    if args.external:
        directory = os.path.dirname(os.path.abspath(args.output))
        offset = 0
        with open(os.path.join(directory, args.external), "wb") as data:
            for tensor in model.graph.initializer:
                raw = tensor.raw_data
                data.write(raw)
                del tensor.external_data[:]
                for key, value in (("location", args.external),
                                   ("offset", str(offset)),
                                   ("length", str(len(raw)))):
                    entry = tensor.external_data.add()
                    entry.key, entry.value = key, value
                tensor.data_location = onnx.TensorProto.EXTERNAL
                tensor.ClearField("raw_data")
                offset += len(raw)
                pad = (-offset) % 64
                data.write(b"\0" * pad)
                offset += pad
    onnx.save(model, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
