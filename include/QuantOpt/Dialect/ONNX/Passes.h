//===- Passes.h - onnx dialect passes ---------------------------*- C++ -*-===//

#ifndef QUANTOPT_DIALECT_ONNX_PASSES_H
#define QUANTOPT_DIALECT_ONNX_PASSES_H

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "mlir/Pass/Pass.h"

namespace quant_opt::onnx {

#define GEN_PASS_DECL
#include "QuantOpt/Dialect/ONNX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Dialect/ONNX/Passes.h.inc"

} // namespace quant_opt::onnx

#endif // QUANTOPT_DIALECT_ONNX_PASSES_H
