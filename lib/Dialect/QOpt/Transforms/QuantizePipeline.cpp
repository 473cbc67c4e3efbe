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
  return {"w8a8",       "w8a8-smoothquant", "w8a8-dynamic", "w8a16-rtn",
          "w4a16-rtn",  "w3a16-rtn",        "w4a16-rtn-b64", "w4a16-gptq",
          "w3a16-gptq", "w4a16-awq",        "w3a16-awq",     "nf4",
          "nf4-dq",     "llm-int8"};
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
  StringRef name = preset;
  bool isGptq = name.ends_with("-gptq"), isAwq = name.ends_with("-awq");
  bool isRtn = name.contains("-rtn");
  int64_t bits = name.starts_with("w8") ? 8 : name.starts_with("w3") ? 3 : 4;
  // The weight-only grid at 4 and 3 bits (groups of 128) is asymmetric
  // (zero points), as in the GPTQ and AWQ reference code and MatMulNBits,
  // and the one whose RTN stays closer to the float model on the bundled
  // byte LM (KL divergence, docs/quantization.md, "Presets"); 8 bits per
  // channel is symmetric. RTN, GPTQ and AWQ presets of the same width share
  // it, so the methods are compared on one grid.
  bool symmetricGrid = bits == 8;
  // Presets whose passes read a calibration table (written first when data
  // is given).
  bool needsTable = preset == "w8a8" || preset == "w8a8-smoothquant" ||
                    isAwq || preset == "llm-int8";
  if (needsTable && options.calibrationData.empty() &&
      options.calibrationTable.empty()) {
    error = "preset '" + preset.str() +
            "' needs calibration statistics: give --calibration-data DIR "
            "(with --calibration-table FILE to write) or --calibration-table "
            "FILE";
    return failure();
  }
  if (isGptq && options.calibrationData.empty() &&
      options.calibrationTable.empty()) {
    error = "preset '" + preset.str() +
            "' runs the model on calibration samples (sequential GPTQ): give "
            "--calibration-data DIR (or --calibration-table FILE written by "
            "--qopt-calibrate=\"xtx=true\" for the non-sequential variant)";
    return failure();
  }
  bool isNf4 = name.starts_with("nf4");
  if ((isRtn || isNf4) && !options.calibrationData.empty())
    llvm::errs() << "note: preset '" << preset
                 << "' quantizes weights only; --calibration-data is not "
                    "used\n";
  bool calibrate =
      !options.calibrationData.empty() && !isRtn && !isNf4 && !isGptq;
  if (calibrate) {
    CalibrateOptions calibrateOptions;
    calibrateOptions.data = options.calibrationData;
    calibrateOptions.table = options.calibrationTable;
    calibrateOptions.samples = options.calibrationSamples;
    // AWQ searches on activation rows; the report's per-layer output SQNR
    // needs them too.
    if (isAwq)
      calibrateOptions.reservoirRows = 1024;
    else if (!options.reportFile.empty())
      calibrateOptions.reservoirRows = 256;
    pm.addPass(createCalibrate(calibrateOptions));
  }
  if (isRtn) {
    RTNOptions rtn;
    rtn.bits = bits;
    // 8 bits: per channel; 4 / 3 bits: groups of 128 on the grid GPTQ and
    // AWQ use at the same bits; -b64: int4 absmax blocks of 64 (the grid NF4
    // is compared with).
    bool b64 = name.ends_with("-b64");
    rtn.symmetric = symmetricGrid || b64;
    rtn.groupSize = bits == 8 ? 0 : b64 ? 64 : 128;
    pm.addPass(createRTN(rtn));
  } else if (isNf4) {
    NF4Options nf4;
    nf4.blockSize = 64;
    nf4.doubleQuant = preset == "nf4-dq";
    pm.addPass(createNF4(nf4));
  } else if (isGptq) {
    GPTQOptions gptq;
    gptq.bits = bits;
    gptq.groupSize = 128;
    gptq.actOrder = true;
    gptq.symmetric = symmetricGrid;
    gptq.sequential = !options.calibrationData.empty();
    gptq.calibrationData = options.calibrationData;
    gptq.calibrationTable =
        options.calibrationData.empty() ? options.calibrationTable : "";
    gptq.samples = options.calibrationSamples;
    pm.addPass(createGPTQ(gptq));
  } else if (isAwq) {
    AWQOptions awq;
    awq.bits = bits;
    awq.groupSize = 128;
    awq.symmetric = symmetricGrid;
    awq.calibrationTable = options.calibrationTable;
    pm.addPass(createAWQ(awq));
  } else if (preset == "llm-int8") {
    LLMInt8Options llm;
    llm.threshold = 6.0;
    llm.mode = "static";
    llm.calibrationTable = options.calibrationTable;
    pm.addPass(createLLMInt8(llm));
  } else {
    if (preset == "w8a8-smoothquant") {
      SmoothQuantOptions smooth;
      smooth.alpha = 0.5;
      smooth.calibrationTable = options.calibrationTable;
      pm.addPass(createSmoothQuant(smooth));
    }
    bool isStatic = preset != "w8a8-dynamic";
    W8A8Options w8a8;
    w8a8.mode = isStatic ? "static" : "dynamic";
    w8a8.granularity = isStatic ? "per-tensor" : "per-token";
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
