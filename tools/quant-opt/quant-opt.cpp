//===- quant-opt.cpp - the quant-opt driver -------------------------------===//
//
// Behaves like mlir-opt on .mlir input. On .onnx input it imports the model
// first, then runs the same pass pipeline and printing.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/ONNX/Passes.h"
#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Target/CPU/Emit.h"
#include "QuantOpt/Target/CPU/Passes.h"
#include "QuantOpt/Target/ONNX/ExportONNX.h"
#include "QuantOpt/Target/NVPTX/Emit.h"
#include "QuantOpt/Target/NVPTX/Passes.h"
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
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
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

static llvm::cl::OptionCategory codegenCategory("Code generation options");

static llvm::cl::opt<quant_opt::ExportOptions::ExternalData> onnxExternalData(
    "onnx-external-data",
    llvm::cl::desc("--emit=onnx: write initializers of 1 KiB or more to "
                   "OUTPUT.data"),
    llvm::cl::values(
        clEnumValN(quant_opt::ExportOptions::ExternalData::Auto, "auto",
                   "when the source model had external data or the model "
                   "exceeds 2 GiB (default)"),
        clEnumValN(quant_opt::ExportOptions::ExternalData::Always, "always",
                   "always"),
        clEnumValN(quant_opt::ExportOptions::ExternalData::Never, "never",
                   "never (a model over 2 GiB is an error)")),
    llvm::cl::init(quant_opt::ExportOptions::ExternalData::Auto),
    llvm::cl::cat(codegenCategory));

enum class Emit { MLIR, LLVMIR, Assembly, Object, Shared, Header, ONNX, PTX, Cubin };
static llvm::cl::opt<Emit> emit(
    "emit", llvm::cl::desc("What to write (default: MLIR after the passes)"),
    llvm::cl::values(
        clEnumValN(Emit::MLIR, "mlir", "MLIR after the given passes"),
        clEnumValN(Emit::LLVMIR, "llvm", "optimized LLVM IR"),
        clEnumValN(Emit::Assembly, "asm", "assembly"),
        clEnumValN(Emit::Object, "obj", "an object file"),
        clEnumValN(Emit::Shared, "shared",
                   "a shared library with the compiled-model C ABI"),
        clEnumValN(Emit::Header, "header", "the model's C header"),
        clEnumValN(Emit::ONNX, "onnx",
                   "an ONNX model (onnx dialect ops after the passes)"),
        clEnumValN(Emit::PTX, "ptx", "the model's GPU kernels as PTX "
                                     "(--target=nvptx)"),
        clEnumValN(Emit::Cubin, "cubin", "the model's GPU kernels assembled "
                                         "by ptxas (--target=nvptx)")),
    llvm::cl::init(Emit::MLIR), llvm::cl::cat(codegenCategory));

enum class Target { CPU, NVPTX };
static llvm::cl::opt<Target> target(
    "target", llvm::cl::desc("What the model runs on (default: cpu)"),
    llvm::cl::values(
        clEnumValN(Target::CPU, "cpu", "the host's x86-64 CPU"),
        clEnumValN(Target::NVPTX, "nvptx",
                   "NVIDIA GPUs: PTX kernels, host code on the CPU")),
    llvm::cl::init(Target::CPU), llvm::cl::cat(codegenCategory));

static llvm::cl::opt<std::string>
    gpuArch("gpu-arch",
            llvm::cl::desc("GPU architecture for --target=nvptx: sm_80 "
                           "(default), sm_86, sm_89, sm_90"),
            llvm::cl::init("sm_80"), llvm::cl::cat(codegenCategory));

static llvm::cl::opt<std::string>
    cudaPath("cuda-path",
             llvm::cl::desc("CUDA toolkit root for --target=nvptx (ptxas, "
                            "libdevice)"),
             llvm::cl::init("/usr/local/cuda"), llvm::cl::cat(codegenCategory));

static llvm::cl::opt<std::string>
    cpu("cpu",
        llvm::cl::desc("CPU to compile for: 'host' (default) or an LLVM "
                       "x86 CPU name (x86-64-v3, skylake-avx512, ...)"),
        llvm::cl::init("host"), llvm::cl::cat(codegenCategory));

static llvm::cl::opt<std::string> modelName(
    "model-name",
    llvm::cl::desc("C prefix of the exported functions (default: the input "
                   "file's stem)"),
    llvm::cl::cat(codegenCategory));

static llvm::cl::opt<bool> noParallel(
    "no-parallel",
    llvm::cl::desc("Run the compiled model on one thread (no OpenMP)"),
    llvm::cl::cat(codegenCategory));

