//===- TileMatmul.cpp - --qopt-nvptx-tile-matmul --------------------------===//
//
// Float linalg.matmul / linalg.batch_matmul on buffers become a gpu.launch
// of a shared-memory tiled kernel:
//
//   grid  (ceil(N / 64), ceil(M / 64), batch), block (16, 16)
//   for k0 in 0..K step 16:
//     the block copies A[m0:m0+64, k0:k0+16] and B[k0:k0+16, n0:n0+64]
//     into workgroup memory (f32, zero-padded at the edges; 4 elements per
//     thread each: one aligned 4-element vector load (128 bits for f32)
//     when the operand's rows are a static multiple of 4 long with an
//     identity layout, else 4 scalar loads), barrier,
//     each thread accumulates its 4 x 4 outputs (rows ty + 16 i, columns
//     tx + 16 j: conflict-free shared reads, coalesced writes) in 16 f32
//     loop-carried values (registers; the k-tile loop fully unrolled),
//     barrier
//   C[r, c] += acc (in bounds only)
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXTILEMATMUL
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

constexpr int64_t kTile = 64;   // C tile per block (rows and columns)
constexpr int64_t kThreads = 16; // threads per block dimension
constexpr int64_t kPerThread = kTile / kThreads; // 4 x 4 outputs per thread
constexpr int64_t kTileK = 16;
constexpr int64_t kVector = 4;   // elements per vectorized global load

/// Float element types the kernel accumulates in f32.
bool isSupportedFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

Value fromF32(OpBuilder &b, Location loc, Value v, Type type) {
  if (type.isF32())
    return v;
  return arith::TruncFOp::create(b, loc, type, v);
}

