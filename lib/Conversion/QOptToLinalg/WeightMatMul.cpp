//===- WeightMatMul.cpp - qopt weight_matmul -> linalg --------------------===//
//
// Weight-only matmul with the dequantization fused into the contraction;
// the float weight is never materialized. With P = 8 / s codes per byte
// (s = bits, 4 for 3-bit codes), groups of gs = group_size (K per channel)
// codes, G = K / gs groups and B = gs / P bytes per group:
//
//   x'[r, g, p, b] = x[r, g * gs + b * P + p]      (a transpose of x)
//   dot[r, n, g]   = sum_{p, b} x'[r, g, p, b] *
//                    (code(w[n, g * B + b], p) - zp[n, g])
//   y[r, n]        = bias[n] + sum_g scale[n, g] * dot[r, n, g]
//
// Every map is a projected permutation, so the CPU pipeline vectorizes the
// dot along the packed bytes b (the unpacking shift comes from linalg.index
// of p). That fused GEMV serves one row (decode). With more
// rows, blocks of 64 (or fewer) weight rows are dequantized into an f32
// tile [block, K] (vectorized along b), transposed, and multiplied by a
// linalg.matmul, so the codes are unpacked once per call; rows known only
// at run time choose between the two with an scf.if. Shapes that do not split that way (K % gs != 0 or gs % P != 0) get
// one generic over (r, n, k) that reads the packed byte and its group
// through floordiv maps: correct, but scalar.
//
// With a code book (NF4) the weight is book[code] * scale: the code indexes
// a 16-entry f32 constant tensor (tensor.extract inside the same bodies; the
// vectorizer turns it into a gather) and there is no zero point.
// Double-quantized scales (i8 codes, scale_scale, scale_offset) are read as
// bytes and dequantized where they are used: in the GEMV's per-group
// epilogue (scale = code * scale_scale[(n * G + g) / 256] + offset), in the
// scalar path's body, and for the blocked path into one [block, G] f32 tile
// per block of weight rows; the f32 scales of the whole weight never exist.
//
//===----------------------------------------------------------------------===//

#include "ContractionUtils.h"
#include "ONNXToLinalg/QuantUtils.h"
#include "QuantOpt/Conversion/QOptToLinalg/QOptToLinalg.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

/// The code at position `pos` (an index value, or null for 8-bit codes) of
/// packed byte `byte`, as an i8.
static Value unpackCodeBits(OpBuilder &b, Location loc, Value byte, Value pos,
                            int64_t storageBits, int64_t bits) {
  Type i8 = b.getI8Type();
  Value code = byte;
  if (storageBits < 8) {
    Value width = arith::ConstantIntOp::create(b, loc, i8, storageBits);
    Value shift = arith::MulIOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, i8, pos), width);
    code = arith::ShRUIOp::create(b, loc, code, shift);
  }
  if (bits < 8)
    code = arith::AndIOp::create(
        b, loc, code, arith::ConstantIntOp::create(b, loc, i8, (1 << bits) - 1));
  return code;
}

/// The code at position `pos` of packed byte `byte`, as f32: the code
/// itself, or its entry in `codebook` (a 16 x f32 tensor) when there is one.
static Value unpackCode(OpBuilder &b, Location loc, Value byte, Value pos,
                        int64_t storageBits, int64_t bits,
                        Value codebook = Value()) {
  Value code = unpackCodeBits(b, loc, byte, pos, storageBits, bits);
  if (!codebook)
    return arith::UIToFPOp::create(b, loc, b.getF32Type(), code);
  Value index = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
  return tensor::ExtractOp::create(b, loc, codebook, ValueRange{index});
}

