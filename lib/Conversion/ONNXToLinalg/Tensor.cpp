//===- Tensor.cpp - TensorOps.td -> tensor / linalg (data movement, shapes) ===//
//
// Reshapes become tensor.collapse_shape / expand_shape (through a 1-D tensor
// when no reassociation exists), Transpose linalg.transpose, slicing and
// concatenation tensor.extract_slice / insert_slice, gathers and index
// arithmetic linalg.generic with tensor.extract, scatters, TopK and NonZero
// scf loops over tensors. Sizes that are not static are computed with arith
// on tensor.dim; constant operands fold at creation.
//
//===----------------------------------------------------------------------===//

#include "ConversionUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Reports an unsupported case to the user and to the conversion driver.
LogicalResult unsupported(Operation *op, ConversionPatternRewriter &rewriter,
                          const Twine &why) {
  op->emitError() << why;
  return rewriter.notifyMatchFailure(op, why.str());
}

Value cIdx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value val(OpBuilder &b, Location loc, OpFoldResult v) {
  return getValueOrCreateConstantIndexOp(b, loc, v);
}

/// Index arithmetic on OpFoldResults: constants are computed here, so static
/// sizes stay attributes and no dead constants are left; anything else
/// becomes arith on index values.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  static std::optional<int64_t> cst(OpFoldResult v) {
    return getConstantIntValue(v);
  }
  OpFoldResult c(int64_t v) { return b.getIndexAttr(v); }
  template <typename OpTy>
  OpFoldResult bin(OpFoldResult x, OpFoldResult y,
                   function_ref<int64_t(int64_t, int64_t)> fn) {
    if (auto cx = cst(x))
      if (auto cy = cst(y))
        return c(fn(*cx, *cy));
    return OpTy::create(b, loc, val(b, loc, x), val(b, loc, y)).getResult();
  }
  OpFoldResult add(OpFoldResult x, OpFoldResult y) {
    if (cst(y) == 0)
      return x;
    if (cst(x) == 0)
      return y;
    return bin<arith::AddIOp>(x, y, [](int64_t p, int64_t q) {
      return (int64_t)((uint64_t)p + (uint64_t)q);
    });
  }
  OpFoldResult sub(OpFoldResult x, OpFoldResult y) {
    if (cst(y) == 0)
      return x;
    return bin<arith::SubIOp>(x, y, [](int64_t p, int64_t q) {
      return (int64_t)((uint64_t)p - (uint64_t)q);
    });
  }
  OpFoldResult mul(OpFoldResult x, OpFoldResult y) {
    if (cst(y) == 1)
      return x;
    if (cst(x) == 1)
      return y;
    return bin<arith::MulIOp>(x, y, [](int64_t p, int64_t q) {
      return (int64_t)((uint64_t)p * (uint64_t)q);
    });
  }
  OpFoldResult div(OpFoldResult x, OpFoldResult y) {
    if (cst(y) == 1)
      return x;
    return bin<arith::DivSIOp>(
        x, y, [](int64_t p, int64_t q) { return q == 0 ? 0 : p / q; });
  }
  OpFoldResult ceilDiv(OpFoldResult x, OpFoldResult y) {
    if (cst(y) == 1)
      return x;
    return bin<arith::CeilDivSIOp>(x, y, [](int64_t p, int64_t q) {
      if (q == 0)
        return (int64_t)0;
      int64_t d = p / q;
      return (p % q != 0 && ((p < 0) == (q < 0))) ? d + 1 : d;
    });
  }
  OpFoldResult max(OpFoldResult x, OpFoldResult y) {
    return bin<arith::MaxSIOp>(
        x, y, [](int64_t p, int64_t q) { return std::max(p, q); });
  }
  OpFoldResult min(OpFoldResult x, OpFoldResult y) {
    return bin<arith::MinSIOp>(
        x, y, [](int64_t p, int64_t q) { return std::min(p, q); });
  }
  OpFoldResult clamp(OpFoldResult x, OpFoldResult lo, OpFoldResult hi) {
    return min(max(x, lo), hi);
  }
  /// A comparison: a constant bool attribute when both sides are constant.
  OpFoldResult cmp(arith::CmpIPredicate pred, OpFoldResult x, OpFoldResult y) {
    if (auto cx = cst(x))
      if (auto cy = cst(y))
        return b.getBoolAttr(
            arith::applyCmpPredicate(pred, APInt(64, *cx), APInt(64, *cy)));
    return arith::CmpIOp::create(b, loc, pred, val(b, loc, x), val(b, loc, y))
        .getResult();
  }
  OpFoldResult select(OpFoldResult cond, OpFoldResult x, OpFoldResult y) {
    if (auto attr = dyn_cast<Attribute>(cond))
      return cast<BoolAttr>(attr).getValue() ? x : y;
    if (cst(x) && cst(x) == cst(y))
      return x;
    return arith::SelectOp::create(b, loc, cast<Value>(cond), val(b, loc, x),
                                   val(b, loc, y))
        .getResult();
  }
  OpFoldResult andI(OpFoldResult x, OpFoldResult y) {
    if (auto attr = dyn_cast<Attribute>(x))
      return cast<BoolAttr>(attr).getValue() ? y : x;
    if (auto attr = dyn_cast<Attribute>(y))
      return cast<BoolAttr>(attr).getValue() ? x : y;
    return arith::AndIOp::create(b, loc, cast<Value>(x), cast<Value>(y))
        .getResult();
  }
  /// x < 0 ? x + size : x (ONNX negative indices / axes counted from back).
  OpFoldResult wrap(OpFoldResult x, OpFoldResult size) {
    if (auto cx = cst(x); cx && *cx >= 0)
      return x;
    return select(cmp(arith::CmpIPredicate::slt, x, c(0)), add(x, size), x);
  }
  OpFoldResult product(ArrayRef<OpFoldResult> xs) {
    OpFoldResult p = c(1);
    for (OpFoldResult x : xs)
      p = mul(p, x);
    return p;
  }
};

/// Converts an integer or float scalar to index (floats truncate, unsigned
/// integers zero-extend).
Value scalarToIndex(OpBuilder &b, Location loc, Value v, Type onnxType) {
  Type t = v.getType();
  if (t.isIndex())
    return v;
  if (isa<FloatType>(t))
    v = arith::FPToSIOp::create(b, loc, b.getI64Type(), v);
  else if (isUnsignedInt(onnxType) || t.isInteger(1))
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// Element `i` of a 1-D tensor (or the only element of a rank-0 / other
/// one-element tensor).
Value extractElement(OpBuilder &b, Location loc, Value t, int64_t i) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> idx;
  for (int64_t d = 0; d < type.getRank(); ++d)
    idx.push_back(cIdx(b, loc, d == 0 ? i : 0));
  return tensor::ExtractOp::create(b, loc, t, idx);
}

/// `n` entries of the integer vector operand `onnxValue` (converted value
/// `converted`) as index sizes: attributes when constant, else read at run
/// time.
SmallVector<OpFoldResult> readIndexVector(OpBuilder &b, Location loc,
                                          Value onnxValue, Value converted,
                                          int64_t n) {
  SmallVector<OpFoldResult> out;
  if (auto ints = onnx::getConstantInts(onnxValue)) {
    for (int64_t v : *ints)
      out.push_back(b.getIndexAttr(v));
    return out;
  }
  Type onnxType = onnx::elementTypeOf(onnxValue);
  for (int64_t i = 0; i < n; ++i)
    out.push_back(scalarToIndex(b, loc, extractElement(b, loc, converted, i),
                                onnxType));
  return out;
}

/// Static length of a 1-D operand, or -1.
int64_t staticLength(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() != 1 || type.isDynamicDim(0))
    return -1;
  return type.getDimSize(0);
}

/// Dims for a result of `type`: static entries as attributes, dynamic ones
/// as values (as expand_shape / tensor.empty want them).
SmallVector<OpFoldResult> alignDims(OpBuilder &b, Location loc,
                                    RankedTensorType type,
                                    ArrayRef<OpFoldResult> dims) {
  SmallVector<OpFoldResult> out;
  for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
    if (!type.isDynamicDim(i))
      out.push_back(b.getIndexAttr(type.getDimSize(i)));
    else
      out.push_back(val(b, loc, dims[i]));
  }
  return out;
}

/// The tensor type with the static entries of `dims`.
RankedTensorType typeFromDims(ArrayRef<OpFoldResult> dims, Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult d : dims) {
    std::optional<int64_t> c = getConstantIntValue(d);
    shape.push_back(c ? *c : ShapedType::kDynamic);
  }
  return RankedTensorType::get(shape, elementType);
}

/// tensor.expand_shape of `src` into the static parts of `dims`.
Value expandTo(OpBuilder &b, Location loc, Value src,
               ArrayRef<ReassociationIndices> reassociation,
               ArrayRef<OpFoldResult> dims) {
  auto elementType = cast<RankedTensorType>(src.getType()).getElementType();
  RankedTensorType type = typeFromDims(dims, elementType);
  return tensor::ExpandShapeOp::create(b, loc, type, src, reassociation,
                                       alignDims(b, loc, type, dims));
}

/// Any tensor reshaped to `resultType` with sizes `dims` through a 1-D
/// tensor: collapse everything, then expand.
Value reshapeThroughFlat(OpBuilder &b, Location loc, Value src,
                         RankedTensorType resultType,
                         ArrayRef<OpFoldResult> dims) {
  auto srcType = cast<RankedTensorType>(src.getType());
  Value flat = src;
  if (srcType.getRank() == 0) {
    flat = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, srcType.getElementType()), src,
        ArrayRef<ReassociationIndices>{}, ArrayRef<OpFoldResult>{
                                              b.getIndexAttr(1)});
  } else if (srcType.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < srcType.getRank(); ++i)
      all.push_back(i);
    flat = tensor::CollapseShapeOp::create(b, loc, src,
                                           ArrayRef<ReassociationIndices>{all});
  }
  int64_t rank = resultType.getRank();
  if (rank == 1)
    return castTo(b, loc, flat, resultType);
  if (rank == 0) {
    flat = castTo(b, loc, flat,
                  RankedTensorType::get({1}, resultType.getElementType()));
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  }
  ReassociationIndices all;
  for (int64_t i = 0; i < rank; ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat, {all},
                                       alignDims(b, loc, resultType, dims));
}

/// tensor.reshape of `src` to `resultType` with sizes `dims` given as a
/// run-time shape tensor (when the reassociation is only known at run time).
Value reshapeAtRuntime(OpBuilder &b, Location loc, Value src,
                       RankedTensorType resultType,
                       ArrayRef<OpFoldResult> dims) {
  SmallVector<Value> values;
  for (OpFoldResult d : dims)
    values.push_back(val(b, loc, d));
  auto shapeType =
      RankedTensorType::get({(int64_t)values.size()}, b.getIndexType());
  Value shape = values.empty()
                    ? (Value)arith::ConstantOp::create(
                          b, loc, DenseElementsAttr::get(shapeType,
                                                         ArrayRef<Attribute>{}))
                    : (Value)tensor::FromElementsOp::create(b, loc, shapeType,
                                                            values);
  return tensor::ReshapeOp::create(b, loc, resultType, src, shape);
}

/// Axes read at run time, normalized to [0, rank).
SmallVector<OpFoldResult> runtimeAxes(OpBuilder &b, Location loc, Value onnxAxes,
                                      Value axes, int64_t n, int64_t rank) {
  IndexMath m{b, loc};
  SmallVector<OpFoldResult> out;
  for (OpFoldResult a : readIndexVector(b, loc, onnxAxes, axes, n))
    out.push_back(m.wrap(a, m.c(rank)));
  return out;
}

