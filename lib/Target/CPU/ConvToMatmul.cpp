//===- ConvToMatmul.cpp - the --qopt-cpu-conv-to-matmul pass --------------===//
//
// linalg.conv_2d_nchw_fchw on tensors becomes im2col + one linalg.matmul, so
// that qopt-cpu-tile-and-vectorize gives it the matmul register micro-kernel:
//
//   col[n, oh, ow, c, kh, kw] = in[n, c, oh * sh + kh * dh, ow * sw + kw * dw]
//   out2[N*OH*OW, F] = matmul(col[N*OH*OW, C*KH*KW], filterT[C*KH*KW, F])
//
// accumulating into the conv's init (the bias broadcast), permuted from
// [N, F, OH, OW] to [N, OH, OW, F]; the result is permuted back. Kernel
// dimensions of extent 1 are left out of col, so a 1x1 stride-1 conv's col
// is a plain NCHW -> NHWC permutation of the input. The permutations are
// linalg.generic ops: elementwise fusion merges them with the bias and the
// following activation, and constant folding folds the filter's.
//
// A grouped conv (conv_2d_ngchw_gfchw, float, static filter) takes the same
// path with the group G as a leading batch dimension everywhere:
// colT[G, C/G*KH*KW, N*OH*OW], filter [G, F/G, C/G*KH*KW], init permuted to
// [G, F/G, N*OH*OW], one linalg.batch_matmul, permuted back to
// [N, G, F/G, OH, OW]. Depthwise, 1-D / 3-D and integer convolutions are left
// as they are.
//
// The options min-channels (F per group), min-reduction (C/G * KH * KW) and
// min-macs (when the sizes are static) keep small convolutions as they are:
// 0 on the CPU, the NVPTX pipeline's thresholds on the GPU (docs/gpu.md).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUCONVTOMATMUL
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// A tensor.empty of `sizes` (static where known) and element type `type`.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type type) {
  return tensor::EmptyOp::create(b, loc, sizes, type);
}

/// `src` with its dimensions permuted: result dim i is `src` dim perm[i]
/// (a linalg.generic copy, which fusion and constant folding understand).
Value permute(OpBuilder &b, Location loc, Value src, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(src.getType());
  SmallVector<OpFoldResult> srcSizes = tensor::getMixedSizes(b, loc, src);
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> inExprs(perm.size());
  for (auto [i, p] : llvm::enumerate(perm)) {
    sizes.push_back(srcSizes[p]);
    inExprs[p] = b.getAffineDimExpr(i);
  }
  int64_t rank = perm.size();
  Value init = emptyTensor(b, loc, sizes, type.getElementType());
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, inExprs, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{src},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, args[0]);
             })
      .getResult(0);
}