LogicalResult rewrite(OpBuilder &b, linalg::LinalgOp op, bool batched) {
  Location loc = op.getLoc();
  Value A = op.getDpsInputOperand(0)->get();
  Value B = op.getDpsInputOperand(1)->get();
  Value C = op.getDpsInitOperand(0)->get();
  auto aType = cast<MemRefType>(A.getType());
  Type elementType = aType.getElementType();
  MLIRContext *context = b.getContext();
  b.setInsertionPoint(op);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t o = batched ? 1 : 0;
  // Vector loads of 4 elements (128 bits for f32) where every row starts
  // aligned: identity layouts (offset 0, the allocation's alignment) and
  // a static row length that is a multiple of 4.
  auto bType = cast<MemRefType>(B.getType());
  auto rowsAligned = [&](MemRefType type) {
    int64_t cols = type.getDimSize(type.getRank() - 1);
    return type.getLayout().isIdentity() && !ShapedType::isDynamic(cols) &&
           cols % kVector == 0;
  };
  bool vectorA = rowsAligned(aType), vectorB = rowsAligned(bType);
  Value M = memref::DimOp::create(b, loc, A, o);
  Value K = memref::DimOp::create(b, loc, A, o + 1);
  Value N = memref::DimOp::create(b, loc, B, o + 1);
  Value batch = batched ? Value(memref::DimOp::create(b, loc, A, 0)) : cst(1);
  auto ceilDiv = [&](Value v, int64_t d) -> Value {
    return arith::CeilDivUIOp::create(b, loc, v, cst(d));
  };
  Value gridX = ceilDiv(N, kTile), gridY = ceilDiv(M, kTile);
  Value threads = cst(kThreads), one = cst(1);

  auto workgroup = gpu::AddressSpaceAttr::get(context,
                                              gpu::AddressSpace::Workgroup);
  Type f32 = b.getF32Type();
  auto aTileType =
      MemRefType::get({kTile, kTileK}, f32, MemRefLayoutAttrInterface(),
                      workgroup);
  auto bTileType =
      MemRefType::get({kTileK, kTile}, f32, MemRefLayoutAttrInterface(),
                      workgroup);
  auto launch = gpu::LaunchOp::create(
      b, loc, gridX, gridY, batch, threads, threads, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/ValueRange(),
      /*workgroupAttributions=*/TypeRange{aTileType, bTileType});

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value aTile = launch.getWorkgroupAttributions()[0];
  Value bTile = launch.getWorkgroupAttributions()[1];
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value n0 = arith::MulIOp::create(b, loc, launch.getBlockIds().x, cst(kTile));
  Value m0 = arith::MulIOp::create(b, loc, launch.getBlockIds().y, cst(kTile));
  Value bz = launch.getBlockIds().z;
  Value zero = cst(0);
  Value fzero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value tid = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ty, threads), tx);

  auto indices = [&](Value r, Value c) {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(bz);
    idx.append({r, c});
    return idx;
  };
  auto lt = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  /// global[r, c] as f32 if (r < rows && c < cols), else 0.
  auto guardedLoad = [&](Value source, Value r, Value rows, Value c,
                         Value cols) -> Value {
    Value inBounds = arith::AndIOp::create(b, loc, lt(r, rows), lt(c, cols));
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{f32}, inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      Value v = memref::LoadOp::create(b, loc, source, indices(r, c));
      scf::YieldOp::create(b, loc, toF32(b, loc, v));
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(b, loc, fzero);
    }
    return ifOp.getResult(0);
  };
  /// global[r, c .. c + 3] as 4 f32 (one aligned vector load) if r < rows
  /// and c < cols (c and cols are multiples of 4, so c + 3 < cols), else 0s.
  auto guardedVectorLoad = [&](Value source, Value r, Value rows, Value c,
                               Value cols) -> SmallVector<Value> {
    Value inBounds = arith::AndIOp::create(b, loc, lt(r, rows), lt(c, cols));
    auto vf32 = VectorType::get({kVector}, f32);
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{vf32}, inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      int64_t bytes =
          kVector * elementType.getIntOrFloatBitWidth() / 8;
      Value v = vector::LoadOp::create(
          b, loc, VectorType::get({kVector}, elementType), source,
          indices(r, c), /*nontemporal=*/false, llvm::MaybeAlign(bytes));
      if (!elementType.isF32())
        v = arith::ExtFOp::create(b, loc, vf32, v);
      scf::YieldOp::create(b, loc, v);
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(
          b, loc,
          arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(vf32, b.getF32FloatAttr(0.0f)))
              .getResult());
    }
    SmallVector<Value> elements;
    for (int64_t e = 0; e < kVector; ++e)
      elements.push_back(
          vector::ExtractOp::create(b, loc, ifOp.getResult(0), e));
    return elements;
  };
  // Thread (tx, ty) owns rows ty + 16 i and columns tx + 16 j.
  SmallVector<Value> rowOffsets, colOffsets;
  for (int64_t i = 0; i < kPerThread; ++i) {
    rowOffsets.push_back(add(ty, cst(i * kThreads)));
    colOffsets.push_back(add(tx, cst(i * kThreads)));
  }

  // The accumulators are loop-carried values: registers, fully unrolled.
  SmallVector<Value> init(kPerThread * kPerThread, fzero);
  auto kLoop = scf::ForOp::create(b, loc, zero, K, cst(kTileK), init);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    constexpr int64_t perThreadCopies = kTile * kTileK / (kThreads * kThreads);
    // A tile [64][16]: one vector of 4 consecutive k per thread when
    // possible, else 4 scalars.
    if (vectorA) {
      Value ar = arith::DivUIOp::create(b, loc, tid, cst(kTileK / kVector));
      Value ac = arith::MulIOp::create(
          b, loc, arith::RemUIOp::create(b, loc, tid, cst(kTileK / kVector)),
          cst(kVector));
      SmallVector<Value> v = guardedVectorLoad(A, add(m0, ar), M, add(k0, ac), K);
      for (int64_t e = 0; e < kVector; ++e)
        memref::StoreOp::create(b, loc, v[e], aTile,
                                ValueRange{ar, add(ac, cst(e))});
    } else {
      for (int64_t i = 0; i < perThreadCopies; ++i) {
        Value e = add(tid, cst(i * kThreads * kThreads));
        Value ar = arith::DivUIOp::create(b, loc, e, cst(kTileK));
        Value ac = arith::RemUIOp::create(b, loc, e, cst(kTileK));
        Value av = guardedLoad(A, add(m0, ar), M, add(k0, ac), K);
        memref::StoreOp::create(b, loc, av, aTile, ValueRange{ar, ac});
      }
    }
    // B tile [16][64]: likewise along n.
    if (vectorB) {
      Value br = arith::DivUIOp::create(b, loc, tid, cst(kTile / kVector));
      Value bc = arith::MulIOp::create(
          b, loc, arith::RemUIOp::create(b, loc, tid, cst(kTile / kVector)),
          cst(kVector));
      SmallVector<Value> v = guardedVectorLoad(B, add(k0, br), K, add(n0, bc), N);
      for (int64_t e = 0; e < kVector; ++e)
        memref::StoreOp::create(b, loc, v[e], bTile,
                                ValueRange{br, add(bc, cst(e))});
    } else {
      for (int64_t i = 0; i < perThreadCopies; ++i) {
        Value e = add(tid, cst(i * kThreads * kThreads));
        Value br = arith::DivUIOp::create(b, loc, e, cst(kTile));
        Value bc = arith::RemUIOp::create(b, loc, e, cst(kTile));
        Value bv = guardedLoad(B, add(k0, br), K, add(n0, bc), N);
        memref::StoreOp::create(b, loc, bv, bTile, ValueRange{br, bc});
      }
    }
    gpu::BarrierOp::create(b, loc);
    SmallVector<Value> acc(kLoop.getRegionIterArgs().begin(),
                           kLoop.getRegionIterArgs().end());
    for (int64_t kk = 0; kk < kTileK; ++kk) {
      Value kIndex = cst(kk);
      SmallVector<Value> a, bv;
      for (int64_t i = 0; i < kPerThread; ++i) {
        a.push_back(memref::LoadOp::create(b, loc, aTile,
                                           ValueRange{rowOffsets[i], kIndex}));
        bv.push_back(memref::LoadOp::create(
            b, loc, bTile, ValueRange{kIndex, colOffsets[i]}));
      }
      for (int64_t i = 0; i < kPerThread; ++i)
        for (int64_t j = 0; j < kPerThread; ++j)
          acc[i * kPerThread + j] = math::FmaOp::create(
              b, loc, a[i], bv[j], acc[i * kPerThread + j]);
    }
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, acc);
  }
  // C += acc, in bounds.
  for (int64_t i = 0; i < kPerThread; ++i) {
    Value r = add(m0, rowOffsets[i]);
    for (int64_t j = 0; j < kPerThread; ++j) {
      Value c = add(n0, colOffsets[j]);
      Value inBounds = arith::AndIOp::create(b, loc, lt(r, M), lt(c, N));
      auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, inBounds,
                                    /*withElseRegion=*/false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
      Value old = toF32(b, loc,
                        memref::LoadOp::create(b, loc, C, indices(r, c)));
      Value total = arith::AddFOp::create(
          b, loc, old, kLoop.getResult(i * kPerThread + j));
      memref::StoreOp::create(b, loc, fromF32(b, loc, total, elementType), C,
                              indices(r, c));
    }
  }
  gpu::TerminatorOp::create(b, loc);
  op->erase();
  return success();
}

struct NVPTXTileMatmulPass
    : quant_opt::impl::NVPTXTileMatmulBase<NVPTXTileMatmulPass> {
  using NVPTXTileMatmulBase::NVPTXTileMatmulBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          !op.hasPureBufferSemantics() ||
          op->getParentOfType<gpu::LaunchOp>())
        return;
      // Plain matmuls only: default indexing maps (no transposes or
      // broadcasts folded in), one float type, no casts in the body.
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
        if (mm.hasUserDefinedMaps())
          return;
      if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
        if (bmm.hasUserDefinedMaps())
          return;
      Type t = getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType());
      for (OpOperand &operand : op->getOpOperands())
        if (getElementTypeOrSelf(operand.get().getType()) != t)
          return;
      if (!isSupportedFloat(t))
        return;
      matmuls.push_back(op);
    });
    OpBuilder b(&getContext());
    for (linalg::LinalgOp op : matmuls)
      if (failed(rewrite(b, op, isa<linalg::BatchMatmulOp>(op.getOperation()))))
        return signalPassFailure();
  }
};

} // namespace
