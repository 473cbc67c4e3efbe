//===- Int8Matmul.cpp - the --qopt-cpu-int8-matmul pass -------------------===//
//
// AVX-512 VNNI kernel for the canonical int8 contraction
//
//   linalg.generic {(m,n,k)->(m,k), (m,n,k)->(k,n), (m,n,k)->(m,n);
//                   parallel, parallel, reduction}
//     ins(%a : MxKxi8, %b : KxNxi8) outs(%acc : MxNxi32)
//     acc += ext(a) * extsi(b)      (ext = extui or extsi)
//
// B is packed into the VNNI layout, 16-column panels [N16/16][ceil(K/4)][64]
// (N16 = N rounded up to 16; zero padding) -- at compile time when it is a
// constant, by a linalg.generic at run time otherwise -- so that one
// `vpdpbusd` (u8 x s8, 64 multiply-adds) consumes 4 consecutive k of one row
// of A, broadcast as a 32-bit lane, against 16 columns of B. The dot product
// is written as pure vector ops (bufferization rejects llvm.call_intrinsic);
// qopt-cpu-lower-vnni makes it vpdpbusd after bufferization. A signed A is
// made unsigned in registers (a xor 0x80 = a + 128) and the accumulators
// start at -128 * colsum(B). The result is built from loops and vector ops
// on tensors: `scf.forall` row tiles (threads; with few row tiles, column
// chunks too), and inside each, n blocks of `micro-n` vectors (outer) by
// `micro-m` rows (inner) whose accumulators stay in registers over the whole
// k loop; rows left over at the end of a tile take a one-row kernel, columns
// left over a narrower one.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

namespace quant_opt {
#define GEN_PASS_DEF_CPUINT8MATMUL
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

/// The operands and signedness of a canonical int8 contraction.
struct Int8Contraction {
  Value a, b, acc;
  bool signedA = false;
};

/// `v` is `arith.extui` (when `allowUnsigned`) or `arith.extsi` of block
/// argument `arg`; sets `isSigned`.
bool isExtensionOf(Value v, Value arg, bool allowUnsigned, bool &isSigned) {
  Operation *op = v.getDefiningOp();
  if (auto ext = dyn_cast_or_null<arith::ExtSIOp>(op)) {
    isSigned = true;
    return ext.getIn() == arg;
  }
  if (auto ext = dyn_cast_or_null<arith::ExtUIOp>(op)) {
    isSigned = false;
    return allowUnsigned && ext.getIn() == arg;
  }
  return false;
}

std::optional<Int8Contraction> matchContraction(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || op.getNumLoops() != 3 ||
      op.getNumReductionLoops() != 1)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {m, k}, ctx),
                                     AffineMap::get(3, 0, {k, n}, ctx),
                                     AffineMap::get(3, 0, {m, n}, ctx)};
  if (op.getIndexingMapsArray() != expected)
    return std::nullopt;
  Int8Contraction c;
  c.a = op.getDpsInputs()[0];
  c.b = op.getDpsInputs()[1];
  c.acc = op.getDpsInits()[0];
  auto aType = dyn_cast<RankedTensorType>(c.a.getType());
  auto bType = dyn_cast<RankedTensorType>(c.b.getType());
  auto accType = dyn_cast<RankedTensorType>(c.acc.getType());
  if (!aType || !bType || !accType || !aType.getElementType().isInteger(8) ||
      !bType.getElementType().isInteger(8) ||
      !accType.getElementType().isInteger(32) || !bType.hasStaticShape() ||
      ShapedType::isDynamic(aType.getDimSize(1)) ||
      ShapedType::isDynamic(accType.getDimSize(1)))
    return std::nullopt;

  // ^bb0(%x: i8, %y: i8, %z: i32): yield z + ext(x) * extsi(y)
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 5)
    return std::nullopt;
  Value x = body.getArgument(0), y = body.getArgument(1),
        z = body.getArgument(2);
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  Value product = add.getLhs() == z ? add.getRhs() : add.getLhs();
  if ((add.getLhs() == z) == (add.getRhs() == z))
    return std::nullopt;
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  for (auto [lhs, rhs] : {std::pair(mul.getLhs(), mul.getRhs()),
                          std::pair(mul.getRhs(), mul.getLhs())}) {
    bool signedA = false, signedB = false;
    if (isExtensionOf(lhs, x, /*allowUnsigned=*/true, signedA) &&
        isExtensionOf(rhs, y, /*allowUnsigned=*/false, signedB)) {
      c.signedA = signedA;
      return c;
    }
  }
  return std::nullopt;
}

