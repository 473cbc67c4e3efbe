//===- Quant.cpp - QuantOps.td -> linalg (QuantizeLinear, QLinear*, MatMulNBits) ===//
//
// QuantizeLinear / DequantizeLinear are one linalg.generic each (scales and
// zero points read per tensor, per axis or per block through the indexing
// maps; rounding is half to even, results saturate). MatMulInteger and
// QLinearMatMul with a 2-D B build the canonical int8 contraction (the form
// lib/Target/CPU's VNNI kernel matches; a uint8 B shifted to int8) and
// correct for the zero points after it; other shapes and ConvInteger /
// QLinearConv widen their operands to i32 minus the zero points and reuse
// the matmul / conv builders of NN.cpp (named linalg ops, i32
// accumulation). QLinear* then requantize. MatMulNBits dequantizes its packed weight to a float [N, K]
// matrix that a linalg.matmul reads transposed.
//
//===----------------------------------------------------------------------===//

#include "NNBuilders.h"
#include "QuantUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The structure QuantizeLinear and DequantizeLinear share: one generic over
/// `x` that also reads `scale` and, when present, `zeroPoint` per tensor, per
/// axis or per block; `body` gets (x, scale[, zero point]) elements.
static LogicalResult
lowerLinearQuantization(Operation *op, ConversionPatternRewriter &rewriter,
                        RankedTensorType resultType, Value x, Value scale,
                        Value zeroPoint, int64_t axis, int64_t blockSize,
                        ScalarBodyFn body) {
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  auto st = dyn_cast<RankedTensorType>(scale.getType());
  if (!xt || !st)
    return rewriter.notifyMatchFailure(op, "unranked operands");
  if (axis < 0)
    axis += xt.getRank();
  auto map =
      paramMap(st, xt.getShape(), axis, blockSize, rewriter.getContext());
  if (failed(map))
    return fail(rewriter, op,
                "unsupported " + op->getName().stripDialect() +
                    " scale shape for axis / block_size");
  SmallVector<Value> inputs = {x, scale};
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(xt.getRank()),
                                 *map};
  if (zeroPoint) {
    inputs.push_back(zeroPoint);
    maps.push_back(*map);
  }
  Location loc = op->getLoc();
  Value result = buildGeneric(rewriter, loc, resultType,
                              getDims(rewriter, loc, x), inputs, maps, body);
  rewriter.replaceOp(op, result);
  return success();
}

namespace {

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

struct QuantizeLinearLowering : OpConversionPattern<onnx::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type outType = onnx::elementTypeOf(op.getY());
    if (!isa<IntegerType>(outType))
      return fail(rewriter, op,
                  "unsupported: QuantizeLinear to float8 (only integer "
                  "outputs are lowered)");
    Value zp = onnx::isNoValue(op.getYZeroPoint()) ? Value()
                                                   : adaptor.getYZeroPoint();
    Type xType = onnx::elementTypeOf(op.getX());
    Type sType = onnx::elementTypeOf(op.getYScale());
    Type zType = zp ? onnx::elementTypeOf(op.getYZeroPoint()) : Type();
    return lowerLinearQuantization(
        op, rewriter, *resultType, adaptor.getX(), adaptor.getYScale(), zp,
        op.getAxis(), op.getBlockSize(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::DivFOp::create(b, l, toF32(b, l, args[0], xType),
                                          toF32(b, l, args[1], sType));
          Value z = args.size() > 2 ? toF32(b, l, args[2], zType) : Value();
          return quantizeScalar(b, l, v, z, outType);
        });
  }
};

struct DequantizeLinearLowering
    : OpConversionPattern<onnx::DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type xType = onnx::elementTypeOf(op.getX());
    if (!isa<IntegerType>(xType))
      return fail(rewriter, op,
                  "unsupported: DequantizeLinear of float8 (only integer "
                  "inputs are lowered)");
    Value zp = onnx::isNoValue(op.getXZeroPoint()) ? Value()
                                                   : adaptor.getXZeroPoint();
    Type sType = onnx::elementTypeOf(op.getXScale());
    Type outType = resultType->getElementType();
    return lowerLinearQuantization(
        op, rewriter, *resultType, adaptor.getX(), adaptor.getXScale(), zp,
        op.getAxis(), op.getBlockSize(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = toI32(b, l, args[0], xType);
          if (args.size() > 2)
            v = arith::SubIOp::create(b, l, v, toI32(b, l, args[2], xType));
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), v);
          f = arith::MulFOp::create(b, l, f, toF32(b, l, args[1], sType));
          return castFloat(b, l, f, outType);
        });
  }
};

