//===- ExportONNX.cpp - onnx dialect -> ONNX ModelProto -------------------===//
//
// The inverse of ImportONNX.cpp for modules in the `onnx` dialect:
//
//  - every onnx op becomes a NodeProto: op_type is the op name without the
//    dialect prefix (domain com.microsoft for MatMulNBits), attributes by
//    their MLIR kind (integer -> INT, float -> FLOAT, string -> STRING,
//    arrays -> INTS / FLOATS / STRINGS, elements -> TENSOR), onnx.NoValue
//    operands -> "" inputs (trailing ones dropped);
//  - onnx.Constant -> an initializer named after its location (the importer
//    keeps initializer and node names as NameLocs), raw_data borrowed from
//    the dense_resource blob (never copied) or encoded from a dense
//    attribute (4-bit values two per byte, low nibble first);
//  - graph inputs / outputs get the `onnx.name` argument / result attributes
//    and the `onnx.input_dim_params` dim_params; a returned value that
//    already has another name (a graph input, a constant, a value returned
//    twice) goes through an Identity node;
//  - opset_import: the module's `onnx.opset_import`, the default domain
//    raised where an op's canonical form needs a newer opset (the importer
//    rewrites older forms into the newest one; minimumOpset below).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ExportONNX.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"
#include "QuantOpt/Target/ONNX/ProtoWriter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

using quant_opt::onnxproto::ProtoMessage;
namespace onnx = quant_opt::onnx;

namespace {

// onnx.proto field numbers.
namespace fModel {
enum : uint32_t { IrVersion = 1, ProducerName = 2, Graph = 7, OpsetImport = 8 };
}
namespace fOpset {
enum : uint32_t { Domain = 1, Version = 2 };
}
namespace fGraph {
enum : uint32_t { Node = 1, Name = 2, Initializer = 5, Input = 11, Output = 12 };
}
namespace fNode {
enum : uint32_t {
  Input = 1,
  Output = 2,
  Name = 3,
  OpType = 4,
  Attribute = 5,
  Domain = 7
};
}
namespace fAttr {
enum : uint32_t {
  Name = 1,
  F = 2,
  I = 3,
  S = 4,
  T = 5,
  Floats = 7,
  Ints = 8,
  Strings = 9,
  Type = 20
};
enum : int64_t {
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8
};
} // namespace fAttr
namespace fTensor {
enum : uint32_t {
  Dims = 1,
  DataType = 2,
  Name = 8,
  RawData = 9,
  ExternalData = 13,
  DataLocation = 14
};
}
namespace fValueInfo {
enum : uint32_t { Name = 1, Type = 2 };
}

constexpr uint64_t kProtobufLimit = (uint64_t(2) << 30) - (uint64_t(64) << 20);
constexpr uint64_t kExternalAlignment = 64;

/// The name a NameLoc (possibly inside a FusedLoc / CallSiteLoc) carries.
std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = locationName(inner); !n.empty())
        return n;
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return locationName(call.getCallee());
  return "";
}

/// ONNX IR version that an opset needs.
int64_t irVersionFor(int64_t opset) {
  if (opset >= 21)
    return 10;
  if (opset >= 19)
    return 9;
  if (opset >= 15)
    return 8;
  if (opset >= 12)
    return 7;
  if (opset >= 9)
    return opset - 5;
  return 3;
}

bool hasElementType(Operation *op, function_ref<bool(Type)> pred) {
  auto test = [&](Type t) {
    auto tt = dyn_cast<ShapedType>(t);
    return tt && pred(tt.getElementType());
  };
  return llvm::any_of(op->getOperandTypes(), test) ||
         llvm::any_of(op->getResultTypes(), test);
}

bool is4BitOr16BitInt(Type t) { return t.isInteger(4) || t.isInteger(16); }

bool isFloat8(Type t) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType>(t);
}