/// linalg.transpose of `src` by `perm` (output dim i = input dim perm[i]).
Value transposeTensor(OpBuilder &b, Location loc, Value src,
                      ArrayRef<int64_t> perm) {
  auto srcType = cast<RankedTensorType>(src.getType());
  SmallVector<OpFoldResult> inDims = getDims(b, loc, src);
  SmallVector<OpFoldResult> dims;
  for (int64_t p : perm)
    dims.push_back(inDims[p]);
  RankedTensorType type = typeFromDims(dims, srcType.getElementType());
  Value init = createEmptyTensor(b, loc, type, dims);
  return linalg::TransposeOp::create(b, loc, src, init, perm).getResult()[0];
}

/// A linalg.generic over `resultType` (sizes `dims`) with no inputs whose
/// body computes each element from the loop indices.
Value buildIndexGeneric(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ArrayRef<OpFoldResult> dims, ValueRange inputs, ArrayRef<AffineMap> inMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange idx, ValueRange args)>
        body) {
  int64_t rank = resultType.getRank();
  Value init = createEmptyTensor(b, loc, resultType, dims);
  SmallVector<AffineMap> maps(inMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      parallelIterators(rank), [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> idx;
        for (int64_t i = 0; i < rank; ++i)
          idx.push_back(linalg::IndexOp::create(nb, nloc, i));
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, idx, args.drop_back()));
      });
  return generic.getResult(0);
}

/// `(a < 0) ? a + size : a` on index values.
Value wrapIndex(OpBuilder &b, Location loc, Value a, Value size) {
  Value zero = cIdx(b, loc, 0);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a, zero);
  Value plus = arith::AddIOp::create(b, loc, a, size);
  return arith::SelectOp::create(b, loc, neg, plus, a);
}

/// min(max(a, lo), hi) on index values.
Value clampIndex(OpBuilder &b, Location loc, Value a, Value lo, Value hi) {
  Value m = arith::MaxSIOp::create(b, loc, a, lo);
  return arith::MinSIOp::create(b, loc, m, hi);
}

/// An index read from data (Gather*, Scatter*): negative values wrap, and
/// out-of-range ones (an error in ONNX, which the compiled code cannot
/// report) are clamped into [0, size - 1], so the code never reads or writes
/// outside a tensor.
Value dataIndex(OpBuilder &b, Location loc, Value a, Value size) {
  Value wrapped = wrapIndex(b, loc, a, size);
  Value last = arith::SubIOp::create(b, loc, size, cIdx(b, loc, 1));
  return clampIndex(b, loc, wrapped, cIdx(b, loc, 0), last);
}

/// True if `v` (converted element) is not zero.
Value isNonZero(OpBuilder &b, Location loc, Value v) {
  Value zero = createScalarConstant(b, loc, v.getType(), 0.0);
  if (isa<FloatType>(v.getType()))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
}

/// Combines an existing element with an update for the scatter reductions.
FailureOr<Value> combineScatter(OpBuilder &b, Location loc, StringRef reduction,
                                Value old, Value update, Type onnxType) {
  bool isFloat = isa<FloatType>(onnxType);
  bool isUnsigned = isUnsignedInt(onnxType);
  if (reduction == "none")
    return update;
  if (reduction == "add")
    return isFloat ? (Value)arith::AddFOp::create(b, loc, old, update)
                   : (Value)arith::AddIOp::create(b, loc, old, update);
  if (reduction == "mul")
    return isFloat ? (Value)arith::MulFOp::create(b, loc, old, update)
                   : (Value)arith::MulIOp::create(b, loc, old, update);
  if (reduction == "max") {
    if (isFloat)
      return (Value)arith::MaximumFOp::create(b, loc, old, update);
    if (isUnsigned)
      return (Value)arith::MaxUIOp::create(b, loc, old, update);
    return (Value)arith::MaxSIOp::create(b, loc, old, update);
  }
  if (reduction == "min") {
    if (isFloat)
      return (Value)arith::MinimumFOp::create(b, loc, old, update);
    if (isUnsigned)
      return (Value)arith::MinUIOp::create(b, loc, old, update);
    return (Value)arith::MinSIOp::create(b, loc, old, update);
  }
  return failure();
}

