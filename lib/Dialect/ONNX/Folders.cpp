//===- Folders.cpp - constant folding of shape computations ---------------===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape, Range over a Shape, ...). Once the input shapes are
// known these subgraphs are constants; folding them is what lets shape
// inference reach static shapes through a PyTorch export.
//
// Folders only handle small tensors (kMaxFoldElements) held in inline
// `dense` attributes, never weights, and they fold integer arithmetic only:
// floating-point results are left to the compiled code.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace quant_opt::onnx;

static constexpr int64_t kMaxFoldElements = 4096;

/// The result type if it is fully static, else null.
static RankedTensorType staticType(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? type : RankedTensorType();
}

/// A small inline constant, or null.
static DenseElementsAttr smallDense(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxFoldElements)
    return {};
  return dense;
}

static DenseIntElementsAttr smallInts(Attribute attr) {
  return dyn_cast_or_null<DenseIntElementsAttr>(smallDense(attr));
}

static SmallVector<int64_t> strides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    result[i] = result[i + 1] * shape[i + 1];
  return result;
}

/// Flat index into an operand of shape `shape` broadcast to `outShape`, for
/// the output element at flat index `flat`.
static int64_t broadcastIndex(int64_t flat, ArrayRef<int64_t> outShape,
                              ArrayRef<int64_t> shape) {
  SmallVector<int64_t> outStrides = strides(outShape);
  SmallVector<int64_t> inStrides = strides(shape);
  size_t offset = outShape.size() - shape.size();
  int64_t index = 0;
  for (size_t d = 0; d < outShape.size(); ++d) {
    int64_t coord = (flat / outStrides[d]) % outShape[d];
    if (d >= offset && shape[d - offset] != 1)
      index += coord * inStrides[d - offset];
  }
  return index;
}

/// Reshape-like ops: a constant input becomes a constant of the result type.
static OpFoldResult foldReshapeLike(Value result, Attribute input) {
  DenseElementsAttr dense = smallDense(input);
  RankedTensorType type = staticType(result);
  if (!dense || !type || type.getNumElements() != dense.getNumElements() ||
      type.getElementType() != dense.getElementType())
    return {};
  return dense.reshape(type);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getResult(), adaptor.getData());
}
OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getResult(), adaptor.getInput());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getResult(), adaptor.getData());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getResult(), adaptor.getData());
}

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto dims = getReportedDims();
  RankedTensorType type = staticType(getResult());
  if (!dims || !type || (int64_t)dims->size() != type.getNumElements() ||
      llvm::any_of(*dims, ShapedType::isDynamic))
    return {};
  return DenseIntElementsAttr::get(type, *dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto input = dyn_cast<RankedTensorType>(getData().getType());
  RankedTensorType type = staticType(getResult());
  if (!input || !input.hasStaticShape() || !type)
    return {};
  return DenseIntElementsAttr::get(type, {input.getNumElements()});
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  DenseElementsAttr dense = smallDense(adaptor.getInput());
  RankedTensorType type = staticType(getResult());
  if (!dense || !type || type.getNumElements() != dense.getNumElements())
    return {};
  Type from = dense.getElementType(), to = type.getElementType();
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  auto toFloat = dyn_cast<FloatType>(to);
  if (!fromInt || !(toInt || toFloat))
    return {}; // only integer sources: shape arithmetic
  bool fromSigned = !fromInt.isUnsigned() && fromInt.getWidth() > 1;
  if (toInt) {
    SmallVector<APInt> values;
    for (APInt v : dense.getValues<APInt>())
      values.push_back(fromSigned ? v.sextOrTrunc(toInt.getWidth())
                                  : v.zextOrTrunc(toInt.getWidth()));
    if (toInt.getWidth() == 1) {
      // Casting to bool: non-zero is true.
      SmallVector<bool> flags;
      for (APInt v : dense.getValues<APInt>())
        flags.push_back(!v.isZero());
      return DenseElementsAttr::get(type, flags);
    }
    return DenseElementsAttr::get(type, values);
  }
  SmallVector<APFloat> values;
  for (APInt v : dense.getValues<APInt>()) {
    APFloat f(toFloat.getFloatSemantics());
    f.convertFromAPInt(v, fromSigned, APFloat::rmNearestTiesToEven);
    values.push_back(f);
  }
  return DenseElementsAttr::get(type, values);
}

/// The dimensions a Shape op reports (kDyn where unknown), or nullopt if
/// `v` is not the result of a Shape op on a ranked tensor.
static std::optional<SmallVector<int64_t>> shapeOpDims(Value v) {
  if (auto shape = v.getDefiningOp<ShapeOp>())
    return shape.getReportedDims();
  return std::nullopt;
}

