//===- LowerVNNI.cpp - the --qopt-cpu-lower-vnni pass ---------------------===//
//
// Turns the pure vector form of a 512-bit u8 x s8 dot product that
// qopt-cpu-int8-matmul emits,
//
//   %r = vector.multi_reduction <add>,
//          arith.muli(arith.extui(vector.shape_cast %a : vector<64xi8> to
//                                 vector<16x4xi8>),
//                     arith.extsi(vector.shape_cast %b ...)), %acc [1]
//        : vector<16x4xi32> to vector<16xi32>
//
// into `llvm.x86.avx512.vpdpbusd.512(%acc, %a, %b)`, after bufferization
// (whose deallocation pass rejects ops with unknown memory effects, as
// llvm.call_intrinsic is).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPULOWERVNNI
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// The vector<64xi8> that `v` (vector<16x4xi32>) extends with `ExtOp` from
/// a shape_cast, or null.
template <typename ExtOp> Value bytesOf(Value v) {
  auto ext = v.getDefiningOp<ExtOp>();
  if (!ext)
    return {};
  auto cast = ext.getIn().template getDefiningOp<vector::ShapeCastOp>();
  if (!cast)
    return {};
  auto type = cast.getSource().getType();
  if (type.getShape() != ArrayRef<int64_t>{64} ||
      !type.getElementType().isInteger(8))
    return {};
  return cast.getSource();
}

struct DotToVPDPBUSD : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto sourceType = op.getSourceVectorType();
    if (op.getKind() != vector::CombiningKind::ADD ||
        sourceType.getShape() != ArrayRef<int64_t>{16, 4} ||
        !sourceType.getElementType().isInteger(32) ||
        op.getReductionMask() != ArrayRef<bool>{false, true})
      return failure();
    auto mul = op.getSource().getDefiningOp<arith::MulIOp>();
    if (!mul)
      return failure();
    Value a = bytesOf<arith::ExtUIOp>(mul.getLhs());
    Value b = bytesOf<arith::ExtSIOp>(mul.getRhs());
    if (!a || !b) {
      a = bytesOf<arith::ExtUIOp>(mul.getRhs());
      b = bytesOf<arith::ExtSIOp>(mul.getLhs());
    }
    if (!a || !b)
      return failure();
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getDestType(),
        rewriter.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
        ValueRange{op.getAcc(), a, b});
    return success();
  }
};

struct CPULowerVNNIPass
    : quant_opt::impl::CPULowerVNNIBase<CPULowerVNNIPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DotToVPDPBUSD>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
