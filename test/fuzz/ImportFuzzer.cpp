//===- ImportFuzzer.cpp - libFuzzer entry point for the ONNX importer -----===//
//
// Feeds each input to importONNXBuffer as a model held in memory (external
// data is rejected: there is no base directory), runs shape inference (with
// its folders) on what imports, and prints the result.
// Diagnostics are swallowed: a rejected model is the expected outcome; a
// crash, a sanitizer report or a leak is the bug.
//
//   quant-opt-import-fuzzer CORPUS_DIR...   fuzz
//   quant-opt-import-fuzzer FILE...         run the given inputs once
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/Passes.h"
#include "QuantOpt/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    quant_opt::registerImportDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler swallow(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });

  // No copy and no null terminator: the importer sees exactly libFuzzer's
  // allocation, so ASan reports any read past its end.
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  std::shared_ptr<llvm::MemoryBuffer> buffer = llvm::MemoryBuffer::getMemBuffer(
      bytes, "fuzz.onnx", /*RequiresNullTerminator=*/false);

  quant_opt::ImportOptions options;
  // Keep allocations within -rss_limit_mb: the importer materializes
  // typed-field tensors, so cap what a 64 KiB input may declare.
  options.maxTensorBytes = uint64_t(1) << 26;
  auto module = quant_opt::importONNXBuffer(&context, buffer,
                                            /*baseDir=*/"", options);
  if (failed(module))
    return 0;
  mlir::PassManager pm(&context, mlir::ModuleOp::getOperationName(),
                       mlir::OpPassManager::Nesting::Implicit);
  pm.addNestedPass<mlir::func::FuncOp>(quant_opt::onnx::createShapeInference());
  (void)pm.run(**module);
  (*module)->print(llvm::nulls());
  return 0;
}
