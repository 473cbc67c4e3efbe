//===- SmoothQuant.h - SmoothQuant smoothing scales -------------*- C++ -*-===//
//
// SmoothQuant (Xiao et al. 2023) migrates activation outliers into the
// weights: Y = (X diag(s)^-1) (diag(s) W) with, per input channel j,
//   s_j = max|X_j|^alpha / max|W_j|^(1 - alpha).
// The pass divides the producer's output channel j by s_j (or folds 1/s into
// the preceding LayerNorm gamma / beta) and multiplies weight row j ([K, N]
// layout) by s_j.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_SMOOTHQUANT_H
#define QUANTOPT_QUANT_SMOOTHQUANT_H

#include "QuantOpt/Quant/Support.h"

#include <vector>

namespace qopt::quant {

/// Smallest and largest smoothing scale returned.
constexpr float kSmoothQuantMinScale = 1e-5f;
constexpr float kSmoothQuantMaxScale = 1e5f;

/// Per input channel max |W[j, :]| of a [k, n] row-major weight (ONNX MatMul
/// B layout: row j multiplies input feature j).
std::vector<float> weightRowAbsMax(Span<float> weight, int64_t k, int64_t n);

/// Smoothing scales s_j = actAbsMax_j^alpha / weightAbsMax_j^(1 - alpha),
/// alpha in [0, 1]. Guards: a channel whose activation or weight absmax is 0
/// gets s_j = 1 (nothing to migrate); the result is clamped to
/// [kSmoothQuantMinScale, kSmoothQuantMaxScale]. Fails on a size mismatch, an
/// alpha outside [0, 1] or a negative / non-finite input, naming the channel.
Status smoothQuantScales(Span<float> actAbsMax, Span<float> weightAbsMax,
                         float alpha, std::vector<float> &scales);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_SMOOTHQUANT_H
