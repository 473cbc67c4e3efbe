//===- W8A8.cpp - int8 activations and weights ----------------------------===//
//
// A MatMul with a constant B and an input with a static last dimension
// becomes qopt.quantize (static) or qopt.dynamic_quantize (dynamic, per
// tensor or per token) + qopt.qmatmul with int8 symmetric per-channel weight
// codes: the integer contraction. Gemm and Conv use the QDQ form for now
// (int8 weight behind onnx.DequantizeLinear, activation through
// QuantizeLinear / DynamicQuantizeLinear + DequantizeLinear): the same
// rounding and clipping, computed in float after dequantization.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <memory>

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

  /// Shared, not copied: passes are cloned per pipeline.
  std::shared_ptr<const CalibrationTable> table;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode != "static" && mode != "dynamic") {
      emitError(module.getLoc()) << "--qopt-w8a8: mode must be static or dynamic, got '"
                         << mode << "'";
      return signalPassFailure();
    }
    if (granularity == "per-token" && mode != "dynamic") {
      emitError(module.getLoc(), "--qopt-w8a8: granularity=per-token needs "
                       "mode=dynamic (static scales are per tensor)");
      return signalPassFailure();
    }
    if (granularity != "per-tensor" && granularity != "per-token") {
      emitError(module.getLoc()) << "--qopt-w8a8: granularity must be per-tensor or "
                            "per-token, got '"
                         << granularity << "'";
      return signalPassFailure();
    }
    if (mode == "static") {
      if (method != "minmax" && method != "ema" && method != "percentile" &&
          method != "kl" && method != "mse") {
        emitError(module.getLoc()) << "--qopt-w8a8: method must be minmax, ema, "
                              "percentile, kl or mse, got '"
                           << method << "'";
        return signalPassFailure();
      }
      if (calibrationTable.empty()) {
        emitError(module.getLoc(), "--qopt-w8a8: mode=static needs "
                         "calibration-table=FILE (written by "
                         "--qopt-calibrate)");
        return signalPassFailure();
      }
      std::string error;
      auto read = readCalibrationTableFor(module, calibrationTable, error);
      if (read)
        table = std::make_shared<const CalibrationTable>(std::move(*read));
      if (!table) {
        emitError(module.getLoc(), error);
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

  /// MatMul(x, constant B [K, N]) -> quantize + qopt.qmatmul. Null when the
  /// MatMul does not fit (x's last dimension dynamic, B not 2-D f32).
  FailureOr<Operation *> toQMatMul(onnx::MatMulOp matmul, double absMax) {
    MLIRContext *context = matmul.getContext();
    auto xType = dyn_cast<RankedTensorType>(matmul.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(matmul.getB().getType());
    auto yType = dyn_cast<RankedTensorType>(matmul.getY().getType());
    if (!xType || !bType || !yType || xType.getRank() < 2 ||
        xType.isDynamicDim(xType.getRank() - 1) || bType.getRank() != 2 ||
        !bType.hasStaticShape() || !bType.getElementType().isF32())
      return static_cast<Operation *>(nullptr);
    int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
    auto values = readFloatConstant(matmul.getB());
    if (!values)
      return matmul.emitError("cannot read the constant weight");
    // [K, N] rows = reduction, columns = output channels: b's layout.
    RTNResult rtn = quantizeRTN(*values, k, n, 0, 8, /*symmetric=*/true);

    OpBuilder builder(matmul);
    Location loc = matmul.getLoc();
    std::string name = nodeName(matmul);
    auto i8 = IntegerType::get(context, 8);
    auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
    Value b = createConstant(
        builder, loc, RankedTensorType::get({k, n}, i8),
        ArrayRef<char>(reinterpret_cast<const char *>(rtn.codes.data()),
                       rtn.codes.size()),
        name + ".qweight");
    Value bScale =
        createF32Constant(builder, loc, {n}, rtn.scales, name + ".scale");
    Value q, aScale, aZero;
    if (mode == "static") {
      float scale = absMax > 0 ? float(absMax / 127.0) : 1.0f;
      aScale = createF32Constant(builder, loc, {}, {scale},
                                 name + ".act_scale");
      int8_t zero = 0;
      aZero = createConstant(
          builder, loc, RankedTensorType::get({}, i8),
          ArrayRef<char>(reinterpret_cast<const char *>(&zero), 1),
          name + ".act_zero_point");
      q = QuantizeOp::create(builder, loc,
                             RankedTensorType::get(xType.getShape(), i8),
                             matmul.getA(), aScale, aZero,
                             builder.getI64IntegerAttr(1),
                             builder.getI64IntegerAttr(0));
    } else {
      bool perToken = granularity == "per-token";
      SmallVector<int64_t> scaleShape;
      if (perToken)
        scaleShape.assign(xType.getShape().begin(),
                          xType.getShape().end() - 1);
      auto dyn = DynamicQuantizeOp::create(
          builder, loc,
          TypeRange{RankedTensorType::get(xType.getShape(), u8),
                    RankedTensorType::get(scaleShape, builder.getF32Type()),
                    RankedTensorType::get(scaleShape, u8)},
          matmul.getA(),
          GranularityAttr::get(context, perToken ? Granularity::per_row
                                                 : Granularity::per_tensor),
          UnitAttr());
      q = dyn.getQ();
      aScale = dyn.getScale();
      aZero = dyn.getZeroPoint();
    }
    auto qmm = QMatMulOp::create(builder, loc, yType, q, b, aScale, aZero,
                                 bScale, Value());
    matmul.getY().replaceAllUsesWith(qmm.getY());
    for (StringRef attr : {"qopt.smoothquant", "qopt.act_absmax"})
      if (Attribute value = matmul->getAttr(attr))
        qmm->setAttr(attr, value);
    Value oldWeight = matmul.getB();
    bool smoothed = matmul->hasAttr("qopt.act_absmax");
    matmul.erase();
    if (oldWeight.use_empty())
      oldWeight.getDefiningOp()->erase();

    std::string scheme;
    llvm::raw_string_ostream os(scheme);
    if (mode == "static")
      os << "w8a8 static per-tensor ("
         << (smoothed ? std::string("smoothed range") : method.getValue())
         << ")";
    else
      os << "w8a8 dynamic " << granularity.getValue();
    qmm->setAttr("qopt.scheme", StringAttr::get(context, scheme));
    qmm->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    qmm->setAttr("qopt.weight_sqnr_db", builder.getF64FloatAttr(rtn.sqnrDb));
    return qmm.getOperation();
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
                 : method == "percentile" ? s.percentileThreshold
                 : method == "kl"         ? s.klThreshold
                 : method == "mse"        ? s.mseThreshold
                                          : s.absMax;
      }
    }
    if (auto matmul = dyn_cast<onnx::MatMulOp>(op)) {
      auto fused = toQMatMul(matmul, absMax);
      if (failed(fused))
        return failure();
      if (*fused)
        return success();
    }
    // Gemm / Conv: QDQ form, per-tensor scales even with per-token (the
    // scheme says so).
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
      os << "w8a8 dynamic per-tensor"
         << (granularity == "per-token" ? " (per-token is for MatMul)" : "");
    op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
    op->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    op->setAttr("qopt.weight_sqnr_db",
                builder.getF64FloatAttr(weight.weightSqnrDb));
    return success();
  }
};

} // namespace
