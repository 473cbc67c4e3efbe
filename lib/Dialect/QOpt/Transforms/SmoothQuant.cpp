//===- SmoothQuant.cpp - migrate activation outliers into weights ---------===//
//
// For an activation X consumed only by linear layers with constant weights,
// X' = X / s and W' = diag(s) W leave X W unchanged; s_j =
// max|X_j|^alpha / max|W_j|^(1-alpha) flattens X's outlier channels so that
// per-tensor activation quantization loses less. 1/s is folded into X's
// producer (LayerNorm scale and bias, or the weight columns and bias of a
// producing MatMul / Gemm); an explicit Mul only when nothing can absorb it.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "ChannelScaling.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"

#include <cmath>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_SMOOTHQUANT
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

struct SmoothQuantPass : quant_opt::qopt::impl::SmoothQuantBase<SmoothQuantPass> {
  using SmoothQuantBase::SmoothQuantBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alpha < 0.0 || alpha > 1.0) {
      emitError(module.getLoc()) << "--qopt-smoothquant: alpha must be in [0, 1], got "
                         << alpha.getValue();
      return signalPassFailure();
    }
    llvm::StringMap<double> layerAlphas;
    if (failed(parseLayerAlpha(module, layerAlphas)))
      return signalPassFailure();
    if (calibrationTable.empty()) {
      emitError(module.getLoc(), "--qopt-smoothquant needs calibration-table=FILE "
                       "(written by --qopt-calibrate)");
      return signalPassFailure();
    }
    std::string error;
    auto table = readCalibrationTableFor(module, calibrationTable, error);
    if (!table) {
      emitError(module.getLoc(), error);
      return signalPassFailure();
    }
    // The weights change: later passes accept this table for the result.
    module->setAttr(kCalibrationFingerprintAttr,
                    StringAttr::get(&getContext(), table->fingerprint));

    // Activations whose users are all linear layers with constant weights.
    llvm::SetVector<Value> activations;
    module.walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp>(op))
        activations.insert(op->getOperand(0));
    });
    llvm::StringSet<> usedAlphas;
    for (Value x : activations) {
      auto type = dyn_cast<RankedTensorType>(x.getType());
      if (!type || type.getRank() < 1 ||
          type.isDynamicDim(type.getRank() - 1) ||
          !type.getElementType().isF32())
        continue;
      int64_t k = type.getDimSize(type.getRank() - 1);
      SmallVector<ScaledConsumer> consumers;
      bool all = collectScaledConsumers(x, k, consumers);
      if (!all || consumers.empty()) {
        for (Operation *user : x.getUsers())
          if (isa<onnx::MatMulOp, onnx::GemmOp>(user) &&
              isConstant(user->getOperand(1)) &&
              !user->hasAttr("qopt.smoothquant"))
            user->setAttr("qopt.smoothquant",
                          StringAttr::get(&getContext(),
                                          "not smoothed: the activation also "
                                          "feeds an op that cannot take "
                                          "scaled weights"));
        continue;
      }
      std::string name = tensorName(x);
      auto stats = table->tensors.find(name);
      if (stats == table->tensors.end() ||
          (int64_t)stats->second.channelAbsMax.size() != k) {
        consumers.front().op->emitError()
            << "--qopt-smoothquant: the calibration table has no per-channel "
               "statistics of "
            << k << " channels for tensor '" << name << "'";
        return signalPassFailure();
      }
      double a = alpha;
      std::string producerName =
          x.getDefiningOp() ? nodeName(x.getDefiningOp()) : name;
      for (StringRef key : {StringRef(producerName), StringRef(name)}) {
        auto it = layerAlphas.find(key);
        if (it != layerAlphas.end()) {
          a = it->second;
          usedAlphas.insert(key);
        }
      }
      smooth(x, consumers, stats->second.channelAbsMax, a, k, name);
    }
    for (auto &entry : layerAlphas)
      if (!usedAlphas.contains(entry.getKey())) {
        emitError(module.getLoc()) << "--qopt-smoothquant: layer-alpha names '"
                           << entry.getKey()
                           << "', which produces no smoothed activation";
        return signalPassFailure();
      }
  }

  LogicalResult parseLayerAlpha(ModuleOp module,
                                llvm::StringMap<double> &out) {
    SmallVector<StringRef> items;
    StringRef(layerAlpha).split(items, ',', -1, false);
    for (StringRef item : items) {
      auto [name, value] = item.trim().rsplit(':');
      double a;
      if (name.empty() || value.getAsDouble(a) || a < 0 || a > 1)
        return emitError(module.getLoc())
               << "--qopt-smoothquant: bad layer-alpha entry '" << item
               << "' (expected name:alpha with alpha in [0, 1])";
      out[name] = a;
    }
    return success();
  }

  void smooth(Value x, ArrayRef<ScaledConsumer> consumers,
              ArrayRef<float> actMax, double a, int64_t k, StringRef name) {
    // max |W_j| over the rows j of every consumer.
    std::vector<float> weightMax(k, 0.0f);
    for (const ScaledConsumer &c : consumers) {
      Value w = c.op->getOperand(1);
      auto shape = cast<RankedTensorType>(w.getType()).getShape();
      std::vector<float> values = *readFloatConstant(w);
      int64_t cols = shape[1];
      for (size_t i = 0; i < values.size(); ++i) {
        int64_t j = c.rowsAreK ? int64_t(i) / cols : int64_t(i) % cols;
        weightMax[j] = std::max(weightMax[j], std::fabs(values[i]));
      }
    }
    std::vector<float> s(k), inverse(k);
    for (int64_t j = 0; j < k; ++j) {
      double v = 1.0;
      if (actMax[j] > 0 && weightMax[j] > 0)
        v = std::pow(double(actMax[j]), a) /
            std::pow(double(weightMax[j]), 1.0 - a);
      v = std::clamp(v, 1e-5, 1e5);
      s[j] = float(v);
      inverse[j] = float(1.0 / v);
    }
    for (const ScaledConsumer &c : consumers)
      scaleConstantOperand(c.op, 1, c.rowsAreK ? 0 : 1, s,
                           nodeName(c.op) + ".smoothed");

    std::string how =
        absorbChannelScale(x, inverse, k, "smoothed", "smooth_inverse");
    MLIRContext *context = &getContext();
    std::string note;
    llvm::raw_string_ostream os(note);
    os << "smoothed (alpha " << llvm::format("%g", a) << ", 1/s folded into "
       << how << ")";
    // The smoothed activation's range, for static activation scales.
    double smoothedAbsMax = 0;
    for (int64_t j = 0; j < k; ++j)
      smoothedAbsMax = std::max(smoothedAbsMax, double(actMax[j]) / s[j]);
    Builder builder(context);
    for (const ScaledConsumer &c : consumers) {
      c.op->setAttr("qopt.smoothquant", StringAttr::get(context, note));
      c.op->setAttr("qopt.act_absmax", builder.getF64FloatAttr(smoothedAbsMax));
    }
  }
};

} // namespace
