//===- ReduceRows.cpp - --qopt-nvptx-reduce-rows ---------------------------===//
//
// Row reductions on buffers -- a linalg.generic or linalg.reduce whose loops
// are P parallel dimensions followed by R >= 1 reduction dimensions, with one
// float output read and written through the parallel dimensions and a body
//
//     yield combine(f(inputs...), out)      combine: addf, mulf, maximumf,
//                                           minimumf, maxnumf, minnumf
//
// (out used exactly once, by the combiner whose result is yielded) -- become
// a gpu.launch where the threads of one row share its reduction:
//
//   * warp kernel (reduced length <= 256, or the short case of a length known
//     only at run time): blocks of 32 x 8 threads, one warp per row (row =
//     8 * block.x + thread.y), lane l computes f at elements l, l + 32, ...
//     (the body is cloned: fused producers such as exp(x - max) stay fused)
//     and combines them in a register; 5 xor shuffles combine the 32 lanes;
//   * block kernel (longer rows): one block per row, T threads (T from the
//     reduced length: ceil(len / 8) rounded up to a power of two, clamped to
//     [64, 256]; 1024 when the loop nest has exactly one row), thread t
//     computes elements t, t + T, ..., then xor shuffles per warp, one value
//     per warp through workgroup memory, a barrier, and warp 0 combines the
//     T / 32 warp values with shuffles again;
//   * split rows (at most 16 rows of a static count, each of at least 32768
//     elements or of a length known only at run time: full reductions):
//     stage 1 gives each row P = min(ceil(len / 8192), 1024) blocks of 256
//     threads, each storing the total of its chunk to a temporary
//     partial[row..., p]; stage 2 is a linalg.reduce of the partials into
//     the output, rewritten by the rules above.
//
// Lane / thread 0 then combines the row's total with the output's current
// value (the init: a fill, or what the output held) and stores it.
//
// Threads with no element start from the combiner's identity (-0.0 for addf,
// 1 for mulf, -inf / +inf for maximumf / minimumf, NaN for maxnumf /
// minnumf), so every element is combined exactly once. The combination order
// differs from the sequential loop: max / min give the same result, sums and
// products differ within rounding.
//
// Left alone (the generic one-thread-per-output path): reduction dimensions
// not after all parallel ones, a statically known reduced length below 32,
// several outputs, integer or other accumulators, bodies where out is used
// more than once or not by a recognized combiner, inputs read with a
// reduction dimension but not with all parallel ones (contractions:
// matmul-like generics keep one thread per output) or whose reduction
// dimensions are not their last indices in order, inputs aliasing the
// output, and the generic marked `qopt.weight_matmul`.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SmallBitVector.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXREDUCEROWS
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

constexpr int64_t kWarp = 32;
/// Rows per block of the warp kernel.
constexpr int64_t kWarpsPerBlock = 8;
/// Longest static reduced length the warp kernel takes.
constexpr int64_t kWarpMaxLength = 256;
/// Shortest static reduced length the pass takes (shorter rows stay one
/// thread per row).
constexpr int64_t kMinLength = 32;

/// A recognized row reduction.
struct RowReduction {
  linalg::LinalgOp op;
  unsigned numParallel = 0, numLoops = 0;
  Operation *combiner = nullptr;
  unsigned accOperand = 0; ///< which combiner operand is `out`
  Value out;
  Type accType;
  TypedAttr identity;
};

/// The identity of the combiner for `type`, or null if not a combiner.
TypedAttr getIdentity(Operation *op, FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  if (isa<arith::AddFOp>(op))
    return FloatAttr::get(type, APFloat::getZero(sem, /*Negative=*/true));
  if (isa<arith::MulFOp>(op))
    return FloatAttr::get(type, APFloat::getOne(sem));
  if (isa<arith::MaximumFOp>(op))
    return FloatAttr::get(type, APFloat::getInf(sem, /*Negative=*/true));
  if (isa<arith::MinimumFOp>(op))
    return FloatAttr::get(type, APFloat::getInf(sem, /*Negative=*/false));
  if (isa<arith::MaxNumFOp, arith::MinNumFOp>(op))
    return FloatAttr::get(type, APFloat::getQNaN(sem));
  return nullptr;
}

