//===- CalibrationTable.h - calibration statistics for the passes -*- C++ -*-===//
//
// The passes' view of the calibration table: per-tensor statistics as the
// passes use them, accumulated with the lib/Quant calibrators and stored in
// the lib/Quant table file (QuantOpt/Quant/CalibrationTable.h: JSON + binary
// sidecar, format "quant-opt-calibration", version 1).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H
#define QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quant_opt::qopt {

/// What to collect besides min/max, moving min/max, the |x| histogram
/// (percentile / KL / MSE thresholds) and per-channel absmax / mean |x|.
struct CollectOptions {
  double percentile = 99.99;
  bool gram = false;          ///< XᵀX of linear-layer inputs (K x K doubles)
  int64_t reservoirRows = 0;  ///< rows of linear-layer inputs kept (0: none)
};

/// Statistics of one probed tensor.
struct TensorStats {
  double min = 0, max = 0;       ///< over all samples
  double emaMin = 0, emaMax = 0; ///< moving average (momentum 0.01)
  double absMax = 0;
  double percentile = 99.99;
  double percentileThreshold = 0, klThreshold = 0, mseThreshold = 0;
  int64_t channelAxis = -1; ///< -1: no per-channel statistics
  std::vector<float> channelAbsMax, channelMeanAbs;
  int64_t gramK = 0, gramRows = 0, reservoirRows = 0;
  /// XᵀX (gramK x gramK, row-major) read back from a table; empty unless
  /// the table has it (--qopt-calibrate="xtx=true").
  std::vector<double> gram;
  /// The kept activation rows (reservoirRows x reservoirRowSize), read back
  /// from a table; empty unless the table has them.
  std::vector<float> reservoir;
  int64_t reservoirRowSize = 0;

  TensorStats();
  ~TensorStats();
  TensorStats(TensorStats &&);
  TensorStats &operator=(TensorStats &&);

  /// Adds one sample `data` with `shape`; `channelAxis` (of the shape, -1:
  /// none) selects the per-channel statistics, and XᵀX / reservoir rows
  /// (when requested) use the channels as the row length.
  llvm::LogicalResult add(const float *data, llvm::ArrayRef<int64_t> shape,
                          int64_t channelAxis, const CollectOptions &options,
                          std::string &error);

  /// The accumulators (lib/Quant calibrators), null once read from a file.
  struct Accumulators;
  std::unique_ptr<Accumulators> acc;
};

/// The calibration table: what --qopt-calibrate writes and the passes read.
struct CalibrationTable {
  std::string fingerprint; ///< moduleFingerprint() of the calibrated model
  int64_t samples = 0;
  std::map<std::string, TensorStats> tensors; ///< by tensor name

  /// Writes the lib/Quant table (all or nothing).
  llvm::LogicalResult write(llvm::StringRef path, std::string &error) const;

  /// Reads `path` (any fingerprint: the caller compares).
  static std::optional<CalibrationTable> read(llvm::StringRef path,
                                              std::string &error);
};

} // namespace quant_opt::qopt

#endif // QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H