/// y_scale = (max(0, max x) - min(0, min x)) / 255 (1 when that range is
/// empty), y_zero_point =
/// round(saturate(-min / y_scale)), y = saturate(round(x / y_scale) + zp).
struct DynamicQuantizeLinearLowering
    : OpConversionPattern<onnx::DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto yType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(yType))
      return failure();
    Value x = adaptor.getX();
    auto xt = dyn_cast<RankedTensorType>(x.getType());
    if (!xt)
      return rewriter.notifyMatchFailure(op, "unranked input");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = xt.getRank();
    Type f32 = rewriter.getF32Type();
    auto scalarType = RankedTensorType::get({}, f32);
    Value zero = createScalarConstant(rewriter, loc, f32, 0.0);
    Value minInit = createFilledTensor(rewriter, loc, scalarType, {}, zero);
    Value maxInit = createFilledTensor(rewriter, loc, scalarType, {}, zero);
    AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);
    auto range = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scalarType, scalarType}, x,
        ValueRange{minInit, maxInit},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                               scalarMap, scalarMap},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::MinimumFOp::create(b, l, args[0], args[1]),
                         arith::MaximumFOp::create(b, l, args[0], args[2])});
        });
    Value lo = tensor::ExtractOp::create(rewriter, loc, range.getResult(0),
                                         ValueRange{});
    Value hi = tensor::ExtractOp::create(rewriter, loc, range.getResult(1),
                                         ValueRange{});
    // An empty range (x all zeros) has scale 1, as in ONNX Runtime, not the
    // 0 of the formula, which would make the zero point 0 / 0.
    Value span = arith::SubFOp::create(rewriter, loc, hi, lo);
    Value ratio = arith::DivFOp::create(
        rewriter, loc, span, createScalarConstant(rewriter, loc, f32, 255.0));
    Value empty = arith::CmpFOp::create(rewriter, loc,
                                        arith::CmpFPredicate::OEQ, hi, lo);
    Value scale = arith::SelectOp::create(
        rewriter, loc, empty, createScalarConstant(rewriter, loc, f32, 1.0),
        ratio);
    Value zpF = arith::SubFOp::create(
        rewriter, loc, zero, arith::DivFOp::create(rewriter, loc, lo, scale));
    zpF = arith::MaximumFOp::create(rewriter, loc, zpF, zero);
    zpF = arith::MinimumFOp::create(
        rewriter, loc, zpF, createScalarConstant(rewriter, loc, f32, 255.0));
    zpF = math::RoundEvenOp::create(rewriter, loc, zpF);
    Type ui8 = onnx::elementTypeOf(op.getY());
    Value zp = arith::FPToUIOp::create(rewriter, loc, rewriter.getI8Type(), zpF);
    Value y = buildGeneric(
        rewriter, loc, *yType, getDims(rewriter, loc, x), x,
        {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::DivFOp::create(b, l, args[0], scale);
          return quantizeScalar(b, l, v, zpF, ui8);
        });
    Value scaleT = tensor::FromElementsOp::create(rewriter, loc, scalarType,
                                                  ValueRange{scale});
    Value zpT = tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({}, rewriter.getI8Type()),
        ValueRange{zp});
    rewriter.replaceOp(op, {y, scaleT, zpT});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Integer matmul / conv
//===----------------------------------------------------------------------===//

/// `v` widened to i32 minus zero point `zp` (read through `zpMap`; none
/// when null), both of ONNX element type `onnxType`.
static Value subtractZeroPoint(OpBuilder &b, Location loc, Value v, Value zp,
                               AffineMap zpMap, Type onnxType) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<Value> inputs = {v};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(type.getRank())};
  if (zp) {
    inputs.push_back(zp);
    maps.push_back(zpMap);
  }
  return buildGeneric(b, loc, type.clone(b.getI32Type()), getDims(b, loc, v),
                      inputs, maps, [&](OpBuilder &nb, Location l, ValueRange args) {
                        Value x = toI32(nb, l, args[0], onnxType);
                        if (args.size() > 1)
                          x = arith::SubIOp::create(nb, l, x,
                                                    toI32(nb, l, args[1], onnxType));
                        return x;
                      });
}

