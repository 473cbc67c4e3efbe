//===- Reduction.cpp - ReductionOps.td -> linalg (reductions, softmax, normalizations) ===//
//
// Reductions are linalg.reduce (plain folds) or linalg.generic with reduction
// iterators (folds that read a second tensor or accumulate in a wider type);
// their result drops the reduced dimensions and keepdims re-inserts them with
// tensor.expand_shape. Softmax and the normalizations are reductions followed
// by one elementwise linalg.generic that reads the statistics through a
// projection map. f16 / bf16 are accumulated in f32. CumSum is an scf.for
// over the axis carrying the running sum of one slice.
//
//===----------------------------------------------------------------------===//

#include "ConversionUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <cmath>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Emits `why` as an error on `op` and fails the match.
LogicalResult unsupported(ConversionPatternRewriter &rewriter, Operation *op,
                          const Twine &why) {
  op->emitError() << why;
  return rewriter.notifyMatchFailure(op, why);
}

/// The type arithmetic is done in for float type `t`: f16 / bf16 widen to f32.
Type computeFloatType(Type t) {
  if (t.isF16() || t.isBF16())
    return Float32Type::get(t.getContext());
  return t;
}

/// The map (d0, ..., dn-1) -> (the dimensions not in `reduced`).
AffineMap keptMap(MLIRContext *context, ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, r] : llvm::enumerate(reduced))
    if (!r)
      exprs.push_back(getAffineDimExpr(i, context));
  return AffineMap::get(reduced.size(), 0, exprs, context);
}

/// The map that reads a 1-D per-channel tensor of `rank`-D data: (d1), or
/// (0) for 1-D data (one channel).
AffineMap channelMap(MLIRContext *context, int64_t rank) {
  AffineExpr e = rank >= 2 ? getAffineDimExpr(1, context)
                           : getAffineConstantExpr(0, context);
  return AffineMap::get(rank, 0, e, context);
}

/// The map that reads `operandType` broadcast unidirectionally to the
/// trailing dimensions of a loop nest of shape `loopShape`. Extra leading
/// operand dimensions (which must be 1) and static 1s read index 0.
AffineMap trailingBroadcastMap(RankedTensorType operandType,
                               ArrayRef<int64_t> loopShape) {
  MLIRContext *context = operandType.getContext();
  int64_t rank = loopShape.size();
  int64_t offset = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = operandType.getRank(); i < e; ++i) {
    int64_t d = i + offset;
    bool broadcasts =
        d < 0 || (operandType.getDimSize(i) == 1 && loopShape[d] != 1);
    exprs.push_back(broadcasts ? getAffineConstantExpr(0, context)
                               : getAffineDimExpr(d, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

/// The sizes of the dimensions of `x` not in `reduced`.
SmallVector<OpFoldResult> keptSizes(OpBuilder &b, Location loc, Value x,
                                    ArrayRef<bool> reduced) {
  SmallVector<OpFoldResult> sizes;
  for (auto [size, r] : llvm::zip(getDims(b, loc, x), reduced))
    if (!r)
      sizes.push_back(size);
  return sizes;
}

/// The number of elements each reduction folds, as an index.
Value reducedCount(OpBuilder &b, Location loc, Value x,
                   ArrayRef<bool> reduced) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [i, r] : llvm::enumerate(reduced))
    if (r)
      count = arith::MulIOp::create(b, loc, count, getDimValue(b, loc, x, i));
  return count;
}

using ReduceBodyFn = llvm::function_ref<SmallVector<Value>(
    OpBuilder &, Location, ValueRange)>;

/// Folds `x` over the dimensions marked in `reduced` into one tensor per
/// initial value (shaped as the kept dimensions of `x`, filled with the
/// scalar). The body sees (x element, `extras` elements, accumulators...)
/// and returns the new accumulators; `extras` are tensors over the kept
/// dimensions. A plain fold of `x` in its own element type is linalg.reduce,
/// anything else a linalg.generic with reduction iterators.
SmallVector<Value> buildReduction(OpBuilder &b, Location loc, Value x,
                                  ArrayRef<bool> reduced, ValueRange extras,
                                  ValueRange initScalars, ReduceBodyFn body) {
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<OpFoldResult> sizes = keptSizes(b, loc, x, reduced);
  SmallVector<int64_t> shape, reducedDims;
  for (auto [i, r] : llvm::enumerate(reduced)) {
    if (r)
      reducedDims.push_back(i);
    else
      shape.push_back(xType.getDimSize(i));
  }
  SmallVector<Value> inits;
  bool plain = extras.empty() && initScalars.size() == 1;
  for (Value scalar : initScalars) {
    plain &= scalar.getType() == xType.getElementType();
    inits.push_back(createFilledTensor(
        b, loc, RankedTensorType::get(shape, scalar.getType()), sizes, scalar));
  }
  auto bodyBuilder = [&](OpBuilder &nb, Location nloc, ValueRange args) {
    linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
  };
  if (plain)
    return linalg::ReduceOp::create(b, loc, ValueRange{x}, inits, reducedDims,
                                    bodyBuilder)
        ->getResults();

  MLIRContext *context = b.getContext();
  AffineMap kept = keptMap(context, reduced);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(xType.getRank())};
  maps.append(extras.size(), kept);
  maps.append(inits.size(), kept);
  SmallVector<utils::IteratorType> iterators;
  for (bool r : reduced)
    iterators.push_back(r ? utils::IteratorType::reduction
                          : utils::IteratorType::parallel);
  SmallVector<Value> inputs = {x};
  llvm::append_range(inputs, extras);
  return linalg::GenericOp::create(b, loc, ValueRange(inits).getTypes(),
                                   inputs, inits, maps, iterators, bodyBuilder)
      ->getResults();
}

/// A linalg.generic over the shape of `shapeSource` producing `elementType`
/// elements from `operands` read through `maps`.
Value buildMap(OpBuilder &b, Location loc, Value shapeSource, Type elementType,
               ValueRange operands, ArrayRef<AffineMap> maps,
               ScalarBodyFn body) {
  auto sourceType = cast<RankedTensorType>(shapeSource.getType());
  auto type = RankedTensorType::get(sourceType.getShape(), elementType);
  Value init = createEmptyTensor(b, loc, type, getDims(b, loc, shapeSource));
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  return linalg::GenericOp::create(
             b, loc, type, operands, init, allMaps,
             parallelIterators(type.getRank()),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, body(nb, nloc, args.drop_back()));
             })
      .getResult(0);
}

