//===- QOptToLinalg.h - qopt to linalg patterns -----------------*- C++ -*-===//
//
// Patterns that lower `qopt` ops to linalg / tensor / arith / math on
// tensors. They expect the unsigned -> signless type converter of
// ONNXToLinalg (ONNXToLinalgTypeConverter) and read signedness from the
// original qopt op's types. `--qopt-convert-qopt-to-linalg` uses all of them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_QOPTTOLINALG_QOPTTOLINALG_H
#define QUANTOPT_CONVERSION_QOPTTOLINALG_QOPTTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quant_opt {

/// quantize, dequantize, dynamic_quantize.
void populateQOptQuantizeToLinalgPatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);
/// qmatmul, qconv: the canonical int8 contraction plus a dequantizing
/// epilogue.
void populateQOptContractionToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// weight_matmul: fused unpacking and dequantization. With `kernelForm`,
/// always the scalar (r, n, k) generic, marked with kWeightMatMulAttrName
/// for a target's kernel pass (--qopt-nvptx-weight-matmul).
void populateQOptWeightMatMulToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    bool kernelForm = false);

/// All of the above, and probe (replaced by its operand).
void populateQOptToLinalgPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  bool weightMatMulKernelForm = false);

/// The discardable attribute on the marked weight_matmul generic:
/// `{bits = i64, group_size = i64}` (group_size = K per channel), with a
/// code book also `codebook = array<f32: 16 values>`, and with
/// double-quantized (i8) scales also `scale_offset = f32` and, when
/// scale_scale is a splat constant, `scale_scale = f32` (else scale_scale
/// is the generic's fourth input). The inputs are x, w, scale, then the
/// zero point or scale_scale if any.
inline constexpr llvm::StringLiteral kWeightMatMulAttrName =
    "qopt.weight_matmul";

} // namespace quant_opt

#endif // QUANTOPT_CONVERSION_QOPTTOLINALG_QOPTTOLINALG_H