/// Loop nest (scf.for, step 1, from 0) over `dims` with tensor iter_args.
SmallVector<Value> loopNest(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> dims,
    ValueRange iterArgs,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange ivs,
                                    ValueRange args)>
        body) {
  SmallVector<Value> lbs, ubs, steps;
  for (OpFoldResult d : dims) {
    lbs.push_back(cIdx(b, loc, 0));
    ubs.push_back(val(b, loc, d));
    steps.push_back(cIdx(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, iterArgs,
      [&](OpBuilder &nb, Location nloc, ValueRange ivs, ValueRange args) {
        return scf::ValueVector(body(nb, nloc, ivs, args));
      });
  return SmallVector<Value>(nest.results.begin(), nest.results.end());
}

/// Declares a conversion pattern for onnx op `OP` named `NAME`.
#define TENSOR_PATTERN(NAME, OP)                                               \
  struct NAME : OpConversionPattern<onnx::OP> {                                \
    using OpConversionPattern::OpConversionPattern;                            \
    LogicalResult                                                              \
    matchAndRewrite(onnx::OP op, OpAdaptor adaptor,                            \
                    ConversionPatternRewriter &rewriter) const override;       \
  };

TENSOR_PATTERN(IdentityLowering, IdentityOp)
TENSOR_PATTERN(DropoutLowering, DropoutOp)
TENSOR_PATTERN(ReshapeLowering, ReshapeOp)
TENSOR_PATTERN(TransposeLowering, TransposeOp)
TENSOR_PATTERN(FlattenLowering, FlattenOp)
TENSOR_PATTERN(SqueezeLowering, SqueezeOp)
TENSOR_PATTERN(UnsqueezeLowering, UnsqueezeOp)
TENSOR_PATTERN(ConcatLowering, ConcatOp)
TENSOR_PATTERN(SplitLowering, SplitOp)
TENSOR_PATTERN(SliceLowering, SliceOp)
TENSOR_PATTERN(GatherLowering, GatherOp)
TENSOR_PATTERN(GatherElementsLowering, GatherElementsOp)
TENSOR_PATTERN(GatherNDLowering, GatherNDOp)
TENSOR_PATTERN(ScatterElementsLowering, ScatterElementsOp)
TENSOR_PATTERN(ScatterNDLowering, ScatterNDOp)
TENSOR_PATTERN(ExpandLowering, ExpandOp)
TENSOR_PATTERN(ShapeLowering, ShapeOp)
TENSOR_PATTERN(SizeLowering, SizeOp)
TENSOR_PATTERN(ConstantOfShapeLowering, ConstantOfShapeOp)
TENSOR_PATTERN(RangeLowering, RangeOp)
TENSOR_PATTERN(TileLowering, TileOp)
TENSOR_PATTERN(PadLowering, PadOp)
TENSOR_PATTERN(ResizeLowering, ResizeOp)
TENSOR_PATTERN(TriluLowering, TriluOp)
TENSOR_PATTERN(DepthToSpaceLowering, DepthToSpaceOp)
TENSOR_PATTERN(SpaceToDepthLowering, SpaceToDepthOp)
TENSOR_PATTERN(OneHotLowering, OneHotOp)
TENSOR_PATTERN(EyeLikeLowering, EyeLikeOp)
TENSOR_PATTERN(TopKLowering, TopKOp)
TENSOR_PATTERN(NonZeroLowering, NonZeroOp)
#undef TENSOR_PATTERN

/// The converted ranked operand `v`, or null.
RankedTensorType rankedType(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

#define GET_RESULT_TYPE(VAR, VALUE)                                            \
  auto VAR##OrFailure =                                                        \
      getConvertedType(*getTypeConverter(), VALUE, rewriter, op);              \
  if (failed(VAR##OrFailure))                                                  \
    return failure();                                                          \
  RankedTensorType VAR = *VAR##OrFailure;

#define REQUIRE_RANKED(VAR, VALUE)                                             \
  RankedTensorType VAR = rankedType(VALUE);                                    \
  if (!VAR)                                                                    \
    return rewriter.notifyMatchFailure(op, "unranked operand");

} // namespace

//===----------------------------------------------------------------------===//
// Identity, Dropout
//===----------------------------------------------------------------------===//

LogicalResult
IdentityLowering::matchAndRewrite(onnx::IdentityOp op, OpAdaptor adaptor,
                                  ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  rewriter.replaceOp(op,
                     castTo(rewriter, op.getLoc(), adaptor.getInput(), resultType));
  return success();
}

LogicalResult
DropoutLowering::matchAndRewrite(onnx::DropoutOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  GET_RESULT_TYPE(maskType, op.getMask());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  if (!onnx::isNoValue(op.getTrainingMode())) {
    auto training = onnx::getConstantInts(op.getTrainingMode());
    bool ratioZero = false;
    if (!onnx::isNoValue(op.getRatio()))
      if (auto ratio = onnx::getConstantFloats(op.getRatio()))
        ratioZero = !ratio->empty() && (*ratio)[0] == 0.0;
    if ((!training || training->empty() || (*training)[0] != 0) && !ratioZero)
      return unsupported(op, rewriter,
                         "Dropout: unsupported training_mode=1 (or not a "
                         "constant) with a non-zero ratio; only inference "
                         "Dropout lowers");
  }
  Value data = adaptor.getData();
  Value yes = arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
  Value mask = createFilledTensor(rewriter, loc, maskType,
                                  getDims(rewriter, loc, data), yes);
  rewriter.replaceOp(op, {castTo(rewriter, loc, data, resultType), mask});
  return success();
}

//===----------------------------------------------------------------------===//
// Reshape, Flatten, Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

LogicalResult
ReshapeLowering::matchAndRewrite(onnx::ReshapeOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getReshaped());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value data = adaptor.getData();
  int64_t rank = resultType.getRank();
  bool allowZero = op.getAllowzero() != 0;
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> target = readIndexVector(
      rewriter, loc, op.getShape(), adaptor.getShape(), rank);
  if ((int64_t)target.size() != rank)
    return unsupported(op, rewriter, "Reshape: shape length differs from "
                                     "the result rank");
  // 0 copies the input dimension (unless allowzero); one -1 is inferred.
  SmallVector<OpFoldResult> isInferred;
  for (int64_t i = 0; i < rank; ++i) {
    isInferred.push_back(
        m.cmp(arith::CmpIPredicate::eq, target[i], m.c(-1)));
    if (!allowZero && i < inType.getRank())
      target[i] = m.select(m.cmp(arith::CmpIPredicate::eq, target[i], m.c(0)),
                           inDims[i], target[i]);
  }
  OpFoldResult known = m.c(1);
  for (int64_t i = 0; i < rank; ++i)
    known = m.mul(known, m.select(isInferred[i], m.c(1), target[i]));
  OpFoldResult total = m.product(inDims);
  // Avoid a division by zero when some dimension is 0 (then no -1 exists).
  OpFoldResult inferred =
      m.div(total, m.max(known, m.c(1)));
  for (int64_t i = 0; i < rank; ++i)
    target[i] = m.select(isInferred[i], inferred, target[i]);

  // A single collapse / expand when both shapes are static and related.
  if (inType.hasStaticShape() && resultType.hasStaticShape() &&
      inType.getRank() != rank) {
    if (auto reassociation =
            getReassociationIndicesForReshape(inType, resultType)) {
      Value result;
      if (inType.getRank() > rank)
        result = tensor::CollapseShapeOp::create(rewriter, loc, resultType,
                                                 data, *reassociation);
      else
        result = tensor::ExpandShapeOp::create(rewriter, loc, resultType, data,
                                               *reassociation);
      rewriter.replaceOp(op, result);
      return success();
    }
  }
  rewriter.replaceOp(op,
                     reshapeThroughFlat(rewriter, loc, data, resultType, target));
  return success();
}

LogicalResult
FlattenLowering::matchAndRewrite(onnx::FlattenOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value input = adaptor.getInput();
  int64_t rank = inType.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return unsupported(op, rewriter, "Flatten: axis out of range");
  if (axis > 0 && axis < rank) {
    ReassociationIndices outer, inner;
    for (int64_t i = 0; i < rank; ++i)
      (i < axis ? outer : inner).push_back(i);
    Value collapsed = tensor::CollapseShapeOp::create(
        rewriter, loc, input, ArrayRef<ReassociationIndices>{outer, inner});
    rewriter.replaceOp(op, castTo(rewriter, loc, collapsed, resultType));
    return success();
  }
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, input);
  OpFoldResult total = m.product(inDims);
  SmallVector<OpFoldResult> dims = axis == 0
                                       ? SmallVector<OpFoldResult>{m.c(1), total}
                                       : SmallVector<OpFoldResult>{total, m.c(1)};
  rewriter.replaceOp(op,
                     reshapeThroughFlat(rewriter, loc, input, resultType, dims));
  return success();
}

/// Normalized, sorted, unique axes from a constant operand.
static FailureOr<SmallVector<int64_t>> constantAxes(Operation *op, Value axes,
                                                    int64_t rank) {
  auto ints = onnx::getConstantInts(axes);
  if (!ints)
    return failure();
  SmallVector<int64_t> out;
  for (int64_t a : *ints) {
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank)
      return failure();
    out.push_back(a);
  }
  llvm::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

LogicalResult
SqueezeLowering::matchAndRewrite(onnx::SqueezeOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getSqueezed());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> axes;
  if (onnx::isNoValue(op.getAxes())) {
    for (int64_t i = 0; i < rank; ++i) {
      if (inType.isDynamicDim(i))
        return unsupported(op, rewriter,
                           "Squeeze without axes needs static dimensions");
      if (inType.getDimSize(i) == 1)
        axes.push_back(i);
    }
  } else if (!onnx::getConstantInts(op.getAxes())) {
    // Axes known only at run time: output dimension j is the j-th kept one.
    int64_t n = staticLength(adaptor.getAxes());
    if (n < 0 || n != rank - resultType.getRank())
      return unsupported(op, rewriter, "Squeeze: axes need a static length");
    IndexMath m{rewriter, loc};
    SmallVector<OpFoldResult> removed =
        runtimeAxes(rewriter, loc, op.getAxes(), adaptor.getAxes(), n, rank);
    SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, adaptor.getData());
    SmallVector<OpFoldResult> dims(resultType.getRank(), m.c(0));
    for (int64_t i = 0; i < rank; ++i) {
      OpFoldResult gone = m.c(0), before = m.c(0);
      for (OpFoldResult a : removed) {
        gone = m.max(gone, m.select(m.cmp(arith::CmpIPredicate::eq, a, m.c(i)),
                                    m.c(1), m.c(0)));
        before = m.add(before, m.select(m.cmp(arith::CmpIPredicate::slt, a,
                                              m.c(i)),
                                        m.c(1), m.c(0)));
      }
      OpFoldResult pos = m.sub(m.c(i), before);
      for (int64_t j = 0, e = resultType.getRank(); j < e; ++j) {
        OpFoldResult here =
            m.andI(m.cmp(arith::CmpIPredicate::eq, gone, m.c(0)),
                   m.cmp(arith::CmpIPredicate::eq, pos, m.c(j)));
        dims[j] = m.select(here, inDims[i], dims[j]);
      }
    }
    rewriter.replaceOp(op, reshapeAtRuntime(rewriter, loc, adaptor.getData(),
                                            resultType, dims));
    return success();
  } else {
    auto constant = constantAxes(op, op.getAxes(), rank);
    if (failed(constant))
      return unsupported(op, rewriter, "Squeeze: axes out of range");
    axes = *constant;
  }
  // Squeezed dimensions are 1 (make a dynamic one static first).
  SmallVector<int64_t> shape(inType.getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  Value data = castTo(rewriter, loc, adaptor.getData(),
                      RankedTensorType::get(shape, inType.getElementType()));
  SmallVector<ReassociationIndices> reassociation;
  ReassociationIndices pending;
  for (int64_t i = 0; i < rank; ++i) {
    pending.push_back(i);
    if (!llvm::is_contained(axes, i)) {
      reassociation.push_back(pending);
      pending.clear();
    }
  }
  if (!pending.empty() && !reassociation.empty())
    reassociation.back().append(pending.begin(), pending.end());
  Value result =
      tensor::CollapseShapeOp::create(rewriter, loc, data, reassociation);
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

LogicalResult
UnsqueezeLowering::matchAndRewrite(onnx::UnsqueezeOp op, OpAdaptor adaptor,
                                   ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getExpanded());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  int64_t outRank = resultType.getRank();
  if (!onnx::getConstantInts(op.getAxes())) {
    // Axes known only at run time: dimension j is 1 if listed, else the next
    // input dimension.
    int64_t n = outRank - inType.getRank();
    if (staticLength(adaptor.getAxes()) != n)
      return unsupported(op, rewriter, "Unsqueeze: axes need a static length");
    IndexMath m{rewriter, loc};
    SmallVector<OpFoldResult> listed = runtimeAxes(
        rewriter, loc, op.getAxes(), adaptor.getAxes(), n, outRank);
    SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, adaptor.getData());
    SmallVector<OpFoldResult> dims;
    for (int64_t j = 0; j < outRank; ++j) {
      OpFoldResult isAxis = m.c(0), before = m.c(0);
      for (OpFoldResult a : listed) {
        isAxis = m.max(isAxis,
                       m.select(m.cmp(arith::CmpIPredicate::eq, a, m.c(j)),
                                m.c(1), m.c(0)));
        before = m.add(before, m.select(m.cmp(arith::CmpIPredicate::slt, a,
                                              m.c(j)),
                                        m.c(1), m.c(0)));
      }
      OpFoldResult pos = m.sub(m.c(j), before);
      OpFoldResult dim = m.c(1);
      for (int64_t i = 0, e = inType.getRank(); i < e; ++i)
        dim = m.select(m.cmp(arith::CmpIPredicate::eq, pos, m.c(i)), inDims[i],
                       dim);
      dims.push_back(m.select(m.cmp(arith::CmpIPredicate::eq, isAxis, m.c(1)),
                              m.c(1), dim));
    }
    rewriter.replaceOp(op, reshapeAtRuntime(rewriter, loc, adaptor.getData(),
                                            resultType, dims));
    return success();
  }
  auto axes = constantAxes(op, op.getAxes(), outRank);
  if (failed(axes) ||
      (int64_t)axes->size() + inType.getRank() != outRank)
    return unsupported(op, rewriter,
                       "Unsqueeze: axes must be a constant, unique and in "
                       "range");
  Value data = adaptor.getData();
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> dims;
  SmallVector<ReassociationIndices> reassociation;
  ReassociationIndices pending;
  int64_t next = 0;
  for (int64_t i = 0; i < outRank; ++i) {
    if (llvm::is_contained(*axes, i)) {
      dims.push_back(rewriter.getIndexAttr(1));
      if (reassociation.empty())
        pending.push_back(i);
      else
        reassociation.back().push_back(i);
      continue;
    }
    dims.push_back(inDims[next++]);
    pending.push_back(i);
    reassociation.push_back(pending);
    pending.clear();
  }
  Value result = expandTo(rewriter, loc, data, reassociation, dims);
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

//===----------------------------------------------------------------------===//
// Transpose, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

LogicalResult
TransposeLowering::matchAndRewrite(onnx::TransposeOp op, OpAdaptor adaptor,
                                   ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getTransposed());
  REQUIRE_RANKED(inType, adaptor.getData());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> perm;
  if (auto attr = op.getPerm()) {
    for (Attribute a : *attr)
      perm.push_back(cast<IntegerAttr>(a).getInt());
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  if (!isPermutationVector(perm) || (int64_t)perm.size() != rank)
    return unsupported(op, rewriter, "Transpose: perm is not a permutation");
  Value result = transposeTensor(rewriter, op.getLoc(), adaptor.getData(), perm);
  rewriter.replaceOp(op, castTo(rewriter, op.getLoc(), result, resultType));
  return success();
}

/// DepthToSpace / SpaceToDepth: expand, transpose, collapse.
static Value blockShuffle(OpBuilder &b, Location loc, Value input,
                          ArrayRef<OpFoldResult> expandedDims,
                          ArrayRef<ReassociationIndices> expandGroups,
                          ArrayRef<int64_t> perm,
                          ArrayRef<ReassociationIndices> collapseGroups) {
  Value expanded = expandTo(b, loc, input, expandGroups, expandedDims);
  Value transposed = transposeTensor(b, loc, expanded, perm);
  return tensor::CollapseShapeOp::create(b, loc, transposed, collapseGroups);
}

LogicalResult DepthToSpaceLowering::matchAndRewrite(
    onnx::DepthToSpaceOp op, OpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  if (inType.getRank() != 4)
    return unsupported(op, rewriter, "DepthToSpace: input must be 4-D");
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  int64_t bs = (int64_t)op.getBlocksize();
  SmallVector<OpFoldResult> d = getDims(rewriter, loc, adaptor.getInput());
  OpFoldResult c = m.div(d[1], m.c(bs * bs));
  bool crd = op.getMode() == "CRD";
  if (!crd && op.getMode() != "DCR")
    return unsupported(op, rewriter,
                       "DepthToSpace: unsupported mode=" + op.getMode());
  SmallVector<OpFoldResult> dims =
      crd ? SmallVector<OpFoldResult>{d[0], c, m.c(bs), m.c(bs), d[2], d[3]}
          : SmallVector<OpFoldResult>{d[0], m.c(bs), m.c(bs), c, d[2], d[3]};
  SmallVector<int64_t> perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
                                  : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
  Value result = blockShuffle(rewriter, loc, adaptor.getInput(), dims,
                              {{0}, {1, 2, 3}, {4}, {5}}, perm,
                              {{0}, {1}, {2, 3}, {4, 5}});
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

LogicalResult SpaceToDepthLowering::matchAndRewrite(
    onnx::SpaceToDepthOp op, OpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  if (inType.getRank() != 4)
    return unsupported(op, rewriter, "SpaceToDepth: input must be 4-D");
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  int64_t bs = (int64_t)op.getBlocksize();
  SmallVector<OpFoldResult> d = getDims(rewriter, loc, adaptor.getInput());
  SmallVector<OpFoldResult> dims = {d[0], d[1], m.div(d[2], m.c(bs)), m.c(bs),
                                    m.div(d[3], m.c(bs)), m.c(bs)};
  Value result = blockShuffle(rewriter, loc, adaptor.getInput(), dims,
                              {{0}, {1}, {2, 3}, {4, 5}}, {0, 3, 5, 1, 2, 4},
                              {{0}, {1, 2, 3}, {4}, {5}});
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

LogicalResult
ConcatLowering::matchAndRewrite(onnx::ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getConcatResult());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  int64_t rank = resultType.getRank();
  auto normalized = onnx::normalizeAxis(op, op.getAxis(), rank, "'axis'");
  if (failed(normalized))
    return failure();
  int64_t axis = *normalized;
  ValueRange inputs = adaptor.getInputs();
  for (Value v : inputs)
    if (!rankedType(v))
      return rewriter.notifyMatchFailure(op, "unranked operand");
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, inputs[0]);
  OpFoldResult total = m.c(0);
  SmallVector<SmallVector<OpFoldResult>> inputDims;
  for (Value v : inputs) {
    inputDims.push_back(getDims(rewriter, loc, v));
    total = m.add(total, inputDims.back()[axis]);
  }
  dims[axis] = total;
  Value result = createEmptyTensor(rewriter, loc, resultType, dims);
  OpFoldResult offset = m.c(0);
  SmallVector<OpFoldResult> strides(rank, m.c(1));
  for (auto [v, sizes] : llvm::zip(inputs, inputDims)) {
    SmallVector<OpFoldResult> offsets(rank, m.c(0));
    offsets[axis] = offset;
    result = tensor::InsertSliceOp::create(rewriter, loc, v, result, offsets,
                                           sizes, strides);
    offset = m.add(offset, sizes[axis]);
  }
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult
SplitLowering::matchAndRewrite(onnx::SplitOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
  REQUIRE_RANKED(inType, adaptor.getInput());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value input = adaptor.getInput();
  int64_t rank = inType.getRank();
  auto normalized = onnx::normalizeAxis(op, op.getAxis(), rank, "'axis'");
  if (failed(normalized))
    return failure();
  int64_t axis = *normalized;
  int64_t n = op->getNumResults();
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, input);
  SmallVector<OpFoldResult> sizes;
  if (!onnx::isNoValue(op.getSplit())) {
    int64_t len = staticLength(adaptor.getSplit());
    if (len < 0 && !onnx::getConstantInts(op.getSplit()))
      return unsupported(op, rewriter, "Split: split needs a static length");
    sizes = readIndexVector(rewriter, loc, op.getSplit(), adaptor.getSplit(),
                            len);
    if ((int64_t)sizes.size() != n)
      return unsupported(op, rewriter,
                         "Split: split length differs from the output count");
  } else {
    // num_outputs (or equal parts): ceil(d / n) each, the last one smaller.
    OpFoldResult chunk = m.ceilDiv(inDims[axis], m.c(n));
    for (int64_t i = 0; i < n; ++i)
      sizes.push_back(m.min(
          chunk, m.max(m.sub(inDims[axis], m.mul(chunk, m.c(i))), m.c(0))));
  }
  SmallVector<Value> results;
  OpFoldResult offset = m.c(0);
  SmallVector<OpFoldResult> strides(rank, m.c(1));
  for (int64_t i = 0; i < n; ++i) {
    GET_RESULT_TYPE(resultType, op->getResult(i));
    SmallVector<OpFoldResult> offsets(rank, m.c(0)), sliceSizes = inDims;
    offsets[axis] = offset;
    sliceSizes[axis] = sizes[i];
    // A static empty part is a tensor.empty (an offset at the end of the
    // dimension does not verify as a slice).
    Value slice =
        isConstantIntValue(sizes[i], 0) || isConstantIntValue(inDims[axis], 0)
            ? createEmptyTensor(rewriter, loc, resultType,
                                alignDims(rewriter, loc, resultType, sliceSizes))
            : tensor::ExtractSliceOp::create(rewriter, loc, input, offsets,
                                             sliceSizes, strides)
                  .getResult();
    results.push_back(castTo(rewriter, loc, slice, resultType));
    offset = m.add(offset, sizes[i]);
  }
  rewriter.replaceOp(op, results);
  return success();
}

LogicalResult
SliceLowering::matchAndRewrite(onnx::SliceOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value data = adaptor.getData();
  int64_t rank = inType.getRank();
  int64_t n = staticLength(adaptor.getStarts());
  if (n < 0)
    return unsupported(op, rewriter, "Slice: starts needs a static length");
  // axes and steps: constants or read at run time.
  SmallVector<OpFoldResult> axes, steps(n, m.c(1));
  if (onnx::isNoValue(op.getAxes())) {
    for (int64_t i = 0; i < n; ++i)
      axes.push_back(m.c(i));
  } else {
    axes = readIndexVector(rewriter, loc, op.getAxes(), adaptor.getAxes(), n);
  }
  if (!onnx::isNoValue(op.getSteps()))
    steps = readIndexVector(rewriter, loc, op.getSteps(), adaptor.getSteps(), n);
  if ((int64_t)axes.size() != n || (int64_t)steps.size() != n)
    return unsupported(op, rewriter, "Slice: inputs have different lengths");
  SmallVector<OpFoldResult> starts =
      readIndexVector(rewriter, loc, op.getStarts(), adaptor.getStarts(), n);
  SmallVector<OpFoldResult> ends =
      readIndexVector(rewriter, loc, op.getEnds(), adaptor.getEnds(), n);
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> offsets(rank, m.c(0)), sizes = dims,
                                                   strides(rank, m.c(1));
  for (int64_t i = 0; i < n; ++i) {
    OpFoldResult axis = m.wrap(axes[i], m.c(rank));
    std::optional<int64_t> constAxis = getConstantIntValue(axis);
    std::optional<int64_t> constStep = getConstantIntValue(steps[i]);
    if ((constAxis && (*constAxis < 0 || *constAxis >= rank)) ||
        (constStep && *constStep == 0))
      return unsupported(op, rewriter, "Slice: bad axis or zero step");
    for (int64_t d = 0; d < rank; ++d) {
      if (constAxis && *constAxis != d)
        continue;
      OpFoldResult size = dims[d], step = steps[i];
      // ONNX clamping: [0, d] for positive steps; starts in [0, d-1] and
      // ends in [-1, d-1] for negative ones.
      auto forward = [&]() -> std::pair<OpFoldResult, OpFoldResult> {
        OpFoldResult s = m.clamp(m.wrap(starts[i], size), m.c(0), size);
        OpFoldResult e = m.clamp(m.wrap(ends[i], size), m.c(0), size);
        return {s, m.max(m.ceilDiv(m.sub(e, s), step), m.c(0))};
      };
      auto backward = [&]() -> std::pair<OpFoldResult, OpFoldResult> {
        OpFoldResult last = m.sub(size, m.c(1));
        OpFoldResult s = m.clamp(m.wrap(starts[i], size), m.c(0), last);
        OpFoldResult e = m.clamp(m.wrap(ends[i], size), m.c(-1), last);
        return {s, m.max(m.ceilDiv(m.sub(s, e), m.sub(m.c(0), step)), m.c(0))};
      };
      std::pair<OpFoldResult, OpFoldResult> range;
      if (constStep) {
        range = *constStep > 0 ? forward() : backward();
      } else {
        auto f = forward(), bw = backward();
        OpFoldResult positive = m.cmp(arith::CmpIPredicate::sgt, step, m.c(0));
        range = {m.select(positive, f.first, bw.first),
                 m.select(positive, f.second, bw.second)};
      }
      if (constAxis) {
        offsets[d] = range.first;
        sizes[d] = range.second;
        strides[d] = step;
        continue;
      }
      OpFoldResult hit = m.cmp(arith::CmpIPredicate::eq, axis, m.c(d));
      offsets[d] = m.select(hit, range.first, offsets[d]);
      sizes[d] = m.select(hit, range.second, sizes[d]);
      strides[d] = m.select(hit, step, strides[d]);
    }
  }
  bool positive = llvm::all_of(strides, [](OpFoldResult s) {
    std::optional<int64_t> c = getConstantIntValue(s);
    return c && *c > 0;
  });
  if (llvm::any_of(sizes,
                   [](OpFoldResult s) { return isConstantIntValue(s, 0); })) {
    rewriter.replaceOp(op, createEmptyTensor(rewriter, loc, resultType,
                                             alignDims(rewriter, loc,
                                                       resultType, sizes)));
    return success();
  }
  if (positive) {
    Value slice = tensor::ExtractSliceOp::create(rewriter, loc, data, offsets,
                                                 sizes, strides);
    rewriter.replaceOp(op, castTo(rewriter, loc, slice, resultType));
    return success();
  }
  // Negative or run-time steps: read data[offset + i * step] per element.
  SmallVector<Value> offsetValues, strideValues;
  for (int64_t d = 0; d < rank; ++d) {
    offsetValues.push_back(val(rewriter, loc, offsets[d]));
    strideValues.push_back(val(rewriter, loc, strides[d]));
  }
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, alignDims(rewriter, loc, resultType, sizes),
      {}, {}, [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) {
        SmallVector<Value> coords;
        for (int64_t d = 0; d < rank; ++d) {
          Value scaled = arith::MulIOp::create(b, l, idx[d], strideValues[d]);
          coords.push_back(arith::AddIOp::create(b, l, offsetValues[d], scaled));
        }
        return tensor::ExtractOp::create(b, l, data, coords).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements, GatherND
//===----------------------------------------------------------------------===//

LogicalResult
GatherLowering::matchAndRewrite(onnx::GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(dataType, adaptor.getData());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  Location loc = op.getLoc();
  Value data = adaptor.getData(), indices = adaptor.getIndices();
  int64_t r = dataType.getRank(), q = indicesType.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += r;
  if (axis < 0 || axis >= r)
    return unsupported(op, rewriter, "Gather: axis out of range");
  SmallVector<OpFoldResult> dataDims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> indexDims = getDims(rewriter, loc, indices);
  SmallVector<OpFoldResult> dims(dataDims.begin(), dataDims.begin() + axis);
  dims.append(indexDims);
  dims.append(dataDims.begin() + axis + 1, dataDims.end());
  Value axisSize = getDimValue(rewriter, loc, data, axis);
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < q; ++i)
    exprs.push_back(rewriter.getAffineDimExpr(axis + i));
  AffineMap indexMap =
      AffineMap::get(r + q - 1, 0, exprs, rewriter.getContext());
  Type onnxIndexType = onnx::elementTypeOf(op.getIndices());
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, dims, indices, indexMap,
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange args) {
        Value i = dataIndex(b, l, scalarToIndex(b, l, args[0], onnxIndexType),
                            axisSize);
        SmallVector<Value> coords(idx.begin(), idx.begin() + axis);
        coords.push_back(i);
        coords.append(idx.begin() + axis + q, idx.end());
        return tensor::ExtractOp::create(b, l, data, coords).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult GatherElementsLowering::matchAndRewrite(
    onnx::GatherElementsOp op, OpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(dataType, adaptor.getData());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  Location loc = op.getLoc();
  Value data = adaptor.getData(), indices = adaptor.getIndices();
  int64_t r = dataType.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += r;
  if (axis < 0 || axis >= r || indicesType.getRank() != r)
    return unsupported(op, rewriter, "GatherElements: bad axis or rank");
  Value axisSize = getDimValue(rewriter, loc, data, axis);
  Type onnxIndexType = onnx::elementTypeOf(op.getIndices());
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, getDims(rewriter, loc, indices), indices,
      rewriter.getMultiDimIdentityMap(r),
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange args) {
        SmallVector<Value> coords(idx);
        coords[axis] = dataIndex(
            b, l, scalarToIndex(b, l, args[0], onnxIndexType), axisSize);
        return tensor::ExtractOp::create(b, l, data, coords).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult
GatherNDLowering::matchAndRewrite(onnx::GatherNDOp op, OpAdaptor adaptor,
                                  ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(dataType, adaptor.getData());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  Location loc = op.getLoc();
  Value data = adaptor.getData(), indices = adaptor.getIndices();
  int64_t r = dataType.getRank(), q = indicesType.getRank();
  int64_t batch = (int64_t)op.getBatchDims();
  if (q < 1 || indicesType.isDynamicDim(q - 1))
    return unsupported(op, rewriter,
                       "GatherND: the last indices dimension must be static");
  int64_t tuple = indicesType.getDimSize(q - 1);
  if (batch + tuple > r)
    return unsupported(op, rewriter, "GatherND: index tuples too long");
  SmallVector<OpFoldResult> dataDims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> indexDims = getDims(rewriter, loc, indices);
  SmallVector<OpFoldResult> dims(indexDims.begin(), indexDims.end() - 1);
  dims.append(dataDims.begin() + batch + tuple, dataDims.end());
  SmallVector<Value> sizes;
  for (int64_t k = 0; k < tuple; ++k)
    sizes.push_back(getDimValue(rewriter, loc, data, batch + k));
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, dims, {}, {},
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) {
        SmallVector<Value> coords(idx.begin(), idx.begin() + batch);
        SmallVector<Value> at(idx.begin(), idx.begin() + (q - 1));
        at.push_back(Value());
        for (int64_t k = 0; k < tuple; ++k) {
          at.back() = cIdx(b, l, k);
          Value i = tensor::ExtractOp::create(b, l, indices, at);
          coords.push_back(dataIndex(
              b, l, arith::IndexCastOp::create(b, l, b.getIndexType(), i),
              sizes[k]));
        }
        coords.append(idx.begin() + (q - 1), idx.end());
        return tensor::ExtractOp::create(b, l, data, coords).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

//===----------------------------------------------------------------------===//
// ScatterElements, ScatterND: sequential loops (later updates win)
//===----------------------------------------------------------------------===//

LogicalResult ScatterElementsLowering::matchAndRewrite(
    onnx::ScatterElementsOp op, OpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(dataType, adaptor.getData());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  Location loc = op.getLoc();
  Value data = adaptor.getData(), indices = adaptor.getIndices(),
        updates = adaptor.getUpdates();
  int64_t r = dataType.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += r;
  if (axis < 0 || axis >= r)
    return unsupported(op, rewriter, "ScatterElements: axis out of range");
  StringRef reduction = op.getReduction();
  Type onnxType = onnx::elementTypeOf(op.getData());
  Type onnxIndexType = onnx::elementTypeOf(op.getIndices());
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return unsupported(op, rewriter,
                       "ScatterElements: unsupported reduction=" + reduction);
  Value axisSize = getDimValue(rewriter, loc, data, axis);
  Value init = castTo(rewriter, loc, data, resultType);
  SmallVector<Value> results = loopNest(
      rewriter, loc, getDims(rewriter, loc, indices), init,
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        Value index = tensor::ExtractOp::create(b, l, indices, ivs);
        Value update = tensor::ExtractOp::create(b, l, updates, ivs);
        SmallVector<Value> coords(ivs);
        coords[axis] =
            dataIndex(b, l, scalarToIndex(b, l, index, onnxIndexType), axisSize);
        Value old = tensor::ExtractOp::create(b, l, args[0], coords);
        Value combined =
            *combineScatter(b, l, reduction, old, update, onnxType);
        return SmallVector<Value>{
            tensor::InsertOp::create(b, l, combined, args[0], coords)};
      });
  rewriter.replaceOp(op, results[0]);
  return success();
}

LogicalResult
ScatterNDLowering::matchAndRewrite(onnx::ScatterNDOp op, OpAdaptor adaptor,
                                   ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(dataType, adaptor.getData());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  REQUIRE_RANKED(updatesType, adaptor.getUpdates());
  Location loc = op.getLoc();
  Value data = adaptor.getData(), indices = adaptor.getIndices(),
        updates = adaptor.getUpdates();
  int64_t q = indicesType.getRank();
  if (q < 1 || indicesType.isDynamicDim(q - 1))
    return unsupported(op, rewriter,
                       "ScatterND: the last indices dimension must be static");
  int64_t tuple = indicesType.getDimSize(q - 1);
  StringRef reduction = op.getReduction();
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return unsupported(op, rewriter,
                       "ScatterND: unsupported reduction=" + reduction);
  Type onnxType = onnx::elementTypeOf(op.getData());
  SmallVector<Value> sizes;
  for (int64_t k = 0; k < tuple; ++k)
    sizes.push_back(getDimValue(rewriter, loc, data, k));
  Value init = castTo(rewriter, loc, data, resultType);
  SmallVector<Value> results = loopNest(
      rewriter, loc, getDims(rewriter, loc, updates), init,
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        Value update = tensor::ExtractOp::create(b, l, updates, ivs);
        SmallVector<Value> at(ivs.begin(), ivs.begin() + (q - 1));
        at.push_back(Value());
        SmallVector<Value> coords;
        for (int64_t k = 0; k < tuple; ++k) {
          at.back() = cIdx(b, l, k);
          Value i = tensor::ExtractOp::create(b, l, indices, at);
          coords.push_back(dataIndex(
              b, l, arith::IndexCastOp::create(b, l, b.getIndexType(), i),
              sizes[k]));
        }
        coords.append(ivs.begin() + (q - 1), ivs.end());
        Value old = tensor::ExtractOp::create(b, l, args[0], coords);
        Value combined =
            *combineScatter(b, l, reduction, old, update, onnxType);
        return SmallVector<Value>{
            tensor::InsertOp::create(b, l, combined, args[0], coords)};
      });
  rewriter.replaceOp(op, results[0]);
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Tile
//===----------------------------------------------------------------------===//

LogicalResult
ExpandLowering::matchAndRewrite(onnx::ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value input = adaptor.getInput();
  int64_t rank = resultType.getRank(), inRank = inType.getRank();
  int64_t len = staticLength(adaptor.getShape());
  SmallVector<OpFoldResult> shape;
  if (len >= 0 || onnx::getConstantInts(op.getShape()))
    shape = readIndexVector(rewriter, loc, op.getShape(), adaptor.getShape(),
                            len);
  if (!shape.empty() && (int64_t)shape.size() > rank)
    return unsupported(op, rewriter, "Expand: shape longer than the result");
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, input);
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims.push_back(m.c(resultType.getDimSize(d)));
      continue;
    }
    int64_t id = d - (rank - inRank);
    int64_t sd = d - (rank - (int64_t)shape.size());
    if (shape.empty() && id >= 0) {
      dims.push_back(inDims[id]);
      continue;
    }
    if (sd < 0 && id >= 0) {
      dims.push_back(inDims[id]);
      continue;
    }
    if (sd < 0)
      return unsupported(op, rewriter, "Expand: shape needs a static length");
    if (id < 0) {
      dims.push_back(shape[sd]);
      continue;
    }
    // Broadcast: a 1 takes the other side's size.
    dims.push_back(m.select(m.cmp(arith::CmpIPredicate::eq, inDims[id], m.c(1)),
                            shape[sd], inDims[id]));
  }
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, dims, input,
      getBroadcastMap(inType, resultType),
      [](OpBuilder &, Location, ValueRange, ValueRange args) {
        return args[0];
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult
TileLowering::matchAndRewrite(onnx::TileOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  Location loc = op.getLoc();
  Value input = adaptor.getInput();
  int64_t rank = inType.getRank();
  SmallVector<OpFoldResult> repeats = readIndexVector(
      rewriter, loc, op.getRepeats(), adaptor.getRepeats(), rank);
  if ((int64_t)repeats.size() != rank)
    return unsupported(op, rewriter, "Tile: repeats length differs from rank");
  if (rank == 0) {
    rewriter.replaceOp(op, castTo(rewriter, loc, input, resultType));
    return success();
  }
  // Loop over [r0, d0, r1, d1, ...]; the input is read at (d0, d1, ...).
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, input);
  SmallVector<OpFoldResult> dims;
  SmallVector<AffineExpr> exprs;
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank; ++i) {
    dims.push_back(repeats[i]);
    dims.push_back(inDims[i]);
    exprs.push_back(rewriter.getAffineDimExpr(2 * i + 1));
    groups.push_back({2 * i, 2 * i + 1});
  }
  RankedTensorType wideType =
      typeFromDims(dims, resultType.getElementType());
  Value wide = buildIndexGeneric(
      rewriter, loc, wideType, dims, input,
      AffineMap::get(2 * rank, 0, exprs, rewriter.getContext()),
      [](OpBuilder &, Location, ValueRange, ValueRange args) {
        return args[0];
      });
  Value result = tensor::CollapseShapeOp::create(rewriter, loc, wide, groups);
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape, Size, ConstantOfShape, Range
//===----------------------------------------------------------------------===//

LogicalResult
ShapeLowering::matchAndRewrite(onnx::ShapeOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getShape());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  int64_t rank = inType.getRank();
  auto clampBound = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampBound((int64_t)op.getStart());
  int64_t end = op.getEnd() ? clampBound((int64_t)*op.getEnd()) : rank;
  SmallVector<Value> elements;
  for (int64_t i = start; i < end; ++i) {
    Value d = getDimValue(rewriter, loc, adaptor.getData(), i);
    elements.push_back(
        arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), d));
  }
  if (elements.empty()) {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType,
        DenseElementsAttr::get(resultType, ArrayRef<int64_t>{}));
    return success();
  }
  Value result = tensor::FromElementsOp::create(
      rewriter, loc,
      RankedTensorType::get({(int64_t)elements.size()}, rewriter.getI64Type()),
      elements);
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

