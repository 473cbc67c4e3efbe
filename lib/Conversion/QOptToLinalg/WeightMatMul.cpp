//===- WeightMatMul.cpp - qopt weight_matmul -> linalg --------------------===//
//
// Weight-only matmul with the dequantization fused into the contraction;
// the float weight is never materialized. With P = 8 / s codes per byte
// (s = bits, 4 for 3-bit codes), groups of gs = group_size (K per channel)
// codes, G = K / gs groups and B = gs / P bytes per group:
//
//   x'[r, g, p, b] = x[r, g * gs + b * P + p]      (a transpose of x)
//   dot[r, n, g]   = sum_{p, b} x'[r, g, p, b] * code(w[n, g * B + b], p)
//   xsum[r, g]     = sum_{p, b} x'[r, g, p, b]
//   y[r, n]        = bias[n] + sum_g scale[n, g] * (dot - zp[n, g] * xsum)
//
// Every map is a projected permutation, so the CPU pipeline vectorizes the
// dot along the packed bytes b (the unpacking shift comes from linalg.index
// of p). Shapes that do not split that way (K % gs != 0 or gs % P != 0) get
// one generic over (r, n, k) that reads the packed byte and its group
// through floordiv maps: correct, but scalar.
//
//===----------------------------------------------------------------------===//

#include "ContractionUtils.h"
#include "ONNXToLinalg/QuantUtils.h"
#include "QuantOpt/Conversion/QOptToLinalg/QOptToLinalg.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

/// The code at position `pos` (an index value, or null for 8-bit codes) of
/// packed byte `byte`, as f32.
static Value unpackCode(OpBuilder &b, Location loc, Value byte, Value pos,
                        int64_t storageBits, int64_t bits) {
  Type i8 = b.getI8Type();
  Value code = byte;
  if (storageBits < 8) {
    Value shift = arith::MulIOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, i8, pos),
        arith::ConstantIntOp::create(b, loc, i8, storageBits));
    code = arith::ShRUIOp::create(b, loc, code, shift);
  }
  if (bits < 8)
    code = arith::AndIOp::create(
        b, loc, code, arith::ConstantIntOp::create(b, loc, i8, (1 << bits) - 1));
  return arith::UIToFPOp::create(b, loc, b.getF32Type(), code);
}

