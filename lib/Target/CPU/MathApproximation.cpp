//===- MathApproximation.cpp - the --qopt-cpu-math-approximation pass -----===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUMATHAPPROXIMATION
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

bool isApproximated(StringRef name) {
  static const llvm::StringSet<> names = {
      "exp",  "expm1", "erf", "tanh", "log",  "log1p",
      "log2", "sin",   "cos", "atan"};
  return names.contains(name);
}

struct CPUMathApproximationPass
    : quant_opt::impl::CPUMathApproximationBase<CPUMathApproximationPass> {
  void runOnOperation() override {
    // Only math ops on vectors: scalars keep libm's accuracy.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<math::MathDialect>(op->getDialect()) &&
          op->getNumResults() == 1 &&
          isa<VectorType>(op->getResult(0).getType()) &&
          isApproximated(op->getName().stripDialect()))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    RewritePatternSet patterns(&getContext());
    auto predicate = [](StringRef name) {
      return isApproximated(name.starts_with("math.") ? name.drop_front(5)
                                                      : name);
    };
    populateMathF32ExpansionPatterns(patterns, predicate);
    populateMathPolynomialApproximationPatterns(patterns, predicate);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
