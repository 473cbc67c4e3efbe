//===- DeviceBuffers.cpp - --qopt-nvptx-device-buffers --------------------===//
//
// The compiled-model ABI passes host buffers; kernels need device-accessible
// ones. Arguments and globals are copied into CUDA managed memory, every
// host allocation becomes managed memory (gpu.alloc host_shared), deallocs
// call the runtime's qopt_cuda_free, and results are copied back into
// malloc'ed host buffers the caller owns.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXDEVICEBUFFERS
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

constexpr StringLiteral kHostAttr = "qopt.host";
constexpr StringLiteral kFreeFunction = "qopt_cuda_free";

bool insideLaunch(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() != nullptr;
}

/// A new buffer shaped like `source` (dynamic sizes read with memref.dim).
memref::AllocOp createAllocLike(OpBuilder &b, Location loc, Value source,
                                MemRefType type) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(b, loc, source, d));
  return memref::AllocOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), sizes);
}

/// The buffer `value` is a view of (through view-like ops).
Value rootOf(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view || view.getViewSource() == value)
      break;
    value = view.getViewSource();
  }
  return value;
}

constexpr StringLiteral kGlobalFunction = "qopt_cuda_global";

/// Declares `name` as a private func.func of `type` unless it exists.
void declare(ModuleOp module, StringRef name, FunctionType type) {
  if (module.lookupSymbol<func::FuncOp>(name))
    return;
  OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
  auto decl = func::FuncOp::create(mb, module.getLoc(), name, type);
  decl.setPrivate();
}

/// The device-resident copy of constant global `global` as a memref of the
/// same type: qopt_cuda_global(host pointer, bytes) returns its address,
/// wrapped in a memref descriptor (LLVM dialect; the cast to the memref type
/// folds away when memrefs are lowered).
FailureOr<Value> createDeviceGlobal(OpBuilder &b, ModuleOp module,
                                    memref::GetGlobalOp global,
                                    MemRefType type) {
  Location loc = global.getLoc();
  MLIRContext *context = b.getContext();
  Type element = type.getElementType();
  int64_t elementBytes;
  if (element.isIndex())
    elementBytes = 8;
  else if (element.isIntOrFloat())
    elementBytes = (element.getIntOrFloatBitWidth() + 7) / 8;
  else
    return global.emitError()
           << "qopt-nvptx-device-buffers: unsupported element type of global '@"
           << global.getName() << "'";
  auto i64 = b.getI64Type();
  declare(module, kGlobalFunction, b.getFunctionType({i64, i64}, {i64}));
  Value host = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, global);
  Value hostInt = arith::IndexCastOp::create(b, loc, i64, host);
  Value bytes = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(type.getNumElements() * elementBytes));
  Value device = func::CallOp::create(b, loc, kGlobalFunction, TypeRange{i64},
                                      ValueRange{hostInt, bytes})
                     .getResult(0);
  auto ptr = LLVM::LLVMPointerType::get(context);
  Value pointer = LLVM::IntToPtrOp::create(b, loc, ptr, device);
  int64_t rank = type.getRank();
  SmallVector<Type> fields = {ptr, ptr, i64};
  if (rank) {
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
  }
  auto descType = LLVM::LLVMStructType::getLiteral(context, fields);
  Value desc = LLVM::PoisonOp::create(b, loc, descType);
  auto constant = [&](int64_t v) -> Value {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  };
  desc = LLVM::InsertValueOp::create(b, loc, desc, pointer, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, pointer, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(0), ArrayRef<int64_t>{2});
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    desc = LLVM::InsertValueOp::create(b, loc, desc,
                                       constant(type.getDimSize(d)),
                                       ArrayRef<int64_t>{3, d});
    desc = LLVM::InsertValueOp::create(b, loc, desc, constant(stride),
                                       ArrayRef<int64_t>{4, d});
    stride *= type.getDimSize(d);
  }
  return UnrealizedConversionCastOp::create(b, loc, TypeRange{type},
                                            ValueRange{desc})
      .getResult(0);
}

