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
struct ShapeInferencePass
    : public quant_opt::onnx::impl::ShapeInferenceBase<ShapeInferencePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    WalkResult result = func.walk([](InferTypesOpInterface op) {
      SmallVector<Type> inferred;
      if (failed(op.inferResultTypes(inferred)))
        return WalkResult::interrupt();
      for (auto [value, type] : llvm::zip(op->getResults(), inferred)) {
        if (!areCompatible(value.getType(), type)) {
          op->emitOpError("inferred type ")
              << type << " conflicts with declared type " << value.getType();
          return WalkResult::interrupt();
        }
        value.setType(refineType(value.getType(), type));
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    // Keep the signature in sync with what is returned.
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    func.setType(FunctionType::get(func.getContext(), body.getArgumentTypes(),
                                   ret.getOperandTypes()));
  }
};
} // namespace