/// The map of a matmul operand's zero point or scale over `shape`: per
/// tensor, 1-D along `vectorDim`, or N-D broadcast.
static FailureOr<AffineMap> matmulParamMap(Value param, ArrayRef<int64_t> shape,
                                           int64_t vectorDim,
                                           MLIRContext *ctx) {
  auto type = dyn_cast<RankedTensorType>(param.getType());
  if (!type)
    return failure();
  return paramMap(type, shape, vectorDim, 0, ctx);
}

/// `operand` (A or B of an integer matmul) widened to i32 minus its zero
/// point; `isA` picks the per-row (A) or per-column (B) meaning of a 1-D
/// zero point.
static FailureOr<Value> matmulOperand(ConversionPatternRewriter &rewriter,
                                      Operation *op, Value operand, Value zp,
                                      Type onnxType, bool isA) {
  auto type = cast<RankedTensorType>(operand.getType());
  int64_t rank = type.getRank();
  AffineMap map;
  if (zp) {
    int64_t dim = isA ? rank - 2 : rank - 1;
    auto m = matmulParamMap(zp, type.getShape(), rank == 1 ? -1 : dim,
                            rewriter.getContext());
    if (failed(m))
      return fail(rewriter, op,
                  Twine("unsupported zero point shape for ") +
                      (isA ? "A" : "B"));
    map = *m;
  }
  return subtractZeroPoint(rewriter, op->getLoc(), operand, zp, map, onnxType);
}

/// True when `v` is a constant whose elements are all zero.
static bool isZeroConstant(Value v) {
  return matchPattern(v, m_Zero()) ||
         (getConstantBytes(v) &&
          llvm::all_of(*getConstantBytes(v), [](int8_t x) { return x == 0; }));
}

