//===- Emit.h - NVPTX emitters ----------------------------------*- C++ -*-===//

#ifndef QUANTOPT_TARGET_NVPTX_EMIT_H
#define QUANTOPT_TARGET_NVPTX_EMIT_H

#include "QuantOpt/Target/CPU/Emit.h"
#include "mlir/IR/BuiltinOps.h"
#include <string>

namespace quant_opt {

/// The GPU a model is compiled for.
struct NVPTXTarget {
  std::string arch = "sm_80";             ///< sm_80, sm_86, sm_89, sm_90
  std::string cudaPath = "/usr/local/cuda"; ///< toolkit root (ptxas, libdevice)
};

/// What the NVPTX pipeline needs registered before contexts are created:
/// the NVVM target attribute's serialization (gpu-module-to-binary) and the
/// LLVM IR translations of the builtin, LLVM, GPU and NVVM dialects.
void registerNVPTXTargetExtensions(mlir::DialectRegistry &registry);

/// Checks `arch`; fails with a message naming the supported ones.
llvm::FailureOr<NVPTXTarget> getNVPTXTarget(llvm::StringRef arch,
                                            llvm::StringRef cudaPath,
                                            std::string &error);

/// The PTX of the module's kernels (the `gpu.binary` that the NVPTX pipeline
/// writes). A model without kernels gives a PTX file with only the header.
mlir::FailureOr<std::string> getModulePTX(mlir::ModuleOp module,
                                          const NVPTXTarget &target);

/// The ptxas to use: $QOPT_PTXAS, <cuda-path>/bin/ptxas, or ptxas on PATH;
/// empty when there is none.
std::string findPtxas(const NVPTXTarget &target);

/// Assembles `ptx` for the target's architecture with ptxas into `cubin`.
mlir::LogicalResult assemblePTX(llvm::StringRef ptx, const NVPTXTarget &target,
                                std::string &cubin, std::string &error);

/// The optimized LLVM IR of the host code (kernels embedded as PTX).
mlir::LogicalResult emitNVPTXHostCode(mlir::ModuleOp module,
                                      const CPUTarget &cpu,
                                      llvm::raw_pwrite_stream &os);

/// Links the GPU bundle: host code for `cpu` (the LLVM-dialect module with
/// its gpu.binary embedded) into the shared library `outputPath`, against
/// the runtime library `runtimeLibrary` when given (it implements the
/// mgpu* / qopt_cuda_* functions the host code calls).
mlir::LogicalResult emitNVPTXShared(mlir::ModuleOp module,
                                    const CPUTarget &cpu,
                                    llvm::StringRef runtimeLibrary,
                                    llvm::StringRef outputPath,
                                    std::string &error);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_NVPTX_EMIT_H