namespace {

struct WeightMatMulLowering : OpConversionPattern<qopt::WeightMatMulOp> {
  WeightMatMulLowering(const TypeConverter &converter, MLIRContext *context,
                       bool kernelForm)
      : OpConversionPattern(converter, context), kernelForm(kernelForm) {}
  bool kernelForm;
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
    // Code book (NF4): a constant 16 x f32 tensor the codes index.
    Value book;
    if (std::optional<ArrayRef<float>> values = op.getCodebook())
      book = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(RankedTensorType::get({16}, f32), *values));
    // Double-quantized scales: i8 codes, per-256 scales and an offset.
    bool dqScales = op.hasDoubleQuantScales();
    Value scaleScale = dqScales ? adaptor.getScaleScale() : Value();
    Value scaleOffset = dqScales ? adaptor.getScaleOffset() : Value();
    Type scaleElt = dqScales ? (Type)rewriter.getI8Type() : f32;
    // The f32 scale of weight row `nIndex`, group `gIndex` (index values)
    // from the scale operand's element `element`.
    auto scaleOf = [&](OpBuilder &b, Location l, Value element, Value nIndex,
                       Value gIndex) -> Value {
      if (!dqScales)
        return element;
      Value flat = arith::AddIOp::create(
          b, l,
          arith::MulIOp::create(b, l, nIndex,
                                arith::ConstantIndexOp::create(b, l, groups)),
          gIndex);
      Value blockIndex = arith::DivUIOp::create(
          b, l, flat,
          arith::ConstantIndexOp::create(b, l,
                                         qopt::WeightMatMulOp::kScaleBlock));
      Value blockScale =
          tensor::ExtractOp::create(b, l, scaleScale, ValueRange{blockIndex});
      Value offset = tensor::ExtractOp::create(b, l, scaleOffset, ValueRange{});
      Value code = arith::SIToFPOp::create(b, l, f32, element);
      return arith::AddFOp::create(
          b, l, arith::MulFOp::create(b, l, code, blockScale), offset);
    };
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
    if (kernelForm || k % gs != 0 || gs % perByte != 0) {
      // The kernel form's mark carries what a GEMV kernel needs besides the
      // operands: the code book, and for double-quantized scales the offset
      // and a splat scale_scale (constants: a splat or scalar constant
      // operand would be folded into the body by elementwise fusion, which
      // drops the mark); a non-splat scale_scale is an operand. A scale
      // offset that is not a constant leaves the generic unmarked.
      bool mark = kernelForm;
      std::optional<float> offsetValue, scaleScaleValue;
      if (mark && dqScales) {
        DenseElementsAttr constant;
        if (matchPattern(scaleOffset, m_Constant(&constant)) &&
            constant.isSplat())
          offsetValue = constant.getSplatValue<float>();
        else
          mark = false;
        if (matchPattern(scaleScale, m_Constant(&constant)) &&
            constant.isSplat())
          scaleScaleValue = constant.getSplatValue<float>();
      }
      bool scaleScaleOperand = mark && dqScales && !scaleScaleValue;
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
      if (scaleScaleOperand) {
        // scale_scale[(n * G + g) / 256].
        inputs.push_back(scaleScale);
        maps.push_back(AffineMap::get(
            3, 0,
            {(d(1) * groups + d(2).floorDiv(gs))
                 .floorDiv(qopt::WeightMatMulOp::kScaleBlock)},
            ctx));
      }
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
      y = linalg::GenericOp::create(
              rewriter, loc, yType, inputs, init, maps,
              {utils::IteratorType::parallel, utils::IteratorType::parallel,
               utils::IteratorType::reduction},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value pos;
                if (s < 8) {
                  Value k = linalg::IndexOp::create(b, l, 2);
                  pos = arith::RemUIOp::create(
                      b, l, k, arith::ConstantIndexOp::create(b, l, perByte));
                }
                Value code = unpackCode(b, l, args[1], pos, s, bits, book);
                if (!book) {
                  Value zeroPoint = zeroPointOf(b, l, args, 3);
                  code = arith::SubFOp::create(b, l, code, zeroPoint);
                }
                Value scaleValue = args[2];
                if (dqScales && mark) {
                  // code * scale_scale + offset, scale_scale an operand or
                  // a constant of the mark.
                  Value blockScale =
                      scaleScaleOperand
                          ? args[3]
                          : createScalarConstant(b, l, f32, *scaleScaleValue);
                  scaleValue = arith::AddFOp::create(
                      b, l,
                      arith::MulFOp::create(
                          b, l, arith::SIToFPOp::create(b, l, f32, args[2]),
                          blockScale),
                      createScalarConstant(b, l, f32, *offsetValue));
                } else if (dqScales) {
                  Value g = arith::DivUIOp::create(
                      b, l, linalg::IndexOp::create(b, l, 2),
                      arith::ConstantIndexOp::create(b, l, gs));
                  scaleValue = scaleOf(b, l, args[2],
                                       linalg::IndexOp::create(b, l, 1), g);
                }
                Value v = arith::MulFOp::create(b, l, code, scaleValue);
                Value acc = arith::AddFOp::create(
                    b, l, args.back(), arith::MulFOp::create(b, l, args[0], v));
                linalg::YieldOp::create(b, l, ValueRange{acc});
              })
              .getResult(0);
      if (mark) {
        SmallVector<NamedAttribute> entries = {
            rewriter.getNamedAttr("bits", rewriter.getI64IntegerAttr(bits)),
            rewriter.getNamedAttr("group_size",
                                  rewriter.getI64IntegerAttr(gs))};
        if (std::optional<ArrayRef<float>> values = op.getCodebook())
          entries.push_back(rewriter.getNamedAttr(
              "codebook", rewriter.getDenseF32ArrayAttr(*values)));
        if (offsetValue)
          entries.push_back(rewriter.getNamedAttr(
              "scale_offset", rewriter.getF32FloatAttr(*offsetValue)));
        if (scaleScaleValue)
          entries.push_back(rewriter.getNamedAttr(
              "scale_scale", rewriter.getF32FloatAttr(*scaleScaleValue)));
        y.getDefiningOp()->setAttr(kWeightMatMulAttrName,
                                   rewriter.getDictionaryAttr(entries));
      }
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
      // M = 1 (decode): the fused GEMV.
      auto fused = [&]() -> Value {
        // dot[r, n, g] over (r, n, g, p, b), the zero point subtracted from
        // each code (it is constant along p and b).
        auto dotType = RankedTensorType::get({rowsStatic, n, groups}, f32);
        Value dotInit = createFilledTensor(
            rewriter, loc, dotType, {rows, cols, rewriter.getIndexAttr(groups)},
            zero);
        SmallVector<Value> dotInputs = {xt, w3};
        SmallVector<AffineMap> dotMaps = {
            AffineMap::get(5, 0, {d(0), d(2), d(3), d(4)}, ctx),
            AffineMap::get(5, 0, {d(1), d(2), d(4)}, ctx)};
        if (zp) {
          dotInputs.push_back(zp);
          dotMaps.push_back(AffineMap::get(5, 0, {d(1), d(2)}, ctx));
        }
        dotMaps.push_back(AffineMap::get(5, 0, {d(0), d(1), d(2)}, ctx));
        Value dot =
            linalg::GenericOp::create(
                rewriter, loc, dotType, dotInputs, dotInit, dotMaps,
                {par, par, par, red, red},
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value pos = s < 8 ? (Value)linalg::IndexOp::create(b, l, 3)
                                    : Value();
                  // (Separate statements: a fixed order of the created ops.)
                  Value code = unpackCode(b, l, args[1], pos, s, bits, book);
                  if (!book) {
                    Value zeroPoint = zeroPointOf(b, l, args, 2);
                    code = arith::SubFOp::create(b, l, code, zeroPoint);
                  }
                  Value acc = arith::AddFOp::create(
                      b, l, args.back(), arith::MulFOp::create(b, l, args[0], code));
                  linalg::YieldOp::create(b, l, ValueRange{acc});
                })
                .getResult(0);
        // y[r, n] = init + sum_g scale[n, g] * dot[r, n, g] over (r, n, g).
        return linalg::GenericOp::create(
                rewriter, loc, yType, ValueRange{dot, scale}, init,
                {AffineMap::getMultiDimIdentityMap(3, ctx),
                 AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                 AffineMap::get(3, 0, {d(0), d(1)}, ctx)},
                {par, par, red},
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value scaleValue =
                      dqScales ? scaleOf(b, l, args[1],
                                         linalg::IndexOp::create(b, l, 1),
                                         linalg::IndexOp::create(b, l, 2))
                               : args[1];
                  Value acc = arith::AddFOp::create(
                      b, l, args[2], arith::MulFOp::create(b, l, scaleValue, args[0]));
                  linalg::YieldOp::create(b, l, ValueRange{acc});
                })
                .getResult(0);
      };
      // M > 1: blocks of weight rows dequantized into a small f32 tile
      // [block, K] (K in x's (g, p, b) order), transposed to [K, block], and
      // one linalg.matmul per block: the codes are unpacked once per call,
      // not once per row, and the float weight exists one tile at a time.
      auto blocked = [&]() -> Value {
        int64_t block = n;
        for (int64_t candidate : {64, 32, 16, 8})
          if (n % candidate == 0) {
            block = candidate;
            break;
          }
        Value x2 = collapseDims(rewriter, loc, xt, 1, 3);
        Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
        Value cn = arith::ConstantIndexOp::create(rewriter, loc, n);
        Value step = arith::ConstantIndexOp::create(rewriter, loc, block);
        auto loop = scf::ForOp::create(
            rewriter, loc, c0, cn, step, ValueRange{init},
            [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
              auto slice = [&](Value v, ArrayRef<int64_t> shape, Type elt) {
                SmallVector<OpFoldResult> offsets(shape.size(),
                                                  b.getIndexAttr(0));
                offsets[0] = iv;
                SmallVector<OpFoldResult> sizes;
                for (int64_t d : shape)
                  sizes.push_back(b.getIndexAttr(d));
                return tensor::ExtractSliceOp::create(
                           b, l, RankedTensorType::get(shape, elt), v, offsets,
                           sizes,
                           SmallVector<OpFoldResult>(shape.size(),
                                                     b.getIndexAttr(1)))
                    .getResult();
              };
              Type i8 = b.getI8Type();
              Value blockScale = slice(scale, {block, groups}, scaleElt);
              if (dqScales) {
                // This block's scales dequantized: [block, G] f32.
                auto scaleTileType = RankedTensorType::get({block, groups}, f32);
                blockScale = buildGeneric(
                    b, l, scaleTileType, {}, blockScale,
                    {AffineMap::getMultiDimIdentityMap(2, ctx)},
                    [&](OpBuilder &nb, Location nl, ValueRange args) {
                      Value row = arith::AddIOp::create(
                          nb, nl, iv, linalg::IndexOp::create(nb, nl, 0));
                      return scaleOf(nb, nl, args[0], row,
                                     linalg::IndexOp::create(nb, nl, 1));
                    });
              }
              SmallVector<Value> inputs = {
                  slice(w3, {block, groups, bytesPerGroup}, i8), blockScale};
              AffineMap ng = AffineMap::get(4, 0, {d(0), d(1)}, ctx);
              SmallVector<AffineMap> maps = {
                  AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx), ng};
              if (zp) {
                inputs.push_back(slice(zp, {block, groups}, i8));
                maps.push_back(ng);
              }
              auto tileType = RankedTensorType::get(
                  {block, groups, perByte, bytesPerGroup}, f32);
              Value tile = buildGeneric(
                  b, l, tileType, {}, inputs, maps,
                  [&](OpBuilder &nb, Location nl, ValueRange args) {
                    Value pos = s < 8 ? (Value)linalg::IndexOp::create(nb, nl, 2)
                                      : Value();
                    Value v = unpackCode(nb, nl, args[0], pos, s, bits, book);
                    if (!book) {
                      Value zeroPoint = zeroPointOf(nb, nl, args, 2);
                      v = arith::SubFOp::create(nb, nl, v, zeroPoint);
                    }
                    return (Value)arith::MulFOp::create(nb, nl, v, args[1]);
                  });
              // [K, block]: the standard matmul operand layout, whose
              // micro-kernel is the fast one.
              Value tileNK = collapseDims(b, l, tile, 1, 3);
              int64_t kk = groups * perByte * bytesPerGroup;
              Value tile2 =
                  linalg::TransposeOp::create(
                      b, l, tileNK,
                      tensor::EmptyOp::create(b, l, ArrayRef<int64_t>{kk, block},
                                              f32),
                      ArrayRef<int64_t>{1, 0})
                      .getResult()[0];
              SmallVector<OpFoldResult> accOffsets = {b.getIndexAttr(0), iv};
              SmallVector<OpFoldResult> accSizes = {rows, b.getIndexAttr(block)};
              SmallVector<OpFoldResult> ones(2, b.getIndexAttr(1));
              auto accType = RankedTensorType::get({rowsStatic, block}, f32);
              Value acc = tensor::ExtractSliceOp::create(
                  b, l, accType, iterArgs[0], accOffsets, accSizes, ones);
              Value mm = linalg::MatmulOp::create(b, l, TypeRange{accType},
                                                  ValueRange{x2, tile2}, acc)
                             .getResult(0);
              Value updated = tensor::InsertSliceOp::create(
                  b, l, mm, iterArgs[0], accOffsets, accSizes, ones);
              scf::YieldOp::create(b, l, updated);
            });
        return loop.getResult(0);
      };
      if (rowsStatic == 1) {
        y = fused();
      } else if (!ShapedType::isDynamic(rowsStatic)) {
        y = blocked();
      } else {
        // Rows known at run time: decode (1 row) takes the GEMV.
        Value isOne = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq,
            getValueOrCreateConstantIndexOp(rewriter, loc, rows),
            arith::ConstantIndexOp::create(rewriter, loc, 1));
        y = scf::IfOp::create(
                rewriter, loc, isOne,
                [&](OpBuilder &b, Location l) {
                  scf::YieldOp::create(b, l, fused());
                },
                [&](OpBuilder &b, Location l) {
                  scf::YieldOp::create(b, l, blocked());
                })
                .getResult(0);
      }
    }
    rewriter.replaceOp(op, expandRows(rewriter, loc, y, adaptor.getX(),
                                      *resultType));
    return success();
  }
};

} // namespace

void quant_opt::populateQOptWeightMatMulToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    bool kernelForm) {
  patterns.add<WeightMatMulLowering>(converter, patterns.getContext(),
                                     kernelForm);
}
