//===- NN.cpp - NNOps.td -> linalg (MatMul, Gemm, Conv, pooling) ----------===//
//
// MatMul / Gemm become linalg.matmul / batch_matmul / matvec / vecmat / dot
// where the shapes allow it (the CPU backend tiles those best), a
// linalg.generic contraction otherwise. Conv uses the NCHW named conv ops
// (grouped, depthwise) after a tensor.pad, ConvTranspose dilates its input
// with a strided tensor.insert_slice and convolves with the flipped kernel,
// pooling uses the NCHW pooling ops or a windowed linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "NNBuilders.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Emits `message` as an error on `op` and fails the match with it.
LogicalResult quant_opt::lowering::fail(ConversionPatternRewriter &rewriter, Operation *op,
                          const Twine &message) {
  op->emitError() << message.str();
  return rewriter.notifyMatchFailure(op, message.str());
}

/// The INTS attribute `attr`, or `n` copies of `dflt` when absent.
static SmallVector<int64_t> readInts(ArrayAttr attr, size_t n, int64_t dflt) {
  if (!attr)
    return SmallVector<int64_t>(n, dflt);
  SmallVector<int64_t> values;
  for (Attribute a : attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// Dimension `i` of `v`: an attribute when static, else tensor.dim.
OpFoldResult quant_opt::lowering::dimOf(OpBuilder &b, Location loc, Value v, int64_t i) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(i))
    return b.getIndexAttr(type.getDimSize(i));
  return tensor::DimOp::create(b, loc, v, i).getResult();
}

/// d0 * scale + offset on an index value (folded when static).
static OpFoldResult affineOf(OpBuilder &b, Location loc, OpFoldResult v,
                             int64_t scale, int64_t offset,
                             int64_t floorDiv = 1) {
  AffineExpr d0 = b.getAffineDimExpr(0);
  AffineExpr e = d0 * scale + offset;
  if (floorDiv != 1)
    e = e.floorDiv(floorDiv);
  return affine::makeComposedFoldedAffineApply(b, loc, e, {v});
}

/// Collapses dims [first, first + count) of `v` into one.
Value quant_opt::lowering::collapseDims(OpBuilder &b, Location loc, Value v, int64_t first,
                          int64_t count) {
  if (count == 1)
    return v;
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < first; ++i)
    groups.push_back({i});
  ReassociationIndices merged;
  for (int64_t i = first; i < first + count; ++i)
    merged.push_back(i);
  groups.push_back(merged);
  for (int64_t i = first + count; i < rank; ++i)
    groups.push_back({i});
  return tensor::CollapseShapeOp::create(b, loc, v, groups);
}

/// Splits dim `dim` of `v` into dims of `sizes`.
Value quant_opt::lowering::expandDim(OpBuilder &b, Location loc, Value v, int64_t dim,
                       ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> outputShape;
  int64_t next = 0;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i != dim) {
      groups.push_back({next++});
      shape.push_back(type.getDimSize(i));
      outputShape.push_back(dimOf(b, loc, v, i));
      continue;
    }
    ReassociationIndices group;
    for (OpFoldResult size : sizes) {
      group.push_back(next++);
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
      outputShape.push_back(size);
    }
    groups.push_back(group);
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, groups,
      outputShape);
}

/// tensor.expand_shape of `v` into `resultType`; a tensor.reshape when a
/// group would split into several dynamic dims (expand-strided-metadata of
/// LLVM 22 crashes on such a memref.expand_shape).
Value quant_opt::lowering::expandTo(OpBuilder &b, Location loc, Value v,
                                    RankedTensorType resultType,
                                    ArrayRef<ReassociationIndices> groups,
                                    ArrayRef<OpFoldResult> dims) {
  bool severalDynamic = llvm::any_of(groups, [&](const ReassociationIndices &g) {
    return llvm::count_if(g, [&](int64_t i) {
             return resultType.isDynamicDim(i);
           }) > 1;
  });
  if (!severalDynamic)
    return tensor::ExpandShapeOp::create(b, loc, resultType, v, groups, dims);
  SmallVector<Value> sizes;
  for (OpFoldResult d : dims)
    sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, d));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({(int64_t)sizes.size()}, b.getIndexType()),
      sizes);
  return tensor::ReshapeOp::create(b, loc, resultType, v, shape);
}

/// Converts float scalar `v` to float type `to` (extension or truncation).
Value quant_opt::lowering::castFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to || !isa<FloatType>(from) || !isa<FloatType>(to))
    return v;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  if (from.getIntOrFloatBitWidth() > to.getIntOrFloatBitWidth())
    return arith::TruncFOp::create(b, loc, to, v);
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return arith::TruncFOp::create(b, loc, to, wide);
}

/// acc + x * y for float or integer scalars (x, y extended to acc's type).
static Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y,
                         Value acc) {
  Type t = acc.getType();
  if (isa<FloatType>(t)) {
    Value p = arith::MulFOp::create(b, loc, castFloat(b, loc, x, t),
                                    castFloat(b, loc, y, t));
    return arith::AddFOp::create(b, loc, acc, p);
  }
  Value p = arith::MulIOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, acc, p);
}

/// A linalg.generic writing a new tensor of `resultType` (sizes `dims`) from
/// `inputs` read through `inputMaps`; the output map is the identity.
Value quant_opt::lowering::buildGeneric(OpBuilder &b, Location loc,
                          RankedTensorType resultType,
                          ArrayRef<OpFoldResult> dims, ValueRange inputs,
                          ArrayRef<AffineMap> inputMaps, ScalarBodyFn body) {
  Value init = createEmptyTensor(b, loc, resultType, dims);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  return linalg::GenericOp::create(
             b, loc, resultType, inputs, init, maps,
             parallelIterators(resultType.getRank()),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       body(nb, nloc, args.drop_back()));
             })
      .getResult(0);
}

/// The lowest value of (converted) element type `t`: -inf, the signed
/// minimum, or 0 for ONNX unsigned types.
static Value lowestValue(OpBuilder &b, Location loc, Type t, bool isUnsigned) {
  if (auto ft = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), true)));
  auto it = cast<IntegerType>(t);
  APInt v = isUnsigned ? APInt::getZero(it.getWidth())
                       : APInt::getSignedMinValue(it.getWidth());
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, v));
}