/// The oldest default-domain opset in which `op`, as the dialect holds it,
/// has its meaning. The importer rewrites every op into its newest form
/// (docs/supported-ops.md, "canonical"); where later versions only added
/// types or attributes, the attributes and types the op uses decide.
int64_t minimumOpset(Operation *op, DictionaryAttr defaults) {
  StringRef name = op->getName().stripDialect();
  // An attribute given a value other than its default.
  auto has = [&](StringRef attr) {
    Attribute value = op->getAttr(attr);
    return value && (!defaults || defaults.get(attr) != value);
  };
  auto present = [&](unsigned i) {
    return i < op->getNumOperands() && !onnx::isNoValue(op->getOperand(i));
  };
  auto nonZero = [&](StringRef attr) {
    auto value = op->getAttrOfType<IntegerAttr>(attr);
    return value && value.getInt() != 0;
  };
  // `saturate` only means something for float8 types (opset 19).
  if (name == "QuantizeLinear" || name == "DequantizeLinear") {
    if (nonZero("block_size") || nonZero("output_dtype") ||
        hasElementType(op, is4BitOr16BitInt))
      return 21;
    return hasElementType(op, isFloat8) ? 19 : 13;
  }
  if (name == "Cast")
    return hasElementType(op, [](Type t) { return t.isInteger(4); }) ? 21
           : hasElementType(op, isFloat8)                            ? 19
                                                                     : 13;
  if (name == "Shape") {
    auto start = op->getAttrOfType<IntegerAttr>("start");
    return (start && start.getInt() != 0) || has("end") ? 15 : 13;
  }
  if (name == "Split")
    return has("num_outputs") ? 18 : 13;
  if (name == "Pad")
    return present(3) || (has("mode") && op->getAttrOfType<StringAttr>("mode") &&
                          op->getAttrOfType<StringAttr>("mode").getValue() ==
                              "wrap")
               ? 19
               : 13;
  if (name == "AveragePool")
    return has("dilations") ? 19 : 13;
  if (name == "Resize") {
    auto mode = op->getAttrOfType<StringAttr>("coordinate_transformation_mode");
    if (mode && mode.getValue() == "half_pixel_symmetric")
      return 19;
    return has("antialias") || has("axes") || has("keep_aspect_ratio_policy")
               ? 18
               : 13;
  }
  if (name == "BatchNormalization")
    return has("training_mode") ? 14 : 13;
  if (name == "Reshape")
    return has("allowzero") ? 14 : 13;
  return StringSwitch<int64_t>(name)
      .Cases({"Trilu", "HardSwish", "CumSum"}, 14)
      .Case("CastLike", 15)
      .Case("LayerNormalization", 17)
      .Cases({"ReduceLogSum", "ReduceLogSumExp", "ReduceMean", "ReduceProd",
              "ReduceSumSquare", "ReduceL1", "ReduceL2", "ScatterElements",
              "ScatterND", "ReduceMax", "ReduceMin"},
             18)
      .Case("Gelu", 20)
      .Default(13);
}

bool isMicrosoftOp(StringRef opType) {
  return opType == "MatMulNBits" || opType == "MatMulBnb4";
}

/// Ops whose results after the first are optional outputs in ONNX (the
/// dialect always has all of them).
bool hasOptionalOutputs(StringRef opType) {
  return opType == "BatchNormalization" || opType == "MaxPool" ||
         opType == "Dropout" || opType == "LayerNormalization";
}

class Exporter {
public:
  Exporter(ModuleOp module, const quant_opt::ExportOptions &options,
           StringRef path)
      : module(module), options(options), path(path.str()) {}

  LogicalResult build();
  LogicalResult write();

private:
  struct Initializer {
    ProtoMessage *tensor;
    ArrayRef<char> bytes;
  };

  InFlightDiagnostic error(Operation *op) { return op->emitError(); }
  std::string uniqueName(StringRef base);
  FailureOr<ArrayRef<char>> tensorBytes(ElementsAttr value, Operation *op,
                                        StringRef what);
  LogicalResult fillTensor(ProtoMessage &tensor, ElementsAttr value,
                           StringRef name, Operation *op, StringRef what,
                           bool deferData);
  LogicalResult fillType(ProtoMessage &valueInfo, Type type, Operation *where,
                         ArrayAttr dimParams = {});
  LogicalResult exportAttribute(ProtoMessage &node, NamedAttribute attr,
                                Operation *op);
  LogicalResult exportNode(Operation *op);
  DictionaryAttr defaultAttributes(Operation *op);
  LogicalResult writeExternalData(StringRef dataPath);

