//===- EntryPoint.cpp - --qopt-nvptx-entry-point --------------------------===//
//
// Wraps the C ABI's P_run (written by qopt-cpu-entry-point) with the CUDA
// runtime's checks:
//
//   int32_t P_run(in, out) {
//     int32_t rc = qopt_cuda_run_begin();   // driver, device, kernels ready
//     if (rc) return rc;
//     P_run_host(in, out);                  // the model (0 by construction)
//     return qopt_cuda_run_end();           // non-zero: a CUDA call failed
//   }
//
// and adds the weak `const char *qopt_model_device(void)` returning "cuda".
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Signature.h"
#include "QuantOpt/Target/NVPTX/Passes.h"

namespace quant_opt {
#define GEN_PASS_DEF_NVPTXENTRYPOINT
#include "QuantOpt/Target/NVPTX/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;

namespace {

LLVM::LLVMFuncOp getOrDeclare(OpBuilder &b, ModuleOp module, StringRef name,
                              LLVM::LLVMFunctionType type) {
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return f;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
}

struct NVPTXEntryPointPass
    : quant_opt::impl::NVPTXEntryPointBase<NVPTXEntryPointPass> {
  using NVPTXEntryPointBase::NVPTXEntryPointBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto prefixFunc = module.lookupSymbol<LLVM::LLVMFuncOp>("qopt_model_prefix");
    if (!prefixFunc) {
      module.emitError() << "qopt-nvptx-entry-point: no qopt_model_prefix "
                            "(run qopt-cpu-entry-point first)";
      return signalPassFailure();
    }
    // The prefix is the text of qopt_model_prefix's global.
    std::string prefix;
    module.walk([&](LLVM::GlobalOp global) {
      if (global.getSymName() == "__qopt_model_prefix_text")
        if (auto value = dyn_cast_or_null<StringAttr>(global.getValueOrNull()))
          prefix = value.getValue().drop_back().str();
    });
    auto run = prefix.empty()
                   ? LLVM::LLVMFuncOp()
                   : module.lookupSymbol<LLVM::LLVMFuncOp>(prefix + "_run");
    if (!run || run.isExternal()) {
      module.emitError() << "qopt-nvptx-entry-point: no '" << prefix
                         << "_run' function";
      return signalPassFailure();
    }
    std::string hostName = prefix + "_run_host";
    if (module.lookupSymbol(hostName)) {
      module.emitError() << "qopt-nvptx-entry-point: '" << hostName
                         << "' already exists";
      return signalPassFailure();
    }
    run.setSymName(hostName);
    run.setLinkage(LLVM::Linkage::Internal);

    Location loc = run.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto i32 = IntegerType::get(context, 32);
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto statusType = LLVM::LLVMFunctionType::get(i32, {});
    auto begin = getOrDeclare(b, module, "qopt_cuda_run_begin", statusType);
    auto end = getOrDeclare(b, module, "qopt_cuda_run_end", statusType);

    auto wrapper = LLVM::LLVMFuncOp::create(
        b, loc, prefix + "_run", LLVM::LLVMFunctionType::get(i32, {ptr, ptr}));
    Block *entry = wrapper.addEntryBlock(b);
    Block *body = wrapper.addBlock();
    Block *failed = wrapper.addBlock();
    failed->addArgument(i32, loc);
    b.setInsertionPointToStart(entry);
    Value rc = LLVM::CallOp::create(b, loc, begin, ValueRange()).getResult();
    Value zero = LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
    Value bad =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, rc, zero);
    LLVM::CondBrOp::create(b, loc, bad, failed, ValueRange{rc}, body,
                           ValueRange());
    b.setInsertionPointToStart(body);
    LLVM::CallOp::create(b, loc, run, entry->getArguments());
    Value status = LLVM::CallOp::create(b, loc, end, ValueRange()).getResult();
    LLVM::ReturnOp::create(b, loc, status);
    b.setInsertionPointToStart(failed);
    LLVM::ReturnOp::create(b, loc, failed->getArgument(0));

    // qopt_model_device(): "cuda".
    b.setInsertionPointToEnd(module.getBody());
    std::string text = "cuda";
    text.push_back('\0');
    auto arrayType =
        LLVM::LLVMArrayType::get(IntegerType::get(context, 8), text.size());
    LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/true,
                           LLVM::Linkage::Internal, "__qopt_model_device_text",
                           b.getStringAttr(text));
    auto device = LLVM::LLVMFuncOp::create(
        b, loc, "qopt_model_device", LLVM::LLVMFunctionType::get(ptr, {}),
        LLVM::Linkage::Weak);
    b.setInsertionPointToStart(device.addEntryBlock(b));
    Value address =
        LLVM::AddressOfOp::create(b, loc, ptr, "__qopt_model_device_text");
    LLVM::ReturnOp::create(b, loc, address);
  }
};

} // namespace
