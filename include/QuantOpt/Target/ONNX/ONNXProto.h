//===- ONNXProto.h - zero-copy reader for ONNX protobuf ---------*- C++ -*-===//
//
// A bounds-checked protobuf wire-format reader for the subset of onnx.proto
// the importer needs. It never copies tensor payloads: `rawData` and all
// strings are views into the caller's buffer (normally a memory-mapped
// .onnx file), which must outlive the parsed model. Unknown fields are
// skipped, as protobuf requires. Any malformed input (truncated varints or
// lengths, lengths past the end, wrong wire types, group encodings,
// nesting deeper than the schema allows) is an llvm::Error naming the
// message and the byte offset.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_ONNX_ONNXPROTO_H
#define QUANTOPT_TARGET_ONNX_ONNXPROTO_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <memory>
#include <vector>

namespace quant_opt::onnxproto {

/// TensorProto.DataType codes used by the importer.
enum DataType : int32_t {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
};

/// Printable name of a data type code ("FLOAT", "INT64", "type 99").
std::string dataTypeName(int32_t dataType);

struct StringPair {
  llvm::StringRef key, value;
};

struct Tensor {
  llvm::SmallVector<int64_t, 4> dims;
  int32_t dataType = UNDEFINED;
  llvm::StringRef name;
  bool hasRawData = false;
  llvm::StringRef rawData;
  std::vector<float> floatData;
  std::vector<int32_t> int32Data;
  std::vector<int64_t> int64Data;
  std::vector<double> doubleData;
  std::vector<uint64_t> uint64Data;
  size_t numStringData = 0;
  bool hasSegment = false;
  llvm::SmallVector<StringPair, 4> externalData;
  int32_t dataLocation = 0; // 1 = EXTERNAL
};

struct Dimension {
  bool hasValue = false;
  int64_t value = 0;
  llvm::StringRef param;
};

/// TypeProto, reduced to what the importer can use.
struct TypeInfo {
  enum Kind {
    None,
    TensorKind,
    SequenceKind,
    MapKind,
    SparseTensorKind,
    OptionalKind,
    OtherKind
  };
  Kind kind = None;
  int32_t elemType = UNDEFINED;
  bool hasShape = false;
  llvm::SmallVector<Dimension, 4> dims;
};

struct ValueInfo {
  llvm::StringRef name;
  TypeInfo type;
};

struct Attribute {
  enum Type : int32_t {
    UNDEFINED = 0,
    FLOAT = 1,
    INT = 2,
    STRING = 3,
    TENSOR = 4,
    GRAPH = 5,
    FLOATS = 6,
    INTS = 7,
    STRINGS = 8,
    TENSORS = 9,
    GRAPHS = 10,
    SPARSE_TENSOR = 11,
    SPARSE_TENSORS = 12,
    TYPE_PROTO = 13,
    TYPE_PROTOS = 14,
  };
  llvm::StringRef name;
  int32_t type = UNDEFINED;
  llvm::StringRef refAttrName;
  float f = 0;
  int64_t i = 0;
  llvm::StringRef s;
  std::unique_ptr<Tensor> t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<llvm::StringRef> strings;
  size_t numTensors = 0, numGraphs = 0, numSparse = 0;
  bool hasGraph = false, hasSparseTensor = false, hasTypeProto = false;
  bool hasF = false, hasI = false, hasS = false;

  /// The attribute type: the declared one, or (for producers that omit it,
  /// as IR version < 2 did) the one implied by the single field present.
  int32_t effectiveType() const;
};

struct Node {
  std::vector<llvm::StringRef> inputs, outputs;
  llvm::StringRef name, opType, domain;
  std::vector<Attribute> attributes;
};

struct Graph {
  llvm::StringRef name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  size_t numSparseInitializers = 0;
  std::vector<ValueInfo> inputs, outputs, valueInfo;
};

struct OpsetImport {
  llvm::StringRef domain;
  int64_t version = 0;
};

struct Model {
  int64_t irVersion = 0;
  std::vector<OpsetImport> opsetImports;
  llvm::StringRef producerName, producerVersion, domain;
  int64_t modelVersion = 0;
  bool hasGraph = false;
  Graph graph;
  size_t numFunctions = 0;
  std::vector<StringPair> metadata;
};

/// Parses a serialized ModelProto. All StringRefs in the result point into
/// `bytes`.
llvm::Expected<Model> parseModel(llvm::StringRef bytes);

/// Parses a serialized TensorProto (used for .pb tensor files and tests).
llvm::Expected<Tensor> parseTensor(llvm::StringRef bytes);

} // namespace quant_opt::onnxproto

#endif // QUANTOPT_TARGET_ONNX_ONNXPROTO_H