  ModuleOp module;
  const quant_opt::ExportOptions &options;
  std::string path;
  ProtoMessage model;
  ProtoMessage *graph = nullptr;
  DenseMap<Value, std::string> names;
  DenseMap<Value, std::string> preferred;
  StringSet<> usedNames, usedNodeNames;
  std::vector<std::unique_ptr<std::string>> ownedBytes;
  DenseMap<OperationName, DictionaryAttr> defaultsByOp;
  std::vector<Initializer> initializers;
  int64_t opset = 1;
  bool usesMicrosoft = false;
  unsigned anonymous = 0;
  // External data: (bytes, offset) in file order.
  std::vector<std::pair<ArrayRef<char>, uint64_t>> external;
  uint64_t externalSize = 0;
};

std::string Exporter::uniqueName(StringRef base) {
  std::string name = base.empty() ? "value" : base.str();
  if (usedNames.insert(name).second)
    return name;
  for (unsigned i = 1;; ++i) {
    std::string candidate = name + "_" + std::to_string(i);
    if (usedNames.insert(candidate).second)
      return candidate;
  }
}

FailureOr<ArrayRef<char>> Exporter::tensorBytes(ElementsAttr value,
                                                Operation *op, StringRef what) {
  Type elementType = value.getElementType();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return error(op) << what << ": dense_resource '"
                       << resource.getRawHandle().getKey()
                       << "' has no data (elided?); it cannot be exported";
    unsigned bits = elementType.getIntOrFloatBitWidth();
    if (bits % 8 != 0)
      return error(op) << what << ": dense_resource of " << elementType
                       << " cannot be exported";
    ArrayRef<char> data = blob->getData();
    uint64_t expected = value.getNumElements() * (bits / 8);
    if (data.size() != expected)
      return error(op) << what << ": dense_resource '"
                       << resource.getRawHandle().getKey() << "' has "
                       << data.size() << " bytes, expected " << expected;
    return data;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return error(op) << what << ": constant of kind " << value
                     << " cannot be exported";
  int64_t count = dense.getNumElements();
  auto out = std::make_unique<std::string>();
  auto append = [&](uint64_t word, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
      out->push_back(static_cast<char>((word >> (8 * i)) & 0xff));
  };
  if (auto intType = dyn_cast<IntegerType>(elementType)) {
    unsigned width = intType.getWidth();
    if (width == 1) {
      for (bool b : dense.getValues<bool>())
        out->push_back(b ? 1 : 0);
    } else if (width == 4) {
      out->assign((count + 1) / 2, 0);
      int64_t i = 0;
      for (const APInt &v : dense.getValues<APInt>()) {
        uint8_t nibble = v.getZExtValue() & 0xf;
        (*out)[i / 2] |= static_cast<char>(i % 2 ? nibble << 4 : nibble);
        ++i;
      }
    } else if (width % 8 == 0 && width <= 64) {
      for (const APInt &v : dense.getValues<APInt>())
        append(v.getZExtValue(), width / 8);
    } else {
      return error(op) << what << ": " << elementType
                       << " has no ONNX tensor type";
    }
  } else if (auto floatType = dyn_cast<FloatType>(elementType)) {
    unsigned width = floatType.getWidth();
    for (const APFloat &v : dense.getValues<APFloat>())
      append(v.bitcastToAPInt().getZExtValue(), width / 8);
  } else {
    return error(op) << what << ": " << elementType
                     << " has no ONNX tensor type";
  }
  ownedBytes.push_back(std::move(out));
  return ArrayRef<char>(ownedBytes.back()->data(), ownedBytes.back()->size());
}

