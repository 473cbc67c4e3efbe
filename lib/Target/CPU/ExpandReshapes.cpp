//===- ExpandReshapes.cpp - the --qopt-cpu-expand-reshapes pass -----------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUEXPANDRESHAPES
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

bool hasMultiDynamicGroup(memref::ExpandShapeOp op) {
  MemRefType result = op.getResultType();
  for (ReassociationIndices group : op.getReassociationIndices()) {
    int dynamic = 0;
    for (int64_t d : group)
      dynamic += result.isDynamicDim(d);
    if (dynamic > 1)
      return true;
  }
  return false;
}

struct CPUExpandReshapesPass
    : quant_opt::impl::CPUExpandReshapesBase<CPUExpandReshapesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::ExpandShapeOp op) {
      if (!hasMultiDynamicGroup(op) ||
          !op.getSrcType().getLayout().isIdentity() ||
          !op.getResultType().getLayout().isIdentity())
        return;
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
      SmallVector<OpFoldResult> strides(sizes.size());
      // Row-major strides, static while the trailing sizes are static.
      OpFoldResult stride = rewriter.getIndexAttr(1);
      for (int64_t d = sizes.size() - 1; d >= 0; --d) {
        strides[d] = stride;
        if (d == 0)
          break;
        std::optional<int64_t> s = getConstantIntValue(stride);
        std::optional<int64_t> n = getConstantIntValue(sizes[d]);
        if (s && n) {
          stride = rewriter.getIndexAttr(*s * *n);
          continue;
        }
        stride = arith::MulIOp::create(
                     rewriter, loc,
                     getValueOrCreateConstantIndexOp(rewriter, loc, stride),
                     getValueOrCreateConstantIndexOp(rewriter, loc, sizes[d]))
                     .getResult();
      }
      rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
          op, op.getResultType(), op.getSrc(), rewriter.getIndexAttr(0),
          sizes, strides);
    });
  }
};

} // namespace
