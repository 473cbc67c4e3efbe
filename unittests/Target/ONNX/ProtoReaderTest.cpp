//===- ProtoReaderTest.cpp - wire-format reader unit tests ----------------===//

#include "QuantOpt/Target/ONNX/ONNXProto.h"

#include <gtest/gtest.h>
#include <string>

using namespace quant_opt::onnxproto;

namespace {

/// Minimal protobuf writer for building test inputs by hand.
struct Writer {
  std::string bytes;
  Writer &varint(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bytes.push_back(static_cast<char>(b | (v ? 0x80 : 0)));
    } while (v);
    return *this;
  }
  Writer &tag(uint32_t field, uint32_t wire) {
    return varint((uint64_t(field) << 3) | wire);
  }
  Writer &intField(uint32_t field, int64_t v) {
    return tag(field, 0).varint(static_cast<uint64_t>(v));
  }
  Writer &bytesField(uint32_t field, const std::string &s) {
    tag(field, 2).varint(s.size());
    bytes += s;
    return *this;
  }
  Writer &fixed32Field(uint32_t field, float f) {
    tag(field, 5);
    char raw[4];
    std::memcpy(raw, &f, 4);
    bytes.append(raw, 4);
    return *this;
  }
};

std::string errorOf(llvm::Expected<Model> result) {
  if (result)
    return "";
  return llvm::toString(result.takeError());
}

TEST(ProtoReader, ParsesModelGraphAndTensors) {
  Writer dim;
  dim.intField(1, 4);
  Writer shape;
  shape.bytesField(1, dim.bytes);
  Writer tensorType;
  tensorType.intField(1, FLOAT).bytesField(2, shape.bytes);
  Writer type;
  type.bytesField(1, tensorType.bytes);
  Writer input;
  input.bytesField(1, "X").bytesField(2, type.bytes);

  // Initializer with packed dims, raw data.
  Writer packedDims;
  packedDims.varint(2).varint(2);
  Writer tensor;
  tensor.bytesField(1, packedDims.bytes)
      .intField(2, FLOAT)
      .bytesField(8, "W")
      .bytesField(9, std::string(16, '\x01'));

  Writer attr;
  attr.bytesField(1, "alpha").fixed32Field(2, 0.5f).intField(20, 1);
  Writer node;
  node.bytesField(1, "X")
      .bytesField(1, "W")
      .bytesField(2, "Y")
      .bytesField(3, "n0")
      .bytesField(4, "LeakyRelu")
      .bytesField(5, attr.bytes);
  Writer graph;
  graph.bytesField(1, node.bytes)
      .bytesField(2, "g")
      .bytesField(5, tensor.bytes)
      .bytesField(11, input.bytes);
  Writer opset;
  opset.bytesField(1, "").intField(2, 17);
  Writer model;
  model.intField(1, 8)
      .bytesField(2, "test")
      .bytesField(7, graph.bytes)
      .bytesField(8, opset.bytes)
      .intField(99, 12345); // unknown fields are skipped

  auto parsed = parseModel(model.bytes);
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->irVersion, 8);
  EXPECT_EQ(parsed->producerName, "test");
  ASSERT_EQ(parsed->opsetImports.size(), 1u);
  EXPECT_EQ(parsed->opsetImports[0].version, 17);
  const Graph &g = parsed->graph;
  EXPECT_EQ(g.name, "g");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].opType, "LeakyRelu");
  ASSERT_EQ(g.nodes[0].inputs.size(), 2u);
  EXPECT_EQ(g.nodes[0].inputs[1], "W");
  ASSERT_EQ(g.nodes[0].attributes.size(), 1u);
  EXPECT_FLOAT_EQ(g.nodes[0].attributes[0].f, 0.5f);
  EXPECT_EQ(g.nodes[0].attributes[0].effectiveType(), Attribute::FLOAT);
  ASSERT_EQ(g.initializers.size(), 1u);
  EXPECT_EQ(g.initializers[0].dims, (llvm::SmallVector<int64_t, 4>{2, 2}));
  EXPECT_EQ(g.initializers[0].rawData.size(), 16u);
  // Zero copy: raw data points into the input buffer.
  EXPECT_GE(g.initializers[0].rawData.data(), model.bytes.data());
  EXPECT_LT(g.initializers[0].rawData.data(),
            model.bytes.data() + model.bytes.size());
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.inputs[0].type.kind, TypeInfo::TensorKind);
  ASSERT_EQ(g.inputs[0].type.dims.size(), 1u);
  EXPECT_EQ(g.inputs[0].type.dims[0].value, 4);
}

