//===- ModelSummary.h - human-readable model summary ------------*- C++ -*-===//

#ifndef QUANTOPT_TARGET_ONNX_MODELSUMMARY_H
#define QUANTOPT_TARGET_ONNX_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace quant_opt {

/// Prints graph inputs and outputs (ONNX names and types), op counts by
/// type, and the number and bytes of constant parameters of every function
/// in `module`.
void printModelSummary(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_ONNX_MODELSUMMARY_H
