//===- ImportONNX.cpp - ONNX protobuf to onnx dialect ---------------------===//
//
// Import runs in four steps, each of which either succeeds or reports every
// problem it can name and fails:
//   1. parse the protobuf (ProtoReader.cpp: zero-copy, bounds-checked);
//   2. check the model as a whole: opsets, unsupported op types (all listed
//      in one error), graph inputs, --input-shape;
//   3. order the nodes topologically, rejecting dangling names, values
//      produced twice and cycles;
//   4. build one onnx op per node, upgrading older opsets to the canonical
//      form (LegacyOpsets section), inferring result types, and refining
//      them with the model's declared value_info.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ImportONNX.h"
#include "QuantOpt/Target/ONNX/ExportONNX.h"
#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Target/ONNX/ONNXProto.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cstring>
#include <numeric>
#include <queue>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::onnx;
namespace proto = quant_opt::onnxproto;
using llvm::createStringError;
using llvm::Expected;
using llvm::inconvertibleErrorCode;
using llvm::MemoryBuffer;
using llvm::StringMap;

static constexpr int64_t kMinOpset = 1;
static constexpr int64_t kMaxOpset = 21;

//===----------------------------------------------------------------------===//
// --input-shape
//===----------------------------------------------------------------------===//

Expected<StringMap<SmallVector<int64_t>>>
quant_opt::parseInputShapes(StringRef spec) {
  StringMap<SmallVector<int64_t>> result;
  SmallVector<StringRef> entries;
  spec.split(entries, ',', -1, /*KeepEmpty=*/false);
  for (StringRef entry : entries) {
    auto [name, dims] = entry.split('=');
    name = name.trim();
    dims = dims.trim();
    if (name.empty() || !entry.contains('='))
      return createStringError(inconvertibleErrorCode(),
                               "expected NAME=DIMS, got '" + entry + "'");
    SmallVector<int64_t> shape;
    if (!dims.empty() && dims != "scalar") {
      SmallVector<StringRef> parts;
      dims.split(parts, 'x');
      for (StringRef part : parts) {
        int64_t dim;
        if (part == "?" || part == "-1") {
          shape.push_back(ShapedType::kDynamic);
        } else if (part.getAsInteger(10, dim) || dim < 0) {
          return createStringError(inconvertibleErrorCode(),
                                   "invalid dimension '" + part + "' for '" +
                                       name + "'");
        } else {
          shape.push_back(dim);
        }
      }
    }
    if (!result.try_emplace(name, std::move(shape)).second)
      return createStringError(inconvertibleErrorCode(),
                               "input '" + name + "' given twice");
  }
  return std::move(result);
}

void quant_opt::registerImportDialects(DialectRegistry &registry) {
  registry.insert<ONNXDialect, func::FuncDialect>();
}

namespace {

/// Ops of the com.microsoft domain that the dialect models.
bool isMicrosoftOp(StringRef opType) { return opType == "MatMulNBits"; }

std::string shapeString(ArrayRef<int64_t> dims) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (i)
      s += "x";
    s += std::to_string(d);
  }
  return s.empty() ? "scalar" : s;
}

/// How many operands an op accepts, from its ODS traits: [min, max]
/// (max = UINT_MAX for variadic ops); nullopt when no trait says.
template <unsigned... Ns>
std::optional<std::pair<unsigned, unsigned>>
operandCountRange(RegisteredOperationName name,
                  std::integer_sequence<unsigned, Ns...>) {
  std::optional<std::pair<unsigned, unsigned>> range;
  if (name.hasTrait<OpTrait::ZeroOperands>())
    range = {0, 0};
  else if (name.hasTrait<OpTrait::OneOperand>())
    range = {1, 1};
  ((name.hasTrait<OpTrait::NOperands<Ns + 2>::template Impl>()
        ? void(range = {Ns + 2, Ns + 2})
        : void()),
   ...);
  ((name.hasTrait<OpTrait::AtLeastNOperands<Ns + 1>::template Impl>()
        ? void(range = {Ns + 1, UINT_MAX})
        : void()),
   ...);
  if (!range && name.hasTrait<OpTrait::VariadicOperands>())
    range = {0, UINT_MAX};
  return range;
}

/// Replaces characters that are awkward in resource keys.
std::string sanitizeKey(StringRef name) {
  std::string key;
  for (char c : name)
    key.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (key.empty() || llvm::isDigit(key[0]))
    key.insert(key.begin(), 'w');
  return key;
}

class Importer {
public:
  Importer(MLIRContext *context, const ImportOptions &options,
           std::shared_ptr<MemoryBuffer> buffer, StringRef modelPath,
           StringRef baseDir)
      : context(context), options(options), buffer(std::move(buffer)),
        modelPath(modelPath.str()), baseDir(baseDir.str()), builder(context) {
    fileLoc = FileLineColLoc::get(context, modelPath, 0, 0);
  }

  FailureOr<OwningOpRef<ModuleOp>> run();

private:
  InFlightDiagnostic error() { return emitError(fileLoc); }
  /// The node's name, or `<op type>_<index>` for unnamed nodes.
  std::string nodeName(const proto::Node &node) const {
    if (!node.name.empty())
      return node.name.str();
    size_t index = &node - model.graph.nodes.data();
    return (node.opType + "_" + Twine(index)).str();
  }
  Location nodeLoc(const proto::Node &node) {
    return NameLoc::get(StringAttr::get(context, nodeName(node)), fileLoc);
  }
  std::string describe(const proto::Node &node) const {
    return "node '" + nodeName(node) + "' (" + node.opType.str() + ")";
  }

  LogicalResult checkOpsets();
  LogicalResult checkSupportedOps();
  LogicalResult checkOpVersions();
  FailureOr<Type> convertValueType(const proto::TypeInfo &type, StringRef what);
  LogicalResult collectDeclaredTypes();
  FailureOr<ElementsAttr> convertTensor(const proto::Tensor &tensor,
                                        StringRef what);
  FailureOr<ArrayRef<char>> externalBytes(const proto::Tensor &tensor,
                                          StringRef what,
                                          std::shared_ptr<MemoryBuffer> &file);
  FailureOr<SmallVector<size_t>> topologicalOrder();
  LogicalResult importNode(const proto::Node &node, size_t index);
  FailureOr<Attribute> convertAttribute(const proto::Attribute &attr,
                                        const proto::Node &node);
  FailureOr<Operation *> createOp(StringRef opType, ValueRange operands,
                                  ArrayRef<NamedAttribute> attrs,
                                  unsigned numOutputs, Location loc);
  Value noValue();
  Value i64Constant(ArrayRef<int64_t> values, Location loc);
  Value scalarConstant(Type elementType, double value, Location loc);
  LogicalResult upgradeBeforeOpset9(const proto::Node &node, Location loc,
                                    StringRef opType,
                                    SmallVectorImpl<Value> &operands,
                                    SmallVectorImpl<NamedAttribute> &attrs,
                                    StringSet<> &consumed);
  LogicalResult
  upgradeLegacy(const proto::Node &node, Location loc, StringRef &opType,
                SmallVectorImpl<Value> &operands,
                SmallVectorImpl<NamedAttribute> &attrs, StringSet<> &consumed,
                SmallVectorImpl<Value> &replacement, unsigned &numOutputs);

  MLIRContext *context;
  const ImportOptions &options;
  std::shared_ptr<MemoryBuffer> buffer;
  std::string modelPath, baseDir;
  OpBuilder builder;
  Location fileLoc = UnknownLoc::get(context);

  proto::Model model;
  int64_t opset = 0;
  StringMap<std::shared_ptr<MemoryBuffer>> externalFiles;
  StringMap<Value> values;
  StringMap<Type> declaredTypes;
  Value cachedNoValue;
  /// Whether an initializer was stored as external data (recorded on the
  /// module for --emit=onnx).
  bool sawExternalData = false;
};