/// The bytes of constant `v` (row-major), when it is one.
std::optional<SmallVector<int8_t>> constantBytes(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int8_t> bytes;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    bytes.reserve(dense.getNumElements());
    for (const APInt &value : dense.getValues<APInt>())
      bytes.push_back(static_cast<int8_t>(value.getZExtValue()));
    return bytes;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || static_cast<int64_t>(blob->getData().size()) <
                     resource.getNumElements())
      return std::nullopt;
    ArrayRef<char> data =
        blob->getData().take_front(resource.getNumElements());
    bytes.assign(data.begin(), data.end());
    return bytes;
  }
  return std::nullopt;
}

struct CPUInt8MatmulPass
    : quant_opt::impl::CPUInt8MatmulBase<CPUInt8MatmulPass> {
  using CPUInt8MatmulBase::CPUInt8MatmulBase;

  /// Packed B and 128 * colsum(B) ([N] i32, only for a signed A), folded
  /// when B is a constant. Packed B is [N16 / 16, ceil(K/4), 64] i8: panels
  /// of 16 columns, each contiguous over k (one 64-byte line per 4 k), so
  /// that the k loop streams each panel instead of striding by 4 * N16
  /// bytes (which maps every step to the same L1 sets).
  std::pair<Value, Value> packB(OpBuilder &b, Location loc, Value bv,
                                int64_t k, int64_t n, bool needColsum) {
    int64_t kq = (k + 3) / 4, n16 = (n + 15) / 16 * 16;
    auto packedType =
        RankedTensorType::get({n16 / 16, kq, 64}, b.getI8Type());
    auto colsumType = RankedTensorType::get({n}, b.getI32Type());
    if (std::optional<SmallVector<int8_t>> bytes = constantBytes(bv)) {
      SmallVector<int8_t> packed(kq * 4 * n16, 0);
      SmallVector<int32_t> colsum(n, 0);
      for (int64_t kk = 0; kk < k; ++kk)
        for (int64_t j = 0; j < n; ++j) {
          int8_t value = (*bytes)[kk * n + j];
          packed[((j / 16) * kq + kk / 4) * 64 + (j % 16) * 4 + kk % 4] =
              value;
          colsum[j] += 128 * value;
        }
      Value packedB = arith::ConstantOp::create(
          b, loc,
          DenseResourceElementsAttr::get(
              packedType, "qopt_vnni_b",
              HeapAsmResourceBlob::allocateAndCopyInferAlign<int8_t>(packed)));
      Value sums;
      if (needColsum)
        sums = arith::ConstantOp::create(
            b, loc, DenseIntElementsAttr::get(colsumType, ArrayRef(colsum)));
      return {packedB, sums};
    }
    // Run time: packed[p, q, 4 c + r] = B[4 q + r, 16 p + c] (0 outside B).
    Value empty = tensor::EmptyOp::create(b, loc, packedType.getShape(),
                                          b.getI8Type());
    auto identity = b.getMultiDimIdentityMap(3);
    auto pack = linalg::GenericOp::create(
        b, loc, packedType, ValueRange{}, ValueRange{empty},
        ArrayRef<AffineMap>{identity},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange) {
          Value p = linalg::IndexOp::create(nb, l, 0);
          Value q = linalg::IndexOp::create(nb, l, 1);
          Value c = linalg::IndexOp::create(nb, l, 2);
          auto idx = [&](int64_t v) {
            return arith::ConstantIndexOp::create(nb, l, v);
          };
          Value j = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, p, idx(16)),
              arith::DivUIOp::create(nb, l, c, idx(4)));
          Value r = arith::RemUIOp::create(nb, l, c, idx(4));
          Value row = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, q, idx(4)), r);
          Value valid = arith::AndIOp::create(
              nb, l,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, row,
                                    idx(k)),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, j,
                                    idx(n)));
          Value zero = idx(0);
          Value safeRow = arith::SelectOp::create(nb, l, valid, row, zero);
          Value safeCol = arith::SelectOp::create(nb, l, valid, j, zero);
          Value v = tensor::ExtractOp::create(nb, l, bv,
                                              ValueRange{safeRow, safeCol});
          Value zeroI8 = arith::ConstantIntOp::create(nb, l, 0, 8);
          linalg::YieldOp::create(
              nb, l, ValueRange{arith::SelectOp::create(nb, l, valid, v,
                                                        zeroI8)});
        });
    Value sums;
    if (needColsum) {
      Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
      Value init = linalg::FillOp::create(
                       b, loc, zero,
                       ValueRange{tensor::EmptyOp::create(
                           b, loc, ArrayRef<int64_t>{n}, b.getI32Type())})
                       .getResult(0);
      MLIRContext *ctx = b.getContext();
      AffineExpr dn = getAffineDimExpr(0, ctx), dk = getAffineDimExpr(1, ctx);
      sums = linalg::GenericOp::create(
                 b, loc, colsumType, ValueRange{bv}, ValueRange{init},
                 ArrayRef<AffineMap>{AffineMap::get(2, 0, {dk, dn}, ctx),
                                     AffineMap::get(2, 0, {dn}, ctx)},
                 ArrayRef<utils::IteratorType>{
                     utils::IteratorType::parallel,
                     utils::IteratorType::reduction},
                 [&](OpBuilder &nb, Location l, ValueRange args) {
                   Value v = arith::ExtSIOp::create(nb, l, nb.getI32Type(),
                                                    args[0]);
                   v = arith::ShLIOp::create(
                       nb, l, v, arith::ConstantIntOp::create(nb, l, 7, 32));
                   linalg::YieldOp::create(
                       nb, l, ValueRange{arith::AddIOp::create(nb, l, args[1],
                                                               v)});
                 })
                 .getResult(0);
    }
    return {pack.getResult(0), sums};
  }

  /// acc + the sums of 4 adjacent products of unsigned `a` and signed `b`
  /// bytes (vpdpbusd's meaning), written with pure vector ops:
  /// multi_reduction<add>(extui(a as 16x4) * extsi(b as 16x4)) into acc.
  /// Bufferization cannot take llvm.call_intrinsic (unknown memory effects);
  /// qopt-cpu-lower-vnni turns this into the intrinsic afterwards.
  static Value dotStandIn(OpBuilder &b, Location loc, Value acc, Value a,
                          Value bv) {
    auto bytes = VectorType::get({16, 4}, b.getI8Type());
    auto wide = VectorType::get({16, 4}, b.getI32Type());
    Value aw = arith::ExtUIOp::create(
        b, loc, wide, vector::ShapeCastOp::create(b, loc, bytes, a));
    Value bw = arith::ExtSIOp::create(
        b, loc, wide, vector::ShapeCastOp::create(b, loc, bytes, bv));
    Value product = arith::MulIOp::create(b, loc, aw, bw);
    return vector::MultiDimReductionOp::create(
        b, loc, product, acc, ArrayRef<bool>{false, true},
        vector::CombiningKind::ADD);
  }

  /// Everything the micro-kernel reads.
  struct Kernel {
    Value a, packedB, colsum; // colsum: null for an unsigned A
    int64_t k, n;
    bool zeroInit; // the accumulator starts at 0 (not read)
  };

  /// One register tile: `rows` rows of A from row `row` (of A; row
  /// `tileRow` of the tile tensor `c`, whose first column is column
  /// `colBase` of the result) times one 16-column vector per `inBounds`
  /// entry from column `col` (of the result), accumulated over all of k; a
  /// vector whose entry is false reaches past N (masked). Returns the new
  /// `c`.
  Value buildMicroTile(OpBuilder &b, Location loc, const Kernel &kernel,
                       Value c, Value row, Value tileRow, Value colBase,
                       Value col, int64_t rows, ArrayRef<bool> inBounds) {
    int64_t vectors = inBounds.size();
    auto i32 = b.getI32Type();
    auto v16 = VectorType::get({16}, i32);
    auto v64 = VectorType::get({64}, b.getI8Type());
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    SmallVector<Value> cols, tileCols, panels;
    for (int64_t j = 0; j < vectors; ++j) {
      cols.push_back(arith::AddIOp::create(b, loc, col, idx(16 * j)));
      tileCols.push_back(arith::SubIOp::create(b, loc, cols.back(), colBase));
      panels.push_back(arith::DivUIOp::create(b, loc, cols.back(), idx(16)));
    }
    Value zeroI32 = arith::ConstantIntOp::create(b, loc, 0, 32);

    // Accumulators: C (or 0) minus 128 * colsum(B) for a signed A.
    SmallVector<Value> init;
    SmallVector<Value> corrections;
    for (int64_t j = 0; j < vectors; ++j) {
      Value correction;
      if (kernel.colsum)
        correction = vector::TransferReadOp::create(
            b, loc, v16, kernel.colsum, ValueRange{cols[j]}, zeroI32,
            ArrayRef<bool>{inBounds[j]});
      corrections.push_back(correction);
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < vectors; ++j) {
        Value acc;
        if (kernel.zeroInit)
          acc = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(
                                                      v16, b.getI32IntegerAttr(0)));
        else
          acc = vector::TransferReadOp::create(
              b, loc, v16, c,
              ValueRange{arith::AddIOp::create(b, loc, tileRow, idx(r)),
                         tileCols[j]},
              zeroI32, ArrayRef<bool>{inBounds[j]});
        if (corrections[j])
          acc = arith::SubIOp::create(b, loc, acc, corrections[j]);
        init.push_back(acc);
      }

    Value flip;
    if (kernel.colsum)
      flip = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(v16, b.getI32IntegerAttr(
                                          static_cast<int32_t>(0x80808080u))));
    // One step of 4 k: q is the group index; `full`: all 4 k exist.
    auto step = [&](OpBuilder &sb, Location l, Value q, ValueRange accs,
                    bool full) {
      auto sidx = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(sb, l, v);
      };
      Value k4 = arith::MulIOp::create(sb, l, q, sidx(4));
      SmallVector<Value> bvecs;
      for (int64_t j = 0; j < vectors; ++j)
        bvecs.push_back(vector::TransferReadOp::create(
            sb, l, v64, kernel.packedB,
            ValueRange{panels[j], q, sidx(0)},
            arith::ConstantIntOp::create(sb, l, 0, 8), ArrayRef<bool>{true}));
      SmallVector<Value> next;
      for (int64_t r = 0; r < rows; ++r) {
        Value a4 = vector::TransferReadOp::create(
            sb, l, VectorType::get({4}, sb.getI8Type()), kernel.a,
            ValueRange{arith::AddIOp::create(sb, l, row, sidx(r)), k4},
            arith::ConstantIntOp::create(sb, l, 0, 8),
            ArrayRef<bool>{full});
        Value lane = vector::BitCastOp::create(
            sb, l, VectorType::get({1}, i32), a4);
        Value scalar = vector::ExtractOp::create(sb, l, lane, 0);
        Value broadcast = vector::BroadcastOp::create(sb, l, v16, scalar);
        if (flip)
          broadcast = arith::XOrIOp::create(sb, l, broadcast, flip);
        Value bytes = vector::BitCastOp::create(sb, l, v64, broadcast);
        for (int64_t j = 0; j < vectors; ++j)
          next.push_back(dotStandIn(sb, l, accs[r * vectors + j], bytes,
                                    bvecs[j]));
      }
      return next;
    };
    int64_t fullGroups = kernel.k / 4;
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(fullGroups), idx(1), init,
        [&](OpBuilder &lb, Location l, Value q, ValueRange accs) {
          scf::YieldOp::create(lb, l, step(lb, l, q, accs, true));
        });
    SmallVector<Value> accs(loop.getResults());
    if (kernel.k % 4 != 0)
      accs = step(b, loc, idx(fullGroups), accs, false);

    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < vectors; ++j)
        c = vector::TransferWriteOp::create(
                b, loc, accs[r * vectors + j], c,
                ValueRange{arith::AddIOp::create(b, loc, tileRow, idx(r)),
                           tileCols[j]},
                ArrayRef<bool>{inBounds[j]})
                .getResult();
    return c;
  }

  /// Rows [row, row + rows) of the result times the full column blocks
  /// [blockBegin, blockEnd), plus the narrower last block when `withRest`
  /// (i1) holds; `c` is the tile tensor, whose first column is `colBase`.
  /// n blocks outside, micro-tile rows inside.
  Value buildRowTile(OpBuilder &b, Location loc, const Kernel &kernel, Value c,
                     Value row, Value rows, Value colBase, Value blockBegin,
                     Value blockEnd, Value withRest) {
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    int64_t mr = microM, nv = microN;
    int64_t blockWidth = 16 * nv;
    int64_t fullBlocks = kernel.n / blockWidth;
    int64_t rest = kernel.n - fullBlocks * blockWidth;
    Value fullRows = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, rows, idx(mr)), idx(mr));
    // Rows of one block: full micro-tiles, then single rows.
    auto block = [&](OpBuilder &bb, Location l, Value cIn, Value col,
                     ArrayRef<bool> inBounds) -> Value {
      auto tiles = scf::ForOp::create(
          bb, l, arith::ConstantIndexOp::create(bb, l, 0), fullRows,
          arith::ConstantIndexOp::create(bb, l, mr), ValueRange{cIn},
          [&](OpBuilder &tb, Location tl, Value r, ValueRange iter) {
            Value aRow = arith::AddIOp::create(tb, tl, row, r);
            scf::YieldOp::create(
                tb, tl,
                buildMicroTile(tb, tl, kernel, iter[0], aRow, r, colBase,
                               col, mr, inBounds));
          });
      auto singles = scf::ForOp::create(
          bb, l, fullRows, rows, arith::ConstantIndexOp::create(bb, l, 1),
          tiles.getResults(),
          [&](OpBuilder &tb, Location tl, Value r, ValueRange iter) {
            Value aRow = arith::AddIOp::create(tb, tl, row, r);
            scf::YieldOp::create(
                tb, tl,
                buildMicroTile(tb, tl, kernel, iter[0], aRow, r, colBase,
                               col, 1, inBounds));
          });
      return singles.getResult(0);
    };
    // Full column blocks in a loop, then a narrower block (static: N is
    // static) for the columns left, its last vector masked if partial.
    if (fullBlocks > 0) {
      SmallVector<bool> full(nv, true);
      auto blocks = scf::ForOp::create(
          b, loc, arith::MulIOp::create(b, loc, blockBegin, idx(blockWidth)),
          arith::MulIOp::create(b, loc, blockEnd, idx(blockWidth)),
          idx(blockWidth), ValueRange{c},
          [&](OpBuilder &bb, Location l, Value col, ValueRange iter) {
            scf::YieldOp::create(bb, l, block(bb, l, iter[0], col, full));
          });
      c = blocks.getResult(0);
    }
    if (rest > 0) {
      SmallVector<bool> partial;
      for (int64_t j = 0; j < (rest + 15) / 16; ++j)
        partial.push_back(16 * (j + 1) <= rest);
      auto ifOp = scf::IfOp::create(
          b, loc, withRest,
          [&](OpBuilder &ib, Location l) {
            scf::YieldOp::create(
                ib, l,
                block(ib, l, c,
                      arith::ConstantIndexOp::create(ib, l,
                                                     fullBlocks * blockWidth),
                      partial));
          },
          [&](OpBuilder &ib, Location l) { scf::YieldOp::create(ib, l, c); });
      c = ifOp.getResult(0);
    }
    return c;
  }

  void runOnOperation() override {
    if (microM < 1 || microN < 1 || tileM < 1) {
      getOperation().emitError()
          << "qopt-cpu-int8-matmul: micro-m, micro-n and tile-m must be "
             "positive (got "
          << static_cast<int64_t>(microM) << ", "
          << static_cast<int64_t>(microN) << ", "
          << static_cast<int64_t>(tileM) << ")";
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::GenericOp, Int8Contraction>> work;
    getOperation().walk([&](linalg::GenericOp op) {
      if (auto c = matchContraction(op))
        work.push_back({op, *c});
    });
    for (auto &[op, c] : work)
      rewrite(op, c);
  }

  void rewrite(linalg::GenericOp op, const Int8Contraction &c) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto bType = cast<RankedTensorType>(c.b.getType());
    auto accType = cast<RankedTensorType>(c.acc.getType());
    Kernel kernel;
    kernel.a = c.a;
    kernel.k = bType.getDimSize(0);
    kernel.n = bType.getDimSize(1);
    std::tie(kernel.packedB, kernel.colsum) =
        packB(b, loc, c.b, kernel.k, kernel.n, c.signedA);

    // A zero-filled accumulator is not read: the kernel starts from 0.
    Value init = c.acc;
    kernel.zeroInit = false;
    if (auto fill = c.acc.getDefiningOp<linalg::FillOp>())
      if (matchPattern(fill.getInputs()[0], m_Zero())) {
        kernel.zeroInit = true;
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(b, loc, fill.getResult(0));
        init = tensor::EmptyOp::create(b, loc, sizes, b.getI32Type());
      }

    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value m = tensor::DimOp::create(b, loc, c.a, 0);
    int64_t tileRows = std::max<int64_t>(tileM, 1);
    Value numTiles = arith::CeilDivUIOp::create(b, loc, m, idx(tileRows));
    int64_t staticM = accType.getDimSize(0);
    bool threads =
        parallel && (ShapedType::isDynamic(staticM) ||
                     staticM * kernel.n * kernel.k >= (int64_t(1) << 15));
    // Tile t: rows [t * tileRows, min(M, (t + 1) * tileRows)).
    auto tileBounds = [&](OpBuilder &tb, Location l, Value t) {
      Value row = arith::MulIOp::create(
          tb, l, t, arith::ConstantIndexOp::create(tb, l, tileRows));
      Value rows = arith::MinUIOp::create(
          tb, l, arith::ConstantIndexOp::create(tb, l, tileRows),
          arith::SubIOp::create(tb, l, m, row));
      return std::pair(row, rows);
    };
    auto sliceOf = [&](OpBuilder &tb, Value row, Value rows, OpFoldResult col,
                       OpFoldResult cols) {
      SmallVector<OpFoldResult> offsets = {row, col};
      SmallVector<OpFoldResult> sizes = {rows, cols};
      SmallVector<OpFoldResult> strides(2, tb.getIndexAttr(1));
      return std::tuple(offsets, sizes, strides);
    };
    // Column blocks of micro-n vectors; the last one narrower when N is not
    // a multiple of the block width.
    int64_t blockWidth = 16 * microN;
    int64_t fullBlocks = kernel.n / blockWidth;
    bool hasRest = kernel.n % blockWidth != 0;
    int64_t totalBlocks = fullBlocks + (hasRest ? 1 : 0);
    // Few row tiles (M at most two tiles, or only known at run time): the
    // columns are cut into chunks of at least 4 blocks too, so that a
    // matrix-vector product (M = 1) still has tasks for every thread.
    int64_t colChunks = 1;
    if (threads && (ShapedType::isDynamic(staticM) || staticM <= 2 * tileRows))
      colChunks = std::clamp<int64_t>(totalBlocks / 4, 1, 8);
    int64_t chunkBlocks = (totalBlocks + colChunks - 1) / colChunks;
    colChunks = (totalBlocks + chunkBlocks - 1) / chunkBlocks;
    Value result;
    if (threads) {
      auto forall = scf::ForallOp::create(
          b, loc, ArrayRef<OpFoldResult>{numTiles, b.getIndexAttr(colChunks)},
          ValueRange{init}, std::nullopt,
          [&](OpBuilder &tb, Location l, ValueRange args) {
            auto cst = [&](int64_t v) -> Value {
              return arith::ConstantIndexOp::create(tb, l, v);
            };
            auto [row, rows] = tileBounds(tb, l, args[0]);
            // Chunk args[1]: blocks [b0, b1), columns [colBase, colEnd).
            Value b0 = arith::MulIOp::create(tb, l, args[1], cst(chunkBlocks));
            Value b1 = arith::MinUIOp::create(
                tb, l, arith::AddIOp::create(tb, l, b0, cst(chunkBlocks)),
                cst(totalBlocks));
            Value colBase = arith::MulIOp::create(tb, l, b0, cst(blockWidth));
            Value colEnd = arith::MinUIOp::create(
                tb, l, arith::MulIOp::create(tb, l, b1, cst(blockWidth)),
                cst(kernel.n));
            Value width = arith::SubIOp::create(tb, l, colEnd, colBase);
            Value fullEnd = arith::MinUIOp::create(tb, l, b1, cst(fullBlocks));
            Value withRest = arith::CmpIOp::create(
                tb, l, arith::CmpIPredicate::ugt, b1, cst(fullBlocks));
            auto [offsets, sizes, strides] =
                sliceOf(tb, row, rows, colBase, width);
            Value tile = tensor::ExtractSliceOp::create(tb, l, args[2], offsets,
                                                        sizes, strides);
            Value done = buildRowTile(tb, l, kernel, tile, row, rows, colBase,
                                      b0, fullEnd, withRest);
            auto terminator = scf::InParallelOp::create(tb, l);
            OpBuilder::InsertionGuard guard(tb);
            tb.setInsertionPointToStart(terminator.getBody());
            tensor::ParallelInsertSliceOp::create(tb, l, done, args[2],
                                                  offsets, sizes, strides);
          });
      result = forall.getResult(0);
    } else {
      auto loop = scf::ForOp::create(
          b, loc, idx(0), numTiles, idx(1), ValueRange{init},
          [&](OpBuilder &tb, Location l, Value t, ValueRange iter) {
            auto [row, rows] = tileBounds(tb, l, t);
            auto [offsets, sizes, strides] =
                sliceOf(tb, row, rows, tb.getIndexAttr(0),
                        tb.getIndexAttr(kernel.n));
            Value tile = tensor::ExtractSliceOp::create(tb, l, iter[0], offsets,
                                                        sizes, strides);
            Value zero = arith::ConstantIndexOp::create(tb, l, 0);
            Value done = buildRowTile(
                tb, l, kernel, tile, row, rows, zero, zero,
                arith::ConstantIndexOp::create(tb, l, fullBlocks),
                arith::ConstantIntOp::create(tb, l, hasRest ? 1 : 0, 1));
            scf::YieldOp::create(
                tb, l,
                ValueRange{tensor::InsertSliceOp::create(tb, l, done, iter[0],
                                                         offsets, sizes,
                                                         strides)});
          });
      result = loop.getResult(0);
    }
    op.getResult(0).replaceAllUsesWith(result);
    op.erase();
    if (auto fill = c.acc.getDefiningOp<linalg::FillOp>())
      if (fill->use_empty())
        fill.erase();
  }
};

} // namespace

bool quant_opt::isInt8Contraction(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic && matchContraction(generic).has_value();
}
