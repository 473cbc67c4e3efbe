//===- FuseElementwise.cpp - the --qopt-cpu-fuse-elementwise pass ---------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUFUSEELEMENTWISE
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// Ops that keep their form for a dedicated micro-kernel.
bool isMatmul(Operation *op) {
  // (The marked weight_matmul generic a GPU kernel replaces counts too.)
  return isa_and_nonnull<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
         quant_opt::isInt8Contraction(op) ||
         (op && op->hasAttr("qopt.weight_matmul"));
}

struct CPUFuseElementwisePass
    : quant_opt::impl::CPUFuseElementwiseBase<CPUFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      Operation *consumer = fused->getOwner();
      return producer && producer->hasOneUse() && !isMatmul(producer) &&
             !isMatmul(consumer);
    };
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(
        patterns, [](OpOperand *) { return true; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