//===----------------------------------------------------------------------===//
// Whole-model checks
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkOpsets() {
  bool hasDefault = false;
  for (const proto::OpsetImport &entry : model.opsetImports) {
    if (entry.domain.empty() || entry.domain == "ai.onnx") {
      hasDefault = true;
      opset = entry.version;
    }
  }
  if (!hasDefault)
    return error() << "model does not import the default ONNX opset "
                      "(opset_import with domain '')";
  if (opset < kMinOpset)
    return error() << "ONNX opset " << opset << " is not supported: "
                   << "quant-opt imports opsets " << kMinOpset << " to "
                   << kMaxOpset
                   << " (convert the model with onnx.version_converter)";
  if (opset > kMaxOpset)
    emitWarning(fileLoc) << "ONNX opset " << opset << " is newer than "
                         << kMaxOpset << "; importing with opset " << kMaxOpset
                         << " semantics";
  return success();
}

/// The opset that introduced the ops the dialect models (experimental ops of
/// opset 1 count from the opset that made them official); ops of opset 1
/// are valid at every imported opset.
static int64_t introducedIn(StringRef opType) {
  return llvm::StringSwitch<int64_t>(opType)
      .Cases({"Acos", "Asin", "Atan", "Cos", "Sin", "Tan"}, 7)
      .Case("Expand", 8)
      .Cases({"Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf", "Shrink",
              "Sign", "IsNaN", "Where", "NonZero", "OneHot", "EyeLike",
              "ConstantOfShape", "MeanVarianceNormalization"},
             9)
      .Cases({"Resize", "QuantizeLinear", "DequantizeLinear", "QLinearMatMul",
              "QLinearConv", "MatMulInteger", "ConvInteger", "Mod",
              "ThresholdedRelu", "IsInf"},
             10)
      .Cases({"DynamicQuantizeLinear", "Range", "Round", "BitShift", "CumSum",
              "GatherElements", "GatherND", "ScatterElements", "ScatterND"},
             11)
      .Cases({"LessOrEqual", "GreaterOrEqual", "Celu"}, 12)
      .Cases({"Trilu", "HardSwish"}, 14)
      .Case("CastLike", 15)
      .Case("LayerNormalization", 17)
      .Case("Gelu", 20)
      .Default(1);
}

LogicalResult Importer::checkOpVersions() {
  bool importsMicrosoft =
      llvm::any_of(model.opsetImports, [](const proto::OpsetImport &o) {
        return o.domain == "com.microsoft";
      });
  for (auto [index, node] : llvm::enumerate(model.graph.nodes)) {
    std::string name = node.name.empty()
                           ? (node.opType + "_" + Twine(index)).str()
                           : node.name.str();
    if (node.domain == "com.microsoft") {
      if (!importsMicrosoft)
        return error() << "node '" << name << "' (" << node.opType
                       << ") is in domain com.microsoft, which the model "
                          "does not import (no opset_import entry)";
      continue;
    }
    if (node.opType == "Upsample" && opset >= 10)
      return error() << "node '" << name << "' (Upsample): Upsample is "
                     << "deprecated since opset 10 (this model is opset "
                     << opset << "); use Resize";
    if (node.opType == "Upsample" && opset < 7)
      return error() << "node '" << name << "' (Upsample): Upsample before "
                     << "opset 7 (this model is opset " << opset
                     << ") is experimental and not supported";
    int64_t since = introducedIn(node.opType);
    if (since > opset)
      return error() << "node '" << name << "' (" << node.opType
                     << "): " << node.opType << " is not part of ONNX opset "
                     << opset << " (it was introduced in opset " << since
                     << ")";
  }
  return success();
}

LogicalResult Importer::checkSupportedOps() {
  struct Unsupported {
    std::string domain, opType;
    int64_t count = 0;
    std::string firstNode;
    int64_t opsetVersion = 0;
  };
  std::vector<Unsupported> missing;
  for (auto [index, node] : llvm::enumerate(model.graph.nodes)) {
    StringRef domain = node.domain == "ai.onnx" ? "" : node.domain;
    bool ok = false;
    if (domain.empty())
      ok = (node.opType == "Upsample" &&
            RegisteredOperationName::lookup("onnx.Resize", context)) ||
           (node.opType != "NoValue" && !isMicrosoftOp(node.opType) &&
            RegisteredOperationName::lookup(("onnx." + node.opType).str(),
                                            context));
    else if (domain == "com.microsoft")
      ok = isMicrosoftOp(node.opType);
    if (ok)
      continue;
    std::string domainName = domain.empty() ? "ai.onnx" : domain.str();
    auto it = llvm::find_if(missing, [&](const Unsupported &u) {
      return u.domain == domainName && u.opType == node.opType;
    });
    if (it == missing.end()) {
      missing.push_back({domainName, node.opType.str()});
      it = std::prev(missing.end());
    }
    Unsupported &entry = *it;
    if (entry.count++ == 0) {
      entry.firstNode = node.name.empty()
                            ? (node.opType + "_" + Twine(index)).str()
                            : node.name.str();
      for (const proto::OpsetImport &o : model.opsetImports)
        if ((o.domain.empty() ? StringRef("ai.onnx") : o.domain) ==
            (domain.empty() ? StringRef("ai.onnx") : domain))
          entry.opsetVersion = o.version;
    }
  }
  if (missing.empty())
    return success();
  auto diag = error();
  diag << "model uses " << missing.size() << " unsupported op type"
       << (missing.size() == 1 ? "" : "s") << ":";
  for (const Unsupported &entry : missing)
    diag << "\n  " << entry.opType << " (domain '" << entry.domain
         << "', opset " << entry.opsetVersion << "): " << entry.count << " node"
         << (entry.count == 1 ? "" : "s") << ", first '" << entry.firstNode
         << "'";
  return failure();
}

FailureOr<Type> Importer::convertValueType(const proto::TypeInfo &type,
                                           StringRef what) {
  if (type.kind != proto::TypeInfo::TensorKind) {
    static const char *const kinds[] = {"no",     "tensor",        "sequence",
                                        "map",    "sparse tensor", "optional",
                                        "unknown"};
    return error() << what << " has " << kinds[type.kind]
                   << " type; only dense tensors are supported";
  }
  Type elementType = getTypeFromONNXDataType(context, type.elemType);
  if (!elementType)
    return error() << what << " has unsupported element type "
                   << proto::dataTypeName(type.elemType);
  if (!type.hasShape)
    return Type(UnrankedTensorType::get(elementType));
  SmallVector<int64_t> shape;
  int64_t product = 1;
  for (const proto::Dimension &dim : type.dims) {
    if (!dim.hasValue) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (dim.value < 0)
      return error() << what << " has negative dimension " << dim.value;
    if (llvm::MulOverflow(product, dim.value, product))
      return error() << what
                     << " has dimensions whose product overflows "
                        "64 bits";
    shape.push_back(dim.value);
  }
  return Type(RankedTensorType::get(shape, elementType));
}

