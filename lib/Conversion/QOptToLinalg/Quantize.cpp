//===- Quantize.cpp - qopt quantize / dequantize / dynamic_quantize -------===//
//
// Elementwise linalg.generics that read scales and zero points per tensor,
// per axis or per block through their indexing maps (the same maps and
// scalar arithmetic as the onnx QuantizeLinear lowering); dynamic_quantize
// adds a range reduction and a small generic computing scale / zero point.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalg/NNBuilders.h"
#include "ONNXToLinalg/QuantUtils.h"
#include "QuantOpt/Conversion/QOptToLinalg/QOptToLinalg.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

static Type elementOf(Value v) { return getElementTypeOrSelf(v.getType()); }

/// One generic over `x` reading `scale` and, when present, `zeroPoint` per
/// tensor / axis / block; `body` gets (x, scale[, zero point]).
static LogicalResult lowerUniform(Operation *op,
                                  ConversionPatternRewriter &rewriter,
                                  RankedTensorType resultType, Value x,
                                  Value scale, Value zeroPoint, int64_t axis,
                                  int64_t blockSize, ScalarBodyFn body) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto st = cast<RankedTensorType>(scale.getType());
  if (axis < 0)
    axis += xt.getRank();
  auto map = paramMap(st, xt.getShape(), axis, blockSize, op->getContext());
  if (failed(map))
    return fail(rewriter, op, "unsupported scale shape for axis / block_size");
  SmallVector<Value> inputs = {x, scale};
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(xt.getRank()),
                                 *map};
  if (zeroPoint) {
    inputs.push_back(zeroPoint);
    maps.push_back(*map);
  }
  Location loc = op->getLoc();
  rewriter.replaceOp(op, buildGeneric(rewriter, loc, resultType,
                                      getDims(rewriter, loc, x), inputs, maps,
                                      body));
  return success();
}

namespace {

struct QuantizeLowering : OpConversionPattern<qopt::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getQ(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type outType = elementOf(op.getQ());
    Type xType = elementOf(op.getX()), sType = elementOf(op.getScale());
    Value zp = op.getZeroPoint() ? adaptor.getZeroPoint() : Value();
    return lowerUniform(
        op, rewriter, *resultType, adaptor.getX(), adaptor.getScale(), zp,
        op.getAxis(), op.getBlockSize(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = toF32(b, l, args[0], xType);
          Value scale = toF32(b, l, args[1], sType);
          Value v = arith::DivFOp::create(b, l, x, scale);
          Value z = args.size() > 2 ? toF32(b, l, args[2], outType) : Value();
          return quantizeScalar(b, l, v, z, outType);
        });
  }
};

struct DequantizeLowering : OpConversionPattern<qopt::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getX(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type qType = elementOf(op.getQ()), sType = elementOf(op.getScale());
    Type outType = resultType->getElementType();
    Value zp = op.getZeroPoint() ? adaptor.getZeroPoint() : Value();
    return lowerUniform(
        op, rewriter, *resultType, adaptor.getQ(), adaptor.getScale(), zp,
        op.getAxis(), op.getBlockSize(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = toI32(b, l, args[0], qType);
          if (args.size() > 2)
            v = arith::SubIOp::create(b, l, v, toI32(b, l, args[2], qType));
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), v);
          f = arith::MulFOp::create(b, l, f, toF32(b, l, args[1], sType));
          return castFloat(b, l, f, outType);
        });
  }
};

