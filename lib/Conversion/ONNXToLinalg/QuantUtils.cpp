//===- QuantUtils.cpp - scalar quantization helpers of the lowerings ------===//

#include "QuantUtils.h"
#include "NNBuilders.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

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


//===----------------------------------------------------------------------===//
// The canonical int8 contraction (shared with lib/Conversion/QOptToLinalg)
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int8_t>>
quant_opt::lowering::getConstantBytes(Value v) {
  Attribute attr;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() ||
      type.getElementType().getIntOrFloatBitWidth() != 8 ||
      !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int8_t> bytes;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    bytes.reserve(type.getNumElements());
    for (APInt x : dense.getValues<APInt>())
      bytes.push_back(static_cast<int8_t>(x.getZExtValue()));
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != type.getNumElements())
      return std::nullopt;
    bytes.assign(data.begin(), data.end());
    return bytes;
  }
  return std::nullopt;
}

Value quant_opt::lowering::collapseToRows(OpBuilder &b, Location loc,
                                          Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  if (rank == 1)
    return expandDim(b, loc, v, 0, {b.getIndexAttr(1), dimOf(b, loc, v, 0)});
  return collapseDims(b, loc, v, 0, rank - 1);
}

Value quant_opt::lowering::expandRows(OpBuilder &b, Location loc, Value rows,
                                      Value like, RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  if (rank == 2)
    return castTo(b, loc, rows, resultType);
  if (rank == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, resultType, rows, SmallVector<ReassociationIndices>{{0, 1}});
  SmallVector<ReassociationIndices> groups(1);
  SmallVector<OpFoldResult> dims;
  for (int64_t i = 0; i + 1 < rank; ++i) {
    groups[0].push_back(i);
    dims.push_back(dimOf(b, loc, like, i));
  }
  groups.push_back({rank - 1});
  dims.push_back(dimOf(b, loc, rows, 1));
  return expandTo(b, loc, rows, resultType, groups, dims);
}

/// The canonical int8 contraction of `a` ([M, K] i8) and `bv` ([K, N] i8)
/// into a new [M, N] i32 tensor.
Value quant_opt::lowering::buildInt8Contraction(OpBuilder &b, Location loc, Value a,
                                  Value bv, bool aSigned) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(bv.getType());
  Type i32 = b.getI32Type();
  auto accType = RankedTensorType::get({at.getDimSize(0), bt.getDimSize(1)},
                                       i32);
  Value acc = createFilledTensor(
      b, loc, accType, {dimOf(b, loc, a, 0), dimOf(b, loc, bv, 1)},
      arith::ConstantIntOp::create(b, loc, i32, 0));
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                 AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                                 AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  return linalg::GenericOp::create(
             b, loc, accType, ValueRange{a, bv}, acc, maps,
             {utils::IteratorType::parallel, utils::IteratorType::parallel,
              utils::IteratorType::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = aSigned
                             ? (Value)arith::ExtSIOp::create(nb, l, i32, args[0])
                             : (Value)arith::ExtUIOp::create(nb, l, i32, args[0]);
               Value y = arith::ExtSIOp::create(nb, l, i32, args[1]);
               Value p = arith::MulIOp::create(nb, l, x, y);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddIOp::create(nb, l, args[2], p)});
             })
      .getResult(0);
}

/// sum over dimension 1 - `keep` of the 2-D 8-bit `v`, widened (signed or
/// not) to i32: an [dim `keep`] i32 tensor.
Value quant_opt::lowering::sums8(OpBuilder &b, Location loc, Value v,
                                 int64_t keep, bool isSigned) {
  auto vt = cast<RankedTensorType>(v.getType());
  Type i32 = b.getI32Type();
  auto type = RankedTensorType::get({vt.getDimSize(keep)}, i32);
  Value init = createFilledTensor(b, loc, type, {dimOf(b, loc, v, keep)},
                                  arith::ConstantIntOp::create(b, loc, i32, 0));
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(2, ctx),
      AffineMap::get(2, 0, {getAffineDimExpr(keep, ctx)}, ctx)};
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::reduction);
  iterators[keep] = utils::IteratorType::parallel;
  return linalg::GenericOp::create(
             b, loc, type, v, init, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = isSigned
                             ? (Value)arith::ExtSIOp::create(nb, l, i32, args[0])
                             : (Value)arith::ExtUIOp::create(nb, l, i32, args[0]);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddIOp::create(nb, l, args[1], x)});
             })
      .getResult(0);
}

/// colsum(b)[n] = sum_k b[k, n] as an [N] i32 tensor: a constant when `bv`
/// is one (`bytes`, row-major [K, N]), else a reduction.
Value quant_opt::lowering::columnSums(OpBuilder &b, Location loc, Value bv,
                        const std::optional<SmallVector<int8_t>> &bytes) {
  if (!bytes)
    return sums8(b, loc, bv, /*keep=*/1, /*isSigned=*/true);
  auto bt = cast<RankedTensorType>(bv.getType());
  int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
  SmallVector<int32_t> sums(n, 0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      sums[j] += (*bytes)[i * n + j];
  auto type = RankedTensorType::get({n}, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, type, DenseElementsAttr::get(type, ArrayRef<int32_t>(sums)));
}

