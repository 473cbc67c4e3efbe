//===- MergeKernelModules.cpp - --qopt-nvptx-merge-kernel-modules ---------===//
//
// Moves the kernels of every gpu.module into one, so a model is one PTX
// module.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Passes.h"

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
    gpu::GPUModuleOp target = modules.front();
    target.setName(moduleName);
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
        if (auto symbol = dyn_cast<SymbolOpInterface>(op))
          targetSymbols.insert(&op);
      }
    }
    StringAttr targetName = StringAttr::get(&getContext(), moduleName);
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      launch.setKernelAttr(SymbolRefAttr::get(
          targetName, {FlatSymbolRefAttr::get(kernel.getLeafReference())}));
    });
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules))
      source.erase();
  }
};

} // namespace