LogicalResult Importer::collectDeclaredTypes() {
  auto collect = [&](const std::vector<proto::ValueInfo> &infos,
                     StringRef kind) -> LogicalResult {
    for (const proto::ValueInfo &info : infos) {
      // Only tensor value infos refine types.
      if (info.type.kind != proto::TypeInfo::TensorKind)
        continue;
      auto type =
          convertValueType(info.type, (kind + " '" + info.name + "'").str());
      if (failed(type))
        return failure();
      declaredTypes[info.name] = *type;
    }
    return success();
  };
  return success(succeeded(collect(model.graph.valueInfo, "value_info")) &&
                 succeeded(collect(model.graph.outputs, "graph output")));
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

FailureOr<ArrayRef<char>>
Importer::externalBytes(const proto::Tensor &tensor, StringRef what,
                        std::shared_ptr<MemoryBuffer> &file) {
  StringRef location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const proto::StringPair &entry : tensor.externalData) {
    if (entry.key == "location") {
      location = entry.value;
    } else if (entry.key == "offset" || entry.key == "length") {
      uint64_t value;
      if (entry.value.getAsInteger(10, value))
        return error() << what << ": external data " << entry.key << " '"
                       << entry.value << "' is not a non-negative integer";
      if (entry.key == "offset")
        offset = value;
      else
        length = value;
    }
  }
  if (location.empty())
    return error() << what << ": external data has no 'location'";
  if (baseDir.empty())
    return error() << what << ": external data '" << location
                   << "' cannot be resolved for a model read from memory";
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef c) { return c == ".."; }))
    return error() << what << ": external data path '" << location
                   << "' must be relative to the model's directory and stay "
                      "inside it";
  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);

  auto it = externalFiles.find(path);
  if (it == externalFiles.end()) {
    // Symbolic links may not lead out of the model's directory either.
    SmallString<256> realDir, realFile;
    if (std::error_code ec = llvm::sys::fs::real_path(baseDir, realDir))
      return error() << what << ": cannot resolve the model's directory '"
                     << baseDir << "': " << ec.message();
    if (std::error_code ec = llvm::sys::fs::real_path(path, realFile))
      return error() << what << ": cannot open external data file '" << path
                     << "': " << ec.message();
    if (realFile != realDir &&
        !StringRef(realFile).starts_with((realDir + "/").str()))
      return error() << what << ": external data file '" << location
                     << "' resolves outside the model's directory";
    if (!llvm::sys::fs::is_regular_file(realFile))
      return error() << what << ": external data '" << location
                     << "' is not a regular file";
    auto mapped = MemoryBuffer::getFile(realFile, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false,
                                        /*IsVolatile=*/false);
    if (!mapped)
      return error() << what << ": cannot open external data file '" << path
                     << "': " << mapped.getError().message();
    it = externalFiles
             .try_emplace(path,
                          std::shared_ptr<MemoryBuffer>(std::move(*mapped)))
             .first;
  }
  file = it->second;
  uint64_t size = file->getBufferSize();
  if (offset > size)
    return error() << what << ": external data offset " << offset
                   << " is past the end of '" << location << "' (" << size
                   << " bytes)";
  uint64_t available = size - offset;
  uint64_t n = length.value_or(available);
  if (n > available)
    return error() << what << ": external data range [" << offset << ", "
                   << offset + n << ") is past the end of '" << location
                   << "' (" << size << " bytes)";
  return ArrayRef<char>(file->getBufferStart() + offset, n);
}

FailureOr<ElementsAttr> Importer::convertTensor(const proto::Tensor &tensor,
                                                StringRef what) {
  Type elementType = getTypeFromONNXDataType(context, tensor.dataType);
  if (!elementType)
    return error() << what << " has unsupported data type "
                   << proto::dataTypeName(tensor.dataType);
  if (tensor.hasSegment)
    return error() << what << " uses segments, which are not supported";
  int64_t count = 1;
  for (int64_t dim : tensor.dims) {
    if (dim < 0)
      return error() << what << " has negative dimension " << dim;
    if (llvm::MulOverflow(count, dim, count))
      return error() << what
                     << " has dimensions whose product overflows "
                        "64 bits";
  }
  unsigned bits = elementType.getIntOrFloatBitWidth();
  // Bytes in ONNX's layout: 4-bit types pack two per byte, bool is a byte.
  // The element count fits in 63 bits but the byte count may not (2^61
  // doubles): a wrapped size would match a short raw_data.
  uint64_t width = std::max(bits / 8, 1u);
  uint64_t onnxBytes;
  if (bits == 4)
    onnxBytes = (uint64_t(count) + 1) / 2;
  else if (uint64_t(count) > UINT64_MAX / width)
    return error() << what << " has " << count << " elements of "
                   << proto::dataTypeName(tensor.dataType)
                   << ", whose size in bytes overflows 64 bits";
  else
    onnxBytes = uint64_t(count) * width;
  if (onnxBytes > options.maxTensorBytes)
    return error() << what << " declares " << onnxBytes
                   << " bytes, more than the " << options.maxTensorBytes
                   << "-byte limit";
  auto type = RankedTensorType::get(tensor.dims, elementType);
  std::string desc = proto::dataTypeName(tensor.dataType) + "[" +
                     shapeString(tensor.dims) + "]";

  // Raw bytes: inside the model file or in an external file.
  std::optional<ArrayRef<char>> raw;
  std::shared_ptr<MemoryBuffer> owner = buffer;
  if (tensor.dataLocation == 1 || !tensor.externalData.empty()) {
    sawExternalData = true;
    auto bytes = externalBytes(tensor, what, owner);
    if (failed(bytes))
      return failure();
    raw = *bytes;
  } else if (tensor.hasRawData) {
    raw = ArrayRef<char>(tensor.rawData.data(), tensor.rawData.size());
  }

  if (raw) {
    if (raw->size() != onnxBytes)
      return error() << what << ": raw data has " << raw->size()
                     << " bytes, expected " << onnxBytes << " for " << desc;
    bool packedBits = bits == 1 || bits == 4;
    if (!packedBits && count > options.inlineElementLimit) {
      size_t align = std::max(bits / 8, 1u);
      std::string key = sanitizeKey(tensor.name.empty() ? what : tensor.name);
      AsmResourceBlob blob;
      if (reinterpret_cast<uintptr_t>(raw->data()) % align == 0) {
        // Zero copy: the blob points into the mapping and keeps it alive.
        blob = UnmanagedAsmResourceBlob::allocateWithAlign(
            *raw, align, [owner](void *, size_t, size_t) {});
      } else {
        blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(*raw, align);
      }
      return cast<ElementsAttr>(
          DenseResourceElementsAttr::get(type, key, std::move(blob)));
    }
    if (bits == 1) {
      SmallVector<bool> flags;
      for (char c : *raw)
        flags.push_back(c != 0);
      return cast<ElementsAttr>(DenseElementsAttr::get(type, flags));
    }
    if (bits == 4) {
      SmallVector<APInt> nibbles;
      for (int64_t i = 0; i < count; ++i) {
        uint8_t byte = static_cast<uint8_t>((*raw)[i / 2]);
        nibbles.push_back(APInt(4, i % 2 ? byte >> 4 : byte & 0xf));
      }
      return cast<ElementsAttr>(DenseElementsAttr::get(type, nibbles));
    }
    if (count == 0)
      return cast<ElementsAttr>(
          DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, *raw));
  }

  // Typed repeated fields: small tensors (attributes, shape constants).
  auto mismatch = [&](size_t n, StringRef field) {
    return error() << what << ": " << field << " has " << n
                   << " values, expected " << count << " for " << desc;
  };
  if (tensor.dataType == proto::STRING)
    return error() << what << " has unsupported data type STRING";
  SmallVector<APInt> ints;
  SmallVector<APFloat> floats;
  switch (tensor.dataType) {
  case proto::FLOAT:
    if (tensor.floatData.size() != (size_t)count)
      return mismatch(tensor.floatData.size(), "float_data");
    for (float f : tensor.floatData)
      floats.push_back(APFloat(f));
    break;
  case proto::DOUBLE:
    if (tensor.doubleData.size() != (size_t)count)
      return mismatch(tensor.doubleData.size(), "double_data");
    for (double d : tensor.doubleData)
      floats.push_back(APFloat(d));
    break;
  case proto::INT64:
    if (tensor.int64Data.size() != (size_t)count)
      return mismatch(tensor.int64Data.size(), "int64_data");
    for (int64_t v : tensor.int64Data)
      ints.push_back(APInt(64, v, /*isSigned=*/true));
    break;
  case proto::UINT32:
  case proto::UINT64:
    if (tensor.uint64Data.size() != (size_t)count)
      return mismatch(tensor.uint64Data.size(), "uint64_data");
    for (uint64_t v : tensor.uint64Data)
      ints.push_back(
          APInt(bits, v, /*isSigned=*/false, /*implicitTrunc=*/true));
    break;
  case proto::INT4:
  case proto::UINT4: {
    // Two 4-bit values per int32_data entry.
    if (tensor.int32Data.size() != (size_t)(count + 1) / 2)
      return mismatch(tensor.int32Data.size(), "int32_data");
    for (int64_t i = 0; i < count; ++i)
      ints.push_back(
          APInt(4, (tensor.int32Data[i / 2] >> (4 * (i % 2))) & 0xf));
    break;
  }
  default: {
    // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16, FLOAT8*:
    // one int32_data entry per element (the bit pattern for floats).
    if (tensor.int32Data.size() != (size_t)count)
      return mismatch(tensor.int32Data.size(), "int32_data");
    for (int32_t v : tensor.int32Data) {
      APInt value(bits, static_cast<uint64_t>(static_cast<int64_t>(v)),
                  /*isSigned=*/false, /*implicitTrunc=*/true);
      if (auto floatType = dyn_cast<FloatType>(elementType))
        floats.push_back(APFloat(floatType.getFloatSemantics(), value));
      else
        ints.push_back(value);
    }
  }
  }
  // Large tensors stored in typed fields (float_data, int64_data, ...) must be
  // decoded, so they cannot point into the file, but they still stay out of
  // the textual IR: they become heap-allocated dense_resource blobs.
  if (count > options.inlineElementLimit && bits % 8 == 0) {
    size_t width = bits / 8;
    AsmResourceBlob blob = HeapAsmResourceBlob::allocate(count * width, width);
    char *out = blob.getMutableData().data();
    for (int64_t i = 0; i < count; ++i) {
      APInt value = floats.empty() ? ints[i] : floats[i].bitcastToAPInt();
      uint64_t word = value.getZExtValue();
      std::memcpy(out + i * width, &word, width); // little-endian host
    }
    std::string key = sanitizeKey(tensor.name.empty() ? what : tensor.name);
    return cast<ElementsAttr>(
        DenseResourceElementsAttr::get(type, key, std::move(blob)));
  }
  if (!floats.empty())
    return cast<ElementsAttr>(DenseElementsAttr::get(type, floats));
  if (!ints.empty()) {
    if (bits == 1) {
      SmallVector<bool> flags;
      for (const APInt &v : ints)
        flags.push_back(!v.isZero());
      return cast<ElementsAttr>(DenseElementsAttr::get(type, flags));
    }
    return cast<ElementsAttr>(DenseElementsAttr::get(type, ints));
  }
  return cast<ElementsAttr>(
      DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
}