static llvm::cl::OptionCategory quantCategory("Quantization options");

static llvm::cl::opt<std::string> quantizePreset(
    "quantize",
    llvm::cl::desc("Quantize with a preset pass pipeline (--list-presets; "
                   "docs/quantization.md lists each expansion)"),
    llvm::cl::value_desc("PRESET"), llvm::cl::cat(quantCategory));

static llvm::cl::opt<bool> listPresets(
    "list-presets", llvm::cl::desc("Print the --quantize presets, one a line"),
    llvm::cl::cat(quantCategory));

static llvm::cl::opt<std::string> calibrationData(
    "calibration-data",
    llvm::cl::desc("Dataset for --quantize calibration (test_data_set_* "
                   "directories)"),
    llvm::cl::value_desc("DIR"), llvm::cl::cat(quantCategory));

static llvm::cl::opt<std::string> calibrationTable(
    "calibration-table",
    llvm::cl::desc("Calibration table: written when --calibration-data is "
                   "given, else read"),
    llvm::cl::value_desc("FILE"), llvm::cl::cat(quantCategory));

static llvm::cl::opt<int64_t> calibrationSamples(
    "calibration-samples",
    llvm::cl::desc("Use at most N calibration samples (0: all)"),
    llvm::cl::init(0), llvm::cl::cat(quantCategory));

static llvm::cl::opt<std::string> quantizeReport(
    "quantize-report",
    llvm::cl::desc("With --quantize: write the quantization report to FILE "
                   "('-': stderr)"),
    llvm::cl::value_desc("FILE"), llvm::cl::cat(quantCategory));

/// True once the module is in the LLVM dialect (nothing left to lower).
static bool isLoweredToLLVM(ModuleOp module) {
  bool lowered = true;
  module.walk([&](func::FuncOp) {
    lowered = false;
    return WalkResult::interrupt();
  });
  return lowered;
}

/// Writes `bytes` to `outputFile` (created only now: no partial files).
static LogicalResult writeOutput(StringRef outputFile, StringRef bytes) {
  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  output->os() << bytes;
  output->keep();
  return success();
}

