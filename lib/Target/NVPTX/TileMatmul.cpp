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
// With tensor-cores (f16 or bf16 A and B, sm_80+), the tiles stay 16-bit
// and warp w of the 8 computes the 16 x 32 sub-tile at rows 16 (w % 4),
// columns 32 (w / 4) as 4 mma.sync m16n8k16 (f32 accumulators) per k-tile,
// fragments loaded with ldmatrix in the PTX ISA's m16n8k16 layout
// (docs/gpu.md):
// nvgpu.mma.sync for f16, nvvm.mma.sync for bf16 (MLIR 22's nvgpu-to-nvvm
// cannot deduce PTX types for bf16).
//
// With int8-tensor-cores, the i8 x i8 -> i32 contraction of the integer
// lowerings gets the same grid and warps with K steps of 32: workgroup
// tiles of packed 4 x i8 words (A [m][k/4], B transposed [n][k/4], rows
// padded to 12 words: conflict-free fragment loads), one 32-bit word per
// fragment register, 4 nvvm.mma.sync m16n8k32 (.s8 / .u8 per operand, s32
// accumulators, wrapping) per warp and k-tile; C += acc in i32. Integer
// accumulation is exact, so the result equals the scalar path's.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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

constexpr int64_t kTileKInt8 = 32; // mma.sync m16n8k32
constexpr int64_t kWordsPadded = 12; // words per int8 tile row (8 used)

/// The 32-bit register holding the elements of `v` (a vector of 4 x i8 or
/// 2 x bf16): element 0 in the low bits, as PTX's packed .s8x4 / .bf16x2
/// operands (and nvgpu-to-nvvm's vector<4xi8> -> i32 bitcast) have it.
Value packVector(OpBuilder &b, Location loc, Value v) {
  Value w = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), v);
  return vector::ExtractOp::create(b, loc, w, 0);
}

Value packWord(OpBuilder &b, Location loc, ArrayRef<Value> elements) {
  auto type = VectorType::get({static_cast<int64_t>(elements.size())},
                              elements.front().getType());
  return packVector(b, loc,
                    vector::FromElementsOp::create(b, loc, type, elements));
}

/// nvvm.mma.sync (row A, col B) on packed registers; the accumulator and
/// the result are vector<2x2xT> with rows (c0, c1), (c2, c3), as
/// nvgpu.mma.sync has them.
Value nvvmMma(OpBuilder &b, Location loc, ArrayRef<Value> aRegs,
              ArrayRef<Value> bRegs, Value acc, ArrayRef<int64_t> shape,
              NVVM::MMATypes aType, NVVM::MMATypes bType) {
  auto accType = cast<VectorType>(acc.getType());
  Type element = accType.getElementType();
  SmallVector<Value> c;
  for (int64_t q = 0; q < 2; ++q)
    for (int64_t e = 0; e < 2; ++e)
      c.push_back(
          vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{q, e}));
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(4, element));
  std::optional<NVVM::MMAIntOverflow> overflow;
  if (isa<IntegerType>(element))
    overflow = NVVM::MMAIntOverflow::wrapped; // as the scalar i32 loop
  Value d = NVVM::MmaOp::create(
      b, loc, resultType, aRegs, bRegs, c, shape,
      /*b1Op=*/std::nullopt, overflow,
      std::array<NVVM::MMATypes, 2>{aType, bType},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> r;
  for (int64_t i = 0; i < 4; ++i)
    r.push_back(LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{i}));
  return vector::FromElementsOp::create(b, loc, accType, r);
}

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

/// The grid both tiled kernels use: ⌈N / 64⌉ x ⌈M / 64⌉ x batch blocks of
/// 16 x 16 threads with two workgroup tiles, and the values every kernel
/// body starts from. Leaves `b` at the start of the launch body: callers
/// hold an InsertionGuard.
struct TileLaunch {
  Value M, K, N;
  gpu::LaunchOp launch;
  Value aTile, bTile;
  Value tx, ty, tid; // tid = 16 ty + tx
  Value n0, m0;      // the block's first output column and row
  Value bz;          // the batch index
  bool batched;

