//===- quant-opt.cpp - the quant-opt driver -------------------------------===//
//
// Behaves like mlir-opt on .mlir input. On .onnx input it imports the model
// first, then runs the same pass pipeline and printing.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/ONNX/Passes.h"
#include "QuantOpt/Target/CPU/Passes.h"
#include "QuantOpt/Target/ONNX/ImportONNX.h"
#include "QuantOpt/Target/ONNX/ModelSummary.h"
#include "QuantOpt/Target/ONNX/PrintModule.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::OptionCategory onnxCategory("ONNX import options");

static llvm::cl::opt<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("Specialize graph input shapes: "
                               "name=1x128,other=?x3x224x224"),
                llvm::cl::value_desc("name=DIMS,..."),
                llvm::cl::cat(onnxCategory));

static llvm::cl::opt<bool>
    summary("summary",
            llvm::cl::desc("Print a model summary (inputs, outputs, op "
                           "counts, parameters) instead of the IR"),
            llvm::cl::cat(onnxCategory));

/// Imports, runs the pass pipeline and prints, mirroring MlirOptMain.
static LogicalResult runOnONNX(StringRef inputFile, StringRef outputFile,
                               DialectRegistry &registry) {
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  quant_opt::ImportOptions options;
  if (!inputShapes.empty()) {
    auto shapes = quant_opt::parseInputShapes(inputShapes);
    if (!shapes) {
      llvm::errs() << "error: --input-shape: "
                   << llvm::toString(shapes.takeError()) << "\n";
      return failure();
    }
    options.inputShapes = std::move(*shapes);
  }

  auto module = quant_opt::importONNXFile(&context, inputFile, options);
  if (failed(module))
    return failure();

  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  pm.enableVerifier(config.shouldVerifyPasses());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (failed(config.setupPassPipeline(pm)))
    return failure();
  if (failed(pm.run(**module)))
    return failure();

  // Only create the output once everything succeeded: no partial files.
  std::string errorMessage;
  auto output = openOutputFile(outputFile, &errorMessage);
  if (!output) {
    llvm::errs() << "error: " << errorMessage << "\n";
    return failure();
  }
  if (summary) {
    quant_opt::printModelSummary(**module, output->os());
  } else if (config.shouldEmitBytecode()) {
    if (failed(writeBytecodeToFile(**module, output->os())))
      return failure();
  } else {
    // Not Operation::print: it renders even elided weights to hex.
    quant_opt::printModule(**module, output->os());
    output->os() << "\n";
  }
  output->keep();
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  DialectRegistry registry;
  quant_opt::registerImportDialects(registry);
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllPasses();
  quant_opt::onnx::registerONNXPasses();
  quant_opt::registerQOptConversionPasses();
  quant_opt::registerQOptCPUPasses();
  quant_opt::registerCPUPipeline();

  auto [inputFile, outputFile] = registerAndParseCLIOptions(
      argc, argv, "quant-opt: ONNX quantization compiler driver\n", registry);

  if (StringRef(inputFile).ends_with(".onnx"))
    return asMainReturnCode(runOnONNX(inputFile, outputFile, registry));
  if (summary || !inputShapes.empty()) {
    llvm::errs() << "error: --summary and --input-shape apply to .onnx "
                    "input only, got '"
                 << inputFile << "'\n";
    return 1;
  }
  return asMainReturnCode(
      MlirOptMain(argc, argv, inputFile, outputFile, registry));
}
