//===- QuantizePipeline.cpp - the --quantize presets ----------------------===//
//
// Each preset is a fixed pass pipeline; docs/quantization.md lists the
// expansions (keep them in sync).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

std::vector<std::string> qopt::getQuantizePresetNames() {
  return {"w8a8", "w8a8-smoothquant", "w8a8-dynamic", "w8a16-rtn",
          "w4a16-rtn"};
}

LogicalResult qopt::buildQuantizePipeline(OpPassManager &pm, StringRef preset,
                                          const QuantizePresetOptions &options,
                                          std::string &error) {
  auto names = getQuantizePresetNames();
  if (llvm::find(names, preset) == names.end()) {
    error = "unknown preset '" + preset.str() + "' (--list-presets lists them:";
    for (const std::string &name : names)
      error += " " + name;
    error += ")";
    return failure();
  }
  if (!options.calibrationData.empty() && options.calibrationTable.empty()) {
    error = "--calibration-data needs --calibration-table FILE (where the "
            "calibration table is written)";
    return failure();
  }
  bool isStatic = preset == "w8a8" || preset == "w8a8-smoothquant";
  if (isStatic && options.calibrationData.empty() &&
      options.calibrationTable.empty()) {
    error = "preset '" + preset.str() +
            "' quantizes activations with calibrated scales: give "
            "--calibration-data DIR (with --calibration-table FILE to write) "
            "or --calibration-table FILE";
    return failure();
  }
  bool weightOnly = preset == "w8a16-rtn" || preset == "w4a16-rtn";
  if (weightOnly && !options.calibrationData.empty())
    llvm::errs() << "note: preset '" << preset
                 << "' quantizes weights only; --calibration-data is not "
                    "used\n";
  if (!weightOnly && !options.calibrationData.empty()) {
    CalibrateOptions calibrate;
    calibrate.data = options.calibrationData;
    calibrate.table = options.calibrationTable;
    calibrate.samples = options.calibrationSamples;
    // The report's per-layer output SQNR needs activation rows.
    if (!options.reportFile.empty())
      calibrate.reservoirRows = 256;
    pm.addPass(createCalibrate(calibrate));
  }
  if (weightOnly) {
    RTNOptions rtn;
    rtn.symmetric = true;
    rtn.bits = preset == "w8a16-rtn" ? 8 : 4;
    rtn.groupSize = preset == "w8a16-rtn" ? 0 : 128;
    pm.addPass(createRTN(rtn));
  } else {
    if (preset == "w8a8-smoothquant") {
      SmoothQuantOptions smooth;
      smooth.alpha = 0.5;
      smooth.calibrationTable = options.calibrationTable;
      pm.addPass(createSmoothQuant(smooth));
    }
    W8A8Options w8a8;
    w8a8.mode = preset == "w8a8-dynamic" ? "dynamic" : "static";
    w8a8.granularity = preset == "w8a8-dynamic" ? "per-token" : "per-tensor";
    w8a8.method = "minmax";
    // Dynamic presets read a table only for the report's output SQNR.
    if (isStatic || !options.calibrationData.empty())
      w8a8.calibrationTable = options.calibrationTable;
    pm.addPass(createW8A8(w8a8));
  }
  if (!options.reportFile.empty()) {
    ReportOptions report;
    report.file = options.reportFile;
    pm.addPass(createReport(report));
  }
  return success();
}

namespace {
struct QuantizePipelineCLOptions
    : PassPipelineOptions<QuantizePipelineCLOptions> {
  Option<std::string> preset{*this, "preset",
                             llvm::cl::desc("Preset name (--list-presets)")};
  Option<std::string> calibrationData{
      *this, "calibration-data", llvm::cl::desc("Dataset directory")};
  Option<std::string> calibrationTable{
      *this, "calibration-table", llvm::cl::desc("Calibration table file")};
  Option<int64_t> samples{*this, "samples",
                          llvm::cl::desc("Calibration samples (0: all)"),
                          llvm::cl::init(0)};
  Option<std::string> report{*this, "report",
                             llvm::cl::desc("Report file ('-': stderr)")};
};
} // namespace

void qopt::registerQuantizePipeline() {
  // registerPassPipeline rather than PassPipelineRegistration: a bad preset
  // must fail the pipeline, not be dropped.
  registerPassPipeline(
      "qopt-quantize-pipeline", "A --quantize preset as a pass pipeline",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        QuantizePipelineCLOptions cl;
        if (failed(cl.parseFromString(optionsText)))
          return failure();
        QuantizePresetOptions options;
        options.calibrationData = cl.calibrationData;
        options.calibrationTable = cl.calibrationTable;
        options.calibrationSamples = cl.samples;
        options.reportFile = cl.report;
        std::string error;
        if (failed(buildQuantizePipeline(pm, cl.preset, options, error)))
          return errorHandler("--qopt-quantize-pipeline: " + error);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(QuantizePipelineCLOptions());
      });
}
