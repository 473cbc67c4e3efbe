//===- ExpandCopies.cpp - the --qopt-cpu-expand-copies pass ---------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUEXPANDCOPIES
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// memref.copy lowers to a memcpy only between static-or-dynamic buffers with
/// the identity layout; anything else calls the runner-utils `memrefCopy`.
bool lowersToMemcpy(memref::CopyOp copy) {
  auto isContiguous = [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return memref && memref.getLayout().isIdentity();
  };
  return isContiguous(copy.getSource().getType()) &&
         isContiguous(copy.getTarget().getType());
}

struct CPUExpandCopiesPass
    : quant_opt::impl::CPUExpandCopiesBase<CPUExpandCopiesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::CopyOp copy) {
      if (lowersToMemcpy(copy))
        return;
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    });
  }
};

} // namespace