LogicalResult
SizeLowering::matchAndRewrite(onnx::SizeOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getSize());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value n = val(rewriter, loc,
                m.product(getDims(rewriter, loc, adaptor.getData())));
  Value n64 = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), n);
  Value result = tensor::FromElementsOp::create(
      rewriter, loc, RankedTensorType::get({}, rewriter.getI64Type()), n64);
  rewriter.replaceOp(op, castTo(rewriter, loc, result, resultType));
  return success();
}

LogicalResult ConstantOfShapeLowering::matchAndRewrite(
    onnx::ConstantOfShapeOp op, OpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  Location loc = op.getLoc();
  Type elementType = resultType.getElementType();
  TypedAttr scalar;
  if (auto value = op.getValue()) {
    if (value->getNumElements() != 1)
      return unsupported(op, rewriter,
                         "ConstantOfShape: value must have one element");
    if (auto floatType = dyn_cast<FloatType>(elementType))
      scalar = FloatAttr::get(floatType, *value->value_begin<APFloat>());
    else
      scalar = IntegerAttr::get(elementType, *value->value_begin<APInt>());
  } else {
    scalar = cast<TypedAttr>(rewriter.getZeroAttr(elementType));
  }
  Value fill = arith::ConstantOp::create(rewriter, loc, scalar);
  SmallVector<OpFoldResult> dims =
      readIndexVector(rewriter, loc, op.getInput(), adaptor.getInput(),
                      resultType.getRank());
  if ((int64_t)dims.size() != resultType.getRank())
    return unsupported(op, rewriter,
                       "ConstantOfShape: shape length differs from rank");
  rewriter.replaceOp(op, createFilledTensor(rewriter, loc, resultType,
                                            alignDims(rewriter, loc,
                                                      resultType, dims),
                                            fill));
  return success();
}

