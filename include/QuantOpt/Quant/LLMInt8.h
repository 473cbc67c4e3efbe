//===- LLMInt8.h - LLM.int8() decomposition (Dettmers et al. 2022) -*- C++ -*-===//
//
// Vector-wise int8 matmul with the outlier input features in float, as
// bitsandbytes' LLM.int8(): the input features (columns of X) whose |x|
// exceeds a threshold are multiplied in float, the rest through an int8
// matmul with one scale per row of X (per token) and one per output column
// of W.
//
// Layout: the weight is [K, N] row-major here (the ONNX MatMul B / the
// `qopt.qmatmul` operand b: rows = input features, columns = output
// channels), so "outlier rows of W" are the rows of the outlier features.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_LLMINT8_H
#define QUANTOPT_QUANT_LLMINT8_H

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <vector>

namespace qopt::quant {

/// The outlier features: every j with channelAbsMax[j] > threshold, in
/// ascending order. Non-finite entries count as outliers.
std::vector<int64_t> llmInt8OutlierColumns(Span<float> channelAbsMax,
                                           float threshold);

/// An LLM.int8() layer weight with static outlier features.
struct LlmInt8Weight {
  int64_t k = 0, n = 0;
  /// The outlier features (ascending, < k).
  std::vector<int64_t> outliers;
  /// [K, N] int8 codes, one scale per output column (axis 1), quantized from
  /// W with the outlier rows set to zero: their codes are 0 and they do not
  /// widen the column scales.
  Int8Weight inlier;
  /// The outlier rows of W in float: [outliers.size(), N].
  std::vector<float> outlierRows;
};

/// Splits the [k, n] weight `weight` at `outliers` (ascending, distinct,
/// < k; empty: plain per-column int8 of the whole weight). Fails on bad
/// sizes, bad indices or a non-finite weight.
Status quantizeLlmInt8(Span<float> weight, int64_t k, int64_t n,
                       Span<int64_t> outliers, LlmInt8Weight &out);

/// The weight the layer effectively multiplies by, [k, n]: the dequantized
/// int8 rows with the float outlier rows put back.
std::vector<float> llmInt8EffectiveWeight(const LlmInt8Weight &weight);

/// Output SQNR (dB) of an LLM.int8() layer on calibration rows, accumulated
/// in double. Reference Y = X W. Reconstruction
///   Ŷ = dq(q(X_in)) · inlierWeight + X_out · outlierWeight
/// with X_out = X on the columns where outlierMask[j] != 0 (k bytes) and 0
/// elsewhere, X_in = X − X_out, and q the per-row symmetric int8 quantizer
/// of `qopt.dynamic_quantize per_row symmetric` (scale = max|row| / 127,
/// round half to even, an all-zero row stays zero). `weight`,
/// `inlierWeight` and `outlierWeight` are [k, n] row-major (rows of
/// `outlierWeight` off the mask and of `inlierWeight` on it are not read).
/// NaN when sizes do not match or a value is non-finite.
double llmInt8OutputSqnrDb(Span<float> rows, int64_t numRows, int64_t k,
                           Span<float> weight, Span<float> inlierWeight,
                           Span<float> outlierWeight, int64_t n,
                           Span<uint8_t> outlierMask);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_LLMINT8_H