/// An elementwise map of same-shaped tensors (identity maps).
Value buildSameShapeMap(OpBuilder &b, Location loc, Type elementType,
                        ValueRange operands, ScalarBodyFn body) {
  auto rank = cast<RankedTensorType>(operands[0].getType()).getRank();
  SmallVector<AffineMap> maps(operands.size(), b.getMultiDimIdentityMap(rank));
  return buildMap(b, loc, operands[0], elementType, operands, maps, body);
}

/// Re-inserts the reduced dimensions of a reduction result as 1s.
Value expandReduced(OpBuilder &b, Location loc, Value value,
                    ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = getDims(b, loc, value);
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> outputSizes;
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  int64_t next = 0;
  for (auto [i, r] : llvm::enumerate(reduced)) {
    current.push_back(i);
    if (r) {
      shape.push_back(1);
      outputSizes.push_back(b.getIndexAttr(1));
      continue;
    }
    shape.push_back(type.getDimSize(next));
    outputSizes.push_back(sizes[next++]);
    groups.push_back(current);
    current.clear();
  }
  // Trailing reduced dimensions join the last group; with no kept dimension
  // the source is 0-D and the reassociation is empty.
  if (!groups.empty())
    groups.back().append(current.begin(), current.end());
  auto expandedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, expandedType, value, groups,
                                       outputSizes);
}

/// Reads the reduced dimensions of a rank-`rank` op from its `axes`
/// constant (empty: all). Emits an error and fails on bad axes.
FailureOr<SmallVector<bool>> axesToMask(Operation *op, ArrayRef<int64_t> axes,
                                        int64_t rank) {
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    auto normalized = onnx::normalizeAxis(op, axis, rank, "'axes' value");
    if (failed(normalized))
      return failure();
    reduced[*normalized] = true;
  }
  return reduced;
}

/// The ONNX element type of `v` (before conversion).
Type onnxElementType(Value v) { return onnx::elementTypeOf(v); }

/// The smallest (`lowest`) or largest value of the (converted) integer or
/// float `type`; floats give -inf / +inf. `isUnsigned` picks the unsigned
/// range for integers.
Value extremeValue(OpBuilder &b, Location loc, Type type, bool lowest,
                   bool isUnsigned) {
  if (isa<FloatType>(type))
    return createScalarConstant(b, loc, type, lowest ? -INFINITY : INFINITY);
  unsigned width = type.getIntOrFloatBitWidth();
  APInt value;
  if (isUnsigned || width == 1)
    value = lowest ? APInt::getMinValue(width) : APInt::getMaxValue(width);
  else
    value = lowest ? APInt::getSignedMinValue(width)
                   : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

/// max (or min) of two scalars of ONNX element type `onnxType`: NaN
/// propagating for floats, or / and for bool.
Value buildMinMax(OpBuilder &b, Location loc, Value x, Value y, Type onnxType,
                  bool isMax) {
  if (isa<FloatType>(x.getType()))
    return isMax ? arith::MaximumFOp::create(b, loc, x, y).getResult()
                 : arith::MinimumFOp::create(b, loc, x, y).getResult();
  if (x.getType().isInteger(1))
    return isMax ? arith::OrIOp::create(b, loc, x, y).getResult()
                 : arith::AndIOp::create(b, loc, x, y).getResult();
  if (isUnsignedInt(onnxType))
    return isMax ? arith::MaxUIOp::create(b, loc, x, y).getResult()
                 : arith::MinUIOp::create(b, loc, x, y).getResult();
  return isMax ? arith::MaxSIOp::create(b, loc, x, y).getResult()
               : arith::MinSIOp::create(b, loc, x, y).getResult();
}

Value buildAdd(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value buildMul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// `m` where it is finite, else 0: the shift of a stable log-sum-exp.
Value finiteOrZero(OpBuilder &b, Location loc, Value m) {
  Value inf = createScalarConstant(b, loc, m.getType(), INFINITY);
  Value zero = createScalarConstant(b, loc, m.getType(), 0.0);
  Value absM = math::AbsFOp::create(b, loc, m);
  Value finite =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, absM, inf);
  return arith::SelectOp::create(b, loc, finite, m, zero);
}

//===----------------------------------------------------------------------===//
// Mean and variance (the normalizations)
//===----------------------------------------------------------------------===//

/// Mean and (population) variance of float tensor `x` over `reduced`, in
/// `computeType`, as tensors over the kept dimensions. Two passes: the
/// variance folds (x - mean)^2.
std::pair<Value, Value> buildMeanAndVariance(OpBuilder &b, Location loc,
                                             Value x, ArrayRef<bool> reduced,
                                             Type computeType) {
  Type xElement = cast<RankedTensorType>(x.getType()).getElementType();
  Value zero = createScalarConstant(b, loc, computeType, 0.0);
  Value count = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                           reducedCount(b, loc, x, reduced));
  Value countF = arith::SIToFPOp::create(b, loc, computeType, count);
  auto divideByCount = [&](Value sum) {
    return buildSameShapeMap(b, loc, computeType, sum,
                             [&](OpBuilder &nb, Location nloc, ValueRange a) {
                               return arith::DivFOp::create(nb, nloc, a[0],
                                                            countF)
                                   .getResult();
                             });
  };
  Value sum = buildReduction(
      b, loc, x, reduced, {}, zero,
      [&](OpBuilder &nb, Location nloc, ValueRange a) -> SmallVector<Value> {
        Value v = convertScalar(nb, nloc, a[0], xElement, computeType);
        return {arith::AddFOp::create(nb, nloc, v, a[1])};
      })[0];
  Value mean = divideByCount(sum);
  Value squares = buildReduction(
      b, loc, x, reduced, mean, zero,
      [&](OpBuilder &nb, Location nloc, ValueRange a) -> SmallVector<Value> {
        Value v = convertScalar(nb, nloc, a[0], xElement, computeType);
        Value d = arith::SubFOp::create(nb, nloc, v, a[1]);
        Value sq = arith::MulFOp::create(nb, nloc, d, d);
        return {arith::AddFOp::create(nb, nloc, sq, a[2])};
      })[0];
  return {mean, divideByCount(squares)};
}

/// 1 / sqrt(var + epsilon), elementwise.
Value buildInvStdDev(OpBuilder &b, Location loc, Value variance,
                     double epsilon) {
  Type type = cast<RankedTensorType>(variance.getType()).getElementType();
  return buildSameShapeMap(
      b, loc, type, variance, [&](OpBuilder &nb, Location nloc, ValueRange a) {
        Value eps = createScalarConstant(nb, nloc, type, epsilon);
        Value sum = arith::AddFOp::create(nb, nloc, a[0], eps);
        return math::RsqrtOp::create(nb, nloc, sum).getResult();
      });
}

