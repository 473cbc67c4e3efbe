//===- Encoders.h - RTN / int8 encoders, packing, SQNR ----------*- C++ -*-===//
//
// Rounding is round-half-to-even on x / scale (division, not multiplication
// by the reciprocal), then saturation, exactly as ONNX QuantizeLinear.
//
// Weight-only layouts follow docs/quantization.md (`qopt.weight_matmul`):
// the weight is [N, K] row-major (row n = output channel n, the transpose of
// an ONNX MatMul B [K, N]); groups run along K; scales and zero points are
// [N, G] with G = ceil(K / groupSize) (G = 1 per channel); codes are
// unsigned in [0, 2^bits - 1]; w ~ (q - zp) * scale.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_ENCODERS_H
#define QUANTOPT_QUANT_ENCODERS_H

#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <vector>

namespace qopt::quant {

/// Round half to even (the current FP rounding mode must be the default
/// round-to-nearest, as it is unless a program changes it).
float roundHalfToEven(float x);

/// ONNX QuantizeLinear of one value: clamp(roundHalfToEven(x / scale) + zp,
/// qmin, qmax). NaN maps to zp.
int32_t quantizeValue(float x, float scale, int32_t zeroPoint, int32_t qmin,
                      int32_t qmax);

//===----------------------------------------------------------------------===//
// Weight-only round-to-nearest (RTN)
//===----------------------------------------------------------------------===//

/// RTN options.
struct RtnOptions {
  /// 2, 3, 4 or 8.
  int bits = 4;
  /// Elements of a row of K sharing one scale: 0 = per channel (one group
  /// per row), -1 = per tensor (one scale for the whole weight, stored
  /// repeated per row so the [N, G] layout holds), else >= 1 (32, 64 and 128
  /// are the usual ones; the last group of a row may be shorter).
  int64_t groupSize = 128;
  /// Symmetric: scale = absmax / (2^(bits-1) - 1), zp = 2^(bits-1) (codes
  /// zp +- (2^(bits-1) - 1), code 0 unused, no clipping).
  /// Asymmetric: the range [min(lo, 0), max(hi, 0)] maps to [0, 2^bits - 1]:
  /// scale = (max - min) / (2^bits - 1), zp = clamp(round(-min / scale)).
  /// A group of zeros gets scale 1 and zp as above (it dequantizes to 0).
  bool symmetric = true;
};

/// An RTN-quantized [N, K] weight.
struct RtnWeight {
  int64_t n = 0, k = 0;
  int bits = 4;
  /// Effective group size along K (K for per channel / per tensor).
  int64_t groupSize = 0;
  /// Groups per row (G).
  int64_t numGroups = 0;
  bool symmetric = true;
  /// Unpacked codes, one per byte, [N, K] row-major, each < 2^bits.
  std::vector<uint8_t> codes;
  /// [N, G] scales.
  std::vector<float> scales;
  /// [N, G] zero points (all 2^(bits-1) when symmetric).
  std::vector<uint8_t> zeroPoints;
};

/// Scale and zero point of one weight group.
struct RtnGroupParams {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
};

/// The RTN parameters (RtnOptions::symmetric's formulas) of a group whose
/// smallest and largest values are `lo` and `hi` (the range is extended to
/// include 0 here). Shared by RTN and GPTQ so both use one grid.
RtnGroupParams rtnGroupParams(float lo, float hi, int bits, bool symmetric);

/// Quantizes `weight` ([n, k] row-major, finite values) with RTN. Fails on a
/// bad option, a size mismatch or a non-finite weight (naming its index).
Status quantizeRtn(Span<float> weight, int64_t n, int64_t k,
                   const RtnOptions &options, RtnWeight &out);

/// RTN with given ranges: `lo` and `hi` ([N, G] each, G = ceil(K / group)
/// for the effective group of `options`, lo <= hi, finite) replace each
/// group's own min / max. Every weight is clamped to its group's [lo, hi]
/// before rounding, and the scale / zero point come from [lo, hi] exactly as
/// quantizeRtn's from the group's min / max (asymmetric: [min(lo, 0),
/// max(hi, 0)]; symmetric: max(-lo, hi)). AWQ's clipping search passes
/// shrunk ranges; quantizeRtn passes the groups' own min / max (then the
/// clamp changes nothing). Fails like quantizeRtn, and on ranges of the wrong
/// size, non-finite or lo > hi (naming the group).
Status quantizeRtnWithRanges(Span<float> weight, int64_t n, int64_t k,
                             const RtnOptions &options, Span<float> lo,
                             Span<float> hi, RtnWeight &out);

/// The per-(row, group) min and max of `weight` ([n, k]) as quantizeRtn
/// uses them: [N, G] each; per tensor (groupSize -1) every entry holds the
/// whole tensor's min / max. Both include 0 (lo <= 0 <= hi).
Status rtnGroupRanges(Span<float> weight, int64_t n, int64_t k,
                      const RtnOptions &options, std::vector<float> &lo,
                      std::vector<float> &hi);

/// (q - zp) * scale for every element: [N, K] floats.
std::vector<float> dequantizeRtn(const RtnWeight &weight);

/// Bytes of one packed row of K codes: ceil(K * b / 8) with b = 4 for 3-bit
/// codes (nibbles) and b = bits otherwise.
int64_t packedRowBytes(int64_t k, int bits);

/// Packs [N, K] codes row by row (each row starts on a byte): 8/b codes per
/// byte, the first code in the low bits (MatMulNBits layout); 3-bit codes in
/// 4-bit nibbles. Result: N * packedRowBytes(K, bits) bytes (padding bits 0).
/// Fails when a code does not fit in `bits` or sizes mismatch.
Status packCodes(Span<uint8_t> codes, int64_t n, int64_t k, int bits,
                 std::vector<uint8_t> &packed);

/// Inverse of packCodes.
Status unpackCodes(Span<uint8_t> packed, int64_t n, int64_t k, int bits,
                   std::vector<uint8_t> &codes);

//===----------------------------------------------------------------------===//
// W8A8: int8 weights and activation parameters
//===----------------------------------------------------------------------===//

/// A symmetric int8 weight: signed codes in [-127, 127], zero point 0.
struct Int8Weight {
  int64_t rows = 0, cols = 0;
  /// The axis the scales run along: 1 = one scale per column (the [K, N]
  /// layout of `qopt.qmatmul` operand b, scale [N]), 0 = one per row.
  int axis = 1;
  /// rows x cols codes.
  std::vector<int8_t> codes;
  /// One scale per column (axis 1) or per row (axis 0): absmax / 127 (1 for
  /// an all-zero channel).
  std::vector<float> scales;
};

/// Symmetric per-channel int8 quantization of a [rows, cols] weight along
/// `axis` (0 or 1). Fails on bad sizes or a non-finite weight.
Status quantizeInt8PerChannel(Span<float> weight, int64_t rows, int64_t cols,
                              int axis, Int8Weight &out);

/// codes * scale: rows x cols floats.
std::vector<float> dequantizeInt8(const Int8Weight &weight);

/// Scale and zero point of a per-tensor activation quantizer.
struct ActivationParams {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
  /// True: uint8 codes [0, 255]; false: int8 codes [-128, 127].
  bool isUnsigned = true;
  /// Smallest and largest code.
  int32_t qmin() const { return isUnsigned ? 0 : -128; }
  int32_t qmax() const { return isUnsigned ? 255 : 127; }
};

/// uint8 asymmetric parameters from an observed (min, max), as ONNX
/// DynamicQuantizeLinear: the range is extended to include 0, scale =
/// (max - min) / 255, zp = clamp(roundHalfToEven(-min / scale), 0, 255).
/// A zero range gives scale 1, zp 0. Fails on non-finite or min > max.
Status activationParamsUint8(float min, float max, ActivationParams &out);

/// int8 symmetric parameters from a clipping threshold T (absmax,
/// percentile, KL or MSE threshold): scale = T / 127, zp 0. T = 0 gives
/// scale 1. Fails on a negative or non-finite T.
Status activationParamsInt8(float threshold, ActivationParams &out);

/// Quantizes `x` with `params` (ONNX QuantizeLinear); codes as int32.
std::vector<int32_t> quantizeActivation(Span<float> x,
                                        const ActivationParams &params);

/// (q - zp) * scale.
std::vector<float> dequantizeActivation(Span<int32_t> q,
                                        const ActivationParams &params);

//===----------------------------------------------------------------------===//
// Error measures
//===----------------------------------------------------------------------===//

/// Signal-to-quantization-noise ratio in dB:
/// 10 log10(sum x^2 / sum (x - y)^2) over the pairs. +inf when y == x
/// exactly (including two all-zero tensors), -inf when x is all zero but y
/// is not. NaN when sizes differ or a value is non-finite.
double sqnrDb(Span<float> reference, Span<float> reconstruction);

/// Output SQNR (dB) of a quantized linear layer on calibration rows:
/// reference Y = X W, reconstruction Ŷ = X̂ Ŵ, with X the `numRows` x `k`
/// rows (row-major), W and Ŵ (`weight`, `weightRecon`) k x n row-major, and
/// X̂ = dequantize(quantize(X)) with `activation`: empty for weight-only
/// quantization (X̂ = X), one entry for per-tensor activation parameters,
/// or `numRows` entries for per-row (per-token) parameters. Accumulates in
/// double. NaN when sizes do not match or a value is non-finite.
double layerOutputSqnrDb(Span<float> rows, int64_t numRows, int64_t k,
                         Span<float> weight, Span<float> weightRecon,
                         int64_t n, Span<ActivationParams> activation);

/// The same for weight-only quantization from the calibration Gram matrix
/// G = XᵀX (k x k, double, row-major) instead of the rows:
/// signal tr(Wᵀ G W), noise tr(Eᵀ G E) with E = W − Ŵ. Exact for the data
/// G was accumulated over.
double layerOutputSqnrDbFromGram(Span<double> gram, int64_t k,
                                 Span<float> weight, Span<float> weightRecon,
                                 int64_t n);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_ENCODERS_H
