//===- ONNXToLinalg.cpp - the --qopt-convert-onnx-to-linalg pass ----------===//
//
// The type converter, the core patterns (onnx.Constant) and the pass, which
// only wires the families' patterns into a full dialect conversion.
//
//===----------------------------------------------------------------------===//

#include "ConversionUtils.h"
#include "QuantOpt/Conversion/Passes.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"
#include "llvm/ADT/DenseSet.h"

namespace quant_opt {
#define GEN_PASS_DEF_CONVERTONNXTOLINALG
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;
using namespace quant_opt;

ONNXToLinalgTypeConverter::ONNXToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  addConversion([this](RankedTensorType type) -> Type {
    return RankedTensorType::get(type.getShape(),
                                 convertType(type.getElementType()),
                                 type.getEncoding());
  });
  addConversion([this](UnrankedTensorType type) -> Type {
    return UnrankedTensorType::get(convertType(type.getElementType()));
  });
  // Values of converted and unconverted types meet only while the conversion
  // runs; both sides have the same bits.
  auto cast = [](OpBuilder &b, Type type, ValueRange inputs,
                 Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

namespace {

/// onnx.Constant -> arith.constant. dense_resource blobs keep pointing at the
/// same bytes (only the element type's signedness may change).
struct ConstantLowering : OpConversionPattern<onnx::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = lowering::getConvertedType(*getTypeConverter(), op.getOutput(),
                                           rewriter, op);
    if (failed(type))
      return failure();
    ElementsAttr value = op.getValue();
    if (value.getType() != *type) {
      if (auto dense = dyn_cast<DenseElementsAttr>(value))
        value = dense.bitcast(type->getElementType());
      else if (auto blob = dyn_cast<DenseResourceElementsAttr>(value))
        value = DenseResourceElementsAttr::get(*type, blob.getRawHandle());
      else
        return rewriter.notifyMatchFailure(op, "unsupported constant kind");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, *type, value);
    return success();
  }
};

/// "node 'name' (OpType)" for diagnostics: ONNX node names are the ops'
/// locations.
std::string describeNode(Operation *op) {
  std::string name;
  if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
    name = nameLoc.getName().str();
  StringRef opType = op->getName().stripDialect();
  if (name.empty())
    return ("node (" + opType + ")").str();
  return ("node '" + name + "' (" + opType + ")").str();
}

struct ConvertONNXToLinalgPass
    : quant_opt::impl::ConvertONNXToLinalgBase<ConvertONNXToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    ONNXToLinalgTypeConverter converter;
    RewritePatternSet patterns(context);
    populateONNXToLinalgPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    // Every onnx op needs a lowering; say which ones have none before trying.
    llvm::DenseSet<OperationName> lowered;
    for (const auto &pattern : patterns.getNativePatterns())
      if (std::optional<OperationName> root = pattern->getRootKind())
        lowered.insert(*root);
    bool missing = false;
    module.walk([&](Operation *op) {
      if (!isa<onnx::ONNXDialect>(op->getDialect()) || isa<onnx::NoValueOp>(op))
        return;
      if (lowered.contains(op->getName()))
        return;
      op->emitError() << describeNode(op)
                      << ": no lowering to linalg for '" << op->getName()
                      << "'";
      missing = true;
    });
    if (missing)
      return signalPassFailure();

    ConversionTarget target(*context);
    target.addIllegalDialect<onnx::ONNXDialect>();
    target.addLegalOp<ModuleOp, onnx::NoValueOp>();
    // qopt ops are lowered by --qopt-convert-qopt-to-linalg, which runs
    // next; here they only get their operands cast where types changed.
    target.addLegalDialect("qopt");
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect, affine::AffineDialect,
                           bufferization::BufferizationDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    module.walk([](onnx::NoValueOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};

} // namespace

void quant_opt::populateONNXCoreToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantLowering>(converter, patterns.getContext());
}

void quant_opt::populateONNXToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  populateONNXCoreToLinalgPatterns(converter, patterns);
  populateONNXElementwiseToLinalgPatterns(converter, patterns);
  populateONNXReductionToLinalgPatterns(converter, patterns);
  populateONNXNNToLinalgPatterns(converter, patterns);
  populateONNXTensorToLinalgPatterns(converter, patterns);
  populateONNXQuantToLinalgPatterns(converter, patterns);
}
