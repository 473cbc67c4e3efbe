//===- TileAndVectorize.cpp - the --qopt-cpu-tile-and-vectorize pass ------===//
//
// Tiling and vectorization of linalg ops on tensors for x86-64:
//
// * matmul / batch_matmul: outer `scf.forall` tiles (threads) with the fill
//   of the accumulator fused in, then register micro-tiles (12 x 32 with
//   AVX-512 and static rows, 8 x 32 with run-time rows, 6 x 16 with AVX2)
//   with the n loop outside the m loop (a B panel stays in L2 while the rows
//   of A stream through L1). The micro loops are peeled; once
//   canonicalization made the tiles static, each becomes a k loop of
//   vector.contract steps (lowered to broadcast FMAs) whose accumulator
//   read / write is hoisted out of the loop, so it stays in registers.
//   Run-time edges are cut again into 1 x vector-width tiles.
// * other linalg ops with projected-permutation maps (elementwise,
//   reductions, transposes): outer parallel dimensions become one-row
//   `scf.forall` tiles; the innermost dimension is cut into `vector-width`
//   chunks whose loop is peeled, so full chunks vectorize without masks;
//   elementwise tails are masked. Reductions along the innermost dimension
//   become partial reductions: the chunk loop carries vectors of partial
//   results (up to 4 accumulator registers, FMAs into them) and one
//   horizontal reduction follows it. Transposes are tiled in both
//   dimensions and transposed in registers (vector shuffles).
// * ops with window maps (convolutions that stayed convolutions, pooling):
//   parallel tiles over their leading plain dimensions only.
// Statically small ops get sequential outer loops instead of `scf.forall`.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUTILEANDVECTORIZE
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  return llvm::map_to_vector(values, [&](int64_t v) -> OpFoldResult {
    return b.getIndexAttr(v);
  });
}

