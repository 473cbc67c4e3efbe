//===- ConversionUtils.cpp - shared helpers of onnx -> linalg -------------===//

#include "ConversionUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;

namespace quant_opt::lowering {

bool isUnsignedInt(Type elementType) {
  auto intType = dyn_cast<IntegerType>(elementType);
  return intType && intType.isUnsigned();
}

FailureOr<RankedTensorType> getConvertedType(const TypeConverter &converter,
                                             Value onnxValue,
                                             ConversionPatternRewriter &rewriter,
                                             Operation *op) {
  auto type =
      dyn_cast_or_null<RankedTensorType>(converter.convertType(onnxValue.getType()));
  if (!type)
    return rewriter.notifyMatchFailure(
        op, "needs ranked tensor types (run --qopt-onnx-shape-inference, or "
            "give input shapes with --input-shape)");
  return type;
}

Value getDimValue(OpBuilder &b, Location loc, Value v, int64_t dim) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, v, dim);
}

SmallVector<OpFoldResult> getDims(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> dims;
  for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
    if (type.isDynamicDim(i))
      dims.push_back(tensor::DimOp::create(b, loc, v, i).getResult());
    else
      dims.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return dims;
}

Value createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<OpFoldResult> dims) {
  SmallVector<Value> dynamic;
  for (int64_t i = 0, e = type.getRank(); i < e; ++i)
    if (type.isDynamicDim(i))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, dims[i]));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

Value createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         ArrayRef<OpFoldResult> dims, Value value) {
  Value empty = createEmptyTensor(b, loc, type, dims);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

SmallVector<OpFoldResult> getBroadcastDims(OpBuilder &b, Location loc,
                                           ValueRange operands,
                                           RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    // The first operand whose aligned dimension is dynamic decides the size;
    // a static size other than 1 would have made the result static.
    OpFoldResult size = b.getIndexAttr(1);
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t od = d - (rank - type.getRank());
      if (od < 0)
        continue;
      if (type.isDynamicDim(od)) {
        size = tensor::DimOp::create(b, loc, operand, od).getResult();
        break;
      }
      if (type.getDimSize(od) != 1)
        size = b.getIndexAttr(type.getDimSize(od));
    }
    dims.push_back(size);
  }
  return dims;
}

AffineMap getBroadcastMap(RankedTensorType operandType,
                          RankedTensorType resultType) {
  MLIRContext *context = resultType.getContext();
  int64_t rank = resultType.getRank();
  int64_t offset = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = operandType.getRank(); i < e; ++i) {
    bool broadcasts = operandType.getDimSize(i) == 1 &&
                      resultType.getDimSize(i + offset) != 1;
    exprs.push_back(broadcasts ? getAffineConstantExpr(0, context)
                               : getAffineDimExpr(i + offset, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

SmallVector<utils::IteratorType> parallelIterators(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

Value buildBroadcastGeneric(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange operands,
                            ScalarBodyFn body) {
  SmallVector<OpFoldResult> dims =
      getBroadcastDims(b, loc, operands, resultType);
  Value init = createEmptyTensor(b, loc, resultType, dims);
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(
        getBroadcastMap(cast<RankedTensorType>(operand.getType()), resultType));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, operands, init, maps,
      parallelIterators(resultType.getRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

Value createScalarConstant(OpBuilder &b, Location loc, Type type,
                           double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, static_cast<int64_t>(value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// Signless integer type of the same width as ONNX integer type `t`.
static Type signless(Type t) {
  if (auto intType = dyn_cast<IntegerType>(t))
    return IntegerType::get(t.getContext(), intType.getWidth());
  return t;
}

Value convertScalar(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  if (from == to)
    return v;
  Type target = signless(to);
  bool fromUnsigned = isUnsignedInt(from);
  bool toUnsigned = isUnsignedInt(to);
  if (isa<FloatType>(from) && isa<FloatType>(to)) {
    if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth() ||
        (from.getIntOrFloatBitWidth() == to.getIntOrFloatBitWidth() &&
         isa<BFloat16Type>(from)))
      return arith::ExtFOp::create(b, loc, target, v);
    if (from.getIntOrFloatBitWidth() == to.getIntOrFloatBitWidth()) {
      // f16 <-> bf16: through f32.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
      return arith::TruncFOp::create(b, loc, target, wide);
    }
    return arith::TruncFOp::create(b, loc, target, v);
  }
  Type f32 = b.getF32Type();
  if (isa<FloatType>(from)) {
    if (to.isInteger(1)) {
      Value zero = createScalarConstant(b, loc, from, 0.0);
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    }
    if (isa<Float16Type, BFloat16Type>(from)) {
      v = arith::ExtFOp::create(b, loc, f32, v);
      from = f32;
    }
    // fptosi / fptoui of a value out of the target's range is poison; ONNX
    // (C / numpy) wraps. Narrow and 32-bit unsigned targets go through a
    // wider signed integer and truncate.
    unsigned width = to.getIntOrFloatBitWidth();
    if (width < 32 || (width == 32 && toUnsigned)) {
      Type wide = b.getIntegerType(width < 32 ? 32 : 64);
      Value asInt = arith::FPToSIOp::create(b, loc, wide, v);
      return arith::TruncIOp::create(b, loc, target, asInt);
    }
    if (toUnsigned) {
      // uint64: negative values wrap (through i64), large ones need fptoui.
      Value zero = createScalarConstant(b, loc, from, 0.0);
      Value negative =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v, zero);
      Value viaSigned = arith::FPToSIOp::create(b, loc, target, v);
      Value viaUnsigned = arith::FPToUIOp::create(b, loc, target, v);
      return arith::SelectOp::create(b, loc, negative, viaSigned, viaUnsigned);
    }
    return arith::FPToSIOp::create(b, loc, target, v);
  }
  // From an integer (or bool).
  if (to.isInteger(1)) {
    Value zero = createScalarConstant(b, loc, v.getType(), 0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  bool srcUnsigned = fromUnsigned || from.isInteger(1);
  if (isa<FloatType>(to)) {
    // Integers reach f16 / bf16 through f32.
    Type direct = isa<Float16Type, BFloat16Type>(to) ? f32 : target;
    Value converted =
        srcUnsigned ? arith::UIToFPOp::create(b, loc, direct, v).getResult()
                    : arith::SIToFPOp::create(b, loc, direct, v).getResult();
    if (direct == target)
      return converted;
    return arith::TruncFOp::create(b, loc, target, converted);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth == toWidth)
    return v;
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, target, v);
  if (srcUnsigned)
    return arith::ExtUIOp::create(b, loc, target, v);
  return arith::ExtSIOp::create(b, loc, target, v);
}

} // namespace quant_opt::lowering