  /// The indices of element (r, c) of A, B or C (batch first if batched).
  SmallVector<Value> indices(Value r, Value c) const {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(bz);
    idx.append({r, c});
    return idx;
  }
};

TileLaunch createTileLaunch(OpBuilder &b, Location loc, Value A, Value B,
                            bool batched, MemRefType aTileType,
                            MemRefType bTileType) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  TileLaunch t;
  t.batched = batched;
  int64_t o = batched ? 1 : 0;
  t.M = memref::DimOp::create(b, loc, A, o);
  t.K = memref::DimOp::create(b, loc, A, o + 1);
  t.N = memref::DimOp::create(b, loc, B, o + 1);
  Value batch = batched ? Value(memref::DimOp::create(b, loc, A, 0)) : cst(1);
  auto ceilDiv = [&](Value v, int64_t d) -> Value {
    return arith::CeilDivUIOp::create(b, loc, v, cst(d));
  };
  Value gridX = ceilDiv(t.N, kTile), gridY = ceilDiv(t.M, kTile);
  Value threads = cst(kThreads), one = cst(1);
  t.launch = gpu::LaunchOp::create(
      b, loc, gridX, gridY, batch, threads, threads, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/ValueRange(),
      /*workgroupAttributions=*/TypeRange{aTileType, bTileType});
  b.setInsertionPointToStart(&t.launch.getBody().front());
  t.aTile = t.launch.getWorkgroupAttributions()[0];
  t.bTile = t.launch.getWorkgroupAttributions()[1];
  t.tx = t.launch.getThreadIds().x;
  t.ty = t.launch.getThreadIds().y;
  t.n0 = arith::MulIOp::create(b, loc, t.launch.getBlockIds().x, cst(kTile));
  t.m0 = arith::MulIOp::create(b, loc, t.launch.getBlockIds().y, cst(kTile));
  t.bz = t.launch.getBlockIds().z;
  t.tid = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, t.ty, threads), t.tx);
  return t;
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
  OpBuilder::InsertionGuard guard(b);
  TileLaunch grid =
      createTileLaunch(b, loc, A, B, batched, aTileType, bTileType);
  Value M = grid.M, K = grid.K, N = grid.N;
  Value aTile = grid.aTile, bTile = grid.bTile;
  Value tx = grid.tx, ty = grid.ty, tid = grid.tid;
  Value n0 = grid.n0, m0 = grid.m0;
  Value zero = cst(0);
  Value fzero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value tileZero = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(tileType, 0.0));
  auto toTile = [&](Value v) -> Value {
    return tensorCores ? v : toF32(b, loc, v);
  };
  auto indices = [&](Value r, Value c) { return grid.indices(r, c); };
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
  Value g, t, wm, wn, lane;
  auto vAcc = VectorType::get({2, 2}, f32);
  if (tensorCores) {
    Value warp = arith::DivUIOp::create(b, loc, tid, cst(32));
    lane = arith::RemUIOp::create(b, loc, tid, cst(32));
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
      // Fragments per the PTX ISA's m16n8k16 .f16 / .bf16 layout
      // (docs/gpu.md), loaded with ldmatrix (16-byte rows: the tiles' rows
      // are 32 and 128 bytes long, their buffers 16-byte aligned by
      // qopt-nvptx-merge-kernel-modules). ldmatrix.x4 gives lane 4 g + t
      // elements (g, 2 t + e) of the four 8 x 8 matrices whose rows lanes
      // 8 q .. 8 q + 7 address, as row q of a vector<4x2xT>.
      // A: matrix q = rows wm + 8 (q % 2) .., columns 8 (q / 2) ..: row q
      // is register q = {a2q, a2q+1} at (g + 8 (q % 2), 2 t + 8 (q / 2) + e).
      Value lane8 = arith::RemUIOp::create(b, loc, lane, cst(8));
      Value laneQ = arith::DivUIOp::create(b, loc, lane, cst(8));
      Value rowInPair = add(lane8, mul(arith::RemUIOp::create(
                                           b, loc, laneQ, cst(2)), 8));
      Value colHalf = mul(arith::DivUIOp::create(b, loc, lane, cst(16)), 8);
      auto fragType = VectorType::get({4, 2}, tileType);
      Value aFrag = nvgpu::LdMatrixOp::create(
          b, loc, fragType, aTile, ValueRange{add(wm, rowInPair), colHalf},
          /*transpose=*/false, /*numTiles=*/4);
      // B, two n-tiles per ldmatrix.x4.trans: matrix q = k rows 8 (q % 2)
      // .., columns of n-tile j + q / 2; transposed, lane 4 g + t gets
      // (k = 8 (q % 2) + 2 t + e, n = g): rows {0, 1} are n-tile j's
      // {b0b1, b2b3}, rows {2, 3} n-tile j + 1's.
      SmallVector<Value> bFrags;
      for (int64_t j = 0; j < kMmaTilesN; j += 2) {
        Value pair = nvgpu::LdMatrixOp::create(
            b, loc, fragType, bTile,
            ValueRange{rowInPair, add(wn, add(colHalf, cst(8 * j)))},
            /*transpose=*/true, /*numTiles=*/4);
        // Rows moved one by one (vector.extract / insert of a row lower
        // to LLVM aggregate ops; an n-D extract_strided_slice does not).
        auto bFragType = VectorType::get({2, 2}, tileType);
        for (int64_t h = 0; h < 2; ++h) {
          Value frag = arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(bFragType,
                                             b.getZeroAttr(tileType)));
          for (int64_t q = 0; q < 2; ++q)
            frag = vector::InsertOp::create(
                b, loc, vector::ExtractOp::create(b, loc, pair, 2 * h + q),
                frag, q);
          bFrags.push_back(frag);
        }
      }
      for (int64_t j = 0; j < kMmaTilesN; ++j) {
        if (tileType.isBF16()) {
          // nvvm.mma.sync on the same fragments, each row a .bf16x2
          // register.
          SmallVector<Value> aRegs, bRegs;
          for (int64_t q = 0; q < 4; ++q)
            aRegs.push_back(packVector(
                b, loc, vector::ExtractOp::create(b, loc, aFrag, q)));
          for (int64_t q = 0; q < 2; ++q)
            bRegs.push_back(packVector(
                b, loc, vector::ExtractOp::create(b, loc, bFrags[j], q)));
          acc[j] = nvvmMma(b, loc, aRegs, bRegs, acc[j], {16, 8, 16},
                           NVVM::MMATypes::bf16, NVVM::MMATypes::bf16);
          continue;
        }
        acc[j] = nvgpu::MmaSyncOp::create(b, loc, aFrag, bFrags[j], acc[j],
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

/// How the i8 x i8 -> i32 contraction extends its operands.
struct Int8Signs {
  bool aSigned, bSigned;
};

/// The integer lowerings' contraction: a linalg.generic with maps
/// (m, k), (k, n) -> (m, n), iterators (parallel, parallel, reduction), i8
/// inputs, an i32 init and the body `out + ext(a) * ext(b)` (extsi or
/// extui per operand; either operand order of muli / addi); or an
/// i8 x i8 -> i32 linalg.matmul / batch_matmul with default maps (its cast
/// applies to both operands).
std::optional<Int8Signs> matchInt8Contraction(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureBufferSemantics())
    return std::nullopt;
  auto elementIs = [](Value v, unsigned bits) {
    auto t = dyn_cast<IntegerType>(getElementTypeOrSelf(v.getType()));
    return t && t.getWidth() == bits;
  };
  if (!elementIs(op.getDpsInputOperand(0)->get(), 8) ||
      !elementIs(op.getDpsInputOperand(1)->get(), 8) ||
      !elementIs(op.getDpsInitOperand(0)->get(), 32))
    return std::nullopt;
  auto castSigned = [](linalg::TypeFnAttr cast) {
    return !cast || cast.getValue() == linalg::TypeFn::cast_signed;
  };
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
    if (mm.hasUserDefinedMaps())
      return std::nullopt;
    bool s = castSigned(mm.getCastAttr());
    return Int8Signs{s, s};
  }
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation())) {
    if (bmm.hasUserDefinedMaps())
      return std::nullopt;
    bool s = castSigned(bmm.getCastAttr());
    return Int8Signs{s, s};
  }
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumLoops() != 3)
    return std::nullopt;
  MLIRContext *ctx = op->getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                                     AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  if (generic.getIndexingMapsArray() != expected)
    return std::nullopt;
  auto iterators = generic.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  Block &body = generic.getRegion().front();
  // ext, ext, muli, addi, yield.
  if (body.getOperations().size() != 5)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto addOp = yield.getValues()[0].getDefiningOp<arith::AddIOp>();
  if (!addOp)
    return std::nullopt;
  Value out = body.getArgument(2);
  Value product = addOp.getLhs() == out   ? addOp.getRhs()
                  : addOp.getRhs() == out ? addOp.getLhs()
                                          : Value();
  auto mulOp = product ? product.getDefiningOp<arith::MulIOp>() : nullptr;
  if (!mulOp)
    return std::nullopt;
  // The extension of block argument `arg`, if `v` is one: true = signed.
  auto extensionOf = [&](Value v, unsigned arg) -> std::optional<bool> {
    if (auto e = v.getDefiningOp<arith::ExtSIOp>())
      if (e.getIn() == body.getArgument(arg))
        return true;
    if (auto e = v.getDefiningOp<arith::ExtUIOp>())
      if (e.getIn() == body.getArgument(arg))
        return false;
    return std::nullopt;
  };
  for (auto [x, y] : {std::pair(mulOp.getLhs(), mulOp.getRhs()),
                      std::pair(mulOp.getRhs(), mulOp.getLhs())}) {
    std::optional<bool> a = extensionOf(x, 0), bv = extensionOf(y, 1);
    if (a && bv)
      return Int8Signs{*a, *bv};
  }
  return std::nullopt;
}

