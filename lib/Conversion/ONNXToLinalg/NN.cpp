//===- NN.cpp - NNOps.td -> linalg (MatMul, Gemm, Conv, pooling) ----------===//

#include "ConversionUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

namespace {

/// onnx.MatMul on 2-D float operands -> linalg.matmul.
struct MatMulLowering : OpConversionPattern<onnx::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    if (!aType || !bType || aType.getRank() != 2 || bType.getRank() != 2 ||
        !isa<FloatType>(resultType->getElementType()))
      return rewriter.notifyMatchFailure(op, "only 2-D float MatMul so far");
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> dims = {getDims(rewriter, loc, a)[0],
                                      getDims(rewriter, loc, b)[1]};
    Value zero =
        createScalarConstant(rewriter, loc, resultType->getElementType(), 0.0);
    Value init = createFilledTensor(rewriter, loc, *resultType, dims, zero);
    rewriter.replaceOpWithNewOp<linalg::MatmulOp>(op, ValueRange{a, b}, init);
    return success();
  }
};

} // namespace

void quant_opt::populateONNXNNToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<MatMulLowering>(converter, patterns.getContext());
}