/// Folds ops that select elements of a partially static shape (Gather or
/// Slice of Shape(x) with some dynamic dims of x) when every selected
/// dimension is static: `flatIndices` are positions in the shape vector.
static OpFoldResult foldShapeSelection(Value result,
                                       ArrayRef<int64_t> flatIndices,
                                       ArrayRef<int64_t> dims) {
  RankedTensorType type = staticType(result);
  if (!type || type.getNumElements() != (int64_t)flatIndices.size() ||
      !type.getElementType().isInteger(64))
    return {};
  SmallVector<int64_t> values;
  for (int64_t i : flatIndices) {
    if (i < 0 || i >= (int64_t)dims.size() || ShapedType::isDynamic(dims[i]))
      return {};
    values.push_back(dims[i]);
  }
  return DenseIntElementsAttr::get(type, values);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  if (auto dims = shapeOpDims(getData())) {
    DenseIntElementsAttr indices = smallInts(adaptor.getIndices());
    if (!indices)
      return {};
    SmallVector<int64_t> flat;
    for (APInt i : indices.getValues<APInt>()) {
      int64_t v = i.getSExtValue();
      flat.push_back(v < 0 ? v + (int64_t)dims->size() : v);
    }
    return foldShapeSelection(getResult(), flat, *dims);
  }
  DenseElementsAttr data = smallDense(adaptor.getData());
  DenseIntElementsAttr indices = smallInts(adaptor.getIndices());
  RankedTensorType type = staticType(getResult());
  if (!data || !indices || !type)
    return {};
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return {};
  ArrayRef<int64_t> shape = dataType.getShape();
  int64_t outer = 1, inner = 1, n = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= shape[d];
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<Attribute> result;
  SmallVector<int64_t> idx;
  for (APInt i : indices.getValues<APInt>()) {
    int64_t v = i.getSExtValue();
    if (v < 0)
      v += n;
    if (v < 0 || v >= n)
      return {};
    idx.push_back(v);
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx)
      for (int64_t k = 0; k < inner; ++k)
        result.push_back(values[(o * n + j) * inner + k]);
  if ((int64_t)result.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, result);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = staticType(getResult());
  if (!type || type.getNumElements() > kMaxFoldElements)
    return {};
  int64_t rank = type.getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return {};
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  SmallVector<SmallVector<Attribute>> inputs;
  SmallVector<int64_t> chunks;
  for (Attribute attr : adaptor.getInputs()) {
    DenseElementsAttr dense = smallDense(attr);
    if (!dense || outer == 0)
      return {};
    inputs.emplace_back(dense.getValues<Attribute>());
    chunks.push_back(dense.getNumElements() / outer);
  }
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (auto [values, chunk] : llvm::zip(inputs, chunks))
      result.append(values.begin() + o * chunk,
                    values.begin() + (o + 1) * chunk);
  if ((int64_t)result.size() != type.getNumElements())
    return {};
  return DenseElementsAttr::get(type, result);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr data = smallDense(adaptor.getData());
  DenseIntElementsAttr starts = smallInts(adaptor.getStarts());
  DenseIntElementsAttr ends = smallInts(adaptor.getEnds());
  RankedTensorType type = staticType(getResult());
  std::optional<SmallVector<int64_t>> shapeDims = shapeOpDims(getData());
  if ((!data && !shapeDims) || !starts || !ends || !type)
    return {};
  // A slice of Shape(x): slice the index vector 0..rank-1, then read the
  // selected dimensions.
  SmallVector<int64_t> positions;
  if (!data) {
    for (int64_t i = 0; i < (int64_t)shapeDims->size(); ++i)
      positions.push_back(i);
    data = DenseIntElementsAttr::get(
        RankedTensorType::get({(int64_t)positions.size()},
                              IntegerType::get(getContext(), 64)),
        positions);
  }
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();
  auto toInts = [](DenseIntElementsAttr attr) {
    SmallVector<int64_t> v;
    for (APInt x : attr.getValues<APInt>())
      v.push_back(x.getSExtValue());
    return v;
  };
  SmallVector<int64_t> s = toInts(starts), e = toInts(ends), axes, steps;
  if (!isNoValue(getAxes())) {
    DenseIntElementsAttr a = smallInts(adaptor.getAxes());
    if (!a)
      return {};
    axes = toInts(a);
  } else {
    for (int64_t i = 0; i < (int64_t)s.size(); ++i)
      axes.push_back(i);
  }
  if (!isNoValue(getSteps())) {
    DenseIntElementsAttr st = smallInts(adaptor.getSteps());
    if (!st)
      return {};
    steps = toInts(st);
  } else {
    steps.assign(s.size(), 1);
  }
  if (s.size() != e.size() || s.size() != axes.size() ||
      s.size() != steps.size())
    return {};
  SmallVector<int64_t> begin(rank, 0), step(rank, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || steps[i] == 0)
      return {};
    int64_t dim = dataType.getDimSize(axis);
    int64_t start = s[i] < 0 ? s[i] + dim : s[i];
    start = steps[i] > 0 ? std::clamp<int64_t>(start, 0, dim)
                         : std::clamp<int64_t>(start, 0, dim - 1);
    begin[axis] = start;
    step[axis] = steps[i];
  }
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<int64_t> inStrides = strides(dataType.getShape());
  SmallVector<int64_t> outStrides = strides(type.getShape());
  SmallVector<Attribute> result;
  for (int64_t flat = 0; flat < type.getNumElements(); ++flat) {
    int64_t index = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coord =
          begin[d] + ((flat / outStrides[d]) % type.getDimSize(d)) * step[d];
      if (coord < 0 || coord >= dataType.getDimSize(d))
        return {};
      index += coord * inStrides[d];
    }
    result.push_back(values[index]);
  }
  if (shapeDims) {
    SmallVector<int64_t> selected;
    for (Attribute a : result)
      selected.push_back(cast<IntegerAttr>(a).getInt());
    return foldShapeSelection(getResult(), selected, *shapeDims);
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  DenseIntElementsAttr start = smallInts(adaptor.getStart());
  DenseIntElementsAttr limit = smallInts(adaptor.getLimit());
  DenseIntElementsAttr delta = smallInts(adaptor.getDelta());
  RankedTensorType type = staticType(getResult());
  if (!start || !limit || !delta || !type)
    return {};
  int64_t s = (*start.getValues<APInt>().begin()).getSExtValue();
  int64_t d = (*delta.getValues<APInt>().begin()).getSExtValue();
  if (d == 0)
    return {};
  unsigned width = cast<IntegerType>(type.getElementType()).getWidth();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    values.push_back(APInt(width, s + i * d, /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

/// Integer elementwise arithmetic with broadcasting.
template <typename Fn>
static OpFoldResult foldIntBinary(Value result, Attribute lhs, Attribute rhs,
                                  Fn fn) {
  DenseIntElementsAttr a = smallInts(lhs), b = smallInts(rhs);
  RankedTensorType type = staticType(result);
  if (!a || !b || !type || !isa<IntegerType>(type.getElementType()) ||
      type.getElementType().getIntOrFloatBitWidth() == 1)
    return {};
  bool isUnsigned = cast<IntegerType>(type.getElementType()).isUnsigned();
  SmallVector<APInt> av(a.getValues<APInt>()), bv(b.getValues<APInt>());
  ArrayRef<int64_t> aShape = cast<ShapedType>(a.getType()).getShape();
  ArrayRef<int64_t> bShape = cast<ShapedType>(b.getType()).getShape();
  SmallVector<APInt> values;
  for (int64_t flat = 0; flat < type.getNumElements(); ++flat) {
    std::optional<APInt> v =
        fn(av[broadcastIndex(flat, type.getShape(), aShape)],
           bv[broadcastIndex(flat, type.getShape(), bShape)], isUnsigned);
    if (!v)
      return {};
    values.push_back(*v);
  }
  return DenseElementsAttr::get(type, values);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(getResult(), adaptor.getA(), adaptor.getB(),
                       [](const APInt &x, const APInt &y, bool) {
                         return std::optional<APInt>(x + y);
                       });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(getResult(), adaptor.getA(), adaptor.getB(),
                       [](const APInt &x, const APInt &y, bool) {
                         return std::optional<APInt>(x - y);
                       });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(getResult(), adaptor.getA(), adaptor.getB(),
                       [](const APInt &x, const APInt &y, bool) {
                         return std::optional<APInt>(x * y);
                       });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  // Integer Div truncates toward zero; division by zero is left alone.
  return foldIntBinary(getResult(), adaptor.getA(), adaptor.getB(),
                       [](const APInt &x, const APInt &y,
                          bool isUnsigned) -> std::optional<APInt> {
                         if (y.isZero())
                           return std::nullopt;
                         if (isUnsigned)
                           return x.udiv(y);
                         if (x.isMinSignedValue() && y.isAllOnes())
                           return std::nullopt;
                         return x.sdiv(y);
                       });
}