LogicalResult
RangeLowering::matchAndRewrite(onnx::RangeOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  Location loc = op.getLoc();
  Type t = resultType.getElementType();
  bool isFloat = isa<FloatType>(t);
  Value start = extractElement(rewriter, loc, adaptor.getStart(), 0);
  Value limit = extractElement(rewriter, loc, adaptor.getLimit(), 0);
  Value delta = extractElement(rewriter, loc, adaptor.getDelta(), 0);
  SmallVector<OpFoldResult> dims;
  if (!resultType.isDynamicDim(0)) {
    dims.push_back(rewriter.getIndexAttr(resultType.getDimSize(0)));
  } else {
    // max(ceil((limit - start) / delta), 0)
    Value count;
    if (isFloat) {
      Value diff = arith::SubFOp::create(rewriter, loc, limit, start);
      Value q = arith::DivFOp::create(rewriter, loc, diff, delta);
      Value c = math::CeilOp::create(rewriter, loc, q);
      count = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(), c);
    } else {
      Value diff = arith::SubIOp::create(rewriter, loc, limit, start);
      count = arith::CeilDivSIOp::create(rewriter, loc, diff, delta);
    }
    Value n = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                         count);
    dims.push_back(arith::MaxSIOp::create(rewriter, loc, n, cIdx(rewriter, loc, 0))
                       .getResult());
  }
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, dims, {}, {},
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) -> Value {
        Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), idx[0]);
        if (isFloat) {
          Value i = arith::SIToFPOp::create(b, l, t, i64);
          Value step = arith::MulFOp::create(b, l, i, delta);
          return arith::AddFOp::create(b, l, start, step);
        }
        Value i = arith::IndexCastOp::create(b, l, t, idx[0]);
        Value step = arith::MulIOp::create(b, l, i, delta);
        return arith::AddIOp::create(b, l, start, step);
      });
  rewriter.replaceOp(op, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult
PadLowering::matchAndRewrite(onnx::PadOp op, OpAdaptor adaptor,
                             ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getData());
  Location loc = op.getLoc();
  IndexMath m{rewriter, loc};
  Value data = adaptor.getData();
  int64_t rank = inType.getRank();
  StringRef mode = op.getMode();
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, mode))
    return unsupported(op, rewriter, "Pad: unsupported mode=" + mode);
  SmallVector<int64_t> axes;
  if (onnx::isNoValue(op.getAxes())) {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  } else {
    auto ints = onnx::getConstantInts(op.getAxes());
    if (!ints)
      return unsupported(op, rewriter, "Pad: axes must be a constant");
    for (int64_t a : *ints)
      axes.push_back(a < 0 ? a + rank : a);
  }
  int64_t n = axes.size();
  SmallVector<OpFoldResult> pads =
      readIndexVector(rewriter, loc, op.getPads(), adaptor.getPads(), 2 * n);
  if ((int64_t)pads.size() != 2 * n)
    return unsupported(op, rewriter, "Pad: pads length must be 2 * axes");
  SmallVector<OpFoldResult> lo(rank, m.c(0)), hi(rank, m.c(0));
  for (int64_t i = 0; i < n; ++i) {
    if (axes[i] < 0 || axes[i] >= rank)
      return unsupported(op, rewriter, "Pad: axis out of range");
    lo[axes[i]] = pads[i];
    hi[axes[i]] = pads[n + i];
  }
  // Negative pads crop first.
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, data);
  SmallVector<OpFoldResult> cropOffsets, cropSizes, ones(rank, m.c(1));
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult cropLo = m.max(m.sub(m.c(0), lo[d]), m.c(0));
    OpFoldResult cropHi = m.max(m.sub(m.c(0), hi[d]), m.c(0));
    crops |= !isConstantIntValue(cropLo, 0) || !isConstantIntValue(cropHi, 0);
    cropOffsets.push_back(cropLo);
    cropSizes.push_back(m.sub(m.sub(dims[d], cropLo), cropHi));
    lo[d] = m.max(lo[d], m.c(0));
    hi[d] = m.max(hi[d], m.c(0));
  }
  if (crops) {
    data = tensor::ExtractSliceOp::create(rewriter, loc, data, cropOffsets,
                                          cropSizes, ones);
    dims = cropSizes;
  }
  if (mode == "constant") {
    Value value;
    if (!onnx::isNoValue(op.getConstantValue()))
      value = extractElement(rewriter, loc, adaptor.getConstantValue(), 0);
    else
      value = createScalarConstant(rewriter, loc, resultType.getElementType(),
                                   0.0);
    Value padded = tensor::PadOp::create(rewriter, loc, Type(), data, lo, hi,
                                         value);
    rewriter.replaceOp(op, castTo(rewriter, loc, padded, resultType));
    return success();
  }
  // reflect / edge / wrap: every output element reads a mapped input index.
  SmallVector<OpFoldResult> outDims;
  SmallVector<Value> loValues, sizeValues;
  for (int64_t d = 0; d < rank; ++d) {
    outDims.push_back(m.add(m.add(dims[d], lo[d]), hi[d]));
    loValues.push_back(val(rewriter, loc, lo[d]));
    sizeValues.push_back(val(rewriter, loc, dims[d]));
  }
  Value source = data;
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, alignDims(rewriter, loc, resultType, outDims),
      {}, {}, [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) {
        SmallVector<Value> coords;
        Value zero = cIdx(b, l, 0), one = cIdx(b, l, 1);
        for (int64_t d = 0; d < rank; ++d) {
          if (isConstantIntValue(lo[d], 0) && isConstantIntValue(hi[d], 0)) {
            coords.push_back(idx[d]);
            continue;
          }
          Value i = arith::SubIOp::create(b, l, idx[d], loValues[d]);
          Value size = sizeValues[d];
          Value last = arith::SubIOp::create(b, l, size, one);
          if (mode == "edge") {
            i = clampIndex(b, l, i, zero, last);
          } else if (mode == "wrap") {
            Value r = arith::RemSIOp::create(b, l, i, size);
            Value plus = arith::AddIOp::create(b, l, r, size);
            i = arith::RemSIOp::create(b, l, plus, size);
          } else {
            // reflect: mirror without repeating the edge; period 2(size-1).
            Value period = arith::MulIOp::create(b, l, last, cIdx(b, l, 2));
            period = arith::MaxSIOp::create(b, l, period, one);
            Value r = arith::RemSIOp::create(b, l, i, period);
            r = arith::RemSIOp::create(
                b, l, arith::AddIOp::create(b, l, r, period), period);
            Value mirrored = arith::SubIOp::create(b, l, period, r);
            Value over = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                               r, last);
            i = arith::SelectOp::create(b, l, over, mirrored, r);
          }
          coords.push_back(i);
        }
        return tensor::ExtractOp::create(b, l, source, coords).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Trilu, OneHot, EyeLike
