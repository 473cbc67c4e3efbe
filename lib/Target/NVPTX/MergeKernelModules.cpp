//===- MergeKernelModules.cpp - --qopt-nvptx-merge-kernel-modules ---------===//
//
// Moves the kernels of every gpu.module into one, so a model is one PTX
// module, and aligns every kernel's workgroup buffers to 16 bytes (the
// tiled matmul's ldmatrix reads 16-byte rows; LLVM would align a buffer
// only to its element type).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXMERGEKERNELMODULES
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

struct NVPTXMergeKernelModulesPass
    : quant_opt::impl::NVPTXMergeKernelModulesBase<
          NVPTXMergeKernelModulesPass> {
  using NVPTXMergeKernelModulesBase::NVPTXMergeKernelModulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;
    if (module.lookupSymbol(moduleName) &&
        module.lookupSymbol(moduleName) != modules.front().getOperation()) {
      module.emitError() << "qopt-nvptx-merge-kernel-modules: symbol '@"
                         << moduleName << "' already exists";
      return signalPassFailure();
    }
    // Outlining names every kernel function after its function, and each
    // module uniquely: kernels are renamed after their (unique) module.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : modules) {
      StringAttr moduleSym = source.getNameAttr();
      auto kernels = llvm::to_vector(source.getOps<gpu::GPUFuncOp>());
      for (gpu::GPUFuncOp kernel : kernels) {
        if (!kernel.isKernel())
          continue;
        StringAttr newName =
            kernels.size() == 1
                ? moduleSym
                : StringAttr::get(&getContext(), moduleSym.getValue() + "_" +
                                                     kernel.getName());
        renamed[{moduleSym, kernel.getNameAttr()}] = newName;
        kernel.setName(newName);
      }
    }
    gpu::GPUModuleOp target = modules.front();
    SymbolTable targetSymbols(target);
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules)) {
      for (Operation &op :
           llvm::make_early_inc_range(source.getBody()->getOperations())) {
        if (auto symbol = dyn_cast<SymbolOpInterface>(op)) {
          if (targetSymbols.lookup(symbol.getName())) {
            op.emitError() << "qopt-nvptx-merge-kernel-modules: two kernel "
                              "modules define '@"
                           << symbol.getName() << "'";
            return signalPassFailure();
          }
        }
        op.moveBefore(target.getBody(), target.getBody()->end());
        if (isa<SymbolOpInterface>(op))
          targetSymbols.insert(&op);
      }
    }
    // 16-byte aligned workgroup buffers (an explicit alignment is kept).
    StringRef align = LLVM::LLVMDialect::getAlignAttrName();
    Builder builder(&getContext());
    target.walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        if (!func.getWorkgroupAttributionAttr(i, align))
          func.setWorkgroupAttributionAttr(i, align,
                                           builder.getI64IntegerAttr(16));
    });
    target.setName(moduleName);
    StringAttr targetName = StringAttr::get(&getContext(), moduleName);
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      StringAttr leaf = kernel.getLeafReference();
      auto it = renamed.find({kernel.getRootReference(), leaf});
      if (it != renamed.end())
        leaf = it->second;
      launch.setKernelAttr(
          SymbolRefAttr::get(targetName, {FlatSymbolRefAttr::get(leaf)}));
    });
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules))
      source.erase();
  }
};

} // namespace
