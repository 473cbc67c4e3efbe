//===- Calibrators.h - Streaming activation statistics ----------*- C++ -*-===//
//
// Every calibrator is streaming: call observe() once per batch (any number of
// times), then read the result. Non-finite values (NaN, +-Inf) are skipped
// and counted (numNonFinite()); they never enter a statistic. observe()
// fails only on a batch whose size does not fit the calibrator's layout.
//
// All calibrators are deterministic: the same batches in the same order give
// bit-identical results.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_CALIBRATORS_H
#define QUANTOPT_QUANT_CALIBRATORS_H

#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <vector>

namespace qopt::quant {

//===----------------------------------------------------------------------===//
// Min / max
//===----------------------------------------------------------------------===//

/// Running minimum and maximum, per tensor or per channel.
class MinMaxObserver {
public:
  /// `axis` = ChannelAxis::perTensor() for one (min, max) pair.
  explicit MinMaxObserver(ChannelAxis axis = ChannelAxis::perTensor());
  /// Adds a batch; its size must be a multiple of axis.sliceSize().
  Status observe(Span<float> batch);
  /// Per-channel minimum (numChannels entries; +inf while nothing finite was
  /// seen in that channel).
  const std::vector<float> &min() const { return min_; }
  /// Per-channel maximum (-inf while nothing finite was seen).
  const std::vector<float> &max() const { return max_; }
  /// True once at least one finite value was observed.
  bool hasData() const { return count_ > 0; }
  /// Finite values observed.
  int64_t count() const { return count_; }
  /// Non-finite values skipped.
  int64_t numNonFinite() const { return numNonFinite_; }
  /// The layout given at construction.
  ChannelAxis axis() const { return axis_; }

private:
  ChannelAxis axis_;
  std::vector<float> min_, max_;
  int64_t count_ = 0, numNonFinite_ = 0;
};

/// Moving-average min / max (PyTorch MovingAverageMinMaxObserver, TensorRT
/// style): the first batch sets (min, max) to the batch's min / max; each
/// later batch moves them by `momentum`:
///   min += momentum * (batchMin - min), same for max.
/// Per tensor or per channel (each channel its own average). A batch with no
/// finite value in a channel leaves that channel unchanged.
class MovingAverageMinMaxObserver {
public:
  /// `momentum` in (0, 1]; 0.01 as in PyTorch (averaging_constant).
  explicit MovingAverageMinMaxObserver(
      float momentum = 0.01f, ChannelAxis axis = ChannelAxis::perTensor());
  /// Adds a batch (one averaging step); size a multiple of axis.sliceSize().
  Status observe(Span<float> batch);
  /// Per-channel averaged minimum (0 before any data).
  const std::vector<float> &min() const { return min_; }
  /// Per-channel averaged maximum (0 before any data).
  const std::vector<float> &max() const { return max_; }
  /// True once some channel received a finite value.
  bool hasData() const;
  /// Batches observed.
  int64_t numBatches() const { return numBatches_; }
  /// Non-finite values skipped.
  int64_t numNonFinite() const { return numNonFinite_; }
  /// The momentum.
  float momentum() const { return momentum_; }

private:
  float momentum_;
  ChannelAxis axis_;
  std::vector<float> min_, max_;
  std::vector<uint8_t> initialized_;
  int64_t numBatches_ = 0, numNonFinite_ = 0;
};

//===----------------------------------------------------------------------===//
// Histogram of |x| and the clipping thresholds computed from it
//===----------------------------------------------------------------------===//

/// Histogram of |x| over [0, range] in `numBins` equal bins (2048 by default),
/// per tensor. Bin b holds |x| in [b*w, (b+1)*w) with w = range/numBins; the
/// last bin also holds |x| == range.
///
/// The range is set by the first batch with a non-zero value (its max |x|)
/// unless given at construction. When a later batch exceeds the range, the
/// histogram is re-binned exactly: the range grows by the smallest integer
/// factor f that covers the new maximum and every f consecutive old bins
/// merge into one new bin (no interpolation, counts stay integers). For the
/// best resolution, run a min/max pass first and construct the histogram
/// with that range (what --qopt-calibrate does when it can afford two passes).
class Histogram {
public:
  /// `numBins` >= 1; `initialRange` > 0 fixes the starting range, 0 lets the
  /// first non-zero batch set it.
  explicit Histogram(int64_t numBins = 2048, float initialRange = 0.0f);
  /// Rebuilds a histogram from stored counts (calibration table read-back,
  /// tests). Fails unless range >= 0 is finite and counts is non-empty.
  static Status fromCounts(float range, std::vector<uint64_t> counts,
                           Histogram &out);
  /// Adds |x| for every finite x of the batch (any size).
  void observe(Span<float> batch);
  /// Adds another histogram (re-binning either to the larger range first).
  /// Both must have the same number of bins.
  Status merge(const Histogram &other);
  /// Bin counts (numBins entries).
  const std::vector<uint64_t> &counts() const { return counts_; }
  /// Number of bins.
  int64_t numBins() const { return static_cast<int64_t>(counts_.size()); }
  /// Upper edge of the last bin (0 while only zeros were seen).
  float range() const { return range_; }
  /// Width of one bin (range / numBins).
  double binWidth() const { return double(range_) / double(counts_.size()); }
  /// Finite values counted.
  uint64_t total() const { return total_; }
  /// Largest |x| seen (<= range).
  float maxAbs() const { return maxAbs_; }
  /// Non-finite values skipped.
  uint64_t numNonFinite() const { return numNonFinite_; }

private:
  void grow(float newMax);
  std::vector<uint64_t> counts_;
  float range_ = 0.0f, maxAbs_ = 0.0f;
  uint64_t total_ = 0, numNonFinite_ = 0;
};

/// Percentile clipping: the |x| value below which `percentile` percent of the
/// observed |x| lie (linear interpolation inside the bin that crosses it).
/// `percentile` in (0, 100]; 100 gives maxAbs(). 0 for an empty histogram.
float percentileThreshold(const Histogram &histogram,
                          double percentile = 99.99);

/// Entropy (KL-divergence) calibration exactly as TensorRT's
/// IInt8EntropyCalibrator (the MXNet / ONNX Runtime reproduction): for every
/// candidate i in [numQuantizedBins, numBins], P = bins[0, i) with the
/// outliers bins[i, numBins) added to P[i-1]; Q = bins[0, i) merged into
/// numQuantizedBins groups (i / numQuantizedBins bins each, the remainder in
/// the last group) and expanded back over the non-zero bins of each group;
/// Q is 0 where P is 0; both are smoothed (eps = 1e-4 given to zero bins,
/// taken proportionally from non-zero ones) and normalized; the candidate
/// with the smallest KL(P || Q) wins (first one on ties). Returns
/// i * binWidth (the upper edge of the last kept bin). `numQuantizedBins` is
/// 128 for int8 (2^(bits-1)). Returns range() when numBins <=
/// numQuantizedBins, 0 for an empty histogram.
float klThreshold(const Histogram &histogram, int64_t numQuantizedBins = 128);

/// MSE-optimal symmetric clipping: among the candidates T = i * binWidth,
/// i in [1, numBins], minimizes the expected quantization error
///   sum_b count_b * (c_b <= T ? step^2 / 12 : (c_b - T)^2),
/// step = T / (2^(bits-1) - 1), c_b the bin centre (the uniform-noise model
/// inside the range, exact clipping error outside). bits in [2, 16].
/// 0 for an empty histogram.
float mseThreshold(const Histogram &histogram, int bits = 8);

/// The expected error that mseThreshold minimizes, for one threshold (exposed
/// for reports and tests).
double histogramQuantizationMse(const Histogram &histogram, double threshold,
                                int bits = 8);

//===----------------------------------------------------------------------===//
// Per-channel absmax and mean |x|
//===----------------------------------------------------------------------===//

/// Per-channel max |x| and mean |x| (sums in double). SmoothQuant uses the
/// absmax of each input feature (ChannelAxis::lastDim(K)); AWQ uses mean |x|.
class ChannelAbsStats {
public:
  /// One entry per channel of `axis`.
  explicit ChannelAbsStats(ChannelAxis axis);
  /// Adds a batch; size a multiple of axis.sliceSize().
  Status observe(Span<float> batch);
  /// Per-channel max |x| (0 for a channel without finite values).
  const std::vector<float> &absMax() const { return absMax_; }
  /// Per-channel mean |x| over the finite values (0 without any).
  std::vector<float> meanAbs() const;
  /// Finite values seen per channel.
  const std::vector<int64_t> &counts() const { return counts_; }
  /// Non-finite values skipped.
  int64_t numNonFinite() const { return numNonFinite_; }

private:
  ChannelAxis axis_;
  std::vector<float> absMax_;
  std::vector<double> sumAbs_;
  std::vector<int64_t> counts_;
  int64_t numNonFinite_ = 0;
};

//===----------------------------------------------------------------------===//
// XᵀX (Hessian proxy for GPTQ) of a linear layer's input
//===----------------------------------------------------------------------===//

/// Accumulates G = XᵀX (K x K, double) over the rows of a linear layer's
/// input X [rows, K]. Rows are processed in blocks, converted to double and
/// multiplied with a register-tiled kernel over the upper triangle; the
/// kernel is compiled for AVX-512, AVX2 and baseline x86-64 and picked from
/// the host CPU at run time; the column blocks of each row block are spread
/// over `numThreads` threads (the result does not depend on their number).
/// Rows containing a non-finite value are skipped whole (counted in
/// numSkippedRows()).
class GramAccumulator {
public:
  /// K >= 1 columns; `numThreads` worker threads (0: all hardware threads).
  explicit GramAccumulator(int64_t k, int numThreads = 0);
  /// Adds rows; batch.size() must be a multiple of K.
  Status observe(Span<float> batch);
  /// K.
  int64_t k() const { return k_; }
  /// Rows accumulated.
  int64_t numRows() const { return numRows_; }
  /// Rows skipped because of a non-finite value.
  int64_t numSkippedRows() const { return numSkippedRows_; }
  /// The full symmetric K x K matrix, row-major (sum over rows, not divided
  /// by the row count; GPTQ's H = 2/n XᵀX is the caller's scaling).
  std::vector<double> matrix() const;
  /// Replaces the state (calibration table read-back). `matrix` is K x K.
  Status assign(std::vector<double> matrix, int64_t numRows);

private:
  void flush();
  int64_t k_;
  int numThreads_;
  std::vector<double> upper_; // K x K, upper triangle valid.
  std::vector<double> block_; // Pending rows (double), kBlockRows x K.
  int64_t pending_ = 0, numRows_ = 0, numSkippedRows_ = 0;
};

/// Naive reference XᵀX (double, full matrix) for tests and checks.
std::vector<double> naiveGram(Span<float> x, int64_t rows, int64_t k);

//===----------------------------------------------------------------------===//
// Reservoir of activation rows (Algorithm R)
//===----------------------------------------------------------------------===//

/// A uniform random sample of at most `capacity` rows (each `rowSize`
/// floats) from a stream, by Vitter's Algorithm R with a seeded splitmix64
/// generator: row n (0-based) is kept outright while n < capacity, else it
/// replaces slot j = rand() mod (n + 1) when j < capacity. Deterministic for
/// a seed; memory is bounded by capacity * rowSize floats. Rows are kept as
/// given (a non-finite value is not filtered here).
class Reservoir {
public:
  /// capacity >= 1 rows of rowSize >= 1 floats.
  Reservoir(int64_t capacity, int64_t rowSize, uint64_t seed = 0);
  /// Offers every row of `batch` (size a multiple of rowSize).
  Status observe(Span<float> batch);
  /// Kept rows, row-major: numKept() x rowSize.
  const std::vector<float> &rows() const { return rows_; }
  /// Rows kept (min(capacity, numSeen)).
  int64_t numKept() const;
  /// Rows offered so far.
  int64_t numSeen() const { return numSeen_; }
  /// Capacity in rows.
  int64_t capacity() const { return capacity_; }
  /// Floats per row.
  int64_t rowSize() const { return rowSize_; }

private:
  uint64_t next();
  int64_t capacity_, rowSize_;
  uint64_t state_;
  std::vector<float> rows_;
  int64_t numSeen_ = 0;
};

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_CALIBRATORS_H