/// Range reduction (per tensor or per row), then scale / zero point /
/// divisor per reduced element, then the quantizing generic.
struct DynamicQuantizeLowering : OpConversionPattern<qopt::DynamicQuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto qType = getConvertedType(*getTypeConverter(), op.getQ(), rewriter, op);
    auto sType =
        getConvertedType(*getTypeConverter(), op.getScale(), rewriter, op);
    auto zType =
        getConvertedType(*getTypeConverter(), op.getZeroPoint(), rewriter, op);
    if (failed(qType) || failed(sType) || failed(zType))
      return failure();
    Value x = adaptor.getX();
    auto xt = cast<RankedTensorType>(x.getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = xt.getRank();
    bool perRow = op.getGranularity() == qopt::Granularity::per_row;
    bool symmetric = op.getSymmetric();
    Type codeType = elementOf(op.getQ());
    bool isUnsigned = codeType.isUnsignedInteger();
    double qmin = isUnsigned ? 0.0 : -128.0, qmax = isUnsigned ? 255.0 : 127.0;
    Type f32 = rewriter.getF32Type();

    // The reduced shape: [] or x's shape without the last dimension.
    SmallVector<OpFoldResult> xDims = getDims(rewriter, loc, x);
    SmallVector<OpFoldResult> redDims;
    SmallVector<AffineExpr> redExprs;
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    if (perRow)
      for (int64_t i = 0; i + 1 < rank; ++i) {
        redDims.push_back(xDims[i]);
        redExprs.push_back(rewriter.getAffineDimExpr(i));
        iterators[i] = utils::IteratorType::parallel;
      }
    auto redType = RankedTensorType::get(sType->getShape(), f32);
    AffineMap redMap = AffineMap::get(rank, 0, redExprs, ctx);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    Value zero = createScalarConstant(rewriter, loc, f32, 0.0);

    // [lo, hi] including 0, or max |x|.
    SmallVector<Value> inits;
    for (int i = 0, e = symmetric ? 1 : 2; i < e; ++i)
      inits.push_back(
          createFilledTensor(rewriter, loc, redType, redDims, zero));
    SmallVector<AffineMap> maps = {id};
    maps.append(inits.size(), redMap);
    auto range = linalg::GenericOp::create(
        rewriter, loc, TypeRange(ValueRange(inits)), x, inits, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          if (symmetric) {
            Value a = math::AbsFOp::create(b, l, args[0]);
            linalg::YieldOp::create(
                b, l, ValueRange{arith::MaximumFOp::create(b, l, a, args[1])});
            return;
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::MinimumFOp::create(b, l, args[0], args[1]),
                         arith::MaximumFOp::create(b, l, args[0], args[2])});
        });

    // scale, zero point (codes) and the divisor (scale, or 1 when 0).
    int64_t redRank = redType.getRank();
    AffineMap redId = rewriter.getMultiDimIdentityMap(redRank);
    SmallVector<Value> outs = {
        createEmptyTensor(rewriter, loc, redType, redDims),
        createEmptyTensor(rewriter, loc, *zType, redDims),
        createEmptyTensor(rewriter, loc, redType, redDims)};
    SmallVector<AffineMap> pmaps(range->getNumResults() + outs.size(), redId);
    auto params = linalg::GenericOp::create(
        rewriter, loc, TypeRange(ValueRange(outs)), range->getResults(), outs,
        pmaps, parallelIterators(redRank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto cst = [&](double v) { return createScalarConstant(b, l, f32, v); };
          Value scale, zpF;
          if (symmetric) {
            scale = arith::DivFOp::create(b, l, args[0], cst(127.0));
            zpF = cst(isUnsigned ? 128.0 : 0.0);
          } else {
            Value range = arith::SubFOp::create(b, l, args[1], args[0]);
            scale = arith::DivFOp::create(b, l, range, cst(qmax - qmin));
          }
          Value isZero = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                               scale, cst(0.0));
          Value divisor =
              arith::SelectOp::create(b, l, isZero, cst(1.0), scale);
          if (!symmetric) {
            Value shifted = arith::DivFOp::create(b, l, args[0], divisor);
            zpF = arith::SubFOp::create(b, l, cst(qmin), shifted);
          }
          Value zp = quantizeScalar(b, l, zpF, Value(), codeType);
          linalg::YieldOp::create(b, l, ValueRange{scale, zp, divisor});
        });
    Value scale = params.getResult(0), zp = params.getResult(1),
          divisor = params.getResult(2);

    Value q = buildGeneric(
        rewriter, loc, *qType, xDims, ValueRange{x, divisor, zp},
        {id, redMap, redMap}, [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::DivFOp::create(b, l, args[0], args[1]);
          return quantizeScalar(b, l, v, toF32(b, l, args[2], codeType),
                                codeType);
        });
    rewriter.replaceOp(op, {q, scale, zp});
    return success();
  }
};

} // namespace

void quant_opt::populateQOptQuantizeToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, DynamicQuantizeLowering>(
      converter, patterns.getContext());
}