/// The type the normalizations compute in: f64 for f64 data, else f32.
Type normalizationComputeType(Type element) {
  return element.isF64() ? element : Float32Type::get(element.getContext());
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

/// Lowers one Reduce* op to a tensor over the kept dimensions of `x`, of
/// element type `resultElement`.
Value buildReduce(OpBuilder &b, Location loc, ReduceKind kind, Value x,
                  ArrayRef<bool> reduced, Type onnxElement,
                  Type resultElement) {
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  bool isFloat = isa<FloatType>(element);
  bool isUnsigned = isUnsignedInt(onnxElement) || element.isInteger(1);
  // Sums and products of floats accumulate in at least f32 (max / min are
  // exact in any type); integers in their own type, except log-sum-exp,
  // which needs floats throughout.
  bool exact = kind == ReduceKind::Max || kind == ReduceKind::Min;
  Type accType = isFloat && !exact ? computeFloatType(element) : element;
  Type accOnnxType = isFloat ? accType : onnxElement;
  if (!isFloat && kind == ReduceKind::LogSumExp)
    accType = accOnnxType = b.getF64Type();

  auto toAcc = [&](OpBuilder &nb, Location nloc, Value v) {
    return convertScalar(nb, nloc, v, onnxElement, accOnnxType);
  };

  Value shift; // log-sum-exp: the finite max, over the kept dimensions
  if (kind == ReduceKind::LogSumExp) {
    Value max = buildReduction(
        b, loc, x, reduced, {}, extremeValue(b, loc, accType, true, false),
        [&](OpBuilder &nb, Location nloc, ValueRange a) -> SmallVector<Value> {
          return {arith::MaximumFOp::create(nb, nloc, toAcc(nb, nloc, a[0]),
                                            a[1])};
        })[0];
    shift = buildSameShapeMap(b, loc, accType, max,
                              [](OpBuilder &nb, Location nloc, ValueRange a) {
                                return finiteOrZero(nb, nloc, a[0]);
                              });
  }

  Value init;
  switch (kind) {
  case ReduceKind::Max:
    init = extremeValue(b, loc, accType, true, isUnsigned);
    break;
  case ReduceKind::Min:
    init = extremeValue(b, loc, accType, false, isUnsigned);
    break;
  case ReduceKind::Prod:
    init = createScalarConstant(b, loc, accType, 1.0);
    break;
  default:
    init = createScalarConstant(b, loc, accType, 0.0);
  }
  SmallVector<Value> extras;
  if (shift)
    extras.push_back(shift);
  Value acc = buildReduction(
      b, loc, x, reduced, extras, init,
      [&](OpBuilder &nb, Location nloc, ValueRange a) -> SmallVector<Value> {
        Value v = toAcc(nb, nloc, a[0]);
        Value accumulator = a.back();
        switch (kind) {
        case ReduceKind::Max:
        case ReduceKind::Min:
          return {buildMinMax(nb, nloc, v, accumulator, accOnnxType,
                              kind == ReduceKind::Max)};
        case ReduceKind::Prod:
          return {buildMul(nb, nloc, v, accumulator)};
        case ReduceKind::L1:
          if (isFloat)
            v = math::AbsFOp::create(nb, nloc, v);
          else if (!isUnsigned)
            v = math::AbsIOp::create(nb, nloc, v);
          break;
        case ReduceKind::L2:
        case ReduceKind::SumSquare:
          v = buildMul(nb, nloc, v, v);
          break;
        case ReduceKind::LogSumExp:
          v = math::ExpOp::create(
              nb, nloc, arith::SubFOp::create(nb, nloc, v, a[1]));
          break;
        default:
          break;
        }
        return {buildAdd(nb, nloc, v, accumulator)};
      })[0];

  bool needsPost = kind == ReduceKind::Mean || kind == ReduceKind::L2 ||
                   kind == ReduceKind::LogSum ||
                   kind == ReduceKind::LogSumExp;
  if (!needsPost && accType == resultElement)
    return acc;

  Value count;
  if (kind == ReduceKind::Mean) {
    count = reducedCount(b, loc, x, reduced);
    if (isFloat)
      count = arith::SIToFPOp::create(
          b, loc, accType,
          arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
    else
      count = arith::IndexCastOp::create(b, loc, accType, count);
  }
  SmallVector<Value> operands = {acc};
  if (shift)
    operands.push_back(shift);
  return buildSameShapeMap(
      b, loc, resultElement, operands,
      [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
        Value v = a[0];
        Type vOnnxType = accOnnxType;
        // sqrt / log of integers go through f64 and truncate back.
        auto inFloat = [&](auto buildOp) {
          if (isa<FloatType>(v.getType())) {
            v = buildOp(v);
            return;
          }
          Type f64 = nb.getF64Type();
          Value wide = convertScalar(nb, nloc, v, vOnnxType, f64);
          v = convertScalar(nb, nloc, buildOp(wide), f64, vOnnxType);
        };
        switch (kind) {
        case ReduceKind::Mean:
          if (isFloat)
            v = arith::DivFOp::create(nb, nloc, v, count);
          else if (isUnsigned)
            v = arith::DivUIOp::create(nb, nloc, v, count);
          else
            v = arith::DivSIOp::create(nb, nloc, v, count);
          break;
        case ReduceKind::L2:
          inFloat([&](Value w) { return math::SqrtOp::create(nb, nloc, w); });
          break;
        case ReduceKind::LogSum:
          inFloat([&](Value w) { return math::LogOp::create(nb, nloc, w); });
          break;
        case ReduceKind::LogSumExp:
          v = arith::AddFOp::create(nb, nloc, math::LogOp::create(nb, nloc, v),
                                    a[1]);
          break;
        default:
          break;
        }
        return convertScalar(nb, nloc, v, vOnnxType, onnxElement);
      });
}

/// The shape of a reduction of `in` over the dimensions set in `mask` (none:
/// the identity).
SmallVector<int64_t> reducedShape(ArrayRef<int64_t> in, uint64_t mask,
                                  bool keepdims) {
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(in)) {
    if (!(mask >> i & 1))
      shape.push_back(size);
    else if (keepdims)
      shape.push_back(1);
  }
  return shape;
}

/// True if static sizes agree wherever both shapes have one.
bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (x != ShapedType::kDynamic && y != ShapedType::kDynamic && x != y)
      return false;
  return true;
}

