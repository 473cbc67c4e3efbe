//===- PrintModule.h - print imported modules without reading weights -*- C++
//-*-===//

#ifndef QUANTOPT_TARGET_ONNX_PRINTMODULE_H
#define QUANTOPT_TARGET_ONNX_PRINTMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace quant_opt {

/// Prints `module` exactly as `module->print(os, flags)` does, but without
/// rendering builtin `dense_resource` blobs that `flags` elide
/// (`--mlir-elide-resource-strings-if-larger=N`).
///
/// MLIR's printer renders each blob to its full hex string and only then
/// compares the length with N: for a 1 GiB weight mapped from an
/// external-data file that reads every page and allocates several GiB. Here
/// blobs whose string would be longer than N are left out up front and the
/// others are printed in MLIR's format. (Modules hold no resources other
/// than builtin blobs; others would be elided too when this applies.)
void printModule(mlir::ModuleOp module, llvm::raw_ostream &os,
                 mlir::OpPrintingFlags flags = {});

} // namespace quant_opt

#endif // QUANTOPT_TARGET_ONNX_PRINTMODULE_H