/// The int8 tensor-core kernel (see the file comment and docs/gpu.md):
/// grid (ceil(N / 64), ceil(M / 64), batch), block (16, 16), K in steps of
/// 32 through workgroup tiles of packed words, 4 mma.sync m16n8k32 per
/// warp and k-tile, C += acc in i32.
void rewriteInt8(OpBuilder &b, linalg::LinalgOp op, bool batched,
                 Int8Signs signs) {
  Location loc = op.getLoc();
  Value A = op.getDpsInputOperand(0)->get();
  Value B = op.getDpsInputOperand(1)->get();
  Value C = op.getDpsInitOperand(0)->get();
  auto aType = cast<MemRefType>(A.getType());
  MLIRContext *context = b.getContext();
  b.setInsertionPoint(op);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // A's words are 4 consecutive k: one aligned 32-bit vector load when
  // every row starts at a multiple of 4 bytes and K is a multiple of 4.
  int64_t kStatic = aType.getDimSize(aType.getRank() - 1);
  bool vectorA = aType.getLayout().isIdentity() &&
                 !ShapedType::isDynamic(kStatic) && kStatic % kVector == 0;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto workgroup =
      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
  // A tile [m][k / 4], B tile [n][k / 4] (transposed), 8 words per row
  // used, rows padded to 12 words: the fragment loads (rows g, columns t
  // of a warp) hit 32 different banks.
  auto tileType = MemRefType::get({kTile, kWordsPadded}, i32,
                                  MemRefLayoutAttrInterface(), workgroup);
  OpBuilder::InsertionGuard guard(b);
  TileLaunch grid = createTileLaunch(b, loc, A, B, batched, tileType, tileType);
  Value M = grid.M, K = grid.K, N = grid.N;
  Value aTile = grid.aTile, bTile = grid.bTile, tid = grid.tid;
  Value n0 = grid.n0, m0 = grid.m0;
  Value zero = cst(0);
  Value zeroI8 = arith::ConstantIntOp::create(b, loc, i8, 0);
  Value zeroI32 = arith::ConstantIntOp::create(b, loc, i32, 0);
  auto indices = [&](Value r, Value c) { return grid.indices(r, c); };
  auto lt = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, int64_t c) -> Value {
    return arith::MulIOp::create(b, loc, x, cst(c));
  };
  auto divui = [&](Value x, int64_t c) -> Value {
    return arith::DivUIOp::create(b, loc, x, cst(c));
  };
  auto remui = [&](Value x, int64_t c) -> Value {
    return arith::RemUIOp::create(b, loc, x, cst(c));
  };
  /// `then()` if `cond`, else `otherwise`: one value of `type`.
  auto select = [&](Value cond, Type type, function_ref<Value()> then,
                    Value otherwise) -> Value {
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, cond,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard nested(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    scf::YieldOp::create(b, loc, then());
    b.setInsertionPointToStart(ifOp.elseBlock());
    scf::YieldOp::create(b, loc, otherwise);
    return ifOp.getResult(0);
  };
  /// global[r, c] if r < rows and c < cols, else 0.
  auto guardedLoad = [&](Value source, Value r, Value rows, Value c,
                         Value cols) -> Value {
    return select(
        arith::AndIOp::create(b, loc, lt(r, rows), lt(c, cols)), i8,
        [&] { return memref::LoadOp::create(b, loc, source, indices(r, c)); },
        zeroI8);
  };

  // Warp w = tid / 32 computes rows wm = 16 (w % 4), columns wn = 32 (w / 4)
  // of the block's tile; lane = 4 g + t (groupID, threadID_in_group).
  Value warp = divui(tid, 32), lane = remui(tid, 32);
  Value g = divui(lane, 4), t = remui(lane, 4);
  Value wm = mul(remui(warp, 4), 16), wn = mul(divui(warp, 4), 32);
  auto vAcc = VectorType::get({2, 2}, i32);
  SmallVector<Value> init(
      kMmaTilesN,
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(vAcc, b.getI32IntegerAttr(0)))
          .getResult());
  auto kLoop = scf::ForOp::create(b, loc, zero, K, cst(kTileKInt8), init);
  {
    OpBuilder::InsertionGuard nested(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    constexpr int64_t wordsPerRow = kTileKInt8 / 4; // 8
    constexpr int64_t wordsPerThread =
        kTile * wordsPerRow / (kThreads * kThreads); // 2
    for (int64_t i = 0; i < wordsPerThread; ++i) {
      Value w = add(tid, cst(i * kThreads * kThreads));
      // A word (row, kw) = A[m0 + row, k0 + 4 kw .. + 3]: consecutive
      // threads read consecutive words of a row.
      Value row = divui(w, wordsPerRow), kw = remui(w, wordsPerRow);
      Value r = add(m0, row), c = add(k0, mul(kw, 4));
      Value word;
      if (vectorA) {
        // c and K are multiples of 4: c < K covers all 4 bytes.
        word = select(
            arith::AndIOp::create(b, loc, lt(r, M), lt(c, K)), i32,
            [&] {
              Value v = vector::LoadOp::create(
                  b, loc, VectorType::get({kVector}, i8), A, indices(r, c),
                  /*nontemporal=*/false, llvm::MaybeAlign(4));
              return packVector(b, loc, v);
            },
            zeroI32);
      } else {
        SmallVector<Value> bytes;
        for (int64_t e = 0; e < 4; ++e)
          bytes.push_back(guardedLoad(A, r, M, add(c, cst(e)), K));
        word = packWord(b, loc, bytes);
      }
      memref::StoreOp::create(b, loc, word, aTile, ValueRange{row, kw});
    }
    for (int64_t i = 0; i < wordsPerThread; ++i) {
      Value w = add(tid, cst(i * kThreads * kThreads));
      // B word (n, kw) = B[k0 + 4 kw .. + 3, n0 + n]: consecutive threads
      // read consecutive columns (coalesced), 4 bytes each.
      Value n = remui(w, kTile), kw = divui(w, kTile);
      Value c = add(n0, n), r = add(k0, mul(kw, 4));
      SmallVector<Value> bytes;
      for (int64_t e = 0; e < 4; ++e)
        bytes.push_back(guardedLoad(B, add(r, cst(e)), K, c, N));
      memref::StoreOp::create(b, loc, packWord(b, loc, bytes), bTile,
                              ValueRange{n, kw});
    }
    gpu::BarrierOp::create(b, loc);
    // Fragments per the PTX ISA's m16n8k32 .s8 / .u8 layout (docs/gpu.md):
    // A register q holds a[4q .. 4q+3] = row g + 8 (q % 2), columns
    // 4 t + 16 (q / 2) + e: word t + 4 (q / 2) of A tile row wm + g + 8 (q % 2).
    SmallVector<Value> aRegs;
    for (int64_t q = 0; q < 4; ++q)
      aRegs.push_back(memref::LoadOp::create(
          b, loc, aTile,
          ValueRange{add(wm, add(g, cst(8 * (q % 2)))),
                     add(t, cst(4 * (q / 2)))}));
    auto ptxType = [](bool isSigned) {
      return isSigned ? NVVM::MMATypes::s8 : NVVM::MMATypes::u8;
    };
    SmallVector<Value> acc(kLoop.getRegionIterArgs().begin(),
                           kLoop.getRegionIterArgs().end());
    for (int64_t j = 0; j < kMmaTilesN; ++j) {
      // B register q holds b[4q .. 4q+3] = rows (k) 4 t + 16 q + e, column
      // g of n-tile j: word t + 4 q of B tile row wn + 8 j + g.
      Value col = add(wn, add(g, cst(8 * j)));
      SmallVector<Value> bRegs;
      for (int64_t q = 0; q < 2; ++q)
        bRegs.push_back(memref::LoadOp::create(
            b, loc, bTile, ValueRange{col, add(t, cst(4 * q))}));
      acc[j] = nvvmMma(b, loc, aRegs, bRegs, acc[j], {16, 8, kTileKInt8},
                       ptxType(signs.aSigned), ptxType(signs.bSigned));
    }
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, acc);
  }
  // C += acc, in bounds: element (q, e) of n-tile j is row g + 8 q, column
  // 2 t + e of the m16n8 tile.
  for (int64_t j = 0; j < kMmaTilesN; ++j)
    for (int64_t q = 0; q < 2; ++q)
      for (int64_t e = 0; e < 2; ++e) {
        Value r = add(m0, add(wm, add(g, cst(8 * q))));
        Value c = add(n0, add(wn, add(mul(t, 2), cst(8 * j + e))));
        Value v = vector::ExtractOp::create(b, loc, kLoop.getResult(j),
                                            ArrayRef<int64_t>{q, e});
        auto ifOp = scf::IfOp::create(
            b, loc, TypeRange{},
            arith::AndIOp::create(b, loc, lt(r, M), lt(c, N)),
            /*withElseRegion=*/false);
        OpBuilder::InsertionGuard storeGuard(b);
        b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
        Value old = memref::LoadOp::create(b, loc, C, indices(r, c));
        memref::StoreOp::create(b, loc, arith::AddIOp::create(b, loc, old, v),
                                C, indices(r, c));
      }
  gpu::TerminatorOp::create(b, loc);
  op->erase();
}

struct NVPTXTileMatmulPass
    : quant_opt::impl::NVPTXTileMatmulBase<NVPTXTileMatmulPass> {
  using NVPTXTileMatmulBase::NVPTXTileMatmulBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> matmuls;
    SmallVector<std::pair<linalg::LinalgOp, Int8Signs>> int8Matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() ||
          op->getParentOfType<gpu::LaunchOp>())
        return;
      if (int8TensorCores)
        if (std::optional<Int8Signs> signs = matchInt8Contraction(op)) {
          int8Matmuls.push_back({op, *signs});
          return;
        }
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
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
    for (auto [op, signs] : int8Matmuls)
      rewriteInt8(b, op, isa<linalg::BatchMatmulOp>(op.getOperation()), signs);
    for (linalg::LinalgOp op : matmuls) {
      Type t = getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType());
      if (failed(rewrite(b, op, isa<linalg::BatchMatmulOp>(op.getOperation()),
                         tensorCores && (t.isF16() || t.isBF16()))))
        return signalPassFailure();
    }
  }
};

} // namespace