TEST(ProtoReader, NegativeInt64IsTwosComplementVarint) {
  Writer tensor;
  tensor.intField(1, -3).intField(2, INT64);
  Writer graph;
  graph.bytesField(5, tensor.bytes);
  Writer model;
  model.bytesField(7, graph.bytes);
  auto parsed = parseModel(model.bytes);
  ASSERT_TRUE(static_cast<bool>(parsed));
  EXPECT_EQ(parsed->graph.initializers[0].dims[0], -3);
}

TEST(ProtoReader, UnpackedAndPackedRepeatedFieldsAgree) {
  Writer unpacked;
  unpacked.intField(7, 5).intField(7, -6);
  Writer packedPayload;
  packedPayload.varint(5).varint(static_cast<uint64_t>(int64_t(-6)));
  Writer packed;
  packed.bytesField(7, packedPayload.bytes);
  auto a = parseTensor(unpacked.bytes);
  auto b = parseTensor(packed.bytes);
  ASSERT_TRUE(static_cast<bool>(a) && static_cast<bool>(b));
  EXPECT_EQ(a->int64Data, b->int64Data);
  EXPECT_EQ(a->int64Data, (std::vector<int64_t>{5, -6}));
}

TEST(ProtoReader, RejectsTruncatedLength) {
  Writer model;
  model.tag(7, 2).varint(1000).bytes += "abc";
  EXPECT_NE(errorOf(parseModel(model.bytes)).find("runs past the end"),
            std::string::npos);
}

TEST(ProtoReader, RejectsTruncatedVarint) {
  std::string bytes = "\x08\xff\xff";
  EXPECT_NE(errorOf(parseModel(bytes)).find("truncated varint"),
            std::string::npos);
}

TEST(ProtoReader, RejectsOverlongVarint) {
  std::string bytes = "\x08";
  bytes += std::string(11, '\xff');
  bytes += '\x01';
  std::string message = errorOf(parseModel(bytes));
  EXPECT_NE(message.find("varint"), std::string::npos) << message;
}

TEST(ProtoReader, RejectsGroupsAndBadWireTypes) {
  EXPECT_NE(errorOf(parseModel(std::string("\x0b", 1))).find("group"),
            std::string::npos);
  EXPECT_NE(errorOf(parseModel(std::string("\x0e", 1))).find("wire type"),
            std::string::npos);
}

TEST(ProtoReader, RejectsWrongWireTypeForKnownField) {
  Writer model;
  model.bytesField(1, "x"); // ir_version must be a varint
  EXPECT_NE(errorOf(parseModel(model.bytes)).find("ir_version"),
            std::string::npos);
}

TEST(ProtoReader, NestedLengthCannotEscapeParent) {
  // graph (field 7) of length 3 whose content claims a 100-byte node.
  Writer model;
  model.tag(7, 2).varint(3).tag(1, 2).varint(100).bytes += "x";
  model.bytes += std::string(200, 'y');
  std::string message = errorOf(parseModel(model.bytes));
  EXPECT_NE(message.find("runs past the end"), std::string::npos) << message;
}

TEST(ProtoReader, EmptyInputIsAnEmptyModel) {
  auto parsed = parseModel("");
  ASSERT_TRUE(static_cast<bool>(parsed));
  EXPECT_FALSE(parsed->hasGraph);
}

TEST(ProtoReader, DataTypeNames) {
  EXPECT_EQ(dataTypeName(FLOAT), "FLOAT");
  EXPECT_EQ(dataTypeName(INT4), "INT4");
  EXPECT_EQ(dataTypeName(99), "type 99");
}

} // namespace
