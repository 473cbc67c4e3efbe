//===- QOptToLinalg.cpp - the --qopt-convert-qopt-to-linalg pass ----------===//
//
// The probe pattern and the pass, which only wires the families' patterns
// into a dialect conversion of the qopt ops (other ops are left alone: the
// onnx lowering runs before this one on modules that mix both).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Conversion/QOptToLinalg/QOptToLinalg.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"

namespace quant_opt {
#define GEN_PASS_DEF_CONVERTQOPTTOLINALG
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;
using namespace quant_opt;

namespace {

/// probe -> its operand (identity at run time).
struct ProbeLowering : OpConversionPattern<qopt::ProbeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::ProbeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getX());
    return success();
  }
};

struct ConvertQOptToLinalgPass
    : quant_opt::impl::ConvertQOptToLinalgBase<ConvertQOptToLinalgPass> {
  using ConvertQOptToLinalgBase::ConvertQOptToLinalgBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    ONNXToLinalgTypeConverter converter;
    RewritePatternSet patterns(context);
    populateQOptToLinalgPatterns(converter, patterns, weightMatMulKernel);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*context);
    target.addIllegalDialect<qopt::QOptDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // The onnx lowering left casts to the unsigned types at the qopt ops'
    // operands; this conversion cast back: drop the round trips.
    SmallVector<UnrealizedConversionCastOp> casts;
    module.walk([&](UnrealizedConversionCastOp op) { casts.push_back(op); });
    reconcileUnrealizedCasts(casts);
  }
};

} // namespace

void quant_opt::populateQOptToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns,
                                             bool weightMatMulKernelForm) {
  patterns.add<ProbeLowering>(converter, patterns.getContext());
  populateQOptQuantizeToLinalgPatterns(converter, patterns);
  populateQOptContractionToLinalgPatterns(converter, patterns);
  populateQOptWeightMatMulToLinalgPatterns(converter, patterns,
                                           weightMatMulKernelForm);
}
