//===- ProtoReader.cpp - zero-copy reader for ONNX protobuf ---------------===//
//
// Wire format: every field is a varint tag (field << 3 | wire type) followed
// by a varint (0), 8 bytes (1), a varint length and that many bytes (2), or
// 4 bytes (5). Every read is checked against the end of the enclosing
// message; nested messages are parsed from sub-ranges, so a length can never
// reach past its parent.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ONNXProto.h"

#include "llvm/Support/FormatVariadic.h"
#include <cstring>

using namespace llvm;

namespace quant_opt::onnxproto {

std::string dataTypeName(int32_t dataType) {
  static const char *const names[] = {
      "UNDEFINED",      "FLOAT",      "UINT8",
      "INT8",           "UINT16",     "INT16",
      "INT32",          "INT64",      "STRING",
      "BOOL",           "FLOAT16",    "DOUBLE",
      "UINT32",         "UINT64",     "COMPLEX64",
      "COMPLEX128",     "BFLOAT16",   "FLOAT8E4M3FN",
      "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
      "UINT4",          "INT4"};
  if (dataType >= 0 && dataType < (int32_t)std::size(names))
    return names[dataType];
  return "type " + std::to_string(dataType);
}

int32_t Attribute::effectiveType() const {
  if (type != UNDEFINED)
    return type;
  if (hasF)
    return FLOAT;
  if (hasI)
    return INT;
  if (hasS)
    return STRING;
  if (t)
    return TENSOR;
  if (hasGraph)
    return GRAPH;
  if (!floats.empty())
    return FLOATS;
  if (!ints.empty())
    return INTS;
  if (!strings.empty())
    return STRINGS;
  return UNDEFINED;
}

namespace {

enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

/// A bounded view of one message's bytes.
class Reader {
public:
  Reader(const char *base, const char *begin, const char *end,
         StringRef message)
      : base(base), p(begin), end(end), message(message) {}

  bool atEnd() const { return p >= end; }
  uint64_t offset() const { return p - base; }

  Error fail(const Twine &what) const {
    return createStringError(inconvertibleErrorCode(),
                             formatv("malformed {0} at byte {1}: {2}", message,
                                     offset(), what.str()));
  }

  /// Like fail(), for reads that ran out of bytes: when this message ends
  /// where the file ends, the file itself was cut short.
  Error failTruncated(const Twine &what) const {
    return fail(what +
                (end == fileEnd ? ": the file is truncated or corrupt" : ""));
  }

  Error readVarint(uint64_t &value) {
    value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (p >= end)
        return failTruncated("truncated varint");
      uint8_t byte = static_cast<uint8_t>(*p++);
      if (shift == 63 && (byte & 0x7e))
        return fail("varint overflows 64 bits");
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return Error::success();
    }
    return fail("varint longer than 10 bytes");
  }

  Error readTag(uint32_t &field, uint32_t &wire) {
    uint64_t tag;
    if (Error e = readVarint(tag))
      return e;
    field = static_cast<uint32_t>(tag >> 3);
    wire = static_cast<uint32_t>(tag & 7);
    if (field == 0 || (tag >> 3) > 0x1fffffff)
      return fail("invalid field number");
    if (wire == 3 || wire == 4)
      return fail("group encoding is not supported");
    if (wire != Varint && wire != Fixed64 && wire != LengthDelimited &&
        wire != Fixed32)
      return fail(formatv("invalid wire type {0}", wire));
    return Error::success();
  }

  /// Reads a length-delimited field; `what` names it in errors.
  Error readBytes(StringRef &out, StringRef what = "length-delimited field") {
    uint64_t length;
    if (Error e = readVarint(length))
      return e;
    if (length > static_cast<uint64_t>(end - p))
      return failTruncated(
          formatv("{0} of {1} bytes runs past the end of the {2} ({3} bytes "
                  "left)",
                  what, length, message, end - p));
    out = StringRef(p, length);
    p += length;
    return Error::success();
  }

  Error readFixed32(uint32_t &out) {
    if (end - p < 4)
      return failTruncated("truncated fixed32");
    std::memcpy(&out, p, 4);
    p += 4;
    return Error::success();
  }

  Error readFixed64(uint64_t &out) {
    if (end - p < 8)
      return failTruncated("truncated fixed64");
    std::memcpy(&out, p, 8);
    p += 8;
    return Error::success();
  }

