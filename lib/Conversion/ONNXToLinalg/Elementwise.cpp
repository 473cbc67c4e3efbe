//===- Elementwise.cpp - ElementwiseOps.td -> linalg.generic --------------===//
//
// Every elementwise op becomes one linalg.generic over the broadcast result
// shape, whose body is the scalar computation; elementwise fusion merges
// chains of them later in the pipeline.
//
//===----------------------------------------------------------------------===//

#include "ConversionUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

namespace {

/// Lowers an elementwise op with one result through a scalar body builder
/// that sees the ONNX element type of the first operand.
template <typename OnnxOp>
struct ElementwiseLowering : OpConversionPattern<OnnxOp> {
  using Body = std::function<Value(OpBuilder &, Location, ValueRange,
                                   Type onnxElementType)>;
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *context,
                      Body body)
      : OpConversionPattern<OnnxOp>(converter, context), body(std::move(body)) {}

  LogicalResult
  matchAndRewrite(OnnxOp op, typename OnnxOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = getConvertedType(*this->getTypeConverter(),
                                       op->getResult(0), rewriter, op);
    if (failed(resultType))
      return failure();
    for (Value operand : adaptor.getOperands())
      if (!isa<RankedTensorType>(operand.getType()))
        return rewriter.notifyMatchFailure(op, "unranked operand");
    Type onnxElementType = onnx::elementTypeOf(op->getOperand(0));
    Value result = buildBroadcastGeneric(
        rewriter, op.getLoc(), *resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(b, loc, args, onnxElementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  Body body;
};

template <typename OnnxOp>
void addElementwise(const TypeConverter &converter,
                    RewritePatternSet &patterns,
                    typename ElementwiseLowering<OnnxOp>::Body body) {
  patterns.add<ElementwiseLowering<OnnxOp>>(converter, patterns.getContext(),
                                            std::move(body));
}

/// A binary op whose float, signed and unsigned forms are single arith ops.
template <typename OnnxOp, typename FloatOp, typename SignedOp,
          typename UnsignedOp = SignedOp>
void addBinaryArith(const TypeConverter &converter,
                    RewritePatternSet &patterns) {
  addElementwise<OnnxOp>(converter, patterns,
                         [](OpBuilder &b, Location loc, ValueRange args,
                            Type type) -> Value {
                           if (isa<FloatType>(type))
                             return FloatOp::create(b, loc, args[0], args[1]);
                           if (isUnsignedInt(type))
                             return UnsignedOp::create(b, loc, args[0], args[1]);
                           return SignedOp::create(b, loc, args[0], args[1]);
                         });
}

} // namespace

void quant_opt::populateONNXElementwiseToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  addBinaryArith<onnx::AddOp, arith::AddFOp, arith::AddIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::SubOp, arith::SubFOp, arith::SubIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::MulOp, arith::MulFOp, arith::MulIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(
      converter, patterns);
  addElementwise<onnx::ReluOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type) -> Value {
        Value zero = createScalarConstant(b, loc, args[0].getType(), 0.0);
        if (isa<FloatType>(type))
          return arith::MaximumFOp::create(b, loc, args[0], zero);
        return arith::MaxSIOp::create(b, loc, args[0], zero);
      });
}
