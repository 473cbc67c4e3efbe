//===- Passes.h - quant-opt conversion passes -------------------*- C++ -*-===//

#ifndef QUANTOPT_CONVERSION_PASSES_H
#define QUANTOPT_CONVERSION_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace quant_opt {

#define GEN_PASS_DECL
#include "QuantOpt/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Conversion/Passes.h.inc"

} // namespace quant_opt

#endif // QUANTOPT_CONVERSION_PASSES_H