/// The runtime library GPU bundles link: $QOPT_RUNTIME_LIBRARY, else
/// lib/libqopt_runtime.so next to quant-opt's bin/ directory.
static std::string findRuntimeLibrary(std::string &error) {
  if (const char *env = std::getenv("QOPT_RUNTIME_LIBRARY"))
    return env;
  std::string exe = llvm::sys::fs::getMainExecutable(
      "quant-opt", reinterpret_cast<void *>(&findRuntimeLibrary));
  SmallString<256> path(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(path, "lib", "libqopt_runtime.so");
  if (!llvm::sys::fs::exists(path)) {
    error = "cannot find the runtime library '" + path.str().str() +
            "' that GPU bundles link (set QOPT_RUNTIME_LIBRARY)";
    return "";
  }
  return path.str().str();
}

/// --target=nvptx: lowers with the NVPTX pipeline (unless already lowered)
/// and writes PTX, a cubin, or the GPU bundle (shared library).
static LogicalResult emitNVPTX(ModuleOp module,
                               const quant_opt::CPUTarget &cpuTarget,
                               StringRef name, StringRef outputFile) {
  std::string error;
  auto gpu = quant_opt::getNVPTXTarget(gpuArch, cudaPath, error);
  if (failed(gpu)) {
    llvm::errs() << "error: --gpu-arch: " << error << "\n";
    return failure();
  }
  if (emit != Emit::PTX && emit != Emit::Cubin && emit != Emit::Shared &&
      emit != Emit::LLVMIR) {
    llvm::errs() << "error: --target=nvptx emits ptx, cubin, shared or llvm "
                    "(host code)\n";
    return failure();
  }
  if (emit == Emit::Shared && outputFile == "-") {
    llvm::errs() << "error: --emit=shared needs an output file (-o)\n";
    return failure();
  }
  std::string runtimeLibrary;
  if (emit == Emit::Shared) {
    runtimeLibrary = findRuntimeLibrary(error);
    if (runtimeLibrary.empty()) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
  }
  if (!isLoweredToLLVM(module)) {
    PassManager pm(module.getContext(), ModuleOp::getOperationName(),
                   OpPassManager::Nesting::Implicit);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    quant_opt::NVPTXPipelineOptions options;
    options.modelName = name.str();
    options.arch = gpu->arch;
    options.cudaPath = gpu->cudaPath;
    quant_opt::buildNVPTXPipeline(pm, options);
    if (failed(pm.run(module)))
      return failure();
  }
  if (emit == Emit::Shared) {
    if (failed(quant_opt::emitNVPTXShared(module, cpuTarget, runtimeLibrary,
                                          outputFile, error))) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
    return success();
  }
  if (emit == Emit::LLVMIR) {
    SmallString<0> buffer;
    llvm::raw_svector_ostream os(buffer);
    if (failed(quant_opt::emitNVPTXHostCode(module, cpuTarget, os)))
      return failure();
    return writeOutput(outputFile, buffer);
  }
  auto ptx = quant_opt::getModulePTX(module, *gpu);
  if (failed(ptx))
    return failure();
  if (emit == Emit::PTX)
    return writeOutput(outputFile, *ptx);
  std::string cubin;
  if (failed(quant_opt::assemblePTX(*ptx, *gpu, cubin, error))) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  return writeOutput(outputFile, cubin);
}

/// Lowers the module (unless already in the LLVM dialect) and writes code,
/// a shared library or a header to `outputFile`.
static LogicalResult emitCode(ModuleOp module, StringRef inputFile,
                              StringRef outputFile) {
  MLIRContext *context = module.getContext();
  std::string name = modelName.empty()
                         ? llvm::sys::path::stem(inputFile).str()
                         : modelName.getValue();
  if (emit == Emit::Shared && outputFile == "-") {
    // Checked before compiling: cc cannot link to stdout.
    llvm::errs() << "error: --emit=shared needs an output file (-o)\n";
    return failure();
  }
  std::string error;
  auto cpuTarget = quant_opt::getCPUTarget(cpu, error);
  if (failed(cpuTarget)) {
    llvm::errs() << "error: --cpu: " << error << "\n";
    return failure();
  }
  quant_opt::CPUPipelineOptions options;
  options.modelName = quant_opt::sanitizeCIdentifier(name);
  options.vectorWidth = cpuTarget->vectorWidth;
  options.features = cpuTarget->features;
  options.int8VNNI = cpuTarget->hasAVX512VNNI;
  options.tableLookupLanes =
      cpuTarget->hasAVX512 ? 16 : cpuTarget->hasAVX2 ? 8 : 0;
  options.parallel = !noParallel;

  if (emit == Emit::Header) {
    if (!module->hasAttr(quant_opt::kSignatureAttrName)) {
      PassManager pm(context, ModuleOp::getOperationName(),
                     OpPassManager::Nesting::Implicit);
      quant_opt::buildSignaturePipeline(pm, options.modelName);
      if (failed(pm.run(module)))
        return failure();
    }
    auto sig = quant_opt::getModuleSignature(module);
    if (failed(sig))
      return failure();
    auto output = openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
    output->os() << quant_opt::emitCHeader(*sig);
    output->keep();
    return success();
  }

  if (target == Target::NVPTX)
    return emitNVPTX(module, *cpuTarget, options.modelName, outputFile);
  if (emit == Emit::PTX || emit == Emit::Cubin) {
    llvm::errs() << "error: --emit=" << (emit == Emit::PTX ? "ptx" : "cubin")
                 << " needs --target=nvptx\n";
    return failure();
  }

  if (!isLoweredToLLVM(module)) {
    PassManager pm(context, ModuleOp::getOperationName(),
                   OpPassManager::Nesting::Implicit);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    quant_opt::buildCPUPipeline(pm, options);
    if (failed(pm.run(module)))
      return failure();
  }

  if (emit == Emit::Shared) {
    SmallString<128> objectPath;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "quant-opt", "o", objectPath)) {
      llvm::errs() << "error: cannot create a temporary file: "
                   << ec.message() << "\n";
      return failure();
    }
    llvm::FileRemover removeObject(objectPath);
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(objectPath, ec);
      if (ec || failed(quant_opt::emitCPUCode(module, *cpuTarget,
                                              quant_opt::EmitKind::Object,
                                              os)))
        return failure();
    }
    if (failed(quant_opt::linkSharedLibrary(objectPath, outputFile, error))) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
    return success();
  }

  auto kind = emit == Emit::LLVMIR     ? quant_opt::EmitKind::LLVMIR
              : emit == Emit::Assembly ? quant_opt::EmitKind::Assembly
                                       : quant_opt::EmitKind::Object;
  // Render into memory first: no partial output file on failure.
  SmallString<0> buffer;
  llvm::raw_svector_ostream os(buffer);
  if (failed(quant_opt::emitCPUCode(module, *cpuTarget, kind, os)))
    return failure();
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  output->os() << buffer;
  output->keep();
  return success();
}

