//===- GPTQ.h - GPTQ weight quantization (Frantar et al. 2022) --*- C++ -*-===//
//
// Optimal-brain-quantization of one linear layer, as in the paper and the
// authors' reference code (gptq.py): given H = (2/n) XᵀX over the layer's
// calibration inputs, the [N, K] weight is quantized one input column at a
// time and the error of each column is spread over the not yet quantized
// columns through the upper Cholesky factor of H⁻¹, with lazy batch updates
// in blocks of `blockSize` columns.
//
// Layout: the weight is [N, K] row-major (row n = output channel n, the
// transpose of an ONNX MatMul B), as everywhere in lib/Quant.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_GPTQ_H
#define QUANTOPT_QUANT_GPTQ_H

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <vector>

namespace qopt::quant {

/// GPTQ options (names follow the reference code).
struct GptqOptions {
  /// 2, 3, 4 or 8.
  int bits = 4;
  /// Columns sharing one scale / zero point along K: 0 = per channel (one
  /// group per row, parameters from the whole original row, computed once
  /// before quantization); else >= 1 and must divide K.
  int64_t groupSize = 128;
  /// Symmetric or asymmetric grid, as RtnOptions::symmetric.
  bool symmetric = false;
  /// Quantize columns in order of descending diag(H) ("desc_act").
  bool actOrder = true;
  /// Group parameters computed up front from the original weight, one per
  /// contiguous group of original columns (the reference's static_groups);
  /// false: recomputed at each group start on the already-updated weights.
  bool staticGroups = false;
  /// Dampening: λ = damp · mean(diag H) added to the diagonal.
  double damp = 0.01;
  /// Columns per lazy batch update.
  int64_t blockSize = 128;
  /// When the Cholesky factorisation fails after dampening, retry with the
  /// dampening multiplied by 10 (0 becomes 0.01), at most this many times,
  /// then fail.
  int maxDampRetries = 4;
  /// Worker threads for the O(N·K²) updates and the factorisations (0: all
  /// hardware threads).
  int numThreads = 0;
};

/// A GPTQ-quantized [N, K] weight.
struct GptqResult {
  /// Codes, scales and zero points in the storage layout of `quantizeRtn`
  /// (codes [N, K], scales / zero points [N, G], groups contiguous along the
  /// storage column order). `weight.groupSize` / `numGroups` as there.
  RtnWeight weight;
  /// Storage column j holds original column permutation[j]. Empty when the
  /// storage order is the original order (no act-order, per-channel, or
  /// static groups). Non-empty only for act-order with dynamic groups: the
  /// groups are contiguous in the act-order, so the columns are stored in
  /// that order and the activation must be gathered with the same
  /// permutation (y = x[:, perm] · Wstorageᵀ).
  std::vector<int64_t> permutation;
  /// The dampening finally used (λ / mean(diag H)), after any retries.
  double dampUsed = 0.0;
  /// Columns with H_ii == 0 (weights set to 0 before quantization).
  int64_t deadColumns = 0;
  /// Σ_n Σ_j (W_nj − Ŵ_nj)² / U_jj² / 2 over all rows and (act-order)
  /// columns j, with W the updated weight when column j is quantized and U
  /// the upper Cholesky factor of the dampened H⁻¹ (U_jj² is the diagonal of
  /// the inverse Hessian of the columns not yet quantized): the reference's
  /// "error" (the layer loss GPTQ minimises, in H's units).
  double loss = 0.0;
};

/// Quantizes `weight` ([n, k] row-major, finite) with GPTQ, given the
/// calibration Gram matrix `gram` = Σ_rows xᵀx (k x k, double, row-major,
/// symmetric, as GramAccumulator::matrix()) over `numRows` rows (H =
/// 2/numRows · gram). Fails on bad options (naming the option), sizes that
/// do not match, non-finite values, numRows < 1, a group size that does not
/// divide K, or a Hessian that is not positive definite even after
/// `maxDampRetries` increases of the dampening.
Status quantizeGptq(Span<float> weight, int64_t n, int64_t k,
                    Span<double> gram, int64_t numRows,
                    const GptqOptions &options, GptqResult &out);

/// The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU, U upper triangular with a
/// positive diagonal) of the symmetric positive definite k x k row-major `h`
/// (its upper triangle is read), as GPTQ uses it. Computed as
/// U = J · L̃⁻¹ · J with L̃ = chol(J H J) and J the index reversal: one
/// Cholesky factorisation and one triangular inverse (instead of the
/// reference's chol → inverse → chol), blocked, on `numThreads` threads (0:
/// all); the result does not depend on the thread count. `u` is k x k
/// row-major, 0 below the diagonal. Fails when `h` is not positive definite
/// or sizes / values are bad.
Status inverseCholeskyUpper(Span<double> h, int64_t k, int numThreads,
                            std::vector<double> &u);

/// The float weight the result stands for, [N, K] in the ORIGINAL column
/// order (undoing `permutation`).
std::vector<float> dequantizeGptq(const GptqResult &result);

/// ‖(W − Ŵ) Xᵀ‖² = tr(E G Eᵀ) for E = W − Ŵ ([n, k] each) and G = XᵀX
/// (k x k double): the squared output error of a linear layer on the data G
/// was accumulated over. Double accumulation, on all hardware threads (the
/// result does not depend on their number). NaN when sizes do not match.
double layerOutputError(Span<double> gram, int64_t k, Span<float> weight,
                        Span<float> weightRecon, int64_t n);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_GPTQ_H
