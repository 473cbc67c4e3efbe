//===- MapParallelLoops.cpp - --qopt-nvptx-map-parallel-loops -------------===//
//
// Collapses each outermost scf.parallel into one dimension, tiles it by the
// block size and maps the tile loop to block x, the in-tile loop to thread x.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXMAPPARALLELLOOPS
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// Outermost scf.parallel loops without results, outside gpu.launch.
SmallVector<scf::ParallelOp> collectOutermost(func::FuncOp func) {
  SmallVector<scf::ParallelOp> loops;
  func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (isa<gpu::LaunchOp>(op))
      return WalkResult::skip();
    if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      if (loop.getNumResults() == 0)
        loops.push_back(loop);
      return WalkResult::skip();
    }
    return WalkResult::advance();
  });
  return loops;
}

struct NVPTXMapParallelLoopsPass
    : quant_opt::impl::NVPTXMapParallelLoopsBase<NVPTXMapParallelLoopsPass> {
  using NVPTXMapParallelLoopsBase::NVPTXMapParallelLoopsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (blockSize <= 0) {
      func.emitError() << "qopt-nvptx-map-parallel-loops: block-size must be "
                          "positive, got "
                       << blockSize;
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    // One dimension per loop: a grid of ceil(iterations / block-size) blocks.
    for (scf::ParallelOp loop : collectOutermost(func)) {
      unsigned rank = loop.getNumLoops();
      if (rank < 2)
        continue;
      std::vector<unsigned> all;
      for (unsigned d = 0; d < rank; ++d)
        all.push_back(d);
      rewriter.setInsertionPoint(loop);
      mlir::collapseParallelLoops(rewriter, loop, {all});
    }
    MLIRContext *context = &getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
    auto mapping = [&](gpu::Processor processor) {
      return gpu::ParallelLoopDimMappingAttr::get(context, processor, identity,
                                                  identity);
    };
    for (scf::ParallelOp loop : collectOutermost(func)) {
      auto [outer, inner] =
          scf::tileParallelLoop(loop, {blockSize}, /*noMinMaxBounds=*/true);
      if (failed(gpu::setMappingAttr(outer, {mapping(gpu::Processor::BlockX)})) ||
          failed(gpu::setMappingAttr(inner,
                                     {mapping(gpu::Processor::ThreadX)}))) {
        outer.emitError() << "cannot map the loop to GPU blocks and threads";
        return signalPassFailure();
      }
      // Loops nested in the thread body run sequentially.
      inner.getBody()->walk([&](scf::ParallelOp nested) {
        SmallVector<gpu::ParallelLoopDimMappingAttr> seq(
            nested.getNumLoops(), mapping(gpu::Processor::Sequential));
        (void)gpu::setMappingAttr(nested, seq);
      });
    }
  }
};

} // namespace
