//===- NNBuilders.h - matmul / conv builders shared by NN and Quant -*- C++ -*-===//
//
// The numpy matmul and ONNX convolution builders of NN.cpp, reused by the
// quantized ops of Quant.cpp (MatMulInteger, QLinearMatMul, ConvInteger,
// QLinearConv, MatMulNBits) after they have subtracted zero points. Private
// to this directory.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_NNBUILDERS_H
#define QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_NNBUILDERS_H

#include "ConversionUtils.h"

namespace quant_opt::lowering {

/// Emits `message` as an error on `op` and fails the match with it (the
/// user sees why an op is not lowered).
mlir::LogicalResult fail(mlir::ConversionPatternRewriter &rewriter,
                         mlir::Operation *op, const llvm::Twine &message);

/// Dimension `i` of tensor `v`: an attribute when static, else tensor.dim.
mlir::OpFoldResult dimOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         int64_t i);

/// Collapses dims [first, first + count) of tensor `v` into one.
mlir::Value collapseDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         int64_t first, int64_t count);

/// Splits dim `dim` of tensor `v` into dims of `sizes`.
mlir::Value expandDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      int64_t dim, llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// tensor.expand_shape of `v` into `resultType` (sizes `dims`), or a
/// tensor.reshape when one group splits into several dynamic dims.
mlir::Value expandTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     mlir::RankedTensorType resultType,
                     llvm::ArrayRef<mlir::ReassociationIndices> groups,
                     llvm::ArrayRef<mlir::OpFoldResult> dims);

/// Float scalar `v` extended or truncated to float type `to`; other values
/// unchanged.
mlir::Value castFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      mlir::Type to);

/// A linalg.generic writing a new tensor of `resultType` (sizes `dims`,
/// only the dynamic ones are read) from `inputs` read through `inputMaps`;
/// the output map is the identity and every loop is parallel.
mlir::Value buildGeneric(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType resultType,
                         llvm::ArrayRef<mlir::OpFoldResult> dims,
                         mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         ScalarBodyFn body);

/// The type products are accumulated in: f32 for f16 / bf16, else `t`.
mlir::Type getAccumulatorType(mlir::Type t);

/// `v` (a tensor) with every element converted by `convert` into a new
/// tensor of element type `elementType` (one elementwise linalg.generic).
mlir::Value mapElements(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
    mlir::Type elementType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::Value)>
        convert);

/// numpy matmul of the converted tensors `a` and `b` into a new tensor of
/// `resultType` (whose element type is the accumulator type; float operands
/// of a narrower type are extended). Uses linalg.matmul (rows of an N-D `a`
/// against a 2-D `b` collapsed into one matmul), batch_matmul (equal batch
/// dims collapsed), matvec / vecmat / dot, and a linalg.generic for batch
/// broadcasting.
mlir::Value buildMatMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                        mlir::Value bv, mlir::RankedTensorType resultType);

/// The ONNX window attributes of a Conv-like op.
struct ConvAttrs {
  llvm::StringRef autoPad = "NOTSET";
  mlir::ArrayAttr kernelShape, pads, strides, dilations;
  int64_t group = 1;
};

/// The window attributes of Conv, ConvInteger or QLinearConv `op`.
template <typename OnnxOp> ConvAttrs getConvAttrs(OnnxOp op) {
  ConvAttrs attrs;
  attrs.autoPad = op.getAutoPad();
  attrs.kernelShape = op.getKernelShapeAttr();
  attrs.pads = op.getPadsAttr();
  attrs.strides = op.getStridesAttr();
  attrs.dilations = op.getDilationsAttr();
  attrs.group = op.getGroup();
  return attrs;
}

/// ONNX Conv of converted `x` (N, C, D1..Dn) and `w` (M, C/group, k1..kn)
/// plus the optional 1-D `bias` (M; null when absent) into a new tensor of
/// `resultType` (element type: the accumulator), padding with zeros. Emits an error on `op` and fails for unsupported
/// attribute combinations.
mlir::FailureOr<mlir::Value> buildConv(mlir::OpBuilder &b, mlir::Operation *op,
                                       mlir::Value x, mlir::Value w,
                                       mlir::Value bias,
                                       mlir::RankedTensorType resultType,
                                       const ConvAttrs &attrs);

} // namespace quant_opt::lowering

#endif // QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_NNBUILDERS_H
