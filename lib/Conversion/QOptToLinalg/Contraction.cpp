//===- Contraction.cpp - qopt qmatmul / qconv -> linalg -------------------===//
//
// Both ops become the canonical int8 contraction (the form the VNNI kernel
// of lib/Target/CPU matches):
//
//   linalg.generic {(m,n,k)->(m,k), (m,n,k)->(k,n), (m,n,k)->(m,n);
//                   parallel, parallel, reduction}
//     ins(a: MxKxi8, b: KxNxi8) outs(acc: MxNxi32 = fill 0)
//     acc += ext(a) * extsi(b)      (extui for unsigned a)
//
// followed by one elementwise epilogue
// `(acc - a_zp * colsum(b)) * a_scale * b_scale + bias` in f32. colsum(b)
// is a constant when b is one. Leading dims of a collapse into M. qconv
// pads with the activation zero point, builds im2col columns and runs the
// same contraction per group.
//
//===----------------------------------------------------------------------===//

#include "ContractionUtils.h"
#include "ONNXToLinalg/QuantUtils.h"
#include "QuantOpt/Conversion/QOptToLinalg/QOptToLinalg.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

static Type elementOf(Value v) { return getElementTypeOrSelf(v.getType()); }

/// y[m, n] = (acc[m, n] - a_zp[m] * colsum[n]) * a_scale[m] * b_scale[n] +
/// bias[n]. a_zp / a_scale are scalars or [M]; b_scale a scalar or [N];
/// `bias` may be null.
static Value buildEpilogue(OpBuilder &b, Location loc, Value acc,
                           Value colsum, Value aZeroPoint, Type aType,
                           Value aScale, Value bScale, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto rowOrScalar = [&](Value v, unsigned dim) {
    if (cast<RankedTensorType>(v.getType()).getRank() == 0)
      return AffineMap::get(2, 0, {}, ctx);
    return AffineMap::get(2, 0, {getAffineDimExpr(dim, ctx)}, ctx);
  };
  SmallVector<Value> inputs = {acc, colsum, aZeroPoint, aScale, bScale};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(2, ctx),
                                 rowOrScalar(colsum, 1),
                                 rowOrScalar(aZeroPoint, 0),
                                 rowOrScalar(aScale, 0),
                                 rowOrScalar(bScale, 1)};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(rowOrScalar(bias, 1));
  }
  auto accType = cast<RankedTensorType>(acc.getType());
  return buildGeneric(
      b, loc, accType.clone(b.getF32Type()), getDims(b, loc, acc), inputs,
      maps, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value zp = toI32(nb, l, args[2], aType);
        Value v = arith::SubIOp::create(
            nb, l, args[0], arith::MulIOp::create(nb, l, zp, args[1]));
        Value f = arith::SIToFPOp::create(nb, l, nb.getF32Type(), v);
        f = arith::MulFOp::create(
            nb, l, f, arith::MulFOp::create(nb, l, args[3], args[4]));
        if (args.size() > 5)
          f = arith::AddFOp::create(nb, l, f, args[5]);
        return f;
      });
}

/// A per-token parameter ([..., M]) collapsed to [R]; scalars unchanged.
static Value collapseParam(OpBuilder &b, Location loc, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  if (rank <= 1)
    return v;
  return collapseDims(b, loc, v, 0, rank);
}

namespace {

struct QMatMulLowering : OpConversionPattern<qopt::QMatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::QMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Location loc = op.getLoc();
    Type aType = elementOf(op.getA());
    Value a = collapseToRows(rewriter, loc, adaptor.getA());
    Value bv = adaptor.getB();
    Value acc = buildInt8Contraction(rewriter, loc, a, bv,
                                     !aType.isUnsignedInteger());
    Value colsum = columnSums(rewriter, loc, bv, getConstantBytes(bv));
    Value y = buildEpilogue(
        rewriter, loc, acc, colsum,
        collapseParam(rewriter, loc, adaptor.getAZeroPoint()), aType,
        collapseParam(rewriter, loc, adaptor.getAScale()), adaptor.getBScale(),
        op.getBias() ? adaptor.getBias() : Value());
    rewriter.replaceOp(op, expandRows(rewriter, loc, y, adaptor.getA(),
                                      *resultType));
    return success();
  }
};