/// Rewrites a float 2-D convolution with a static filter, plain
/// (conv_2d_nchw_fchw) or grouped (conv_2d_ngchw_gfchw), as im2col + one
/// matmul; the grouped form keeps the group as a leading batch dimension of
/// every operand and uses one batch_matmul.
template <typename ConvOp>
struct ConvToMatmulPattern : OpRewritePattern<ConvOp> {
  ConvToMatmulPattern(MLIRContext *context, int64_t minChannels,
                      int64_t minReduction, int64_t minMacs)
      : OpRewritePattern<ConvOp>(context), minChannels(minChannels),
        minReduction(minReduction), minMacs(minMacs) {}
  /// Size thresholds below which the conv stays a conv (pass options).
  int64_t minChannels, minReduction, minMacs;
  /// Whether the operands carry a group dimension: input [N, G, C, H, W],
  /// filter [G, F, C, KH, KW], init [N, G, F, OH, OW].
  static constexpr bool grouped =
      std::is_same_v<ConvOp, linalg::Conv2DNgchwGfchwOp>;
  static constexpr int64_t g = grouped ? 1 : 0;

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not on tensors");
    Value input = op.getInputs()[0], filter = op.getInputs()[1],
          init = op.getOutputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto filterType = cast<RankedTensorType>(filter.getType());
    auto initType = cast<RankedTensorType>(init.getType());
    // The micro-kernel is for floats; integer convs keep their loops.
    if (!isa<FloatType>(initType.getElementType()) ||
        !isa<FloatType>(inputType.getElementType()) ||
        !isa<FloatType>(filterType.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a float convolution");
    if (!filterType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic filter shape");
    if (llvm::is_contained(filterType.getShape(), 0))
      return rewriter.notifyMatchFailure(op, "empty filter");
    int64_t c = filterType.getDimSize(g + 1), kh = filterType.getDimSize(g + 2),
            kw = filterType.getDimSize(g + 3);
    // Too small to pay for the im2col copy (thresholds of the target).
    int64_t f = filterType.getDimSize(g);
    if (f < minChannels || c * kh * kw < minReduction)
      return rewriter.notifyMatchFailure(op, "below the size thresholds");
    if (minMacs > 0 && initType.hasStaticShape() &&
        initType.getNumElements() * c * kh * kw < minMacs)
      return rewriter.notifyMatchFailure(op, "fewer MACs than min-macs");
    SmallVector<int64_t> strides =
        llvm::to_vector(op.getStrides().template getValues<int64_t>());
    SmallVector<int64_t> dilations =
        llvm::to_vector(op.getDilations().template getValues<int64_t>());

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<OpFoldResult> outSizes =
        tensor::getMixedSizes(rewriter, loc, init); // N, [G,] F, OH, OW

    // im2col, transposed: colT[[g,] c, kh, kw, n, oh, ow] =
    //   in[n, [g,] c, oh * sh + kh * dh, ow * sw + kw * dw]
    // (kernel dims of extent 1 left out), so that the innermost loop reads
    // the input's rows.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<OpFoldResult> colSizes;
    if (grouped)
      colSizes.push_back(outSizes[1]);
    colSizes.push_back(rewriter.getIndexAttr(c));
    unsigned next = g + 1;
    std::optional<unsigned> khDim, kwDim;
    if (kh != 1) {
      khDim = next++;
      colSizes.push_back(rewriter.getIndexAttr(kh));
    }
    if (kw != 1) {
      kwDim = next++;
      colSizes.push_back(rewriter.getIndexAttr(kw));
    }
    unsigned nDim = next, colRank = next + 3;
    colSizes.append({outSizes[0], outSizes[g + 2], outSizes[g + 3]});
    AffineExpr row = d(nDim + 1) * strides[0], col = d(nDim + 2) * strides[1];
    if (khDim)
      row = row + d(*khDim) * dilations[0];
    if (kwDim)
      col = col + d(*kwDim) * dilations[1];
    SmallVector<AffineExpr> inExprs = {d(nDim)};
    if (grouped)
      inExprs.push_back(d(0));
    inExprs.append({d(g), row, col});
    Value colInit =
        emptyTensor(rewriter, loc, colSizes, inputType.getElementType());
    SmallVector<AffineMap> colMaps = {
        AffineMap::get(colRank, 0, inExprs, ctx),
        rewriter.getMultiDimIdentityMap(colRank)};
    Value colTensor =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{colInit.getType()}, ValueRange{input},
            ValueRange{colInit}, colMaps,
            SmallVector<utils::IteratorType>(colRank,
                                             utils::IteratorType::parallel),
            [](OpBuilder &nb, Location nloc, ValueRange args) {
              linalg::YieldOp::create(nb, nloc, args[0]);
            })
            .getResult(0);
    // [[G,] C, KH, KW, N, OH, OW] -> [[G,] C*KH*KW, N*OH*OW].
    SmallVector<ReassociationIndices> colGroups(g, ReassociationIndices{0});
    colGroups.push_back(llvm::to_vector_of<int64_t, 2>(llvm::seq<int64_t>(g, nDim)));
    colGroups.push_back({nDim, nDim + 1, nDim + 2});
    Value rhs =
        tensor::CollapseShapeOp::create(rewriter, loc, colTensor, colGroups);

    // Filter, init and result keep their leading [G,] F dims and merge the
    // last three: [[G,] F, C, KH, KW] -> [[G,] F, C*KH*KW] (a reshape) and
    // [[G,] F, N, OH, OW] <-> [[G,] F, N*OH*OW].
    SmallVector<ReassociationIndices> lastThree;
    for (int64_t i = 0; i <= g; ++i)
      lastThree.push_back({i});
    lastThree.push_back({g + 1, g + 2, g + 3});
    Value lhs =
        tensor::CollapseShapeOp::create(rewriter, loc, filter, lastThree);

    // init [N, [G,] F, OH, OW] -> [[G,] F, N, OH, OW], N moved after F.
    SmallVector<int64_t> toAcc, fromAcc; // and its inverse
    for (int64_t i = 1; i <= g + 1; ++i)
      toAcc.push_back(i);
    toAcc.append({0, g + 2, g + 3});
    fromAcc.push_back(g + 1);
    for (int64_t i = 0; i <= g; ++i)
      fromAcc.push_back(i);
    fromAcc.append({g + 2, g + 3});
    Value acc = tensor::CollapseShapeOp::create(
        rewriter, loc, permute(rewriter, loc, init, toAcc), lastThree);
    Value product;
    if constexpr (grouped)
      product = linalg::BatchMatmulOp::create(rewriter, loc,
                                              TypeRange{acc.getType()},
                                              ValueRange{lhs, rhs},
                                              ValueRange{acc})
                    .getResult(0);
    else
      product = linalg::MatmulOp::create(rewriter, loc,
                                         TypeRange{acc.getType()},
                                         ValueRange{lhs, rhs}, ValueRange{acc})
                    .getResult(0);

    // [[G,] F, N*OH*OW] -> [[G,] F, N, OH, OW] -> [N, [G,] F, OH, OW].
    SmallVector<OpFoldResult> accSizes;
    SmallVector<int64_t> accShape;
    for (int64_t p : toAcc) {
      accSizes.push_back(outSizes[p]);
      accShape.push_back(initType.getDimSize(p));
    }
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc, initType.clone(accShape), product, lastThree, accSizes);
    Value result = permute(rewriter, loc, expanded, fromAcc);
    if (result.getType() != initType)
      result = tensor::CastOp::create(rewriter, loc, initType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CPUConvToMatmulPass
    : quant_opt::impl::CPUConvToMatmulBase<CPUConvToMatmulPass> {
  using CPUConvToMatmulBase::CPUConvToMatmulBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvToMatmulPattern<linalg::Conv2DNchwFchwOp>,
                 ConvToMatmulPattern<linalg::Conv2DNgchwGfchwOp>>(
        &getContext(), minChannels, minReduction, minMacs);
    // Sizes read with tensor.dim go back to their tensor.empty operands, so
    // that the bias broadcast keeps one use and fuses into its permutation.
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