/// The map of a matmul zero point over the [R, N] rows of the contraction:
/// one element, or 1-D along `dim` (0: per row of A, 1: per column of B)
/// with `size` elements (dynamic sizes accepted).
static std::optional<AffineMap> rowsParamMap(Value zp, unsigned dim,
                                             int64_t size, MLIRContext *ctx) {
  auto t = dyn_cast<RankedTensorType>(zp.getType());
  if (!t)
    return std::nullopt;
  if (isOneElement(t)) {
    SmallVector<AffineExpr> exprs;
    if (t.getRank() == 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    return AffineMap::get(2, 0, exprs, ctx);
  }
  if (t.getRank() == 1 &&
      (t.isDynamicDim(0) || ShapedType::isDynamic(size) ||
       t.getDimSize(0) == size))
    return AffineMap::get(2, 0, {getAffineDimExpr(dim, ctx)}, ctx);
  return std::nullopt;
}

/// The zero-point-corrected i32 product of an integer matmul, in
/// `accType` (the result's shape), built on the canonical int8 contraction
/// so that lib/Target/CPU's VNNI kernel runs it:
///
///   sum_k (a - a_zp)(b - b_zp)
///     = acc - a_zp * colsum(b) - b_zp * rowsum(a) + K * a_zp * b_zp
///
/// with acc = sum_k a * b over the 8-bit operands. A uint8 B becomes the
/// signed i8 B' = B - 128 (the bytes with their top bit flipped, folded
/// when B is a constant) with b_zp' = b_zp - 128, which leaves the product
/// unchanged. Leading dims of A collapse into M; colsum of a constant B is
/// a constant. Terms whose zero point is absent or a zero constant are
/// left out. Fails (the caller keeps the widening lowering) unless B is
/// 2-D and the zero points are per tensor, per row of a 2-D A, or per
/// column of B.
static FailureOr<Value> buildZeroPointMatMul(OpBuilder &b, Location loc,
                                             Value a, Value azp, Type aType,
                                             Value bv, Value bzp, Type bType,
                                             RankedTensorType accType) {
  auto at = dyn_cast<RankedTensorType>(a.getType());
  auto bt = dyn_cast<RankedTensorType>(bv.getType());
  if (!at || !bt || bt.getRank() != 2 || at.getRank() < 1 ||
      !aType.isInteger(8) || !bType.isInteger(8))
    return failure();
  MLIRContext *ctx = b.getContext();
  int64_t rows = at.getRank() == 2 ? at.getDimSize(0) : ShapedType::kDynamic;
  std::optional<AffineMap> aMap, bMap;
  if (azp && !(aMap = rowsParamMap(azp, 0, rows, ctx)))
    return failure();
  if (azp && at.getRank() != 2 && !isOneElement(cast<RankedTensorType>(
                                      azp.getType())))
    return failure();
  if (bzp && !(bMap = rowsParamMap(bzp, 1, bt.getDimSize(1), ctx)))
    return failure();
  bool aSigned = !aType.isUnsignedInteger();
  bool bUnsigned = bType.isUnsignedInteger();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();

  // B as signed i8.
  std::optional<SmallVector<int8_t>> bBytes = getConstantBytes(bv);
  if (bUnsigned) {
    if (bBytes) {
      for (int8_t &x : *bBytes)
        x = static_cast<int8_t>(static_cast<uint8_t>(x) ^ 0x80);
      auto type = RankedTensorType::get(bt.getShape(), i8);
      bv = arith::ConstantOp::create(
          b, loc, type, DenseElementsAttr::get(type, ArrayRef<int8_t>(*bBytes)));
    } else {
      Value bias = arith::ConstantIntOp::create(b, loc, i8, 0x80);
      bv = mapElements(b, loc, bv, i8, [&](OpBuilder &nb, Location l, Value x) {
        return arith::XOrIOp::create(nb, l, x, bias);
      });
    }
  }
  bool useAzp = azp && !isZeroConstant(azp);
  bool useBzp = bUnsigned || (bzp && !isZeroConstant(bzp));

  Value a2 = collapseToRows(b, loc, a);
  Value acc = buildInt8Contraction(b, loc, a2, bv, aSigned);
  SmallVector<Value> inputs = {acc};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(2, ctx)};
  auto row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  auto col = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  int colsumAt = -1, azpAt = -1, rowsumAt = -1, bzpAt = -1;
  if (useAzp) {
    colsumAt = inputs.size();
    inputs.push_back(columnSums(b, loc, bv, bBytes));
    maps.push_back(col);
    azpAt = inputs.size();
    inputs.push_back(azp);
    maps.push_back(*aMap);
  }
  if (useBzp) {
    rowsumAt = inputs.size();
    inputs.push_back(sums8(b, loc, a2, /*keep=*/0, aSigned));
    maps.push_back(row);
    if (bzp) {
      bzpAt = inputs.size();
      inputs.push_back(bzp);
      maps.push_back(*bMap);
    }
  }
  Value result = acc;
  if (useAzp || useBzp) {
    Value k = arith::IndexCastOp::create(
        b, loc, i32, tensor::DimOp::create(b, loc, a2, 1));
    result = buildGeneric(
        b, loc, cast<RankedTensorType>(acc.getType()), getDims(b, loc, acc),
        inputs, maps, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value v = args[0];
          Value za = useAzp ? toI32(nb, l, args[azpAt], aType) : Value();
          Value zb;
          if (useBzp) {
            zb = bzpAt >= 0 ? toI32(nb, l, args[bzpAt], bType)
                            : arith::ConstantIntOp::create(nb, l, i32, 0);
            if (bUnsigned)
              zb = arith::SubIOp::create(
                  nb, l, zb, arith::ConstantIntOp::create(nb, l, i32, 128));
          }
          if (useAzp)
            v = arith::SubIOp::create(
                nb, l, v, arith::MulIOp::create(nb, l, za, args[colsumAt]));
          if (useBzp)
            v = arith::SubIOp::create(
                nb, l, v, arith::MulIOp::create(nb, l, zb, args[rowsumAt]));
          if (useAzp && useBzp)
            v = arith::AddIOp::create(
                nb, l, v,
                arith::MulIOp::create(nb, l, k,
                                      arith::MulIOp::create(nb, l, za, zb)));
          return v;
        });
  }
  return expandRows(b, loc, result, a, accType);
}