//===----------------------------------------------------------------------===//

LogicalResult
TriluLowering::matchAndRewrite(onnx::TriluOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  Location loc = op.getLoc();
  int64_t rank = inType.getRank();
  if (rank < 2)
    return unsupported(op, rewriter, "Trilu: input rank must be >= 2");
  Value k = cIdx(rewriter, loc, 0);
  if (!onnx::isNoValue(op.getK()))
    k = scalarToIndex(rewriter, loc,
                      extractElement(rewriter, loc, adaptor.getK(), 0),
                      onnx::elementTypeOf(op.getK()));
  bool upper = op.getUpper() != 0;
  Value input = adaptor.getInput();
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, getDims(rewriter, loc, input), input,
      rewriter.getMultiDimIdentityMap(rank),
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange args) {
        Value diff = arith::SubIOp::create(b, l, idx[rank - 1], idx[rank - 2]);
        Value keep = arith::CmpIOp::create(
            b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
            diff, k);
        Value zero = createScalarConstant(b, l, args[0].getType(), 0.0);
        return arith::SelectOp::create(b, l, keep, args[0], zero).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult
OneHotLowering::matchAndRewrite(onnx::OneHotOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(indicesType, adaptor.getIndices());
  Location loc = op.getLoc();
  int64_t q = indicesType.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += q + 1;
  if (axis < 0 || axis > q)
    return unsupported(op, rewriter, "OneHot: axis out of range");
  Value depth = scalarToIndex(rewriter, loc,
                              extractElement(rewriter, loc, adaptor.getDepth(), 0),
                              onnx::elementTypeOf(op.getDepth()));
  Value off = extractElement(rewriter, loc, adaptor.getValues(), 0);
  Value on = extractElement(rewriter, loc, adaptor.getValues(), 1);
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, adaptor.getIndices());
  dims.insert(dims.begin() + axis, depth);
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i <= q; ++i)
    if (i != axis)
      exprs.push_back(rewriter.getAffineDimExpr(i));
  Type onnxIndexType = onnx::elementTypeOf(op.getIndices());
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, alignDims(rewriter, loc, resultType, dims),
      adaptor.getIndices(),
      AffineMap::get(q + 1, 0, exprs, rewriter.getContext()),
      [&](OpBuilder &b, Location l, ValueRange idx, ValueRange args) {
        Value i = wrapIndex(b, l, scalarToIndex(b, l, args[0], onnxIndexType),
                            depth);
        Value hit =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i, idx[axis]);
        return arith::SelectOp::create(b, l, hit, on, off).getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult
EyeLikeLowering::matchAndRewrite(onnx::EyeLikeOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getOutput());
  REQUIRE_RANKED(inType, adaptor.getInput());
  if (inType.getRank() != 2)
    return unsupported(op, rewriter, "EyeLike: input must be 2-D");
  Location loc = op.getLoc();
  int64_t k = (int64_t)op.getK();
  Type t = resultType.getElementType();
  Value result = buildIndexGeneric(
      rewriter, loc, resultType, getDims(rewriter, loc, adaptor.getInput()), {},
      {}, [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) {
        Value diff = arith::SubIOp::create(b, l, idx[1], idx[0]);
        Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, diff,
                                          cIdx(b, l, k));
        return arith::SelectOp::create(b, l, hit,
                                       createScalarConstant(b, l, t, 1.0),
                                       createScalarConstant(b, l, t, 0.0))
            .getResult();
      });
  rewriter.replaceOp(op, result);
  return success();
}

//===----------------------------------------------------------------------===//
// TopK, NonZero: scf loops
//===----------------------------------------------------------------------===//