LogicalResult Exporter::fillTensor(ProtoMessage &tensor, ElementsAttr value,
                                   StringRef name, Operation *op,
                                   StringRef what, bool deferData) {
  auto type = cast<ShapedType>(value.getType());
  int64_t dataType = onnx::getONNXDataType(type.getElementType());
  if (dataType == 0)
    return error(op) << what << ": " << type.getElementType()
                     << " has no ONNX tensor type";
  auto bytes = tensorBytes(value, op, what);
  if (failed(bytes))
    return failure();
  tensor.addPackedVarints(fTensor::Dims, type.getShape());
  tensor.addVarint(fTensor::DataType, dataType);
  if (!name.empty())
    tensor.addBytes(fTensor::Name, name);
  if (deferData)
    initializers.push_back({&tensor, *bytes});
  else
    tensor.addBorrowedBytes(fTensor::RawData, *bytes);
  return success();
}

LogicalResult Exporter::fillType(ProtoMessage &valueInfo, Type type,
                                 Operation *where, ArrayAttr dimParams) {
  auto tensorType = dyn_cast<TensorType>(type);
  if (!tensorType)
    return error(where) << "value of type " << type
                        << " has no ONNX type (tensors only)";
  int64_t dataType = onnx::getONNXDataType(tensorType.getElementType());
  if (dataType == 0)
    return error(where) << tensorType.getElementType()
                        << " has no ONNX tensor type";
  ProtoMessage &typeProto = valueInfo.addMessage(fValueInfo::Type);
  ProtoMessage &tensorProto = typeProto.addMessage(1);
  tensorProto.addVarint(1, dataType);
  if (auto ranked = dyn_cast<RankedTensorType>(tensorType)) {
    ProtoMessage &shape = tensorProto.addMessage(2);
    for (auto [i, size] : llvm::enumerate(ranked.getShape())) {
      ProtoMessage &dim = shape.addMessage(1);
      if (!ShapedType::isDynamic(size)) {
        dim.addVarint(1, size);
        continue;
      }
      if (dimParams && i < dimParams.size())
        if (auto param = dyn_cast<StringAttr>(dimParams[i]);
            param && !param.getValue().empty())
          dim.addBytes(2, param.getValue());
    }
  }
  return success();
}

LogicalResult Exporter::exportAttribute(ProtoMessage &node,
                                        NamedAttribute attr, Operation *op) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  auto fail = [&]() {
    return error(op) << "attribute '" << name << "' (" << value
                     << ") has no ONNX attribute type";
  };
  auto begin = [&](int64_t type) -> ProtoMessage & {
    ProtoMessage &m = node.addMessage(fNode::Attribute);
    m.addBytes(fAttr::Name, name);
    m.addVarint(fAttr::Type, type);
    return m;
  };
  if (auto b = dyn_cast<BoolAttr>(value)) {
    begin(fAttr::INT).addVarint(fAttr::I, b.getValue());
  } else if (auto i = dyn_cast<IntegerAttr>(value)) {
    begin(fAttr::INT).addVarint(fAttr::I, i.getValue().getSExtValue());
  } else if (auto f = dyn_cast<FloatAttr>(value)) {
    begin(fAttr::FLOAT).addFloat(fAttr::F, f.getValueAsDouble());
  } else if (auto s = dyn_cast<StringAttr>(value)) {
    begin(fAttr::STRING).addBytes(fAttr::S, s.getValue());
  } else if (auto ints = dyn_cast<DenseI64ArrayAttr>(value)) {
    begin(fAttr::INTS).addPackedVarints(fAttr::Ints, ints.asArrayRef());
  } else if (auto elements = dyn_cast<ElementsAttr>(value)) {
    ProtoMessage &m = begin(fAttr::TENSOR);
    if (failed(fillTensor(m.addMessage(fAttr::T), elements, "", op,
                          ("attribute '" + name + "'").str(), false)))
      return failure();
  } else if (auto array = dyn_cast<ArrayAttr>(value)) {
    if (llvm::all_of(array, [](Attribute e) { return isa<IntegerAttr>(e); })) {
      SmallVector<int64_t> v;
      for (Attribute e : array)
        v.push_back(cast<IntegerAttr>(e).getValue().getSExtValue());
      begin(fAttr::INTS).addPackedVarints(fAttr::Ints, v);
    } else if (llvm::all_of(array,
                            [](Attribute e) { return isa<FloatAttr>(e); })) {
      SmallVector<float> v;
      for (Attribute e : array)
        v.push_back(cast<FloatAttr>(e).getValueAsDouble());
      begin(fAttr::FLOATS).addPackedFloats(fAttr::Floats, v);
    } else if (llvm::all_of(array,
                            [](Attribute e) { return isa<StringAttr>(e); })) {
      ProtoMessage &m = begin(fAttr::STRINGS);
      for (Attribute e : array)
        m.addBytes(fAttr::Strings, cast<StringAttr>(e).getValue());
    } else {
      return fail();
    }
  } else {
    return fail();
  }
  return success();
}

