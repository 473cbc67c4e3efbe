//===- Emit.h - CPU target description and emitters -------------*- C++ -*-===//

#ifndef QUANTOPT_TARGET_CPU_EMIT_H
#define QUANTOPT_TARGET_CPU_EMIT_H

#include "QuantOpt/Target/CPU/Signature.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace quant_opt {

/// The x86-64 CPU a model is compiled for.
struct CPUTarget {
  std::string triple;
  std::string cpu;      ///< LLVM CPU name ("sapphirerapids", "x86-64-v3")
  std::string features; ///< "+avx512f,+fma,..." ("" = the CPU's defaults)
  int64_t vectorWidth = 4; ///< f32 lanes of the widest usable vector
  bool hasAVX512 = false, hasAVX2 = false, hasFMA = false;
  bool hasVNNI = false, hasBF16 = false;
  bool hasAVX512VNNI = false; ///< vpdpbusd on 512-bit vectors
};

/// Describes `cpu`: "host" (the machine compiling, with its exact feature
/// set) or an LLVM CPU name. Fails with a message for unknown names.
llvm::FailureOr<CPUTarget> getCPUTarget(llvm::StringRef cpu,
                                        std::string &error);

enum class EmitKind { LLVMIR, Assembly, Object, Shared };

/// Translates an LLVM-dialect module to LLVM IR, optimizes it at -O3 for
/// `target` and writes LLVM IR text, assembly or an object file to `os`.
mlir::LogicalResult emitCPUCode(mlir::ModuleOp module, const CPUTarget &target,
                                EmitKind kind, llvm::raw_pwrite_stream &os);

/// Links object file `objectPath` into the shared library `outputPath` with
/// the system C compiler driver ($QOPT_CC or cc), adding libm and the OpenMP
/// runtime (and `extraArgs`, e.g. another library to link). Writes a
/// temporary file and renames it: no partial output.
mlir::LogicalResult
linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                  std::string &error,
                  llvm::ArrayRef<std::string> extraArgs = {});

/// The C header of a compiled model: the qopt_tensor type and the model's
/// functions, with its inputs and outputs described.
std::string emitCHeader(const ModelSignature &signature);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_CPU_EMIT_H
