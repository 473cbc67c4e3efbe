//===- ONNXToLinalg.h - onnx to linalg patterns -----------------*- C++ -*-===//
//
// Patterns that lower `onnx` ops to linalg / tensor / arith / math / scf on
// tensors, one populate function per op family (the families follow the
// dialect's .td files). Embedders add them to their own conversions; the
// `--qopt-convert-onnx-to-linalg` pass uses all of them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
#define QUANTOPT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quant_opt {

/// Converts ONNX tensor types to the types the lowered code uses: unsigned
/// integer element types become signless (`ui8` -> `i8`); everything else is
/// kept. Patterns read signedness from the original op's types.
class ONNXToLinalgTypeConverter : public mlir::TypeConverter {
public:
  ONNXToLinalgTypeConverter();
};

/// onnx.Constant (weights stay dense_resource blobs, retyped in place when
/// unsigned).
void populateONNXCoreToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
/// ElementwiseOps.td: arithmetic, math, activations, comparisons, logic,
/// Where, Cast, Clip, variadic Sum/Max/Min/Mean.
void populateONNXElementwiseToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// ReductionOps.td: Reduce*, ArgMax/ArgMin, Softmax family, CumSum and the
/// normalizations.
void populateONNXReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);
/// NNOps.td: MatMul, Gemm, Conv, ConvTranspose, pooling.
void populateONNXNNToLinalgPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
/// TensorOps.td: data movement, shapes, Resize, TopK, NonZero, ...
void populateONNXTensorToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
/// QuantOps.td: QuantizeLinear / DequantizeLinear, QLinear*, *Integer,
/// MatMulNBits.
void populateONNXQuantToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

/// All of the above.
void populateONNXToLinalgPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

} // namespace quant_opt

#endif // QUANTOPT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