/// The axes of a reduction whose `axes` input is only known at run time, as
/// a bit mask (index): bit i is set when axis i (negative axes normalized)
/// is listed. An empty list reduces everything unless `noop`, when the mask
/// stays 0 (the identity).
Value buildRuntimeAxesMask(OpBuilder &b, Location loc, Value axes,
                           int64_t rank, bool noop) {
  Type i64 = b.getI64Type();
  Value zero = createScalarConstant(b, loc, i64, 0);
  Value one = createScalarConstant(b, loc, i64, 1);
  Value rankValue = createScalarConstant(b, loc, i64, rank);
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  Value count = getDimValue(b, loc, axes, 0);
  auto loop = scf::ForOp::create(
      b, loc, lb, count, step, ValueRange{zero},
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        Value axis = tensor::ExtractOp::create(nb, l, axes, ValueRange{iv});
        if (axis.getType() != i64)
          axis = arith::ExtSIOp::create(nb, l, i64, axis);
        Value negative =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, axis, zero);
        axis = arith::SelectOp::create(
            nb, l, negative, arith::AddIOp::create(nb, l, axis, rankValue),
            axis);
        Value bit = arith::ShLIOp::create(nb, l, one, axis);
        scf::YieldOp::create(
            nb, l, ValueRange{arith::OrIOp::create(nb, l, args[0], bit)});
      });
  Value mask = loop.getResult(0);
  if (!noop) {
    Value all = createScalarConstant(b, loc, i64, (1ll << rank) - 1);
    Value empty =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, mask, zero);
    mask = arith::SelectOp::create(b, loc, empty, all, mask);
  }
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), mask);
}

/// `build(c)` for the run-time value of `selector` among `cases` (an
/// scf.index_switch; the last case is the default, so unexpected values
/// take it). One case needs no switch.
Value buildSwitch(OpBuilder &b, Location loc, Value selector,
                  ArrayRef<int64_t> cases, Type resultType,
                  llvm::function_ref<Value(OpBuilder &, Location, int64_t)>
                      build) {
  if (cases.size() == 1)
    return build(b, loc, cases.front());
  auto op = scf::IndexSwitchOp::create(b, loc, TypeRange{resultType}, selector,
                                       cases.drop_back(), cases.size() - 1);
  auto fill = [&](Region &region, int64_t value) {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&region);
    scf::YieldOp::create(b, loc, build(b, loc, value));
  };
  for (auto [region, value] : llvm::zip(op.getCaseRegions(), cases))
    fill(region, value);
  fill(op.getDefaultRegion(), cases.back());
  return op.getResult(0);
}

/// The largest number of axis sets a reduction with run-time axes may
/// compile code for.
constexpr size_t kMaxRuntimeAxisSets = 32;

/// Reduce* with `axes` a constant (one lowering), absent, or only known at
/// run time: then every axis set that gives the result's (inferred) shape
/// gets a lowering and an scf.index_switch on the run-time axis mask picks
/// one.
template <typename OnnxOp, ReduceKind kind>
struct ReduceLowering : OpConversionPattern<OnnxOp> {
  using OpConversionPattern<OnnxOp>::OpConversionPattern;
  using OpAdaptor = typename OnnxOp::Adaptor;