namespace {

struct WeightMatMulLowering : OpConversionPattern<qopt::WeightMatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qopt::WeightMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getY(), rewriter, op);
    if (failed(resultType))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    int64_t bits = op.getBits(), s = op.getStorageBits(), perByte = 8 / s;
    int64_t k = op.getK();
    int64_t gs = op.getGroupSize() == 0 ? k : op.getGroupSize();
    int64_t groups = op.getNumGroups();
    Value x = collapseToRows(rewriter, loc, adaptor.getX());
    Value w = adaptor.getW(), scale = adaptor.getScale();
    Value zp = op.getZeroPoint() ? adaptor.getZeroPoint() : Value();
    auto wt = cast<RankedTensorType>(w.getType());
    int64_t n = wt.getDimSize(0);
    OpFoldResult rows = dimOf(rewriter, loc, x, 0);
    OpFoldResult cols = dimOf(rewriter, loc, w, 0);
    int64_t rowsStatic = cast<RankedTensorType>(x.getType()).getDimSize(0);
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto yType = RankedTensorType::get({rowsStatic, n}, f32);
    Value zero = createScalarConstant(rewriter, loc, f32, 0.0);
    Value init =
        op.getBias()
            ? buildGeneric(rewriter, loc, yType, {rows, cols},
                           adaptor.getBias(), {AffineMap::get(2, 0, {d(1)}, ctx)},
                           [](OpBuilder &, Location, ValueRange args) {
                             return args[0];
                           })
            : createFilledTensor(rewriter, loc, yType, {rows, cols}, zero);
    // The zero point of a code as f32.
    auto zeroPointOf = [&](OpBuilder &b, Location l, ValueRange args,
                           size_t index) -> Value {
      if (!zp)
        return createScalarConstant(b, l, f32, double(1 << (bits - 1)));
      return arith::UIToFPOp::create(b, l, f32, args[index]);
    };

    Value y;
    if (k % gs != 0 || gs % perByte != 0) {
      // Scalar fallback: one generic over (r, n, k).
      SmallVector<Value> inputs = {x, w, scale};
      AffineMap groupMap =
          AffineMap::get(3, 0, {d(1), d(2).floorDiv(gs)}, ctx);
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, {d(0), d(2)}, ctx),
          AffineMap::get(3, 0, {d(1), d(2).floorDiv(perByte)}, ctx), groupMap};
      if (zp) {
        inputs.push_back(zp);
        maps.push_back(groupMap);
      }
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
      y = linalg::GenericOp::create(
              rewriter, loc, yType, inputs, init, maps,
              {utils::IteratorType::parallel, utils::IteratorType::parallel,
               utils::IteratorType::reduction},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value pos;
                if (s < 8)
                  pos = arith::RemUIOp::create(
                      b, l, linalg::IndexOp::create(b, l, 2),
                      arith::ConstantIndexOp::create(b, l, perByte));
                Value code = unpackCode(b, l, args[1], pos, s, bits);
                Value v = arith::MulFOp::create(
                    b, l,
                    arith::SubFOp::create(b, l, code, zeroPointOf(b, l, args, 3)),
                    args[2]);
                Value acc = arith::AddFOp::create(
                    b, l, args.back(), arith::MulFOp::create(b, l, args[0], v));
                linalg::YieldOp::create(b, l, ValueRange{acc});
              })
              .getResult(0);
    } else {
      int64_t bytesPerGroup = gs / perByte;
      // x' [R, G, P, B].
      Value xt;
      if (perByte == 1) {
        xt = expandDim(rewriter, loc, x, 1,
                       {rewriter.getIndexAttr(groups), rewriter.getIndexAttr(1),
                        rewriter.getIndexAttr(bytesPerGroup)});
      } else {
        Value x4 = expandDim(rewriter, loc, x, 1,
                             {rewriter.getIndexAttr(groups),
                              rewriter.getIndexAttr(bytesPerGroup),
                              rewriter.getIndexAttr(perByte)});
        auto xtType =
            RankedTensorType::get({rowsStatic, groups, perByte, bytesPerGroup}, f32);
        Value empty = createEmptyTensor(
            rewriter, loc, xtType,
            {rows, rewriter.getIndexAttr(groups), rewriter.getIndexAttr(perByte),
             rewriter.getIndexAttr(bytesPerGroup)});
        xt = linalg::TransposeOp::create(rewriter, loc, x4, empty,
                                         ArrayRef<int64_t>{0, 1, 3, 2})
                 .getResult()[0];
      }
      Value w3 = expandDim(rewriter, loc, w, 1,
                           {rewriter.getIndexAttr(groups),
                            rewriter.getIndexAttr(bytesPerGroup)});
      auto red = utils::IteratorType::reduction;
      auto par = utils::IteratorType::parallel;
      // dot[r, n, g] over (r, n, g, p, b).
      auto dotType = RankedTensorType::get({rowsStatic, n, groups}, f32);
      Value dotInit = createFilledTensor(
          rewriter, loc, dotType, {rows, cols, rewriter.getIndexAttr(groups)},
          zero);
      Value dot =
          linalg::GenericOp::create(
              rewriter, loc, dotType, ValueRange{xt, w3}, dotInit,
              {AffineMap::get(5, 0, {d(0), d(2), d(3), d(4)}, ctx),
               AffineMap::get(5, 0, {d(1), d(2), d(4)}, ctx),
               AffineMap::get(5, 0, {d(0), d(1), d(2)}, ctx)},
              {par, par, par, red, red},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value pos = s < 8 ? (Value)linalg::IndexOp::create(b, l, 3)
                                  : Value();
                Value code = unpackCode(b, l, args[1], pos, s, bits);
                Value acc = arith::AddFOp::create(
                    b, l, args[2], arith::MulFOp::create(b, l, args[0], code));
                linalg::YieldOp::create(b, l, ValueRange{acc});
              })
              .getResult(0);
      // xsum[r, g] over (r, g, p, b).
      auto xsumType = RankedTensorType::get({rowsStatic, groups}, f32);
      Value xsumInit = createFilledTensor(
          rewriter, loc, xsumType, {rows, rewriter.getIndexAttr(groups)}, zero);
      Value xsum =
          linalg::GenericOp::create(
              rewriter, loc, xsumType, ValueRange{xt}, xsumInit,
              {AffineMap::getMultiDimIdentityMap(4, ctx),
               AffineMap::get(4, 0, {d(0), d(1)}, ctx)},
              {par, par, red, red},
              [&](OpBuilder &b, Location l, ValueRange args) {
                linalg::YieldOp::create(
                    b, l,
                    ValueRange{arith::AddFOp::create(b, l, args[1], args[0])});
              })
              .getResult(0);
      // y[r, n] = init + sum_g scale * (dot - zp * xsum) over (r, n, g).
      SmallVector<Value> inputs = {dot, xsum, scale};
      AffineMap ng = AffineMap::get(3, 0, {d(1), d(2)}, ctx);
      SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(3, ctx),
                                     AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                     ng};
      if (zp) {
        inputs.push_back(zp);
        maps.push_back(ng);
      }
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
      y = linalg::GenericOp::create(
              rewriter, loc, yType, inputs, init, maps, {par, par, red},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value corrected = arith::SubFOp::create(
                    b, l, args[0],
                    arith::MulFOp::create(b, l, zeroPointOf(b, l, args, 3),
                                          args[1]));
                Value acc = arith::AddFOp::create(
                    b, l, args.back(),
                    arith::MulFOp::create(b, l, args[2], corrected));
                linalg::YieldOp::create(b, l, ValueRange{acc});
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, expandRows(rewriter, loc, y, adaptor.getX(),
                                      *resultType));
    return success();
  }
};

} // namespace

void quant_opt::populateQOptWeightMatMulToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<WeightMatMulLowering>(converter, patterns.getContext());
}
