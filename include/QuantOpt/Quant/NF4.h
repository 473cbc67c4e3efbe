//===- NF4.h - NormalFloat-4 weights with double quantization ---*- C++ -*-===//
//
// NF4 (QLoRA, Dettmers et al. 2023; the bitsandbytes data type): 4-bit codes
// indexing 16 levels placed at quantiles of a standard normal, scaled by the
// absmax of each block of the weight.
//
// Layout (the `qopt.weight_matmul` one, see docs/quantization.md): the
// weight is [N, K] row-major; blocks of `blockSize` run along K inside a row
// (a row is never split across blocks; when blockSize does not divide K the
// last block of each row is short), so the absmax constants are [N, G] with
// G = ceil(K / blockSize). w ~ level[q] * absmax[n, g].
//
// Double quantization (QLoRA's): the fp32 absmax constants, taken in their
// [N, G] row-major order, minus their mean, are quantized to 8 bits in
// blocks of 256 constants. bitsandbytes uses its dynamic 8-bit map there;
// quant-opt uses symmetric int8 (codes in [-127, 127], one fp32 scale =
// max |c| / 127 per block of 256, round half to even), which the compiled
// kernel dequantizes with one multiply-add: absmax = code * scale[i / 256]
// + mean. The 4-bit codes are chosen with the exact absmax (as bitsandbytes
// does); only the reconstruction uses the double-quantized one.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_NF4_H
#define QUANTOPT_QUANT_NF4_H

#include "QuantOpt/Quant/Support.h"

#include <array>
#include <cstdint>
#include <vector>

namespace qopt::quant {

/// The 16 NF4 levels, ascending, exactly the float32 values bitsandbytes
/// uses (level 7 is 0, level 0 is -1, level 15 is 1).
const std::array<float, 16> &nf4Levels();

/// The NF4 levels rebuilt from their definition (QLoRA): with offset
/// 0.9677083, 8 positive levels Phi^-1 of linspace(offset, 0.5, 9) (the
/// last, 0, dropped), 7 negative ones -Phi^-1 of linspace(offset, 0.5, 8)
/// (0 dropped), one 0, all divided by the largest. In double.
std::array<double, 16> nf4LevelsFromNormalQuantiles();

/// The standard normal quantile function Phi^-1(p), 0 < p < 1 (Acklam's
/// rational approximation refined by one Halley step; ~1e-15 relative).
double normalQuantile(double p);

/// The NF4 code of a value normalized by its block's absmax (in [-1, 1];
/// values outside saturate): the nearest level, decided against the
/// midpoints between neighbouring levels as bitsandbytes does (a value
/// exactly on a midpoint takes the lower level). NaN gives the code of 0.
uint8_t nf4Encode(float normalized);

/// Options of quantizeNf4.
struct Nf4Options {
  /// Weights per absmax block along K (64 in QLoRA), >= 1.
  int64_t blockSize = 64;
  /// Quantize the absmax constants to 8 bits (QLoRA double quantization).
  bool doubleQuant = false;
  /// Absmax constants per double-quantization block (256 in QLoRA), >= 1.
  int64_t doubleQuantBlockSize = 256;
};

/// Double-quantized constants: value[i] ~ codes[i] * scales[i / blockSize]
/// + offset.
struct DoubleQuantized {
  int64_t blockSize = 256;
  std::vector<int8_t> codes;  ///< one per constant, in [-127, 127]
  std::vector<float> scales;  ///< ceil(size / blockSize); 1 for a block
                              ///< whose centred constants are all 0
  float offset = 0;           ///< the mean of the constants
};

/// Symmetric int8 double quantization of `values` (finite) in blocks of
/// `blockSize`: offset = mean, c = value - offset, scale = max|c| / 127 per
/// block, code = round-half-to-even(c / scale). The round trip error of each
/// constant is at most its block's scale / 2.
Status doubleQuantize(Span<float> values, int64_t blockSize,
                      DoubleQuantized &out);

/// codes[i] * scales[i / blockSize] + offset, in float (the kernel's order:
/// one multiply, one add).
std::vector<float> dequantizeDoubleQuant(const DoubleQuantized &dq);

/// An NF4-quantized [N, K] weight.
struct Nf4Weight {
  int64_t n = 0, k = 0;
  int64_t blockSize = 64; ///< effective block (K when blockSize >= K)
  int64_t numBlocks = 0;  ///< G, blocks per row
  /// [N, K] codes, one per byte, each < 16 (index into nf4Levels()).
  std::vector<uint8_t> codes;
  /// [N, G] fp32 absmax constants (exact; an all-zero block has absmax 0).
  std::vector<float> absmax;
  bool doubleQuant = false;
  /// The absmax constants double-quantized (when doubleQuant).
  DoubleQuantized absmaxDq;
  /// The absmax the reconstruction uses: `absmax`, or the double-quantized
  /// constants dequantized.
  std::vector<float> effectiveAbsmax() const;
};

/// NF4 quantization of `weight` ([n, k] row-major, finite). Fails on a bad
/// option, a size mismatch or a non-finite weight (naming its index).
Status quantizeNf4(Span<float> weight, int64_t n, int64_t k,
                   const Nf4Options &options, Nf4Weight &out);

/// level[code] * absmax for every weight ([N, K] floats), absmax from
/// effectiveAbsmax().
std::vector<float> dequantizeNf4(const Nf4Weight &weight);

/// Storage bits per weight: 4 + 32 / blockSize without double
/// quantization; 4 + 8 / blockSize + 32 / (blockSize * dqBlockSize) with it
/// (the fp32 mean, 32 bits for the whole tensor, is left out: it is
/// 32 / (N K) more). 4.5 and ~4.127 for QLoRA's 64 / 256.
double nf4BitsPerParameter(int64_t blockSize, bool doubleQuant,
                           int64_t dqBlockSize = 256);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_NF4_H
