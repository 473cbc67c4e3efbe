//===- ProtoWriter.h - protobuf wire-format writer ---------------*- C++ -*-===//
//
// The counterpart of ProtoReader.cpp: a message is built as a list of
// already-encoded pieces, nested messages and borrowed byte ranges (weights
// are never copied), then its size is computed bottom-up and it is streamed
// out. Field numbers are the caller's (ExportONNX.cpp names them for
// onnx.proto).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_ONNX_PROTOWRITER_H
#define QUANTOPT_TARGET_ONNX_PROTOWRITER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace quant_opt::onnxproto {

/// One protobuf message under construction.
class ProtoMessage {
public:
  /// Wire type 0: int32/int64/uint64/bool/enum fields (negative values as
  /// 10-byte two's complement, as protobuf encodes int64).
  void addVarint(uint32_t field, int64_t value);
  /// Wire type 5: a float field.
  void addFloat(uint32_t field, float value);
  /// Wire type 2: a string or bytes field (copied).
  void addBytes(uint32_t field, llvm::StringRef bytes);
  /// Wire type 2: a bytes field that refers to `bytes`, which must outlive
  /// the write.
  void addBorrowedBytes(uint32_t field, llvm::ArrayRef<char> bytes);
  /// Packed repeated int64 / float fields.
  void addPackedVarints(uint32_t field, llvm::ArrayRef<int64_t> values);
  void addPackedFloats(uint32_t field, llvm::ArrayRef<float> values);
  /// Wire type 2: a nested message, filled in by the caller.
  ProtoMessage &addMessage(uint32_t field);

  /// The encoded size in bytes.
  uint64_t size() const;
  /// Writes the encoding.
  void write(llvm::raw_ostream &os) const;

private:
  struct Piece {
    std::string encoded;                  // tag + value, or tag + length
    llvm::ArrayRef<char> borrowed;        // bytes after `encoded`
    std::unique_ptr<ProtoMessage> nested; // message after `encoded`
    uint32_t field = 0;                   // for nested messages
  };
  std::string &inlineBuffer();
  std::vector<Piece> pieces;
  mutable uint64_t cachedSize = ~uint64_t(0);
};

/// The varint encoding of `value` appended to `out`.
void appendVarint(std::string &out, uint64_t value);
/// The number of bytes of `value`'s varint encoding.
unsigned varintSize(uint64_t value);

} // namespace quant_opt::onnxproto

#endif // QUANTOPT_TARGET_ONNX_PROTOWRITER_H
