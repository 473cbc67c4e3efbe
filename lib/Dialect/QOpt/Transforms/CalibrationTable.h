//===- CalibrationTable.h - the calibration table file ----------*- C++ -*-===//
//
// INTERIM: the versioned calibration table file belongs to lib/Quant (helper
// quant-numerics, docs/quantization.md "Calibration table"). Until that
// lands, the passes read and write this minimal JSON form of it; it keeps
// the same contract: format name, version, model fingerprint, sample count,
// per-tensor statistics, and a table from another model or version is an
// error.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H
#define QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quant_opt::qopt {

/// Statistics of one probed tensor, accumulated over the samples.
struct TensorStats {
  int64_t elements = 0;   ///< values seen over all samples
  double min = 0, max = 0; ///< over all samples
  double emaMin = 0, emaMax = 0; ///< moving average (momentum 0.01) of the
                                 ///< per-sample min / max
  int64_t channelAxis = -1; ///< axis of the per-channel statistics (of the
                            ///< tensor's rank), -1 when none
  std::vector<float> channelAbsMax;  ///< max |x| per channel
  std::vector<double> channelAbsSum; ///< sum |x| per channel (mean = / count)
  int64_t channelCount = 0;          ///< values per channel seen

  /// Adds one sample `data` with `shape`; `channelAxis` selects the
  /// per-channel statistics (-1: none). The channel count must not change.
  llvm::LogicalResult add(const float *data, llvm::ArrayRef<int64_t> shape,
                          int64_t channelAxis, std::string &error);
};

/// The calibration table: what --qopt-calibrate writes and the passes read.
struct CalibrationTable {
  static constexpr const char *kFormat = "qopt-calibration-table";
  static constexpr int64_t kVersion = 1;

  std::string fingerprint; ///< moduleFingerprint() of the calibrated model
  int64_t samples = 0;
  std::map<std::string, TensorStats> tensors; ///< by tensor name

  /// Writes JSON to `path` through a temporary file renamed at the end (no
  /// partial file).
  llvm::LogicalResult write(llvm::StringRef path, std::string &error) const;

  /// Reads `path`; rejects another format, version or, when
  /// `expectedFingerprint` is not empty, another model.
  static std::optional<CalibrationTable>
  read(llvm::StringRef path, llvm::StringRef expectedFingerprint,
       std::string &error);
};

} // namespace quant_opt::qopt

#endif // QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONTABLE_H
