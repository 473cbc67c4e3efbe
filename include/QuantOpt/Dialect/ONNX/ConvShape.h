//===- ConvShape.h - shape inference shared by conv/pool/matmul -*- C++ -*-===//
//
// Shape computations shared by the float NN ops (NNOps.cpp, which defines
// them) and their quantized twins (QuantOps.cpp): the conv / pool output
// size rule (explicit pads, auto_pad, ceil_mode, dilations) and numpy
// matmul shapes. All functions tolerate dynamic dimensions (they stay
// dynamic) and report invalid attributes with emitOpError on `op`.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_CONVSHAPE_H
#define QUANTOPT_DIALECT_ONNX_CONVSHAPE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace quant_opt::onnx {

/// The ONNX attributes that shape a conv or pool window. Absent (null)
/// array attributes take their ONNX defaults (kernel from W, strides and
/// dilations 1, pads 0).
struct ConvPoolAttrs {
  llvm::StringRef autoPad = "NOTSET";
  mlir::ArrayAttr kernelShape;
  mlir::ArrayAttr pads;
  mlir::ArrayAttr strides;
  mlir::ArrayAttr dilations;
  bool ceilMode = false;
};

/// Output spatial sizes of a conv / pool window sliding over `input` (the
/// spatial dims only) with window `kernel` (kDyn where unknown):
///   NOTSET / VALID: floor-or-ceil((in + pad_b + pad_e - ((k-1)*d+1)) / s) + 1
///     (VALID uses zero pads; with ceil_mode a window that would start in
///     the end padding is dropped);
///   SAME_UPPER / SAME_LOWER: ceil(in / s).
/// Validates the attributes (names and values in the message).
llvm::FailureOr<llvm::SmallVector<int64_t>>
inferConvPoolSpatialDims(mlir::Operation *op, llvm::ArrayRef<int64_t> input,
                         llvm::ArrayRef<int64_t> kernel,
                         const ConvPoolAttrs &attrs);

/// Result shape of a Conv-like op (Conv, ConvInteger, QLinearConv):
/// X (N, C, D1..Dn), W (M, C/group, k1..kn) -> (N, M, O1..On). nullopt when
/// the rank cannot be known. Validates ranks, channels, group and kernel.
llvm::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
inferConvResultShape(mlir::Operation *op, mlir::Value x, mlir::Value w,
                     int64_t group, const ConvPoolAttrs &attrs);

/// Result shape of numpy matmul (1-D operands promoted and the added dim
/// removed, batch dims broadcast). nullopt if an operand is unranked.
llvm::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
inferMatMulShape(mlir::Operation *op, mlir::Value a, mlir::Value b);

} // namespace quant_opt::onnx

#endif // QUANTOPT_DIALECT_ONNX_CONVSHAPE_H
