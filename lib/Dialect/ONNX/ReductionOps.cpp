//===- ReductionOps.cpp - type inference and verifiers
//----------------------===//
//
// Reduce*, Softmax / LogSoftmax, LayerNormalization, BatchNormalization.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace quant_opt::onnx;

/// Checks that an ONNX boolean-like INT attribute is 0 or 1.
static LogicalResult checkFlag(Operation *op, int64_t value, StringRef name) {
  if (value != 0 && value != 1)
    return op->emitOpError("'") << name << "' must be 0 or 1, got " << value;
  return success();
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

/// Shared inference of the Reduce* ops (opset 18 form, axes as an input).
static LogicalResult inferReduceTypes(Operation *op, Value data, Value axes,
                                      int64_t keepdims, int64_t noop,
                                      SmallVectorImpl<Type> &inferred) {
  if (failed(checkFlag(op, keepdims, "keepdims")) ||
      failed(checkFlag(op, noop, "noop_with_empty_axes")))
    return failure();
  Type element = elementTypeOf(data);
  auto input = shapeOf(data);

  // The axes, when known; an empty list means "no axes given".
  std::optional<SmallVector<int64_t>> axisValues;
  std::optional<int64_t> axesCount;
  if (isNoValue(axes)) {
    axisValues.emplace();
  } else {
    auto axesShape = shapeOf(axes);
    if (axesShape && axesShape->size() != 1)
      return op->emitOpError("'axes' must be a 1-D tensor, got rank ")
             << axesShape->size();
    if (axesShape && (*axesShape)[0] != kDyn)
      axesCount = (*axesShape)[0];
    axisValues = getConstantInts(axes);
    if (!axisValues && axesCount && *axesCount == 0)
      axisValues.emplace();
  }

  if (axisValues && axisValues->empty()) {
    if (noop) {
      inferred.push_back(data.getType());
      return success();
    }
    // Reduce over all dimensions.
    if (!keepdims)
      inferred.push_back(RankedTensorType::get({}, element));
    else if (!input)
      inferred.push_back(UnrankedTensorType::get(element));
    else
      inferred.push_back(RankedTensorType::get(
          SmallVector<int64_t>(input->size(), 1), element));
    return success();
  }

  if (!input) {
    inferred.push_back(UnrankedTensorType::get(element));
    return success();
  }
  int64_t rank = input->size();

  if (axisValues) {
    SmallVector<bool> reduced(rank, false);
    for (int64_t axis : *axisValues) {
      auto normalized = normalizeAxis(op, axis, rank, "'axes' value");
      if (failed(normalized))
        return failure();
      if (reduced[*normalized])
        return op->emitOpError("'axes' has duplicate axis ") << axis;
      reduced[*normalized] = true;
    }
    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < rank; ++i) {
      if (!reduced[i])
        shape.push_back((*input)[i]);
      else if (keepdims)
        shape.push_back(1);
    }
    inferred.push_back(RankedTensorType::get(shape, element));
    return success();
  }

  // Axes unknown (not constant).
  if (axesCount && *axesCount > rank)
    return op->emitOpError("'axes' has ")
           << *axesCount << " entries but 'data' has rank " << rank;
  if (keepdims) {
    // Any dimension may become 1; those that are 1 stay 1.
    SmallVector<int64_t> shape;
    for (int64_t dim : *input)
      shape.push_back(dim == 1 ? 1 : kDyn);
    inferred.push_back(RankedTensorType::get(shape, element));
    return success();
  }
  if (!axesCount) {
    inferred.push_back(UnrankedTensorType::get(element));
    return success();
  }
  inferred.push_back(RankedTensorType::get(
      SmallVector<int64_t>(rank - *axesCount, kDyn), element));
  return success();
}

#define QOPT_REDUCE_INFERENCE(OP)                                              \
  LogicalResult OP::inferResultTypes(SmallVectorImpl<Type> &inferred) {        \
    return inferReduceTypes(getOperation(), getData(), getAxes(),              \
                            getKeepdims(), getNoopWithEmptyAxes(), inferred);  \
  }

QOPT_REDUCE_INFERENCE(ReduceMeanOp)
QOPT_REDUCE_INFERENCE(ReduceSumOp)
QOPT_REDUCE_INFERENCE(ReduceMaxOp)
QOPT_REDUCE_INFERENCE(ReduceMinOp)
QOPT_REDUCE_INFERENCE(ReduceProdOp)
QOPT_REDUCE_INFERENCE(ReduceL2Op)
QOPT_REDUCE_INFERENCE(ReduceL1Op)
QOPT_REDUCE_INFERENCE(ReduceLogSumOp)
QOPT_REDUCE_INFERENCE(ReduceLogSumExpOp)
QOPT_REDUCE_INFERENCE(ReduceSumSquareOp)

#undef QOPT_REDUCE_INFERENCE

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

