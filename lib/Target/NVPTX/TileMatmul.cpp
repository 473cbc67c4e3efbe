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
// With tensor-cores (f16 A and B, sm_80+), the tiles stay f16 and warp w
// of the 8 computes the 16 x 32 sub-tile at rows 16 (w % 4), columns
// 32 (w / 4) as 4 nvgpu.mma.sync m16n8k16 (f32 accumulators) per k-tile,
// fragments gathered in the PTX ISA's m16n8k16 layout (docs/gpu.md).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
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
constexpr int64_t kMmaTilesN = 4; // m16n8 tiles per warp (16 x 32 outputs)

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

LogicalResult rewrite(OpBuilder &b, linalg::LinalgOp op, bool batched,
                      bool tensorCores) {
  Location loc = op.getLoc();
  Value A = op.getDpsInputOperand(0)->get();
  Value B = op.getDpsInputOperand(1)->get();
  Value C = op.getDpsInitOperand(0)->get();
  auto aType = cast<MemRefType>(A.getType());
  Type elementType = aType.getElementType();
  Type cType = cast<MemRefType>(C.getType()).getElementType();
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
  // The tensor-core kernel keeps f16 tiles (mma.sync reads f16 operands);
  // the FMA kernel converts to f32 on the way in.
  Type tileType = tensorCores ? elementType : f32;
  auto aTileType =
      MemRefType::get({kTile, kTileK}, tileType, MemRefLayoutAttrInterface(),
                      workgroup);
  auto bTileType =
      MemRefType::get({kTileK, kTile}, tileType, MemRefLayoutAttrInterface(),
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
  Value tileZero = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(tileType, 0.0));
  auto toTile = [&](Value v) -> Value {
    return tensorCores ? v : toF32(b, loc, v);
  };
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
  /// global[r, c] as the tile type if (r < rows && c < cols), else 0.
  auto guardedLoad = [&](Value source, Value r, Value rows, Value c,
                         Value cols) -> Value {
    Value inBounds = arith::AndIOp::create(b, loc, lt(r, rows), lt(c, cols));
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{tileType}, inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard nested(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      Value v = memref::LoadOp::create(b, loc, source, indices(r, c));
      scf::YieldOp::create(b, loc, toTile(v));
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(b, loc, tileZero);
    }
    return ifOp.getResult(0);
  };
  /// global[r, c .. c + 3] as 4 tile-type values (one aligned vector load)
  /// if r < rows and c < cols (c and cols are multiples of 4, so
  /// c + 3 < cols), else 0s.
  auto guardedVectorLoad = [&](Value source, Value r, Value rows, Value c,
                               Value cols) -> SmallVector<Value> {
    Value inBounds = arith::AndIOp::create(b, loc, lt(r, rows), lt(c, cols));
    auto vf32 = VectorType::get({kVector}, tileType);
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{vf32}, inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard nested(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      int64_t bytes =
          kVector * elementType.getIntOrFloatBitWidth() / 8;
      Value v = vector::LoadOp::create(
          b, loc, VectorType::get({kVector}, elementType), source,
          indices(r, c), /*nontemporal=*/false, llvm::MaybeAlign(bytes));
      if (elementType != tileType)
        v = arith::ExtFOp::create(b, loc, vf32, v);
      scf::YieldOp::create(b, loc, v);
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(
          b, loc,
          arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(vf32, b.getFloatAttr(tileType, 0.0)))
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

  // Tensor cores: warp w of 8 computes the 16 x 32 sub-tile at rows
  // wm = 16 (w % 4), columns wn = 32 (w / 4) as 4 mma.sync m16n8k16 per
  // k-tile; in a warp, lane = 4 g + t (the PTX ISA's groupID and
  // threadID_in_group).
  Value g, t, wm, wn;
  auto vAcc = VectorType::get({2, 2}, f32);
  if (tensorCores) {
    Value warp = arith::DivUIOp::create(b, loc, tid, cst(32));
    Value lane = arith::RemUIOp::create(b, loc, tid, cst(32));
    g = arith::DivUIOp::create(b, loc, lane, cst(4));
    t = arith::RemUIOp::create(b, loc, lane, cst(4));
    wm = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, warp, cst(4)), cst(16));
    wn = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, warp, cst(4)), cst(32));
  }
  auto mul = [&](Value x, int64_t c) -> Value {
    return arith::MulIOp::create(b, loc, x, cst(c));
  };

  // The accumulators are loop-carried values: registers, fully unrolled.
  SmallVector<Value> init(kPerThread * kPerThread, fzero);
  if (tensorCores)
    init.assign(kMmaTilesN,
                arith::ConstantOp::create(
                    b, loc, DenseElementsAttr::get(vAcc, b.getF32FloatAttr(0)))
                    .getResult());
  auto kLoop = scf::ForOp::create(b, loc, zero, K, cst(kTileK), init);
  {
    OpBuilder::InsertionGuard nested(b);
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
    if (tensorCores) {
      // Fragments per the PTX ISA's m16n8k16 .f16 layout (docs/gpu.md):
      // A (vector<4x2xf16>, one .f16x2 register per row): registers a0..a7,
      // row g + 8 (i / 2 % 2), column 2 t + (i % 2) + 8 (i / 4), i.e.
      // vector row q = i / 2 at (g + 8 (q % 2), 2 t + 8 (q / 2)) + (0, e);
      SmallVector<Value> aElements;
      for (int64_t q = 0; q < 4; ++q)
        for (int64_t e = 0; e < 2; ++e)
          aElements.push_back(memref::LoadOp::create(
              b, loc, aTile,
              ValueRange{add(wm, add(g, cst(8 * (q % 2)))),
                         add(mul(t, 2), cst(8 * (q / 2) + e))}));
      Value aFrag = vector::FromElementsOp::create(
          b, loc, VectorType::get({4, 2}, tileType), aElements);
      for (int64_t j = 0; j < kMmaTilesN; ++j) {
        // B (vector<2x2xf16>): b0..b3 at k = 2 t + (i % 2) + 8 (i / 2),
        // column g of the n-tile.
        Value col = add(wn, add(g, cst(8 * j)));
        SmallVector<Value> bElements;
        for (int64_t q = 0; q < 2; ++q)
          for (int64_t e = 0; e < 2; ++e)
            bElements.push_back(memref::LoadOp::create(
                b, loc, bTile,
                ValueRange{add(mul(t, 2), cst(8 * q + e)), col}));
        Value bFrag = vector::FromElementsOp::create(
            b, loc, VectorType::get({2, 2}, tileType), bElements);
        acc[j] = nvgpu::MmaSyncOp::create(b, loc, aFrag, bFrag, acc[j],
                                          ArrayRef<int64_t>{16, 8, 16});
      }
    }
    for (int64_t kk = 0; kk < (tensorCores ? 0 : kTileK); ++kk) {
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
  // C += acc, in bounds. Tensor cores: C fragment c0..c3 (vector<2x2xf32>
  // row q = i / 2) at row g + 8 q, column 2 t + (i % 2) of the n-tile.
  auto addToC = [&](Value r, Value c, Value v) {
    Value inBounds = arith::AndIOp::create(b, loc, lt(r, M), lt(c, N));
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, inBounds,
                                  /*withElseRegion=*/false);
    OpBuilder::InsertionGuard storeGuard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    Value old = toF32(b, loc, memref::LoadOp::create(b, loc, C, indices(r, c)));
    Value total = arith::AddFOp::create(b, loc, old, v);
    memref::StoreOp::create(b, loc, fromF32(b, loc, total, cType), C,
                            indices(r, c));
  };
  for (int64_t j = 0; tensorCores && j < kMmaTilesN; ++j)
    for (int64_t q = 0; q < 2; ++q)
      for (int64_t e = 0; e < 2; ++e)
        addToC(add(m0, add(wm, add(g, cst(8 * q)))),
               add(n0, add(wn, add(mul(t, 2), cst(8 * j + e)))),
               vector::ExtractOp::create(b, loc, kLoop.getResult(j),
                                         ArrayRef<int64_t>{q, e}));
  for (int64_t i = 0; i < (tensorCores ? 0 : kPerThread); ++i) {
    Value r = add(m0, rowOffsets[i]);
    for (int64_t j = 0; j < kPerThread; ++j) {
      addToC(r, add(n0, colOffsets[j]), kLoop.getResult(i * kPerThread + j));
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
      // broadcasts folded in), A and B of one float type, C of that type or
      // f32 (the ONNX lowering's f16 / bf16 MatMul accumulates into f32).
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
        if (mm.hasUserDefinedMaps())
          return;
      if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
        if (bmm.hasUserDefinedMaps())
          return;
      Type t = getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType());
      Type c = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
      if (getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType()) != t ||
          (c != t && !c.isF32()) || !isSupportedFloat(t))
        return;
      matmuls.push_back(op);
    });
    OpBuilder b(&getContext());
    for (linalg::LinalgOp op : matmuls)
      if (failed(rewrite(b, op, isa<linalg::BatchMatmulOp>(op.getOperation()),
                         tensorCores && getElementTypeOrSelf(
                                            op.getDpsInputOperand(0)
                                                ->get()
                                                .getType())
                                            .isF16())))
        return signalPassFailure();
  }
};

} // namespace
