//===- Signature.h - the compiled-model ABI signature -----------*- C++ -*-===//
//
// The signature text of the compiled-model ABI (docs/cpu-codegen.md): what
// qopt-record-signature writes, qopt-cpu-entry-point and the header emitter
// read. The runtime has its own parser (it links no LLVM).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_CPU_SIGNATURE_H
#define QUANTOPT_TARGET_CPU_SIGNATURE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace quant_opt {

/// One graph input or output of a compiled model.
struct TensorSignature {
  std::string name;  ///< ONNX name
  std::string dtype; ///< ONNX name of the element type ("float", "uint8"...)
  llvm::SmallVector<int64_t> dims; ///< -1 = dynamic
  /// Per dimension: the ONNX dim_param of a dynamic dimension, or "". Inputs
  /// with the same symbol must have the same size (the runtime checks).
  llvm::SmallVector<std::string> symbols;
};

/// The ABI signature of a compiled model.
struct ModelSignature {
  std::string modelName;
  llvm::SmallVector<TensorSignature> inputs, outputs;

  /// The signature text (ABI version 1).
  std::string toText() const;
  /// Parses toText()'s output; fails with a message on anything else.
  static llvm::FailureOr<ModelSignature> parse(llvm::StringRef text,
                                               std::string &error);
};

/// Module attribute that holds the signature text.
constexpr llvm::StringLiteral kSignatureAttrName = "qopt.signature";

/// The ONNX element type name of an (ONNX-level) MLIR element type, or ""
/// when the ABI cannot carry it.
llvm::StringRef getABITypeName(mlir::Type elementType);
/// Size in bytes of one element of ABI type `dtype` (0 if unknown).
int64_t getABITypeSize(llvm::StringRef dtype);
/// The C type of ABI type `dtype` for headers ("float", "uint16_t", ...).
llvm::StringRef getABICType(llvm::StringRef dtype);

/// Reads the signature attribute of `module`; emits an error when missing.
llvm::FailureOr<ModelSignature> getModuleSignature(mlir::ModuleOp module);

/// Turns `name` into a C identifier (used for the model prefix).
std::string sanitizeCIdentifier(llvm::StringRef name);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_CPU_SIGNATURE_H