static LogicalResult inferArgReduceTypes(Operation *op, Value data,
                                         int64_t axis, int64_t keepdims,
                                         int64_t selectLast,
                                         SmallVectorImpl<Type> &inferred) {
  if (failed(checkFlag(op, keepdims, "keepdims")) ||
      failed(checkFlag(op, selectLast, "select_last_index")))
    return failure();
  Type i64 = IntegerType::get(op->getContext(), 64);
  auto input = shapeOf(data);
  if (!input) {
    inferred.push_back(UnrankedTensorType::get(i64));
    return success();
  }
  if (input->empty())
    return op->emitOpError("'data' must have rank >= 1");
  auto normalized = normalizeAxis(op, axis, input->size(), "'axis'");
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> shape(*input);
  if (keepdims)
    shape[*normalized] = 1;
  else
    shape.erase(shape.begin() + *normalized);
  inferred.push_back(RankedTensorType::get(shape, i64));
  return success();
}

LogicalResult ArgMaxOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferArgReduceTypes(getOperation(), getData(), getAxis(),
                             getKeepdims(), getSelectLastIndex(), inferred);
}

LogicalResult ArgMinOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferArgReduceTypes(getOperation(), getData(), getAxis(),
                             getKeepdims(), getSelectLastIndex(), inferred);
}

//===----------------------------------------------------------------------===//
// Softmax / LogSoftmax / Hardmax
//===----------------------------------------------------------------------===//

static LogicalResult inferSoftmaxTypes(Operation *op, Value input, int64_t axis,
                                       SmallVectorImpl<Type> &inferred) {
  if (auto shape = shapeOf(input))
    if (failed(normalizeAxis(op, axis, shape->size(), "'axis'")))
      return failure();
  inferred.push_back(input.getType());
  return success();
}

LogicalResult SoftmaxOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferSoftmaxTypes(getOperation(), getInput(), getAxis(), inferred);
}

LogicalResult LogSoftmaxOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferSoftmaxTypes(getOperation(), getInput(), getAxis(), inferred);
}

LogicalResult HardmaxOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferSoftmaxTypes(getOperation(), getInput(), getAxis(), inferred);
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

LogicalResult CumSumOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkFlag(getOperation(), getExclusive(), "exclusive")) ||
      failed(checkFlag(getOperation(), getReverse(), "reverse")))
    return failure();
  auto x = shapeOf(getX());
  if (x && x->empty())
    return emitOpError("'x' must have rank >= 1");
  if (auto axisShape = shapeOf(getAxis())) {
    bool scalar = axisShape->empty() ||
                  (axisShape->size() == 1 &&
                   ((*axisShape)[0] == 1 || (*axisShape)[0] == kDyn));
    if (!scalar)
      return emitOpError("'axis' must be a scalar, got rank ")
             << axisShape->size();
  }
  if (auto axis = getConstantInts(getAxis()); axis && x) {
    if (axis->size() != 1)
      return emitOpError("'axis' must hold one value, got ") << axis->size();
    if (failed(
            normalizeAxis(getOperation(), axis->front(), x->size(), "'axis'")))
      return failure();
  }
  inferred.push_back(getX().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

/// Checks that `v` broadcasts unidirectionally to `target` (numpy rules).
/// Extra leading dimensions of size 1 are tolerated (runtimes only compare
/// element counts, and exporters emit e.g. 1x1xC scales).
static LogicalResult checkBroadcastsTo(Operation *op, Value v,
                                       ArrayRef<int64_t> target, StringRef name,
                                       StringRef targetName) {
  auto optShape = shapeOf(v);
  if (!optShape)
    return success();
  ArrayRef<int64_t> shape = *optShape;
  size_t dropped = 0;
  while (shape.size() > target.size()) {
    if (shape.front() != 1 && shape.front() != kDyn)
      return op->emitOpError("'")
             << name << "' has rank " << shape.size() << ", more than the "
             << targetName << " rank " << target.size();
    shape = shape.drop_front();
    ++dropped;
  }
  size_t offset = target.size() - shape.size();
  for (auto [i, dim] : llvm::enumerate(shape)) {
    int64_t want = target[offset + i];
    if (dim != kDyn && want != kDyn && dim != 1 && dim != want)
      return op->emitOpError("'")
             << name << "' dimension " << (dropped + i) << " is " << dim
             << " but the " << targetName << " dimension is " << want;
  }
  return success();
}

LogicalResult
LayerNormalizationOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t stash = getStashType();
  Type statType;
  if (stash == 1)
    statType = Float32Type::get(getContext());
  else if (stash == 16)
    statType = BFloat16Type::get(getContext());
  else
    return emitOpError("'stash_type' must be 1 (FLOAT) or 16 (BFLOAT16), got ")
           << stash;
  Type element = elementTypeOf(getX());
  if (!isNoValue(getB()) && elementTypeOf(getB()) != element)
    return emitOpError("'B' element type ")
           << elementTypeOf(getB()) << " must match 'X' element type "
           << element;

  auto x = shapeOf(getX());
  if (!x) {
    inferred.push_back(getX().getType());
    inferred.push_back(UnrankedTensorType::get(statType));
    inferred.push_back(UnrankedTensorType::get(statType));
    return success();
  }
  int64_t rank = x->size();
  auto axis = normalizeAxis(getOperation(), getAxis(), rank, "'axis'");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = ArrayRef<int64_t>(*x).drop_front(*axis);
  if (failed(checkBroadcastsTo(getOperation(), getScale(), normalized, "Scale",
                               "normalized")) ||
      (!isNoValue(getB()) &&
       failed(checkBroadcastsTo(getOperation(), getB(), normalized, "B",
                                "normalized"))))
    return failure();

  SmallVector<int64_t> statShape(*x);
  for (int64_t i = *axis; i < rank; ++i)
    statShape[i] = 1;
  inferred.push_back(getX().getType());
  inferred.push_back(RankedTensorType::get(statShape, statType));
  inferred.push_back(RankedTensorType::get(statShape, statType));
  return success();
}

