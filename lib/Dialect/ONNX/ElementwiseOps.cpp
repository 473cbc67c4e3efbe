//===- ElementwiseOps.cpp - type inference and verifiers
//----------------------===//
//
// Inference of the elementwise ops that do not use the generic unary /
// binary / comparison classes of ElementwiseOps.td.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace quant_opt::onnx;

/// Variadic broadcasting ops (Max, Min, Sum, Mean): at least one input, all
/// broadcast together, element type of the inputs.
static LogicalResult inferVariadicBroadcast(Operation *op, ValueRange inputs,
                                            SmallVectorImpl<Type> &inferred) {
  if (inputs.empty())
    return op->emitOpError("expects at least one input");
  SmallVector<Value> operands(inputs.begin(), inputs.end());
  return inferBroadcastTypes(op, operands, elementTypeOf(inputs.front()),
                             inferred);
}

/// An optional scalar bound of Clip: absent, or a tensor of the input's
/// element type with one element (rank 0, or rank 1 of size 1 as exported by
/// some converters).
static LogicalResult checkClipBound(Operation *op, Value bound, Type element,
                                    StringRef name) {
  if (isNoValue(bound))
    return success();
  if (elementTypeOf(bound) != element)
    return op->emitOpError("'")
           << name << "' element type " << elementTypeOf(bound)
           << " must match the input element type " << element;
  auto shape = shapeOf(bound);
  if (!shape)
    return success();
  bool scalar = shape->empty() || (shape->size() == 1 &&
                                   ((*shape)[0] == 1 || (*shape)[0] == kDyn));
  if (!scalar)
    return op->emitOpError("'")
           << name << "' must be a scalar, got rank " << shape->size();
  return success();
}

//===----------------------------------------------------------------------===//
// Pow
//===----------------------------------------------------------------------===//

LogicalResult PowOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferBroadcastTypes(getOperation(), {getX(), getY()},
                             elementTypeOf(getX()), inferred);
}

//===----------------------------------------------------------------------===//
// Max / Min / Sum / Mean
//===----------------------------------------------------------------------===//

LogicalResult MaxOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferVariadicBroadcast(getOperation(), getData_0(), inferred);
}

LogicalResult MinOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferVariadicBroadcast(getOperation(), getData_0(), inferred);
}

LogicalResult SumOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferVariadicBroadcast(getOperation(), getData_0(), inferred);
}

LogicalResult MeanOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferVariadicBroadcast(getOperation(), getData_0(), inferred);
}

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  StringRef approximate = getApproximate();
  if (approximate != "none" && approximate != "tanh")
    return emitOpError("'approximate' must be \"none\" or \"tanh\", got \"")
           << approximate << "\"";
  inferred.push_back(getX().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Clip
//===----------------------------------------------------------------------===//

LogicalResult ClipOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type element = elementTypeOf(getInput());
  if (failed(checkClipBound(getOperation(), getMin(), element, "min")) ||
      failed(checkClipBound(getOperation(), getMax(), element, "max")))
    return failure();
  inferred.push_back(getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// IsNaN
//===----------------------------------------------------------------------===//

LogicalResult IsNaNOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      makeTensorType(shapeOf(getX()), IntegerType::get(getContext(), 1)));
  return success();
}

//===----------------------------------------------------------------------===//
// Where
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferBroadcastTypes(getOperation(), {getCondition(), getX(), getY()},
                             elementTypeOf(getX()), inferred);
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

LogicalResult CastOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t to = getTo();
  Type element = getTypeFromONNXDataType(getContext(), to);
  if (!element)
    return emitOpError("'to' = ") << to << " is not a supported ONNX data type";
  int64_t saturate = getSaturate();
  if (saturate != 0 && saturate != 1)
    return emitOpError("'saturate' must be 0 or 1, got ") << saturate;
  inferred.push_back(makeTensorType(shapeOf(getInput()), element));
  return success();
}

//===----------------------------------------------------------------------===//
// Mod
//===----------------------------------------------------------------------===//

LogicalResult ModOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t fmod = getFmod();
  if (fmod != 0 && fmod != 1)
    return emitOpError("'fmod' must be 0 or 1, got ") << fmod;
  Type element = elementTypeOf(getA());
  if (isa<FloatType>(element) && fmod != 1)
    return emitOpError("'fmod' must be 1 for floating-point inputs (")
           << element << ")";
  return inferBroadcastTypes(getOperation(), {getA(), getB()}, element,
                             inferred);
}

//===----------------------------------------------------------------------===//
// BitShift
//===----------------------------------------------------------------------===//

LogicalResult BitShiftOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  StringRef direction = getDirection();
  if (direction != "LEFT" && direction != "RIGHT")
    return emitOpError("'direction' must be \"LEFT\" or \"RIGHT\", got \"")
           << direction << "\"";
  return inferBroadcastTypes(getOperation(), {getX(), getY()},
                             elementTypeOf(getX()), inferred);
}

//===----------------------------------------------------------------------===//
// PRelu
//===----------------------------------------------------------------------===//

LogicalResult PReluOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto x = shapeOf(getX());
  auto slope = shapeOf(getSlope());
  if (!x || !slope) {
    inferred.push_back(getX().getType());
    return success();
  }
  if (slope->size() > x->size())
    return emitOpError("'slope' has rank ")
           << slope->size() << ", more than the rank " << x->size()
           << " of 'X' (it must broadcast unidirectionally to 'X')";
  SmallVector<int64_t> result(*x);
  size_t offset = x->size() - slope->size();
  for (auto [i, dim] : llvm::enumerate(*slope)) {
    int64_t &want = result[offset + i];
    if (dim == kDyn || dim == 1)
      continue;
    if (want == kDyn) {
      want = dim;
      continue;
    }
    if (dim != want)
      return emitOpError("'slope' dimension ")
             << i << " is " << dim << " but the matching 'X' dimension is "
             << want << " (it must broadcast unidirectionally to 'X')";
  }
  inferred.push_back(RankedTensorType::get(result, elementTypeOf(getX())));
  return success();
}

//===----------------------------------------------------------------------===//
// IsInf
//===----------------------------------------------------------------------===//

LogicalResult IsInfOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  for (auto [value, name] :
       {std::pair<int64_t, StringRef>{getDetectNegative(), "detect_negative"},
        {getDetectPositive(), "detect_positive"}})
    if (value != 0 && value != 1)
      return emitOpError("'") << name << "' must be 0 or 1, got " << value;
  inferred.push_back(
      makeTensorType(shapeOf(getX()), IntegerType::get(getContext(), 1)));
  return success();
}

//===----------------------------------------------------------------------===//
// CastLike
//===----------------------------------------------------------------------===//

LogicalResult CastLikeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type element = elementTypeOf(getTargetType());
  if (!getONNXDataType(element))
    return emitOpError("'target_type' element type ")
           << element << " is not a supported ONNX data type";
  int64_t saturate = getSaturate();
  if (saturate != 0 && saturate != 1)
    return emitOpError("'saturate' must be 0 or 1, got ") << saturate;
  inferred.push_back(makeTensorType(shapeOf(getInput()), element));
  return success();
}
