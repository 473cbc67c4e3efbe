//===- WeightMatMul.cpp - --qopt-nvptx-weight-matmul ----------------------===//
//
// The weight-only quantized matmul (qopt.weight_matmul, lowered by
// --qopt-convert-qopt-to-linalg{weight-matmul-kernel} to one (r, n, k)
// linalg.generic marked `qopt.weight_matmul = {bits, group_size}`) becomes,
// on buffers, a gpu.launch of a warp-per-output-channel GEMV kernel:
//
//   block (32, 8): warp ty owns weight row n = 8 * block.x + ty (all lanes
//   of a warp share n, so a warp is either active or idle as a whole);
//   grid (ceil(N / 8), ceil(R / RB)): RB = 1 row of x per block when R is 1
//   (decode), else 4 (R known only at run time: an scf.if picks);
//   lane l walks the packed row in 32-bit words w = l + 32 * i (4 words per
//   128-bit load when the row's bytes are a multiple of 16), so a warp reads
//   128 (or 512) consecutive bytes per step: coalesced;
//   each word holds C = 32 / s codes (s = storage bits) of one group
//   (group_size % C == 0): the codes are unpacked with shifts and masks,
//   (code - zp) in f32, dotted with x[r, 8 w ... ] (128-bit vector loads of
//   x), and the group's scale applied once per word:
//     acc[r] += scale[n, g] * sum_c (code_c - zp[n, g]) * x[r, C w + c]
//   the RB accumulators are reduced across the warp with 5 xor shuffles
//   (shfl.sync.bfly) and lane 0 adds them to y[r, n] (bias or 0 already).
//
// With a code book (NF4: `codebook` in the mark, 4-bit codes, no zero
// point) the weight is book[code] * scale: thread 0 of each block writes the
// 16 f32 entries into a 16-entry workgroup-memory table (a barrier before
// any lane reads it) and each code is one shared-memory load
// (ld.shared.f32; the 16 entries sit in 16 banks, so a warp's look-ups do
// not conflict). Double-quantized scales (i8 codes, the mark's
// `scale_offset`, scale_scale an operand or the mark's `scale_scale`):
// the word's group scale is code * scale_scale[(n * G + g) / 256] + offset,
// computed once per word like the f32 scale it replaces.
//
// The float weight is never materialized. Shapes the kernel does not cover
// (K * s not a multiple of 32 bits, group_size % C != 0, non-identity
// layouts) keep the marked generic: the generic GPU path, correct but
// scalar.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXWEIGHTMATMUL
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

constexpr StringLiteral kAttrName = "qopt.weight_matmul";
constexpr int64_t kWarp = 32;
constexpr int64_t kWarpsPerBlock = 8;

/// The operands of a marked generic on buffers and the kernel's parameters.
struct WeightMatMul {
  Value x, w, scale, zp, y;
  int64_t bits = 0, storageBits = 0, groupSize = 0, k = 0, n = 0;
  int64_t codesPerWord = 0, wordsPerLoad = 1;
  /// NF4: the 16 f32 values the codes index (empty without a code book).
  SmallVector<float> codebook;
  /// Double-quantized scales: `scale` holds i8 codes, the f32 scale is
  /// code * scaleScale[(n * groups + g) / 256] + scaleOffset, scaleScale an
  /// operand or, when null, the constant scaleScaleValue.
  bool doubleQuant = false;
  Value scaleScale;
  float scaleScaleValue = 0.0f, scaleOffset = 0.0f;
  int64_t groups = 0;
};

bool hasIdentityLayout(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getLayout().isIdentity();
}