/// max(a, b) for floats (NaN-propagating), signed or unsigned integers.
static Value maxOf(OpBuilder &b, Location loc, Value x, Value y,
                   bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::MaxUIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

namespace quant_opt::lowering {

Type getAccumulatorType(Type t) {
  if (isa<Float16Type, BFloat16Type>(t))
    return Float32Type::get(t.getContext());
  return t;
}

Value mapElements(OpBuilder &b, Location loc, Value v, Type elementType,
                  function_ref<Value(OpBuilder &, Location, Value)> convert) {
  auto type = cast<RankedTensorType>(v.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  return buildGeneric(b, loc, type.clone(elementType), getDims(b, loc, v), v,
                      {id}, [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return convert(nb, nloc, args[0]);
                      });
}

} // namespace quant_opt::lowering

/// `v` converted to float type `t` elementwise (no-op when equal).
static Value castTensor(OpBuilder &b, Location loc, Value v, Type t) {
  if (cast<RankedTensorType>(v.getType()).getElementType() == t)
    return v;
  return mapElements(b, loc, v, t, [&](OpBuilder &nb, Location nloc, Value x) {
    return castFloat(nb, nloc, x, t);
  });
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// Sizes of the numpy matmul result of `a` and `b`.
static SmallVector<OpFoldResult> matmulResultDims(OpBuilder &b, Location loc,
                                                  Value a, Value bv,
                                                  RankedTensorType resultType) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(bv.getType());
  int64_t ra = at.getRank(), rb = bt.getRank(), rr = resultType.getRank();
  bool aVec = ra == 1, bVec = rb == 1;
  int64_t nBatch = rr - (aVec ? 0 : 1) - (bVec ? 0 : 1);
  int64_t aBatch = aVec ? 0 : ra - 2, bBatch = bVec ? 0 : rb - 2;
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < nBatch; ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    int64_t ad = d - (nBatch - aBatch), bd = d - (nBatch - bBatch);
    if (ad >= 0 && at.isDynamicDim(ad))
      dims.push_back(dimOf(b, loc, a, ad));
    else if (bd >= 0 && bt.isDynamicDim(bd))
      dims.push_back(dimOf(b, loc, bv, bd));
    else
      dims.push_back(b.getIndexAttr(1));
  }
  if (!aVec)
    dims.push_back(dimOf(b, loc, a, ra - 2));
  if (!bVec)
    dims.push_back(dimOf(b, loc, bv, rb - 1));
  return dims;
}

/// numpy matmul as one linalg.generic (batch dims broadcast by the maps).
static Value buildGenericMatMul(OpBuilder &b, Location loc, Value a, Value bv,
                                RankedTensorType resultType, Value init) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(bv.getType());
  int64_t ra = at.getRank(), rb = bt.getRank(), rr = resultType.getRank();
  bool aVec = ra == 1, bVec = rb == 1;
  int64_t nBatch = rr - (aVec ? 0 : 1) - (bVec ? 0 : 1);
  int64_t nLoops = rr + 1, kDim = rr;
  MLIRContext *ctx = b.getContext();
  auto batchExprs = [&](RankedTensorType t, int64_t count,
                        SmallVectorImpl<AffineExpr> &exprs) {
    for (int64_t i = 0; i < count; ++i) {
      int64_t od = nBatch - count + i;
      if (t.getDimSize(i) == 1 && resultType.getDimSize(od) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(od, ctx));
    }
  };
  SmallVector<AffineExpr> aExprs, bExprs, outExprs;
  batchExprs(at, aVec ? 0 : ra - 2, aExprs);
  if (!aVec)
    aExprs.push_back(getAffineDimExpr(nBatch, ctx));
  aExprs.push_back(getAffineDimExpr(kDim, ctx));
  batchExprs(bt, bVec ? 0 : rb - 2, bExprs);
  bExprs.push_back(getAffineDimExpr(kDim, ctx));
  if (!bVec)
    bExprs.push_back(getAffineDimExpr(rr - 1, ctx));
  for (int64_t i = 0; i < rr; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(nLoops, 0, aExprs, ctx),
                                 AffineMap::get(nLoops, 0, bExprs, ctx),
                                 AffineMap::get(nLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators = parallelIterators(rr);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{a, bv}, init, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, multiplyAdd(nb, nloc, args[0], args[1], args[2]));
             })
      .getResult(0);
}

/// True if the batch dims of `at` and `bt` (same rank) are known equal or
/// assumed equal (dynamic against anything but a static 1).
static bool batchDimsMatch(RankedTensorType at, RankedTensorType bt) {
  for (int64_t i = 0; i < at.getRank() - 2; ++i) {
    int64_t x = at.getDimSize(i), y = bt.getDimSize(i);
    if (x == y)
      continue;
    if (ShapedType::isDynamic(x) && y != 1)
      continue;
    if (ShapedType::isDynamic(y) && x != 1)
      continue;
    return false;
  }
  return true;
}

Value quant_opt::lowering::buildMatMul(OpBuilder &b, Location loc, Value a,
                                       Value bv,
                                       RankedTensorType resultType) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(bv.getType());
  int64_t ra = at.getRank(), rb = bt.getRank(), rr = resultType.getRank();
  Type acc = resultType.getElementType();
  Value zero = createScalarConstant(b, loc, acc, 0.0);
  SmallVector<OpFoldResult> dims = matmulResultDims(b, loc, a, bv, resultType);
  auto filled = [&](RankedTensorType t, ArrayRef<OpFoldResult> d) {
    return createFilledTensor(b, loc, t, d, zero);
  };

  // A `b` whose batch dims are all static 1s is one matrix.
  if (rb > 2 && ra >= rb &&
      llvm::all_of(bt.getShape().drop_back(2),
                   [](int64_t d) { return d == 1; })) {
    bv = collapseDims(b, loc, bv, 0, rb - 1);
    bt = cast<RankedTensorType>(bv.getType());
    rb = 2;
  }
  if (ra == 2 && rb == 2)
    return linalg::MatmulOp::create(b, loc, TypeRange{resultType},
                                    ValueRange{a, bv},
                                    ValueRange{filled(resultType, dims)})
        .getResult(0);
  if (ra == 1 && rb == 1)
    return linalg::DotOp::create(b, loc, TypeRange{resultType},
                                 ValueRange{a, bv},
                                 ValueRange{filled(resultType, dims)})
        .getResult(0);
  if (ra == 2 && rb == 1)
    return linalg::MatvecOp::create(b, loc, TypeRange{resultType},
                                    ValueRange{a, bv},
                                    ValueRange{filled(resultType, dims)})
        .getResult(0);
  if (ra == 1 && rb == 2)
    return linalg::VecmatOp::create(b, loc, TypeRange{resultType},
                                    ValueRange{a, bv},
                                    ValueRange{filled(resultType, dims)})
        .getResult(0);

  // [..., M, K] x [K, N]: one matmul over the rows of all leading dims.
  if (ra > 2 && rb <= 2) {
    Value a2 = collapseDims(b, loc, a, 0, ra - 1);
    int64_t lead = rb == 2 ? rr - 1 : rr;
    SmallVector<int64_t> shape = {1};
    for (int64_t d : resultType.getShape().take_front(lead))
      shape[0] = ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[0])
                     ? ShapedType::kDynamic
                     : shape[0] * d;
    SmallVector<OpFoldResult> d2 = {dimOf(b, loc, a2, 0)};
    if (rb == 2) {
      shape.push_back(resultType.getShape().back());
      d2.push_back(dims.back());
    }
    auto t2 = RankedTensorType::get(shape, acc);
    Value r2 = rb == 2 ? linalg::MatmulOp::create(b, loc, TypeRange{t2},
                                                  ValueRange{a2, bv},
                                                  ValueRange{filled(t2, d2)})
                             .getResult(0)
                       : linalg::MatvecOp::create(b, loc, TypeRange{t2},
                                                  ValueRange{a2, bv},
                                                  ValueRange{filled(t2, d2)})
                             .getResult(0);
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t i = 0; i < lead; ++i)
      groups[0].push_back(i);
    if (rb == 2)
      groups.push_back({lead});
    return expandTo(b, loc, r2, resultType, groups, dims);
  }

  // Equal batch dims: one batch_matmul over the collapsed batch.
  if (ra == rb && ra > 2 && batchDimsMatch(at, bt)) {
    int64_t nb = ra - 2;
    Value a3 = collapseDims(b, loc, a, 0, nb);
    Value b3 = collapseDims(b, loc, bv, 0, nb);
    int64_t batch = 1;
    for (int64_t d : resultType.getShape().take_front(nb))
      batch = ShapedType::isDynamic(d) || ShapedType::isDynamic(batch)
                  ? ShapedType::kDynamic
                  : batch * d;
    auto t3 = RankedTensorType::get(
        {batch, resultType.getDimSize(rr - 2), resultType.getDimSize(rr - 1)},
        acc);
    OpFoldResult batchSize =
        cast<RankedTensorType>(a3.getType()).isDynamicDim(0)
            ? dimOf(b, loc, b3, 0)
            : dimOf(b, loc, a3, 0);
    if (!ShapedType::isDynamic(batch))
      batchSize = b.getIndexAttr(batch);
    Value r3 =
        linalg::BatchMatmulOp::create(
            b, loc, TypeRange{t3}, ValueRange{a3, b3},
            ValueRange{filled(t3, {batchSize, dims[rr - 2], dims[rr - 1]})})
            .getResult(0);
    if (nb == 1)
      return castTo(b, loc, r3, resultType);
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t i = 0; i < nb; ++i)
      groups[0].push_back(i);
    groups.push_back({nb});
    groups.push_back({nb + 1});
    return expandTo(b, loc, r3, resultType, groups, dims);
  }
  return buildGenericMatMul(b, loc, a, bv, resultType,
                            filled(resultType, dims));
}

