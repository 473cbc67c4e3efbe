//===- ShapeInference.cpp - propagate shapes through onnx ops -------------===//

#include "QuantOpt/Dialect/ONNX/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace quant_opt::onnx {
#define GEN_PASS_DEF_SHAPEINFERENCE
#include "QuantOpt/Dialect/ONNX/Passes.h.inc"
} // namespace quant_opt::onnx

using namespace mlir;
using namespace quant_opt::onnx;

namespace {

/// Replaces `op` by constants (or existing values) when it folds. Shape
/// computations become constants this way, which later Reshape / Range /
/// Expand ops read to infer static shapes.
LogicalResult foldOp(Operation *op, OpBuilder &builder) {
  if (isa<ConstantOp>(op))
    return success();
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(folded)) || folded.empty())
    return success();
  SmallVector<Value> replacements;
  builder.setInsertionPoint(op);
  for (auto [result, fold] : llvm::zip(op->getResults(), folded)) {
    if (auto value = dyn_cast<Value>(fold)) {
      replacements.push_back(value);
      continue;
    }
    auto attr = dyn_cast<ElementsAttr>(cast<Attribute>(fold));
    if (!attr || attr.getType() != result.getType())
      return success(); // nothing sensible to materialize: keep the op
    replacements.push_back(ConstantOp::create(builder, op->getLoc(), attr));
  }
  op->replaceAllUsesWith(replacements);
  op->erase();
  return success();
}

struct ShapeInferencePass
    : public quant_opt::onnx::impl::ShapeInferenceBase<ShapeInferencePass> {
  using ShapeInferenceBase::ShapeInferenceBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Ops are visited in order, so every operand is already refined (and
    // folded, if it is a constant shape computation) when its user is.
    SmallVector<InferTypesOpInterface> ops;
    func.walk([&](InferTypesOpInterface op) { ops.push_back(op); });
    OpBuilder builder(func.getContext());
    for (InferTypesOpInterface op : ops) {
      SmallVector<Type> inferred;
      if (failed(op.inferResultTypes(inferred)))
        return signalPassFailure();
      for (auto [value, type] : llvm::zip(op->getResults(), inferred)) {
        if (!areCompatible(value.getType(), type)) {
          op->emitOpError("inferred type ")
              << type << " conflicts with declared type " << value.getType();
          return signalPassFailure();
        }
        value.setType(refineType(value.getType(), type));
      }
      if (fold && failed(foldOp(op, builder)))
        return signalPassFailure();
    }
    // Constants that only fed folded ops are dead now.
    SmallVector<Operation *> dead;
    func.walk([&](Operation *op) {
      if (isa<ConstantOp, NoValueOp>(op) && op->use_empty())
        dead.push_back(op);
    });
    for (Operation *op : dead)
      op->erase();
    // Keep the signature in sync with what is returned.
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    func.setType(FunctionType::get(func.getContext(), body.getArgumentTypes(),
                                   ret.getOperandTypes()));
  }
};
} // namespace
