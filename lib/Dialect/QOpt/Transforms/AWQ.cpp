//===- AWQ.cpp - activation-aware weight quantization (--qopt-awq) --------===//
//
// Wiring only: the search is lib/Quant's awqQuantize. For every activation
// X consumed by MatMul / Gemm layers in the qopt.weight_matmul form
// (getLinearWeight), their [N, K] weights are concatenated along N and
// searched together with X's mean |x| and reservoir rows from the
// calibration table; s⁻¹ is folded into X's producer (ChannelScaling, as
// --qopt-smoothquant) or applied by an onnx.Mul, and each layer becomes a
// qopt.weight_matmul of its rows of the quantized W·diag(s).
//
//===----------------------------------------------------------------------===//

#include "CalibrationTable.h"
#include "ChannelScaling.h"
#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Quant/AWQ.h"
#include "QuantOpt/Quant/Encoders.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"

#include <cmath>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_AWQ
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace q = ::qopt::quant;

namespace {

struct AWQPass : quant_opt::qopt::impl::AWQBase<AWQPass> {
  using AWQBase::AWQBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (bits != 8 && bits != 4 && bits != 3 && bits != 2) {
      emitError(module.getLoc())
          << "--qopt-awq: bits must be 8, 4, 3 or 2, got " << bits.getValue();
      return signalPassFailure();
    }
    if (groupSize < 0) {
      emitError(module.getLoc()) << "--qopt-awq: group-size must be >= 0, got "
                                 << groupSize.getValue();
      return signalPassFailure();
    }
    if (alphaGrid < 1 || alphaGrid > 1000) {
      emitError(module.getLoc())
          << "--qopt-awq: alpha-grid must be in [1, 1000], got "
          << alphaGrid.getValue();
      return signalPassFailure();
    }
    if (calibrationTable.empty()) {
      emitError(module.getLoc(),
                "--qopt-awq needs calibration-table=FILE (written by "
                "--qopt-calibrate with reservoir-rows=N)");
      return signalPassFailure();
    }
    std::string error;
    auto table = readCalibrationTableFor(module, calibrationTable, error);
    if (!table) {
      emitError(module.getLoc()) << "--qopt-awq: " << error;
      return signalPassFailure();
    }
    // The weights change: later passes accept this table for the result.
    module->setAttr(kCalibrationFingerprintAttr,
                    StringAttr::get(&getContext(), table->fingerprint));

