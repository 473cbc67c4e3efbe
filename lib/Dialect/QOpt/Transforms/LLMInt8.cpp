//===- LLMInt8.cpp - LLM.int8() as a compiler pass ------------------------===//
//
// Dettmers et al. 2022 (bitsandbytes): a MatMul / Gemm with a constant
// weight becomes a vector-wise int8 matmul (per-row activation scales,
// per-column weight scales) over the ordinary input features plus a product
// of the outlier features (|x| > threshold) in float, added back.
//
//   static:  x_in  = x * mask                       (outlier columns zeroed)
//            y     = qmatmul(dynq_per_row(x_in), Wq_in) + bias
//                    + Gather(x, outliers) . W[outliers, :]
//   dynamic: c     = ReduceMax(|x|, all rows) > threshold
//            x_out = Where(c, x, 0), x_in = Where(c, 0, x)
//            y     = qmatmul(dynq_per_row(x_in), Wq) + bias
//                    + weight_matmul(x_out, Wq as 8-bit codes)
//
// Static mode quantizes the int8 weight with the outlier rows zeroed (they
// multiply zeros, and would otherwise widen the column scales) and keeps
// those rows in float (exact; bitsandbytes multiplies the dequantized int8
// rows instead). Dynamic mode cannot split the weight at compile time: both
// products read the same per-column int8 codes, so the outlier part is a
// second full-K product (its x_out is zero off the outlier columns).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/LLMInt8.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_LLMINT8
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;
namespace quant = ::qopt::quant;

namespace {

struct LLMInt8Pass : quant_opt::qopt::impl::LLMInt8Base<LLMInt8Pass> {
  using LLMInt8Base::LLMInt8Base;