struct MatMulIntegerLowering : OpConversionPattern<onnx::MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    if (!isa<RankedTensorType>(adaptor.getA().getType()) ||
        !isa<RankedTensorType>(adaptor.getB().getType()))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Value azp = onnx::isNoValue(op.getAZeroPoint()) ? Value()
                                                    : adaptor.getAZeroPoint();
    Value bzp = onnx::isNoValue(op.getBZeroPoint()) ? Value()
                                                    : adaptor.getBZeroPoint();
    Type aType = onnx::elementTypeOf(op.getA());
    Type bType = onnx::elementTypeOf(op.getB());
    auto fast = buildZeroPointMatMul(rewriter, op.getLoc(), adaptor.getA(), azp,
                                     aType, adaptor.getB(), bzp, bType,
                                     *resultType);
    if (succeeded(fast)) {
      rewriter.replaceOp(op, *fast);
      return success();
    }
    auto a = matmulOperand(rewriter, op, adaptor.getA(), azp, aType, true);
    auto b = matmulOperand(rewriter, op, adaptor.getB(), bzp, bType, false);
    if (failed(a) || failed(b))
      return failure();
    rewriter.replaceOp(op, buildMatMul(rewriter, op.getLoc(), *a, *b,
                                       *resultType));
    return success();
  }
};

/// Requantizes i32 `acc` (scales read through `maps`, all f32 after
/// conversion): y = saturate(round(acc * s0 * s1 / s2) + zp).
static Value requantize(OpBuilder &b, Location loc, Value acc,
                        RankedTensorType resultType, ValueRange params,
                        ArrayRef<AffineMap> paramMaps,
                        ArrayRef<Type> paramTypes, Type outType) {
  SmallVector<Value> inputs = {acc};
  inputs.append(params.begin(), params.end());
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(resultType.getRank())};
  maps.append(paramMaps.begin(), paramMaps.end());
  return buildGeneric(
      b, loc, resultType, getDims(b, loc, acc), inputs, maps,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value s0 = toF32(nb, l, args[1], paramTypes[0]);
        Value s1 = toF32(nb, l, args[2], paramTypes[1]);
        Value s2 = toF32(nb, l, args[3], paramTypes[2]);
        Value multiplier = arith::DivFOp::create(
            nb, l, arith::MulFOp::create(nb, l, s0, s1), s2);
        Value v = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, nb.getF32Type(), args[0]),
            multiplier);
        return quantizeScalar(nb, l, v, toF32(nb, l, args[4], paramTypes[3]),
                              outType);
      });
}

