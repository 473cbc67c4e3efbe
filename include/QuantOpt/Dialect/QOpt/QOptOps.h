//===- QOptOps.h - qopt dialect ---------------------------------*- C++ -*-===//
//
// The `qopt` dialect: quantization ops with explicit scale and zero-point
// operands. Include this header to use the dialect and its ops.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QOPT_QOPTOPS_H
#define QUANTOPT_DIALECT_QOPT_QOPTOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "QuantOpt/Dialect/QOpt/QOptOpsDialect.h.inc"
#include "QuantOpt/Dialect/QOpt/QOptOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/QOpt/QOptOps.h.inc"

#endif // QUANTOPT_DIALECT_QOPT_QOPTOPS_H