bool dependsOnReduction(AffineExpr e, unsigned numParallel) {
  bool found = false;
  e.walk([&](AffineExpr s) {
    if (auto d = dyn_cast<AffineDimExpr>(s))
      found |= d.getPosition() >= numParallel;
  });
  return found;
}

/// Inputs read with the reduction dimensions must read them as their last
/// indices, in order (consecutive elements of a row for an identity layout),
/// and index every parallel dimension (else it is a contraction); the others
/// read only parallel dimensions (per-row values, broadcasts).
bool isRowInput(AffineMap map, unsigned numParallel, unsigned numLoops) {
  unsigned numReduction = numLoops - numParallel;
  bool streamed = llvm::any_of(map.getResults(), [&](AffineExpr e) {
    return dependsOnReduction(e, numParallel);
  });
  if (!streamed)
    return true;
  if (map.getNumResults() < numReduction)
    return false;
  unsigned lead = map.getNumResults() - numReduction;
  for (unsigned i = 0; i < numReduction; ++i) {
    auto d = dyn_cast<AffineDimExpr>(map.getResult(lead + i));
    if (!d || d.getPosition() != numParallel + i)
      return false;
  }
  llvm::SmallBitVector seen(numParallel);
  for (unsigned i = 0; i < lead; ++i) {
    AffineExpr e = map.getResult(i);
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      if (d.getPosition() >= numParallel)
        return false;
      seen.set(d.getPosition());
    } else if (!isa<AffineConstantExpr>(e)) {
      return false;
    }
  }
  return seen.all();
}

/// The product of the static loop sizes in [from, to), or dynamic.
int64_t staticProduct(ArrayRef<int64_t> sizes, unsigned from, unsigned to) {
  int64_t product = 1;
  for (unsigned i = from; i < to; ++i) {
    if (ShapedType::isDynamic(sizes[i]))
      return ShapedType::kDynamic;
    product *= sizes[i];
  }
  return product;
}

FailureOr<RowReduction> match(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp, linalg::ReduceOp>(op.getOperation()) ||
      !op.hasPureBufferSemantics() || op->getParentOfType<gpu::LaunchOp>() ||
      op->hasAttr("qopt.weight_matmul") || op.getNumDpsInits() != 1)
    return failure();
  RowReduction r;
  r.op = op;
  r.numLoops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  while (r.numParallel < r.numLoops &&
         iterators[r.numParallel] == utils::IteratorType::parallel)
    ++r.numParallel;
  if (r.numParallel == r.numLoops)
    return failure();
  for (unsigned i = r.numParallel; i < r.numLoops; ++i)
    if (iterators[i] != utils::IteratorType::reduction)
      return failure();

  // The output: one float per row, read through the parallel dimensions.
  OpOperand *init = op.getDpsInitOperand(0);
  r.out = init->get();
  auto outType = dyn_cast<MemRefType>(r.out.getType());
  if (!outType)
    return failure();
  auto accType = dyn_cast<FloatType>(outType.getElementType());
  if (!accType || !(accType.isF16() || accType.isBF16() || accType.isF32() ||
                    accType.isF64()))
    return failure();
  r.accType = accType;
  AffineMap outMap = op.getMatchingIndexingMap(init);
  if (outMap.getNumResults() != r.numParallel)
    return failure();
  for (unsigned i = 0; i < r.numParallel; ++i) {
    auto d = dyn_cast<AffineDimExpr>(outMap.getResult(i));
    if (!d || d.getPosition() != i)
      return failure();
  }

  for (OpOperand *input : op.getDpsInputOperands()) {
    if (input->get() == r.out)
      return failure();
    if (!isa<MemRefType>(input->get().getType()) ||
        !isRowInput(op.getMatchingIndexingMap(input), r.numParallel,
                    r.numLoops))
      return failure();
  }

  // The body: yield combine(f(inputs), out), out used only there.
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return failure();
  BlockArgument outArg = op.getMatchingBlockArgument(init);
  if (!outArg.hasOneUse())
    return failure();
  OpOperand &use = *outArg.getUses().begin();
  Operation *combiner = use.getOwner();
  if (combiner->getNumOperands() != 2 || combiner->getNumResults() != 1 ||
      yield.getOperand(0) != combiner->getResult(0) ||
      combiner->getOperand(0) == combiner->getOperand(1))
    return failure();
  r.identity = getIdentity(combiner, accType);
  if (!r.identity)
    return failure();
  r.combiner = combiner;
  r.accOperand = use.getOperandNumber();

  // Very short rows are cheaper as one thread per row.
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t length = staticProduct(sizes, r.numParallel, r.numLoops);
  if (!ShapedType::isDynamic(length) && length < kMinLength)
    return failure();
  return r;
}