/// TopK keeps, per slice along `axis`, a sorted buffer of the best k entries
/// in the results: every element is inserted after the entries that are at
/// least as good (so equal values keep the lower index first).
LogicalResult
TopKLowering::matchAndRewrite(onnx::TopKOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(valuesType, op.getValues());
  GET_RESULT_TYPE(indicesType, op.getIndices());
  REQUIRE_RANKED(inType, adaptor.getX());
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  int64_t rank = inType.getRank();
  auto normalized = onnx::normalizeAxis(op, op.getAxis(), rank, "'axis'");
  if (failed(normalized))
    return failure();
  int64_t axis = *normalized;
  Type onnxType = onnx::elementTypeOf(op.getX());
  bool largest = op.getLargest() != 0;
  Value k = scalarToIndex(rewriter, loc,
                          extractElement(rewriter, loc, adaptor.getK(), 0),
                          rewriter.getI64Type());
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, x);
  Value n = val(rewriter, loc, dims[axis]);
  dims[axis] = k;
  Value values = createEmptyTensor(rewriter, loc, valuesType,
                                   alignDims(rewriter, loc, valuesType, dims));
  Value indices = createEmptyTensor(
      rewriter, loc, indicesType, alignDims(rewriter, loc, indicesType, dims));
  SmallVector<OpFoldResult> outer = getDims(rewriter, loc, x);
  outer.erase(outer.begin() + axis);
  // "a stays before e": a >= e for largest, a <= e for smallest.
  auto staysBefore = [&](OpBuilder &b, Location l, Value a, Value e) -> Value {
    if (isa<FloatType>(onnxType))
      return arith::CmpFOp::create(b, l,
                                   largest ? arith::CmpFPredicate::OGE
                                           : arith::CmpFPredicate::OLE,
                                   a, e);
    bool u = isUnsignedInt(onnxType);
    arith::CmpIPredicate pred =
        largest ? (u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
                : (u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle);
    return arith::CmpIOp::create(b, l, pred, a, e);
  };
  SmallVector<Value> results = loopNest(
      rewriter, loc, outer, ValueRange{values, indices},
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        auto at = [&](Value i) {
          SmallVector<Value> coords(ivs);
          coords.insert(coords.begin() + axis, i);
          return coords;
        };
        Value zero = cIdx(b, l, 0), one = cIdx(b, l, 1);
        auto loop = scf::ForOp::create(
            b, l, zero, n, one, ValueRange{args[0], args[1]},
            [&](OpBuilder &fb, Location fl, Value i, ValueRange acc) {
              Value e = tensor::ExtractOp::create(fb, fl, x, at(i));
              Value filled = arith::MinSIOp::create(fb, fl, i, k);
              // Position: the number of buffered entries that stay before e.
              auto count = scf::ForOp::create(
                  fb, fl, zero, filled, one, ValueRange{zero},
                  [&](OpBuilder &cb, Location cl, Value j, ValueRange p) {
                    Value a = tensor::ExtractOp::create(cb, cl, acc[0], at(j));
                    Value before = staysBefore(cb, cl, a, e);
                    Value inc = arith::SelectOp::create(cb, cl, before, one,
                                                        zero);
                    scf::YieldOp::create(
                        cb, cl, ValueRange{arith::AddIOp::create(cb, cl, p[0], inc)});
                  });
              Value pos = count.getResult(0);
              Value fits = arith::CmpIOp::create(
                  fb, fl, arith::CmpIPredicate::slt, pos, k);
              auto ifOp = scf::IfOp::create(
                  fb, fl, fits,
                  [&](OpBuilder &tb, Location tl) {
                    // Shift [pos, hi - 1) one slot right, then store at pos.
                    Value hi = arith::MinSIOp::create(
                        tb, tl, arith::AddIOp::create(tb, tl, filled, one), k);
                    Value moves = arith::SubIOp::create(
                        tb, tl, arith::SubIOp::create(tb, tl, hi, pos), one);
                    auto shift = scf::ForOp::create(
                        tb, tl, zero, moves, one, ValueRange{acc[0], acc[1]},
                        [&](OpBuilder &sb, Location sl, Value s,
                            ValueRange buf) {
                          Value t = arith::SubIOp::create(
                              sb, sl, arith::SubIOp::create(sb, sl, hi, one), s);
                          Value from = arith::SubIOp::create(sb, sl, t, one);
                          SmallVector<Value> next;
                          for (Value tensorBuf : buf) {
                            Value v = tensor::ExtractOp::create(sb, sl, tensorBuf,
                                                                at(from));
                            next.push_back(tensor::InsertOp::create(
                                sb, sl, v, tensorBuf, at(t)));
                          }
                          scf::YieldOp::create(sb, sl, next);
                        });
                    Value i64 =
                        arith::IndexCastOp::create(tb, tl, tb.getI64Type(), i);
                    Value v = tensor::InsertOp::create(
                        tb, tl, e, shift.getResult(0), at(pos));
                    Value ix = tensor::InsertOp::create(
                        tb, tl, i64, shift.getResult(1), at(pos));
                    scf::YieldOp::create(tb, tl, ValueRange{v, ix});
                  },
                  [&](OpBuilder &eb, Location el) {
                    scf::YieldOp::create(eb, el, acc);
                  });
              scf::YieldOp::create(fb, fl, ifOp.getResults());
            });
        return SmallVector<Value>(loop.getResults());
      });
  rewriter.replaceOp(op, results);
  return success();
}