  LogicalResult
  matchAndRewrite(OnnxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = getConvertedType(*this->getTypeConverter(),
                                       op.getReduced(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getData();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked data");
    int64_t rank = xType.getRank();
    bool keepdims = op.getKeepdims() != 0;
    bool noop = op.getNoopWithEmptyAxes() != 0;
    Location loc = op.getLoc();

    // Candidate axis masks; 0 is the identity (empty axes with noop).
    SmallVector<int64_t> masks;
    Value selector;
    std::optional<SmallVector<int64_t>> constantAxes;
    if (onnx::isNoValue(op.getAxes()))
      constantAxes.emplace();
    else if (auto shape = onnx::shapeOf(op.getAxes());
             shape && shape->size() == 1 && (*shape)[0] == 0)
      constantAxes.emplace();
    else
      constantAxes = onnx::getConstantInts(op.getAxes());
    if (constantAxes) {
      if (constantAxes->empty() && noop) {
        masks.push_back(0);
      } else {
        auto reduced = axesToMask(op, *constantAxes, rank);
        if (failed(reduced))
          return failure();
        int64_t mask = 0;
        for (auto [i, r] : llvm::enumerate(*reduced))
          mask |= int64_t(r) << i;
        masks.push_back(mask);
      }
    } else {
      auto axesType = dyn_cast<RankedTensorType>(adaptor.getAxes().getType());
      if (!axesType || axesType.getRank() != 1 || rank > 16)
        return unsupported(rewriter, op,
                           op->getName().stripDialect() +
                               ": unsupported 'axes' input (needs a 1-D "
                               "tensor and data of rank <= 16)");
      for (int64_t mask = noop ? 0 : 1; mask < (int64_t(1) << rank); ++mask)
        if (shapesCompatible(reducedShape(xType.getShape(), mask,
                                          keepdims && mask != 0),
                             resultType->getShape()))
          masks.push_back(mask);
      if (masks.empty() || masks.size() > kMaxRuntimeAxisSets)
        return unsupported(
            rewriter, op,
            op->getName().stripDialect() +
                ": unsupported non-constant 'axes' input: " +
                Twine(masks.size()) +
                " axis sets match the result shape (give constant axes or "
                "a more precise result shape)");
      if (masks.size() > 1)
        selector = buildRuntimeAxesMask(rewriter, loc, adaptor.getAxes(),
                                        rank, noop);
    }

    Type onnxElement = onnxElementType(op.getData());
    Value result = buildSwitch(
        rewriter, loc, selector, masks, *resultType,
        [&](OpBuilder &b, Location l, int64_t mask) {
          if (mask == 0)
            return castTo(b, l, x, *resultType);
          SmallVector<bool> reduced;
          for (int64_t i = 0; i < rank; ++i)
            reduced.push_back(mask >> i & 1);
          Value r = buildReduce(b, l, kind, x, reduced, onnxElement,
                                resultType->getElementType());
          if (keepdims)
            r = expandReduced(b, l, r, reduced);
          return castTo(b, l, r, *resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin / Hardmax
//===----------------------------------------------------------------------===//

/// The i64 index of the max (or min) of `x` along `axis`, over the other
/// dimensions: the first of equal extremes unless `selectLast`.
Value buildArgExtreme(OpBuilder &b, Location loc, Value x, int64_t axis,
                      Type onnxElement, bool isMax, bool selectLast) {
  auto xType = cast<RankedTensorType>(x.getType());
  Type element = xType.getElementType();
  bool isUnsigned = isUnsignedInt(onnxElement) || element.isInteger(1);
  SmallVector<bool> reduced(xType.getRank(), false);
  reduced[axis] = true;
  Value initValue = extremeValue(b, loc, element, isMax, isUnsigned);
  Value initIndex = createScalarConstant(b, loc, b.getI64Type(), 0);
  return buildReduction(
      b, loc, x, reduced, {}, {initValue, initIndex},
      [&](OpBuilder &nb, Location nloc, ValueRange a) -> SmallVector<Value> {
        Value v = a[0], best = a[1], bestIndex = a[2];
        Value better;
        if (isa<FloatType>(element)) {
          auto pred = isMax ? (selectLast ? arith::CmpFPredicate::OGE
                                          : arith::CmpFPredicate::OGT)
                            : (selectLast ? arith::CmpFPredicate::OLE
                                          : arith::CmpFPredicate::OLT);
          better = arith::CmpFOp::create(nb, nloc, pred, v, best);
        } else {
          arith::CmpIPredicate pred;
          if (isUnsigned)
            pred = isMax ? (selectLast ? arith::CmpIPredicate::uge
                                       : arith::CmpIPredicate::ugt)
                         : (selectLast ? arith::CmpIPredicate::ule
                                       : arith::CmpIPredicate::ult);
          else
            pred = isMax ? (selectLast ? arith::CmpIPredicate::sge
                                       : arith::CmpIPredicate::sgt)
                         : (selectLast ? arith::CmpIPredicate::sle
                                       : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(nb, nloc, pred, v, best);
        }
        Value index = arith::IndexCastOp::create(
            nb, nloc, nb.getI64Type(), linalg::IndexOp::create(nb, nloc, axis));
        return {arith::SelectOp::create(nb, nloc, better, v, best),
                arith::SelectOp::create(nb, nloc, better, index, bestIndex)};
      })[1];
}

template <typename OnnxOp, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OnnxOp> {
  using OpConversionPattern<OnnxOp>::OpConversionPattern;
  using OpAdaptor = typename OnnxOp::Adaptor;

  LogicalResult
  matchAndRewrite(OnnxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = getConvertedType(*this->getTypeConverter(),
                                       op.getReduced(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getData();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs ranked data of rank >= 1");
    auto axis = onnx::normalizeAxis(op, op.getAxis(), xType.getRank(), "'axis'");
    if (failed(axis))
      return failure();
    Location loc = op.getLoc();
    Value result =
        buildArgExtreme(rewriter, loc, x, *axis, onnxElementType(op.getData()),
                        isMax, op.getSelectLastIndex() != 0);
    if (op.getKeepdims()) {
      SmallVector<bool> reduced(xType.getRank(), false);
      reduced[*axis] = true;
      result = expandReduced(rewriter, loc, result, reduced);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, *resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax / LogSoftmax / Hardmax
//===----------------------------------------------------------------------===//

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

template <typename OnnxOp, SoftmaxKind kind>
struct SoftmaxLowering : OpConversionPattern<OnnxOp> {
  using OpConversionPattern<OnnxOp>::OpConversionPattern;
  using OpAdaptor = typename OnnxOp::Adaptor;

  LogicalResult
  matchAndRewrite(OnnxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = getConvertedType(*this->getTypeConverter(),
                                       op.getOutput(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs ranked input of rank >= 1");
    int64_t rank = xType.getRank();
    auto axis = onnx::normalizeAxis(op, op.getAxis(), rank, "'axis'");
    if (failed(axis))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = xType.getElementType();
    SmallVector<bool> reduced(rank, false);
    reduced[*axis] = true;
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap kept = keptMap(context, reduced);

    Value result;
    if (kind == SoftmaxKind::Hardmax) {
      Value index = buildArgExtreme(rewriter, loc, x, *axis, element,
                                    /*isMax=*/true, /*selectLast=*/false);
      int64_t axisDim = *axis;
      result = buildMap(
          rewriter, loc, x, element, index, kept,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value i = arith::IndexCastOp::create(
                b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axisDim));
            Value hit =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i, a[0]);
            Value one = createScalarConstant(b, l, element, 1.0);
            Value zero = createScalarConstant(b, l, element, 0.0);
            return arith::SelectOp::create(b, l, hit, one, zero);
          });
    } else {
      // Stable: y = exp(x - max) / sum(exp(x - max)), in at least f32.
      Type ct = computeFloatType(element);
      Value max = buildReduction(
          rewriter, loc, x, reduced, {},
          extremeValue(rewriter, loc, element, true, false),
          [](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
            return {arith::MaximumFOp::create(b, l, a[0], a[1])};
          })[0];
      Value sum = buildReduction(
          rewriter, loc, x, reduced, max,
          createScalarConstant(rewriter, loc, ct, 0.0),
          [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
            Value d = arith::SubFOp::create(b, l, a[0], a[1]);
            Value e = math::ExpOp::create(
                b, l, convertScalar(b, l, d, element, ct));
            return {arith::AddFOp::create(b, l, e, a[2])};
          })[0];
      result = buildMap(
          rewriter, loc, x, element, ValueRange{x, max, sum},
          {identity, kept, kept},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value d = convertScalar(
                b, l, arith::SubFOp::create(b, l, a[0], a[1]), element, ct);
            Value y;
            if (kind == SoftmaxKind::Softmax)
              y = arith::DivFOp::create(b, l, math::ExpOp::create(b, l, d),
                                        a[2]);
            else
              y = arith::SubFOp::create(b, l, d,
                                        math::LogOp::create(b, l, a[2]));
            return convertScalar(b, l, y, ct, element);
          });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, *resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// CumSum of `x` along static `axis`: an scf.for over the axis carrying the
/// running sum of one slice (in at least f32 for floats) and the result,
/// into which each step inserts the sum with (inclusive) or without
/// (exclusive) the current slice.
Value buildCumSum(OpBuilder &b, Location loc, Value x, int64_t axis,
                  Type onnxElement, bool exclusive, bool reverse) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  Type element = xType.getElementType();
  Type accType = isa<FloatType>(element) ? computeFloatType(element) : element;
  Type accOnnxType = isa<FloatType>(element) ? accType : onnxElement;

  SmallVector<OpFoldResult> dims = getDims(b, loc, x);
  SmallVector<int64_t> sliceShape(xType.getShape());
  sliceShape.erase(sliceShape.begin() + axis);
  SmallVector<OpFoldResult> sliceDims(dims);
  sliceDims.erase(sliceDims.begin() + axis);
  auto sliceType = RankedTensorType::get(sliceShape, element);
  auto accTensorType = RankedTensorType::get(sliceShape, accType);

  Value zero = createScalarConstant(b, loc, accType, 0.0);
  Value acc0 = createFilledTensor(b, loc, accTensorType, sliceDims, zero);
  Value result0 = createEmptyTensor(b, loc, xType, dims);
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = getValueOrCreateConstantIndexOp(b, loc, dims[axis]);
  auto loop = scf::ForOp::create(
      b, loc, lb, n, one, ValueRange{acc0, result0},
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        Value pos = iv;
        if (reverse)
          pos = arith::SubIOp::create(
              nb, l, arith::SubIOp::create(nb, l, n, one), iv);
        SmallVector<OpFoldResult> offsets(rank, nb.getIndexAttr(0));
        offsets[axis] = pos;
        SmallVector<OpFoldResult> sizes(dims);
        sizes[axis] = nb.getIndexAttr(1);
        SmallVector<OpFoldResult> strides(rank, nb.getIndexAttr(1));
        Value slice = tensor::ExtractSliceOp::create(nb, l, sliceType, x,
                                                     offsets, sizes, strides);
        // The running sum is updated in place (outs = the loop-carried
        // tensor), so bufferization keeps one buffer for it.
        auto store = [&](Value sum, Value into) {
          if (accType != element)
            sum = buildSameShapeMap(
                nb, l, element, sum,
                [&](OpBuilder &bb, Location bl, ValueRange a) {
                  return convertScalar(bb, bl, a[0], accOnnxType, onnxElement);
                });
          return tensor::InsertSliceOp::create(nb, l, sum, into, offsets,
                                               sizes, strides)
              .getResult();
        };
        Value acc = args[0], result = args[1];
        if (exclusive)
          result = store(acc, result);
        int64_t sliceRank = sliceShape.size();
        AffineMap id = nb.getMultiDimIdentityMap(sliceRank);
        Value next =
            linalg::GenericOp::create(
                nb, l, accTensorType, ValueRange{slice}, ValueRange{acc},
                ArrayRef<AffineMap>{id, id}, parallelIterators(sliceRank),
                [&](OpBuilder &bb, Location bl, ValueRange a) {
                  Value v =
                      convertScalar(bb, bl, a[0], onnxElement, accOnnxType);
                  linalg::YieldOp::create(bb, bl, buildAdd(bb, bl, a[1], v));
                })
                .getResult(0);
        if (!exclusive)
          result = store(next, result);
        scf::YieldOp::create(nb, l, ValueRange{next, result});
      });
  return loop.getResult(1);
}

/// CumSum; an `axis` known only at run time selects among the lowerings for
/// every axis with an scf.index_switch.
struct CumSumLowering : OpConversionPattern<onnx::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs ranked x of rank >= 1");
    int64_t rank = xType.getRank();
    Location loc = op.getLoc();

    SmallVector<int64_t> axes;
    Value selector;
    if (auto constant = onnx::getConstantInts(op.getAxis())) {
      if (constant->size() != 1)
        return unsupported(rewriter, op, "CumSum: 'axis' must hold one value");
      auto axis = onnx::normalizeAxis(op, constant->front(), rank, "'axis'");
      if (failed(axis))
        return failure();
      axes.push_back(*axis);
    } else {
      Value axisTensor = adaptor.getAxis();
      auto axisType = dyn_cast<RankedTensorType>(axisTensor.getType());
      if (!axisType || axisType.getRank() > 1)
        return unsupported(rewriter, op,
                           "CumSum: unsupported 'axis' input (needs a scalar)");
      SmallVector<Value> indices;
      if (axisType.getRank() == 1)
        indices.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
      Value axis = tensor::ExtractOp::create(rewriter, loc, axisTensor, indices);
      axis = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                        axis);
      Value rankValue = arith::ConstantIndexOp::create(rewriter, loc, rank);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value negative = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, axis, zero);
      selector = arith::SelectOp::create(
          rewriter, loc, negative,
          arith::AddIOp::create(rewriter, loc, axis, rankValue), axis);
      for (int64_t i = 0; i < rank; ++i)
        axes.push_back(i);
    }
    Type onnxElement = onnxElementType(op.getX());
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    Value result = buildSwitch(
        rewriter, loc, selector, axes, *resultType,
        [&](OpBuilder &b, Location l, int64_t axis) {
          return castTo(b, l,
                        buildCumSum(b, l, x, axis, onnxElement, exclusive,
                                    reverse),
                        *resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

struct LayerNormLowering : OpConversionPattern<onnx::LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    auto yType = getConvertedType(converter, op.getY(), rewriter, op);
    auto meanType = getConvertedType(converter, op.getMean(), rewriter, op);
    auto invType = getConvertedType(converter, op.getInvStdDev(), rewriter, op);
    if (failed(yType) || failed(meanType) || failed(invType))
      return failure();
    Value x = adaptor.getX(), scale = adaptor.getScale(), bias = adaptor.getB();
    bool hasBias = !onnx::isNoValue(op.getB());
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto scaleType = dyn_cast<RankedTensorType>(scale.getType());
    auto biasType =
        hasBias ? dyn_cast<RankedTensorType>(bias.getType()) : RankedTensorType();
    if (!xType || !scaleType || (hasBias && !biasType))
      return rewriter.notifyMatchFailure(op, "needs ranked operands");
    int64_t rank = xType.getRank();
    auto axis = onnx::normalizeAxis(op, op.getAxis(), rank, "'axis'");
    if (failed(axis))
      return failure();

    Location loc = op.getLoc();
    Type element = xType.getElementType();
    Type ct = normalizationComputeType(element);
    SmallVector<bool> reduced(rank, false);
    for (int64_t i = *axis; i < rank; ++i)
      reduced[i] = true;
    auto [mean, variance] =
        buildMeanAndVariance(rewriter, loc, x, reduced, ct);
    Value invStdDev = buildInvStdDev(rewriter, loc, variance,
                                     op.getEpsilon().convertToDouble());

    AffineMap kept = keptMap(rewriter.getContext(), reduced);
    SmallVector<Value> operands = {x, mean, invStdDev, scale};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), kept,
                                   kept,
                                   trailingBroadcastMap(scaleType,
                                                        xType.getShape())};
    if (hasBias) {
      operands.push_back(bias);
      maps.push_back(trailingBroadcastMap(biasType, xType.getShape()));
    }
    Value y = buildMap(
        rewriter, loc, x, element, operands, maps,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = convertScalar(b, l, a[0], element, ct);
          Value normalized = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, v, a[1]), a[2]);
          Value r = arith::MulFOp::create(
              b, l, normalized, convertScalar(b, l, a[3], element, ct));
          if (hasBias)
            r = arith::AddFOp::create(b, l, r,
                                      convertScalar(b, l, a[4], element, ct));
          return convertScalar(b, l, r, ct, element);
        });

    auto statistic = [&](Value v, RankedTensorType type) {
      Type statElement = type.getElementType();
      if (statElement != ct)
        v = buildSameShapeMap(rewriter, loc, statElement, v,
                              [&](OpBuilder &b, Location l, ValueRange a) {
                                return convertScalar(b, l, a[0], ct,
                                                     statElement);
                              });
      return castTo(rewriter, loc, expandReduced(rewriter, loc, v, reduced),
                    type);
    };
    rewriter.replaceOp(op, {castTo(rewriter, loc, y, *yType),
                            statistic(mean, *meanType),
                            statistic(invStdDev, *invType)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// BatchNormalization / InstanceNormalization
//===----------------------------------------------------------------------===//

/// y = (x - mean) * invStdDev * scale + bias over the shape of `x`, all in
/// `ct`; mean / invStdDev are read through `statMap`, scale / bias through
/// the channel map.
Value buildNormalizeAffine(OpBuilder &b, Location loc, Value x, Value mean,
                           Value invStdDev, AffineMap statMap, Value scale,
                           Value bias, Type ct) {
  auto xType = cast<RankedTensorType>(x.getType());
  Type element = xType.getElementType();
  Type paramElement = cast<RankedTensorType>(scale.getType()).getElementType();
  Type statElement = cast<RankedTensorType>(mean.getType()).getElementType();
  int64_t rank = xType.getRank();
  AffineMap channel = channelMap(b.getContext(), rank);
  return buildMap(
      b, loc, x, element, ValueRange{x, mean, invStdDev, scale, bias},
      {b.getMultiDimIdentityMap(rank), statMap, statMap, channel, channel},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        auto wide = [&](Value v, Type from) {
          return convertScalar(nb, l, v, from, ct);
        };
        Value d = arith::SubFOp::create(nb, l, wide(a[0], element),
                                        wide(a[1], statElement));
        Value n = arith::MulFOp::create(nb, l, d, wide(a[2], statElement));
        Value r = arith::MulFOp::create(nb, l, n, wide(a[3], paramElement));
        r = arith::AddFOp::create(nb, l, r, wide(a[4], paramElement));
        return convertScalar(nb, l, r, ct, element);
      });
}

struct BatchNormLowering : OpConversionPattern<onnx::BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    auto yType = getConvertedType(converter, op.getY(), rewriter, op);
    auto rmType = getConvertedType(converter, op.getRunningMean(), rewriter, op);
    auto rvType = getConvertedType(converter, op.getRunningVar(), rewriter, op);
    if (failed(yType) || failed(rmType) || failed(rvType))
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs ranked X of rank >= 1");
    for (Value v : adaptor.getOperands())
      if (!isa<RankedTensorType>(v.getType()))
        return rewriter.notifyMatchFailure(op, "needs ranked parameters");
    bool training = op.getTrainingMode() != 0;
    int64_t rank = xType.getRank();
    if (training && rank < 2)
      return unsupported(rewriter, op,
                         "BatchNormalization: unsupported training_mode=1 "
                         "with X of rank < 2");
    Location loc = op.getLoc();
    Type element = xType.getElementType();
    Type ct = normalizationComputeType(element);
    double epsilon = op.getEpsilon().convertToDouble();
    AffineMap channel = channelMap(rewriter.getContext(), rank);
    Value mean = adaptor.getInputMean(), variance = adaptor.getInputVar();
    Value runningMean = mean, runningVar = variance;
    if (training) {
      // Batch statistics over every dimension but the channels; the running
      // statistics are momentum-weighted with the given ones.
      SmallVector<bool> reduced(rank, true);
      reduced[1] = false;
      std::tie(mean, variance) =
          buildMeanAndVariance(rewriter, loc, x, reduced, ct);
      double momentum = op.getMomentum().convertToDouble();
      Type statElement = rmType->getElementType();
      auto blend = [&](Value given, Value batch) {
        return buildSameShapeMap(
            rewriter, loc, statElement, ValueRange{given, batch},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value g = convertScalar(b, l, a[0], statElement, ct);
              Value m = createScalarConstant(b, l, ct, momentum);
              Value m1 = createScalarConstant(b, l, ct, 1.0 - momentum);
              Value kept = arith::MulFOp::create(b, l, g, m);
              Value added = arith::MulFOp::create(b, l, a[1], m1);
              Value r = arith::AddFOp::create(b, l, kept, added);
              return convertScalar(b, l, r, ct, statElement);
            });
      };
      runningMean = blend(runningMean, mean);
      runningVar = blend(runningVar, variance);
    }
    Value invStdDev = buildInvStdDev(rewriter, loc, variance, epsilon);
    Value y = buildNormalizeAffine(rewriter, loc, x, mean, invStdDev, channel,
                                   adaptor.getScale(), adaptor.getB(), ct);
    rewriter.replaceOp(op, {castTo(rewriter, loc, y, *yType),
                            castTo(rewriter, loc, runningMean, *rmType),
                            castTo(rewriter, loc, runningVar, *rvType)});
    return success();
  }
};

struct InstanceNormLowering
    : OpConversionPattern<onnx::InstanceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::InstanceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto yType =
        getConvertedType(*getTypeConverter(), op.getOutput(), rewriter, op);
    if (failed(yType))
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs ranked input of rank >= 2");
    int64_t rank = xType.getRank();
    Location loc = op.getLoc();
    Type ct = normalizationComputeType(xType.getElementType());
    SmallVector<bool> reduced(rank, true);
    reduced[0] = reduced[1] = false;
    auto [mean, variance] = buildMeanAndVariance(rewriter, loc, x, reduced, ct);
    Value invStdDev = buildInvStdDev(rewriter, loc, variance,
                                     op.getEpsilon().convertToDouble());
    Value y = buildNormalizeAffine(
        rewriter, loc, x, mean, invStdDev,
        keptMap(rewriter.getContext(), reduced), adaptor.getScale(),
        adaptor.getB(), ct);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, *yType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// MeanVarianceNormalization
//===----------------------------------------------------------------------===//

/// Y = (X - mean) / (sqrt(var) + 1e-9) over `axes`, as ONNX's function body
/// defines it (the variance computed in two passes).
struct MVNLowering : OpConversionPattern<onnx::MeanVarianceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::MeanVarianceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto yType = getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(yType))
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "needs a ranked X");
    SmallVector<int64_t> axes;
    for (Attribute a : op.getAxes())
      axes.push_back(cast<IntegerAttr>(a).getInt());
    if (axes.empty())
      return unsupported(rewriter, op,
                         "MeanVarianceNormalization: unsupported empty 'axes'");
    int64_t rank = xType.getRank();
    auto reduced = axesToMask(op, axes, rank);
    if (failed(reduced))
      return failure();
    Location loc = op.getLoc();
    Type element = xType.getElementType();
    Type ct = normalizationComputeType(element);
    auto [mean, variance] =
        buildMeanAndVariance(rewriter, loc, x, *reduced, ct);
    AffineMap kept = keptMap(rewriter.getContext(), *reduced);
    Value y = buildMap(
        rewriter, loc, x, element, ValueRange{x, mean, variance},
        {rewriter.getMultiDimIdentityMap(rank), kept, kept},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = convertScalar(b, l, a[0], element, ct);
          Value d = arith::SubFOp::create(b, l, v, a[1]);
          Value sqrt = math::SqrtOp::create(b, l, a[2]);
          Value std = arith::AddFOp::create(
              b, l, sqrt, createScalarConstant(b, l, ct, 1e-9));
          return convertScalar(b, l, arith::DivFOp::create(b, l, d, std), ct,
                               element);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, y, *yType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// LRN
//===----------------------------------------------------------------------===//

/// square_sum[n, c, ...] = sum of x[n, c', ...]^2 for c' in
/// [c - floor((size-1)/2), c + ceil((size-1)/2)]: the squares are padded with
/// zeros along C and a linalg.generic folds a window of `size` channels
/// (a `size`-element tensor.empty gives the window loop its bound).
/// Y = X / (bias + alpha / size * square_sum) ^ beta.
struct LRNLowering : OpConversionPattern<onnx::LRNOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(onnx::LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto yType = getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(yType))
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs ranked X of rank >= 2");
    int64_t size = op.getSize();
    if (size <= 0)
      return unsupported(rewriter, op, "LRN: 'size' must be positive");
    int64_t rank = xType.getRank();
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = xType.getElementType();
    Type ct = normalizationComputeType(element);

    Value squares = buildSameShapeMap(
        rewriter, loc, ct, x, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = convertScalar(b, l, a[0], element, ct);
          return arith::MulFOp::create(b, l, v, v).getResult();
        });
    int64_t low = (size - 1) / 2, high = size - 1 - low;
    SmallVector<OpFoldResult> lows(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> highs(rank, rewriter.getIndexAttr(0));
    lows[1] = rewriter.getIndexAttr(low);
    highs[1] = rewriter.getIndexAttr(high);
    SmallVector<int64_t> paddedShape(xType.getShape());
    if (paddedShape[1] != ShapedType::kDynamic)
      paddedShape[1] += size - 1;
    Value zero = createScalarConstant(rewriter, loc, ct, 0.0);
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, ct), squares, lows,
        highs, zero);

    // Loops (d0 .. d{rank-1}, k): padded[d0, d1 + k, ...], window[k].
    SmallVector<AffineExpr> paddedExprs;
    for (int64_t i = 0; i < rank; ++i)
      paddedExprs.push_back(i == 1 ? getAffineDimExpr(1, context) +
                                         getAffineDimExpr(rank, context)
                                   : getAffineDimExpr(i, context));
    AffineMap paddedMap = AffineMap::get(rank + 1, 0, paddedExprs, context);
    AffineMap windowMap =
        AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, context), context);
    AffineMap outMap = AffineMap::getMultiDimIdentityMap(rank + 1, context)
                           .getMajorSubMap(rank);
    Value window = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{size}, ct);
    Value init = createFilledTensor(rewriter, loc,
                                    RankedTensorType::get(xType.getShape(), ct),
                                    getDims(rewriter, loc, x), zero);
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    Value squareSum =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), ValueRange{padded, window}, init,
            ArrayRef<AffineMap>{paddedMap, windowMap, outMap}, iterators,
            [](OpBuilder &b, Location l, ValueRange a) {
              linalg::YieldOp::create(b, l,
                                      Value(arith::AddFOp::create(b, l, a[0], a[2])));
            })
            .getResult(0);

    double alphaOverSize = op.getAlpha().convertToDouble() / size;
    double beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();
    Value y = buildSameShapeMap(
        rewriter, loc, element, ValueRange{x, squareSum},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = convertScalar(b, l, a[0], element, ct);
          Value scaled = arith::MulFOp::create(
              b, l, createScalarConstant(b, l, ct, alphaOverSize), a[1]);
          Value base = arith::AddFOp::create(
              b, l, createScalarConstant(b, l, ct, bias), scaled);
          Value denominator = math::PowFOp::create(
              b, l, base, createScalarConstant(b, l, ct, beta));
          return convertScalar(
              b, l, arith::DivFOp::create(b, l, v, denominator), ct, element);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, y, *yType));
    return success();
  }
};

} // namespace