namespace {

/// onnx.MatMul: numpy matmul; f16 / bf16 accumulate in f32.
struct MatMulLowering : OpConversionPattern<onnx::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value a = adaptor.getA(), b = adaptor.getB();
    if (!isa<RankedTensorType>(a.getType()) ||
        !isa<RankedTensorType>(b.getType()))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Location loc = op.getLoc();
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);
    Value result =
        buildMatMul(rewriter, loc, a, b, resultType->clone(acc));
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, elementType));
    return success();
  }
};

/// onnx.Gemm: linalg.matmul (transposes as indexing maps) accumulating into
/// beta * C when alpha is 1, else scaled afterwards.
struct GemmLowering : OpConversionPattern<onnx::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto at = dyn_cast<RankedTensorType>(a.getType());
    auto bt = dyn_cast<RankedTensorType>(b.getType());
    if (!at || !bt || at.getRank() != 2 || bt.getRank() != 2)
      return fail(rewriter, op, "Gemm needs 2-D ranked A and B");
    Location loc = op.getLoc();
    bool transA = op.getTransA() != 0, transB = op.getTransB() != 0;
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);
    auto accType = resultType->clone(acc);
    SmallVector<OpFoldResult> dims = {dimOf(rewriter, loc, a, transA ? 1 : 0),
                                      dimOf(rewriter, loc, b, transB ? 0 : 1)};
    for (int i = 0; i < 2; ++i)
      if (!accType.isDynamicDim(i))
        dims[i] = rewriter.getIndexAttr(accType.getDimSize(i));
    Value c = onnx::isNoValue(op.getC()) || beta == 0.0 ? Value() : adaptor.getC();
    Value zero = createScalarConstant(rewriter, loc, acc, 0.0);
    auto scaled = [&](OpBuilder &nb, Location nloc, Value v, double f) {
      v = castFloat(nb, nloc, v, acc);
      if (f == 1.0)
        return v;
      Value k = createScalarConstant(nb, nloc, acc, f);
      if (isa<FloatType>(acc))
        return (Value)arith::MulFOp::create(nb, nloc, v, k);
      return (Value)arith::MulIOp::create(nb, nloc, v, k);
    };
    auto add = [&](OpBuilder &nb, Location nloc, Value x, Value y) -> Value {
      if (isa<FloatType>(acc))
        return arith::AddFOp::create(nb, nloc, x, y);
      return arith::AddIOp::create(nb, nloc, x, y);
    };
    AffineMap cMap;
    if (c)
      cMap = getBroadcastMap(cast<RankedTensorType>(c.getType()), accType);

    Value init;
    if (c && alpha == 1.0)
      init = buildGeneric(rewriter, loc, accType, dims, c, {cMap},
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return scaled(nb, nloc, args[0], beta);
                          });
    else
      init = createFilledTensor(rewriter, loc, accType, dims, zero);

    SmallVector<NamedAttribute> attrs;
    if (transA || transB) {
      MLIRContext *ctx = rewriter.getContext();
      AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
                 k = getAffineDimExpr(2, ctx);
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{k, m}
                                      : ArrayRef<AffineExpr>{m, k},
                         ctx),
          AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{n, k}
                                      : ArrayRef<AffineExpr>{k, n},
                         ctx),
          AffineMap::get(3, 0, {m, n}, ctx)};
      attrs.push_back(rewriter.getNamedAttr(
          "indexing_maps", rewriter.getAffineMapArrayAttr(maps)));
    }
    Value result = linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                            ValueRange{a, b}, init, attrs)
                       .getResult(0);
    if (alpha != 1.0) {
      SmallVector<Value> inputs = {result};
      SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(2)};
      if (c) {
        inputs.push_back(c);
        maps.push_back(cMap);
      }
      result = buildGeneric(
          rewriter, loc, accType, dims, inputs, maps,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value v = scaled(nb, nloc, args[0], alpha);
            if (args.size() > 1)
              v = add(nb, nloc, v, scaled(nb, nloc, args[1], beta));
            return v;
          });
    }
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, elementType));
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Windows: Conv, ConvTranspose, pooling
//===----------------------------------------------------------------------===//

namespace {
/// A resolved conv / pool window: per spatial dim kernel, stride,
/// dilation and the padding before / after.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, lo, hi;
  int64_t extent(size_t i) const { return (kernel[i] - 1) * dilations[i] + 1; }
};
} // namespace

/// Resolves the ONNX window attributes for input spatial sizes `input`
/// (kDyn where unknown). Emits an error on `op` and fails when unsupported.
static FailureOr<Window> resolveWindow(Operation *op, StringRef autoPad,
                                       ArrayRef<int64_t> kernel,
                                       ArrayAttr pads, ArrayAttr strides,
                                       ArrayAttr dilations,
                                       ArrayRef<int64_t> input) {
  size_t n = kernel.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  for (int64_t k : kernel)
    if (ShapedType::isDynamic(k) || k < 1)
      return op->emitError()
             << "unsupported: the kernel spatial size must be static";
  w.strides = readInts(strides, n, 1);
  w.dilations = readInts(dilations, n, 1);
  SmallVector<int64_t> p = readInts(pads, 2 * n, 0);
  if (w.strides.size() != n || w.dilations.size() != n || p.size() != 2 * n)
    return op->emitError() << "invalid strides / dilations / pads sizes";
  w.lo.assign(n, 0);
  w.hi.assign(n, 0);
  if (autoPad == "NOTSET") {
    w.lo.assign(p.begin(), p.begin() + n);
    w.hi.assign(p.begin() + n, p.end());
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t s = w.strides[i], total;
      if (!ShapedType::isDynamic(input[i])) {
        int64_t out = llvm::divideCeil(input[i], s);
        total = std::max<int64_t>(0, (out - 1) * s + w.extent(i) - input[i]);
      } else if (s == 1) {
        total = w.extent(i) - 1;
      } else {
        return op->emitError() << "unsupported: auto_pad=" << autoPad
                               << " with a dynamic spatial dimension and "
                                  "stride "
                               << s;
      }
      int64_t half = total / 2;
      w.lo[i] = autoPad == "SAME_UPPER" ? half : total - half;
      w.hi[i] = total - w.lo[i];
    }
  } else if (autoPad != "VALID") {
    return op->emitError() << "unsupported auto_pad=" << autoPad;
  }
  return w;
}