/// The attributes an op of this kind gets when created without any: the
/// ODS default values.
DictionaryAttr Exporter::defaultAttributes(Operation *op) {
  auto [it, inserted] = defaultsByOp.try_emplace(op->getName());
  if (inserted) {
    Operation *blank =
        Operation::create(op->getLoc(), op->getName(), {}, {}, NamedAttrList(),
                          OpaqueProperties(nullptr), {}, 0);
    it->second = blank->getAttrDictionary();
    blank->destroy();
  }
  return it->second;
}

LogicalResult Exporter::exportNode(Operation *op) {
  StringRef opType = op->getName().stripDialect();
  std::string base = locationName(op->getLoc());
  if (base.empty())
    base = (opType + "_" + Twine(anonymous++)).str();
  std::string nodeName = base;
  for (unsigned i = 1; !usedNodeNames.insert(nodeName).second; ++i)
    nodeName = base + "_" + std::to_string(i);

  ProtoMessage &node = graph->addMessage(fGraph::Node);
  SmallVector<std::string> inputs;
  for (Value operand : op->getOperands()) {
    auto it = names.find(operand);
    if (it == names.end())
      return error(op) << "operand #" << inputs.size()
                       << " is not defined by an exported op or a graph input";
    inputs.push_back(it->second);
  }
  while (!inputs.empty() && inputs.back().empty())
    inputs.pop_back();
  for (const std::string &input : inputs)
    node.addBytes(fNode::Input, input);
  // Optional trailing outputs nobody reads are left out (BatchNormalization
  // in inference mode must have one output); unread optional ones in the
  // middle are "".
  bool optionalOutputs = hasOptionalOutputs(opType);
  unsigned numOutputs = op->getNumResults();
  if (optionalOutputs)
    while (numOutputs > 1 && op->getResult(numOutputs - 1).use_empty())
      --numOutputs;
  for (OpResult result : op->getResults().take_front(numOutputs)) {
    if (optionalOutputs && result.getResultNumber() > 0 && result.use_empty()) {
      node.addBytes(fNode::Output, "");
      continue;
    }
    std::string name;
    auto it = preferred.find(result);
    if (it != preferred.end())
      name = it->second;
    else
      name = uniqueName(op->getNumResults() == 1
                            ? nodeName + "_out"
                            : nodeName + "_out" +
                                  std::to_string(result.getResultNumber()));
    names[result] = name;
    node.addBytes(fNode::Output, name);
  }
  node.addBytes(fNode::Name, nodeName);
  node.addBytes(fNode::OpType, opType);
  if (isMicrosoftOp(opType)) {
    node.addBytes(fNode::Domain, "com.microsoft");
    usesMicrosoft = true;
  } else {
    opset = std::max(opset, minimumOpset(op, defaultAttributes(op)));
  }
  DictionaryAttr defaults = defaultAttributes(op);
  for (NamedAttribute attr : op->getAttrs()) {
    if (attr.getName().getValue().contains('.'))
      continue; // discardable (dialect-prefixed) attributes
    // Attributes at their default value are left out, as the source had
    // them (`saturate` of Cast did not exist before opset 19).
    if (defaults && defaults.get(attr.getName()) == attr.getValue())
      continue;
    if (failed(exportAttribute(node, attr, op)))
      return failure();
  }
  return success();
}