/// The marked generic's operands if the kernel covers it, else failure.
FailureOr<WeightMatMul> match(linalg::GenericOp op) {
  auto attr = op->getAttrOfType<DictionaryAttr>(kAttrName);
  if (!attr || !op.hasPureBufferSemantics() ||
      op->getParentOfType<gpu::LaunchOp>())
    return failure();
  auto bits = attr.getAs<IntegerAttr>("bits");
  auto groupSize = attr.getAs<IntegerAttr>("group_size");
  if (!bits || !groupSize || op.getNumDpsInits() != 1 ||
      (op.getNumDpsInputs() != 3 && op.getNumDpsInputs() != 4))
    return failure();
  WeightMatMul m;
  m.x = op.getDpsInputOperand(0)->get();
  m.w = op.getDpsInputOperand(1)->get();
  m.scale = op.getDpsInputOperand(2)->get();
  m.y = op.getDpsInitOperand(0)->get();
  m.bits = bits.getInt();
  m.storageBits = m.bits == 3 ? 4 : m.bits;
  m.groupSize = groupSize.getInt();
  auto scaleType = dyn_cast<MemRefType>(m.scale.getType());
  if (!scaleType || scaleType.getRank() != 2 || scaleType.isDynamicDim(1))
    return failure();
  m.groups = scaleType.getDimSize(1);
  if (auto book = attr.getAs<DenseF32ArrayAttr>("codebook")) {
    if (book.size() != 16 || m.bits != 4)
      return failure();
    m.codebook.assign(book.asArrayRef().begin(), book.asArrayRef().end());
  }
  // The fourth input: scale_scale (double-quantized scales without a splat
  // scale_scale in the mark), else the zero point (affine codes).
  bool fourth = op.getNumDpsInputs() == 4;
  if (scaleType.getElementType().isInteger(8)) {
    auto offset = attr.getAs<FloatAttr>("scale_offset");
    auto splat = attr.getAs<FloatAttr>("scale_scale");
    if (!offset || fourth == bool(splat))
      return failure();
    m.doubleQuant = true;
    m.scaleOffset = offset.getValueAsDouble();
    if (splat)
      m.scaleScaleValue = splat.getValueAsDouble();
    else
      m.scaleScale = op.getDpsInputOperand(3)->get();
  } else if (!scaleType.getElementType().isF32() ||
             (fourth && !m.codebook.empty())) {
    return failure();
  } else if (fourth) {
    m.zp = op.getDpsInputOperand(3)->get();
  }
  for (Value v : {m.x, m.w, m.scale, m.zp, m.scaleScale, m.y})
    if (v && !hasIdentityLayout(v))
      return failure();
  auto xType = cast<MemRefType>(m.x.getType());
  auto wType = cast<MemRefType>(m.w.getType());
  if (xType.getRank() != 2 || wType.getRank() != 2 ||
      !xType.getElementType().isF32() ||
      !wType.getElementType().isInteger(8) ||
      ShapedType::isDynamic(xType.getDimSize(1)) || wType.isDynamicDim(0) ||
      wType.isDynamicDim(1))
    return failure();
  if (m.storageBits != 2 && m.storageBits != 4 && m.storageBits != 8)
    return failure();
  m.k = xType.getDimSize(1);
  m.n = wType.getDimSize(0);
  m.codesPerWord = 32 / m.storageBits;
  int64_t rowBytes = wType.getDimSize(1);
  // Whole words per row, no word across a group boundary.
  if ((m.k * m.storageBits) % 32 != 0 || rowBytes * 8 != m.k * m.storageBits ||
      m.groupSize <= 0 || m.groupSize % m.codesPerWord != 0)
    return failure();
  m.wordsPerLoad = rowBytes % 16 == 0 ? 4 : 1;
  return m;
}