void quant_opt::populateONNXReductionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ReduceLowering<onnx::ReduceSumOp, ReduceKind::Sum>,
               ReduceLowering<onnx::ReduceMeanOp, ReduceKind::Mean>,
               ReduceLowering<onnx::ReduceMaxOp, ReduceKind::Max>,
               ReduceLowering<onnx::ReduceMinOp, ReduceKind::Min>,
               ReduceLowering<onnx::ReduceProdOp, ReduceKind::Prod>,
               ReduceLowering<onnx::ReduceL1Op, ReduceKind::L1>,
               ReduceLowering<onnx::ReduceL2Op, ReduceKind::L2>,
               ReduceLowering<onnx::ReduceLogSumOp, ReduceKind::LogSum>,
               ReduceLowering<onnx::ReduceLogSumExpOp, ReduceKind::LogSumExp>,
               ReduceLowering<onnx::ReduceSumSquareOp, ReduceKind::SumSquare>,
               ArgReduceLowering<onnx::ArgMaxOp, true>,
               ArgReduceLowering<onnx::ArgMinOp, false>,
               SoftmaxLowering<onnx::SoftmaxOp, SoftmaxKind::Softmax>,
               SoftmaxLowering<onnx::LogSoftmaxOp, SoftmaxKind::LogSoftmax>,
               SoftmaxLowering<onnx::HardmaxOp, SoftmaxKind::Hardmax>,
               CumSumLowering, LayerNormLowering, BatchNormLowering,
               InstanceNormLowering, MVNLowering, LRNLowering>(converter,
                                                              context);
}