/// The [K, Fg] weight matrix of group `g` of `w` ([F, Cg, kH, kW]):
/// transposed at compile time when `w` is a constant, else by a
/// linalg.transpose.
static Value groupWeights(OpBuilder &b, Location loc, Value w, int64_t g,
                          int64_t groups,
                          const std::optional<SmallVector<int8_t>> &bytes) {
  auto wt = cast<RankedTensorType>(w.getType());
  int64_t f = wt.getDimSize(0), fg = f / groups;
  int64_t k = wt.getDimSize(1) * wt.getDimSize(2) * wt.getDimSize(3);
  Type i8 = b.getI8Type();
  auto kfType = RankedTensorType::get({k, fg}, i8);
  if (bytes) {
    SmallVector<int8_t> t(k * fg);
    for (int64_t o = 0; o < fg; ++o)
      for (int64_t i = 0; i < k; ++i)
        t[i * fg + o] = (*bytes)[(g * fg + o) * k + i];
    return arith::ConstantOp::create(
        b, loc, kfType, DenseElementsAttr::get(kfType, ArrayRef<int8_t>(t)));
  }
  auto sliceType = RankedTensorType::get(
      {fg, wt.getDimSize(1), wt.getDimSize(2), wt.getDimSize(3)}, i8);
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(g * fg), b.getIndexAttr(0),
                                       b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes;
  for (int64_t s : sliceType.getShape())
    sizes.push_back(b.getIndexAttr(s));
  SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
  Value slice = tensor::ExtractSliceOp::create(b, loc, sliceType, w, offsets,
                                               sizes, ones);
  Value fk = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({fg, k}, i8), slice,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value init = tensor::EmptyOp::create(b, loc, kfType.getShape(), i8);
  return linalg::TransposeOp::create(b, loc, fk, init,
                                     ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

struct QConvLowering : OpConversionPattern<qopt::QConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::QConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getX(), w = adaptor.getW();
    auto xt = cast<RankedTensorType>(x.getType());
    auto wt = cast<RankedTensorType>(w.getType());
    if (xt.isDynamicDim(1) || xt.isDynamicDim(2) || xt.isDynamicDim(3))
      return fail(rewriter, op,
                  "unsupported: qconv with dynamic channels or spatial sizes");
    Type xType = elementOf(op.getX());
    SmallVector<int64_t> strides = op.getStrideValues(),
                         dilations = op.getDilationValues(),
                         pads = op.getPadValues();
    int64_t groups = op.getGroup();
    int64_t c = xt.getDimSize(1), cg = c / groups;
    int64_t f = wt.getDimSize(0), fg = f / groups;
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    int64_t oh = resultType->getDimSize(2), ow = resultType->getDimSize(3);
    int64_t k = cg * kh * kw;
    Type i8 = rewriter.getI8Type();

    // Padding reads the zero point: (x - zp) is then 0 there.
    Value zp = tensor::ExtractOp::create(rewriter, loc, adaptor.getXZeroPoint(),
                                         ValueRange{});
    Value padded = x;
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> shape(xt.getShape());
      shape[2] += pads[0] + pads[2];
      shape[3] += pads[1] + pads[3];
      auto z = rewriter.getIndexAttr(0);
      padded = tensor::PadOp::create(
          rewriter, loc, xt.clone(shape), x,
          SmallVector<OpFoldResult>{z, z, rewriter.getIndexAttr(pads[0]),
                                    rewriter.getIndexAttr(pads[1])},
          SmallVector<OpFoldResult>{z, z, rewriter.getIndexAttr(pads[2]),
                                    rewriter.getIndexAttr(pads[3])},
          zp);
    }

    std::optional<SmallVector<int8_t>> wBytes = getConstantBytes(w);
    OpFoldResult batch = dimOf(rewriter, loc, x, 0);
    int64_t nb = xt.getDimSize(0);
    Value result = createEmptyTensor(rewriter, loc, *resultType,
                                     {batch, rewriter.getIndexAttr(f),
                                      rewriter.getIndexAttr(oh),
                                      rewriter.getIndexAttr(ow)});
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    for (int64_t g = 0; g < groups; ++g) {
      // im2col: cols[n, oh, ow, c, kh, kw] of group g (its channels).
      Value input = padded;
      if (groups > 1) {
        auto pt = cast<RankedTensorType>(padded.getType());
        SmallVector<OpFoldResult> sizes = {
            batch, rewriter.getIndexAttr(cg),
            rewriter.getIndexAttr(pt.getDimSize(2)),
            rewriter.getIndexAttr(pt.getDimSize(3))};
        input = tensor::ExtractSliceOp::create(
            rewriter, loc,
            RankedTensorType::get({nb, cg, pt.getDimSize(2), pt.getDimSize(3)},
                                  i8),
            padded,
            SmallVector<OpFoldResult>{rewriter.getIndexAttr(0),
                                      rewriter.getIndexAttr(g * cg),
                                      rewriter.getIndexAttr(0),
                                      rewriter.getIndexAttr(0)},
            sizes, SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
      }
      auto colsType = RankedTensorType::get({nb, oh, ow, cg, kh, kw}, i8);
      Value cols = buildGeneric(
          rewriter, loc, colsType,
          {batch, rewriter.getIndexAttr(oh), rewriter.getIndexAttr(ow),
           rewriter.getIndexAttr(cg), rewriter.getIndexAttr(kh),
           rewriter.getIndexAttr(kw)},
          input,
          {AffineMap::get(6, 0,
                          {d(0), d(3),
                           d(1) * strides[0] + d(4) * dilations[0],
                           d(2) * strides[1] + d(5) * dilations[1]},
                          ctx)},
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
      Value a = tensor::CollapseShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {ShapedType::isDynamic(nb) ? ShapedType::kDynamic : nb * oh * ow,
               k},
              i8),
          cols, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
      Value bv = groupWeights(rewriter, loc, w, g, groups, wBytes);
      Value acc = buildInt8Contraction(rewriter, loc, a, bv,
                                       !xType.isUnsignedInteger());
      std::optional<SmallVector<int8_t>> bBytes;
      if (wBytes)
        bBytes = getConstantBytes(bv);
      Value colsum = columnSums(rewriter, loc, bv, bBytes);
      // Per-group slices of the per-channel parameters.
      auto channelSlice = [&](Value v) -> Value {
        if (!v || groups == 1 ||
            cast<RankedTensorType>(v.getType()).getRank() == 0)
          return v;
        return tensor::ExtractSliceOp::create(
            rewriter, loc, RankedTensorType::get({fg}, rewriter.getF32Type()),
            v, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(g * fg)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(fg)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
      };
      Value y = buildEpilogue(
          rewriter, loc, acc, colsum, adaptor.getXZeroPoint(), xType,
          adaptor.getXScale(), channelSlice(adaptor.getWScale()),
          channelSlice(op.getBias() ? adaptor.getBias() : Value()));
      // [N*OH*OW, Fg] -> [N, Fg, OH, OW] into the result's channels.
      auto nhwfType = RankedTensorType::get({nb, oh, ow, fg},
                                            rewriter.getF32Type());
      Value nhwf = expandTo(rewriter, loc, y, nhwfType,
                            {{0, 1, 2}, {3}},
                            {batch, rewriter.getIndexAttr(oh),
                             rewriter.getIndexAttr(ow),
                             rewriter.getIndexAttr(fg)});
      auto nfhwType = RankedTensorType::get({nb, fg, oh, ow},
                                            rewriter.getF32Type());
      Value init = createEmptyTensor(rewriter, loc, nfhwType,
                                     {batch, rewriter.getIndexAttr(fg),
                                      rewriter.getIndexAttr(oh),
                                      rewriter.getIndexAttr(ow)});
      Value nfhw = linalg::TransposeOp::create(rewriter, loc, nhwf, init,
                                               ArrayRef<int64_t>{0, 3, 1, 2})
                       .getResult()[0];
      if (groups == 1) {
        result = castTo(rewriter, loc, nfhw, *resultType);
        break;
      }
      SmallVector<OpFoldResult> offsets = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(g * fg),
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {batch, rewriter.getIndexAttr(fg),
                                         rewriter.getIndexAttr(oh),
                                         rewriter.getIndexAttr(ow)};
      result = tensor::InsertSliceOp::create(
          rewriter, loc, nfhw, result, offsets, sizes,
          SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void quant_opt::populateQOptContractionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QMatMulLowering, QConvLowering>(converter,
                                               patterns.getContext());
}