/// One gpu.launch computing rowsPerBlock rows of x per block.
void buildLaunch(OpBuilder &b, Location loc, const WeightMatMul &m,
                 int64_t rowsPerBlock) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value rows = memref::DimOp::create(b, loc, m.x, 0);
  Value gridX = cst((m.n + kWarpsPerBlock - 1) / kWarpsPerBlock);
  Value gridY = arith::CeilDivUIOp::create(b, loc, rows, cst(rowsPerBlock));
  Value one = cst(1);
  // NF4: the code book as a 16-entry workgroup-memory table.
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
  SmallVector<Type> workgroup;
  if (!m.codebook.empty())
    workgroup.push_back(MemRefType::get(
        {16}, f32, MemRefLayoutAttrInterface(),
        gpu::AddressSpaceAttr::get(b.getContext(),
                                   gpu::AddressSpace::Workgroup)));
  auto launch = gpu::LaunchOp::create(
      b, loc, gridX, gridY, one, cst(kWarp), cst(kWarpsPerBlock), one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/ValueRange(), workgroup);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulIOp::create(b, loc, x, y);
  };
  Value lane = launch.getThreadIds().x;
  Value n = add(mul(launch.getBlockIds().x, cst(kWarpsPerBlock)),
                launch.getThreadIds().y);
  // Rows of x this block handles (clamped for the loads; stores guarded).
  Value rowsLast = arith::SubIOp::create(b, loc, rows, one);
  SmallVector<Value> rowIds, rowLoads;
  for (int64_t i = 0; i < rowsPerBlock; ++i) {
    Value r = add(mul(launch.getBlockIds().y, cst(rowsPerBlock)), cst(i));
    rowIds.push_back(r);
    rowLoads.push_back(arith::MinUIOp::create(b, loc, r, rowsLast));
  }
  Value table;
  if (!m.codebook.empty()) {
    // Thread (0, 0) writes the table; every thread waits for it (before the
    // activity test: the barrier is for the whole block).
    table = launch.getWorkgroupAttributions()[0];
    Value first = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, cst(0)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              launch.getThreadIds().y, cst(0)));
    auto fill = scf::IfOp::create(b, loc, TypeRange{}, first,
                                  /*withElseRegion=*/false);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(fill.thenBlock()->getTerminator());
      for (auto [i, v] : llvm::enumerate(m.codebook))
        memref::StoreOp::create(
            b, loc, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)),
            table, ValueRange{cst(i)});
    }
    gpu::BarrierOp::create(b, loc);
  }
  Value active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n,
                                       cst(m.n));
  auto ifActive = scf::IfOp::create(b, loc, TypeRange{}, active,
                                    /*withElseRegion=*/false);
  b.setInsertionPoint(ifActive.thenBlock()->getTerminator());

  int64_t s = m.storageBits, perWord = m.codesPerWord;
  int64_t words = m.k * s / 32;
  int64_t loadBytes = 4 * m.wordsPerLoad;
  Value fzero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value zpDefault = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(float(1 << (m.bits - 1))));
  Value mask = arith::ConstantIntOp::create(b, loc, i32, (1 << m.bits) - 1);
  SmallVector<Value> init(rowsPerBlock, fzero);
  // Lane l reads loads l, l + 32, ... of wordsPerLoad words each.
  Value start = mul(lane, cst(m.wordsPerLoad));
  auto loop = scf::ForOp::create(b, loc, start, cst(words),
                                 cst(kWarp * m.wordsPerLoad), init);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value w0 = loop.getInductionVar();
    SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                           loop.getRegionIterArgs().end());
    // wordsPerLoad packed words in one aligned vector load.
    Value bytes = vector::LoadOp::create(
        b, loc, VectorType::get({loadBytes}, i8), m.w,
        ValueRange{n, mul(w0, cst(4))}, /*nontemporal=*/false,
        llvm::MaybeAlign(loadBytes));
    Value packed = vector::BitCastOp::create(
        b, loc, VectorType::get({m.wordsPerLoad}, i32), bytes);
    for (int64_t j = 0; j < m.wordsPerLoad; ++j) {
      Value word = vector::ExtractOp::create(b, loc, packed, j);
      Value k0 = mul(add(w0, cst(j)), cst(perWord));
      Value group = arith::DivUIOp::create(b, loc, k0, cst(m.groupSize));
      Value scale = memref::LoadOp::create(b, loc, m.scale,
                                           ValueRange{n, group});
      if (m.doubleQuant) {
        // code * scale_scale[(n * G + g) / 256] + offset.
        Value blockScale;
        if (m.scaleScale) {
          Value flat = add(mul(n, cst(m.groups)), group);
          blockScale = memref::LoadOp::create(
              b, loc, m.scaleScale,
              ValueRange{arith::DivUIOp::create(b, loc, flat, cst(256))});
        } else {
          blockScale = arith::ConstantOp::create(
              b, loc, b.getF32FloatAttr(m.scaleScaleValue));
        }
        scale = arith::AddFOp::create(
            b, loc,
            arith::MulFOp::create(
                b, loc, arith::SIToFPOp::create(b, loc, f32, scale),
                blockScale),
            arith::ConstantOp::create(b, loc,
                                      b.getF32FloatAttr(m.scaleOffset)));
      }
      Value zp = zpDefault;
      if (m.zp)
        zp = arith::UIToFPOp::create(
            b, loc, f32,
            memref::LoadOp::create(b, loc, m.zp, ValueRange{n, group}));
      // (code - zp) for the word's codes, first code in the low bits.
      SmallVector<Value> codes;
      for (int64_t c = 0; c < perWord; ++c) {
        Value v = word;
        if (c > 0)
          v = arith::ShRUIOp::create(
              b, loc, v, arith::ConstantIntOp::create(b, loc, i32, c * s));
        // (The last code of a word needs no mask: the shift cleared the
        // bits above it, unless a 3-bit code sits in a nibble.)
        if (c != perWord - 1 || m.bits != s)
          v = arith::AndIOp::create(b, loc, v, mask);
        if (table) {
          // book[code] from the workgroup table.
          codes.push_back(memref::LoadOp::create(
              b, loc, table,
              ValueRange{arith::IndexCastUIOp::create(b, loc, b.getIndexType(),
                                                      v)}));
          continue;
        }
        codes.push_back(arith::SubFOp::create(
            b, loc, arith::UIToFPOp::create(b, loc, f32, v), zp));
      }
      for (int64_t r = 0; r < rowsPerBlock; ++r) {
        Value dot = fzero;
        for (int64_t c = 0; c < perWord; c += 4) {
          // x[r, k0 + c .. k0 + c + 3]: 16-byte aligned (K % 4 == 0).
          Value xs = vector::LoadOp::create(
              b, loc, VectorType::get({4}, f32), m.x,
              ValueRange{rowLoads[r], add(k0, cst(c))},
              /*nontemporal=*/false, llvm::MaybeAlign(16));
          for (int64_t e = 0; e < 4; ++e)
            dot = math::FmaOp::create(b, loc, codes[c + e],
                                      vector::ExtractOp::create(b, loc, xs, e),
                                      dot);
        }
        acc[r] = math::FmaOp::create(b, loc, scale, dot, acc[r]);
      }
    }
    scf::YieldOp::create(b, loc, acc);
  }
  // Warp sums (butterfly: every lane ends with the total), lane 0 stores.
  Value isLaneZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           lane, cst(0));
  for (int64_t r = 0; r < rowsPerBlock; ++r) {
    Value sum = loop.getResult(r);
    for (int32_t offset = kWarp / 2; offset > 0; offset /= 2) {
      Value other = gpu::ShuffleOp::create(b, loc, sum, offset, kWarp,
                                           gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      sum = arith::AddFOp::create(b, loc, sum, other);
    }
    Value inRows = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         rowIds[r], rows);
    auto store = scf::IfOp::create(
        b, loc, TypeRange{}, arith::AndIOp::create(b, loc, isLaneZero, inRows),
        /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    Value old = memref::LoadOp::create(b, loc, m.y, ValueRange{rowIds[r], n});
    memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum),
                            m.y, ValueRange{rowIds[r], n});
  }
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