/// The kernel shape: threads of a row and rows per block.
struct KernelShape {
  int64_t threads;     ///< threads per row (32: the warp kernel)
  int64_t rowsPerBlock; ///< 8 for the warp kernel, else 1
};

KernelShape warpShape() { return {kWarp, kWarpsPerBlock}; }

KernelShape blockShape(int64_t length, int64_t rows) {
  if (rows == 1)
    return {1024, 1};
  int64_t threads = 64;
  if (!ShapedType::isDynamic(length))
    while (threads < 256 && threads * 8 < length)
      threads *= 2;
  else
    threads = 256;
  return {threads, 1};
}

/// Builds the kernel of one row reduction.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const RowReduction &r,
                ArrayRef<Value> sizes)
      : b(b), loc(loc), r(r), sizes(sizes) {}

  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// `a op b` with the combiner's operation (and attributes, e.g. fastmath).
  Value combine(Value x, Value y) {
    OperationState state(loc, r.combiner->getName());
    state.addOperands({x, y});
    state.addTypes(r.accType);
    state.addAttributes(r.combiner->getAttrs());
    return b.create(state)->getResult(0);
  }

  /// Combines `v` across the 32 lanes of a warp (every lane gets the total).
  Value warpReduce(Value v) {
    Type f32 = b.getF32Type();
    bool narrow = r.accType.getIntOrFloatBitWidth() < 32;
    for (int32_t offset = kWarp / 2; offset > 0; offset /= 2) {
      Value x = narrow ? arith::ExtFOp::create(b, loc, f32, v) : v;
      Value other = gpu::ShuffleOp::create(b, loc, x, offset, kWarp,
                                           gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      if (narrow)
        other = arith::TruncFOp::create(b, loc, r.accType, other);
      v = combine(v, other);
    }
    return v;
  }

  /// `linear` as indices into the loops [from, to) (row-major).
  SmallVector<Value> delinearize(Value linear, unsigned from, unsigned to) {
    SmallVector<Value> indices(to - from);
    for (unsigned i = to; i-- > from;) {
      if (i == from) {
        indices[i - from] = linear;
        break;
      }
      indices[i - from] = arith::RemUIOp::create(b, loc, linear, sizes[i]);
      linear = arith::DivUIOp::create(b, loc, linear, sizes[i]);
    }
    return indices;
  }

  /// The indices of `map` at loop indices `ivs`.
  SmallVector<Value> applyMap(AffineMap map, ArrayRef<Value> ivs) {
    SmallVector<Value> indices;
    for (AffineExpr e : map.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e))
        indices.push_back(ivs[d.getPosition()]);
      else if (auto c = dyn_cast<AffineConstantExpr>(e))
        indices.push_back(cst(c.getValue()));
      else
        indices.push_back(affine::AffineApplyOp::create(
            b, loc, AffineMap::get(map.getNumDims(), 0, e), ivs));
    }
    return indices;
  }

  /// acc = body(inputs at `ivs`, acc): the generic's body with `out` = acc.
  Value emitBody(ArrayRef<Value> ivs, Value acc) {
    linalg::LinalgOp op = r.op;
    Block *body = op.getBlock();
    IRMapping mapping;
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      if (arg.use_empty())
        continue;
      SmallVector<Value> indices =
          applyMap(op.getMatchingIndexingMap(input), ivs);
      mapping.map(arg, memref::LoadOp::create(b, loc, input->get(), indices)
                           .getResult());
    }
    mapping.map(op.getMatchingBlockArgument(op.getDpsInitOperand(0)), acc);
    for (Operation &o : body->without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(o)) {
        mapping.map(index.getResult(), ivs[index.getDim()]);
        continue;
      }
      b.clone(o, mapping);
    }
    return mapping.lookup(body->getTerminator()->getOperand(0));
  }

  /// Thread 0 of the row: out[row] = combine(total, out[row]) (the
  /// combiner's operand order).
  void emitStore(Value total, ArrayRef<Value> rowIndices) {
    Value old = memref::LoadOp::create(b, loc, r.out, rowIndices);
    Value result =
        r.accOperand == 1 ? combine(total, old) : combine(old, total);
    memref::StoreOp::create(b, loc, result, r.out, rowIndices);
  }

  /// Splits each row into `parts` chunks of `chunk` elements (stage 1 of a
  /// split reduction): block u computes chunk u % parts of row u / parts
  /// and stores its total to partial[row indices..., u % parts].
  struct Split {
    Value parts, chunk, partial;
  };

  void build(KernelShape shape, const Split *split = nullptr) {
    Value rows = cst(1);
    for (unsigned i = 0; i < r.numParallel; ++i)
      rows = arith::MulIOp::create(b, loc, rows, sizes[i]);
    Value length = cst(1);
    for (unsigned i = r.numParallel; i < r.numLoops; ++i)
      length = arith::MulIOp::create(b, loc, length, sizes[i]);
    Value grid = shape.rowsPerBlock == 1
                     ? rows
                     : arith::CeilDivUIOp::create(b, loc, rows,
                                                  cst(shape.rowsPerBlock))
                           .getResult();
    if (split)
      grid = arith::MulIOp::create(b, loc, rows, split->parts);
    int64_t warps = shape.threads / kWarp;
    SmallVector<Type> workgroup;
    if (warps > 1)
      workgroup.push_back(MemRefType::get(
          {warps}, r.accType, MemRefLayoutAttrInterface(),
          gpu::AddressSpaceAttr::get(b.getContext(),
                                     gpu::AddressSpace::Workgroup)));
    Value one = cst(1);
    auto launch = gpu::LaunchOp::create(
        b, loc, grid, one, one, cst(shape.threads), cst(shape.rowsPerBlock),
        one, /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/ValueRange(), workgroup);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&launch.getBody().front());

    Value t = launch.getThreadIds().x;
    Value row = launch.getBlockIds().x;
    Value part, begin = t, end = length;
    if (split) {
      part = arith::RemUIOp::create(b, loc, row, split->parts);
      row = arith::DivUIOp::create(b, loc, row, split->parts);
      Value first = arith::MulIOp::create(b, loc, part, split->chunk);
      begin = arith::AddIOp::create(b, loc, first, t);
      end = arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, first, split->chunk), length);
    }
    if (shape.rowsPerBlock > 1) {
      // One warp per row; a whole warp is in or out of range.
      row = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, row, cst(shape.rowsPerBlock)),
          launch.getThreadIds().y);
      Value active = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           row, rows);
      auto ifActive = scf::IfOp::create(b, loc, TypeRange{}, active,
                                        /*withElseRegion=*/false);
      b.setInsertionPoint(ifActive.thenBlock()->getTerminator());
    }
    SmallVector<Value> ivs = delinearize(row, 0, r.numParallel);
    SmallVector<Value> rowIndices(ivs);

    // Strided over the row, the body computing each element.
    Value identity = arith::ConstantOp::create(b, loc, r.identity);
    auto loop = scf::ForOp::create(b, loc, begin, end, cst(shape.threads),
                                   ValueRange{identity});
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      SmallVector<Value> all(ivs);
      llvm::append_range(all, delinearize(loop.getInductionVar(),
                                          r.numParallel, r.numLoops));
      scf::YieldOp::create(b, loc,
                           emitBody(all, loop.getRegionIterArgs().front()));
    }
    Value total = warpReduce(loop.getResult(0));
    Value zero = cst(0);
    auto ifThen = [&](Value cond) {
      auto op = scf::IfOp::create(b, loc, TypeRange{}, cond,
                                  /*withElseRegion=*/false);
      b.setInsertionPoint(op.thenBlock()->getTerminator());
      return op;
    };
    auto store = [&](Value value) {
      if (!split)
        return emitStore(value, rowIndices);
      SmallVector<Value> indices(rowIndices);
      indices.push_back(part);
      memref::StoreOp::create(b, loc, value, split->partial, indices);
    };
    if (warps == 1) {
      ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t, zero));
      store(total);
      return;
    }
    // One value per warp through workgroup memory, then warp 0.
    Value shared = launch.getWorkgroupAttributions().front();
    Value warp = arith::DivUIOp::create(b, loc, t, cst(kWarp));
    Value lane = arith::RemUIOp::create(b, loc, t, cst(kWarp));
    Value laneZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, zero);
    {
      OpBuilder::InsertionGuard g(b);
      ifThen(laneZero);
      memref::StoreOp::create(b, loc, total, shared, warp);
    }
    gpu::BarrierOp::create(b, loc);
    ifThen(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp, zero));
    Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          lane, cst(warps));
    Value slot = arith::MinUIOp::create(b, loc, lane, cst(warps - 1));
    Value partial = arith::SelectOp::create(
        b, loc, inRange, memref::LoadOp::create(b, loc, shared, slot),
        identity);
    Value rowTotal = warpReduce(partial);
    ifThen(laneZero);
    store(rowTotal);
  }