//===----------------------------------------------------------------------===//
// Graph structure
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<size_t>> Importer::topologicalOrder() {
  const auto &nodes = model.graph.nodes;
  StringMap<size_t> producer;
  for (auto [index, node] : llvm::enumerate(nodes)) {
    for (StringRef output : node.outputs) {
      if (output.empty())
        continue;
      if (values.count(output))
        return error() << describe(node) << " redefines '" << output
                       << "', which is a graph input or initializer";
      auto [it, inserted] = producer.try_emplace(output, index);
      if (!inserted)
        return error() << "value '" << output << "' is produced by both "
                       << describe(nodes[it->second]) << " and "
                       << describe(node);
    }
  }
  SmallVector<size_t> pending(nodes.size(), 0);
  std::vector<SmallVector<size_t, 2>> users(nodes.size());
  for (auto [index, node] : llvm::enumerate(nodes)) {
    for (StringRef input : node.inputs) {
      if (input.empty() || values.count(input))
        continue;
      auto it = producer.find(input);
      if (it == producer.end())
        return error() << describe(node) << ": input '" << input
                       << "' is not a graph input, an initializer or the "
                          "output of any node";
      ++pending[index];
      users[it->second].push_back(index);
    }
  }
  // Kahn's algorithm, always taking the earliest ready node so a model that
  // is already sorted keeps its order.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0)
      ready.push(i);
  SmallVector<size_t> order;
  while (!ready.empty()) {
    size_t index = ready.top();
    ready.pop();
    order.push_back(index);
    for (size_t user : users[index])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (order.size() != nodes.size()) {
    auto diag = error();
    diag << "graph has a cycle; nodes on or after it:";
    int shown = 0;
    for (size_t i = 0; i < nodes.size() && shown < 8; ++i)
      if (pending[i]) {
        diag << (shown ? ", " : " ") << describe(nodes[i]);
        ++shown;
      }
    return failure();
  }
  return order;
}

Value Importer::noValue() {
  if (!cachedNoValue) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(builder.getInsertionBlock());
    cachedNoValue = NoValueOp::create(builder, fileLoc);
  }
  return cachedNoValue;
}

Value Importer::i64Constant(ArrayRef<int64_t> data, Location loc) {
  auto type =
      RankedTensorType::get({(int64_t)data.size()}, builder.getI64Type());
  return ConstantOp::create(
      builder, loc, cast<ElementsAttr>(DenseElementsAttr::get(type, data)));
}

Value Importer::scalarConstant(Type elementType, double value, Location loc) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto f = dyn_cast<FloatType>(elementType))
    element = builder.getFloatAttr(f, value);
  else
    element = builder.getIntegerAttr(elementType, (int64_t)value);
  return ConstantOp::create(
      builder, loc, cast<ElementsAttr>(DenseElementsAttr::get(type, element)));
}

