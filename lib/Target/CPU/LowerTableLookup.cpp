//===- LowerTableLookup.cpp - the --qopt-cpu-lower-table-lookup pass ------===//
//
// A 16-entry f32 table (the NF4 code book) fits one zmm register, so a
// look-up into it needs no memory access: `vpermps` selects 16 lanes of the
// table by the low 4 bits of 16 indices. The vectorizer makes the code-book
// look-up of qopt.weight_matmul a `vector.gather` (vgatherdps: 16 loads per
// 16 weights); this pass rewrites such gathers, after bufferization, into
//
//   %table = vector.load %book[%c0] : memref<16xf32>, vector<16xf32>
//   %r = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%table, %i32)
//
// per 16 lanes of indices (AVX-512F), or with AVX2 (8-lane ymm permutes)
//
//   %lo = llvm.x86.avx2.permps(%table[0:8], %i32)
//   %hi = llvm.x86.avx2.permps(%table[8:16], %i32)
//   %r  = select(%i32 > 7, %hi, %lo)
//
// per 8 lanes. The load of the table is loop-invariant (LLVM folds a load
// of a constant global into a constant vector and hoists it).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPULOWERTABLELOOKUP
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// The number of entries of the look-up tables the permutes take.
constexpr int64_t kTableSize = 16;

/// True when `mask` is a constant with every lane set.
bool isAllTrue(Value mask) {
  if (matchPattern(mask, m_One()))
    return true;
  if (auto constantMask = mask.getDefiningOp<vector::ConstantMaskOp>())
    return llvm::equal(constantMask.getMaskDimSizes(),
                       constantMask.getVectorType().getShape());
  return false;
}

struct GatherToPermute : OpRewritePattern<vector::GatherOp> {
  GatherToPermute(MLIRContext *context, int64_t lanes)
      : OpRewritePattern(context), lanes(lanes) {}
  int64_t lanes;

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    // The table: a rank-1 memref<16xf32> with the identity layout, read
    // from its first element.
    auto baseType = dyn_cast<MemRefType>(op.getBase().getType());
    if (!baseType || baseType.getRank() != 1 ||
        baseType.getDimSize(0) != kTableSize ||
        !baseType.getLayout().isIdentity() ||
        !baseType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a 16 x f32 table");
    std::optional<int64_t> offset = getConstantIntValue(op.getOffsets()[0]);
    if (!offset || *offset != 0)
      return rewriter.notifyMatchFailure(op, "not read from element 0");
    VectorType resultType = op.getVectorType();
    if (resultType.isScalable() || resultType.getNumElements() % lanes != 0)
      return rewriter.notifyMatchFailure(op, "lanes not a multiple of the "
                                             "permute width");
    Location loc = op.getLoc();
    int64_t count = resultType.getNumElements();
    int64_t rows = count / lanes;
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    auto rowType = VectorType::get({lanes}, f32);
    auto indexRowType = VectorType::get({lanes}, i32);
    auto flat = [&](Value v) {
      auto type = cast<VectorType>(v.getType());
      return vector::ShapeCastOp::create(
          rewriter, loc, VectorType::get({rows, lanes}, type.getElementType()),
          v);
    };

    // Indices as i32 (an index-typed vector is cast; integers widened or
    // narrowed; only the low 4 bits matter to the permute).
    Value indices = flat(op.getIndices());
    auto indicesType = cast<VectorType>(indices.getType());
    auto indices32Type = VectorType::get({rows, lanes}, i32);
    Type indexElt = indicesType.getElementType();
    if (indexElt.isIndex())
      indices =
          arith::IndexCastOp::create(rewriter, loc, indices32Type, indices);
    else if (indexElt.getIntOrFloatBitWidth() < 32)
      indices = arith::ExtUIOp::create(rewriter, loc, indices32Type, indices);
    else if (indexElt.getIntOrFloatBitWidth() > 32)
      indices = arith::TruncIOp::create(rewriter, loc, indices32Type, indices);

    // The table in registers: one vector of 16, or two halves of 8.
    SmallVector<Value> halves;
    for (int64_t start = 0; start < kTableSize; start += lanes)
      halves.push_back(vector::LoadOp::create(
          rewriter, loc, rowType, op.getBase(),
          ValueRange{arith::ConstantIndexOp::create(rewriter, loc, start)}));
    Value table = halves.front();
    Value seven = lanes == kTableSize
                      ? Value()
                      : arith::ConstantOp::create(
                            rewriter, loc, indexRowType,
                            DenseElementsAttr::get(indexRowType, int32_t(7)))
                            .getResult();
    // Every row of the result is overwritten below.
    auto resultRowsType = VectorType::get({rows, lanes}, f32);
    Value result =
        arith::ConstantOp::create(rewriter, loc, resultRowsType,
                                  DenseElementsAttr::get(resultRowsType, 0.0f));
    for (int64_t row = 0; row < rows; ++row) {
      Value index = vector::ExtractOp::create(rewriter, loc, indices, row);
      Value looked;
      if (lanes == kTableSize) {
        looked = LLVM::CallIntrinsicOp::create(
                     rewriter, loc, rowType,
                     rewriter.getStringAttr("llvm.x86.avx512.permvar.sf.512"),
                     ValueRange{table, index})
                     .getResult(0);
      } else {
        auto permute = [&](Value half) {
          return LLVM::CallIntrinsicOp::create(
                     rewriter, loc, rowType,
                     rewriter.getStringAttr("llvm.x86.avx2.permps"),
                     ValueRange{half, index})
              .getResult(0);
        };
        Value low = permute(halves[0]), high = permute(halves[1]);
        Value upper = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::ugt, index, seven);
        looked = arith::SelectOp::create(rewriter, loc, upper, high, low);
      }
      result = vector::InsertOp::create(rewriter, loc, looked, result, row);
    }
    result = vector::ShapeCastOp::create(rewriter, loc, resultType, result);
    if (!isAllTrue(op.getMask()))
      result = arith::SelectOp::create(rewriter, loc, op.getMask(), result,
                                       op.getPassThru());
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CPULowerTableLookupPass
    : quant_opt::impl::CPULowerTableLookupBase<CPULowerTableLookupPass> {
  using CPULowerTableLookupBase::CPULowerTableLookupBase;
  void runOnOperation() override {
    if (lanes != 16 && lanes != 8) {
      getOperation().emitError()
          << "qopt-cpu-lower-table-lookup: lanes must be 16 (AVX-512F) or 8 "
             "(AVX2), not "
          << static_cast<int64_t>(lanes);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<GatherToPermute>(&getContext(), lanes);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