/// `x` padded with `padValue` by `lo` / `hi` on its trailing spatial dims.
static Value padSpatial(OpBuilder &b, Location loc, Value x,
                        ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                        Value padValue) {
  if (llvm::all_of(lo, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(hi, [](int64_t v) { return v == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t lead = type.getRank() - lo.size();
  SmallVector<OpFoldResult> low, high;
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t l = i < lead ? 0 : lo[i - lead], h = i < lead ? 0 : hi[i - lead];
    low.push_back(b.getIndexAttr(l));
    high.push_back(b.getIndexAttr(h));
    if (!ShapedType::isDynamic(shape[i]))
      shape[i] += l + h;
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), x, low, high,
                               padValue)
      .getResult();
}

/// Output size of a window sliding over dim `dim` of the padded `x`:
/// static from `resultType` when known, else (P - extent) / stride + 1.
static OpFoldResult windowOutputSize(OpBuilder &b, Location loc, Value padded,
                                     RankedTensorType resultType, int64_t dim,
                                     int64_t extent, int64_t stride) {
  if (!resultType.isDynamicDim(dim))
    return b.getIndexAttr(resultType.getDimSize(dim));
  return affineOf(b, loc, dimOf(b, loc, padded, dim), 1, stride - extent,
                  stride);
}

/// The convolution on padded `input` (N, C, D...), `filter` (M, C/G, k...)
/// accumulating into `init` (N, M, O...): named NCHW ops (grouped 2-D via
/// conv_2d_ngchw_gfchw, depthwise), else a grouped linalg.generic.
static Value buildConvCore(OpBuilder &b, Location loc, Value input,
                           Value filter, Value init, int64_t group,
                           ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations) {
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t n = initType.getRank() - 2;
  Attribute s = b.getI64TensorAttr(strides);
  Attribute d = b.getI64TensorAttr(dilations);
  SmallVector<Type> resultTypes = {initType};
  if (group == 1) {
    if (n == 1)
      return linalg::Conv1DNcwFcwOp::create(b, loc, resultTypes,
                                            ValueRange{input, filter}, init, s,
                                            d)
          .getResult(0);
    if (n == 2)
      return linalg::Conv2DNchwFchwOp::create(b, loc, resultTypes,
                                              ValueRange{input, filter}, init,
                                              s, d)
          .getResult(0);
    if (n == 3)
      return linalg::Conv3DNcdhwFcdhwOp::create(b, loc, resultTypes,
                                                ValueRange{input, filter},
                                                init, s, d)
          .getResult(0);
  }
  int64_t m = filterType.getDimSize(0);
  if (group > 1 && filterType.getDimSize(1) == 1 && m == group) {
    Value f = collapseDims(b, loc, filter, 0, 2);
    if (n == 1)
      return linalg::DepthwiseConv1DNcwCwOp::create(
                 b, loc, resultTypes, ValueRange{input, f}, init, s, d)
          .getResult(0);
    if (n == 2)
      return linalg::DepthwiseConv2DNchwChwOp::create(
                 b, loc, resultTypes, ValueRange{input, f}, init, s, d)
          .getResult(0);
    if (n == 3)
      return linalg::DepthwiseConv3DNcdhwCdhwOp::create(
                 b, loc, resultTypes, ValueRange{input, f}, init, s, d)
          .getResult(0);
  }
  // Grouped layouts: input (N, G, C/G, D...), filter (G, M/G, C/G, k...),
  // output (N, G, M/G, O...).
  OpFoldResult g = b.getIndexAttr(group);
  OpFoldResult cg = dimOf(b, loc, filter, 1);
  OpFoldResult mg = ShapedType::isDynamic(m)
                        ? affineOf(b, loc, dimOf(b, loc, filter, 0), 1, 0,
                                   group)
                        : b.getIndexAttr(m / group);
  Value in5 = expandDim(b, loc, input, 1, {g, cg});
  Value f5 = expandDim(b, loc, filter, 0, {g, mg});
  Value init5 = expandDim(b, loc, init, 1, {g, mg});
  Value out5;
  if (n == 2) {
    out5 = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{init5.getType()},
                                              ValueRange{in5, f5}, init5, s, d)
               .getResult(0);
  } else {
    MLIRContext *ctx = b.getContext();
    int64_t nLoops = 4 + 2 * n, cDim = 3 + n;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> inE = {dim(0), dim(1), dim(cDim)},
                            fE = {dim(1), dim(2), dim(cDim)},
                            oE = {dim(0), dim(1), dim(2)};
    for (int64_t i = 0; i < n; ++i) {
      inE.push_back(dim(3 + i) * strides[i] + dim(4 + n + i) * dilations[i]);
      fE.push_back(dim(4 + n + i));
      oE.push_back(dim(3 + i));
    }
    SmallVector<utils::IteratorType> iterators = parallelIterators(3 + n);
    iterators.append(1 + n, utils::IteratorType::reduction);
    out5 = linalg::GenericOp::create(
               b, loc, TypeRange{init5.getType()}, ValueRange{in5, f5}, init5,
               SmallVector<AffineMap>{AffineMap::get(nLoops, 0, inE, ctx),
                                      AffineMap::get(nLoops, 0, fE, ctx),
                                      AffineMap::get(nLoops, 0, oE, ctx)},
               iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(
                     nb, nloc,
                     multiplyAdd(nb, nloc, args[0], args[1], args[2]));
               })
               .getResult(0);
  }
  return castTo(b, loc, collapseDims(b, loc, out5, 1, 2), initType);
}

/// A tensor of `type` (sizes `dims`) holding `bias` (M) broadcast along dim
/// 1, converted to the element type; zeros when `bias` is null.
static Value biasInit(OpBuilder &b, Location loc, RankedTensorType type,
                      ArrayRef<OpFoldResult> dims, Value bias) {
  Type acc = type.getElementType();
  if (!bias)
    return createFilledTensor(b, loc, type, dims,
                              createScalarConstant(b, loc, acc, 0.0));
  AffineMap map = AffineMap::get(type.getRank(), 0,
                                 {b.getAffineDimExpr(1)}, b.getContext());
  return buildGeneric(b, loc, type, dims, bias, {map},
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return castFloat(nb, nloc, args[0], acc);
                      });
}