FailureOr<Attribute> Importer::convertAttribute(const proto::Attribute &attr,
                                                const proto::Node &node) {
  auto fail = [&]() {
    return error() << describe(node) << ": attribute '" << attr.name << "' ";
  };
  if (!attr.refAttrName.empty())
    return fail() << "refers to a function attribute, which is only valid "
                     "inside ONNX functions";
  switch (attr.effectiveType()) {
  case proto::Attribute::FLOAT:
    return Attribute(builder.getF32FloatAttr(attr.f));
  case proto::Attribute::INT:
    return Attribute(builder.getI64IntegerAttr(attr.i));
  case proto::Attribute::STRING:
    return Attribute(builder.getStringAttr(attr.s));
  case proto::Attribute::TENSOR: {
    if (!attr.t)
      return fail() << "has no tensor";
    auto value = convertTensor(
        *attr.t, (describe(node) + " attribute '" + attr.name + "'").str());
    if (failed(value))
      return failure();
    return Attribute(*value);
  }
  case proto::Attribute::FLOATS:
    return Attribute(builder.getF32ArrayAttr(attr.floats));
  case proto::Attribute::INTS:
    return Attribute(builder.getI64ArrayAttr(attr.ints));
  case proto::Attribute::STRINGS: {
    SmallVector<StringRef> strings(attr.strings.begin(), attr.strings.end());
    return Attribute(builder.getStrArrayAttr(strings));
  }
  case proto::Attribute::UNDEFINED:
    return fail() << "has no value";
  default: {
    static const char *const names[] = {
        "UNDEFINED",      "FLOAT",      "INT",        "STRING",
        "TENSOR",         "GRAPH",      "FLOATS",     "INTS",
        "STRINGS",        "TENSORS",    "GRAPHS",     "SPARSE_TENSOR",
        "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
    int32_t type = attr.effectiveType();
    auto diag = fail() << "has type ";
    if (type >= 0 && type < (int32_t)std::size(names))
      diag << names[type];
    else
      diag << type;
    return diag << " (graphs, sparse tensors, type protos and lists of "
                   "tensors are not supported)";
  }
  }
}

FailureOr<Operation *> Importer::createOp(StringRef opType, ValueRange operands,
                                          ArrayRef<NamedAttribute> attrs,
                                          unsigned numOutputs, Location loc) {
  std::string fullName = ("onnx." + opType).str();
  auto name = RegisteredOperationName::lookup(fullName, context);
  if (!name)
    return emitError(loc) << "op '" << fullName << "' is not registered";

  NamedAttrList attrList(attrs);
  for (const NamedAttribute &attr : attrs)
    if (!llvm::is_contained(name->getAttributeNames(), attr.getName()))
      return emitError(loc)
             << "unknown attribute '" << attr.getName().getValue() << "' for "
             << opType << " (opset " << opset << ")";
  if (failed(name->verifyInherentAttrs(attrList,
                                       [&]() { return emitError(loc); })))
    return failure();

  // ODS accessors index operands by position without checking the count,
  // so the count is checked before the op exists. Missing trailing inputs
  // are optional inputs left out: they become `none`, which the ODS
  // constraints reject where the input is required.
  auto operandRange =
      operandCountRange(*name, std::make_integer_sequence<unsigned, 12>());
  if (!operandRange)
    return emitError(loc) << "cannot determine the operand count of "
                          << fullName;
  if (operands.size() > operandRange->second)
    return emitError(loc) << operands.size() << " inputs given; " << opType
                          << " takes at most " << operandRange->second;
  SmallVector<Value> paddedOperands(operands.begin(), operands.end());
  while (paddedOperands.size() < operandRange->first)
    paddedOperands.push_back(noValue());

  unsigned numResults;
  if (name->hasTrait<OpTrait::VariadicResults>())
    numResults = numOutputs;
  else if (name->hasTrait<OpTrait::OneResult>())
    numResults = 1;
  else if (name->hasTrait<OpTrait::ZeroResults>())
    numResults = 0;
  else if (name->hasTrait<OpTrait::NResults<2>::Impl>())
    numResults = 2;
  else if (name->hasTrait<OpTrait::NResults<3>::Impl>())
    numResults = 3;
  else if (name->hasTrait<OpTrait::NResults<4>::Impl>())
    numResults = 4;
  else
    return emitError(loc) << "cannot determine the result count of "
                          << fullName;
  if (numOutputs > numResults)
    return emitError(loc) << numOutputs << " outputs given; " << opType
                          << " has at most " << numResults;

  OperationState state(loc, *name);
  state.addOperands(paddedOperands);
  state.addAttributes(attrList);
  state.addTypes(SmallVector<Type>(
      numResults, UnrankedTensorType::get(builder.getF32Type())));
  Operation *op = builder.create(state);
  auto infer = dyn_cast<InferTypesOpInterface>(op);
  if (!infer)
    return emitError(loc) << fullName << " does not infer its result types";
  LogicalResult ods = success();
  {
    // Say why an operand is `none` when the node left inputs out.
    bool noted = false; // the node's handler re-emits through this one
    ScopedDiagnosticHandler missingInputs(context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && !noted &&
          paddedOperands.size() > operands.size()) {
        noted = true;
        diag.attachNote(loc)
            << "the node has " << operands.size() << " input"
            << (operands.size() == 1 ? "" : "s") << "; " << opType << " takes "
            << operandRange->first << " (inputs left out are passed as 'none')";
      }
      return failure(); // pass it on
    });
    ods = infer.verifyODSConstraints();
  }
  SmallVector<Type> types;
  if (failed(ods) || failed(infer.inferResultTypes(types)))
    return failure();
  if (types.size() != numResults)
    return emitError(loc) << fullName << " inferred " << types.size()
                          << " types for " << numResults << " results";
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  return op;
}

//===----------------------------------------------------------------------===//
// Legacy opsets: rewrite older forms into the canonical (newest) one.
//===----------------------------------------------------------------------===//

/// Forms of opsets 1-8 that differ from opset 9 beyond what the rewrites
/// shared with opsets 9+ (in upgradeLegacy) cover.
LogicalResult Importer::upgradeBeforeOpset9(
    const proto::Node &node, Location loc, StringRef opType,
    SmallVectorImpl<Value> &operands, SmallVectorImpl<NamedAttribute> &attrs,
    StringSet<> &consumed) {
  auto take = [&](StringRef name) -> const proto::Attribute * {
    for (const proto::Attribute &a : node.attributes)
      if (a.name == name) {
        consumed.insert(name);
        return &a;
      }
    return nullptr;
  };
  // Inserts `count` unit dimensions at `first` into operands[1].
  auto unsqueezeSecond = [&](int64_t first, int64_t count) -> LogicalResult {
    if (count <= 0)
      return success();
    SmallVector<int64_t> axes(count);
    std::iota(axes.begin(), axes.end(), first);
    auto op = createOp("Unsqueeze", {operands[1], i64Constant(axes, loc)}, {},
                       1, loc);
    if (failed(op))
      return failure();
    operands[1] = (*op)->getResult(0);
    return success();
  };

  bool legacyBroadcast =
      llvm::is_contained({"Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor",
                          "Equal", "Greater", "Less"},
                         opType);
  if (legacyBroadcast && opset < 7) {
    // Before 7: B broadcasts to A only with `broadcast` = 1, matching A's
    // trailing dimensions, or, with `axis`, A's dimensions from `axis` on.
    // Numpy broadcasting gives the same result once B has A's trailing
    // dimensions too: B gets unit dimensions appended.
    const proto::Attribute *broadcast = take("broadcast");
    const proto::Attribute *axisAttr = take("axis");
    if (!broadcast || broadcast->i == 0 || !axisAttr || operands.size() != 2)
      return success();
    auto a = shapeOf(operands[0]), b = shapeOf(operands[1]);
    if (!a || !b)
      return emitError(loc)
             << opType << " before opset 7 with attributes 'broadcast' = 1 "
             << "and 'axis' = " << axisAttr->i << " needs inputs of known rank";
    int64_t rankA = a->size(), rankB = b->size(), axis = axisAttr->i;
    if (axis < 0)
      axis += rankA;
    if (axis < 0 || axis + rankB > rankA)
      return emitError(loc)
             << opType << " attribute 'axis' = " << axisAttr->i
             << " is out of range: B of rank " << rankB
             << " aligned at that axis does not fit in A of rank " << rankA;
    return unsqueezeSecond(rankB, rankA - axis - rankB);
  } else if (opType == "Gemm" && opset < 7) {
    // Gemm-1/6: `broadcast` = 1 lets C broadcast to (M, N) (legacy
    // trailing-dimension broadcasting, the same as unidirectional numpy
    // broadcasting for C of rank <= 2); with 0, C is already (M, N).
    take("broadcast");
  } else if (opType == "PRelu" && opset < 7) {
    // PRelu-1/6: a 1-D slope that is not of size 1 holds one value per
    // channel (dimension 1 of X); from opset 7 it broadcasts
    // unidirectionally, so it becomes C x 1 x ... x 1.
    if (operands.size() != 2)
      return success();
    auto x = shapeOf(operands[0]), slope = shapeOf(operands[1]);
    if (!slope || slope->size() != 1 || (*slope)[0] == 1)
      return success();
    if (!x)
      return emitError(loc) << "PRelu before opset 7 with a per-channel "
                               "slope needs an input X of known rank";
    if (x->size() < 2)
      return emitError(loc) << "PRelu before opset 7: a slope of "
                            << (*slope)[0] << " values (one per channel) "
                            << "needs an input X of rank >= 2";
    return unsqueezeSecond(1, (int64_t)x->size() - 2);
  } else if (opType == "Concat" && opset < 4) {
    // Concat-1: `axis` is optional and defaults to 1.
    if (llvm::none_of(node.attributes, [](const proto::Attribute &a) {
          return a.name == "axis";
        }))
      attrs.push_back(
          builder.getNamedAttr("axis", builder.getI64IntegerAttr(1)));
  } else if (opType == "Reshape" && opset < 5) {
    // Reshape-1: the target shape is the `shape` attribute.
    const proto::Attribute *shape = take("shape");
    if (!shape)
      return emitError(loc) << "Reshape before opset 5 requires the 'shape' "
                               "attribute";
    operands.resize(1);
    operands.push_back(i64Constant(shape->ints, loc));
  } else if (opType == "Cast" && opset < 6) {
    // Cast-1: `to` is the data type's name.
    const proto::Attribute *to = take("to");
    if (!to)
      return emitError(loc) << "Cast requires the 'to' attribute";
    int64_t code = llvm::StringSwitch<int64_t>(to->s)
                       .Case("FLOAT", 1)
                       .Case("UINT8", 2)
                       .Case("INT8", 3)
                       .Case("UINT16", 4)
                       .Case("INT16", 5)
                       .Case("INT32", 6)
                       .Case("INT64", 7)
                       .Case("STRING", 8)
                       .Case("BOOL", 9)
                       .Case("FLOAT16", 10)
                       .Case("DOUBLE", 11)
                       .Case("UINT32", 12)
                       .Case("UINT64", 13)
                       .Case("COMPLEX64", 14)
                       .Case("COMPLEX128", 15)
                       .Default(0);
    if (!code)
      return emitError(loc) << "Cast before opset 6: attribute 'to' = '"
                            << to->s << "' is not an ONNX data type name";
    attrs.push_back(
        builder.getNamedAttr("to", builder.getI64IntegerAttr(code)));
  } else if (opType == "Split" && opset < 2 && operands.size() > 1) {
    return emitError(loc) << "Split before opset 2 with the 'split' input "
                             "is not supported (give 'split' as an attribute)";
  } else if (opType == "Tile" && opset < 6) {
    return emitError(loc) << "Tile before opset 6 (inputs 'tiles' and "
                             "'axis') is not supported";
  }
  return success();
}