struct QLinearMatMulLowering : OpConversionPattern<onnx::QLinearMatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::QLinearMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type aType = onnx::elementTypeOf(op.getA());
    Type bType = onnx::elementTypeOf(op.getB());
    Type outType = onnx::elementTypeOf(op.getY());
    if (!isa<IntegerType>(aType) || !isa<IntegerType>(bType) ||
        !isa<IntegerType>(outType))
      return fail(rewriter, op,
                  "unsupported: QLinearMatMul on float8 (only 8-bit integer "
                  "operands are lowered)");
    auto at = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto bt = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!at || !bt)
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Location loc = op.getLoc();
    auto accType = resultType->clone(rewriter.getI32Type());
    Value acc;
    auto fast = buildZeroPointMatMul(rewriter, loc, adaptor.getA(),
                                     adaptor.getAZeroPoint(), aType,
                                     adaptor.getB(), adaptor.getBZeroPoint(),
                                     bType, accType);
    if (succeeded(fast)) {
      acc = *fast;
    } else {
      auto a = matmulOperand(rewriter, op, adaptor.getA(),
                             adaptor.getAZeroPoint(), aType, true);
      auto b = matmulOperand(rewriter, op, adaptor.getB(),
                             adaptor.getBZeroPoint(), bType, false);
      if (failed(a) || failed(b))
        return failure();
      acc = buildMatMul(rewriter, loc, *a, *b, accType);
    }
    // Per-row scales follow the result's row dim, per-column ones its last.
    int64_t rr = resultType->getRank();
    int64_t rowDim = at.getRank() == 1 ? -1 : rr - (bt.getRank() == 1 ? 1 : 2);
    int64_t colDim = bt.getRank() == 1 ? -1 : rr - 1;
    MLIRContext *ctx = rewriter.getContext();
    auto aMap = matmulParamMap(adaptor.getAScale(), resultType->getShape(),
                               rowDim, ctx);
    auto bMap = matmulParamMap(adaptor.getBScale(), resultType->getShape(),
                               colDim, ctx);
    auto yMap = matmulParamMap(adaptor.getYScale(), resultType->getShape(), -1,
                               ctx);
    auto zMap = matmulParamMap(adaptor.getYZeroPoint(), resultType->getShape(),
                               -1, ctx);
    if (failed(aMap) || failed(bMap) || failed(yMap) || failed(zMap))
      return fail(rewriter, op, "unsupported QLinearMatMul scale shapes");
    Value result = requantize(
        rewriter, loc, acc, *resultType,
        {adaptor.getAScale(), adaptor.getBScale(), adaptor.getYScale(),
         adaptor.getYZeroPoint()},
        {*aMap, *bMap, *yMap, *zMap},
        {onnx::elementTypeOf(op.getAScale()),
         onnx::elementTypeOf(op.getBScale()),
         onnx::elementTypeOf(op.getYScale()), outType},
        outType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x - x_zero_point (per tensor) and w - w_zero_point (per tensor or per
/// output channel), both widened to i32.
static FailureOr<std::pair<Value, Value>>
convOperands(ConversionPatternRewriter &rewriter, Operation *op, Value x,
             Value xzp, Type xType, Value w, Value wzp, Type wType) {
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  auto wt = dyn_cast<RankedTensorType>(w.getType());
  if (!xt || !wt)
    return failure();
  MLIRContext *ctx = rewriter.getContext();
  AffineMap xMap, wMap;
  if (xzp) {
    auto m = matmulParamMap(xzp, xt.getShape(), -1, ctx);
    if (failed(m))
      return fail(rewriter, op, "unsupported: x_zero_point must be a scalar");
    xMap = *m;
  }
  if (wzp) {
    auto m = matmulParamMap(wzp, wt.getShape(), 0, ctx);
    if (failed(m))
      return fail(rewriter, op,
                  "unsupported: w_zero_point must be a scalar or 1-D (M)");
    wMap = *m;
  }
  Location loc = op->getLoc();
  return std::make_pair(subtractZeroPoint(rewriter, loc, x, xzp, xMap, xType),
                        subtractZeroPoint(rewriter, loc, w, wzp, wMap, wType));
}

struct ConvIntegerLowering : OpConversionPattern<onnx::ConvIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ConvIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value xzp = onnx::isNoValue(op.getXZeroPoint()) ? Value()
                                                    : adaptor.getXZeroPoint();
    Value wzp = onnx::isNoValue(op.getWZeroPoint()) ? Value()
                                                    : adaptor.getWZeroPoint();
    auto operands = convOperands(rewriter, op, adaptor.getX(), xzp,
                                 onnx::elementTypeOf(op.getX()), adaptor.getW(),
                                 wzp, onnx::elementTypeOf(op.getW()));
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "unranked or unsupported operands");
    auto result = buildConv(rewriter, op, operands->first, operands->second,
                            Value(), *resultType, getConvAttrs(op));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "unsupported ConvInteger");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct QLinearConvLowering : OpConversionPattern<onnx::QLinearConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::QLinearConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    auto operands = convOperands(
        rewriter, op, adaptor.getX(), adaptor.getXZeroPoint(),
        onnx::elementTypeOf(op.getX()), adaptor.getW(), adaptor.getWZeroPoint(),
        onnx::elementTypeOf(op.getW()));
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "unranked or unsupported operands");
    Value bias = onnx::isNoValue(op.getB()) ? Value() : adaptor.getB();
    auto accType = resultType->clone(rewriter.getI32Type());
    auto acc = buildConv(rewriter, op, operands->first, operands->second, bias,
                         accType, getConvAttrs(op));
    if (failed(acc))
      return rewriter.notifyMatchFailure(op, "unsupported QLinearConv");
    MLIRContext *ctx = rewriter.getContext();
    ArrayRef<int64_t> shape = resultType->getShape();
    auto xMap = matmulParamMap(adaptor.getXScale(), shape, -1, ctx);
    auto wMap = matmulParamMap(adaptor.getWScale(), shape, 1, ctx);
    auto yMap = matmulParamMap(adaptor.getYScale(), shape, -1, ctx);
    auto zMap = matmulParamMap(adaptor.getYZeroPoint(), shape, -1, ctx);
    if (failed(xMap) || failed(wMap) || failed(yMap) || failed(zMap))
      return fail(rewriter, op, "unsupported QLinearConv scale shapes");
    Type outType = onnx::elementTypeOf(op.getY());
    Value result = requantize(
        rewriter, op.getLoc(), *acc, *resultType,
        {adaptor.getXScale(), adaptor.getWScale(), adaptor.getYScale(),
         adaptor.getYZeroPoint()},
        {*xMap, *wMap, *yMap, *zMap},
        {onnx::elementTypeOf(op.getXScale()),
         onnx::elementTypeOf(op.getWScale()),
         onnx::elementTypeOf(op.getYScale()), outType},
        outType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// MatMulNBits
//===----------------------------------------------------------------------===//

/// `v` (rank 1 of rows * cols elements, or rank 2) as a [rows, cols] tensor.
static Value asMatrix(OpBuilder &b, Location loc, Value v, int64_t rows,
                      int64_t cols) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 2)
    return v;
  return expandDim(b, loc, v, 0, {b.getIndexAttr(rows), b.getIndexAttr(cols)});
}

