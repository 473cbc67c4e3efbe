//===- QuantUtils.cpp - scalar quantization helpers of the lowerings ------===//

#include "QuantUtils.h"

#include <cmath>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

/// Scalar `v` of ONNX element type `onnxType` as f32.
Value quant_opt::lowering::toF32(OpBuilder &b, Location loc, Value v, Type onnxType) {
  return convertScalar(b, loc, v, onnxType, b.getF32Type());
}

/// Integer scalar `v` of ONNX element type `onnxType` widened to i32.
Value quant_opt::lowering::toI32(OpBuilder &b, Location loc, Value v, Type onnxType) {
  Type i32 = b.getI32Type();
  unsigned width = v.getType().getIntOrFloatBitWidth();
  if (width == 32)
    return v;
  if (width > 32)
    return arith::TruncIOp::create(b, loc, i32, v);
  if (isUnsignedInt(onnxType))
    return arith::ExtUIOp::create(b, loc, i32, v);
  return arith::ExtSIOp::create(b, loc, i32, v);
}

/// f32 scalar `v` rounded half to even, plus `zeroPoint` (f32, or null),
/// saturated to ONNX integer type `onnxType` and converted to it.
Value quant_opt::lowering::quantizeScalar(OpBuilder &b, Location loc, Value v,
                            Value zeroPoint, Type onnxType) {
  auto intType = cast<IntegerType>(onnxType);
  unsigned width = intType.getWidth();
  bool isUnsigned = isUnsignedInt(onnxType);
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  Value q = math::RoundEvenOp::create(b, loc, v);
  if (zeroPoint)
    q = arith::AddFOp::create(b, loc, q, zeroPoint);
  Type f32 = b.getF32Type();
  q = arith::MaximumFOp::create(b, loc, q, createScalarConstant(b, loc, f32, lo));
  q = arith::MinimumFOp::create(b, loc, q, createScalarConstant(b, loc, f32, hi));
  Type target = b.getIntegerType(width);
  if (isUnsigned)
    return arith::FPToUIOp::create(b, loc, target, q);
  return arith::FPToSIOp::create(b, loc, target, q);
}

bool quant_opt::lowering::isOneElement(RankedTensorType t) {
  return t.getRank() == 0 || (t.getRank() == 1 && t.getDimSize(0) == 1);
}

/// The map reading a quantization parameter of `paramType` inside a loop
/// nest of `rank` dims: per tensor (one element), per axis (1-D along
/// `axis`), blocked (rank dims, dim(axis) / blockSize), or an N-D
/// parameter broadcast against the loop nest's static `shape`.
FailureOr<AffineMap>
quant_opt::lowering::paramMap(RankedTensorType paramType,
                                     ArrayRef<int64_t> shape, int64_t axis,
                                     int64_t blockSize, MLIRContext *ctx) {
  int64_t rank = shape.size();
  if (isOneElement(paramType)) {
    SmallVector<AffineExpr> exprs;
    if (paramType.getRank() == 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  if (paramType.getRank() == 1 && blockSize == 0 && axis >= 0 && axis < rank)
    return AffineMap::get(rank, 0, {getAffineDimExpr(axis, ctx)}, ctx);
  if (blockSize > 0 && paramType.getRank() == rank) {
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank; ++i)
      exprs.push_back(i == axis ? getAffineDimExpr(i, ctx).floorDiv(blockSize)
                                : getAffineDimExpr(i, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  if (blockSize == 0 && paramType.getRank() <= rank && paramType.getRank() > 1)
    return getBroadcastMap(paramType,
                           RankedTensorType::get(shape, paramType.getElementType()));
  return failure();
}