FailureOr<Value> quant_opt::lowering::buildConv(OpBuilder &b, Operation *op,
                                                Value x, Value w, Value bias,
                                                RankedTensorType resultType,
                                                const ConvAttrs &attrs) {
  Location loc = op->getLoc();
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  auto wt = dyn_cast<RankedTensorType>(w.getType());
  if (!xt || !wt || xt.getRank() < 3 || xt.getRank() > 5 ||
      wt.getRank() != xt.getRank())
    return op->emitError() << "unsupported: convolution needs ranked 1-D, "
                              "2-D or 3-D input and weight";
  int64_t n = xt.getRank() - 2;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (attrs.kernelShape)
    kernel = readInts(attrs.kernelShape, n, 1);
  if (kernel.size() != (size_t)n)
    return op->emitError() << "invalid kernel_shape size";
  auto window =
      resolveWindow(op, attrs.autoPad, kernel, attrs.pads, attrs.strides,
                    attrs.dilations, xt.getShape().drop_front(2));
  if (failed(window))
    return failure();
  Value zero = createScalarConstant(b, loc, xt.getElementType(), 0.0);
  Value padded = padSpatial(b, loc, x, window->lo, window->hi, zero);
  SmallVector<OpFoldResult> dims = {dimOf(b, loc, x, 0), dimOf(b, loc, w, 0)};
  for (int64_t i = 0; i < 2; ++i)
    if (!resultType.isDynamicDim(i))
      dims[i] = b.getIndexAttr(resultType.getDimSize(i));
  for (int64_t i = 0; i < n; ++i)
    dims.push_back(windowOutputSize(b, loc, padded, resultType, 2 + i,
                                    window->extent(i), window->strides[i]));
  Value init = biasInit(b, loc, resultType, dims, bias);
  return buildConvCore(b, loc, padded, w, init, attrs.group, window->strides,
                       window->dilations);
}

namespace {

struct ConvLowering : OpConversionPattern<onnx::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);
    Value bias = onnx::isNoValue(op.getB()) ? Value() : adaptor.getB();
    auto result = buildConv(rewriter, op, adaptor.getX(), adaptor.getW(), bias,
                            resultType->clone(acc), getConvAttrs(op));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "unsupported Conv");
    rewriter.replaceOp(op,
                       castTensor(rewriter, op.getLoc(), *result, elementType));
    return success();
  }
};

/// ConvTranspose: the input dilated by the strides (strided insert_slice into
/// zeros) and padded by extent - 1 - pad, convolved with the kernel flipped
/// and its channel dims swapped (per group), then sliced when pads exceed
/// the kernel extent.
struct ConvTransposeLowering : OpConversionPattern<onnx::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getX(), w = adaptor.getW();
    auto xt = dyn_cast<RankedTensorType>(x.getType());
    auto wt = dyn_cast<RankedTensorType>(w.getType());
    if (!xt || !wt || xt.getRank() < 3 || xt.getRank() > 5 ||
        wt.getRank() != xt.getRank())
      return fail(rewriter, op,
                  "unsupported: ConvTranspose needs ranked 1-D, 2-D or 3-D "
                  "input and weight");
    int64_t n = xt.getRank() - 2, group = op.getGroup();
    SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
    if (op.getKernelShapeAttr())
      kernel = readInts(op.getKernelShapeAttr(), n, 1);
    if (llvm::any_of(kernel, ShapedType::isDynamic) ||
        ShapedType::isDynamic(wt.getDimSize(1)) ||
        ShapedType::isDynamic(wt.getDimSize(0)))
      return fail(rewriter, op,
                  "unsupported: ConvTranspose needs a static weight shape");
    SmallVector<int64_t> strides = readInts(op.getStridesAttr(), n, 1);
    SmallVector<int64_t> dilations = readInts(op.getDilationsAttr(), n, 1);
    SmallVector<int64_t> pads = readInts(op.getPadsAttr(), 2 * n, 0);
    SmallVector<int64_t> outPad = readInts(op.getOutputPaddingAttr(), n, 0);
    StringRef autoPad = op.getAutoPad();
    SmallVector<int64_t> lo(n), hi(n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = strides[i], extent = (kernel[i] - 1) * dilations[i] + 1;
      int64_t in = xt.getDimSize(2 + i);
      std::optional<int64_t> total;
      if (ArrayAttr outputShape = op.getOutputShapeAttr()) {
        if (ShapedType::isDynamic(in))
          return fail(rewriter, op,
                      "unsupported: ConvTranspose output_shape with a "
                      "dynamic spatial input dimension");
        int64_t out =
            cast<IntegerAttr>(outputShape[outputShape.size() - n + i]).getInt();
        total = s * (in - 1) + outPad[i] + extent - out;
      } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        total = outPad[i] + extent - s;
      }
      if (total) {
        int64_t half = llvm::divideFloorSigned(*total, 2);
        lo[i] = autoPad == "SAME_UPPER" ? half : *total - half;
        hi[i] = *total - lo[i];
      } else if (autoPad == "VALID") {
        lo[i] = hi[i] = 0;
      } else if (autoPad == "NOTSET") {
        lo[i] = pads[i];
        hi[i] = pads[n + i];
      } else {
        return fail(rewriter, op, "unsupported auto_pad=" + autoPad);
      }
    }

    Location loc = op.getLoc();
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);
    auto accType = resultType->clone(acc);
    Value zero = createScalarConstant(rewriter, loc, xt.getElementType(), 0.0);

    // The dilated, padded input: zeros with x at (L + s * i).
    SmallVector<OpFoldResult> padDims = {dimOf(rewriter, loc, x, 0),
                                         dimOf(rewriter, loc, x, 1)};
    SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0)),
        sliceStrides(2, rewriter.getIndexAttr(1));
    SmallVector<int64_t> padShape(xt.getShape().take_front(2));
    SmallVector<int64_t> sliceOffset(n);
    bool needsSlice = false;
    for (int64_t i = 0; i < n; ++i) {
      int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
      int64_t l = extent - 1 - lo[i], r = extent - 1 - hi[i] + outPad[i];
      int64_t lp = std::max<int64_t>(l, 0), rp = std::max<int64_t>(r, 0);
      sliceOffset[i] = lp - l;
      needsSlice |= lp != l || rp != r;
      OpFoldResult size = affineOf(rewriter, loc, dimOf(rewriter, loc, x, 2 + i),
                                   strides[i], lp + rp + 1 - strides[i]);
      padDims.push_back(size);
      padShape.push_back(getConstantIntValue(size).value_or(
          ShapedType::kDynamic));
      offsets.push_back(rewriter.getIndexAttr(lp));
      sliceStrides.push_back(rewriter.getIndexAttr(strides[i]));
    }
    auto padType = RankedTensorType::get(padShape, xt.getElementType());
    Value dilated = createFilledTensor(rewriter, loc, padType, padDims, zero);
    dilated = tensor::InsertSliceOp::create(rewriter, loc, x, dilated, offsets,
                                            getDims(rewriter, loc, x),
                                            sliceStrides);

    // The flipped kernel (G, M/G, C/G, k...) from W (G * C/G, M/G, k...),
    // collapsed to (M, C/G, k...).
    int64_t cg = wt.getDimSize(0) / group, mg = wt.getDimSize(1);
    Value w4 = expandDim(rewriter, loc, w, 0,
                         {rewriter.getIndexAttr(group),
                          rewriter.getIndexAttr(cg)});
    SmallVector<int64_t> flippedShape = {group, mg, cg};
    flippedShape.append(kernel);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> readExprs = {getAffineDimExpr(0, ctx),
                                         getAffineDimExpr(2, ctx),
                                         getAffineDimExpr(1, ctx)};
    for (int64_t i = 0; i < n; ++i)
      readExprs.push_back(kernel[i] - 1 - getAffineDimExpr(3 + i, ctx));
    auto flippedType = RankedTensorType::get(flippedShape, wt.getElementType());
    Value flipped = buildGeneric(
        rewriter, loc, flippedType, {}, w4,
        {AffineMap::get(3 + n, 0, readExprs, ctx)},
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    Value filter = collapseDims(rewriter, loc, flipped, 0, 2);

    // Convolution output sizes.
    SmallVector<OpFoldResult> convDims = {
        dimOf(rewriter, loc, x, 0), rewriter.getIndexAttr(group * mg)};
    SmallVector<OpFoldResult> outDims = convDims;
    SmallVector<int64_t> convShape = {xt.getDimSize(0), group * mg};
    for (int64_t i = 0; i < n; ++i) {
      int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
      OpFoldResult size = affineOf(rewriter, loc, padDims[2 + i], 1, 1 - extent);
      convDims.push_back(size);
      convShape.push_back(
          getConstantIntValue(size).value_or(ShapedType::kDynamic));
      outDims.push_back(
          accType.isDynamicDim(2 + i)
              ? affineOf(rewriter, loc, dimOf(rewriter, loc, x, 2 + i),
                         strides[i],
                         outPad[i] + extent - lo[i] - hi[i] - strides[i])
              : rewriter.getIndexAttr(accType.getDimSize(2 + i)));
    }
    Value bias = onnx::isNoValue(op.getB()) ? Value() : adaptor.getB();
    auto convType = needsSlice ? RankedTensorType::get(convShape, acc) : accType;
    if (!needsSlice)
      convDims = outDims;
    Value init = biasInit(rewriter, loc, convType, convDims, bias);
    Value result = buildConvCore(rewriter, loc, dilated, filter, init, group,
                                 SmallVector<int64_t>(n, 1), dilations);
    if (needsSlice) {
      SmallVector<OpFoldResult> sliceOffsets(2, rewriter.getIndexAttr(0));
      for (int64_t i = 0; i < n; ++i)
        sliceOffsets.push_back(rewriter.getIndexAttr(sliceOffset[i]));
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, accType, result, sliceOffsets, outDims,
          SmallVector<OpFoldResult>(n + 2, rewriter.getIndexAttr(1)));
    }
    rewriter.replaceOp(op, castTensor(rewriter, loc, result, elementType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// The padded input and output sizes of a pool: explicit / auto padding,
/// plus end padding so that ceil_mode windows fit.
struct PoolSetup {
  Window window;
  Value padded;
  SmallVector<OpFoldResult> dims;
  SmallVector<int64_t> ceilExtra;
};

template <typename PoolOp>
FailureOr<PoolSetup> setupPool(PoolOp op, Value x, RankedTensorType resultType,
                               Value padValue,
                               ConversionPatternRewriter &rewriter) {
  auto xt = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> kernel = readInts(op.getKernelShapeAttr(), 0, 1);
  int64_t n = kernel.size();
  if (n < 1 || n > 3 || xt.getRank() != n + 2) {
    (void)fail(rewriter, op, "unsupported: pooling needs a 1-D, 2-D or 3-D "
                             "window over a rank-matching input");
    return failure();
  }
  auto window =
      resolveWindow(op, op.getAutoPad(), kernel, op.getPadsAttr(),
                    op.getStridesAttr(), op.getDilationsAttr(),
                    xt.getShape().drop_front(2));
  if (failed(window))
    return failure();
  PoolSetup setup{*window, Value(), {}, SmallVector<int64_t>(n, 0)};
  SmallVector<int64_t> hi = window->hi;
  if (op.getCeilMode()) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t in = xt.getDimSize(2 + i), out = resultType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out)) {
        (void)fail(rewriter, op,
                   "unsupported: ceil_mode=1 with a dynamic spatial dimension");
        return failure();
      }
      int64_t needed = (out - 1) * window->strides[i] + window->extent(i);
      setup.ceilExtra[i] =
          std::max<int64_t>(0, needed - (in + window->lo[i] + hi[i]));
      hi[i] += setup.ceilExtra[i];
    }
  }
  Location loc = op.getLoc();
  setup.padded = padSpatial(rewriter, loc, x, window->lo, hi, padValue);
  setup.dims = {dimOf(rewriter, loc, x, 0), dimOf(rewriter, loc, x, 1)};
  for (int64_t i = 0; i < n; ++i)
    setup.dims.push_back(windowOutputSize(rewriter, loc, setup.padded,
                                          resultType, 2 + i,
                                          window->extent(i),
                                          window->strides[i]));
  return setup;
}