  Error skip(uint32_t wire) {
    switch (wire) {
    case Varint: {
      uint64_t v;
      return readVarint(v);
    }
    case Fixed64: {
      uint64_t v;
      return readFixed64(v);
    }
    case LengthDelimited: {
      StringRef s;
      return readBytes(s);
    }
    case Fixed32: {
      uint32_t v;
      return readFixed32(v);
    }
    }
    return fail("invalid wire type");
  }

  Error expect(uint32_t wire, uint32_t expected, StringRef field) {
    if (wire == expected)
      return Error::success();
    return fail(formatv("field '{0}' has wire type {1}, expected {2}", field,
                        wire, expected));
  }

  /// A reader over the bytes of a nested length-delimited message.
  Error nested(StringRef nestedMessage, Reader &out) {
    StringRef bytes;
    if (Error e = readBytes(bytes, nestedMessage))
      return e;
    out = Reader(base, bytes.begin(), bytes.end(), nestedMessage);
    out.fileEnd = fileEnd;
    return Error::success();
  }

  Error readInt64(int64_t &out) {
    uint64_t v;
    if (Error e = readVarint(v))
      return e;
    out = static_cast<int64_t>(v);
    return Error::success();
  }

  Error readInt32(int32_t &out, StringRef field) {
    int64_t v;
    if (Error e = readInt64(v))
      return e;
    if (v < INT32_MIN || v > INT32_MAX)
      return fail(
          formatv("field '{0}' value {1} is out of the int32 range", field, v));
    out = static_cast<int32_t>(v);
    return Error::success();
  }

  /// Repeated scalar field: packed (wire type 2) or one element per tag.
  template <typename T, typename ReadOne>
  Error readRepeated(uint32_t wire, uint32_t elementWire, std::vector<T> &out,
                     StringRef field, ReadOne readOne) {
    if (wire == LengthDelimited) {
      StringRef bytes;
      if (Error e = readBytes(bytes, ("field '" + field + "'").str()))
        return e;
      Reader packed(base, bytes.begin(), bytes.end(), message);
      packed.fileEnd = fileEnd;
      // Reserve from the byte count only for fixed-width elements: a
      // varint's width is unknown, and a huge reserve is an attack vector.
      if (elementWire == Fixed32)
        out.reserve(out.size() + (packed.end - packed.p) / 4);
      else if (elementWire == Fixed64)
        out.reserve(out.size() + (packed.end - packed.p) / 8);
      while (!packed.atEnd()) {
        T value;
        if (Error e = readOne(packed, value))
          return e;
        out.push_back(value);
      }
      return Error::success();
    }
    if (Error e = expect(wire, elementWire, field))
      return e;
    T value;
    if (Error e = readOne(*this, value))
      return e;
    out.push_back(value);
    return Error::success();
  }

  Error readInt64s(uint32_t wire, std::vector<int64_t> &out, StringRef field) {
    return readRepeated<int64_t>(
        wire, Varint, out, field,
        [](Reader &r, int64_t &v) { return r.readInt64(v); });
  }

  Error readInt32s(uint32_t wire, std::vector<int32_t> &out, StringRef field) {
    return readRepeated<int32_t>(
        wire, Varint, out, field,
        [field](Reader &r, int32_t &v) { return r.readInt32(v, field); });
  }

  Error readUInt64s(uint32_t wire, std::vector<uint64_t> &out,
                    StringRef field) {
    return readRepeated<uint64_t>(
        wire, Varint, out, field,
        [](Reader &r, uint64_t &v) { return r.readVarint(v); });
  }

  Error readFloats(uint32_t wire, std::vector<float> &out, StringRef field) {
    return readRepeated<float>(wire, Fixed32, out, field,
                               [](Reader &r, float &v) -> Error {
                                 uint32_t bits = 0;
                                 if (Error e = r.readFixed32(bits))
                                   return e;
                                 std::memcpy(&v, &bits, 4);
                                 return Error::success();
                               });
  }

  Error readDoubles(uint32_t wire, std::vector<double> &out, StringRef field) {
    return readRepeated<double>(wire, Fixed64, out, field,
                                [](Reader &r, double &v) -> Error {
                                  uint64_t bits = 0;
                                  if (Error e = r.readFixed64(bits))
                                    return e;
                                  std::memcpy(&v, &bits, 8);
                                  return Error::success();
                                });
  }