LogicalResult Importer::upgradeLegacy(const proto::Node &node, Location loc,
                                      StringRef &opType,
                                      SmallVectorImpl<Value> &operands,
                                      SmallVectorImpl<NamedAttribute> &attrs,
                                      StringSet<> &consumed,
                                      SmallVectorImpl<Value> &replacement,
                                      unsigned &numOutputs) {
  auto find = [&](StringRef name) -> const proto::Attribute * {
    for (const proto::Attribute &a : node.attributes)
      if (a.name == name)
        return &a;
    return nullptr;
  };
  auto take = [&](StringRef name) {
    const proto::Attribute *a = find(name);
    if (a)
      consumed.insert(name);
    return a;
  };
  auto intsOperand = [&](StringRef name) -> Value {
    const proto::Attribute *a = take(name);
    return a ? i64Constant(a->ints, loc) : noValue();
  };
  auto pad = [&](size_t n) {
    while (operands.size() < n)
      operands.push_back(noValue());
  };
  auto elementType = [&](Value v) { return elementTypeOf(v); };
  // A required attribute of a legacy form that later opsets made an input.
  auto takeRequired = [&](StringRef name,
                          int64_t before) -> const proto::Attribute * {
    const proto::Attribute *a = take(name);
    if (!a)
      emitError(loc) << opType << " before opset " << before
                     << " requires the '" << name << "' attribute";
    return a;
  };
  // Dropout and BatchNormalization before opset 7: `is_test` = 0 (the
  // default) is training mode (random drops, batch statistics); the later
  // forms are the is_test = 1 one.
  auto requireIsTest = [&]() -> LogicalResult {
    const proto::Attribute *isTest = take("is_test");
    if (opset >= 7 || (isTest && isTest->i != 0))
      return success();
    return emitError(loc) << opType
                          << " before opset 7 with attribute 'is_test' = 0 "
                             "(the default) runs in training mode, which is "
                             "not supported; export the model with is_test = 1";
  };

  // Opsets 1-5: `consumed_inputs` only described buffer reuse; ignored.
  if (opset < 6)
    take("consumed_inputs");

  if (opset < 9 &&
      failed(upgradeBeforeOpset9(node, loc, opType, operands, attrs, consumed)))
    return failure();

  if (opType == "Slice" && opset < 10) {
    pad(1);
    operands.resize(1);
    operands.push_back(intsOperand("starts"));
    operands.push_back(intsOperand("ends"));
    operands.push_back(intsOperand("axes"));
  } else if (opType == "Clip" && opset < 11) {
    pad(1);
    operands.resize(1);
    for (StringRef bound : {"min", "max"}) {
      const proto::Attribute *a = take(bound);
      operands.push_back(a ? scalarConstant(elementType(operands[0]), a->f, loc)
                           : noValue());
    }
  } else if ((opType == "Squeeze" || opType == "Unsqueeze") && opset < 13) {
    pad(1);
    operands.resize(1);
    operands.push_back(intsOperand("axes"));
  } else if (opType == "Split" && opset < 13) {
    pad(1);
    operands.resize(1);
    operands.push_back(intsOperand("split"));
  } else if (opType.starts_with("Reduce") &&
             opset < (opType == "ReduceSum" ? 13 : 18)) {
    pad(1);
    operands.resize(1);
    operands.push_back(intsOperand("axes"));
  } else if (opType == "Pad" && opset < 11) {
    pad(1);
    operands.resize(1);
    // Pad-1 calls the attribute `paddings` (same layout as `pads`).
    operands.push_back(intsOperand(opset < 2 ? "paddings" : "pads"));
    const proto::Attribute *value = take("value");
    operands.push_back(
        scalarConstant(elementType(operands[0]), value ? value->f : 0.0, loc));
  } else if (opType == "Dropout" && opset < 12) {
    if (failed(requireIsTest()))
      return failure();
    pad(1);
    operands.resize(1);
    const proto::Attribute *ratio = take("ratio");
    operands.push_back(
        scalarConstant(builder.getF32Type(), ratio ? ratio->f : 0.5, loc));
    // Dropout-7 (opsets 7-9) returns the mask in the data's type, Dropout-10
    // and later as bool: cast it back where it is used.
    if (opset < 10 && node.outputs.size() > 1 && !node.outputs[1].empty()) {
      auto dropout = createOp(opType, operands, {}, 2, loc);
      if (failed(dropout))
        return failure();
      int64_t dataType = getONNXDataType(elementType(operands[0]));
      auto mask = createOp(
          "Cast", {(*dropout)->getResult(1)},
          {builder.getNamedAttr("to", builder.getI64IntegerAttr(dataType))}, 1,
          loc);
      if (failed(mask))
        return failure();
      replacement.push_back((*dropout)->getResult(0));
      replacement.push_back((*mask)->getResult(0));
    }
  } else if (opType == "Upsample" || (opType == "Resize" && opset < 11)) {
    // Upsample-9 and Resize-10: (X, scales), asymmetric coordinates,
    // nearest rounds down. Upsample-7 (opsets 7-8) has the same semantics
    // with `scales` as a required attribute.
    if (opType == "Upsample" && opset < 9) {
      const proto::Attribute *scalesAttr = takeRequired("scales", 9);
      if (!scalesAttr)
        return failure();
      pad(1);
      operands.resize(1);
      auto type = RankedTensorType::get({(int64_t)scalesAttr->floats.size()},
                                        builder.getF32Type());
      operands.push_back(
          ConstantOp::create(builder, loc,
                             cast<ElementsAttr>(DenseElementsAttr::get(
                                 type, ArrayRef<float>(scalesAttr->floats)))));
    }
    pad(2);
    Value scales = operands[1];
    operands.assign({operands[0], noValue(), scales, noValue()});
    opType = "Resize";
    attrs.push_back(builder.getNamedAttr("coordinate_transformation_mode",
                                         builder.getStringAttr("asymmetric")));
    attrs.push_back(
        builder.getNamedAttr("nearest_mode", builder.getStringAttr("floor")));
  } else if (opType == "BatchNormalization" && opset < 14) {
    // Before 14, outputs beyond Y (mean, var, saved_mean, saved_var) are
    // only present in training mode, where Y uses the batch statistics.
    for (auto [i, output] : llvm::enumerate(node.outputs))
      if (i > 0 && !output.empty())
        return emitError(loc)
               << "BatchNormalization before opset 14 with output " << i
               << " ('" << output << "') runs in training mode, which is "
               << "not supported; export the model in inference mode (only "
                  "output Y)";
    numOutputs = 1;
    // Before 9, `spatial` = 0 normalizes per activation (statistics of
    // shape C x D1 x ... x Dn); 1 (the default) is the canonical form.
    if (opset < 9) {
      const proto::Attribute *spatial = take("spatial");
      if (spatial && spatial->i == 0)
        return emitError(loc) << "BatchNormalization before opset 9 with "
                                 "attribute 'spatial' = 0 (per-activation "
                                 "statistics) is not supported";
    }
    if (failed(requireIsTest()))
      return failure();
  } else if (opType == "TopK" && opset < 10) {
    // TopK-1 takes `k` as a required attribute; from opset 10 it is the
    // 1-D i64 input `K`.
    const proto::Attribute *k = takeRequired("k", 10);
    if (!k)
      return failure();
    pad(1);
    operands.resize(1);
    operands.push_back(i64Constant({k->i}, loc));
  } else if ((opType == "Softmax" || opType == "LogSoftmax" ||
              opType == "Hardmax") &&
             opset < 13) {
    // Before 13 the input is coerced to 2-D at `axis` (default 1) and
    // normalized over the flattened trailing dimensions.
    const proto::Attribute *axisAttr = take("axis");
    int64_t axis = axisAttr ? axisAttr->i : 1;
    pad(1);
    Value input = operands[0];
    auto shape = shapeOf(input);
    if (shape) {
      int64_t rank = shape->size();
      if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
        return emitError(loc) << opType << " axis " << axis
                              << " is out of range for rank " << rank;
      if (axis < 0)
        axis += rank;
      if (axis == rank - 1) {
        attrs.push_back(
            builder.getNamedAttr("axis", builder.getI64IntegerAttr(-1)));
        return success();
      }
    }
    auto flatten = createOp(
        "Flatten", {input},
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))}, 1,
        loc);
    if (failed(flatten))
      return failure();
    auto normalized = createOp(
        opType, {(*flatten)->getResult(0)},
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(1))}, 1, loc);
    if (failed(normalized))
      return failure();
    auto inputShape = createOp("Shape", {input}, {}, 1, loc);
    if (failed(inputShape))
      return failure();
    auto reshaped = createOp(
        "Reshape", {(*normalized)->getResult(0), (*inputShape)->getResult(0)},
        {}, 1, loc);
    if (failed(reshaped))
      return failure();
    replacement.push_back((*reshaped)->getResult(0));
  }
  return success();
}