/// Tiles `op` (fusing producers such as the accumulator's fill when
/// `fuse`) with `sizes`; returns the tiled op and its loops.
FailureOr<scf::SCFTileAndFuseResult>
tile(RewriterBase &rewriter, TilingInterface op, ArrayRef<int64_t> sizes,
     scf::SCFTilingOptions::LoopType loopType,
     ArrayRef<int64_t> interchange = {}, bool fuse = false) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(indexAttrs(rewriter, sizes));
  tiling.setLoopType(loopType);
  if (!interchange.empty())
    tiling.setInterchange(interchange);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.setFusionControlFn(
      [fuse](tensor::ExtractSliceOp, OpResult producer, bool)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!fuse || !isa<linalg::FillOp>(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(op);
  auto result = scf::tileConsumerAndFuseProducersUsingSCF(rewriter, op,
                                                          options);
  if (failed(result))
    return failure();
  for (OpResult res : op->getResults())
    if (Value replacement = result->replacements.lookup(res))
      rewriter.replaceAllUsesWith(res, replacement);
  if (op->use_empty())
    rewriter.eraseOp(op);
  return result;
}

/// Vectorizes `op` with `sizes` when the vectorizer supports it.
void vectorizeIfPossible(RewriterBase &rewriter, Operation *op,
                         ArrayRef<int64_t> sizes) {
  // i1 vectors are stored bit-packed, ONNX bools are bytes; math.fpowi has
  // no vector lowering.
  for (Value v : op->getOperands())
    if (getElementTypeOrSelf(v.getType()).isInteger(1))
      return;
  for (Value v : op->getResults())
    if (getElementTypeOrSelf(v.getType()).isInteger(1))
      return;
  bool unsupported = false;
  op->walk([&](Operation *inner) {
    if (isa<math::FPowIOp, math::IPowIOp>(inner))
      unsupported = true;
  });
  if (unsupported)
    return;
  // The vectorizer indexes the scalable flags by dimension: always pass them.
  SmallVector<bool> scalable(sizes.size(), false);
  if (failed(linalg::vectorizeOpPrecondition(op, sizes, scalable)))
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> result =
      linalg::vectorize(rewriter, op, sizes, scalable,
                        /*vectorizeNDExtract=*/false,
                        /*flatten1DDepthwiseConv=*/false,
                        /*assumeDynamicDimsMatchVecSizes=*/false,
                        /*createNamedContraction=*/true);
  if (failed(result))
    return;
  if (op->getNumResults())
    rewriter.replaceOp(op, result->replacements);
  else
    rewriter.eraseOp(op);
}

/// Marks matmul micro-tiles with the vector sizes to use once static.
constexpr llvm::StringLiteral kMicroTile = "qopt.micro_tile";
/// Marks the innermost-dimension chunks of other ops with their width.
constexpr llvm::StringLiteral kVectorChunk = "qopt.vector_chunk";

/// Marks the chunk loops of partial reductions (their multiply-adds fuse).
constexpr llvm::StringLiteral kPartialReduction = "qopt.partial_reduction";

/// acc + a * b -> vector.fma(a, b, acc) on vectors whose product has no
/// other use: one instruction and one rounding instead of two. The product
/// may also be a row of a wider product used only through its rows
/// (acc + (a * b)[i] -> fma(a[i], b[i], acc)), as the lane-wise reduction of
/// a chunk's rows produces.
struct FuseMultiplyAdd : OpRewritePattern<arith::AddFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::AddFOp add,
                                PatternRewriter &rewriter) const override {
    if (!isa<VectorType>(add.getType()))
      return failure();
    for (unsigned i = 0; i < 2; ++i) {
      Value acc = add->getOperand(1 - i);
      if (auto mul = add->getOperand(i).getDefiningOp<arith::MulFOp>()) {
        if (!mul->hasOneUse())
          continue;
        rewriter.replaceOpWithNewOp<vector::FMAOp>(add, mul.getLhs(),
                                                   mul.getRhs(), acc);
        return success();
      }
      auto row = add->getOperand(i).getDefiningOp<vector::ExtractOp>();
      if (!row || !row.getDynamicPosition().empty())
        continue;
      auto mul = row.getSource().getDefiningOp<arith::MulFOp>();
      if (!mul || !llvm::all_of(mul->getUsers(), [](Operation *user) {
            return isa<vector::ExtractOp>(user);
          }))
        continue;
      ArrayRef<int64_t> position = row.getStaticPosition();
      Value lhs = vector::ExtractOp::create(rewriter, row.getLoc(),
                                            mul.getLhs(), position);
      Value rhs = vector::ExtractOp::create(rewriter, row.getLoc(),
                                            mul.getRhs(), position);
      rewriter.replaceOpWithNewOp<vector::FMAOp>(add, lhs, rhs, acc);
      return success();
    }
    return failure();
  }
};

/// A read of a filled tensor (the partial results of a reduction before its
/// first chunk) is the fill value: no buffer is needed for it.
struct ReadOfFill : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto fill = read.getBase().getDefiningOp<linalg::FillOp>();
    if (!fill || read.getMask() || read.hasOutOfBoundsDim())
      return failure();
    Value value = fill.getInputs()[0];
    if (value.getType() != read.getVectorType().getElementType())
      return failure();
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(
        read, read.getVectorType(), value);
    return success();
  }
};

