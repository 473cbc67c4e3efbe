//===- ChannelScaling.h - per-channel input scaling of linear layers -*- C++
//-*-===//
//
// What SmoothQuant and AWQ share: the linear layers (MatMul / Gemm with a
// constant weight) that consume one activation X, and folding a per-channel
// factor 1/s of X into X's producer so that X' = X / s (LayerNorm scale and
// bias, the weight columns and bias of a producing MatMul / Gemm, or an
// explicit onnx.Mul when nothing can absorb it).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CHANNELSCALING_H
#define QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CHANNELSCALING_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace quant_opt::qopt {

/// A linear layer consuming the scaled activation: its constant weight
/// (operand 1) is [K, N] (`rowsAreK`) or [N, K].
struct ScaledConsumer {
  mlir::Operation *op;
  bool rowsAreK;
};

/// The consumer view of `user` for activation `x` with `k` channels (a
/// MatMul with x as A and a static 2-D f32 constant B of K rows, or a Gemm
/// with transA = 0 and such a B), or nullopt.
std::optional<ScaledConsumer> asScaledConsumer(mlir::Operation *user,
                                               mlir::Value x, int64_t k);

/// The distinct consumers of `x`; false when some user of `x` is not a
/// consumer (then `consumers` holds those that are).
bool collectScaledConsumers(mlir::Value x, int64_t k,
                            llvm::SmallVectorImpl<ScaledConsumer> &consumers);

/// Scales the constant f32 operand `index` of `op`, viewed as
/// [outer, k, inner] along `axis`, by `factor[j]` (a new constant called
/// `blobName`; the old one is erased when unused).
void scaleConstantOperand(mlir::Operation *op, unsigned index, int64_t axis,
                          llvm::ArrayRef<float> factor,
                          llvm::StringRef blobName);

/// True when `v` is a 1-D f32 constant of `k` elements.
bool isVectorConstant(mlir::Value v, int64_t k);

/// Folds the per-channel factor `inverse` (k entries) into x's producer so
/// that every user of x sees x · inverse: a LayerNorm over the last axis
/// (scale and bias), a single-use producing MatMul / Gemm (weight columns
/// and bias, also through an Add of a constant bias), else an explicit
/// onnx.Mul after x. New constants are named "<node>.<tag>" (the
/// LayerNorm's "<node>.scale.<tag>" / "<node>.bias.<tag>"), the Mul's factor
/// "<x>.<mulSuffix>". Returns what absorbed it, for reports.
std::string absorbChannelScale(mlir::Value x, llvm::ArrayRef<float> inverse,
                               int64_t k, llvm::StringRef tag,
                               llvm::StringRef mulSuffix);

} // namespace quant_opt::qopt

#endif // QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CHANNELSCALING_H
