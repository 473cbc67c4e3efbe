//===- ConversionUtils.h - shared helpers of onnx -> linalg -----*- C++ -*-===//
//
// Helpers every family of ONNXToLinalg patterns uses: dimension sizes,
// tensor.empty, ONNX multidirectional broadcasting as linalg.generic, scalar
// constants and ONNX Cast semantics on scalars. Private to this directory.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_CONVERSIONUTILS_H
#define QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_CONVERSIONUTILS_H

#include "QuantOpt/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quant_opt::lowering {

/// True for ONNX unsigned integer element types (`ui8`, ...). Bool (`i1`) is
/// not unsigned.
bool isUnsignedInt(mlir::Type elementType);

/// The ranked, converted type of `onnxValue` (an ONNX op result or operand).
/// Fails with a match-failure message when it is unranked.
mlir::FailureOr<mlir::RankedTensorType>
getConvertedType(const mlir::TypeConverter &converter, mlir::Value onnxValue,
                 mlir::ConversionPatternRewriter &rewriter,
                 mlir::Operation *op);

/// The size of dimension `dim` of tensor `v` as an index value.
mlir::Value getDimValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        int64_t dim);
/// Every dimension of ranked tensor `v`: static sizes as attributes, dynamic
/// ones as `tensor.dim`.
llvm::SmallVector<mlir::OpFoldResult> getDims(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              mlir::Value v);
/// `tensor.empty` of `type`; `dims` must have the type's rank (only the
/// dynamic entries are used).
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type,
                              llvm::ArrayRef<mlir::OpFoldResult> dims);
/// `tensor.empty` filled with `value` (linalg.fill).
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type,
                               llvm::ArrayRef<mlir::OpFoldResult> dims,
                               mlir::Value value);

/// Dimension sizes of the ONNX broadcast of `operands` (converted ranked
/// tensors) to `resultType`. A static 1 broadcasts; a dynamic dimension is
/// taken to be the result's size.
llvm::SmallVector<mlir::OpFoldResult>
getBroadcastDims(mlir::OpBuilder &b, mlir::Location loc,
                 mlir::ValueRange operands, mlir::RankedTensorType resultType);
/// The indexing map that reads an operand of `operandType` inside a loop nest
/// over `resultType` (trailing dimensions aligned, static 1s broadcast).
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType operandType,
                                mlir::RankedTensorType resultType);

using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
/// A linalg.generic that computes `body(operand elements...)` for every
/// element of the broadcast of `operands` into a new tensor of `resultType`.
mlir::Value buildBroadcastGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::RankedTensorType resultType,
                                  mlir::ValueRange operands,
                                  ScalarBodyFn body);

/// A scalar constant of the (signless, converted) int, index or float type
/// `type`.
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// Converts scalar `v` from ONNX element type `from` to `to` with ONNX Cast
/// semantics: float -> int truncates toward zero and wraps like C / numpy
/// (never LLVM poison), int -> bool is != 0, unsigned types extend with
/// zeros, f16 / bf16 convert to and from integers through f32. `from` / `to` are the ONNX (possibly
/// unsigned) types; `v` and the result have the converted types.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type from, mlir::Type to);

/// `v` as `type`: a tensor.cast where only static shape information
/// differs, `v` itself when the types are equal.
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                   mlir::Type type);

/// Loop iterator types: `n` parallel ones.
llvm::SmallVector<mlir::utils::IteratorType> parallelIterators(unsigned n);

} // namespace quant_opt::lowering

#endif // QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_CONVERSIONUTILS_H
