//===- ONNXDialect.cpp - onnx dialect registration and core ops -----------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace quant_opt::onnx;

#include "QuantOpt/Dialect/ONNX/ONNXOpsDialect.cpp.inc"
#include "QuantOpt/Dialect/ONNX/ONNXOpsInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/ONNX/ONNXOps.cpp.inc"

void ONNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "QuantOpt/Dialect/ONNX/ONNXOps.cpp.inc"
      >();
}

Operation *ONNXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  if (isa<NoneType>(type))
    return NoValueOp::create(builder, loc);
  if (auto elements = dyn_cast<ElementsAttr>(value))
    if (elements.getType() == type)
      return ConstantOp::create(builder, loc, elements);
  return nullptr;
}

LogicalResult quant_opt::onnx::verifyInferredResultTypes(Operation *op) {
  auto iface = cast<InferTypesOpInterface>(op);
  SmallVector<Type> inferred;
  if (failed(iface.inferResultTypes(inferred)))
    return failure();
  if (inferred.size() != op->getNumResults())
    return op->emitOpError("inferred ")
           << inferred.size() << " result types for " << op->getNumResults()
           << " results";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(op->getResultTypes(), inferred))) {
    auto [declared, expected] = pair;
    if (!areCompatible(declared, expected))
      return op->emitOpError("result #")
             << index << " has type " << declared
             << " incompatible with inferred type " << expected;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// NoValueOp / ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult NoValueOp::fold(FoldAdaptor) {
  return UnitAttr::get(getContext());
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  inferred.push_back(getValue().getType());
  return success();
}

/// `onnx.Constant attr-dict <typed elements attribute>`: the result type is
/// the attribute's type.
ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  ElementsAttr value;
  if (parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseAttribute(value))
    return failure();
  result.getOrAddProperties<Properties>().value = value;
  result.addTypes(value.getType());
  return success();
}

void ConstantOp::print(OpAsmPrinter &printer) {
  printer.printOptionalAttrDict((*this)->getAttrs(), {"value"});
  printer << ' ';
  printer.printAttribute(getValue());
}
