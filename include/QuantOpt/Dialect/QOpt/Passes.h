//===- Passes.h - quantization passes ---------------------------*- C++ -*-===//

#ifndef QUANTOPT_DIALECT_QOPT_PASSES_H
#define QUANTOPT_DIALECT_QOPT_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace quant_opt::qopt {

#define GEN_PASS_DECL
#include "QOptTransformsPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "QOptTransformsPasses.h.inc"

/// What a --quantize preset needs besides its name.
struct QuantizePresetOptions {
  std::string calibrationData;  ///< dataset directory ("" = none)
  std::string calibrationTable; ///< table to read, or to write when
                                ///< calibrationData is set
  int64_t calibrationSamples = 0;
  std::string reportFile;       ///< "" = no report
};

/// Names of the --quantize presets, in documentation order.
std::vector<std::string> getQuantizePresetNames();

/// Appends the passes of `preset` to `pm` (an onnx-dialect module pass
/// manager). Fails with a message (unknown preset, a static preset without
/// calibration data or table, a preset that is not available yet).
llvm::LogicalResult buildQuantizePipeline(mlir::OpPassManager &pm,
                                          llvm::StringRef preset,
                                          const QuantizePresetOptions &options,
                                          std::string &error);

/// Registers --qopt-quantize-pipeline="preset=... calibration-data=...".
void registerQuantizePipeline();

} // namespace quant_opt::qopt

#endif // QUANTOPT_DIALECT_QOPT_PASSES_H
