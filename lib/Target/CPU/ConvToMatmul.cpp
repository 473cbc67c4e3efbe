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
// Grouped (conv_2d_ngchw_gfchw), depthwise, 1-D / 3-D and integer
// convolutions are left as they are.
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

struct ConvToMatmulPattern : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
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
    int64_t f = filterType.getDimSize(0), c = filterType.getDimSize(1),
            kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
    if (f == 0 || c == 0 || kh == 0 || kw == 0)
      return rewriter.notifyMatchFailure(op, "empty filter");
    SmallVector<int64_t> strides =
        llvm::to_vector(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations =
        llvm::to_vector(op.getDilations().getValues<int64_t>());

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<OpFoldResult> outSizes =
        tensor::getMixedSizes(rewriter, loc, init); // N, F, OH, OW

    // im2col, transposed: colT[c, kh, kw, n, oh, ow] =
    //   in[n, c, oh * sh + kh * dh, ow * sw + kw * dw]
    // (kernel dims of extent 1 left out), so that the innermost loop reads
    // the input's rows.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<OpFoldResult> colSizes = {rewriter.getIndexAttr(c)};
    unsigned next = 1;
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
    colSizes.append({outSizes[0], outSizes[2], outSizes[3]});
    AffineExpr row = d(nDim + 1) * strides[0], col = d(nDim + 2) * strides[1];
    if (khDim)
      row = row + d(*khDim) * dilations[0];
    if (kwDim)
      col = col + d(*kwDim) * dilations[1];
    Value colInit =
        emptyTensor(rewriter, loc, colSizes, inputType.getElementType());
    SmallVector<AffineMap> colMaps = {
        AffineMap::get(colRank, 0, {d(nDim), d(0), row, col}, ctx),
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
    ReassociationIndices kGroup;
    for (unsigned i = 0; i < nDim; ++i)
      kGroup.push_back(i);
    Value rhs = tensor::CollapseShapeOp::create(
        rewriter, loc, colTensor,
        SmallVector<ReassociationIndices>{kGroup,
                                          {nDim, nDim + 1, nDim + 2}});

    // filter [F, C, KH, KW] -> [F, C*KH*KW]: a reshape.
    Value lhs = tensor::CollapseShapeOp::create(
        rewriter, loc, filter,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});

    // init [N, F, OH, OW] -> [F, N, OH, OW] -> [F, N*OH*OW].
    Value acc = tensor::CollapseShapeOp::create(
        rewriter, loc, permute(rewriter, loc, init, {1, 0, 2, 3}),
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{acc.getType()},
                                 ValueRange{lhs, rhs}, ValueRange{acc})
            .getResult(0);

    // [F, N*OH*OW] -> [F, N, OH, OW] -> [N, F, OH, OW].
    SmallVector<OpFoldResult> fnhw = {outSizes[1], outSizes[0], outSizes[2],
                                      outSizes[3]};
    SmallVector<int64_t> fnhwShape = {
        initType.getDimSize(1), initType.getDimSize(0), initType.getDimSize(2),
        initType.getDimSize(3)};
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc, initType.clone(fnhwShape), product,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}}, fnhw);
    Value result = permute(rewriter, loc, expanded, {1, 0, 2, 3});
    if (result.getType() != initType)
      result = tensor::CastOp::create(rewriter, loc, initType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CPUConvToMatmulPass
    : quant_opt::impl::CPUConvToMatmulBase<CPUConvToMatmulPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvToMatmulPattern>(&getContext());
    // Sizes read with tensor.dim go back to their tensor.empty operands, so
    // that the bias broadcast keeps one use and fuses into its permutation.
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
