//===- QOptDialect.cpp - qopt dialect registration ------------------------===//

#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace quant_opt::qopt;

#include "QuantOpt/Dialect/QOpt/QOptOpsDialect.cpp.inc"
#include "QuantOpt/Dialect/QOpt/QOptOpsEnums.cpp.inc"

void QOptDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "QuantOpt/Dialect/QOpt/QOptOps.cpp.inc"
      >();
}

/// Folded constants (quantize of a constant) become arith.constant for
/// signless element types and onnx.Constant for unsigned ones (arith
/// constants are signless; onnx.Constant is the graph's constant, lowered
/// with its bits unchanged).
Operation *QOptDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  if (elements.getElementType().isUnsignedInteger())
    return quant_opt::onnx::ConstantOp::create(builder, loc, elements);
  return arith::ConstantOp::create(builder, loc, type, elements);
}
