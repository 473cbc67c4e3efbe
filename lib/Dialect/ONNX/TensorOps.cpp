//===- TensorOps.cpp - shape and data movement ops ------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "llvm/Support/MathExtras.h"
#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace quant_opt::onnx;

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto shapeShape = shapeOf(getShape());
  if (shapeShape && shapeShape->size() != 1)
    return emitOpError("'shape' must be a 1-D tensor");
  auto target = getConstantInts(getShape());
  if (!target) {
    // A shape assembled at run time (Concat of Shape / Gather pieces) still
    // gives the rank and every piece that is known.
    if (auto partial = getPartialInts(getShape())) {
      SmallVector<int64_t> result;
      for (int64_t dim : *partial)
        result.push_back(dim >= 1 ? dim : kDyn);
      inferred.push_back(RankedTensorType::get(result, elementType));
    } else if (shapeShape && (*shapeShape)[0] != kDyn) {
      inferred.push_back(RankedTensorType::get(
          SmallVector<int64_t>((*shapeShape)[0], kDyn), elementType));
    } else {
      inferred.push_back(UnrankedTensorType::get(elementType));
    }
    return success();
  }
  auto input = shapeOf(getData());
  SmallVector<int64_t> result;
  int64_t inferIndex = -1;
  for (auto [i, dim] : llvm::enumerate(*target)) {
    if (dim == -1) {
      if (inferIndex >= 0)
        return emitOpError("'shape' has more than one -1");
      inferIndex = i;
      result.push_back(kDyn);
    } else if (dim == 0 && !getAllowzero()) {
      if (!input) {
        result.push_back(kDyn);
      } else if (i >= input->size()) {
        return emitOpError("'shape' copies dimension ")
               << i << " (0) but the input has rank " << input->size();
      } else {
        result.push_back((*input)[i]);
      }
    } else if (dim < 0) {
      return emitOpError("'shape' has invalid dimension ") << dim;
    } else {
      result.push_back(dim);
    }
  }
  if (getAllowzero() && inferIndex >= 0 && llvm::is_contained(*target, 0))
    return emitOpError("'shape' cannot contain both 0 and -1 with allowzero");
  std::optional<int64_t> total = input ? getNumElements(*input) : std::nullopt;
  if (total) {
    int64_t known = 1;
    bool allStatic = true;
    for (auto [i, dim] : llvm::enumerate(result)) {
      if ((int64_t)i == inferIndex)
        continue;
      if (dim == kDyn) {
        allStatic = false;
        continue;
      }
      if (llvm::MulOverflow(known, dim, known))
        return emitOpError("'shape' has more than 2^63 elements");
    }
    if (allStatic && inferIndex >= 0) {
      if (known == 0 || *total % known != 0)
        return emitOpError("cannot reshape ")
               << *total << " elements into the requested shape";
      result[inferIndex] = *total / known;
    } else if (allStatic && known != *total) {
      return emitOpError("cannot reshape ")
             << *total << " elements into " << known << " elements";
    }
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Local helpers
//===----------------------------------------------------------------------===//

/// The integers of an I64ArrayAttr.
static SmallVector<int64_t> toInts(ArrayAttr attr) {
  SmallVector<int64_t> values;
  for (Attribute a : attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// Fails with an error if `v` is a present, ranked operand whose rank is not
/// 1.
static LogicalResult check1D(Operation *op, Value v, StringRef name) {
  if (isNoValue(v))
    return success();
  auto shape = shapeOf(v);
  if (shape && shape->size() != 1)
    return op->emitOpError("'")
           << name << "' must be a 1-D tensor, got rank " << shape->size();
  return success();
}

/// Fails with an error if `v` is present and known not to hold exactly one
/// element (a scalar, or a one-element tensor where `allowOneElement`).
static LogicalResult checkScalar(Operation *op, Value v, StringRef name,
                                 bool allowOneElement) {
  if (isNoValue(v))
    return success();
  auto shape = shapeOf(v);
  if (!shape || shape->empty())
    return success();
  if (allowOneElement) {
    auto n = getNumElements(*shape);
    if (!n || *n == 1)
      return success();
  }
  return op->emitOpError("'") << name << "' must be a scalar";
}

/// The static length of the 1-D operand `v`, if known.
static std::optional<int64_t> staticLength(Value v) {
  auto shape = shapeOf(v);
  if (shape && shape->size() == 1 && (*shape)[0] != kDyn)
    return (*shape)[0];
  return std::nullopt;
}

/// Normalizes `axes` against `rank`; fails on out-of-range or repeated axes.
static FailureOr<SmallVector<int64_t>> normalizeAxes(Operation *op,
                                                     ArrayRef<int64_t> axes,
                                                     int64_t rank,
                                                     StringRef name) {
  SmallVector<int64_t> result;
  SmallVector<bool> seen(rank, false);
  for (int64_t axis : axes) {
    auto n =
        normalizeAxis(op, axis, rank, (Twine("'") + name + "' value").str());
    if (failed(n))
      return failure();
    if (seen[*n])
      return op->emitOpError("'") << name << "' has duplicate axis " << axis;
    seen[*n] = true;
    result.push_back(*n);
  }
  return result;
}

/// a * b over dimensions (dynamic if either is); fails on overflow.
static FailureOr<int64_t> mulDims(Operation *op, int64_t a, int64_t b) {
  if (a == kDyn || b == kDyn)
    return kDyn;
  int64_t r;
  if (llvm::MulOverflow(a, b, r))
    return op->emitOpError("dimension overflows: ") << a << " * " << b;
  return r;
}

/// Product of a range of dimensions (dynamic if any is); fails on overflow.
static FailureOr<int64_t> productOf(Operation *op, ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    auto r = mulDims(op, p, d);
    if (failed(r))
      return failure();
    p = *r;
  }
  return p;
}

static TensorType dynamicOfRank(int64_t rank, Type elementType) {
  return RankedTensorType::get(SmallVector<int64_t>(rank, kDyn), elementType);
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto input = shapeOf(getData());
  std::optional<SmallVector<int64_t>> perm;
  if (auto attr = getPermAttr())
    perm = toInts(attr);
  if (!input && !perm) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = input ? (int64_t)input->size() : (int64_t)perm->size();
  if (!perm) {
    perm.emplace();
    for (int64_t i = rank - 1; i >= 0; --i)
      perm->push_back(i);
  }
  if ((int64_t)perm->size() != rank)
    return emitOpError("'perm' has ")
           << perm->size() << " entries but the input has rank " << rank;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : *perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError("'perm' [")
             << ArrayRef<int64_t>(*perm) << "] is not a permutation of [0, "
             << rank << ")";
    seen[p] = true;
  }
  SmallVector<int64_t> result;
  for (int64_t p : *perm)
    result.push_back(input ? (*input)[p] : kDyn);
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Flatten
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  auto input = shapeOf(getInput());
  if (!input) {
    inferred.push_back(dynamicOfRank(2, elementType));
    return success();
  }
  int64_t rank = input->size();
  int64_t axis = getAxis();
  if (axis < -rank || axis > rank)
    return emitOpError("'axis' ")
           << axis << " is out of range [" << -rank << ", " << rank << "]";
  if (axis < 0)
    axis += rank;
  auto outer = productOf(*this, ArrayRef<int64_t>(*input).take_front(axis));
  auto inner = productOf(*this, ArrayRef<int64_t>(*input).drop_front(axis));
  if (failed(outer) || failed(inner))
    return failure();
  inferred.push_back(RankedTensorType::get({*outer, *inner}, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Squeeze / Unsqueeze
//===----------------------------------------------------------------------===//

LogicalResult SqueezeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  if (failed(check1D(*this, getAxes(), "axes")))
    return failure();
  auto input = shapeOf(getData());
  auto unranked = [&] {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  };
  if (!input)
    return unranked();
  int64_t rank = input->size();
  SmallVector<int64_t> result;
  if (isNoValue(getAxes())) {
    for (int64_t d : *input) {
      if (d == kDyn)
        return unranked();
      if (d != 1)
        result.push_back(d);
    }
    inferred.push_back(RankedTensorType::get(result, elementType));
    return success();
  }
  auto axes = getConstantInts(getAxes());
  if (!axes) {
    auto n = staticLength(getAxes());
    if (!n)
      return unranked();
    if (*n > rank)
      return emitOpError("'axes' has ")
             << *n << " entries but the input has rank " << rank;
    inferred.push_back(dynamicOfRank(rank - *n, elementType));
    return success();
  }
  auto normalized = normalizeAxes(*this, *axes, rank, "axes");
  if (failed(normalized))
    return failure();
  for (int64_t a : *normalized)
    if ((*input)[a] != kDyn && (*input)[a] != 1)
      return emitOpError("cannot squeeze dimension ")
             << a << " of size " << (*input)[a];
  for (auto [i, d] : llvm::enumerate(*input))
    if (!llvm::is_contained(*normalized, (int64_t)i))
      result.push_back(d);
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

LogicalResult UnsqueezeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  if (failed(check1D(*this, getAxes(), "axes")))
    return failure();
  auto input = shapeOf(getData());
  if (!input) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  auto axes = getConstantInts(getAxes());
  if (!axes) {
    if (auto n = staticLength(getAxes()))
      inferred.push_back(dynamicOfRank(input->size() + *n, elementType));
    else
      inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = input->size() + axes->size();
  auto normalized = normalizeAxes(*this, *axes, rank, "axes");
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> result;
  auto next = input->begin();
  for (int64_t i = 0; i < rank; ++i)
    result.push_back(llvm::is_contained(*normalized, i) ? 1 : *next++);
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  Type elementType = elementTypeOf(getInputs().front());
  std::optional<SmallVector<int64_t>> result;
  bool anyUnranked = false;
  int64_t axis = 0;
  for (Value v : getInputs()) {
    if (elementTypeOf(v) != elementType)
      return emitOpError("inputs must have the same element type, got ")
             << elementType << " and " << elementTypeOf(v);
    auto shape = shapeOf(v);
    if (!shape) {
      anyUnranked = true;
      continue;
    }
    if (!result) {
      auto a = normalizeAxis(*this, getAxis(), shape->size(), "'axis'");
      if (failed(a))
        return failure();
      axis = *a;
      result = *shape;
      continue;
    }
    if (shape->size() != result->size())
      return emitOpError("inputs must have the same rank, got ")
             << result->size() << " and " << shape->size();
    for (auto [i, d] : llvm::enumerate(*shape)) {
      int64_t &out = (*result)[i];
      if ((int64_t)i == axis) {
        if (out == kDyn || d == kDyn) {
          out = kDyn;
        } else if (llvm::AddOverflow(out, d, out)) {
          return emitOpError("concatenated dimension overflows");
        }
      } else if (out == kDyn) {
        out = d;
      } else if (d != kDyn && d != out) {
        return emitOpError("inputs disagree on dimension ")
               << i << ": " << out << " vs " << d;
      }
    }
  }
  if (!result) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  if (anyUnranked)
    (*result)[axis] = kDyn;
  inferred.push_back(RankedTensorType::get(*result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Split
//===----------------------------------------------------------------------===//

LogicalResult SplitOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  int64_t n = getNumResults();
  if (n < 1)
    return emitOpError("must have at least one result");
  if (failed(check1D(*this, getSplit(), "split")))
    return failure();
  bool hasSplit = !isNoValue(getSplit());
  if (auto numOutputsAttr = getNumOutputs()) {
    // I64Attr getters return uint64_t; read the value as signed.
    int64_t numOutputs = (int64_t)*numOutputsAttr;
    if (hasSplit)
      return emitOpError("'split' and 'num_outputs' cannot both be given");
    if (numOutputs != n)
      return emitOpError("'num_outputs' ")
             << numOutputs << " does not match the " << n << " results";
  }
  std::optional<SmallVector<int64_t>> sizes;
  if (hasSplit) {
    if (auto len = staticLength(getSplit()); len && *len != n)
      return emitOpError("'split' has ")
             << *len << " entries for " << n << " results";
    sizes = getConstantInts(getSplit());
    if (sizes)
      for (int64_t s : *sizes)
        if (s < 0)
          return emitOpError("'split' has negative length ") << s;
  }
  auto input = shapeOf(getInput());
  if (!input) {
    inferred.append(n, UnrankedTensorType::get(elementType));
    return success();
  }
  auto axisOr = normalizeAxis(*this, getAxis(), input->size(), "'axis'");
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  int64_t dim = (*input)[axis];
  SmallVector<int64_t> lengths(n, kDyn);
  if (sizes) {
    int64_t sum = 0;
    for (int64_t s : *sizes)
      if (llvm::AddOverflow(sum, s, sum))
        return emitOpError("'split' lengths overflow");
    if (dim != kDyn && sum != dim)
      return emitOpError("'split' lengths sum to ")
             << sum << " but dimension " << axis << " is " << dim;
    lengths = *sizes;
  } else if (!hasSplit && dim != kDyn) {
    if (getNumOutputs()) {
      int64_t chunk = dim / n + (dim % n != 0);
      int64_t last = dim - chunk * (n - 1);
      if (last < 0)
        return emitOpError("cannot split dimension of size ")
               << dim << " into " << n << " outputs";
      lengths.assign(n, chunk);
      lengths.back() = last;
    } else {
      if (dim % n != 0)
        return emitOpError("dimension of size ")
               << dim << " is not evenly splittable into " << n << " outputs";
      lengths.assign(n, dim / n);
    }
  }
  for (int64_t len : lengths) {
    SmallVector<int64_t> shape(*input);
    shape[axis] = len;
    inferred.push_back(RankedTensorType::get(shape, elementType));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

/// Length of a slice of a dimension of static size `dim`, with ONNX clamping.
static int64_t sliceLength(int64_t dim, int64_t start, int64_t end,
                           int64_t step) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? (end - start - 1) / step + 1 : 0;
  }
  if (dim == 0)
    return 0;
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  if (start <= end)
    return 0;
  uint64_t magnitude = step == std::numeric_limits<int64_t>::min()
                           ? uint64_t(1) << 63
                           : uint64_t(-step);
  return (int64_t)(uint64_t(start - end - 1) / magnitude + 1);
}

LogicalResult SliceOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  Value operands[] = {getStarts(), getEnds(), getAxes(), getSteps()};
  StringRef names[] = {"starts", "ends", "axes", "steps"};
  std::optional<int64_t> count;
  for (auto [v, name] : llvm::zip(operands, names)) {
    if (failed(check1D(*this, v, name)))
      return failure();
    if (isNoValue(v))
      continue;
    if (auto len = staticLength(v)) {
      if (count && *count != *len)
        return emitOpError("'starts', 'ends', 'axes' and 'steps' must have "
                           "the same length, got ")
               << *count << " and " << *len << " ('" << name << "')";
      count = *len;
    }
  }
  auto starts = getConstantInts(getStarts());
  auto ends = getConstantInts(getEnds());
  std::optional<SmallVector<int64_t>> steps;
  if (!isNoValue(getSteps())) {
    steps = getConstantInts(getSteps());
    if (steps && llvm::is_contained(*steps, 0))
      return emitOpError("'steps' must not contain 0");
  } else if (count) {
    steps = SmallVector<int64_t>(*count, 1);
  }
  auto input = shapeOf(getData());
  if (!input) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = input->size();
  std::optional<SmallVector<int64_t>> axes;
  if (!isNoValue(getAxes())) {
    axes = getConstantInts(getAxes());
    if (axes) {
      auto normalized = normalizeAxes(*this, *axes, rank, "axes");
      if (failed(normalized))
        return failure();
      axes = *normalized;
    }
  } else if (count) {
    if (*count > rank)
      return emitOpError("'starts' has ")
             << *count << " entries but the input has rank " << rank;
    axes.emplace();
    for (int64_t i = 0; i < *count; ++i)
      axes->push_back(i);
  }
  if (!axes) {
    inferred.push_back(dynamicOfRank(rank, elementType));
    return success();
  }
  SmallVector<int64_t> result(*input);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    int64_t dim = (*input)[axis];
    if (dim == kDyn || !starts || !ends || !steps) {
      result[axis] = kDyn;
      continue;
    }
    result[axis] = sliceLength(dim, (*starts)[i], (*ends)[i], (*steps)[i]);
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto data = shapeOf(getData());
  auto indices = shapeOf(getIndices());
  if (data && data->empty())
    return emitOpError("'data' must have rank >= 1");
  if (!data || !indices) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  auto axis = normalizeAxis(*this, getAxis(), data->size(), "'axis'");
  if (failed(axis))
    return failure();
  int64_t dim = (*data)[*axis];
  if (auto values = getConstantInts(getIndices()); values && dim != kDyn)
    for (int64_t index : *values)
      if (index < -dim || index >= dim)
        return emitOpError("'indices' value ")
               << index << " is out of range for dimension of size " << dim;
  SmallVector<int64_t> result(data->begin(), data->begin() + *axis);
  result.append(indices->begin(), indices->end());
  result.append(data->begin() + *axis + 1, data->end());
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Expand
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  if (failed(check1D(*this, getShape(), "shape")))
    return failure();
  auto input = shapeOf(getInput());
  auto target = getConstantInts(getShape());
  if (target) {
    for (int64_t d : *target)
      if (d < 0)
        return emitOpError("'shape' has negative dimension ") << d;
  }
  if (!input) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  if (target) {
    auto result = broadcastShapes(*this, {*input, *target});
    if (failed(result))
      return failure();
    inferred.push_back(RankedTensorType::get(*result, elementType));
    return success();
  }
  auto len = staticLength(getShape());
  if (!len) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  // Unknown target: a static input dimension other than 1 is kept (the
  // target must be 1 or equal there); everything else is dynamic.
  int64_t rank = std::max<int64_t>(*len, input->size());
  SmallVector<int64_t> result(rank, kDyn);
  int64_t offset = rank - input->size();
  for (auto [i, d] : llvm::enumerate(*input))
    if (d != kDyn && d != 1)
      result[offset + i] = d;
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape / Size
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>> ShapeOp::getReportedDims() {
  auto input = shapeOf(getData());
  if (!input)
    return std::nullopt;
  int64_t rank = input->size();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampIndex(static_cast<int64_t>(getStart()));
  int64_t end = getEnd() ? clampIndex(static_cast<int64_t>(*getEnd())) : rank;
  return SmallVector<int64_t>(input->begin() + start,
                              input->begin() + std::max(start, end));
}

LogicalResult ShapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto dims = getReportedDims();
  inferred.push_back(
      RankedTensorType::get({dims ? (int64_t)dims->size() : kDyn},
                            IntegerType::get(getContext(), 64)));
  return success();
}

LogicalResult SizeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      RankedTensorType::get({}, IntegerType::get(getContext(), 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOfShape
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOfShapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(check1D(*this, getInput(), "input")))
    return failure();
  Type elementType = Float32Type::get(getContext());
  if (auto value = getValueAttr()) {
    if (value.getNumElements() != 1)
      return emitOpError("'value' must have exactly one element, got ")
             << value.getNumElements();
    elementType = value.getElementType();
  }
  if (auto dims = getConstantInts(getInput())) {
    for (int64_t d : *dims)
      if (d < 0)
        return emitOpError("'input' has negative dimension ") << d;
    inferred.push_back(RankedTensorType::get(*dims, elementType));
  } else if (auto len = staticLength(getInput())) {
    inferred.push_back(dynamicOfRank(*len, elementType));
  } else {
    inferred.push_back(UnrankedTensorType::get(elementType));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Identity
//===----------------------------------------------------------------------===//

LogicalResult IdentityOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  inferred.push_back(getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Range
//===----------------------------------------------------------------------===//

LogicalResult RangeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getStart());
  Value operands[] = {getStart(), getLimit(), getDelta()};
  StringRef names[] = {"start", "limit", "delta"};
  for (auto [v, name] : llvm::zip(operands, names)) {
    if (elementTypeOf(v) != elementType)
      return emitOpError("'start', 'limit' and 'delta' must have the same "
                         "element type");
    if (failed(checkScalar(*this, v, name, /*allowOneElement=*/false)))
      return failure();
  }
  int64_t length = kDyn;
  if (isa<IntegerType>(elementType)) {
    auto start = getConstantInts(getStart());
    auto limit = getConstantInts(getLimit());
    auto delta = getConstantInts(getDelta());
    if (delta && delta->size() == 1 && (*delta)[0] == 0)
      return emitOpError("'delta' must not be zero");
    if (start && limit && delta && start->size() == 1 && limit->size() == 1 &&
        delta->size() == 1) {
      __int128 diff = (__int128)(*limit)[0] - (__int128)(*start)[0];
      __int128 d = (*delta)[0];
      // ceil(diff / d) for either sign of d.
      __int128 q = diff / d;
      if (q * d != diff && ((diff > 0) == (d > 0)))
        ++q;
      if (q > (__int128)std::numeric_limits<int64_t>::max())
        return emitOpError("cannot compute the number of elements");
      length = q > 0 ? (int64_t)q : 0;
    }
  } else {
    auto start = getConstantFloats(getStart());
    auto limit = getConstantFloats(getLimit());
    auto delta = getConstantFloats(getDelta());
    if (delta && delta->size() == 1 && (*delta)[0] == 0.0)
      return emitOpError("'delta' must not be zero");
    if (start && limit && delta && start->size() == 1 && limit->size() == 1 &&
        delta->size() == 1) {
      double n = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
      if (std::isnan(n) || n >= 9.0e18)
        return emitOpError("cannot compute the number of elements");
      length = n > 0 ? (int64_t)n : 0;
    }
  }
  inferred.push_back(RankedTensorType::get({length}, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Tile
//===----------------------------------------------------------------------===//

LogicalResult TileOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  if (failed(check1D(*this, getRepeats(), "repeats")))
    return failure();
  auto input = shapeOf(getInput());
  auto repeats = getConstantInts(getRepeats());
  auto len = staticLength(getRepeats());
  if (input && len && *len != (int64_t)input->size())
    return emitOpError("'repeats' has ")
           << *len << " entries but the input has rank " << input->size();
  if (repeats)
    for (int64_t r : *repeats)
      if (r < 0)
        return emitOpError("'repeats' has negative value ") << r;
  if (!input) {
    if (!len) {
      inferred.push_back(UnrankedTensorType::get(elementType));
      return success();
    }
    input = SmallVector<int64_t>(*len, kDyn);
  }
  SmallVector<int64_t> result;
  for (auto [i, d] : llvm::enumerate(*input)) {
    if (!repeats) {
      result.push_back(d == 0 ? 0 : kDyn);
      continue;
    }
    int64_t r = (*repeats)[i];
    auto dim = r == 0 ? FailureOr<int64_t>(0) : mulDims(*this, d, r);
    if (failed(dim))
      return failure();
    result.push_back(*dim);
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return emitOpError("'mode' \"")
           << mode << "\" is not one of constant, reflect, edge, wrap";
  if (failed(check1D(*this, getPads(), "pads")) ||
      failed(check1D(*this, getAxes(), "axes")))
    return failure();
  if (!isNoValue(getConstantValue())) {
    if (elementTypeOf(getConstantValue()) != elementType)
      return emitOpError("'constant_value' element type ")
             << elementTypeOf(getConstantValue())
             << " does not match the data's " << elementType;
    if (failed(checkScalar(*this, getConstantValue(), "constant_value",
                           /*allowOneElement=*/true)))
      return failure();
  }
  auto padsLen = staticLength(getPads());
  if (padsLen && *padsLen % 2 != 0)
    return emitOpError("'pads' must have an even number of entries, got ")
           << *padsLen;
  auto input = shapeOf(getData());
  if (!input) {
    if (isNoValue(getAxes()) && padsLen)
      inferred.push_back(dynamicOfRank(*padsLen / 2, elementType));
    else
      inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = input->size();
  std::optional<SmallVector<int64_t>> axes;
  if (isNoValue(getAxes())) {
    axes.emplace();
    for (int64_t i = 0; i < rank; ++i)
      axes->push_back(i);
  } else if ((axes = getConstantInts(getAxes()))) {
    auto normalized = normalizeAxes(*this, *axes, rank, "axes");
    if (failed(normalized))
      return failure();
    axes = *normalized;
  }
  if (!axes) {
    inferred.push_back(dynamicOfRank(rank, elementType));
    return success();
  }
  int64_t numAxes = axes->size();
  if (padsLen && *padsLen != 2 * numAxes)
    return emitOpError("'pads' has ")
           << *padsLen << " entries, expected " << 2 * numAxes;
  auto pads = getConstantInts(getPads());
  SmallVector<int64_t> result(*input);
  for (auto [i, axis] : llvm::enumerate(*axes)) {
    int64_t d = (*input)[axis];
    if (!pads || d == kDyn) {
      result[axis] = kDyn;
      continue;
    }
    int64_t out;
    if (llvm::AddOverflow(d, (*pads)[i], out) ||
        llvm::AddOverflow(out, (*pads)[i + numAxes], out))
      return emitOpError("padded dimension overflows");
    if (out < 0)
      return emitOpError("'pads' make dimension ")
             << axis << " negative (" << out << ")";
    result[axis] = out;
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// An optional input counts as given unless it is none or statically empty
/// (opset 11-12 models pass an empty tensor for unused inputs).
static bool isGiven(Value v) {
  if (isNoValue(v))
    return false;
  auto shape = shapeOf(v);
  return !(shape && shape->size() == 1 && (*shape)[0] == 0);
}

LogicalResult ResizeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getX());
  auto oneOf = [&](StringRef name, StringRef value,
                   ArrayRef<StringRef> allowed) -> LogicalResult {
    if (llvm::is_contained(allowed, value))
      return success();
    auto diag = emitOpError("'")
                << name << "' \"" << value << "\" is not one of ";
    llvm::interleaveComma(allowed, diag);
    return diag;
  };
  if (failed(oneOf("mode", getMode(), {"nearest", "linear", "cubic"})) ||
      failed(oneOf("coordinate_transformation_mode",
                   getCoordinateTransformationMode(),
                   {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                    "align_corners", "asymmetric", "tf_crop_and_resize",
                    "tf_half_pixel_for_nn"})) ||
      failed(oneOf(
          "nearest_mode", getNearestMode(),
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"})) ||
      failed(oneOf("keep_aspect_ratio_policy", getKeepAspectRatioPolicy(),
                   {"stretch", "not_larger", "not_smaller"})))
    return failure();
  if (getAntialias() != 0 && getAntialias() != 1)
    return emitOpError("'antialias' must be 0 or 1, got ")
           << (int64_t)getAntialias();
  if (getExcludeOutside() != 0 && getExcludeOutside() != 1)
    return emitOpError("'exclude_outside' must be 0 or 1, got ")
           << (int64_t)getExcludeOutside();
  if (failed(check1D(*this, getRoi(), "roi")) ||
      failed(check1D(*this, getScales(), "scales")) ||
      failed(check1D(*this, getSizes(), "sizes")))
    return failure();
  bool hasScales = isGiven(getScales());
  bool hasSizes = isGiven(getSizes());
  if (hasScales == hasSizes)
    return emitOpError("exactly one of 'scales' and 'sizes' must be given");
  Value factors = hasScales ? getScales() : getSizes();
  StringRef factorName = hasScales ? "scales" : "sizes";
  auto factorsLen = staticLength(factors);
  auto input = shapeOf(getX());
  if (!input) {
    if (!getAxesAttr() && factorsLen)
      inferred.push_back(dynamicOfRank(*factorsLen, elementType));
    else
      inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = input->size();
  SmallVector<int64_t> axes;
  if (auto attr = getAxesAttr()) {
    auto normalized = normalizeAxes(*this, toInts(attr), rank, "axes");
    if (failed(normalized))
      return failure();
    axes = *normalized;
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t numAxes = axes.size();
  if (factorsLen && *factorsLen != numAxes)
    return emitOpError("'") << factorName << "' has " << *factorsLen
                            << " entries, expected " << numAxes;
  SmallVector<int64_t> result(*input);
  for (int64_t axis : axes)
    result[axis] = kDyn;
  if (hasScales) {
    auto scales = getConstantFloats(getScales());
    if (!scales) {
      inferred.push_back(RankedTensorType::get(result, elementType));
      return success();
    }
    for (double s : *scales)
      if (!(s > 0))
        return emitOpError("'scales' must be positive, got ") << s;
    std::optional<SmallVector<double>> roi;
    bool crop = getCoordinateTransformationMode() == "tf_crop_and_resize";
    if (crop) {
      roi = getConstantFloats(getRoi());
      if (roi && (int64_t)roi->size() != 2 * numAxes)
        return emitOpError("'roi' has ")
               << roi->size() << " entries, expected " << 2 * numAxes;
    }
    for (auto [i, axis] : llvm::enumerate(axes)) {
      int64_t d = (*input)[axis];
      if (d == kDyn || (crop && !roi))
        continue;
      double extent = crop ? (*roi)[i + numAxes] - (*roi)[i] : 1.0;
      double out = std::floor((double)d * extent * (*scales)[i]);
      if (!(out >= 0) || out >= 9.0e18)
        return emitOpError("resized dimension ")
               << axis << " is out of range (" << out << ")";
      result[axis] = (int64_t)out;
    }
  } else {
    auto sizes = getConstantInts(getSizes());
    if (!sizes) {
      inferred.push_back(RankedTensorType::get(result, elementType));
      return success();
    }
    for (int64_t s : *sizes)
      if (s < 0)
        return emitOpError("'sizes' has negative value ") << s;
    StringRef policy = getKeepAspectRatioPolicy();
    if (policy == "stretch") {
      for (auto [i, axis] : llvm::enumerate(axes))
        result[axis] = (*sizes)[i];
    } else {
      bool known = true;
      std::optional<double> scale;
      for (auto [i, axis] : llvm::enumerate(axes)) {
        int64_t d = (*input)[axis];
        if (d == kDyn || d == 0) {
          known = false;
          break;
        }
        double s = (double)(*sizes)[i] / (double)d;
        if (!scale)
          scale = s;
        else
          scale = policy == "not_larger" ? std::min(*scale, s)
                                         : std::max(*scale, s);
      }
      if (known && scale) {
        for (int64_t axis : axes) {
          double out = std::floor(*scale * (double)(*input)[axis] + 0.5);
          if (out >= 9.0e18)
            return emitOpError("resized dimension ")
                   << axis << " is out of range (" << out << ")";
          result[axis] = (int64_t)out;
        }
      }
    }
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Trilu
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto input = shapeOf(getInput());
  if (input && input->size() < 2)
    return emitOpError("'input' must have rank >= 2, got ") << input->size();
  if (failed(checkScalar(*this, getK(), "k", /*allowOneElement=*/true)))
    return failure();
  inferred.push_back(getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(
          checkScalar(*this, getRatio(), "ratio", /*allowOneElement=*/true)) ||
      failed(checkScalar(*this, getTrainingMode(), "training_mode",
                         /*allowOneElement=*/true)))
    return failure();
  if (auto ratio = getConstantFloats(getRatio()))
    for (double r : *ratio)
      if (!(r >= 0.0 && r < 1.0))
        return emitOpError("'ratio' must be in [0, 1), got ") << r;
  Type i1 = IntegerType::get(getContext(), 1);
  inferred.push_back(getData().getType());
  inferred.push_back(makeTensorType(shapeOf(getData()), i1));
  return success();
}

//===----------------------------------------------------------------------===//
// DepthToSpace / SpaceToDepth
//===----------------------------------------------------------------------===//

/// Shared checks: rank 4 input (if ranked), positive block size.
static LogicalResult checkBlockOp(Operation *op, Value input,
                                  int64_t blocksize) {
  if (blocksize <= 0)
    return op->emitOpError("'blocksize' must be positive, got ") << blocksize;
  auto shape = shapeOf(input);
  if (shape && shape->size() != 4)
    return op->emitOpError("'input' must have rank 4, got ") << shape->size();
  return success();
}

LogicalResult
DepthToSpaceOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  int64_t b = getBlocksize();
  if (failed(checkBlockOp(*this, getInput(), b)))
    return failure();
  if (getMode() != "DCR" && getMode() != "CRD")
    return emitOpError("'mode' \"") << getMode() << "\" is not DCR or CRD";
  auto input = shapeOf(getInput());
  if (!input) {
    inferred.push_back(dynamicOfRank(4, elementType));
    return success();
  }
  auto bb = mulDims(*this, b, b);
  if (failed(bb))
    return failure();
  int64_t c = (*input)[1];
  if (c != kDyn && c % *bb != 0)
    return emitOpError("channel dimension ")
           << c << " is not divisible by blocksize^2 = " << *bb;
  auto h = mulDims(*this, (*input)[2], b);
  auto w = mulDims(*this, (*input)[3], b);
  if (failed(h) || failed(w))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {(*input)[0], c == kDyn ? kDyn : c / *bb, *h, *w}, elementType));
  return success();
}

LogicalResult
SpaceToDepthOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  int64_t b = getBlocksize();
  if (failed(checkBlockOp(*this, getInput(), b)))
    return failure();
  auto input = shapeOf(getInput());
  if (!input) {
    inferred.push_back(dynamicOfRank(4, elementType));
    return success();
  }
  int64_t h = (*input)[2], w = (*input)[3];
  if ((h != kDyn && h % b != 0) || (w != kDyn && w % b != 0))
    return emitOpError("spatial dimensions ")
           << h << "x" << w << " are not divisible by blocksize " << b;
  auto bb = mulDims(*this, b, b);
  if (failed(bb))
    return failure();
  auto c = mulDims(*this, (*input)[1], *bb);
  if (failed(c))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {(*input)[0], *c, h == kDyn ? kDyn : h / b, w == kDyn ? kDyn : w / b},
      elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// GatherElements / ScatterElements / GatherND / ScatterND
//===----------------------------------------------------------------------===//

/// Checks a `reduction` attribute of ScatterElements / ScatterND.
static LogicalResult checkScatterReduction(Operation *op, StringRef reduction) {
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min")
    return op->emitOpError("'reduction' must be \"none\", \"add\", \"mul\", "
                           "\"max\" or \"min\", got \"")
           << reduction << "\"";
  return success();
}

/// Merges two dimensions that must be equal; kDyn if both are dynamic.
static FailureOr<int64_t> mergeDims(Operation *op, int64_t a, int64_t b,
                                    const Twine &what) {
  if (a != kDyn && b != kDyn && a != b)
    return op->emitOpError() << what << ": " << a << " and " << b;
  return a == kDyn ? b : a;
}

LogicalResult
GatherElementsOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto data = shapeOf(getData());
  auto indices = shapeOf(getIndices());
  if (data && data->empty())
    return emitOpError("'data' must have rank >= 1");
  if (data && indices && data->size() != indices->size())
    return emitOpError("'indices' has rank ")
           << indices->size() << " but 'data' has rank " << data->size();
  if (data && failed(normalizeAxis(*this, getAxis(), data->size(), "'axis'")))
    return failure();
  if (indices)
    inferred.push_back(RankedTensorType::get(*indices, elementType));
  else if (data)
    inferred.push_back(dynamicOfRank(data->size(), elementType));
  else
    inferred.push_back(UnrankedTensorType::get(elementType));
  return success();
}

LogicalResult
ScatterElementsOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkScatterReduction(*this, getReduction())))
    return failure();
  auto data = shapeOf(getData());
  auto indices = shapeOf(getIndices());
  auto updates = shapeOf(getUpdates());
  if (data && data->empty())
    return emitOpError("'data' must have rank >= 1");
  if (indices && updates) {
    if (indices->size() != updates->size())
      return emitOpError("'updates' has rank ")
             << updates->size() << " but 'indices' has rank "
             << indices->size();
    for (auto [i, pair] : llvm::enumerate(llvm::zip(*indices, *updates))) {
      auto [a, b] = pair;
      if (failed(mergeDims(*this, a, b,
                           "'indices' and 'updates' differ in dimension " +
                               Twine(i))))
        return failure();
    }
  }
  for (auto &other : {indices, updates})
    if (data && other && other->size() != data->size())
      return emitOpError("'indices' and 'updates' must have the rank ")
             << data->size() << " of 'data', got " << other->size();
  if (data && failed(normalizeAxis(*this, getAxis(), data->size(), "'axis'")))
    return failure();
  inferred.push_back(getData().getType());
  return success();
}

LogicalResult GatherNDOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto data = shapeOf(getData());
  auto indices = shapeOf(getIndices());
  int64_t b = getBatchDims();
  if (b < 0)
    return emitOpError("'batch_dims' must be non-negative, got ") << b;
  if (data && data->empty())
    return emitOpError("'data' must have rank >= 1");
  if (indices && indices->empty())
    return emitOpError("'indices' must have rank >= 1");
  if (data && b >= (int64_t)data->size())
    return emitOpError("'batch_dims' (") << b << ") must be less than the rank "
                                         << data->size() << " of 'data'";
  if (indices && b >= (int64_t)indices->size())
    return emitOpError("'batch_dims' (") << b << ") must be less than the rank "
                                         << indices->size() << " of 'indices'";
  if (!data || !indices) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t r = data->size();
  int64_t m = indices->back();
  if (m != kDyn && (m < 1 || m > r - b))
    return emitOpError("'indices' last dimension (")
           << m << ") must be in [1, " << (r - b) << "] (rank of 'data' " << r
           << " minus 'batch_dims' " << b << ")";
  SmallVector<int64_t> result;
  for (int64_t i = 0; i < b; ++i) {
    auto dim =
        mergeDims(*this, (*data)[i], (*indices)[i],
                  "'data' and 'indices' differ in batch dimension " + Twine(i));
    if (failed(dim))
      return failure();
    result.push_back(*dim);
  }
  if (m == kDyn) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  result.append(indices->begin() + b, indices->end() - 1);
  result.append(data->begin() + b + m, data->end());
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

LogicalResult ScatterNDOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkScatterReduction(*this, getReduction())))
    return failure();
  auto data = shapeOf(getData());
  auto indices = shapeOf(getIndices());
  auto updates = shapeOf(getUpdates());
  if (data && data->empty())
    return emitOpError("'data' must have rank >= 1");
  if (indices && indices->empty())
    return emitOpError("'indices' must have rank >= 1");
  if (data && indices) {
    int64_t r = data->size();
    int64_t m = indices->back();
    if (m != kDyn && (m < 1 || m > r))
      return emitOpError("'indices' last dimension (")
             << m << ") must be in [1, " << r << "] (the rank of 'data')";
    if (m != kDyn && updates) {
      SmallVector<int64_t> expected(indices->begin(), indices->end() - 1);
      expected.append(data->begin() + m, data->end());
      if (updates->size() != expected.size())
        return emitOpError("'updates' has rank ")
               << updates->size() << " but indices.shape[:-1] + "
               << "data.shape[" << m << ":] has rank " << expected.size();
      for (auto [i, pair] : llvm::enumerate(llvm::zip(*updates, expected))) {
        auto [a, e] = pair;
        if (failed(mergeDims(*this, a, e,
                             "'updates' dimension " + Twine(i) +
                                 " does not match indices.shape[:-1] + "
                                 "data.shape[m:]")))
          return failure();
      }
    }
  }
  inferred.push_back(getData().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// OneHot
//===----------------------------------------------------------------------===//

LogicalResult OneHotOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkScalar(*this, getDepth(), "depth", true)))
    return failure();
  Type elementType = elementTypeOf(getValues());
  if (auto values = shapeOf(getValues())) {
    if (values->size() != 1 || ((*values)[0] != 2 && (*values)[0] != kDyn))
      return emitOpError("'values' must be a 1-D tensor of two elements "
                         "[off, on]");
  }
  int64_t depth = kDyn;
  if (auto ints = getConstantInts(getDepth()); ints && ints->size() == 1) {
    depth = ints->front();
  } else if (auto floats = getConstantFloats(getDepth());
             floats && floats->size() == 1) {
    double d = floats->front();
    if (!(d >= 1.0 && d < 9.0e18))
      return emitOpError("'depth' must be a positive integer below 2^63, got ")
             << d;
    depth = (int64_t)d;
  }
  if (depth != kDyn && depth < 1)
    return emitOpError("'depth' must be at least 1, got ") << depth;
  auto indices = shapeOf(getIndices());
  if (!indices) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  int64_t rank = indices->size() + 1;
  auto axis = normalizeAxis(*this, getAxis(), rank, "'axis'");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> result(*indices);
  result.insert(result.begin() + *axis, depth);
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// EyeLike
//===----------------------------------------------------------------------===//

LogicalResult EyeLikeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getInput());
  if (auto dtype = getDtype()) {
    elementType = getTypeFromONNXDataType(getContext(), *dtype);
    if (!elementType)
      return emitOpError("'dtype' = ")
             << *dtype << " is not a supported ONNX data type";
  }
  auto input = shapeOf(getInput());
  if (input && input->size() != 2)
    return emitOpError("'input' must be a 2-D tensor, got rank ")
           << input->size();
  inferred.push_back(input ? RankedTensorType::get(*input, elementType)
                           : dynamicOfRank(2, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// TopK
//===----------------------------------------------------------------------===//

LogicalResult TopKOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  for (auto [value, name] :
       {std::pair<int64_t, StringRef>{getLargest(), "largest"},
        {getSorted(), "sorted"}})
    if (value != 0 && value != 1)
      return emitOpError("'") << name << "' must be 0 or 1, got " << value;
  if (failed(check1D(*this, getK(), "K")))
    return failure();
  if (auto len = staticLength(getK()); len && *len != 1)
    return emitOpError("'K' must hold exactly one element, got ") << *len;
  Type elementType = elementTypeOf(getX());
  Type i64 = IntegerType::get(getContext(), 64);
  std::optional<int64_t> k;
  if (auto values = getConstantInts(getK()); values && values->size() == 1) {
    k = values->front();
    if (*k < 0)
      return emitOpError("'K' must be non-negative, got ") << *k;
  }
  auto x = shapeOf(getX());
  if (!x) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    inferred.push_back(UnrankedTensorType::get(i64));
    return success();
  }
  if (x->empty())
    return emitOpError("'X' must have rank >= 1");
  auto axis = normalizeAxis(*this, getAxis(), x->size(), "'axis'");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(*x);
  int64_t dim = shape[*axis];
  if (k && dim != kDyn && *k > dim)
    return emitOpError("'K' (") << *k << ") is larger than dimension " << *axis
                                << " of 'X' (" << dim << ")";
  shape[*axis] = k ? *k : kDyn;
  inferred.push_back(RankedTensorType::get(shape, elementType));
  inferred.push_back(RankedTensorType::get(shape, i64));
  return success();
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

LogicalResult NonZeroOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto x = shapeOf(getX());
  int64_t rank = x ? (int64_t)x->size() : kDyn;
  inferred.push_back(
      RankedTensorType::get({rank, kDyn}, IntegerType::get(getContext(), 64)));
  return success();
}