private:
  OpBuilder &b;
  Location loc;
  const RowReduction &r;
  ArrayRef<Value> sizes;
};

/// Rows per loop nest up to which long rows are split over several blocks.
constexpr int64_t kSplitMaxRows = 16;
/// Static reduced length from which they are.
constexpr int64_t kSplitMinLength = 32768;
/// Elements per block of a split row (256 threads x 32), and the most
/// blocks per row.
constexpr int64_t kSplitChunk = 8192;
constexpr int64_t kSplitMaxParts = 1024;

void rewrite(OpBuilder &b, const RowReduction &r, bool allowSplit = true);

/// Few long rows (a full reduction to a scalar, ...): stage 1 splits each
/// row over up to 1024 blocks of 256 threads, each storing its chunk's
/// total to a temporary partial[rows..., parts]; stage 2 is a linalg.reduce
/// of the partials into the output with the same combiner, itself rewritten
/// (a warp or block kernel, the init combined once there).
void rewriteSplit(OpBuilder &b, const RowReduction &r, ArrayRef<Value> sizes,
                  KernelBuilder &kernel) {
  linalg::LinalgOp op = r.op;
  Location loc = op.getLoc();
  Value length = kernel.cst(1);
  for (unsigned i = r.numParallel; i < r.numLoops; ++i)
    length = arith::MulIOp::create(b, loc, length, sizes[i]);
  // parts = clamp(ceil(length / 8192), 1, 1024); chunk = ceil(length / parts)
  Value parts = arith::MaxUIOp::create(
      b, loc,
      arith::MinUIOp::create(
          b, loc, arith::CeilDivUIOp::create(b, loc, length,
                                             kernel.cst(kSplitChunk)),
          kernel.cst(kSplitMaxParts)),
      kernel.cst(1));
  Value chunk = arith::CeilDivUIOp::create(b, loc, length, parts);
  SmallVector<int64_t> shape(op.getStaticLoopRanges());
  shape.resize(r.numParallel);
  shape.push_back(ShapedType::kDynamic);
  SmallVector<Value> dynamicSizes;
  for (unsigned i = 0; i < r.numParallel; ++i)
    if (ShapedType::isDynamic(shape[i]))
      dynamicSizes.push_back(sizes[i]);
  dynamicSizes.push_back(parts);
  auto partialType = MemRefType::get(shape, r.accType);
  Value partial =
      memref::AllocOp::create(b, loc, partialType, dynamicSizes).getResult();
  KernelBuilder::Split split{parts, chunk, partial};
  kernel.build({256, 1}, &split);

  // Stage 2: out = combine(partials..., out).
  unsigned accOperand = r.accOperand;
  Operation *combiner = r.combiner;
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{partial}, ValueRange{r.out},
      ArrayRef<int64_t>{int64_t(r.numParallel)},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        OperationState state(nloc, combiner->getName());
        if (accOperand == 1)
          state.addOperands({args[0], args[1]});
        else
          state.addOperands({args[1], args[0]});
        state.addTypes(args[0].getType());
        state.addAttributes(combiner->getAttrs());
        linalg::YieldOp::create(nb, nloc, nb.create(state)->getResult(0));
      });
  memref::DeallocOp::create(b, loc, partial);
  // The partials are one float row per output: always a row reduction.
  FailureOr<RowReduction> second = match(reduce);
  assert(succeeded(second) && "stage 2 is a row reduction");
  if (failed(second))
    return;
  rewrite(b, *second, /*allowSplit=*/false);
}