LogicalResult
NonZeroLowering::matchAndRewrite(onnx::NonZeroOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getY());
  REQUIRE_RANKED(inType, adaptor.getX());
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  int64_t rank = inType.getRank();
  SmallVector<OpFoldResult> dims = getDims(rewriter, loc, x);
  Value zero = cIdx(rewriter, loc, 0);
  // Pass 1: count.
  Value count = loopNest(rewriter, loc, dims, zero,
                         [&](OpBuilder &b, Location l, ValueRange ivs,
                             ValueRange args) {
                           Value e = tensor::ExtractOp::create(b, l, x, ivs);
                           Value inc = arith::SelectOp::create(
                               b, l, isNonZero(b, l, e), cIdx(b, l, 1),
                               cIdx(b, l, 0));
                           return SmallVector<Value>{
                               arith::AddIOp::create(b, l, args[0], inc)};
                         })[0];
  auto outType = RankedTensorType::get({rank, ShapedType::kDynamic},
                                       rewriter.getI64Type());
  Value init = tensor::EmptyOp::create(rewriter, loc, outType, ValueRange{count});
  // Pass 2: write one column of coordinates per non-zero element.
  SmallVector<Value> results = loopNest(
      rewriter, loc, dims, ValueRange{init, zero},
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
        Value e = tensor::ExtractOp::create(b, l, x, ivs);
        auto ifOp = scf::IfOp::create(
            b, l, isNonZero(b, l, e),
            [&](OpBuilder &tb, Location tl) {
              Value out = args[0];
              for (int64_t d = 0; d < rank; ++d) {
                Value c = arith::IndexCastOp::create(tb, tl, tb.getI64Type(),
                                                     ivs[d]);
                out = tensor::InsertOp::create(
                    tb, tl, c, out, ValueRange{cIdx(tb, tl, d), args[1]});
              }
              Value next = arith::AddIOp::create(tb, tl, args[1], cIdx(tb, tl, 1));
              scf::YieldOp::create(tb, tl, ValueRange{out, next});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, args);
            });
        return SmallVector<Value>(ifOp.getResults());
      });
  rewriter.replaceOp(op, castTo(rewriter, loc, results[0], resultType));
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// Resize: one linalg.generic over the output. Per resized axis the output
/// index is mapped to an input coordinate (coordinate_transformation_mode,
/// in f64 as the ONNX reference does), then nearest picks one input index and
/// linear / cubic blend 2 / 4 neighbours per axis (edge-clamped indices,
/// separable weights).
LogicalResult
ResizeLowering::matchAndRewrite(onnx::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
  GET_RESULT_TYPE(resultType, op.getY());
  REQUIRE_RANKED(inType, adaptor.getX());
  Location loc = op.getLoc();
  Value x = adaptor.getX();
  int64_t rank = inType.getRank();
  StringRef mode = op.getMode();
  StringRef ctm = op.getCoordinateTransformationMode();
  StringRef nearestMode = op.getNearestMode();
  StringRef policy = op.getKeepAspectRatioPolicy();
  if (op.getAntialias() != 0)
    return unsupported(op, rewriter, "Resize: unsupported antialias=1");
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, mode))
    return unsupported(op, rewriter, "Resize: unsupported mode=" + mode);
  if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric",
                           "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          ctm))
    return unsupported(op, rewriter,
                       "Resize: unsupported coordinate_transformation_mode=" +
                           ctm);
  if (mode == "nearest" &&
      !llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          nearestMode))
    return unsupported(op, rewriter,
                       "Resize: unsupported nearest_mode=" + nearestMode);
  if (!llvm::is_contained({"stretch", "not_larger", "not_smaller"}, policy))
    return unsupported(op, rewriter,
                       "Resize: unsupported keep_aspect_ratio_policy=" + policy);
  if (mode != "nearest" && !isa<FloatType>(resultType.getElementType()))
    return unsupported(op, rewriter,
                       "Resize: mode=" + mode + " needs a float tensor");

  SmallVector<int64_t> axes;
  if (auto attr = op.getAxes()) {
    for (Attribute a : *attr) {
      int64_t v = cast<IntegerAttr>(a).getInt();
      axes.push_back(v < 0 ? v + rank : v);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t n = axes.size();
  bool hasScales = !onnx::isNoValue(op.getScales()) &&
                   staticLength(adaptor.getScales()) != 0;
  bool hasSizes = !onnx::isNoValue(op.getSizes()) &&
                  staticLength(adaptor.getSizes()) != 0;
  if (hasScales == hasSizes)
    return unsupported(op, rewriter,
                       "Resize: exactly one of scales and sizes is supported");

  Type f64 = rewriter.getF64Type();
  auto f64Const = [&](OpBuilder &b, Location l, double v) -> Value {
    return arith::ConstantOp::create(b, l, b.getF64FloatAttr(v));
  };
  auto indexToF64 = [&](OpBuilder &b, Location l, Value v) -> Value {
    Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), v);
    return arith::SIToFPOp::create(b, l, f64, i);
  };

  // Per-axis scale (f64 values; constants when known) and output size.
  SmallVector<OpFoldResult> inDims = getDims(rewriter, loc, x);
  SmallVector<Value> scale(rank);
  SmallVector<std::optional<double>> constScale(rank, 1.0);
  SmallVector<OpFoldResult> outDims = inDims;
  for (int64_t i = 0; i < rank; ++i)
    scale[i] = f64Const(rewriter, loc, 1.0);
  if (hasScales) {
    auto floats = onnx::getConstantFloats(op.getScales());
    for (int64_t i = 0; i < n; ++i) {
      int64_t a = axes[i];
      if (floats) {
        constScale[a] = (double)(float)(*floats)[i];
        scale[a] = f64Const(rewriter, loc, *constScale[a]);
      } else {
        constScale[a] = std::nullopt;
        scale[a] = arith::ExtFOp::create(
            rewriter, loc, f64,
            extractElement(rewriter, loc, adaptor.getScales(), i));
      }
      // floor(in * scale)
      Value out = math::FloorOp::create(
          rewriter, loc,
          arith::MulFOp::create(rewriter, loc,
                                indexToF64(rewriter, loc,
                                           val(rewriter, loc, inDims[a])),
                                scale[a]));
      outDims[a] = arith::IndexCastOp::create(
                       rewriter, loc, rewriter.getIndexType(),
                       arith::FPToSIOp::create(rewriter, loc,
                                               rewriter.getI64Type(), out))
                       .getResult();
    }
  } else {
    SmallVector<OpFoldResult> sizes = readIndexVector(
        rewriter, loc, op.getSizes(), adaptor.getSizes(), n);
    if ((int64_t)sizes.size() != n)
      return unsupported(op, rewriter, "Resize: sizes length differs from axes");
    Value common;
    for (int64_t i = 0; i < n; ++i) {
      int64_t a = axes[i];
      constScale[a] = std::nullopt;
      Value ratio = arith::DivFOp::create(
          rewriter, loc, indexToF64(rewriter, loc, val(rewriter, loc, sizes[i])),
          indexToF64(rewriter, loc, val(rewriter, loc, inDims[a])));
      scale[a] = ratio;
      outDims[a] = sizes[i];
      if (policy == "not_larger")
        common = common ? arith::MinimumFOp::create(rewriter, loc, common, ratio)
                        : ratio;
      else if (policy == "not_smaller")
        common = common ? arith::MaximumFOp::create(rewriter, loc, common, ratio)
                        : ratio;
    }
    if (common) {
      for (int64_t a : axes) {
        scale[a] = common;
        // round(scale * in), halves up.
        Value s = arith::MulFOp::create(
            rewriter, loc, common,
            indexToF64(rewriter, loc, val(rewriter, loc, inDims[a])));
        Value r = math::FloorOp::create(
            rewriter, loc,
            arith::AddFOp::create(rewriter, loc, s,
                                  f64Const(rewriter, loc, 0.5)));
        outDims[a] = arith::IndexCastOp::create(
                         rewriter, loc, rewriter.getIndexType(),
                         arith::FPToSIOp::create(rewriter, loc,
                                                 rewriter.getI64Type(), r))
                         .getResult();
      }
    }
  }

  // roi for tf_crop_and_resize: [starts..., ends...] over `axes` (or all
  // dimensions in the older form).
  SmallVector<Value> roiStart(rank), roiEnd(rank);
  bool crop = ctm == "tf_crop_and_resize";
  if (crop) {
    if (onnx::isNoValue(op.getRoi()))
      return unsupported(op, rewriter,
                         "Resize: tf_crop_and_resize needs a roi input");
    int64_t len = staticLength(adaptor.getRoi());
    if (len != 2 * n && len != 2 * rank)
      return unsupported(op, rewriter,
                         "Resize: roi needs a static length of 2 * axes");
    Value roi = adaptor.getRoi();
    for (int64_t i = 0; i < n; ++i) {
      int64_t a = axes[i];
      int64_t si = len == 2 * n ? i : a, ei = si + len / 2;
      auto read = [&](int64_t j) -> Value {
        Value e = extractElement(rewriter, loc, roi, j);
        if (e.getType() != f64)
          e = arith::ExtFOp::create(rewriter, loc, f64, e);
        return e;
      };
      roiStart[a] = read(si);
      roiEnd[a] = read(ei);
    }
  }

  // Axes that need no interpolation: scale exactly 1 with a transformation
  // that maps every index to itself.
  SmallVector<int64_t> resized;
  for (int64_t a : axes) {
    bool identity = constScale[a] && *constScale[a] == 1.0 && !crop &&
                    ctm != "tf_half_pixel_for_nn";
    if (!identity)
      resized.push_back(a);
  }
  SmallVector<Value> inSizeF(rank), inLast(rank), outSizeF(rank);
  for (int64_t a : resized) {
    Value in = val(rewriter, loc, inDims[a]);
    inSizeF[a] = indexToF64(rewriter, loc, in);
    inLast[a] = arith::SubIOp::create(rewriter, loc, in, cIdx(rewriter, loc, 1));
    outSizeF[a] = indexToF64(rewriter, loc, val(rewriter, loc, outDims[a]));
  }
  double cubicA = op.getCubicCoeffA().convertToDouble();
  bool excludeOutside = op.getExcludeOutside() != 0;
  Value extrapolation =
      crop ? f64Const(rewriter, loc,
                      op.getExtrapolationValue().convertToDouble())
           : Value();
  Type elementType = resultType.getElementType();

  Value result = buildIndexGeneric(
      rewriter, loc, resultType, alignDims(rewriter, loc, resultType, outDims),
      {}, {}, [&](OpBuilder &b, Location l, ValueRange idx, ValueRange) {
        auto c = [&](double v) { return f64Const(b, l, v); };
        Value zeroI = cIdx(b, l, 0);
        Value outside; // tf_crop_and_resize: some coordinate is outside.
        // Per resized axis: neighbour indices and their weights.
        SmallVector<SmallVector<Value>> nbrIdx(rank), nbrW(rank);
        for (int64_t a : resized) {
          Value o = indexToF64(b, l, idx[a]);
          Value s = scale[a];
          // The output length as the reference computes it: scale * in.
          Value outLen = arith::MulFOp::create(b, l, s, inSizeF[a]);
          Value lenIsOne = arith::CmpFOp::create(
              b, l, arith::CmpFPredicate::OEQ, outLen, c(1.0));
          Value half = arith::AddFOp::create(b, l, o, c(0.5));
          Value halfPixel = arith::SubFOp::create(
              b, l, arith::DivFOp::create(b, l, half, s), c(0.5));
          Value inM1 = arith::SubFOp::create(b, l, inSizeF[a], c(1.0));
          Value coord;
          if (ctm == "half_pixel") {
            coord = halfPixel;
          } else if (ctm == "half_pixel_symmetric") {
            Value adj = arith::DivFOp::create(b, l, outSizeF[a], outLen);
            Value center = arith::MulFOp::create(b, l, inSizeF[a], c(0.5));
            Value offset = arith::MulFOp::create(
                b, l, center, arith::SubFOp::create(b, l, c(1.0), adj));
            coord = arith::AddFOp::create(b, l, offset, halfPixel);
          } else if (ctm == "pytorch_half_pixel") {
            coord = arith::SelectOp::create(b, l, lenIsOne, c(0.0), halfPixel);
          } else if (ctm == "align_corners") {
            Value ratio = arith::DivFOp::create(
                b, l, inM1, arith::SubFOp::create(b, l, outLen, c(1.0)));
            coord = arith::SelectOp::create(
                b, l, lenIsOne, c(0.0), arith::MulFOp::create(b, l, o, ratio));
          } else if (ctm == "asymmetric") {
            coord = arith::DivFOp::create(b, l, o, s);
          } else if (ctm == "tf_half_pixel_for_nn") {
            coord = arith::DivFOp::create(b, l, half, s);
          } else { // tf_crop_and_resize
            Value width = arith::SubFOp::create(b, l, roiEnd[a], roiStart[a]);
            Value base = arith::MulFOp::create(b, l, roiStart[a], inM1);
            Value step = arith::DivFOp::create(
                b, l, arith::MulFOp::create(b, l, width, inM1),
                arith::SubFOp::create(b, l, outLen, c(1.0)));
            Value many = arith::AddFOp::create(
                b, l, base, arith::MulFOp::create(b, l, o, step));
            Value one = arith::MulFOp::create(
                b, l,
                arith::MulFOp::create(
                    b, l, arith::AddFOp::create(b, l, roiStart[a], roiEnd[a]),
                    c(0.5)),
                inM1);
            coord = arith::SelectOp::create(b, l, lenIsOne, one, many);
            Value lo = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                             coord, c(0.0));
            Value hi = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                             coord, inM1);
            Value out = arith::OrIOp::create(b, l, lo, hi);
            outside = outside ? arith::OrIOp::create(b, l, outside, out) : out;
          }
          auto toIndex = [&](Value f) -> Value {
            Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
            return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
          };
          auto clampToInput = [&](Value i) {
            return clampIndex(b, l, i, zeroI, inLast[a]);
          };
          if (mode == "nearest") {
            Value r;
            if (nearestMode == "round_prefer_floor")
              r = math::CeilOp::create(
                  b, l, arith::SubFOp::create(b, l, coord, c(0.5)));
            else if (nearestMode == "round_prefer_ceil")
              r = math::FloorOp::create(
                  b, l, arith::AddFOp::create(b, l, coord, c(0.5)));
            else if (nearestMode == "floor")
              r = math::FloorOp::create(b, l, coord);
            else
              r = math::CeilOp::create(b, l, coord);
            nbrIdx[a].push_back(clampToInput(toIndex(r)));
            nbrW[a].push_back(c(1.0));
            continue;
          }
          Value fl = math::FloorOp::create(b, l, coord);
          Value t = arith::SubFOp::create(b, l, coord, fl);
          Value base = toIndex(fl);
          SmallVector<int64_t> offsets;
          SmallVector<Value> weights;
          Value oneMinusT = arith::SubFOp::create(b, l, c(1.0), t);
          if (mode == "linear") {
            offsets = {0, 1};
            weights = {oneMinusT, t};
          } else {
            // Keys cubic convolution with coefficient A.
            double A = cubicA;
            auto far = [&](Value d) { // 1 <= d <= 2
              Value v = arith::SubFOp::create(
                  b, l, arith::MulFOp::create(b, l, c(A), d), c(5 * A));
              v = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, d),
                                        c(8 * A));
              return arith::SubFOp::create(
                  b, l, arith::MulFOp::create(b, l, v, d), c(4 * A));
            };
            auto nearW = [&](Value d) { // 0 <= d <= 1
              Value v = arith::SubFOp::create(
                  b, l, arith::MulFOp::create(b, l, c(A + 2), d), c(A + 3));
              v = arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, v, d),
                                        d);
              return arith::AddFOp::create(b, l, v, c(1.0));
            };
            offsets = {-1, 0, 1, 2};
            weights = {far(arith::AddFOp::create(b, l, t, c(1.0))), nearW(t),
                       nearW(oneMinusT),
                       far(arith::AddFOp::create(b, l, oneMinusT, c(1.0)))};
          }
          Value sum;
          for (auto [off, w] : llvm::zip(offsets, weights)) {
            Value i = arith::AddIOp::create(b, l, base, cIdx(b, l, off));
            if (excludeOutside) {
              Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                               i, zeroI);
              Value le = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle,
                                               i, inLast[a]);
              Value inside = arith::AndIOp::create(b, l, ge, le);
              w = arith::SelectOp::create(b, l, inside, w, c(0.0));
              sum = sum ? arith::AddFOp::create(b, l, sum, w) : w;
            }
            nbrIdx[a].push_back(clampToInput(i));
            nbrW[a].push_back(w);
          }
          if (excludeOutside)
            for (Value &w : nbrW[a])
              w = arith::DivFOp::create(b, l, w, sum);
        }
        // Sum over every combination of neighbours.
        SmallVector<Value> coords(idx);
        Value acc;
        std::function<void(size_t, Value)> visit = [&](size_t k, Value w) {
          if (k == resized.size()) {
            Value v = tensor::ExtractOp::create(b, l, x, coords);
            if (mode == "nearest") {
              acc = v;
              return;
            }
            if (v.getType() != f64)
              v = arith::ExtFOp::create(b, l, f64, v);
            Value term = arith::MulFOp::create(b, l, v, w);
            acc = acc ? arith::AddFOp::create(b, l, acc, term) : term;
            return;
          }
          int64_t a = resized[k];
          for (size_t j = 0; j < nbrIdx[a].size(); ++j) {
            coords[a] = nbrIdx[a][j];
            visit(k + 1, mode == "nearest"
                             ? w
                             : (Value)arith::MulFOp::create(b, l, w, nbrW[a][j]));
          }
        };
        visit(0, c(1.0));
        if (mode != "nearest" && acc.getType() != elementType)
          acc = arith::TruncFOp::create(b, l, elementType, acc);
        if (outside) {
          Value e = extrapolation;
          if (e.getType() != elementType)
            e = isa<FloatType>(elementType)
                    ? (Value)arith::TruncFOp::create(b, l, elementType, e)
                    : (Value)arith::FPToSIOp::create(b, l, elementType, e);
          acc = arith::SelectOp::create(b, l, outside, e, acc);
        }
        return acc;
      });
  rewriter.replaceOp(op, result);
  return success();
}

void quant_opt::populateONNXTensorToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<IdentityLowering, DropoutLowering, ReshapeLowering,
               TransposeLowering, FlattenLowering, SqueezeLowering,
               UnsqueezeLowering, ConcatLowering, SplitLowering, SliceLowering,
               GatherLowering, GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, ExpandLowering,
               ShapeLowering, SizeLowering, ConstantOfShapeLowering,
               RangeLowering, TileLowering, PadLowering, ResizeLowering,
               TriluLowering, DepthToSpaceLowering, SpaceToDepthLowering,
               OneHotLowering, EyeLikeLowering, TopKLowering, NonZeroLowering>(
      converter, patterns.getContext());
}