  Error readString(uint32_t wire, StringRef &out, StringRef field) {
    if (Error e = expect(wire, LengthDelimited, field))
      return e;
    return readBytes(out, ("field '" + field + "'").str());
  }

  const char *base;
  const char *p;
  const char *end;
  /// The end of the whole buffer: reads that stop there mean truncation.
  const char *fileEnd = nullptr;
  StringRef message;
};

#define TRY(expr)                                                              \
  do {                                                                         \
    if (Error tryError = (expr))                                               \
      return tryError;                                                         \
  } while (false)

Error parseStringPair(Reader r, StringPair &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    if (field == 1)
      TRY(r.readString(wire, out.key, "key"));
    else if (field == 2)
      TRY(r.readString(wire, out.value, "value"));
    else
      TRY(r.skip(wire));
  }
  return Error::success();
}

Error parseTensor(Reader r, Tensor &out) {
  std::vector<int64_t> dims;
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1:
      TRY(r.readInt64s(wire, dims, "dims"));
      break;
    case 2:
      TRY(r.expect(wire, Varint, "data_type"));
      TRY(r.readInt32(out.dataType, "data_type"));
      break;
    case 3:
      out.hasSegment = true;
      TRY(r.skip(wire));
      break;
    case 4:
      TRY(r.readFloats(wire, out.floatData, "float_data"));
      break;
    case 5:
      TRY(r.readInt32s(wire, out.int32Data, "int32_data"));
      break;
    case 6: {
      StringRef s;
      TRY(r.readString(wire, s, "string_data"));
      ++out.numStringData;
      break;
    }
    case 7:
      TRY(r.readInt64s(wire, out.int64Data, "int64_data"));
      break;
    case 8:
      TRY(r.readString(wire, out.name, "name"));
      break;
    case 9:
      TRY(r.readString(wire, out.rawData, "raw_data"));
      out.hasRawData = true;
      break;
    case 10:
      TRY(r.readDoubles(wire, out.doubleData, "double_data"));
      break;
    case 11:
      TRY(r.readUInt64s(wire, out.uint64Data, "uint64_data"));
      break;
    case 13: {
      Reader sub(r.base, nullptr, nullptr, "");
      TRY(r.expect(wire, LengthDelimited, "external_data"));
      TRY(r.nested("StringStringEntryProto", sub));
      StringPair pair;
      TRY(parseStringPair(sub, pair));
      out.externalData.push_back(pair);
      break;
    }
    case 14:
      TRY(r.expect(wire, Varint, "data_location"));
      TRY(r.readInt32(out.dataLocation, "data_location"));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  out.dims.assign(dims.begin(), dims.end());
  return Error::success();
}

Error parseShape(Reader r, TypeInfo &out) {
  out.hasShape = true;
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    if (field != 1) {
      TRY(r.skip(wire));
      continue;
    }
    TRY(r.expect(wire, LengthDelimited, "dim"));
    Reader dimReader(r.base, nullptr, nullptr, "");
    TRY(r.nested("TensorShapeProto.Dimension", dimReader));
    Dimension dim;
    while (!dimReader.atEnd()) {
      uint32_t f, w;
      TRY(dimReader.readTag(f, w));
      if (f == 1) {
        TRY(dimReader.expect(w, Varint, "dim_value"));
        TRY(dimReader.readInt64(dim.value));
        dim.hasValue = true;
      } else if (f == 2) {
        TRY(dimReader.readString(w, dim.param, "dim_param"));
      } else {
        TRY(dimReader.skip(w));
      }
    }
    out.dims.push_back(dim);
  }
  return Error::success();
}

