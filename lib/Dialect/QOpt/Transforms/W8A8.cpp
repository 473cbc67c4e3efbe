//===- W8A8.cpp - int8 activations and weights ----------------------------===//
//
// INTERIM form: ONNX QDQ. The weight is int8 per output channel behind an
// onnx.DequantizeLinear; the activation goes through QuantizeLinear +
// DequantizeLinear (static, calibrated scale) or DynamicQuantizeLinear +
// DequantizeLinear (run-time scale). docs/quantization.md plans
// qopt.quantize / qopt.dynamic_quantize + qopt.qmatmul / qopt.qconv once the
// qopt dialect lands; the rounding and clipping are the same.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_W8A8
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

struct W8A8Pass : qopt::impl::W8A8Base<W8A8Pass> {
  using W8A8Base::W8A8Base;

  std::optional<CalibrationTable> table;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode != "static" && mode != "dynamic") {
      module.emitError() << "--qopt-w8a8: mode must be static or dynamic, got '"
                         << mode << "'";
      return signalPassFailure();
    }
    if (granularity == "per-token") {
      module.emitError("--qopt-w8a8: granularity=per-token needs "
                       "qopt.dynamic_quantize (qopt dialect), not built yet");
      return signalPassFailure();
    }
    if (granularity != "per-tensor") {
      module.emitError() << "--qopt-w8a8: granularity must be per-tensor or "
                            "per-token, got '"
                         << granularity << "'";
      return signalPassFailure();
    }
    if (mode == "static") {
      if (method == "percentile" || method == "kl" || method == "mse") {
        module.emitError() << "--qopt-w8a8: method=" << method
                           << " needs histograms in the calibration table "
                              "(lib/Quant calibrators), not collected yet; "
                              "use minmax or ema";
        return signalPassFailure();
      }
      if (method != "minmax" && method != "ema") {
        module.emitError() << "--qopt-w8a8: method must be minmax, ema, "
                              "percentile, kl or mse, got '"
                           << method << "'";
        return signalPassFailure();
      }
      if (calibrationTable.empty()) {
        module.emitError("--qopt-w8a8: mode=static needs "
                         "calibration-table=FILE (written by "
                         "--qopt-calibrate)");
        return signalPassFailure();
      }
      std::string error;
      table = readCalibrationTableFor(module, calibrationTable, error);
      if (!table) {
        module.emitError(error);
        return signalPassFailure();
      }
    }
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp, onnx::ConvOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(quantize(op)))
        return signalPassFailure();
  }

  LogicalResult quantize(Operation *op) {
    MLIRContext *context = op->getContext();
    if (op->hasAttr("qopt.scheme"))
      return success();
    Value x = op->getOperand(0);
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || !xType.getElementType().isF32()) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, "activation is not a ranked f32 "
                                           "tensor"));
      return success();
    }
    // Every supported op has its weight as operand 1.
    if (!isConstant(op->getOperand(1))) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, "weight is not a constant "
                                           "(activation x activation)"));
      return success();
    }
    if (isa<onnx::GemmOp>(op) && isConstant(op->getOperand(0))) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, "Gemm input A is a constant"));
      return success();
    }
    // The activation's scale first: a missing statistic is an error before
    // anything changes.
    double absMax = 0;
    if (mode == "static") {
      if (auto recorded = op->getAttrOfType<FloatAttr>("qopt.act_absmax")) {
        absMax = recorded.getValueAsDouble();
      } else {
        std::string name = tensorName(x);
        auto it = table->tensors.find(name);
        if (it == table->tensors.end())
          return op->emitError()
                 << "--qopt-w8a8: the calibration table has no statistics "
                    "for tensor '"
                 << name << "' (input of '" << nodeName(op) << "')";
        const TensorStats &s = it->second;
        absMax = method == "ema"
                     ? std::max(std::fabs(s.emaMin), std::fabs(s.emaMax))
                     : std::max(std::fabs(s.min), std::fabs(s.max));
      }
    }
    WeightQuantization weight;
    if (failed(quantizeWeightRTN(op, 8, 0, /*symmetric=*/true, weight)))
      return failure();
    if (!weight.quantized) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, weight.floatReason));
      return success();
    }

    OpBuilder builder(op);
    Location loc = op->getLoc();
    std::string name = nodeName(op);
    Value dq;
    if (mode == "static") {
      float scale = absMax > 0 ? float(absMax / 127.0) : 1.0f;
      Value scaleValue = createF32Constant(builder, loc, {}, {scale},
                                           name + ".act_scale");
      int8_t zero = 0;
      Value zp = createConstant(
          builder, loc,
          RankedTensorType::get({}, IntegerType::get(context, 8)),
          ArrayRef<char>(reinterpret_cast<const char *>(&zero), 1),
          name + ".act_zero_point");
      auto qType = RankedTensorType::get(xType.getShape(),
                                         IntegerType::get(context, 8));
      auto q = onnx::QuantizeLinearOp::create(
          builder, loc, qType, x, scaleValue, zp, builder.getI64IntegerAttr(1),
          builder.getI64IntegerAttr(0), builder.getI64IntegerAttr(0),
          builder.getI64IntegerAttr(1));
      dq = onnx::DequantizeLinearOp::create(
          builder, loc, xType, q.getY(), scaleValue, zp,
          builder.getI64IntegerAttr(1), builder.getI64IntegerAttr(0));
    } else {
      auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
      auto dyn = onnx::DynamicQuantizeLinearOp::create(
          builder, loc,
          TypeRange{RankedTensorType::get(xType.getShape(), u8),
                    RankedTensorType::get({}, builder.getF32Type()),
                    RankedTensorType::get({}, u8)},
          x);
      dq = onnx::DequantizeLinearOp::create(
          builder, loc, xType, dyn.getY(), dyn.getYScale(),
          dyn.getYZeroPoint(), builder.getI64IntegerAttr(1),
          builder.getI64IntegerAttr(0));
    }
    op->setOperand(0, dq);

    std::string scheme;
    llvm::raw_string_ostream os(scheme);
    if (mode == "static")
      os << "w8a8 static per-tensor ("
         << (op->hasAttr("qopt.act_absmax") ? std::string("smoothed range")
                                            : method.getValue())
         << ")";
    else
      os << "w8a8 dynamic per-tensor";
    op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
    op->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    op->setAttr("qopt.weight_sqnr_db",
                builder.getF64FloatAttr(weight.weightSqnrDb));
    return success();
  }
};

} // namespace