  /// Shared, not copied: passes are cloned per pipeline.
  std::shared_ptr<const CalibrationTable> table;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode != "static" && mode != "dynamic") {
      emitError(module.getLoc())
          << "--qopt-llm-int8: mode must be static or dynamic, got '" << mode
          << "'";
      return signalPassFailure();
    }
    if (!(threshold > 0) || !std::isfinite(threshold)) {
      emitError(module.getLoc())
          << "--qopt-llm-int8: threshold must be a finite number > 0, got "
          << threshold.getValue();
      return signalPassFailure();
    }
    if (mode == "static" && calibrationTable.empty()) {
      emitError(module.getLoc(),
                "--qopt-llm-int8: mode=static needs calibration-table=FILE "
                "(the per-channel absmax of each layer input, written by "
                "--qopt-calibrate)");
      return signalPassFailure();
    }
    if (!calibrationTable.empty()) {
      std::string error;
      auto read = readCalibrationTableFor(module, calibrationTable, error);
      if (!read) {
        emitError(module.getLoc()) << "--qopt-llm-int8: " << error;
        return signalPassFailure();
      }
      table = std::make_shared<const CalibrationTable>(std::move(*read));
    }
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp>(op))
        ops.push_back(op);
    });
    // Check every layer's statistics before anything changes.
    SmallVector<std::pair<LinearWeight, std::vector<int64_t>>> layers;
    for (Operation *op : ops) {
      if (op->hasAttr("qopt.scheme"))
        continue;
      std::string reason;
      auto linear = getLinearWeight(op, reason);
      if (failed(linear))
        return signalPassFailure();
      if (!*linear) {
        if (!op->hasAttr("qopt.float_reason"))
          op->setAttr("qopt.float_reason",
                      StringAttr::get(op->getContext(), reason));
        continue;
      }
      std::vector<int64_t> outliers;
      if (mode == "static" || table) {
        std::string name = tensorName((*linear)->input);
        const TensorStats *stats = nullptr;
        if (auto it = table->tensors.find(name); it != table->tensors.end())
          stats = &it->second;
        if (!stats || (int64_t)stats->channelAbsMax.size() != (*linear)->k) {
          if (mode == "dynamic") {
            layers.push_back({std::move(**linear), {}});
            continue;
          }
          op->emitError() << "--qopt-llm-int8: the calibration table '"
                          << calibrationTable.getValue()
                          << "' has no per-channel absmax of " << (*linear)->k
                          << " channels for tensor '" << name << "' (input of '"
                          << nodeName(op)
                          << "'); --qopt-calibrate writes it for the input of "
                             "every MatMul / Gemm with a constant weight";
          return signalPassFailure();
        }
        outliers = quant::llmInt8OutlierColumns(stats->channelAbsMax,
                                                float(threshold));
      }
      layers.push_back({std::move(**linear), std::move(outliers)});
    }
    for (auto &[linear, outliers] : layers)
      if (failed(rewrite(linear, outliers)))
        return signalPassFailure();
  }

  /// The calibration rows kept for the layer input `x` ([rows, k]), or null.
  const TensorStats *reservoirFor(Value x, int64_t k) {
    if (!table)
      return nullptr;
    auto it = table->tensors.find(tensorName(x));
    if (it == table->tensors.end() || it->second.reservoirRowSize != k ||
        it->second.reservoir.empty())
      return nullptr;
    return &it->second;
  }

  LogicalResult rewrite(const LinearWeight &linear,
                        ArrayRef<int64_t> calibratedOutliers) {
    Operation *op = linear.op;
    MLIRContext *context = op->getContext();
    int64_t k = linear.k, n = linear.n;
    bool dynamic = mode == "dynamic";
    // [N, K] -> [K, N]: qopt.qmatmul's b layout.
    std::vector<float> w(k * n);
    for (int64_t c = 0; c < n; ++c)
      for (int64_t r = 0; r < k; ++r)
        w[r * n + c] = linear.weight[c * k + r];
    ArrayRef<int64_t> split =
        dynamic ? ArrayRef<int64_t>() : calibratedOutliers;
    quant::LlmInt8Weight q;
    if (auto s = quant::quantizeLlmInt8(
            w, k, n, quant::Span<int64_t>(split.data(), split.size()), q);
        s.failed())
      return op->emitError() << "--qopt-llm-int8: " << s.message();

    OpBuilder builder(op);
    Location loc = op->getLoc();
    std::string name = nodeName(op);
    auto i8 = IntegerType::get(context, 8);
    auto f32 = builder.getF32Type();
    // Operand 0 now, not linear.input: an earlier rewrite may have replaced
    // the producer (a layer feeding this one).
    Value x = op->getOperand(0);
    auto xType = cast<RankedTensorType>(x.getType());
    auto yType = cast<RankedTensorType>(op->getResult(0).getType());
    int64_t rank = xType.getRank();

    // The non-outlier part of x.
    Value xIn = x, xOut, outlierCond;
    if (!dynamic && !q.outliers.empty()) {
      std::vector<float> mask(k, 1.0f);
      for (int64_t j : q.outliers)
        mask[j] = 0.0f;
      Value maskValue =
          createF32Constant(builder, loc, {k}, mask, name + ".inlier_mask");
      xIn = onnx::MulOp::create(builder, loc, xType, x, maskValue);
    } else if (dynamic) {
      // Columns whose max |x| over every row of this call exceeds the
      // threshold.
      SmallVector<int64_t> axes, reducedShape(rank - 1, 1);
      for (int64_t d = 0; d < rank - 1; ++d)
        axes.push_back(d);
      reducedShape.push_back(k);
      auto i64 = builder.getI64Type();
      Value axesValue = createConstant(
          builder, loc, RankedTensorType::get({rank - 1}, i64),
          ArrayRef<char>(reinterpret_cast<const char *>(axes.data()),
                         axes.size() * sizeof(int64_t)),
          name + ".axes");
      Value absX = onnx::AbsOp::create(builder, loc, xType, x);
      auto reducedType = RankedTensorType::get(reducedShape, f32);
      Value colMax = onnx::ReduceMaxOp::create(
          builder, loc, reducedType, absX, axesValue,
          builder.getI64IntegerAttr(1), builder.getI64IntegerAttr(0));
      Value thresholdValue = createF32Constant(
          builder, loc, {}, {float(threshold)}, name + ".threshold");
      outlierCond = onnx::GreaterOp::create(
          builder, loc, RankedTensorType::get(reducedShape, builder.getI1Type()),
          colMax, thresholdValue);
      Value zero =
          createF32Constant(builder, loc, {}, {0.0f}, name + ".zero");
      xOut = onnx::WhereOp::create(builder, loc, xType, outlierCond, x, zero);
      xIn = onnx::WhereOp::create(builder, loc, xType, outlierCond, zero, x);
    }

    // Vector-wise int8: per-row symmetric activation codes, per-column
    // weight codes.
    SmallVector<int64_t> scaleShape(xType.getShape().begin(),
                                    xType.getShape().end() - 1);
    auto dyn = DynamicQuantizeOp::create(
        builder, loc,
        TypeRange{RankedTensorType::get(xType.getShape(), i8),
                  RankedTensorType::get(scaleShape, f32),
                  RankedTensorType::get(scaleShape, i8)},
        xIn, GranularityAttr::get(context, Granularity::per_row),
        builder.getUnitAttr());
    Value b = createConstant(
        builder, loc, RankedTensorType::get({k, n}, i8),
        ArrayRef<char>(reinterpret_cast<const char *>(q.inlier.codes.data()),
                       q.inlier.codes.size()),
        name + ".qweight");
    Value bScale =
        createF32Constant(builder, loc, {n}, q.inlier.scales, name + ".scale");
    Value biasValue;
    if (linear.bias)
      biasValue =
          createF32Constant(builder, loc, {n}, *linear.bias, name + ".bias");
    auto qmm = QMatMulOp::create(builder, loc, yType, dyn.getQ(), b,
                                 dyn.getScale(), dyn.getZeroPoint(), bScale,
                                 biasValue);
    Value y = qmm.getY();

    // The outlier part, added back.
    Operation *outlierOp = nullptr;
    if (!dynamic && !q.outliers.empty()) {
      int64_t m = q.outliers.size();
      auto i64 = builder.getI64Type();
      Value indices = createConstant(
          builder, loc, RankedTensorType::get({m}, i64),
          ArrayRef<char>(reinterpret_cast<const char *>(q.outliers.data()),
                         m * sizeof(int64_t)),
          name + ".outlier_columns");
      SmallVector<int64_t> gatheredShape(xType.getShape());
      gatheredShape.back() = m;
      Value gathered = onnx::GatherOp::create(
          builder, loc, RankedTensorType::get(gatheredShape, f32), x, indices,
          builder.getI64IntegerAttr(rank - 1));
      Value rows = createF32Constant(builder, loc, {m, n}, q.outlierRows,
                                     name + ".outlier_weight");
      auto mm = onnx::MatMulOp::create(builder, loc, yType, gathered, rows);
      outlierOp = mm;
      mm->setAttr("qopt.bits", builder.getI64IntegerAttr(32));
      y = onnx::AddOp::create(builder, loc, yType, qmm.getY(), mm.getY());
    } else if (dynamic) {
      // The same codes as 8-bit unsigned codes (zero point 128) in
      // qopt.weight_matmul's [N, K] layout: no float copy of the weight.
      std::vector<uint8_t> packed(n * k);
      std::vector<float> scales(n);
      for (int64_t c = 0; c < n; ++c) {
        scales[c] = q.inlier.scales[c];
        for (int64_t r = 0; r < k; ++r)
          packed[c * k + r] = uint8_t(int32_t(q.inlier.codes[r * n + c]) + 128);
      }
      auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
      Value codes = createConstant(
          builder, loc, RankedTensorType::get({n, k}, u8),
          ArrayRef<char>(reinterpret_cast<const char *>(packed.data()),
                         packed.size()),
          name + ".outlier_qweight");
      Value wScale = createF32Constant(builder, loc, {n, 1}, scales,
                                       name + ".outlier_scale");
      auto wmm = WeightMatMulOp::create(
          builder, loc, yType, xOut, codes, wScale, Value(), Value(),
          builder.getI64IntegerAttr(8), builder.getI64IntegerAttr(0));
      outlierOp = wmm;
      wmm->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
      y = onnx::AddOp::create(builder, loc, yType, qmm.getY(), wmm.getY());
    }
    if (outlierOp) {
      outlierOp->setAttr("qopt.scheme",
                         StringAttr::get(context, "llm-int8 outlier part"));
      outlierOp->setAttr("qopt.llm_int8_layer",
                         StringAttr::get(context, name));
    }

    // Report attributes.
    std::vector<float> effective = quant::llmInt8EffectiveWeight(q);
    qmm->setAttr("qopt.scheme", StringAttr::get(context, "llm-int8"));
    qmm->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    qmm->setAttr("qopt.llm_int8_mode", StringAttr::get(context, mode));
    qmm->setAttr("qopt.llm_int8_threshold",
                 builder.getF64FloatAttr(threshold));
    qmm->setAttr("qopt.weight_sqnr_db",
                 builder.getF64FloatAttr(sqnrDb(w, effective)));
    // Static: the columns split off; dynamic: how many the calibration data
    // would give as one batch (when the table has the statistics).
    if (!dynamic || hasChannelStats(x, k))
      qmm->setAttr("qopt.outlier_columns",
                   builder.getI64IntegerAttr(calibratedOutliers.size()));
    if (const TensorStats *stats = reservoirFor(x, k)) {
      const std::vector<float> &rows = stats->reservoir;
      int64_t numRows = rows.size() / k;
      // Static: the split columns; dynamic: the rows taken as one call.
      std::vector<uint8_t> mask(k, 0);
      if (dynamic) {
        for (int64_t r = 0; r < numRows; ++r)
          for (int64_t j = 0; j < k; ++j)
            if (!(std::fabs(rows[r * k + j]) <= float(threshold)))
              mask[j] = 1;
      } else {
        for (int64_t j : calibratedOutliers)
          mask[j] = 1;
      }
      std::vector<float> inlier = quant::dequantizeInt8(q.inlier);
      // Static: float outlier rows; dynamic: the same int8 codes.
      const std::vector<float> &outlierW = dynamic ? inlier : w;
      double db = quant::llmInt8OutputSqnrDb(rows, numRows, k, w, inlier,
                                             outlierW, n, mask);
      if (!std::isnan(db))
        qmm->setAttr("qopt.output_sqnr_db",
                     builder.getF64FloatAttr(std::clamp(db, -300.0, 300.0)));
    }

    op->getResult(0).replaceAllUsesWith(y);
    SmallVector<Value> operands(op->getOperands());
    op->erase();
    for (Value old : operands)
      if (old && old.use_empty() && isConstant(old))
        old.getDefiningOp()->erase();
    return success();
  }

  bool hasChannelStats(Value x, int64_t k) {
    if (!table)
      return false;
    auto it = table->tensors.find(tensorName(x));
    return it != table->tensors.end() &&
           (int64_t)it->second.channelAbsMax.size() == k;
  }
};

} // namespace
