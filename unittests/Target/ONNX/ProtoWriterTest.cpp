//===- ProtoWriterTest.cpp - wire-format writer unit tests ----------------===//
//
// What ProtoMessage writes, ProtoReader (the importer's reader) reads back:
// varints (negative int64 as 10 bytes), floats, strings, packed repeated
// fields, borrowed bytes and nested messages whose lengths need more than
// one varint byte.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ONNXProto.h"
#include "QuantOpt/Target/ONNX/ProtoWriter.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace quant_opt::onnxproto;

namespace {

std::string serialize(const ProtoMessage &m) {
  std::string out;
  llvm::raw_string_ostream os(out);
  m.write(os);
  os.flush();
  return out;
}

TEST(ProtoWriter, VarintSizes) {
  std::string out;
  appendVarint(out, 0);
  EXPECT_EQ(out, std::string(1, '\0'));
  out.clear();
  appendVarint(out, 300);
  EXPECT_EQ(out, "\xac\x02");
  EXPECT_EQ(varintSize(127), 1u);
  EXPECT_EQ(varintSize(128), 2u);
  EXPECT_EQ(varintSize(~uint64_t(0)), 10u);
}

TEST(ProtoWriter, SizeMatchesBytesWritten) {
  std::vector<char> blob(1000, 'x');
  ProtoMessage m;
  m.addVarint(1, -5);
  ProtoMessage &inner = m.addMessage(2);
  inner.addBorrowedBytes(9, blob);
  inner.addBytes(8, "name");
  m.addFloat(3, 1.5f);
  std::string bytes = serialize(m);
  EXPECT_EQ(bytes.size(), m.size());
  // 1 tag + 10-byte varint; 1 tag + 2-byte length + inner; 1 tag + 4 bytes.
  EXPECT_EQ(inner.size(), 1u + 2u + 1000u + 1u + 1u + 4u);
  EXPECT_EQ(m.size(), 11u + 1u + 2u + inner.size() + 5u);
}

TEST(ProtoWriter, ReaderParsesWrittenModel) {
  std::vector<char> raw(4 * 300);
  for (size_t i = 0; i < raw.size(); ++i)
    raw[i] = static_cast<char>(i * 7);
  ProtoMessage model;
  model.addVarint(1, 10);
  model.addBytes(2, "writer-test");
  ProtoMessage &opset = model.addMessage(8);
  opset.addBytes(1, "");
  opset.addVarint(2, 21);
  ProtoMessage &graph = model.addMessage(7);
  graph.addBytes(2, "g");
  ProtoMessage &node = graph.addMessage(1);
  node.addBytes(1, "X");
  node.addBytes(1, "");
  node.addBytes(1, "W");
  node.addBytes(2, "Y");
  node.addBytes(4, "Clip");
  ProtoMessage &attr = node.addMessage(5);
  attr.addBytes(1, "perm");
  attr.addVarint(20, 7);
  attr.addPackedVarints(8, {-1, 0, 300});
  ProtoMessage &fattr = node.addMessage(5);
  fattr.addBytes(1, "alpha");
  fattr.addVarint(20, 1);
  fattr.addFloat(2, 0.25f);
  ProtoMessage &tensor = graph.addMessage(5);
  tensor.addPackedVarints(1, {3, 100});
  tensor.addVarint(2, FLOAT);
  tensor.addBytes(8, "W");
  tensor.addBorrowedBytes(9, raw);

  std::string bytes = serialize(model);
  auto parsed = parseModel(bytes);
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->irVersion, 10);
  EXPECT_EQ(parsed->producerName, "writer-test");
  ASSERT_EQ(parsed->opsetImports.size(), 1u);
  EXPECT_EQ(parsed->opsetImports[0].version, 21);
  ASSERT_TRUE(parsed->hasGraph);
  const Graph &g = parsed->graph;
  EXPECT_EQ(g.name, "g");
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node &n = g.nodes[0];
  EXPECT_EQ(n.opType, "Clip");
  ASSERT_EQ(n.inputs.size(), 3u);
  EXPECT_EQ(n.inputs[1], "");
  ASSERT_EQ(n.attributes.size(), 2u);
  EXPECT_EQ(n.attributes[0].ints, (std::vector<int64_t>{-1, 0, 300}));
  EXPECT_EQ(n.attributes[1].f, 0.25f);
  ASSERT_EQ(g.initializers.size(), 1u);
  const Tensor &t = g.initializers[0];
  EXPECT_EQ(t.name, "W");
  EXPECT_EQ(t.dims, (llvm::SmallVector<int64_t, 4>{3, 100}));
  ASSERT_TRUE(t.hasRawData);
  EXPECT_EQ(t.rawData, llvm::StringRef(raw.data(), raw.size()));
}

} // namespace
