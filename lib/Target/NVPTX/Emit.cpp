//===- Emit.cpp - NVPTX emitters ------------------------------------------===//

#include "QuantOpt/Target/NVPTX/Emit.h"
#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;
using namespace quant_opt;

void quant_opt::registerNVPTXTargetExtensions(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
}

FailureOr<NVPTXTarget> quant_opt::getNVPTXTarget(StringRef arch,
                                                 StringRef cudaPath,
                                                 std::string &error) {
  if (getPTXFeatures(arch).empty()) {
    error = "unsupported --gpu-arch '" + arch.str() +
            "' (use sm_80, sm_86, sm_89 or sm_90)";
    return failure();
  }
  NVPTXTarget target;
  target.arch = arch.str();
  target.cudaPath = cudaPath.str();
  return target;
}

FailureOr<std::string> quant_opt::getModulePTX(ModuleOp module,
                                               const NVPTXTarget &target) {
  std::string ptx;
  unsigned binaries = 0;
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    ++binaries;
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitError()
               << "expected a PTX (assembly) object in gpu.binary '@"
               << binary.getName() << "'";
      ptx += object.getObject().getValue().str();
    }
  }
  if (binaries > 1)
    return module.emitError()
           << "expected one gpu.binary (run qopt-nvptx-merge-kernel-modules), "
              "found "
           << binaries;
  if (binaries == 0) {
    // No kernels: the model is only host code (copies, shapes).
    std::string version = getPTXFeatures(target.arch).substr(4);
    ptx = "//\n// quant-opt: this model has no GPU kernels\n//\n\n.version " +
          version.substr(0, 1) + "." + version.substr(1) + "\n.target " +
          target.arch + "\n.address_size 64\n";
  }
  return ptx;
}

std::string quant_opt::findPtxas(const NVPTXTarget &target) {
  if (const char *env = std::getenv("QOPT_PTXAS"))
    return env;
  SmallString<128> path(target.cudaPath);
  llvm::sys::path::append(path, "bin", "ptxas");
  if (llvm::sys::fs::can_execute(path))
    return path.str().str();
  if (auto found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  return "";
}

LogicalResult quant_opt::assemblePTX(StringRef ptx, const NVPTXTarget &target,
                                     std::string &cubin, std::string &error) {
  std::string ptxas = findPtxas(target);
  if (ptxas.empty()) {
    error = "--emit=cubin needs ptxas: none at " + target.cudaPath +
            "/bin/ptxas or on PATH (set --cuda-path or QOPT_PTXAS)";
    return failure();
  }
  SmallString<128> ptxPath, cubinPath, logPath;
  if (llvm::sys::fs::createTemporaryFile("quant-opt", "ptx", ptxPath) ||
      llvm::sys::fs::createTemporaryFile("quant-opt", "cubin", cubinPath) ||
      llvm::sys::fs::createTemporaryFile("quant-opt", "log", logPath)) {
    error = "cannot create temporary files for ptxas";
    return failure();
  }
  llvm::FileRemover removePtx(ptxPath), removeCubin(cubinPath),
      removeLog(logPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(ptxPath, ec);
    if (ec) {
      error = "cannot write '" + ptxPath.str().str() + "': " + ec.message();
      return failure();
    }
    os << ptx;
  }
  SmallVector<StringRef> args = {ptxas, "-arch", target.arch, "-O3",
                                 ptxPath, "-o", cubinPath};
  std::optional<StringRef> redirects[] = {std::nullopt, logPath.str(),
                                          logPath.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0,
                                     0, &message);
  if (rc != 0) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    error = "ptxas (" + ptxas + ") failed for " + target.arch + " (exit " +
            std::to_string(rc) + ")" + (message.empty() ? "" : ": " + message) +
            (log ? ":\n" + (*log)->getBuffer().rtrim().str() : "");
    return failure();
  }
  auto binary = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false);
  if (!binary) {
    error = "cannot read ptxas output '" + cubinPath.str().str() + "'";
    return failure();
  }
  cubin = (*binary)->getBuffer().str();
  return success();
}

/// gpu.binary and gpu.launch_func translate into a global holding the PTX,
/// a constructor loading it (mgpuModuleLoadJIT) and mgpu* calls.
static void registerGPUTranslations(MLIRContext *context) {
  DialectRegistry registry;
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  context->appendDialectRegistry(registry);
}

LogicalResult quant_opt::emitNVPTXHostCode(ModuleOp module,
                                           const CPUTarget &cpu,
                                           llvm::raw_pwrite_stream &os) {
  registerGPUTranslations(module->getContext());
  return emitCPUCode(module, cpu, EmitKind::LLVMIR, os);
}

LogicalResult quant_opt::emitNVPTXShared(ModuleOp module, const CPUTarget &cpu,
                                         StringRef runtimeLibrary,
                                         StringRef outputPath,
                                         std::string &error) {
  registerGPUTranslations(module->getContext());

  SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("quant-opt", "o", objectPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover removeObject(objectPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec) {
      error = "cannot write '" + objectPath.str().str() + "'";
      return failure();
    }
    if (failed(emitCPUCode(module, cpu, EmitKind::Object, os))) {
      error = "host code generation failed";
      return failure();
    }
  }
  SmallVector<std::string> extra;
  if (!runtimeLibrary.empty()) {
    extra.push_back(runtimeLibrary.str());
    extra.push_back("-Wl,-rpath," +
                    llvm::sys::path::parent_path(runtimeLibrary).str());
  }
  return linkSharedLibrary(objectPath, outputPath, error, extra);
}