LogicalResult Exporter::build() {
  func::FuncOp func;
  for (Operation &op : module.getBody()->getOperations()) {
    if (auto f = dyn_cast<func::FuncOp>(op)) {
      if (f.isExternal())
        continue;
      if (func)
        return f.emitError()
               << "ONNX export: the module has more than one function ('"
               << func.getSymName() << "', '" << f.getSymName()
               << "'); an ONNX model has one graph";
      func = f;
    }
  }
  if (!func)
    return module.emitError() << "ONNX export: the module has no function";
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "ONNX export: the function has more than one "
                               "block (control flow cannot be exported)";

  // opset_import floor and IR version from the importer's attributes.
  int64_t irVersion = 0;
  if (auto ir = module->getAttrOfType<IntegerAttr>("onnx.ir_version"))
    irVersion = ir.getInt();
  SmallVector<std::pair<std::string, int64_t>> otherDomains;
  bool hasDefault = false;
  if (auto imports = module->getAttrOfType<DictionaryAttr>("onnx.opset_import")) {
    for (NamedAttribute entry : imports) {
      auto version = dyn_cast<IntegerAttr>(entry.getValue());
      if (!version)
        return module.emitError() << "onnx.opset_import entry '"
                                  << entry.getName().getValue()
                                  << "' is not an integer";
      StringRef domain = entry.getName().getValue();
      if (domain == "ai.onnx" || domain.empty()) {
        hasDefault = true;
        opset = std::max(opset, version.getInt());
      } else {
        otherDomains.push_back({domain.str(), version.getInt()});
      }
    }
  }
  if (!hasDefault)
    opset = 21; // no record: the canonical forms are those of opset 21
  int64_t declaredOpset = hasDefault ? opset : 0;

  graph = &model.addMessage(fModel::Graph);
  std::string graphName = "main_graph";
  if (auto n = func->getAttrOfType<StringAttr>("onnx.graph_name"))
    graphName = n.getValue().str();
  graph->addBytes(fGraph::Name, graphName);

  // Graph inputs.
  auto dimParams = func->getAttrOfType<DictionaryAttr>("onnx.input_dim_params");
  for (BlockArgument arg : func.getArguments()) {
    std::string name;
    if (auto n = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                   "onnx.name"))
      name = n.getValue().str();
    else
      name = "input_" + std::to_string(arg.getArgNumber());
    if (!usedNames.insert(name).second)
      return func.emitError() << "ONNX export: two graph inputs are named '"
                              << name << "'";
    names[arg] = name;
    ProtoMessage &info = graph->addMessage(fGraph::Input);
    info.addBytes(fValueInfo::Name, name);
    ArrayAttr params =
        dimParams ? dimParams.getAs<ArrayAttr>(name) : ArrayAttr();
    if (failed(fillType(info, arg.getType(), func, params)))
      return failure();
  }

  // Graph output names: a value returned first under a name takes it.
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<std::string> outputNames;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    std::string name;
    if (auto n = func.getResultAttrOfType<StringAttr>(i, "onnx.name"))
      name = n.getValue().str();
    else
      name = "output_" + std::to_string(i);
    if (llvm::is_contained(outputNames, name))
      return func.emitError() << "ONNX export: two graph outputs are named '"
                              << name << "'";
    outputNames.push_back(name);
    Operation *def = value.getDefiningOp();
    if (def && !isa<onnx::ConstantOp>(def) && !preferred.count(value) &&
        !usedNames.contains(name)) {
      usedNames.insert(name);
      preferred[value] = name;
    }
  }
  for (const std::string &name : outputNames)
    usedNames.insert(name);

  // Initializers (the constants before the first node), then nodes.
  bool seenNode = false;
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (isa<onnx::NoValueOp>(op)) {
      names[op.getResult(0)] = "";
      continue;
    }
    if (auto constant = dyn_cast<onnx::ConstantOp>(op)) {
      auto value = dyn_cast_or_null<ElementsAttr>(op.getAttr("value"));
      if (!value)
        return op.emitError() << "ONNX export: constant without a tensor value";
      // Constants among the nodes (Constant nodes of the source) stay
      // Constant nodes, so that the order of the ops survives a re-import.
      if (seenNode) {
        if (failed(exportNode(&op)))
          return failure();
        continue;
      }
      std::string base = locationName(op.getLoc());
      if (base.empty())
        if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
          base = resource.getRawHandle().getKey().str();
      if (base.empty())
        base = "const_" + std::to_string(anonymous++);
      std::string name = uniqueName(base);
      names[op.getResult(0)] = name;
      ProtoMessage &tensor = graph->addMessage(fGraph::Initializer);
      if (failed(fillTensor(tensor, value, name, &op,
                            ("initializer '" + name + "'"), true)))
        return failure();
      continue;
    }
    if (op.getDialect() && op.getDialect()->getNamespace() == "onnx") {
      if (op.getNumRegions() != 0)
        return op.emitError() << "ONNX export: ops with regions cannot be "
                                 "exported";
      seenNode = true;
      if (failed(exportNode(&op)))
        return failure();
      continue;
    }
    return op.emitError() << "ONNX export: '" << op.getName()
                          << "' has no ONNX form (only onnx dialect ops are "
                             "exported; lower or convert it first)";
  }

  // Graph outputs; Identity where the value already has another name.
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto it = names.find(value);
    if (it == names.end() || it->second.empty())
      return ret.emitError() << "ONNX export: returned value #" << i
                             << " has no ONNX name";
    if (it->second != outputNames[i]) {
      ProtoMessage &node = graph->addMessage(fGraph::Node);
      node.addBytes(fNode::Input, it->second);
      node.addBytes(fNode::Output, outputNames[i]);
      std::string nodeName = outputNames[i] + "_identity";
      for (unsigned k = 1; !usedNodeNames.insert(nodeName).second; ++k)
        nodeName = outputNames[i] + "_identity_" + std::to_string(k);
      node.addBytes(fNode::Name, nodeName);
      node.addBytes(fNode::OpType, "Identity");
    }
    ProtoMessage &info = graph->addMessage(fGraph::Output);
    info.addBytes(fValueInfo::Name, outputNames[i]);
    Type type = func.getResultTypes()[i];
    if (failed(fillType(info, type, ret)))
      return failure();
  }

  // External data or raw_data.
  uint64_t totalBytes = 0;
  for (const Initializer &init : initializers)
    totalBytes += init.bytes.size();
  using Mode = quant_opt::ExportOptions::ExternalData;
  bool useExternal =
      options.externalData == Mode::Always ||
      (options.externalData == Mode::Auto &&
       (module->hasAttr(quant_opt::kExternalDataAttrName) ||
        totalBytes > kProtobufLimit));
  if (useExternal && path == "-")
    return module.emitError()
           << "ONNX export: external data needs an output file (-o)";
  std::string dataName = llvm::sys::path::filename(path).str() + ".data";
  for (const Initializer &init : initializers) {
    if (!useExternal || init.bytes.size() < options.externalThreshold) {
      init.tensor->addBorrowedBytes(fTensor::RawData, init.bytes);
      continue;
    }
    externalSize = llvm::alignTo(externalSize, kExternalAlignment);
    external.push_back({init.bytes, externalSize});
    auto entry = [&](StringRef key, StringRef value) {
      ProtoMessage &m = init.tensor->addMessage(fTensor::ExternalData);
      m.addBytes(1, key);
      m.addBytes(2, value);
    };
    entry("location", dataName);
    entry("offset", std::to_string(externalSize));
    entry("length", std::to_string(init.bytes.size()));
    init.tensor->addVarint(fTensor::DataLocation, 1);
    externalSize += init.bytes.size();
  }

  // The model header (field order does not matter to readers).
  // The source's IR version, unless the opset was raised (or unknown).
  if (irVersion == 0 || opset != declaredOpset)
    irVersion = std::max(irVersion, irVersionFor(opset));
  model.addVarint(fModel::IrVersion, irVersion);
  if (auto p = module->getAttrOfType<StringAttr>("onnx.producer"))
    model.addBytes(fModel::ProducerName, p.getValue());
  ProtoMessage &defaultOpset = model.addMessage(fModel::OpsetImport);
  defaultOpset.addBytes(fOpset::Domain, "");
  defaultOpset.addVarint(fOpset::Version, opset);
  bool listsMicrosoft = false;
  for (auto &[domain, version] : otherDomains) {
    ProtoMessage &entry = model.addMessage(fModel::OpsetImport);
    entry.addBytes(fOpset::Domain, domain);
    entry.addVarint(fOpset::Version, version);
    listsMicrosoft |= domain == "com.microsoft";
  }
  if (usesMicrosoft && !listsMicrosoft) {
    ProtoMessage &entry = model.addMessage(fModel::OpsetImport);
    entry.addBytes(fOpset::Domain, "com.microsoft");
    entry.addVarint(fOpset::Version, 1);
  }
  if (!useExternal && model.size() > kProtobufLimit)
    return module.emitError()
           << "ONNX export: the model is " << model.size()
           << " bytes, over protobuf's 2 GiB limit; use external data";
  return success();
}