LogicalResult Importer::importNode(const proto::Node &node, size_t index) {
  Location loc = nodeLoc(node);
  StringRef opType = node.opType;

  // Diagnostics printed with a file location lose the NameLoc, so every
  // error raised while importing this node (by the importer or by an op's
  // verifier) is re-emitted prefixed with the node's name and op type.
  std::string prefix = describe(node);
  bool reemitting = false;
  ScopedDiagnosticHandler nameErrors(context, [&](Diagnostic &diag) {
    if (reemitting || diag.getSeverity() != DiagnosticSeverity::Error ||
        StringRef(diag.str()).starts_with(prefix))
      return failure(); // pass it on unchanged
    reemitting = true;
    InFlightDiagnostic named = emitError(diag.getLocation())
                               << prefix << ": " << diag.str();
    for (Diagnostic &note : diag.getNotes())
      named.attachNote(note.getLocation()) << note.str();
    named.report();
    reemitting = false;
    return success();
  });

  SmallVector<Value> operands;
  for (StringRef input : node.inputs)
    operands.push_back(input.empty() ? noValue() : values.lookup(input));

  // Constant nodes carry their value in one of several attributes.
  if (opType == "Constant") {
    if (node.attributes.size() != 1)
      return emitError(loc) << "Constant must have exactly one value "
                               "attribute, got "
                            << node.attributes.size();
    const proto::Attribute &attr = node.attributes.front();
    ElementsAttr value;
    Type f32 = builder.getF32Type(), i64 = builder.getI64Type();
    if (attr.name == "value") {
      auto converted = convertAttribute(attr, node);
      if (failed(converted))
        return failure();
      value = dyn_cast<ElementsAttr>(*converted);
      if (!value)
        return emitError(loc) << "Constant 'value' must be a tensor";
    } else if (attr.name == "value_float") {
      value = DenseElementsAttr::get(RankedTensorType::get({}, f32), attr.f);
    } else if (attr.name == "value_int") {
      value = DenseElementsAttr::get(RankedTensorType::get({}, i64), attr.i);
    } else if (attr.name == "value_floats") {
      value = DenseElementsAttr::get(
          RankedTensorType::get({(int64_t)attr.floats.size()}, f32),
          ArrayRef<float>(attr.floats));
    } else if (attr.name == "value_ints") {
      value = DenseElementsAttr::get(
          RankedTensorType::get({(int64_t)attr.ints.size()}, i64),
          ArrayRef<int64_t>(attr.ints));
    } else {
      return emitError(loc) << "Constant attribute '" << attr.name
                            << "' is not supported (sparse and string "
                               "constants cannot be imported)";
    }
    if (node.outputs.size() != 1 || node.outputs[0].empty())
      return emitError(loc) << "Constant must have exactly one output";
    values[node.outputs[0]] = ConstantOp::create(builder, loc, value);
    return success();
  }

  SmallVector<NamedAttribute> attrs;
  StringSet<> consumed;
  SmallVector<Value> replacement;
  unsigned numOutputs = node.outputs.size();
  if (failed(upgradeLegacy(node, loc, opType, operands, attrs, consumed,
                           replacement, numOutputs)))
    return failure();

  SmallVector<Value> results;
  if (!replacement.empty()) {
    results = replacement;
  } else {
    for (const proto::Attribute &attr : node.attributes) {
      if (consumed.contains(attr.name))
        continue;
      auto converted = convertAttribute(attr, node);
      if (failed(converted))
        return failure();
      attrs.push_back(builder.getNamedAttr(attr.name, *converted));
    }
    auto op = createOp(opType, operands, attrs, numOutputs, loc);
    if (failed(op))
      return failure();
    results.assign((*op)->result_begin(), (*op)->result_end());
  }

  for (auto [i, output] : llvm::enumerate(node.outputs)) {
    if (output.empty())
      continue;
    if (i >= results.size())
      return emitError(loc) << "output '" << output << "' has no result";
    Value result = results[i];
    auto declared = declaredTypes.find(output);
    if (declared != declaredTypes.end()) {
      if (!areCompatible(declared->second, result.getType()))
        return emitError(loc)
               << "value '" << output << "' is declared as " << declared->second
               << " but " << opType << " produces " << result.getType();
      result.setType(refineType(declared->second, result.getType()));
    }
    values[output] = result;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

FailureOr<OwningOpRef<ModuleOp>> Importer::run() {
  StringRef bytes = buffer->getBuffer();
  if (bytes.empty())
    return error() << "'" << modelPath
                   << "' is not a valid ONNX model: the file is empty";
  auto parsed = proto::parseModel(bytes);
  if (!parsed) {
    auto diag = error() << "'" << modelPath << "' is not a valid ONNX model: "
                        << llvm::toString(parsed.takeError());
    // A binary ModelProto starts with a tag byte and soon has non-text
    // bytes; the text format (or JSON, or a script) does not.
    StringRef head = bytes.take_front(256);
    if (llvm::all_of(head, [](char c) {
          return llvm::isPrint(c) || c == '\n' || c == '\r' || c == '\t';
        }))
      diag << " (the file looks like text; quant-opt reads binary ONNX "
              "protobuf files)";
    return diag;
  }
  model = std::move(*parsed);
  if (!model.hasGraph)
    return error() << "'" << modelPath
                   << "' is not a valid ONNX model: it has no graph";
  if (model.graph.numSparseInitializers)
    return error() << "sparse initializers are not supported";
  if (failed(checkSupportedOps()) || failed(checkOpsets()) ||
      failed(checkOpVersions()) || failed(collectDeclaredTypes()))
    return failure();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  SmallVector<NamedAttribute> opsetAttrs;
  for (const proto::OpsetImport &entry : model.opsetImports)
    opsetAttrs.push_back(
        builder.getNamedAttr(entry.domain.empty() ? "ai.onnx" : entry.domain,
                             builder.getI64IntegerAttr(entry.version)));
  (*module)->setAttr("onnx.opset_import",
                     builder.getDictionaryAttr(opsetAttrs));
  (*module)->setAttr("onnx.ir_version",
                     builder.getI64IntegerAttr(model.irVersion));
  if (!model.producerName.empty())
    (*module)->setAttr(
        "onnx.producer",
        builder.getStringAttr(
            model.producerVersion.empty()
                ? model.producerName.str()
                : (model.producerName + " " + model.producerVersion).str()));

  // Initializers (IR < 4 lists them among the inputs too: they stay
  // constants).
  StringSet<> initializerNames;
  for (const proto::Tensor &tensor : model.graph.initializers) {
    if (tensor.name.empty())
      return error() << "an initializer has no name";
    if (!initializerNames.insert(tensor.name).second)
      return error() << "initializer '" << tensor.name << "' is defined twice";
  }

  // Graph inputs and --input-shape.
  SmallVector<Type> argTypes;
  SmallVector<StringRef> argNames;
  SmallVector<const proto::TypeInfo *> argInfos;
  StringSet<> inputNames;
  for (const proto::ValueInfo &input : model.graph.inputs) {
    if (initializerNames.contains(input.name))
      continue;
    if (input.name.empty())
      return error() << "a graph input has no name";
    if (!inputNames.insert(input.name).second)
      return error() << "graph input '" << input.name << "' is listed twice";
    auto type = convertValueType(input.type,
                                 ("graph input '" + input.name + "'").str());
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argNames.push_back(input.name);
    argInfos.push_back(&input.type);
  }
  for (const auto &entry : options.inputShapes) {
    auto it = llvm::find(argNames, entry.getKey());
    if (it == argNames.end()) {
      auto diag = error();
      diag << "--input-shape: graph has no input named '" << entry.getKey()
           << "'; inputs are:";
      for (StringRef name : argNames)
        diag << " '" << name << "'";
      return failure();
    }
    Type &type = argTypes[it - argNames.begin()];
    auto tensorType = cast<TensorType>(type);
    auto requested =
        RankedTensorType::get(entry.getValue(), tensorType.getElementType());
    if (!areCompatible(type, requested))
      return error() << "--input-shape: shape " << shapeString(entry.getValue())
                     << " for input '" << entry.getKey()
                     << "' does not match its declared type " << type;
    type = refineType(requested, type);
  }

  builder.setInsertionPointToEnd(module->getBody());
  std::string graphName = model.graph.name.str();
  auto func = func::FuncOp::create(builder, fileLoc, "main_graph",
                                   builder.getFunctionType(argTypes, {}));
  if (!graphName.empty())
    func->setAttr("onnx.graph_name", builder.getStringAttr(graphName));
  Block *body = func.addEntryBlock();
  SmallVector<NamedAttribute> dimParams;
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
    // Named dynamic dimensions (dim_param): inputs that share a name must
    // share the size; the compiled-model signature records them.
    const proto::TypeInfo &info = *argInfos[i];
    if (info.hasShape && llvm::any_of(info.dims, [](const proto::Dimension &d) {
          return !d.hasValue && !d.param.empty();
        })) {
      SmallVector<Attribute> params;
      for (const proto::Dimension &d : info.dims)
        params.push_back(builder.getStringAttr(d.hasValue ? "" : d.param));
      dimParams.push_back(
          builder.getNamedAttr(name, builder.getArrayAttr(params)));
    }
    values[name] = body->getArgument(i);
  }
  if (!dimParams.empty())
    func->setAttr("onnx.input_dim_params", builder.getDictionaryAttr(dimParams));
  builder.setInsertionPointToEnd(body);

  for (const proto::Tensor &tensor : model.graph.initializers) {
    auto value =
        convertTensor(tensor, ("initializer '" + tensor.name + "'").str());
    if (failed(value))
      return failure();
    Location loc = NameLoc::get(builder.getStringAttr(tensor.name), fileLoc);
    values[tensor.name] = ConstantOp::create(builder, loc, *value);
  }

  if (sawExternalData)
    (*module)->setAttr(kExternalDataAttrName, builder.getUnitAttr());

  auto order = topologicalOrder();
  if (failed(order))
    return failure();
  for (size_t index : *order)
    if (failed(importNode(model.graph.nodes[index], index)))
      return failure();

  SmallVector<Value> results;
  for (const proto::ValueInfo &output : model.graph.outputs) {
    Value value = values.lookup(output.name);
    if (!value)
      return error() << "graph output '" << output.name
                     << "' is not produced by any node, input or initializer";
    auto declared = declaredTypes.find(output.name);
    if (declared != declaredTypes.end() &&
        !areCompatible(declared->second, value.getType()))
      return error() << "graph output '" << output.name << "' is declared as "
                     << declared->second << " but is " << value.getType();
    results.push_back(value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(model.graph.outputs))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(output.name));

  if (failed(verify(*module)))
    return failure();
  return module;
}

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
quant_opt::importONNXBuffer(MLIRContext *context,
                            std::shared_ptr<MemoryBuffer> buffer,
                            StringRef baseDir, const ImportOptions &options) {
  context->loadDialect<ONNXDialect, func::FuncDialect>();
  StringRef name = buffer->getBufferIdentifier();
  Importer importer(context, options, buffer, name, baseDir);
  return importer.run();
}

FailureOr<OwningOpRef<ModuleOp>>
quant_opt::importONNXFile(MLIRContext *context, StringRef path,
                          const ImportOptions &options) {
  Location loc = FileLineColLoc::get(context, path, 0, 0);
  if (llvm::sys::fs::is_directory(path))
    return emitError(loc) << "'" << path << "' is a directory, not a model";
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false,
                                    /*IsVolatile=*/false);
  if (!file)
    return emitError(loc) << "cannot open '" << path
                          << "': " << file.getError().message();
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importONNXBuffer(
      context, std::shared_ptr<MemoryBuffer>(std::move(*file)), dir, options);
}
