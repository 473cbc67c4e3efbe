//===- Emit.cpp - CPU target description and emitters ---------------------===//

#include "QuantOpt/Target/CPU/Emit.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace quant_opt;

static void initializeX86() {
  static bool done = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeX86AsmParser();
    return true;
  }();
  (void)done;
}

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CPUTarget &target, std::string &error) {
  initializeX86();
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
}

FailureOr<CPUTarget> quant_opt::getCPUTarget(StringRef cpu,
                                             std::string &error) {
  CPUTarget target;
  target.triple = llvm::sys::getDefaultTargetTriple();
  if (!llvm::Triple(target.triple).isX86()) {
    error = "the CPU target supports x86-64 only (host triple " +
            target.triple + ")";
    return failure();
  }
  if (cpu.empty() || cpu == "host") {
    target.cpu = llvm::sys::getHostCPUName().str();
    SmallVector<std::string> features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.push_back((feature.second ? "+" : "-") + feature.first().str());
    llvm::sort(features);
    target.features = llvm::join(features, ",");
  } else {
    target.cpu = cpu.str();
    // Check the name on a generic subtarget first: LLVM warns on stderr
    // when a machine is created for an unknown CPU.
    initializeX86();
    llvm::Triple triple(target.triple);
    const llvm::Target *llvmTarget =
        llvm::TargetRegistry::lookupTarget(triple, error);
    if (!llvmTarget)
      return failure();
    std::unique_ptr<llvm::MCSubtargetInfo> generic(
        llvmTarget->createMCSubtargetInfo(triple, "", ""));
    if (!generic || !generic->isCPUStringValid(target.cpu)) {
      error = "unknown --cpu '" + target.cpu +
              "' (use 'host' or an LLVM x86 CPU name such as x86-64-v3, "
              "skylake-avx512, sapphirerapids)";
      return failure();
    }
  }
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine)
    return failure();
  const llvm::MCSubtargetInfo *info = machine->getMCSubtargetInfo();
  auto has = [&](StringRef feature) {
    return info->checkFeatures(("+" + feature).str());
  };
  target.hasAVX512 = has("avx512f");
  target.hasAVX2 = has("avx2");
  target.hasFMA = has("fma");
  target.hasVNNI = has("avx512vnni") || has("avxvnni");
  target.hasBF16 = has("avx512bf16");
  target.hasAVX512VNNI = target.hasAVX512 && has("avx512vnni");
  target.vectorWidth = target.hasAVX512 ? 16 : target.hasAVX2 ? 8 : 4;
  return target;
}

LogicalResult quant_opt::emitCPUCode(ModuleOp module, const CPUTarget &target,
                                     EmitKind kind,
                                     llvm::raw_pwrite_stream &os) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(target, error);
  if (!machine)
    return module.emitError() << "cannot create the LLVM target: " << error;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "quant_opt_model");
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      f.addFnAttr("target-features", target.features);
  }

  // -O3.
  {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder builder(machine.get());
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager mpm =
        builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
    mpm.run(*llvmModule, mam);
  }

  if (kind == EmitKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager codegen;
  auto fileType = kind == EmitKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if (machine->addPassesToEmitFile(codegen, os, nullptr, fileType))
    return module.emitError() << "the target cannot emit this file type";
  codegen.run(*llvmModule);
  return success();
}

LogicalResult quant_opt::linkSharedLibrary(StringRef objectPath,
                                           StringRef outputPath,
                                           std::string &error,
                                           ArrayRef<std::string> extraArgs) {
  std::string compiler;
  if (const char *env = std::getenv("QOPT_CC"))
    compiler = env;
  else if (auto found = llvm::sys::findProgramByName("cc"))
    compiler = *found;
  else {
    error = "no C compiler driver to link the shared library: install gcc "
            "or set QOPT_CC";
    return failure();
  }
  SmallString<256> temp(outputPath);
  temp += ".tmp-%%%%%%";
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(temp, fd, temp)) {
    error = "cannot write '" + outputPath.str() + "': " + ec.message();
    return failure();
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  std::string ompDir = "/usr/lib/llvm-22/lib";
  SmallVector<std::string> args = {compiler, "-shared", "-o", temp.str().str(),
                                   objectPath.str(), "-lm"};
  args.push_back("-L" + ompDir);
  args.push_back("-Wl,-rpath," + ompDir);
  args.push_back("-Wl,--as-needed");
  args.push_back("-lomp");
  args.append(extraArgs.begin(), extraArgs.end());
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(compiler, argRefs, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    llvm::sys::fs::remove(temp);
    error = "linking with '" + compiler + "' failed" +
            (message.empty() ? "" : ": " + message) + " (exit " +
            std::to_string(rc) + ")";
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, outputPath)) {
    llvm::sys::fs::remove(temp);
    error = "cannot write '" + outputPath.str() + "': " + ec.message();
    return failure();
  }
  return success();
}

std::string quant_opt::emitCHeader(const ModelSignature &sig) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = llvm::StringRef(sig.modelName).upper() + "_QOPT_H";
  const std::string &p = sig.modelName;
  os << "/* Generated by quant-opt: the C interface of compiled model '" << p
     << "'.\n   Link the object file or shared library quant-opt emitted for "
        "it (and libm,\n   libomp). ABI: docs/cpu-codegen.md. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#ifndef QOPT_TENSOR_DEFINED\n#define QOPT_TENSOR_DEFINED\n"
     << "/* A dense row-major tensor. Inputs: set data and shape. Outputs: set "
        "shape\n   to storage for rank dimensions; the model writes data, shape "
        "and allocation\n   (release it with free()). */\n"
     << "typedef struct qopt_tensor {\n  void *data;\n  int64_t *shape;\n"
     << "  void *allocation;\n} qopt_tensor;\n#endif\n\n";
  auto describe = [&](StringRef kind, ArrayRef<TensorSignature> tensors) {
    std::string upper = llvm::StringRef(p).upper();
    os << "#define " << upper << "_NUM_" << kind.upper() << "S "
       << tensors.size() << "\n";
    for (auto [i, t] : llvm::enumerate(tensors)) {
      std::string id = sanitizeCIdentifier(t.name);
      os << "/* " << kind << " " << i << ": '" << t.name << "', "
         << getABICType(t.dtype) << " (" << t.dtype << "), shape [";
      for (auto [d, size] : llvm::enumerate(t.dims)) {
        std::string symbol = d < t.symbols.size() ? t.symbols[d] : "";
        os << (d ? ", " : "")
           << (size >= 0 ? std::to_string(size) : "?" + symbol);
      }
      os << "] */\n#define " << upper << "_" << kind.upper() << "_"
         << llvm::StringRef(id).upper() << " " << i << "\n#define " << upper
         << "_" << kind.upper() << "_" << llvm::StringRef(id).upper()
         << "_RANK " << t.dims.size() << "\n";
    }
    os << "\n";
  };
  describe("input", sig.inputs);
  describe("output", sig.outputs);
  os << "/* Runs the model. inputs[i] / outputs[j] follow the order above. "
        "Returns 0. */\n"
     << "int32_t " << p
     << "_run(const qopt_tensor *inputs, qopt_tensor *outputs);\n"
     << "/* The signature text (ONNX names, types, dimensions). */\n"
     << "const char *" << p << "_signature(void);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}