struct NVPTXDeviceBuffersPass
    : quant_opt::impl::NVPTXDeviceBuffersBase<NVPTXDeviceBuffersPass> {
  using NVPTXDeviceBuffersBase::NVPTXDeviceBuffersBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!func.isExternal() && failed(runOnFunction(module, func)))
        return signalPassFailure();
  }

  LogicalResult runOnFunction(ModuleOp module, func::FuncOp func) {
    MLIRContext *context = &getContext();
    OpBuilder b(context);
    // Managed buffers the function owns until it returns.
    llvm::SetVector<Value> owned;

    // Inputs: copy into managed memory at entry (public functions only: the
    // ABI entry; private helpers receive buffers that are already managed).
    if (func.isPublic()) {
      Block &entry = func.getBody().front();
      b.setInsertionPointToStart(&entry);
      for (BlockArgument arg : entry.getArguments()) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        if (!type)
          continue;
        if (!type.getLayout().isIdentity()) {
          func.emitError() << "qopt-nvptx-device-buffers: argument "
                           << arg.getArgNumber()
                           << " has a non-identity layout (bufferize with "
                              "identity layouts at the function boundary)";
          return failure();
        }
        auto copy = createAllocLike(b, arg.getLoc(), arg, type);
        auto memcpy = memref::CopyOp::create(b, arg.getLoc(), arg, copy);
        // Every use but the copy and the sizes of the new buffer.
        arg.replaceUsesWithIf(copy, [&](OpOperand &use) {
          Operation *owner = use.getOwner();
          return owner != memcpy &&
                 !(isa<memref::DimOp>(owner) &&
                   owner->getBlock() == copy->getBlock() &&
                   owner->isBeforeInBlock(copy));
        });
        owned.insert(copy);
      }
    }

    // Globals. Constant ones (weights; bufferization never writes them):
    // the runtime's device-resident copy, made once per process by
    // qopt_cuda_global(host, bytes). Others: a managed copy per run.
    SmallVector<memref::GetGlobalOp> globals;
    func.walk([&](memref::GetGlobalOp op) {
      if (!insideLaunch(op))
        globals.push_back(op);
    });
    for (memref::GetGlobalOp global : globals) {
      global->moveBefore(&func.getBody().front(),
                         func.getBody().front().begin());
      b.setInsertionPointAfter(global);
      auto type = cast<MemRefType>(global.getType());
      if (!type.getLayout().isIdentity() || !type.hasStaticShape()) {
        func.emitError() << "qopt-nvptx-device-buffers: global '@"
                         << global.getName()
                         << "' has a non-identity layout or a dynamic shape";
        return failure();
      }
      auto symbol =
          SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
              global, global.getNameAttr());
      if (symbol && symbol.getConstant()) {
        SmallVector<OpOperand *> uses;
        for (OpOperand &use : global->getUses())
          uses.push_back(&use);
        FailureOr<Value> device = createDeviceGlobal(b, module, global, type);
        if (failed(device))
          return failure();
        for (OpOperand *use : uses)
          use->set(*device);
        continue;
      }
      auto copy = memref::AllocOp::create(
          b, global.getLoc(),
          MemRefType::get(type.getShape(), type.getElementType()));
      auto memcpy = memref::CopyOp::create(b, global.getLoc(), global, copy);
      global.getResult().replaceAllUsesExcept(copy, memcpy);
      owned.insert(copy);
    }

    // Results: copy into malloc'ed host buffers; free the managed ones.
    if (func.isPublic()) {
      SmallVector<func::ReturnOp> returns;
      func.walk([&](func::ReturnOp op) { returns.push_back(op); });
      for (func::ReturnOp ret : returns) {
        b.setInsertionPoint(ret);
        llvm::SetVector<Value> toFree(owned.begin(), owned.end());
        for (OpOperand &operand : ret->getOpOperands()) {
          auto type = dyn_cast<MemRefType>(operand.get().getType());
          if (!type)
            continue;
          if (!type.getLayout().isIdentity()) {
            ret.emitError() << "qopt-nvptx-device-buffers: result "
                            << operand.getOperandNumber()
                            << " has a non-identity layout";
            return failure();
          }
          Value value = operand.get();
          auto host = createAllocLike(b, ret.getLoc(), value, type);
          host->setAttr(kHostAttr, UnitAttr::get(context));
          memref::CopyOp::create(b, ret.getLoc(), value, host);
          operand.set(host);
          Value root = rootOf(value);
          if (root.getDefiningOp<memref::AllocOp>())
            toFree.insert(root);
        }
        for (Value buffer : toFree)
          memref::DeallocOp::create(b, ret.getLoc(), buffer);
      }
    }

    // Every other host allocation: managed memory.
    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp op) {
      if (!op->hasAttr(kHostAttr) && !insideLaunch(op))
        allocs.push_back(op);
    });
    for (memref::AllocOp alloc : allocs) {
      b.setInsertionPoint(alloc);
      auto managed = gpu::AllocOp::create(
          b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/true);
      alloc.getResult().replaceAllUsesWith(managed.getMemref());
      alloc.erase();
    }
    func.walk([&](memref::AllocOp op) { op->removeAttr(kHostAttr); });

    // Deallocations: the runtime's qopt_cuda_free(pointer).
    SmallVector<memref::DeallocOp> deallocs;
    func.walk([&](memref::DeallocOp op) {
      if (!insideLaunch(op))
        deallocs.push_back(op);
    });
    if (deallocs.empty())
      return success();
    auto i64 = b.getI64Type();
    declare(module, kFreeFunction, b.getFunctionType({i64}, {}));
    for (memref::DeallocOp dealloc : deallocs) {
      b.setInsertionPoint(dealloc);
      Location loc = dealloc.getLoc();
      Value pointer = memref::ExtractAlignedPointerAsIndexOp::create(
          b, loc, dealloc.getMemref());
      Value asInt = arith::IndexCastOp::create(b, loc, i64, pointer);
      func::CallOp::create(b, loc, kFreeFunction, TypeRange(),
                           ValueRange{asInt});
      dealloc.erase();
    }
    return success();
  }
};

} // namespace