/// A windowed reduction over padded `input` into `init` (N, C, O...):
/// init = combine(init, input[n, c, o * s + k * d]).
static Value buildPoolGeneric(
    OpBuilder &b, Location loc, Value input, Value init, const Window &window,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t n = window.kernel.size(), nLoops = 2 + 2 * n;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> inE = {getAffineDimExpr(0, ctx),
                                 getAffineDimExpr(1, ctx)},
                          oE = inE;
  for (int64_t i = 0; i < n; ++i) {
    inE.push_back(getAffineDimExpr(2 + i, ctx) * window.strides[i] +
                  getAffineDimExpr(2 + n + i, ctx) * window.dilations[i]);
    oE.push_back(getAffineDimExpr(2 + i, ctx));
  }
  // The window loops have the kernel's extent: a kernel-shaped operand
  // bounds them.
  auto kernelType = RankedTensorType::get(window.kernel, initType.getElementType());
  Value shape = tensor::EmptyOp::create(b, loc, kernelType.getShape(),
                                        kernelType.getElementType());
  SmallVector<AffineExpr> kE;
  for (int64_t i = 0; i < n; ++i)
    kE.push_back(getAffineDimExpr(2 + n + i, ctx));
  SmallVector<utils::IteratorType> iterators = parallelIterators(2 + n);
  iterators.append(n, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{initType}, ValueRange{input, shape}, init,
             SmallVector<AffineMap>{AffineMap::get(nLoops, 0, inE, ctx),
                                    AffineMap::get(nLoops, 0, kE, ctx),
                                    AffineMap::get(nLoops, 0, oE, ctx)},
             iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       combine(nb, nloc, args[2], args[0]));
             })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<onnx::MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    auto indicesType =
        getConvertedType(*getTypeConverter(), op.getIndices(), rewriter, op);
    if (failed(indicesType))
      return failure();
    Value x = adaptor.getX();
    if (!isa<RankedTensorType>(x.getType()))
      return rewriter.notifyMatchFailure(op, "unranked input");
    bool withIndices = !op.getIndices().use_empty();
    Location loc = op.getLoc();
    Type elementType = resultType->getElementType();
    bool isUnsigned = isUnsignedInt(onnx::elementTypeOf(op.getX()));
    Value lowest = lowestValue(rewriter, loc, elementType, isUnsigned);
    auto setup = setupPool(op, x, *resultType, lowest, rewriter);
    if (failed(setup))
      return failure();
    const Window &window = setup->window;
    int64_t n = window.kernel.size();
    Value init = createFilledTensor(rewriter, loc, *resultType, setup->dims,
                                    lowest);
    if (withIndices) {
      auto [values, indices] = buildArgMaxPool(rewriter, loc, x, *setup, init,
                                               *indicesType, isUnsigned,
                                               op.getStorageOrder() != 0);
      rewriter.replaceOp(op, {values, indices});
      return success();
    }
    Value result;
    Attribute s = rewriter.getI64TensorAttr(window.strides);
    Attribute d = rewriter.getI64TensorAttr(window.dilations);
    Value shape = tensor::EmptyOp::create(rewriter, loc, window.kernel,
                                          elementType);
    if (isa<FloatType>(elementType) && n == 2)
      result = linalg::PoolingNchwMaxOp::create(
                   rewriter, loc, TypeRange{*resultType},
                   ValueRange{setup->padded, shape}, init, s, d)
                   .getResult(0);
    else if (isa<FloatType>(elementType) && n == 1)
      result = linalg::PoolingNcwMaxOp::create(
                   rewriter, loc, TypeRange{*resultType},
                   ValueRange{setup->padded, shape}, init, s, d)
                   .getResult(0);
    else
      result = buildPoolGeneric(
          rewriter, loc, setup->padded, init, window,
          [&](OpBuilder &nb, Location nloc, Value acc, Value v) {
            return maxOf(nb, nloc, acc, v, isUnsigned);
          });
    Value unused = createEmptyTensor(rewriter, loc, *indicesType,
                                     getDims(rewriter, loc, result));
    rewriter.replaceOp(op, {result, unused});
    return success();
  }

  /// Max and the flattened index (n * C + c) * prod(D) + row-major spatial
  /// position of the first maximum, in one generic with two outputs.
  static std::pair<Value, Value>
  buildArgMaxPool(OpBuilder &b, Location loc, Value x, const PoolSetup &setup,
                  Value init, RankedTensorType indicesType, bool isUnsigned,
                  bool columnMajor) {
    const Window &window = setup.window;
    int64_t n = window.kernel.size(), nLoops = 2 + 2 * n;
    MLIRContext *ctx = b.getContext();
    Value idxInit = createFilledTensor(
        b, loc, indicesType, setup.dims,
        createScalarConstant(b, loc, b.getI64Type(), 0.0));
    SmallVector<AffineExpr> inE = {getAffineDimExpr(0, ctx),
                                   getAffineDimExpr(1, ctx)},
                            oE = inE, kE;
    for (int64_t i = 0; i < n; ++i) {
      inE.push_back(getAffineDimExpr(2 + i, ctx) * window.strides[i] +
                    getAffineDimExpr(2 + n + i, ctx) * window.dilations[i]);
      oE.push_back(getAffineDimExpr(2 + i, ctx));
      kE.push_back(getAffineDimExpr(2 + n + i, ctx));
    }
    Type elementType = cast<RankedTensorType>(init.getType()).getElementType();
    Value shape = tensor::EmptyOp::create(b, loc, window.kernel, elementType);
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < n + 2; ++i)
      sizes.push_back(getDimValue(b, loc, x, i));
    SmallVector<utils::IteratorType> iterators = parallelIterators(2 + n);
    iterators.append(n, utils::IteratorType::reduction);
    AffineMap oMap = AffineMap::get(nLoops, 0, oE, ctx);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType(), indicesType},
        ValueRange{setup.padded, shape}, ValueRange{init, idxInit},
        SmallVector<AffineMap>{AffineMap::get(nLoops, 0, inE, ctx),
                               AffineMap::get(nLoops, 0, kE, ctx), oMap, oMap},
        iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
          // The unpadded input position of this window element.
          Value flat = linalg::IndexOp::create(nb, nloc, 0);
          flat = arith::MulIOp::create(nb, nloc, flat, sizes[1]);
          flat = arith::AddIOp::create(nb, nloc, flat,
                                       linalg::IndexOp::create(nb, nloc, 1));
          SmallVector<Value> positions;
          for (int64_t i = 0; i < n; ++i) {
            Value o = linalg::IndexOp::create(nb, nloc, 2 + i);
            Value k = linalg::IndexOp::create(nb, nloc, 2 + n + i);
            Value pos = arith::AddIOp::create(
                nb, nloc,
                arith::MulIOp::create(
                    nb, nloc, o,
                    arith::ConstantIndexOp::create(nb, nloc,
                                                   window.strides[i])),
                arith::MulIOp::create(
                    nb, nloc, k,
                    arith::ConstantIndexOp::create(nb, nloc,
                                                   window.dilations[i])));
            positions.push_back(arith::SubIOp::create(
                nb, nloc, pos,
                arith::ConstantIndexOp::create(nb, nloc, window.lo[i])));
          }
          // Spatial position row-major (storage_order 0) or column-major.
          for (int64_t j = 0; j < n; ++j) {
            int64_t i = columnMajor ? n - 1 - j : j;
            flat = arith::MulIOp::create(nb, nloc, flat, sizes[2 + i]);
          }
          Value spatial = arith::ConstantIndexOp::create(nb, nloc, 0);
          for (int64_t j = 0; j < n; ++j) {
            int64_t i = columnMajor ? n - 1 - j : j;
            spatial = arith::MulIOp::create(nb, nloc, spatial, sizes[2 + i]);
            spatial = arith::AddIOp::create(nb, nloc, spatial, positions[i]);
          }
          flat = arith::AddIOp::create(nb, nloc, flat, spatial);
          Value index = arith::IndexCastOp::create(nb, nloc, nb.getI64Type(),
                                                   flat);
          Value v = args[0], best = args[2];
          Value greater;
          if (isa<FloatType>(v.getType()))
            greater = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OGT,
                                            v, best);
          else
            greater = arith::CmpIOp::create(
                nb, nloc,
                isUnsigned ? arith::CmpIPredicate::ugt
                           : arith::CmpIPredicate::sgt,
                v, best);
          // The first window element always sets the index.
          Value first = arith::ConstantIntOp::create(nb, nloc, 1, 1);
          for (int64_t i = 0; i < n; ++i) {
            Value k = linalg::IndexOp::create(nb, nloc, 2 + n + i);
            Value isZero = arith::CmpIOp::create(
                nb, nloc, arith::CmpIPredicate::eq, k,
                arith::ConstantIndexOp::create(nb, nloc, 0));
            first = arith::AndIOp::create(nb, nloc, first, isZero);
          }
          Value take = arith::OrIOp::create(nb, nloc, greater, first);
          Value newBest = arith::SelectOp::create(
              nb, nloc, greater, v, best);
          Value newIndex =
              arith::SelectOp::create(nb, nloc, take, index, args[3]);
          linalg::YieldOp::create(nb, nloc, ValueRange{newBest, newIndex});
        });
    return {generic.getResult(0), generic.getResult(1)};
  }
};

