//===- Report.cpp - how each layer was quantized --------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace quant_opt::qopt {
#define GEN_PASS_DEF_REPORT
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

/// The scheme column: `scheme`, and the storage bits per weight when the
/// pass recorded them (qopt.bits_per_param, e.g. NF4's absmax overhead).
std::string schemeText(Operation *op, StringRef scheme) {
  std::string text = scheme.str();
  if (auto perParam = op->getAttrOfType<FloatAttr>("qopt.bits_per_param"))
    text += llvm::formatv(" ({0:F3} bits/param)", perParam.getValueAsDouble())
                .str();
  return text;
}

struct ReportPass : quant_opt::qopt::impl::ReportBase<ReportPass> {
  using ReportBase::ReportBase;

  void runOnOperation() override {
    std::string text;
    llvm::raw_string_ostream os(text);
    SmallVector<Operation *> layers;
    getOperation().walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp, onnx::ConvOp, WeightMatMulOp,
              QMatMulOp, QConvOp>(op))
        layers.push_back(op);
    });
    int quantized = 0;
    for (Operation *op : layers)
      quantized += op->hasAttr("qopt.scheme");
    os << "quantization report: " << layers.size()
       << " MatMul/Gemm/Conv layers, " << quantized << " quantized, "
       << layers.size() - quantized << " left in float\n";
    os << llvm::left_justify("layer", 24) << " "
       << llvm::left_justify("op", 18) << " "
       << llvm::left_justify("scheme", 40)
       << " bits  weight SQNR (dB)  output SQNR (dB)\n";
    for (Operation *op : layers) {
      auto scheme = op->getAttrOfType<StringAttr>("qopt.scheme");
      if (!scheme)
        continue;
      auto bits = op->getAttrOfType<IntegerAttr>("qopt.bits");
      auto sqnr = op->getAttrOfType<FloatAttr>("qopt.weight_sqnr_db");
      os << llvm::left_justify(nodeName(op), 24) << " "
         << llvm::left_justify(op->getName().getStringRef(), 18) << " "
         << llvm::left_justify(schemeText(op, scheme.getValue()), 40) << " "
         << llvm::format("%4d", bits ? (int)bits.getInt() : 0) << "  "
         << (sqnr ? llvm::formatv("{0:F2}", sqnr.getValueAsDouble()).str()
                  : std::string("-"));
      // On the calibration rows kept by --qopt-calibrate (reservoir-rows);
      // '-' without them.
      if (auto out = op->getAttrOfType<FloatAttr>("qopt.output_sqnr_db"))
        os << "  " << llvm::formatv("{0:F2}", out.getValueAsDouble()).str();
      else
        os << "  -";
      // --qopt-llm-int8: the input features multiplied in float.
      if (auto outliers = op->getAttrOfType<IntegerAttr>("qopt.outlier_columns"))
        os << "  outlier columns: " << outliers.getInt();
      else if (op->hasAttr("qopt.llm_int8_mode"))
        os << "  outlier columns: decided per call";
      os << "\n";
    }
    for (Operation *op : layers) {
      if (op->hasAttr("qopt.scheme"))
        continue;
      auto reason = op->getAttrOfType<StringAttr>("qopt.float_reason");
      os << "float: " << nodeName(op) << " (" << op->getName() << "): "
         << (reason ? reason.getValue() : StringRef("not quantized by any pass"))
         << "\n";
    }
    for (Operation *op : layers)
      if (auto note = op->getAttrOfType<StringAttr>("qopt.awq"))
        os << "awq: " << nodeName(op) << ": " << note.getValue() << "\n";
    for (Operation *op : layers)
      if (auto note = op->getAttrOfType<StringAttr>("qopt.smoothquant"))
        os << "smoothquant: " << nodeName(op) << ": " << note.getValue()
           << "\n";

    if (file == "-" || file.empty()) {
      llvm::errs() << text;
      return;
    }
    std::string error;
    auto output = openOutputFile(file, &error);
    if (!output) {
      emitError(getOperation().getLoc()) << "--qopt-report: " << error;
      return signalPassFailure();
    }
    output->os() << text;
    output->keep();
  }
};

} // namespace
