//===- CalibrationTable.h - The versioned calibration table -----*- C++ -*-===//
//
// A calibration table is written once by --qopt-calibrate and read by every
// quantization pass. Two files:
//
//   FILE      JSON: {"format": "quant-opt-calibration", "version": 1,
//             "fingerprint": "...", "sample_count": N, "sidecar": "FILE.bin",
//             "sidecar_bytes": B, "sidecar_fnv1a64": "hex",
//             "tensors": [{"name": ..., "min": ..., ...}, ...]}
//   FILE.bin  the binary sidecar: little-endian arrays, each starting on a
//             64-byte boundary, referenced from the JSON as
//             {"offset": O, "count": C, "dtype": "f32" | "f64" | "u64"}.
//
// docs/quantization.md ("Calibration table format") is the reference for
// every field. Writing goes through temporary files renamed into place
// (sidecar first, JSON last), so a failed write leaves no partial table.
// Reading validates everything and returns an error message naming the file
// and the field.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_CALIBRATIONTABLE_H
#define QUANTOPT_QUANT_CALIBRATIONTABLE_H

#include "QuantOpt/Quant/Support.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qopt::quant {

/// The "format" string of every table.
constexpr const char *kCalibrationTableFormat = "quant-opt-calibration";
/// The version this library writes and the only one it reads.
constexpr int kCalibrationTableVersion = 1;

/// Statistics of one tensor (an ONNX tensor name). Every field is optional:
/// the calibrate pass stores what the consumers asked for (the probe's
/// `stats`). Scalars must be finite.
struct TensorCalibration {
  /// ONNX tensor name (unique in a table).
  std::string name;

  /// Per-tensor min / max.
  std::optional<float> min, max;
  /// Moving-average min / max and the momentum used.
  std::optional<float> movingMin, movingMax;
  std::optional<float> momentum;
  /// Per-tensor max |x|.
  std::optional<float> absMax;
  /// Percentile threshold and the percentile it was computed for.
  std::optional<float> percentileThreshold;
  std::optional<double> percentile;
  /// KL (entropy) and MSE thresholds.
  std::optional<float> klThreshold, mseThreshold;

  /// Histogram of |x| over [0, histogramRange] (sidecar, u64); empty if none.
  std::vector<uint64_t> histogram;
  float histogramRange = 0.0f;

  /// Per-channel absmax and mean |x| (sidecar, f32); empty if none. Both
  /// have one entry per channel along `channelAxis` of the tensor.
  std::vector<float> channelAbsMax, channelMeanAbs;
  int64_t channelAxis = -1;

  /// XᵀX (K x K, f64, sidecar) over `gramRows` rows; empty if none.
  std::vector<double> gram;
  int64_t gramK = 0, gramRows = 0;

  /// Reservoir rows (reservoirRows x reservoirRowSize, f32, sidecar) sampled
  /// from reservoirSeen rows; empty if none.
  std::vector<float> reservoir;
  int64_t reservoirRowSize = 0, reservoirSeen = 0;
};

/// A whole table.
struct CalibrationTable {
  /// Identifies the model the statistics belong to (the calibrate pass uses
  /// a hash of the ONNX graph); a reader demands an exact match.
  std::string fingerprint;
  /// Calibration samples (dataset entries) run.
  int64_t sampleCount = 0;
  /// Per-tensor statistics, in the order written.
  std::vector<TensorCalibration> tensors;

  /// The entry called `name`, or nullptr.
  const TensorCalibration *find(const std::string &name) const;
};

/// Writes `table` to `path` (JSON) and `path + ".bin"` (sidecar) through
/// temporary files and rename. Fails (writing nothing) on duplicate or empty
/// tensor names, non-finite scalars, inconsistent array sizes, or an I/O
/// error; the message names the file or tensor.
Status writeCalibrationTable(const std::string &path,
                             const CalibrationTable &table);

/// Reads and validates a table. Errors (with the file and field named): not
/// JSON, wrong "format", a version other than kCalibrationTableVersion, a
/// fingerprint different from `expectedFingerprint` (pass an empty string to
/// accept any), missing / truncated / corrupt sidecar (size, checksum,
/// offsets, alignment), NaN or Inf in a scalar or array, inconsistent sizes.
Status readCalibrationTable(const std::string &path,
                            const std::string &expectedFingerprint,
                            CalibrationTable &table);

/// FNV-1a 64-bit hash of `size` bytes; the calibrate pass may use it to
/// fingerprint a model, the table uses it as the sidecar checksum.
uint64_t fnv1a64(const void *data, size_t size,
                 uint64_t seed = 0xcbf29ce484222325ULL);

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_CALIBRATIONTABLE_H