    llvm::SetVector<Value> activations;
    module.walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp>(op) && !op->hasAttr("qopt.scheme"))
        activations.insert(op->getOperand(0));
    });
    // Last activation first: a producing MatMul / Gemm that absorbs s⁻¹ of
    // its output is still float then, and is searched afterwards with its
    // rescaled columns.
    for (Value x : llvm::reverse(activations))
      if (failed(quantizeConsumers(x, *table)))
        return signalPassFailure();

    // What stayed float, and why.
    module.walk([&](Operation *op) {
      if (!isa<onnx::MatMulOp, onnx::GemmOp>(op) ||
          op->hasAttr("qopt.scheme") || op->hasAttr("qopt.float_reason"))
        return;
      std::string reason;
      auto linear = getLinearWeight(op, reason);
      if (succeeded(linear) && *linear)
        reason = "its input is not a static f32 tensor whose users can take "
                 "scaled weights";
      op->setAttr("qopt.float_reason",
                  StringAttr::get(&getContext(), "--qopt-awq: " + reason));
    });
  }

  LogicalResult quantizeConsumers(Value x, const CalibrationTable &table) {
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || type.getRank() < 1 || type.isDynamicDim(type.getRank() - 1) ||
        !type.getElementType().isF32())
      return success();
    const int64_t k = type.getDimSize(type.getRank() - 1);
    SmallVector<ScaledConsumer> consumers;
    bool all = collectScaledConsumers(x, k, consumers);
    SmallVector<LinearWeight> linears;
    for (const ScaledConsumer &c : consumers) {
      if (c.op->hasAttr("qopt.scheme"))
        continue;
      std::string reason;
      auto linear = getLinearWeight(c.op, reason);
      if (failed(linear))
        return failure();
      if (!*linear) {
        all = false;
        c.op->setAttr("qopt.float_reason",
                      StringAttr::get(&getContext(), "--qopt-awq: " + reason));
        continue;
      }
      linears.push_back(std::move(**linear));
    }
    if (linears.empty())
      return success();
    if (linears.size() != consumers.size())
      all = false;
    Operation *first = linears.front().op;

    std::string name = tensorName(x);
    auto stats = table.tensors.find(name);
    if (stats == table.tensors.end() ||
        (int64_t)stats->second.channelMeanAbs.size() != k)
      return first->emitError()
             << "--qopt-awq: the calibration table has no per-channel mean "
                "|x| of "
             << k << " channels for tensor '" << name << "' (input of '"
             << nodeName(first) << "')";
    const TensorStats &s = stats->second;
    if (s.reservoir.empty() || s.reservoirRowSize != k)
      return first->emitError()
             << "--qopt-awq: the calibration table has no reservoir rows of "
             << k << " channels for tensor '" << name << "' (input of '"
             << nodeName(first)
             << "'); calibrate with --qopt-calibrate=\"reservoir-rows=N\"";
    const int64_t numRows = int64_t(s.reservoir.size()) / k;

    int64_t group = groupSize >= k ? 0 : groupSize.getValue();
    if (group > 0 && k % group != 0)
      return first->emitError() << "--qopt-awq: group-size " << group
                                << " does not divide K = " << k << " of layer '"
                                << nodeName(first) << "'";

    // The group's weights, concatenated along N.
    int64_t totalN = 0;
    for (const LinearWeight &l : linears)
      totalN += l.n;
    std::vector<float> weight;
    weight.reserve(totalN * k);
    for (const LinearWeight &l : linears)
      weight.insert(weight.end(), l.weight.begin(), l.weight.end());

    q::AwqOptions options;
    options.bits = static_cast<int>(bits);
    options.groupSize = group;
    options.symmetric = symmetric;
    options.alphaGrid = static_cast<int>(alphaGrid);
    options.clip = clip;
    q::AwqResult result;
    q::Status status = q::awqQuantize(
        q::Span<float>(weight), totalN, k, q::Span<float>(s.channelMeanAbs),
        q::Span<float>(s.reservoir), numRows, options, result);
    if (status.failed())
      return first->emitError() << "--qopt-awq: layer '" << nodeName(first)
                                << "': " << status.message();

    // x / s: folded into the producer when every user of x is quantized
    // here, else a Mul in front of these layers only.
    std::string how = "nothing (alpha 0: s = 1)";
    if (result.alpha > 0) {
      std::vector<float> inverse(k);
      for (int64_t j = 0; j < k; ++j)
        inverse[j] = float(1.0 / double(result.scales[j]));
      if (all) {
        how = absorbChannelScale(x, inverse, k, "awq", "awq_inverse");
      } else {
        OpBuilder builder(x.getContext());
        builder.setInsertionPointAfterValue(x);
        Value factor = createF32Constant(builder, x.getLoc(), {k}, inverse,
                                         name + ".awq_inverse");
        auto mul =
            onnx::MulOp::create(builder, x.getLoc(), x.getType(), x, factor);
        for (const LinearWeight &l : linears)
          l.op->setOperand(0, mul.getResult());
        how = "an explicit Mul (x has users that are not quantized here)";
      }
    }
    int64_t clipped = 0;
    for (float r : result.clipRatio)
      clipped += r < 1.0f;

    MLIRContext *context = &getContext();
    Builder builder(context);
    const q::RtnWeight &all_ = result.weight;
    const int64_t numGroups = all_.numGroups;
    int64_t row0 = 0;
    for (LinearWeight &l : linears) {
      l.input = l.op->getOperand(0);
      q::RtnWeight part;
      part.n = l.n;
      part.k = k;
      part.bits = all_.bits;
      part.groupSize = all_.groupSize;
      part.numGroups = numGroups;
      part.symmetric = all_.symmetric;
      part.codes.assign(all_.codes.begin() + row0 * k,
                        all_.codes.begin() + (row0 + l.n) * k);
      part.scales.assign(all_.scales.begin() + row0 * numGroups,
                         all_.scales.begin() + (row0 + l.n) * numGroups);
      part.zeroPoints.assign(all_.zeroPoints.begin() + row0 * numGroups,
                             all_.zeroPoints.begin() +
                                 (row0 + l.n) * numGroups);
      row0 += l.n;
      // The float weight this layer now stands for: Ŵ'·diag(s)⁻¹.
      std::vector<float> recon = q::dequantizeRtn(part);
      for (int64_t o = 0; o < l.n; ++o)
        for (int64_t j = 0; j < k; ++j)
          recon[o * k + j] /= result.scales[j];
      double weightSqnr = sqnrDb(l.weight, recon);
      // Output SQNR on the reservoir rows ([K, N] layouts).
      std::vector<float> wt(k * l.n), rt(k * l.n);
      for (int64_t o = 0; o < l.n; ++o)
        for (int64_t j = 0; j < k; ++j) {
          wt[j * l.n + o] = l.weight[o * k + j];
          rt[j * l.n + o] = recon[o * k + j];
        }
      double outputSqnr =
          q::layerOutputSqnrDb(q::Span<float>(s.reservoir), numRows, k,
                               q::Span<float>(wt), q::Span<float>(rt), l.n, {});

      FailureOr<Operation *> fused = replaceWithWeightMatMul(l, part);
      if (failed(fused))
        return failure();
      Operation *op = *fused;
      std::string scheme;
      llvm::raw_string_ostream os(scheme);
      os << "w" << bits << "a16-awq " << (symmetric ? "sym" : "asym") << " "
         << (group == 0 ? std::string("per-channel")
                        : "group " + std::to_string(group));
      std::string note;
      llvm::raw_string_ostream ns(note);
      ns << "alpha " << llvm::format("%g", result.alpha) << " over "
         << linears.size() << " layer" << (linears.size() == 1 ? "" : "s")
         << " of '" << name << "', s^-1 folded into " << how << ", " << clipped
         << "/" << result.clipRatio.size() << " (row, group) ranges clipped";
      op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
      op->setAttr("qopt.bits", builder.getI64IntegerAttr(bits));
      op->setAttr("qopt.awq", StringAttr::get(context, note));
      op->setAttr("qopt.awq_alpha", builder.getF64FloatAttr(result.alpha));
      op->setAttr("qopt.weight_sqnr_db", builder.getF64FloatAttr(weightSqnr));
      if (std::isfinite(outputSqnr))
        op->setAttr("qopt.output_sqnr_db", builder.getF64FloatAttr(outputSqnr));
    }
    return success();
  }
};

} // namespace
