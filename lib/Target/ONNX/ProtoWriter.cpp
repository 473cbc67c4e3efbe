//===- ProtoWriter.cpp - protobuf wire-format writer ----------------------===//
//
// Tags are varints (field << 3 | wire type); lengths of nested messages are
// computed before writing, so nothing is serialized twice and borrowed
// weight bytes go straight from their blob to the stream.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ProtoWriter.h"

#include <cstring>

using namespace llvm;

namespace quant_opt::onnxproto {

void appendVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

unsigned varintSize(uint64_t value) {
  unsigned n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

static void appendTag(std::string &out, uint32_t field, unsigned wireType) {
  appendVarint(out, (uint64_t(field) << 3) | wireType);
}

std::string &ProtoMessage::inlineBuffer() {
  cachedSize = ~uint64_t(0);
  if (pieces.empty() || !pieces.back().borrowed.empty() ||
      pieces.back().nested || pieces.back().field)
    pieces.emplace_back();
  return pieces.back().encoded;
}

void ProtoMessage::addVarint(uint32_t field, int64_t value) {
  std::string &out = inlineBuffer();
  appendTag(out, field, 0);
  appendVarint(out, static_cast<uint64_t>(value));
}

void ProtoMessage::addFloat(uint32_t field, float value) {
  std::string &out = inlineBuffer();
  appendTag(out, field, 5);
  char bytes[4];
  std::memcpy(bytes, &value, 4); // little-endian host
  out.append(bytes, 4);
}

void ProtoMessage::addBytes(uint32_t field, StringRef bytes) {
  std::string &out = inlineBuffer();
  appendTag(out, field, 2);
  appendVarint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

void ProtoMessage::addBorrowedBytes(uint32_t field, ArrayRef<char> bytes) {
  if (bytes.empty())
    return addBytes(field, "");
  cachedSize = ~uint64_t(0);
  Piece &piece = pieces.emplace_back();
  appendTag(piece.encoded, field, 2);
  appendVarint(piece.encoded, bytes.size());
  piece.borrowed = bytes;
}

void ProtoMessage::addPackedVarints(uint32_t field, ArrayRef<int64_t> values) {
  std::string payload;
  for (int64_t v : values)
    appendVarint(payload, static_cast<uint64_t>(v));
  addBytes(field, payload);
}

void ProtoMessage::addPackedFloats(uint32_t field, ArrayRef<float> values) {
  addBytes(field, StringRef(reinterpret_cast<const char *>(values.data()),
                            values.size() * sizeof(float)));
}

ProtoMessage &ProtoMessage::addMessage(uint32_t field) {
  cachedSize = ~uint64_t(0);
  Piece &piece = pieces.emplace_back();
  piece.nested = std::make_unique<ProtoMessage>();
  piece.field = field;
  return *piece.nested;
}

uint64_t ProtoMessage::size() const {
  if (cachedSize != ~uint64_t(0))
    return cachedSize;
  uint64_t total = 0;
  for (const Piece &piece : pieces) {
    total += piece.encoded.size() + piece.borrowed.size();
    if (piece.nested) {
      uint64_t n = piece.nested->size();
      total += varintSize((uint64_t(piece.field) << 3) | 2) + varintSize(n) + n;
    }
  }
  cachedSize = total;
  return total;
}

void ProtoMessage::write(raw_ostream &os) const {
  for (const Piece &piece : pieces) {
    os << piece.encoded;
    if (!piece.borrowed.empty())
      os.write(piece.borrowed.data(), piece.borrowed.size());
    if (piece.nested) {
      std::string header;
      appendTag(header, piece.field, 2);
      appendVarint(header, piece.nested->size());
      os << header;
      piece.nested->write(os);
    }
  }
}

} // namespace quant_opt::onnxproto