void rewrite(OpBuilder &b, linalg::GenericOp op, const WeightMatMul &m) {
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  int64_t rowsStatic = cast<MemRefType>(m.x.getType()).getDimSize(0);
  if (rowsStatic == 1) {
    buildLaunch(b, loc, m, 1);
  } else if (!ShapedType::isDynamic(rowsStatic)) {
    buildLaunch(b, loc, m, 4);
  } else {
    // Decode (one row) gets the one-row kernel.
    Value rows = memref::DimOp::create(b, loc, m.x, 0);
    Value isOne = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, rows,
        arith::ConstantIndexOp::create(b, loc, 1));
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, isOne,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    buildLaunch(b, loc, m, 1);
    b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
    buildLaunch(b, loc, m, 4);
  }
  op->erase();
}

struct NVPTXWeightMatMulPass
    : quant_opt::impl::NVPTXWeightMatMulBase<NVPTXWeightMatMulPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, WeightMatMul>> found;
    getOperation().walk([&](linalg::GenericOp op) {
      FailureOr<WeightMatMul> m = match(op);
      if (succeeded(m))
        found.emplace_back(op, *m);
    });
    OpBuilder b(&getContext());
    for (auto &[op, m] : found)
      rewrite(b, op, m);
  }
};

} // namespace