/// Checks per-channel parameters (1-D, of size C) of a normalization op and
/// fills a dynamic `channels` from the first static parameter size.
static LogicalResult
checkChannelParams(Operation *op, ArrayRef<std::pair<StringRef, Value>> params,
                   StringRef inputName, int64_t &channels) {
  for (auto [name, value] : params) {
    auto shape = shapeOf(value);
    if (!shape)
      continue;
    if (shape->size() != 1)
      return op->emitOpError("'")
             << name << "' must be a 1-D tensor, got rank " << shape->size();
    int64_t size = (*shape)[0];
    if (size == kDyn)
      continue;
    if (channels != kDyn && size != channels)
      return op->emitOpError("'")
             << name << "' has size " << size << " but '" << inputName
             << "' has " << channels << " channels";
    channels = size;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

LogicalResult
BatchNormalizationOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkFlag(getOperation(), getTrainingMode(), "training_mode")))
    return failure();
  auto x = shapeOf(getX());
  int64_t channels = kDyn;
  if (x) {
    if (x->empty())
      return emitOpError("'X' must have rank at least 1");
    channels = x->size() == 1 ? 1 : (*x)[1];
  }
  std::pair<StringRef, Value> params[] = {{"scale", getScale()},
                                          {"B", getB()},
                                          {"input_mean", getInputMean()},
                                          {"input_var", getInputVar()}};
  if (failed(checkChannelParams(getOperation(), params, "X", channels)))
    return failure();

  Type xType = getX().getType();
  if (x && x->size() >= 2 && (*x)[1] == kDyn && channels != kDyn) {
    SmallVector<int64_t> shape(*x);
    shape[1] = channels;
    xType = RankedTensorType::get(shape, elementTypeOf(getX()));
  }
  Type statType =
      RankedTensorType::get({channels}, elementTypeOf(getInputMean()));
  inferred.push_back(xType);
  inferred.push_back(statType);
  inferred.push_back(statType);
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNormalization
//===----------------------------------------------------------------------===//

LogicalResult
InstanceNormalizationOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto x = shapeOf(getInput());
  int64_t channels = kDyn;
  if (x) {
    if (x->size() < 2)
      return emitOpError("'input' must have rank >= 2 (N x C x ...), got ")
             << x->size();
    channels = (*x)[1];
  }
  std::pair<StringRef, Value> params[] = {{"scale", getScale()}, {"B", getB()}};
  if (failed(checkChannelParams(getOperation(), params, "input", channels)))
    return failure();
  if (x && (*x)[1] == kDyn && channels != kDyn) {
    SmallVector<int64_t> shape(*x);
    shape[1] = channels;
    inferred.push_back(RankedTensorType::get(shape, elementTypeOf(getInput())));
    return success();
  }
  inferred.push_back(getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// MeanVarianceNormalization
//===----------------------------------------------------------------------===//

LogicalResult
MeanVarianceNormalizationOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (auto x = shapeOf(getX())) {
    int64_t rank = x->size();
    SmallVector<bool> seen(rank, false);
    for (Attribute a : getAxes()) {
      auto intAttr = dyn_cast<IntegerAttr>(a);
      if (!intAttr)
        return emitOpError("'axes' must hold integers");
      auto axis =
          normalizeAxis(getOperation(), intAttr.getInt(), rank, "'axes' value");
      if (failed(axis))
        return failure();
      if (seen[*axis])
        return emitOpError("'axes' has duplicate axis ") << intAttr.getInt();
      seen[*axis] = true;
    }
  }
  inferred.push_back(getX().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// LRN
//===----------------------------------------------------------------------===//

LogicalResult LRNOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (getSize() <= 0)
    return emitOpError("'size' must be positive, got ") << getSize();
  auto x = shapeOf(getX());
  if (x && x->size() < 2)
    return emitOpError("'X' must have rank >= 2 (N x C x ...), got ")
           << x->size();
  inferred.push_back(getX().getType());
  return success();
}
