//===- AWQ.h - Activation-aware weight quantization (Lin et al.) -*- C++
//-*-===//
//
// AWQ (Lin et al. 2023, the authors' llm-awq / AutoAWQ code) protects the
// weights that multiply large activations by scaling them up before RTN:
// Y = X W = (X diag(s)⁻¹) (diag(s) W), with s = s_X^α (s_X the per-channel
// mean |x| of the layer input) and α picked on calibration rows; then the
// clipping range of every (output row, group) is shrunk where that lowers
// the group's output error.
//
// Layout: the weight is [N, K] row-major (row n = output channel n), as
// everywhere in lib/Quant; a group of layers sharing one input (q / k / v
// after one LayerNorm) is searched with their weights concatenated along N.
//
// Losses are squared output errors over the calibration rows X [rows, K],
// evaluated exactly through the Gram matrix G = XᵀX (tr(E G Eᵀ)) or, when
// there are fewer rows than K, through E Xᵀ directly.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_AWQ_H
#define QUANTOPT_QUANT_AWQ_H

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <vector>

namespace qopt::quant {

/// AWQ options (names follow the reference code).
struct AwqOptions {
  /// 2, 3, 4 or 8.
  int bits = 4;
  /// Columns of K sharing one scale / zero point: 0 = per channel, else
  /// >= 1 and must divide K (the reference's q_group_size).
  int64_t groupSize = 128;
  /// Symmetric or asymmetric RTN grid (RtnOptions::symmetric); the
  /// reference's zero_point = !symmetric.
  bool symmetric = false;
  /// α takes the values i / alphaGrid for i in [0, alphaGrid) (n_grid 20).
  int alphaGrid = 20;
  /// Run the clipping search (the reference's auto_clip).
  bool clip = true;
  /// Clipping candidates max_val = org_max · (1 − i / clipGrid) for
  /// i in [0, maxShrink · clipGrid) (n_grid 20, max_shrink 0.5).
  int clipGrid = 20;
  double maxShrink = 0.5;
};

/// What the search found.
struct AwqResult {
  /// Per input channel scale s (K entries): the weight quantized is
  /// W · diag(s); the layer input must be divided by s. √(max·min) = 1.
  std::vector<float> scales;
  /// The chosen α (0 means s = 1: plain RTN).
  double alpha = 0.0;
  /// loss(α_i) = ‖Q(W·diag(s))·diag(s)⁻¹ Xᵀ − W Xᵀ‖² for every α_i
  /// (alphaGrid entries), before clipping.
  std::vector<double> lossPerAlpha;
  /// Per (row, group) clipping: max_val / org_max (1 = not clipped), [N, G].
  std::vector<float> clipRatio;
  /// The final loss ‖Ŵ diag(s)⁻¹ Xᵀ − W Xᵀ‖² after clipping.
  double loss = 0.0;
  /// W · diag(s) quantized with the chosen clipping ranges (RTN layout).
  RtnWeight weight;
};

/// Runs AWQ on one group of linear layers: `weight` [n, k] (finite),
/// `meanAbs` the per-channel mean |x| of the input (k entries, >= 0,
/// finite), `rows` the stored calibration rows [numRows, k] (finite,
/// numRows >= 1). Fails on bad options (naming the option), sizes that do
/// not match, non-finite values or a group size that does not divide K.
Status awqQuantize(Span<float> weight, int64_t n, int64_t k,
                   Span<float> meanAbs, Span<float> rows, int64_t numRows,
                   const AwqOptions &options, AwqResult &out);

/// The scales of one α: s = max(meanAbs^α, 1e-4), divided by
/// √(max(s)·min(s)). Exposed for tests.
std::vector<float> awqScales(Span<float> meanAbs, double alpha);

/// ‖(Ŵ − W) Xᵀ‖² summed over the rows of `weight` / `weightRecon`
/// ([n, k] each) and the `numRows` rows of `rows` ([numRows, k]), computed
/// directly (reference for tests and reports; double accumulation).
double awqOutputError(Span<float> weight, Span<float> weightRecon, int64_t n,
                      int64_t k, Span<float> rows, int64_t numRows);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_AWQ_H