/// Writes through `<path>.tmp*` renamed to `path`; `fn` streams the bytes.
LogicalResult writeAtomically(ModuleOp module, StringRef path,
                              function_ref<void(raw_ostream &)> fn,
                              SmallString<128> &tempPath) {
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp%%%%%%", fd, tempPath))
    return module.emitError() << "cannot create '" << path
                              << "': " << ec.message();
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
  fn(os);
  os.close();
  if (os.has_error()) {
    std::string message = os.error().message();
    os.clear_error();
    llvm::sys::fs::remove(tempPath);
    return module.emitError() << "cannot write '" << path << "': " << message;
  }
  return success();
}

LogicalResult Exporter::write() {
  if (path == "-") {
    model.write(llvm::outs());
    llvm::outs().flush();
    return success();
  }
  SmallString<128> modelTemp, dataTemp;
  std::string dataPath = path + ".data";
  if (!external.empty()) {
    auto writeData = [&](raw_ostream &os) {
      uint64_t at = 0;
      for (auto &[bytes, offset] : external) {
        for (; at < offset; ++at)
          os << '\0';
        os.write(bytes.data(), bytes.size());
        at += bytes.size();
      }
    };
    if (failed(writeAtomically(module, dataPath, writeData, dataTemp)))
      return failure();
  }
  if (failed(writeAtomically(
          module, path, [&](raw_ostream &os) { model.write(os); },
          modelTemp))) {
    if (!dataTemp.empty())
      llvm::sys::fs::remove(dataTemp);
    return failure();
  }
  if (!dataTemp.empty()) {
    if (std::error_code ec = llvm::sys::fs::rename(dataTemp, dataPath)) {
      llvm::sys::fs::remove(dataTemp);
      llvm::sys::fs::remove(modelTemp);
      return module.emitError()
             << "cannot write '" << dataPath << "': " << ec.message();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(modelTemp, path)) {
    llvm::sys::fs::remove(modelTemp);
    return module.emitError() << "cannot write '" << path
                              << "': " << ec.message();
  }
  return success();
}

} // namespace

LogicalResult quant_opt::exportONNXFile(ModuleOp module, StringRef path,
                                        const ExportOptions &options) {
  // qopt ops (and the arith constants next to them) are rewritten into onnx
  // ops on a clone (QOptToONNX.cpp); the caller's module is left as it is.
  OwningOpRef<ModuleOp> converted;
  bool needsConversion = false;
  module.walk([&](Operation *op) {
    StringRef ns = op->getName().getDialectNamespace();
    if (ns == "qopt" || ns == "arith")
      needsConversion = true;
  });
  if (needsConversion) {
    converted = module.clone();
    if (failed(convertQOptToONNXForExport(*converted)))
      return failure();
    module = *converted;
  }
  Exporter exporter(module, options, path);
  if (failed(exporter.build()))
    return failure();
  return exporter.write();
}