struct AveragePoolLowering : OpConversionPattern<onnx::AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getX();
    if (!isa<RankedTensorType>(x.getType()))
      return rewriter.notifyMatchFailure(op, "unranked input");
    Location loc = op.getLoc();
    Type elementType = resultType->getElementType();
    Type acc = getAccumulatorType(elementType);
    auto accType = resultType->clone(acc);
    Value zeroIn = createScalarConstant(rewriter, loc, elementType, 0.0);
    auto setup = setupPool(op, x, *resultType, zeroIn, rewriter);
    if (failed(setup))
      return failure();
    const Window &window = setup->window;
    int64_t n = window.kernel.size();
    Value init = createFilledTensor(rewriter, loc, accType, setup->dims,
                                    createScalarConstant(rewriter, loc, acc, 0));
    Attribute s = rewriter.getI64TensorAttr(window.strides);
    Attribute d = rewriter.getI64TensorAttr(window.dilations);
    Value shape = tensor::EmptyOp::create(rewriter, loc, window.kernel, acc);
    Value sum;
    if (n == 2)
      sum = linalg::PoolingNchwSumOp::create(
                rewriter, loc, TypeRange{accType},
                ValueRange{setup->padded, shape}, init, s, d)
                .getResult(0);
    else if (n == 1)
      sum = linalg::PoolingNcwSumOp::create(
                rewriter, loc, TypeRange{accType},
                ValueRange{setup->padded, shape}, init, s, d)
                .getResult(0);
    else
      sum = buildPoolGeneric(
          rewriter, loc, setup->padded, init, window,
          [&](OpBuilder &nb, Location nloc, Value a, Value v) -> Value {
            return arith::AddFOp::create(nb, nloc, a,
                                         castFloat(nb, nloc, v, acc));
          });

    // The divisor: the kernel size unless windows are clipped (padding not
    // counted, or ceil_mode windows past the padding).
    bool includePad = op.getCountIncludePad() != 0;
    bool clipped = llvm::any_of(setup->ceilExtra,
                                [](int64_t v) { return v != 0; });
    if (!includePad)
      for (int64_t i = 0; i < n; ++i)
        clipped |= window.lo[i] != 0 || window.hi[i] != 0;
    int64_t kernelSize = 1;
    for (int64_t k : window.kernel)
      kernelSize *= k;
    SmallVector<Value> inSizes;
    for (int64_t i = 0; i < n; ++i)
      inSizes.push_back(getDimValue(rewriter, loc, x, 2 + i));
    AffineMap id = rewriter.getMultiDimIdentityMap(n + 2);
    Value result = buildGeneric(
        rewriter, loc, *resultType, setup->dims, sum, {id},
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value count;
          if (!clipped) {
            count = createScalarConstant(nb, nloc, acc, kernelSize);
          } else {
            auto cst = [&](int64_t v) {
              return arith::ConstantIndexOp::create(nb, nloc, v);
            };
            Value total = cst(1);
            for (int64_t i = 0; i < n; ++i) {
              // Window elements t in [0, k) with lower <= start + t * d <
              // upper.
              Value start = arith::SubIOp::create(
                  nb, nloc,
                  arith::MulIOp::create(nb, nloc,
                                        linalg::IndexOp::create(nb, nloc, 2 + i),
                                        cst(window.strides[i])),
                  cst(window.lo[i]));
              Value lower = includePad ? cst(-window.lo[i]) : cst(0);
              Value upper =
                  includePad ? arith::AddIOp::create(nb, nloc, inSizes[i],
                                                     cst(window.hi[i]))
                                   .getResult()
                             : inSizes[i];
              Value dil = cst(window.dilations[i]);
              Value tMin = arith::CeilDivSIOp::create(
                  nb, nloc, arith::SubIOp::create(nb, nloc, lower, start), dil);
              tMin = arith::MaxSIOp::create(nb, nloc, tMin, cst(0));
              Value tMax = arith::FloorDivSIOp::create(
                  nb, nloc,
                  arith::SubIOp::create(
                      nb, nloc, arith::SubIOp::create(nb, nloc, upper, cst(1)),
                      start),
                  dil);
              tMax = arith::MinSIOp::create(nb, nloc, tMax,
                                            cst(window.kernel[i] - 1));
              Value c = arith::AddIOp::create(
                  nb, nloc, arith::SubIOp::create(nb, nloc, tMax, tMin), cst(1));
              c = arith::MaxSIOp::create(nb, nloc, c, cst(0));
              total = arith::MulIOp::create(nb, nloc, total, c);
            }
            Value i64 = arith::IndexCastOp::create(nb, nloc, nb.getI64Type(),
                                                   total);
            count = arith::SIToFPOp::create(nb, nloc, acc, i64);
          }
          Value avg = arith::DivFOp::create(nb, nloc, args[0], count);
          return castFloat(nb, nloc, avg, elementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GlobalAveragePool / GlobalMaxPool: linalg.reduce over the spatial dims,
/// then (N, C) expanded to (N, C, 1, ..., 1).
template <typename OnnxOp, bool IsMax>
struct GlobalPoolLowering : OpConversionPattern<OnnxOp> {
  using OpConversionPattern<OnnxOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OnnxOp op, typename OnnxOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = getConvertedType(*this->getTypeConverter(), op.getY(),
                                       rewriter, op);
    if (failed(resultType))
      return failure();
    Value x = adaptor.getX();
    auto xt = dyn_cast<RankedTensorType>(x.getType());
    if (!xt || xt.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs a ranked N x C x ... input");
    Location loc = op.getLoc();
    int64_t rank = xt.getRank();
    Type elementType = resultType->getElementType();
    Type acc = IsMax ? elementType : getAccumulatorType(elementType);
    auto reducedType = RankedTensorType::get(xt.getShape().take_front(2), acc);
    SmallVector<OpFoldResult> dims = {dimOf(rewriter, loc, x, 0),
                                      dimOf(rewriter, loc, x, 1)};
    Value start = IsMax ? lowestValue(rewriter, loc, acc, false)
                        : createScalarConstant(rewriter, loc, acc, 0.0);
    Value init = createFilledTensor(rewriter, loc, reducedType, dims, start);
    SmallVector<int64_t> spatial;
    for (int64_t i = 2; i < rank; ++i)
      spatial.push_back(i);
    Value reduced =
        linalg::ReduceOp::create(
            rewriter, loc, ValueRange{x}, ValueRange{init}, spatial,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              Value v = castFloat(nb, nloc, args[0], acc);
              Value r = IsMax ? (Value)arith::MaximumFOp::create(nb, nloc, v,
                                                                args[1])
                              : (Value)arith::AddFOp::create(nb, nloc, v,
                                                             args[1]);
              linalg::YieldOp::create(nb, nloc, r);
            })
            .getResult(0);
    if (!IsMax) {
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (int64_t i = 2; i < rank; ++i)
        count = arith::MulIOp::create(rewriter, loc, count,
                                      getDimValue(rewriter, loc, x, i));
      Value countF = arith::SIToFPOp::create(
          rewriter, loc, acc,
          arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                     count));
      reduced = mapElements(rewriter, loc, reduced, elementType,
                            [&](OpBuilder &nb, Location nloc, Value v) {
                              Value avg =
                                  arith::DivFOp::create(nb, nloc, v, countF);
                              return castFloat(nb, nloc, avg, elementType);
                            });
    }
    if (rank == 2) {
      rewriter.replaceOp(op, castTo(rewriter, loc, reduced, *resultType));
      return success();
    }
    SmallVector<ReassociationIndices> groups = {{0}, {}};
    SmallVector<OpFoldResult> outputShape = dims;
    for (int64_t i = 1; i < rank; ++i)
      groups[1].push_back(i);
    for (int64_t i = 2; i < rank; ++i)
      outputShape.push_back(rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, *resultType, reduced, groups, outputShape);
    return success();
  }
};

} // namespace

void quant_opt::populateONNXNNToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering, ConvLowering,
               ConvTransposeLowering, MaxPoolLowering, AveragePoolLowering,
               GlobalPoolLowering<onnx::GlobalAveragePoolOp, false>,
               GlobalPoolLowering<onnx::GlobalMaxPoolOp, true>>(
      converter, patterns.getContext());
}