void rewrite(OpBuilder &b, const RowReduction &r, bool allowSplit) {
  linalg::LinalgOp op = r.op;
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  SmallVector<Value> sizes;
  for (Range range : op.createLoopRanges(b, loc))
    sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
  SmallVector<int64_t> staticSizes = op.getStaticLoopRanges();
  int64_t rows = staticProduct(staticSizes, 0, r.numParallel);
  int64_t length = staticProduct(staticSizes, r.numParallel, r.numLoops);
  KernelBuilder kernel(b, loc, r, sizes);
  if (allowSplit && !ShapedType::isDynamic(rows) && rows <= kSplitMaxRows &&
      (ShapedType::isDynamic(length) || length >= kSplitMinLength)) {
    rewriteSplit(b, r, sizes, kernel);
  } else if (!ShapedType::isDynamic(length)) {
    kernel.build(length <= kWarpMaxLength ? warpShape()
                                          : blockShape(length, rows));
  } else {
    // Known at run time only: short rows get the warp kernel.
    Value dynLength = kernel.cst(1);
    for (unsigned i = r.numParallel; i < r.numLoops; ++i)
      dynLength = arith::MulIOp::create(b, loc, dynLength, sizes[i]);
    Value isShort = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                          dynLength,
                                          kernel.cst(kWarpMaxLength));
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{}, isShort,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    kernel.build(warpShape());
    b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
    kernel.build(blockShape(length, rows));
  }
  op->erase();
}

struct NVPTXReduceRowsPass
    : quant_opt::impl::NVPTXReduceRowsBase<NVPTXReduceRowsPass> {
  void runOnOperation() override {
    SmallVector<RowReduction> found;
    getOperation().walk([&](linalg::LinalgOp op) {
      FailureOr<RowReduction> r = match(op);
      if (succeeded(r))
        found.push_back(*r);
    });
    OpBuilder b(&getContext());
    for (const RowReduction &r : found)
      rewrite(b, r);
  }
};

} // namespace