/// Y (..., N) = A (..., K) x dequant(B)^T + bias. B's `bits`-bit codes are
/// packed low bits first, block_size of them per block; the dequantized
/// weight is (code - zero_point) * scale with a default zero point of
/// 2^(bits - 1); packed zero points hold one code per block, low bits first.
struct MatMulNBitsLowering : OpConversionPattern<onnx::MatMulNBitsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::MatMulNBitsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    int64_t bits = op.getBits(), k = op.getK(), n = op.getN(),
            blockSize = op.getBlockSize();
    if (bits != 2 && bits != 4 && bits != 8)
      return fail(rewriter, op,
                  "unsupported: MatMulNBits bits=" + Twine(bits) +
                      " (2, 4 and 8 are lowered)");
    if (!onnx::isNoValue(op.getGIdx()))
      return fail(rewriter, op, "unsupported: MatMulNBits with g_idx");
    Value a = adaptor.getA();
    auto at = dyn_cast<RankedTensorType>(a.getType());
    if (!at || at.getRank() < 1 ||
        !isa<RankedTensorType>(adaptor.getB().getType()) ||
        !isa<RankedTensorType>(adaptor.getScales().getType()))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t blocks = (k + blockSize - 1) / blockSize;
    int64_t perByte = 8 / bits;
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);

    // The dequantized weight (N, blocks, block_size).
    Value b3 = adaptor.getB();
    Value scales = asMatrix(rewriter, loc, adaptor.getScales(), n, blocks);
    SmallVector<Value> inputs = {b3, scales};
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, {d(0), d(1), d(2).floorDiv(perByte)}, ctx),
        AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    Value zp = onnx::isNoValue(op.getZeroPoints()) ? Value()
                                                   : adaptor.getZeroPoints();
    Type zpType = zp ? onnx::elementTypeOf(op.getZeroPoints()) : Type();
    bool packedZp = zp && isa<IntegerType>(zpType);
    if (zp && packedZp && !zpType.isUnsignedInteger(8))
      return fail(rewriter, op,
                  "unsupported: MatMulNBits zero_points must be packed uint8 "
                  "or have the scales' type");
    if (zp) {
      int64_t cols = packedZp ? (blocks * bits + 7) / 8 : blocks;
      inputs.push_back(asMatrix(rewriter, loc, zp, n, cols));
      maps.push_back(AffineMap::get(
          3, 0, {d(0), packedZp ? d(1).floorDiv(perByte) : d(1)}, ctx));
    }
    auto wType = RankedTensorType::get({n, blocks, blockSize}, acc);
    Type i32 = rewriter.getI32Type();
    Value w = buildGeneric(
        rewriter, loc, wType, {}, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto cst = [&](int64_t v) {
            return arith::ConstantIntOp::create(b, l, i32, v);
          };
          // The `bits`-bit code at position `pos` of a byte.
          auto code = [&](Value byte, int64_t dim) -> Value {
            Value pos = arith::IndexCastOp::create(
                b, l, i32, linalg::IndexOp::create(b, l, dim));
            Value shift = arith::MulIOp::create(
                b, l, arith::RemUIOp::create(b, l, pos, cst(perByte)),
                cst(bits));
            Value wide = arith::ExtUIOp::create(b, l, i32, byte);
            return arith::AndIOp::create(
                b, l, arith::ShRUIOp::create(b, l, wide, shift),
                cst((1 << bits) - 1));
          };
          Value q = code(args[0], 2);
          Value scale = castFloat(b, l, args[1], acc);
          Value value;
          if (args.size() > 2 && !packedZp) {
            value = arith::SubFOp::create(
                b, l, arith::UIToFPOp::create(b, l, acc, q),
                castFloat(b, l, args[2], acc));
          } else {
            Value z = args.size() > 2 ? code(args[2], 1)
                                      : (Value)cst(1 << (bits - 1));
            value = arith::SIToFPOp::create(
                b, l, acc, arith::SubIOp::create(b, l, q, z));
          }
          return arith::MulFOp::create(b, l, value, scale);
        });
    Value w2 = collapseDims(rewriter, loc, w, 1, 2);
    if (blocks * blockSize != k)
      w2 = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({n, k}, acc), w2,
          SmallVector<OpFoldResult>(2, rewriter.getIndexAttr(0)),
          SmallVector<OpFoldResult>{rewriter.getIndexAttr(n),
                                    rewriter.getIndexAttr(k)},
          SmallVector<OpFoldResult>(2, rewriter.getIndexAttr(1)));

    // A as rows (R, K); Y rows (R, N) = A x W^T.
    int64_t rank = at.getRank();
    Value a2 = rank == 1 ? expandDim(rewriter, loc, a, 0,
                                     {rewriter.getIndexAttr(1),
                                      rewriter.getIndexAttr(k)})
                         : collapseDims(rewriter, loc, a, 0, rank - 1);
    OpFoldResult rows = dimOf(rewriter, loc, a2, 0);
    auto yType = RankedTensorType::get(
        {cast<RankedTensorType>(a2.getType()).getDimSize(0), n}, acc);
    SmallVector<OpFoldResult> yDims = {rows, rewriter.getIndexAttr(n)};
    Value init;
    if (!onnx::isNoValue(op.getBias()))
      init = buildGeneric(rewriter, loc, yType, yDims, adaptor.getBias(),
                          {AffineMap::get(2, 0, {d(1)}, ctx)},
                          [&](OpBuilder &b, Location l, ValueRange args) {
                            return castFloat(b, l, args[0], acc);
                          });
    else
      init = createFilledTensor(rewriter, loc, yType, yDims,
                                createScalarConstant(rewriter, loc, acc, 0.0));
    SmallVector<AffineMap> mmMaps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    Value y = linalg::MatmulOp::create(
                  rewriter, loc, TypeRange{yType}, ValueRange{a2, w2}, init,
                  {rewriter.getNamedAttr("indexing_maps",
                                         rewriter.getAffineMapArrayAttr(mmMaps))})
                  .getResult(0);
    if (acc != elementType)
      y = mapElements(rewriter, loc, y, elementType,
                      [&](OpBuilder &b, Location l, Value v) {
                        return castFloat(b, l, v, elementType);
                      });
    // Back to (..., N).
    if (rank == 1) {
      y = tensor::CollapseShapeOp::create(rewriter, loc, *resultType, y,
                                          SmallVector<ReassociationIndices>{{0, 1}});
    } else if (rank > 2) {
      SmallVector<ReassociationIndices> groups(1);
      SmallVector<OpFoldResult> shape;
      for (int64_t i = 0; i < rank - 1; ++i) {
        groups[0].push_back(i);
        shape.push_back(dimOf(rewriter, loc, a, i));
      }
      groups.push_back({rank - 1});
      shape.push_back(rewriter.getIndexAttr(n));
      y = expandTo(rewriter, loc, y, *resultType, groups, shape);
    } else if (y.getType() != *resultType) {
      y = tensor::CastOp::create(rewriter, loc, *resultType, y);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void quant_opt::populateONNXQuantToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering, MatMulIntegerLowering,
               QLinearMatMulLowering, ConvIntegerLowering, QLinearConvLowering,
               MatMulNBitsLowering>(converter, patterns.getContext());
}
