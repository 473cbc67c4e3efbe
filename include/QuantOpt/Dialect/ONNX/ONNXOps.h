//===- ONNXOps.h - onnx dialect ---------------------------------*- C++ -*-===//
//
// The `onnx` dialect: ONNX operators as MLIR ops. Include this header to use
// the dialect, its ops and InferTypesOpInterface.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_ONNXOPS_H
#define QUANTOPT_DIALECT_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace quant_opt::onnx {
/// Verifier of InferTypesOpInterface: declared result types must be
/// compatible with the inferred ones.
llvm::LogicalResult verifyInferredResultTypes(mlir::Operation *op);
} // namespace quant_opt::onnx

#include "QuantOpt/Dialect/ONNX/ONNXOpsDialect.h.inc"
#include "QuantOpt/Dialect/ONNX/ONNXOpsInterfaces.h.inc"

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/ONNX/ONNXOps.h.inc"

#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"

#endif // QUANTOPT_DIALECT_ONNX_ONNXOPS_H