Error parseType(Reader r, TypeInfo &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1: {
      out.kind = TypeInfo::TensorKind;
      TRY(r.expect(wire, LengthDelimited, "tensor_type"));
      Reader tensor(r.base, nullptr, nullptr, "");
      TRY(r.nested("TypeProto.Tensor", tensor));
      while (!tensor.atEnd()) {
        uint32_t f, w;
        TRY(tensor.readTag(f, w));
        if (f == 1) {
          TRY(tensor.expect(w, Varint, "elem_type"));
          TRY(tensor.readInt32(out.elemType, "elem_type"));
        } else if (f == 2) {
          TRY(tensor.expect(w, LengthDelimited, "shape"));
          Reader shape(r.base, nullptr, nullptr, "");
          TRY(tensor.nested("TensorShapeProto", shape));
          TRY(parseShape(shape, out));
        } else {
          TRY(tensor.skip(w));
        }
      }
      break;
    }
    case 4:
      out.kind = TypeInfo::SequenceKind;
      TRY(r.skip(wire));
      break;
    case 5:
      out.kind = TypeInfo::MapKind;
      TRY(r.skip(wire));
      break;
    case 8:
      out.kind = TypeInfo::SparseTensorKind;
      TRY(r.skip(wire));
      break;
    case 9:
      out.kind = TypeInfo::OptionalKind;
      TRY(r.skip(wire));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

Error parseValueInfo(Reader r, ValueInfo &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    if (field == 1) {
      TRY(r.readString(wire, out.name, "name"));
    } else if (field == 2) {
      TRY(r.expect(wire, LengthDelimited, "type"));
      Reader type(r.base, nullptr, nullptr, "");
      TRY(r.nested("TypeProto", type));
      TRY(parseType(type, out.type));
    } else {
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

Error parseAttribute(Reader r, Attribute &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1:
      TRY(r.readString(wire, out.name, "name"));
      break;
    case 2: {
      TRY(r.expect(wire, Fixed32, "f"));
      uint32_t bits = 0;
      TRY(r.readFixed32(bits));
      std::memcpy(&out.f, &bits, 4);
      out.hasF = true;
      break;
    }
    case 3:
      TRY(r.expect(wire, Varint, "i"));
      TRY(r.readInt64(out.i));
      out.hasI = true;
      break;
    case 4:
      TRY(r.readString(wire, out.s, "s"));
      out.hasS = true;
      break;
    case 5: {
      TRY(r.expect(wire, LengthDelimited, "t"));
      Reader tensor(r.base, nullptr, nullptr, "");
      TRY(r.nested("TensorProto", tensor));
      out.t = std::make_unique<Tensor>();
      TRY(parseTensor(tensor, *out.t));
      break;
    }
    case 6:
      // Subgraphs (If / Loop / Scan bodies) are recorded, not parsed: no op
      // the importer supports takes one.
      out.hasGraph = true;
      TRY(r.skip(wire));
      break;
    case 7:
      TRY(r.readFloats(wire, out.floats, "floats"));
      break;
    case 8:
      TRY(r.readInt64s(wire, out.ints, "ints"));
      break;
    case 9: {
      StringRef s;
      TRY(r.readString(wire, s, "strings"));
      out.strings.push_back(s);
      break;
    }
    case 10:
      ++out.numTensors;
      TRY(r.skip(wire));
      break;
    case 11:
      ++out.numGraphs;
      TRY(r.skip(wire));
      break;
    case 14:
    case 15:
      out.hasTypeProto = true;
      TRY(r.skip(wire));
      break;
    case 20:
      TRY(r.expect(wire, Varint, "type"));
      TRY(r.readInt32(out.type, "type"));
      break;
    case 21:
      TRY(r.readString(wire, out.refAttrName, "ref_attr_name"));
      break;
    case 22:
    case 23:
      out.hasSparseTensor = true;
      ++out.numSparse;
      TRY(r.skip(wire));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

Error parseNode(Reader r, Node &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1: {
      StringRef s;
      TRY(r.readString(wire, s, "input"));
      out.inputs.push_back(s);
      break;
    }
    case 2: {
      StringRef s;
      TRY(r.readString(wire, s, "output"));
      out.outputs.push_back(s);
      break;
    }
    case 3:
      TRY(r.readString(wire, out.name, "name"));
      break;
    case 4:
      TRY(r.readString(wire, out.opType, "op_type"));
      break;
    case 5: {
      TRY(r.expect(wire, LengthDelimited, "attribute"));
      Reader attr(r.base, nullptr, nullptr, "");
      TRY(r.nested("AttributeProto", attr));
      out.attributes.emplace_back();
      TRY(parseAttribute(attr, out.attributes.back()));
      break;
    }
    case 7:
      TRY(r.readString(wire, out.domain, "domain"));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

Error parseGraph(Reader r, Graph &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1: {
      TRY(r.expect(wire, LengthDelimited, "node"));
      Reader node(r.base, nullptr, nullptr, "");
      TRY(r.nested("NodeProto", node));
      out.nodes.emplace_back();
      TRY(parseNode(node, out.nodes.back()));
      break;
    }
    case 2:
      TRY(r.readString(wire, out.name, "name"));
      break;
    case 5: {
      TRY(r.expect(wire, LengthDelimited, "initializer"));
      Reader tensor(r.base, nullptr, nullptr, "");
      TRY(r.nested("TensorProto", tensor));
      out.initializers.emplace_back();
      TRY(parseTensor(tensor, out.initializers.back()));
      break;
    }
    case 11:
    case 12:
    case 13: {
      TRY(r.expect(wire, LengthDelimited, "value_info"));
      Reader info(r.base, nullptr, nullptr, "");
      TRY(r.nested("ValueInfoProto", info));
      auto &list = field == 11   ? out.inputs
                   : field == 12 ? out.outputs
                                 : out.valueInfo;
      list.emplace_back();
      TRY(parseValueInfo(info, list.back()));
      break;
    }
    case 15:
      ++out.numSparseInitializers;
      TRY(r.skip(wire));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

Error parseModelImpl(Reader r, Model &out) {
  while (!r.atEnd()) {
    uint32_t field, wire;
    TRY(r.readTag(field, wire));
    switch (field) {
    case 1:
      TRY(r.expect(wire, Varint, "ir_version"));
      TRY(r.readInt64(out.irVersion));
      break;
    case 2:
      TRY(r.readString(wire, out.producerName, "producer_name"));
      break;
    case 3:
      TRY(r.readString(wire, out.producerVersion, "producer_version"));
      break;
    case 4:
      TRY(r.readString(wire, out.domain, "domain"));
      break;
    case 5:
      TRY(r.expect(wire, Varint, "model_version"));
      TRY(r.readInt64(out.modelVersion));
      break;
    case 7: {
      TRY(r.expect(wire, LengthDelimited, "graph"));
      Reader graph(r.base, nullptr, nullptr, "");
      TRY(r.nested("GraphProto", graph));
      if (out.hasGraph)
        return r.fail("model has more than one graph");
      out.hasGraph = true;
      TRY(parseGraph(graph, out.graph));
      break;
    }
    case 8: {
      TRY(r.expect(wire, LengthDelimited, "opset_import"));
      Reader opset(r.base, nullptr, nullptr, "");
      TRY(r.nested("OperatorSetIdProto", opset));
      OpsetImport entry;
      while (!opset.atEnd()) {
        uint32_t f, w;
        TRY(opset.readTag(f, w));
        if (f == 1) {
          TRY(opset.readString(w, entry.domain, "domain"));
        } else if (f == 2) {
          TRY(opset.expect(w, Varint, "version"));
          TRY(opset.readInt64(entry.version));
        } else {
          TRY(opset.skip(w));
        }
      }
      out.opsetImports.push_back(entry);
      break;
    }
    case 14: {
      TRY(r.expect(wire, LengthDelimited, "metadata_props"));
      Reader sub(r.base, nullptr, nullptr, "");
      TRY(r.nested("StringStringEntryProto", sub));
      StringPair pair;
      TRY(parseStringPair(sub, pair));
      out.metadata.push_back(pair);
      break;
    }
    case 25:
      ++out.numFunctions;
      TRY(r.skip(wire));
      break;
    default:
      TRY(r.skip(wire));
    }
  }
  return Error::success();
}

} // namespace

Expected<Model> parseModel(StringRef bytes) {
  Model model;
  Reader r(bytes.data(), bytes.begin(), bytes.end(), "ModelProto");
  r.fileEnd = bytes.end();
  if (Error e = parseModelImpl(r, model))
    return std::move(e);
  return std::move(model);
}

Expected<Tensor> parseTensor(StringRef bytes) {
  Tensor tensor;
  Reader r(bytes.data(), bytes.begin(), bytes.end(), "TensorProto");
  r.fileEnd = bytes.end();
  if (Error e = parseTensor(r, tensor))
    return std::move(e);
  return std::move(tensor);
}

} // namespace quant_opt::onnxproto
