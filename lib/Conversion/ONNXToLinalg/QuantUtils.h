//===- QuantUtils.h - scalar quantization helpers of the lowerings -*- C++ -*-===//
//
// ONNX QuantizeLinear arithmetic on scalars and the indexing maps of
// quantization parameters (per tensor / axis / block). Shared by the onnx
// quantization lowerings (Quant.cpp) and lib/Conversion/QOptToLinalg, so
// that both compute the same numbers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_QUANTUTILS_H
#define QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_QUANTUTILS_H

#include "ConversionUtils.h"

#include <optional>

namespace quant_opt::lowering {

/// Scalar `v` of ONNX element type `onnxType` as f32.
mlir::Value toF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                  mlir::Type onnxType);

/// Integer scalar `v` of ONNX element type `onnxType` widened to i32
/// (zero-extended when unsigned).
mlir::Value toI32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                  mlir::Type onnxType);

/// f32 scalar `v` rounded half to even, plus `zeroPoint` (f32, or null),
/// saturated to ONNX integer type `onnxType` and converted to it (signless).
mlir::Value quantizeScalar(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v, mlir::Value zeroPoint,
                           mlir::Type onnxType);

/// True for a rank-0 or one-element 1-D tensor type.
bool isOneElement(mlir::RankedTensorType t);

/// The map reading a quantization parameter of `paramType` inside a loop
/// nest of `shape`'s rank: per tensor (one element), per axis (1-D along
/// `axis`), blocked (rank dims, dim(axis) / blockSize), or an N-D parameter
/// broadcast against the loop nest's static `shape`.
mlir::FailureOr<mlir::AffineMap> paramMap(mlir::RankedTensorType paramType,
                                          llvm::ArrayRef<int64_t> shape,
                                          int64_t axis, int64_t blockSize,
                                          mlir::MLIRContext *ctx);

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

/// The canonical int8 contraction (the form lib/Target/CPU's VNNI kernel
/// matches) of `a` ([M, K], 8-bit; extui when `aSigned` is false, else
/// extsi) and `bv` ([K, N] signed i8) into a new zero-filled [M, N] i32
/// tensor.
mlir::Value buildInt8Contraction(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value a, mlir::Value bv, bool aSigned);

/// The sums of the 2-D 8-bit `v` over the dimension other than `keep`,
/// each element widened to i32 (sign-extended when `isSigned`): an i32
/// tensor of v's dimension `keep` (keep 0: row sums, 1: column sums).
mlir::Value sums8(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                  int64_t keep, bool isSigned);

/// colsum(bv)[n] = sum_k bv[k, n] ([K, N] signed i8) as an [N] i32 tensor:
/// a constant when `bytes` (bv's row-major bytes) are given, else a
/// reduction.
mlir::Value columnSums(mlir::OpBuilder &b, mlir::Location loc, mlir::Value bv,
                       const std::optional<llvm::SmallVector<int8_t>> &bytes);

} // namespace quant_opt::lowering

#endif // QUANTOPT_LIB_CONVERSION_ONNXTOLINALG_QUANTUTILS_H
