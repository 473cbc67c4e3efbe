//===- TensorCalibrator.h - All requested statistics of one tensor -*- C++
//-*-===//
//
// The calibrate pass keeps one TensorCalibrator per probed tensor: it feeds
// every run's values (with the tensor's shape) and, at the end, asks for the
// table entry. Which statistics are collected is a CalibrationRequest (the
// union of what the probe's consumers need).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_TENSORCALIBRATOR_H
#define QUANTOPT_QUANT_TENSORCALIBRATOR_H

#include "QuantOpt/Quant/CalibrationTable.h"
#include "QuantOpt/Quant/Calibrators.h"
#include "QuantOpt/Quant/Encoders.h"

#include <memory>
#include <optional>
#include <string>

namespace qopt::quant {

/// Which statistics to collect for one tensor.
struct CalibrationRequest {
  /// Per-tensor min / max and absmax.
  bool minMax = true;
  /// Moving-average min / max with this momentum.
  bool movingAverage = false;
  float momentum = 0.01f;
  /// The |x| histogram (stored in the table) and the thresholds computed from
  /// it; any threshold implies the histogram.
  bool histogram = false;
  int64_t numBins = 2048;
  /// > 0: fixed starting range (e.g. from an earlier min/max pass).
  float histogramRange = 0.0f;
  /// Percentile threshold for this percentile (e.g. 99.99).
  std::optional<double> percentile;
  /// KL (entropy) threshold with 2^(klBits-1) quantized bins.
  bool kl = false;
  int klBits = 8;
  /// MSE-optimal threshold for mseBits.
  bool mse = false;
  int mseBits = 8;
  /// Per-channel absmax and mean |x| along channelAxis (negative: from the
  /// end; -1 = last dim, the input features of a linear layer).
  bool channelStats = false;
  int64_t channelAxis = -1;
  /// XᵀX over the rows of the last dimension (K = last dim).
  bool gram = false;
  /// > 0: keep a reservoir of this many rows of the last dimension.
  int64_t reservoirRows = 0;
  uint64_t reservoirSeed = 0;
};

/// Collects the statistics of `request` for one tensor across runs.
class TensorCalibrator {
public:
  TensorCalibrator(std::string name, CalibrationRequest request);
  ~TensorCalibrator();
  TensorCalibrator(TensorCalibrator &&) noexcept;
  TensorCalibrator &operator=(TensorCalibrator &&) noexcept;

  /// Adds one run's values, `values.size()` == product of `shape`. The first
  /// call fixes the channel count and K (last dim); later calls must agree
  /// (other dims may vary, e.g. batch and sequence length). Errors name the
  /// tensor.
  Status observe(Span<float> values, Span<int64_t> shape);
  /// Runs observed.
  int64_t numRuns() const { return numRuns_; }
  /// The table entry: every requested statistic. Fails when nothing finite
  /// was observed.
  Status finish(TensorCalibration &out) const;
  /// The tensor name.
  const std::string &name() const { return name_; }

private:
  std::string name_;
  CalibrationRequest request_;
  int64_t numRuns_ = 0, channels_ = -1, k_ = -1;
  std::unique_ptr<MinMaxObserver> minMax_;
  std::unique_ptr<MovingAverageMinMaxObserver> moving_;
  std::unique_ptr<Histogram> histogram_;
  std::unique_ptr<ChannelAbsStats> channelStats_;
  std::unique_ptr<GramAccumulator> gram_;
  std::unique_ptr<Reservoir> reservoir_;
};

/// How an activation range is chosen from a table entry.
enum class CalibrationMethod {
  MinMax,        ///< min / max (absmax when symmetric)
  MovingAverage, ///< moving-average min / max
  Percentile,    ///< percentile threshold
  Entropy,       ///< KL threshold
  Mse            ///< MSE-optimal threshold
};

/// Parses "minmax", "moving-average", "percentile", "entropy" (or "kl") and
/// "mse"; fails with the list of valid names.
Status parseCalibrationMethod(const std::string &text,
                              CalibrationMethod &method);

/// The option spelling of `method` ("minmax", ...).
const char *calibrationMethodName(CalibrationMethod method);

/// The statistics `method` needs, for building a CalibrationRequest.
void requireStatistics(CalibrationMethod method, CalibrationRequest &request,
                       double percentile = 99.99);

/// Per-tensor activation parameters from a table entry.
/// Symmetric (int8, zp 0): T = absmax (MinMax), max(|moving_min|,
/// |moving_max|) (MovingAverage) or the method's threshold.
/// Asymmetric (uint8): [min, max] (MinMax), [moving_min, moving_max]
/// (MovingAverage), or [max(min, -T), min(max, T)] for a threshold method
/// (which also needs min / max).
/// Fails, naming the tensor and the missing field, when the entry lacks a
/// statistic the method needs.
Status activationParamsFromCalibration(const TensorCalibration &entry,
                                       CalibrationMethod method, bool symmetric,
                                       ActivationParams &out);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_TENSORCALIBRATOR_H