/// Imports (.onnx) or parses (.mlir) the input, runs the pass pipeline and
/// prints or emits code, mirroring MlirOptMain.
static LogicalResult runCompiler(StringRef inputFile, StringRef outputFile,
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

  OwningOpRef<ModuleOp> module;
  if (inputFile.ends_with(".onnx")) {
    auto imported = quant_opt::importONNXFile(&context, inputFile, options);
    if (failed(imported))
      return failure();
    module = std::move(*imported);
  } else {
    module = parseSourceFile<ModuleOp>(inputFile, sourceMgr,
                                       ParserConfig(&context));
    if (!module)
      return failure();
  }

  llvm::FileRemover temporaryTable, temporarySidecar;
  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  pm.enableVerifier(config.shouldVerifyPasses());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (!quantizePreset.empty()) {
    quant_opt::qopt::QuantizePresetOptions presetOptions;
    presetOptions.calibrationData = calibrationData;
    presetOptions.calibrationTable = calibrationTable;
    if (!calibrationData.empty() && calibrationTable.empty()) {
      // No table asked for: calibrate into a temporary one, removed below.
      llvm::SmallString<128> path;
      if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
              "quant-opt-calibration", "json", path)) {
        llvm::errs() << "error: cannot create a temporary calibration table: "
                     << ec.message() << "\n";
        return failure();
      }
      presetOptions.calibrationTable = path.str().str();
      temporaryTable.setFile(path);
      temporarySidecar.setFile(path + ".bin");
    }
    presetOptions.calibrationSamples = calibrationSamples;
    presetOptions.reportFile = quantizeReport;
    std::string error;
    if (failed(quant_opt::qopt::buildQuantizePipeline(pm, quantizePreset,
                                                      presetOptions, error))) {
      llvm::errs() << "error: --quantize: " << error << "\n";
      return failure();
    }
  }
  if (failed(config.setupPassPipeline(pm)))
    return failure();
  if (failed(pm.run(*module)))
    return failure();

  if (emit == Emit::ONNX) {
    quant_opt::ExportOptions exportOptions;
    exportOptions.externalData = onnxExternalData;
    return quant_opt::exportONNXFile(*module, outputFile, exportOptions);
  }
  if (emit != Emit::MLIR)
    return emitCode(*module, inputFile, outputFile);

  // Only create the output once everything succeeded: no partial files.
  std::string errorMessage;
  auto output = openOutputFile(outputFile, &errorMessage);
  if (!output) {
    llvm::errs() << "error: " << errorMessage << "\n";
    return failure();
  }
  if (summary) {
    quant_opt::printModelSummary(*module, output->os());
  } else if (config.shouldEmitBytecode()) {
    if (failed(writeBytecodeToFile(*module, output->os())))
      return failure();
  } else {
    // Not Operation::print: it renders even elided weights to hex.
    quant_opt::printModule(*module, output->os());
    output->os() << "\n";
  }
  output->keep();
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  DialectRegistry registry;
  quant_opt::registerImportDialects(registry);
  registry.insert<quant_opt::qopt::QOptDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllPasses();
  quant_opt::onnx::registerONNXPasses();
  quant_opt::registerQOptConversionPasses();
  quant_opt::registerQOptCPUPasses();
  quant_opt::registerCPUPipeline();
  quant_opt::registerQOptNVPTXPasses();
  quant_opt::registerNVPTXPipeline();
  quant_opt::registerNVPTXTargetExtensions(registry);
  quant_opt::qopt::registerQOptTransformsPasses();
  quant_opt::qopt::registerQuantizePipeline();

  auto [inputFile, outputFile] = registerAndParseCLIOptions(
      argc, argv, "quant-opt: ONNX quantization compiler driver\n", registry);

  if (listPresets) {
    for (const std::string &name : quant_opt::qopt::getQuantizePresetNames())
      llvm::outs() << name << "\n";
    return 0;
  }
  bool quantizing = !quantizePreset.empty();
  if (!quantizing && (!calibrationData.empty() ||
                      !calibrationTable.empty() || !quantizeReport.empty())) {
    llvm::errs() << "error: --calibration-data, --calibration-table and "
                    "--quantize-report apply to --quantize only\n";
    return 1;
  }
  if (StringRef(inputFile).ends_with(".onnx") || emit != Emit::MLIR ||
      quantizing)
    return asMainReturnCode(runCompiler(inputFile, outputFile, registry));
  if (summary || !inputShapes.empty()) {
    llvm::errs() << "error: --summary and --input-shape apply to .onnx "
                    "input only, got '"
                 << inputFile << "'\n";
    return 1;
  }
  return asMainReturnCode(
      MlirOptMain(argc, argv, inputFile, outputFile, registry));
}
