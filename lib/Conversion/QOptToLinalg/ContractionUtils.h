//===- ContractionUtils.h - helpers of the qopt contractions ----*- C++ -*-===//
//
// Shared by Contraction.cpp (qmatmul, qconv) and WeightMatMul.cpp. Private
// to this directory.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H
#define QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H

#include "ONNXToLinalg/NNBuilders.h"

#include <optional>

namespace quant_opt::lowering {

/// The bytes of constant `v` (an 8-bit tensor: dense elements or a
/// dense_resource blob), row-major; none when `v` is not such a constant.
std::optional<llvm::SmallVector<int8_t>> getConstantBytes(mlir::Value v);

/// `v` of rank >= 2 with all dimensions but the last collapsed into one
/// ([..., K] -> [R, K]); rank-1 `v` becomes [1, K].
mlir::Value collapseToRows(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v);

/// `rows` ([R, N]) expanded back to `resultType` ([..., N]) whose leading
/// dimensions are those of `like` (the operand collapsed by collapseToRows).
mlir::Value expandRows(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value rows, mlir::Value like,
                       mlir::RankedTensorType resultType);

} // namespace quant_opt::lowering

#endif // QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H
