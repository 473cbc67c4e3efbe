//===- EntryPoint.cpp - the --qopt-cpu-entry-point pass -------------------===//
//
// Writes the compiled-model C ABI (docs/cpu-codegen.md) around the lowered
// entry function, in the LLVM dialect:
//
//   int32_t P_run(const qopt_tensor *inputs, qopt_tensor *outputs)
//     builds a memref descriptor per input from {data, shape}, calls the
//     entry function and writes {data, shape, allocation} of each output;
//   const char *P_signature(void)
//   weak const char *qopt_model_prefix(void)
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/CPU/Passes.h"
#include "QuantOpt/Target/CPU/Signature.h"

namespace quant_opt {
#define GEN_PASS_DEF_CPUENTRYPOINT
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;
using namespace quant_opt;

namespace {

/// A constant C string global and a function returning its address.
void createStringFunction(OpBuilder &b, Location loc, StringRef funcName,
                          StringRef text, LLVM::Linkage linkage) {
  MLIRContext *context = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  std::string data = text.str();
  data.push_back('\0');
  auto arrayType =
      LLVM::LLVMArrayType::get(IntegerType::get(context, 8), data.size());
  std::string globalName = ("__" + funcName + "_text").str();
  LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/true,
                         LLVM::Linkage::Internal, globalName,
                         b.getStringAttr(data));
  auto func = LLVM::LLVMFuncOp::create(
      b, loc, funcName, LLVM::LLVMFunctionType::get(ptrType, {}), linkage);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(func.addEntryBlock(b));
  Value address = LLVM::AddressOfOp::create(b, loc, ptrType, globalName);
  LLVM::ReturnOp::create(b, loc, address);
}

struct CPUEntryPointPass
    : quant_opt::impl::CPUEntryPointBase<CPUEntryPointPass> {
  using CPUEntryPointBase::CPUEntryPointBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    FailureOr<ModelSignature> sig = getModuleSignature(module);
    if (failed(sig))
      return signalPassFailure();
    auto mainFunc = module.lookupSymbol<LLVM::LLVMFuncOp>(entry);
    if (!mainFunc || mainFunc.isExternal()) {
      module.emitError() << "no lowered entry function '@" << entry
                         << "' (run the CPU pipeline to the LLVM dialect)";
      return signalPassFailure();
    }
    // memref descriptor arguments: allocated, aligned, offset, sizes, strides.
    unsigned expectedArgs = 0;
    for (const TensorSignature &t : sig->inputs)
      expectedArgs += 3 + 2 * t.dims.size();
    if (mainFunc.getNumArguments() != expectedArgs) {
      mainFunc.emitError() << "expected " << expectedArgs
                           << " lowered arguments for the signature's "
                           << sig->inputs.size() << " inputs, found "
                           << mainFunc.getNumArguments();
      return signalPassFailure();
    }
    mainFunc.setLinkage(LLVM::Linkage::Internal);
    // The ONNX names live in the signature; LLVM has no use for them.
    mainFunc.removeArgAttrsAttr();
    mainFunc.removeResAttrsAttr();

    Location loc = mainFunc.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i8 = IntegerType::get(context, 8);
    auto i32 = IntegerType::get(context, 32);
    auto i64 = IntegerType::get(context, 64);
    auto tensorType =
        LLVM::LLVMStructType::getLiteral(context, {ptrType, ptrType, ptrType});
    std::string prefix = sig->modelName;

    auto runFunc = LLVM::LLVMFuncOp::create(
        b, loc, prefix + "_run",
        LLVM::LLVMFunctionType::get(i32, {ptrType, ptrType}));
    Block *body = runFunc.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value inputs = body->getArgument(0), outputs = body->getArgument(1);
    auto i64Const = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };
    auto fieldAddress = [&](Value array, int64_t index, int32_t field) {
      return LLVM::GEPOp::create(b, loc, ptrType, tensorType, array,
                                 ArrayRef<LLVM::GEPArg>{
                                     static_cast<int32_t>(index), field});
    };

    SmallVector<Value> args;
    for (auto [i, t] : llvm::enumerate(sig->inputs)) {
      Value data = LLVM::LoadOp::create(b, loc, ptrType,
                                        fieldAddress(inputs, i, 0));
      int64_t rank = t.dims.size();
      SmallVector<Value> sizes;
      if (rank) {
        Value shape = LLVM::LoadOp::create(b, loc, ptrType,
                                           fieldAddress(inputs, i, 1));
        for (int64_t d = 0; d < rank; ++d) {
          Value address =
              LLVM::GEPOp::create(b, loc, ptrType, i64, shape,
                                  ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(d)});
          sizes.push_back(LLVM::LoadOp::create(b, loc, i64, address));
        }
      }
      SmallVector<Value> strides(rank);
      Value stride = i64Const(1);
      for (int64_t d = rank - 1; d >= 0; --d) {
        strides[d] = stride;
        if (d)
          stride = LLVM::MulOp::create(b, loc, stride, sizes[d]);
      }
      args.append({data, data, i64Const(0)});
      args.append(sizes);
      args.append(strides);
    }
    auto call = LLVM::CallOp::create(b, loc, mainFunc, args);

    size_t numOutputs = sig->outputs.size();
    for (auto [j, t] : llvm::enumerate(sig->outputs)) {
      Value desc = call.getResult();
      if (numOutputs > 1)
        desc = LLVM::ExtractValueOp::create(b, loc, desc,
                                            ArrayRef<int64_t>{(int64_t)j});
      Value allocated = LLVM::ExtractValueOp::create(b, loc, desc, 0);
      Value aligned = LLVM::ExtractValueOp::create(b, loc, desc, 1);
      Value offset = LLVM::ExtractValueOp::create(b, loc, desc, 2);
      Value byteOffset = LLVM::MulOp::create(
          b, loc, offset, i64Const(getABITypeSize(t.dtype)));
      Value data = LLVM::GEPOp::create(b, loc, ptrType, i8, aligned,
                                       ArrayRef<LLVM::GEPArg>{byteOffset});
      LLVM::StoreOp::create(b, loc, data, fieldAddress(outputs, j, 0));
      LLVM::StoreOp::create(b, loc, allocated, fieldAddress(outputs, j, 2));
      int64_t rank = t.dims.size();
      if (!rank)
        continue;
      Value shape =
          LLVM::LoadOp::create(b, loc, ptrType, fieldAddress(outputs, j, 1));
      for (int64_t d = 0; d < rank; ++d) {
        Value size = LLVM::ExtractValueOp::create(b, loc, desc,
                                                  ArrayRef<int64_t>{3, d});
        Value address =
            LLVM::GEPOp::create(b, loc, ptrType, i64, shape,
                                ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(d)});
        LLVM::StoreOp::create(b, loc, size, address);
      }
    }
    Value zero = LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
    LLVM::ReturnOp::create(b, loc, zero);

    b.setInsertionPointToEnd(module.getBody());
    createStringFunction(b, loc, prefix + "_signature", sig->toText(),
                         LLVM::Linkage::External);
    createStringFunction(b, loc, "qopt_model_prefix", prefix,
                         LLVM::Linkage::Weak);
    module->removeAttr(kSignatureAttrName);
  }
};

} // namespace