/// Applies every registered op's canonicalization patterns to `root`.
void canonicalize(Operation *root) {
  MLIRContext *context = root->getContext();
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

struct CPUTileAndVectorizePass
    : quant_opt::impl::CPUTileAndVectorizeBase<CPUTileAndVectorizePass> {
  using CPUTileAndVectorizeBase::CPUTileAndVectorizeBase;

  /// scf.forall (threads) for the outer tiles of `op`, unless threads are
  /// off or the op is statically too small to pay for a parallel region
  /// (fork / join costs microseconds: tiny models would spend their time
  /// in the OpenMP runtime).
  scf::SCFTilingOptions::LoopType outerLoop(linalg::LinalgOp op) const {
    if (!parallel)
      return scf::SCFTilingOptions::LoopType::ForOp;
    constexpr int64_t kMinParallelIterations = 1 << 15;
    int64_t iterations = 1;
    for (int64_t range : op.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range))
        return scf::SCFTilingOptions::LoopType::ForallOp;
      iterations *= std::max<int64_t>(range, 1);
      if (iterations >= kMinParallelIterations)
        return scf::SCFTilingOptions::LoopType::ForallOp;
    }
    return scf::SCFTilingOptions::LoopType::ForOp;
  }

  /// matmul (m, n, k) and batch_matmul (b, m, n, k).
  void tileContraction(RewriterBase &rewriter, linalg::LinalgOp op) {
    // AVX-512: 12 x 32 (24 of the 32 zmm registers accumulate) when the
    // rows are known, so that 64-row thread tiles end in static 4-row edges;
    // 8 x 32 when they are not (a run-time edge would take the slow 1-row
    // path in every thread tile). AVX2: 6 x 16 (12 of 16 ymm registers).
    bool batched = isa<linalg::BatchMatmulOp>(op);
    bool staticRows =
        !ShapedType::isDynamic(op.getStaticLoopRanges()[batched ? 1 : 0]);
    int64_t nr = microN > 0 ? int64_t(microN) : 2 * vectorWidth;
    int64_t mr = microM > 0        ? int64_t(microM)
                 : vectorWidth < 16 ? 6
                 : staticRows       ? 12
                                    : 8;
    SmallVector<int64_t> outer = {64, 256, 0};
    if (batched)
      outer.insert(outer.begin(), 1);
    Operation *parent = op->getParentOp();
    auto outerTiles =
        tile(rewriter, cast<TilingInterface>(op.getOperation()), outer,
             outerLoop(op), {}, /*fuse=*/true);
    if (failed(outerTiles))
      return;
    Operation *scope = outerTiles->loops.empty()
                           ? parent
                           : outerTiles->loops.front().getOperation();
    tileMicro(rewriter, outerTiles->tiledAndFusedOps.front(), mr, nr, scope);
  }

  /// Register micro-tiles of `mr` x `nr` over a (batch_)matmul with the n
  /// loop outside the m loop (a B panel stays in L2 while rows of A stream
  /// through L1). The loops are peeled so that full tiles have static sizes;
  /// the tiled ops inside `scope` are marked for vectorization
  /// (runOnOperation), edges included.
  void tileMicro(RewriterBase &rewriter, Operation *op, int64_t mr, int64_t nr,
                 Operation *scope) {
    bool batched = isa<linalg::BatchMatmulOp>(op);
    SmallVector<int64_t> micro = {mr, nr, 0};
    SmallVector<int64_t> interchange = {1, 0, 2};
    SmallVector<int64_t> vector = {mr, nr, 1};
    if (batched) {
      micro.insert(micro.begin(), 1);
      interchange = {0, 2, 1, 3};
      vector.insert(vector.begin(), 1);
    }
    auto microTiles = tile(rewriter, cast<TilingInterface>(op), micro,
                           scf::SCFTilingOptions::LoopType::ForOp, interchange,
                           /*fuse=*/true);
    if (failed(microTiles))
      return;
    for (LoopLikeOpInterface loop : llvm::reverse(microTiles->loops)) {
      auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
      std::optional<int64_t> stepSize =
          forOp ? getConstantIntValue(forOp.getStep()) : std::nullopt;
      if (!stepSize || *stepSize == 1)
        continue;
      scf::ForOp partial;
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
    }
    auto mark = rewriter.getDenseI64ArrayAttr(vector);
    scope->walk([&](linalg::LinalgOp inner) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(inner) &&
          !inner->hasAttr(kMicroTile))
        inner->setAttr(kMicroTile, mark);
    });
  }

  /// Everything else: one-row parallel tiles, vectorized innermost dimension.
  void tileGeneric(RewriterBase &rewriter, linalg::LinalgOp op) {
    int64_t numLoops = op.getNumLoops();
    if (numLoops == 0)
      return;
    bool projected = llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
      return m.isProjectedPermutation(/*allowZeroInResults=*/true);
    });
    if (!projected)
      return tileWindowed(rewriter, op);
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    // The innermost loop dimension is kept whole in the outer tile (it is
    // vectorized below); every other parallel dimension is cut in rows.
    int64_t innermostParallel =
        iterators[numLoops - 1] == utils::IteratorType::parallel ? numLoops - 1
                                                                 : -1;
    SmallVector<int64_t> outer(numLoops, 0);
    bool anyOuter = false;
    for (int64_t d = 0; d < numLoops; ++d)
      if (iterators[d] == utils::IteratorType::parallel &&
          d != innermostParallel && ranges[d] != 1) {
        outer[d] = 1;
        anyOuter = true;
      }
    // Vectorize the innermost loop dimension in vector-width chunks.
    int64_t last = numLoops - 1;
    int64_t width = vectorWidth;
    if (!ShapedType::isDynamic(ranges[last]) && ranges[last] < width)
      width = std::max<int64_t>(ranges[last], 1);
    // A transpose (an input whose fastest-varying dimension is another
    // parallel loop dimension d): d is cut in vector-width tiles too, so
    // that a chunk reads whole input rows and transposes them in registers
    // instead of gathering one element per row.
    if (innermostParallel >= 0 && op.getNumReductionLoops() == 0) {
      for (OpOperand *input : op.getDpsInputOperands()) {
        AffineMap map = op.getMatchingIndexingMap(input);
        if (map.getNumResults() == 0)
          continue;
        auto fastest = dyn_cast<AffineDimExpr>(map.getResults().back());
        if (!fastest || fastest.getPosition() == unsigned(last))
          continue;
        int64_t d = fastest.getPosition();
        if (ShapedType::isDynamic(ranges[d]) || ranges[d] == 1)
          continue;
        int64_t rows = std::min<int64_t>(vectorWidth, ranges[d]);
        if (ranges[d] % rows != 0)
          continue;
        outer[d] = rows;
        anyOuter = true;
        break;
      }
    }
    Operation *current = op;
    if (anyOuter) {
      auto tiles = tile(rewriter, cast<TilingInterface>(current), outer,
                        outerLoop(op), {}, /*fuse=*/true);
      if (failed(tiles))
        return;
      current = tiles->tiledAndFusedOps.front();
    }
    SmallVector<int64_t> inner(numLoops, 0);
    inner[last] = width;
    // Dimensions tiled to 1 above are static 1 now; others stay whole and
    // need a static extent to vectorize.
    // Fusing the accumulator's fill into chunks of a reduction dimension
    // would re-initialize it in every chunk.
    bool lastIsReduction = iterators[last] == utils::IteratorType::reduction;
    // A reduction along the innermost dimension longer than one chunk keeps
    // a vector of partial results across its chunks (one horizontal
    // reduction after the loop instead of one per chunk).
    if (lastIsReduction && (ShapedType::isDynamic(ranges[last]) ||
                            ranges[last] > width)) {
      if (succeeded(tileReductionChunks(rewriter, current)))
        return;
    }
    auto innerTiles = tile(rewriter, cast<TilingInterface>(current), inner,
                           scf::SCFTilingOptions::LoopType::ForOp, {},
                           /*fuse=*/!lastIsReduction);
    if (failed(innerTiles))
      return;
    // Mark the chunk for vectorization (runOnOperation, once
    // canonicalization made sizes static), then peel the chunk loop so that
    // all chunks but the last have a static width even when the dimension
    // is dynamic: those vectorize without masks.
    Operation *tiled = innerTiles->tiledAndFusedOps.front();
    tiled->setAttr(kVectorChunk, rewriter.getI64IntegerAttr(width));
    for (LoopLikeOpInterface loop : innerTiles->loops) {
      auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
      std::optional<int64_t> stepSize =
          forOp ? getConstantIntValue(forOp.getStep()) : std::nullopt;
      if (stepSize && *stepSize > 1) {
        scf::ForOp partial;
        (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
      }
    }
  }

  /// Tiles the innermost (reduction) dimension of `op` into chunks that
  /// accumulate into a tensor of partial results, carried by the chunk loop
  /// and merged into the original accumulator after it (one horizontal
  /// reduction per op instead of one per chunk). Other reduction dimensions
  /// with static extents (the codes of a packed byte, say) become partial
  /// dimensions too, so a chunk is elementwise: each of its registers is
  /// an accumulator of its own, and the dependency chain through the loop
  /// is one FMA per chunk. The chunk is 1, 2 or 4 vectors wide, so that a
  /// chunk holds up to 4 accumulators. Fails, leaving `op` untouched, when
  /// the reduction is not one combiner op with a neutral element.
  LogicalResult tileReductionChunks(RewriterBase &rewriter, Operation *op) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    if (linalgOp.getNumDpsInits() != 1 || op->getNumResults() != 1)
      return failure();
    SmallVector<Operation *> combiners;
    if (!matchReduction(linalgOp.getRegionOutputArgs(), 0, combiners) ||
        combiners.size() != 1 || !arith::getNeutralElement(combiners[0]))
      return failure();
    unsigned last = linalgOp.getNumLoops() - 1;
    SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators =
        linalgOp.getIteratorTypesArray();
    SmallVector<int64_t> sizes(ranges.size(), 0);
    SmallVector<unsigned> reductionDims;
    int64_t otherReduced = 1;
    for (unsigned d = 0; d < last; ++d) {
      if (iterators[d] != utils::IteratorType::reduction)
        continue;
      if (ShapedType::isDynamic(ranges[d])) {
        reductionDims.clear();
        otherReduced = 1;
        break;
      }
      reductionDims.push_back(d);
      sizes[d] = ranges[d];
      otherReduced *= ranges[d];
    }
    if (reductionDims.empty())
      sizes.assign(ranges.size(), 0);
    reductionDims.push_back(last);
    int64_t unroll = std::clamp<int64_t>(4 / otherReduced, 1, 4);
    while (unroll > 1 && !ShapedType::isDynamic(ranges[last]) &&
           ranges[last] < 2 * unroll * vectorWidth)
      unroll /= 2;
    int64_t width = unroll * vectorWidth;
    sizes[last] = width;
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(indexAttrs(rewriter, sizes));
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
    tiling.setReductionTilingStrategy(
        ReductionTilingStrategy::PartialReductionOuterReduction);
    tiling.setReductionDims(reductionDims);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), tiling);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, result->replacements);
    auto mark = rewriter.getI64IntegerAttr(width);
    result->tiledOps.back()->setAttr(kVectorChunk, mark);
    for (Operation *merge : result->mergeOps)
      if (isa<linalg::LinalgOp>(merge))
        merge->setAttr(kVectorChunk, mark);
    for (LoopLikeOpInterface loop : result->loops) {
      auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
      if (!forOp)
        continue;
      forOp->setAttr(kPartialReduction, rewriter.getUnitAttr());
      std::optional<int64_t> stepSize = getConstantIntValue(forOp.getStep());
      if (stepSize && *stepSize > 1) {
        scf::ForOp partial;
        (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
        if (partial)
          partial->setAttr(kPartialReduction, rewriter.getUnitAttr());
      }
    }
    return success();
  }

  /// Vectorizes a chunk marked by tileGeneric: the innermost dimension with
  /// `width` lanes, the others with their (static) extents. Elementwise
  /// chunks may be partial (masked); reductions only full.
  void vectorizeChunk(RewriterBase &rewriter, linalg::LinalgOp op,
                      int64_t width) {
    int64_t numLoops = op.getNumLoops();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<int64_t> vector(numLoops);
    for (int64_t d = 0; d < numLoops; ++d) {
      if (d == numLoops - 1)
        vector[d] = width;
      else if (ShapedType::isDynamic(ranges[d]))
        return; // a whole dynamic dimension: keep scalar loops
      else
        vector[d] = ranges[d];
    }
    if (op.getNumReductionLoops() > 0 && ranges != vector)
      return;
    // Vectors of more than a few registers spill; keep those scalar (a
    // transpose tile, vector-width rows, is the largest chunk).
    int64_t elements = 1;
    for (int64_t v : vector)
      elements *= v;
    if (elements > vectorWidth * vectorWidth)
      return;
    vectorizeIfPossible(rewriter, op, vector);
  }

  /// Convolutions, pooling and other ops with window (sum-of-dims) maps:
  /// only the outer parallel dimensions that every map reads plainly
  /// become parallel tiles; the windows keep scalar loops.
  void tileWindowed(RewriterBase &rewriter, linalg::LinalgOp op) {
    int64_t numLoops = op.getNumLoops();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    // Tiling computes slice bounds that are wrong for decreasing
    // expressions (a flipped kernel: -d3 + 2); leave such ops whole.
    bool decreasing = false;
    for (AffineMap map : op.getIndexingMapsArray())
      for (AffineExpr e : map.getResults())
        e.walk([&](AffineExpr sub) {
          auto bin = dyn_cast<AffineBinaryOpExpr>(sub);
          if (bin && bin.getKind() == AffineExprKind::Mul)
            if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
              decreasing |= c.getValue() < 0;
        });
    if (decreasing)
      return;
    SmallVector<int64_t> outer(numLoops, 0);
    bool any = false;
    for (int64_t d = 0; d < numLoops; ++d) {
      if (iterators[d] != utils::IteratorType::parallel)
        break;
      bool plain = llvm::all_of(op.getIndexingMapsArray(), [&](AffineMap m) {
        return llvm::all_of(m.getResults(), [&](AffineExpr e) {
          return !e.isFunctionOfDim(d) || e == getAffineDimExpr(d, e.getContext());
        });
      });
      if (!plain)
        break;
      outer[d] = 1;
      any = true;
    }
    if (any)
      (void)tile(rewriter, cast<TilingInterface>(op.getOperation()), outer,
                 outerLoop(op), {}, /*fuse=*/true);
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (isa<linalg::FillOp>(op) || !op.hasPureTensorSemantics())
        return;
      if (skipInt8Contractions && quant_opt::isInt8Contraction(op))
        return;
      ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) &&
          isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())))
        tileContraction(rewriter, op);
      else
        tileGeneric(rewriter, op);
    }

    // Peeled micro-tiles now have static sizes: vectorize the full ones
    // (k in steps of 1, accumulator in registers); edges stay scalar.
    canonicalize(func);
    // Edge tiles whose size is only known at run time (a dynamic or
    // unaligned dimension) are cut again into 1 x vector-width tiles: every
    // row but a last partial vector is then static too.
    SmallVector<linalg::LinalgOp> dynamicEdges;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->hasAttr(kMicroTile))
        return;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      ranges.pop_back(); // k is stepped by 1 anyway
      if (llvm::any_of(ranges, ShapedType::isDynamic))
        dynamicEdges.push_back(op);
    });
    for (linalg::LinalgOp op : dynamicEdges) {
      op->removeAttr(kMicroTile);
      tileMicro(rewriter, op, 1, vectorWidth, op->getParentOp());
    }
    if (!dynamicEdges.empty())
      canonicalize(func);
    SmallVector<linalg::LinalgOp> chunks;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kVectorChunk))
        chunks.push_back(op);
    });
    for (linalg::LinalgOp op : chunks) {
      int64_t width = op->getAttrOfType<IntegerAttr>(kVectorChunk).getInt();
      op->removeAttr(kVectorChunk);
      vectorizeChunk(rewriter, op, width);
    }
    SmallVector<linalg::LinalgOp> marked;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kMicroTile))
        marked.push_back(op);
    });
    for (linalg::LinalgOp op : marked) {
      SmallVector<int64_t> vector = llvm::to_vector(
          op->getAttrOfType<DenseI64ArrayAttr>(kMicroTile).asArrayRef());
      op->removeAttr(kMicroTile);
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ranges.size() != vector.size())
        continue;
      // Full tiles and static edge tiles (smaller, but known) vectorize
      // without masks; dynamic edges keep scalar loops.
      bool isStatic = true;
      for (auto [range, size] : llvm::zip(ranges, vector)) {
        if (size == 1)
          continue;
        if (ShapedType::isDynamic(range) || range > size)
          isStatic = false;
        else
          size = range;
      }
      if (!isStatic)
        continue;
      SmallVector<int64_t> step(vector.size(), 0);
      step.back() = 1;
      auto kTiles = tile(rewriter, cast<TilingInterface>(op.getOperation()),
                         step, scf::SCFTilingOptions::LoopType::ForOp);
      if (succeeded(kTiles))
        vectorizeIfPossible(rewriter, kTiles->tiledAndFusedOps.front(),
                            vector);
    }

    // Reductions over outer dimensions of a vector whose innermost
    // dimension is parallel (the chunk of a partial reduction: the partial
    // results run along the chunk) become lane-wise combinations of its
    // rows; those over the innermost dimension become horizontal reductions
    // (below).
    SmallVector<Operation *> innerParallel;
    func.walk([&](vector::MultiDimReductionOp op) {
      if (!op.isReducedDim(op.getSourceVectorType().getRank() - 1))
        innerParallel.push_back(op);
    });
    if (!innerParallel.empty()) {
      RewritePatternSet lanes(&getContext());
      vector::populateVectorMultiReductionLoweringPatterns(
          lanes, vector::VectorMultiReductionLowering::InnerParallel);
      GreedyRewriteConfig config;
      config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
      (void)applyOpPatternsGreedily(innerParallel, std::move(lanes), config);
    }

    // Lower what vectorization produced to register-level operations.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
    // Transposes of loaded tiles happen in registers: shuffles (the 16 x 16
    // AVX-512 sequence for full f32 tiles) instead of one element at a
    // time. (Transposes of broadcasts fold away later; they are left alone.)
    SmallVector<Operation *> loadedTransposes;
    func.walk([&](vector::TransposeOp op) {
      if (op.getVector().getDefiningOp<vector::TransferReadOp>())
        loadedTransposes.push_back(op);
    });
    if (!loadedTransposes.empty()) {
      RewritePatternSet transposes(&getContext());
      vector::populateVectorTransposeLoweringPatterns(
          transposes, vectorWidth == 16
                          ? vector::VectorTransposeLowering::Shuffle16x16
                          : vector::VectorTransposeLowering::Shuffle1D);
      GreedyRewriteConfig config;
      config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
      (void)applyOpPatternsGreedily(loadedTransposes, std::move(transposes),
                                    config);
    }

    // The multiply-adds of partial-reduction chunks become FMAs.
    SmallVector<Operation *> addOps;
    func.walk([&](scf::ForOp loop) {
      if (!loop->hasAttr(kPartialReduction))
        return;
      loop->removeAttr(kPartialReduction);
      loop.walk([&](arith::AddFOp add) { addOps.push_back(add); });
    });
    if (!addOps.empty()) {
      RewritePatternSet fma(&getContext());
      fma.add<FuseMultiplyAdd>(&getContext());
      GreedyRewriteConfig config;
      config.setStrictness(GreedyRewriteStrictness::ExistingOps);
      (void)applyOpPatternsGreedily(addOps, std::move(fma), config);
    }

    // Keep accumulators in registers: hoist the read / write of loop-carried
    // tiles out of the loops that do not change their position (innermost
    // loops first).
    func.walk([&](scf::ForOp loop) { hoistLoopInvariantSubsets(rewriter, loop); });
    // The hoisted partial results of reductions start from their fill
    // value.
    RewritePatternSet fills(&getContext());
    fills.add<ReadOfFill>(&getContext());
    if (failed(applyPatternsGreedily(func, std::move(fills))))
      return signalPassFailure();
  }
};

} // namespace
