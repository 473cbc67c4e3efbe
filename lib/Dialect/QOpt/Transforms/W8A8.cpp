//===- W8A8.cpp - int8 activations and weights ----------------------------===//
//
// A MatMul with a constant B and an input with a static last dimension
// becomes qopt.quantize (static) or qopt.dynamic_quantize (dynamic, per
// tensor or per token) + qopt.qmatmul with int8 symmetric per-channel weight
// codes: the integer contraction. A Gemm with a constant B (transA=0, C
// absent or a constant broadcast along M) becomes the same qopt.qmatmul (B
// laid out [K, N], alpha in the weight scales, beta * C as the bias); a
// 2-D Conv with a constant weight becomes quantize (per tensor) +
// qopt.qconv. Any other Gemm / Conv keeps the QDQ form (int8 weight behind
// onnx.DequantizeLinear, activation through QuantizeLinear /
// DynamicQuantizeLinear + DequantizeLinear), with the reason in
// qopt.qdq_reason.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Quant/Encoders.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <memory>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_W8A8
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

struct W8A8Pass : quant_opt::qopt::impl::W8A8Base<W8A8Pass> {
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
    if (mode != "static" && !calibrationTable.empty()) {
      // Optional in dynamic mode: its activation rows give the report's
      // output SQNR.
      std::string error;
      auto read = readCalibrationTableFor(module, calibrationTable, error);
      if (!read) {
        emitError(module.getLoc(), error);
        return signalPassFailure();
      }
      table = std::make_shared<const CalibrationTable>(std::move(*read));
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

  /// The activation codes of `x` for a qmatmul / qconv: qopt.quantize with
  /// the static scale from `absMax`, or qopt.dynamic_quantize (per token
  /// when `perToken`, else per tensor). Returns {codes, scale, zero point}.
  std::array<Value, 3> quantizeActivation(OpBuilder &builder, Location loc,
                                          Value x, RankedTensorType xType,
                                          double absMax, bool perToken,
                                          const std::string &name) {
    MLIRContext *context = builder.getContext();
    auto i8 = IntegerType::get(context, 8);
    auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
    if (mode == "static") {
      float scale = absMax > 0 ? float(absMax / 127.0) : 1.0f;
      Value aScale =
          createF32Constant(builder, loc, {}, {scale}, name + ".act_scale");
      int8_t zero = 0;
      Value aZero = createConstant(
          builder, loc, RankedTensorType::get({}, i8),
          ArrayRef<char>(reinterpret_cast<const char *>(&zero), 1),
          name + ".act_zero_point");
      Value q = QuantizeOp::create(builder, loc,
                                   RankedTensorType::get(xType.getShape(), i8),
                                   x, aScale, aZero,
                                   builder.getI64IntegerAttr(1),
                                   builder.getI64IntegerAttr(0));
      return {q, aScale, aZero};
    }
    SmallVector<int64_t> scaleShape;
    if (perToken)
      scaleShape.assign(xType.getShape().begin(), xType.getShape().end() - 1);
    auto dyn = DynamicQuantizeOp::create(
        builder, loc,
        TypeRange{RankedTensorType::get(xType.getShape(), u8),
                  RankedTensorType::get(scaleShape, builder.getF32Type()),
                  RankedTensorType::get(scaleShape, u8)},
        x,
        GranularityAttr::get(context, perToken ? Granularity::per_row
                                               : Granularity::per_tensor),
        UnitAttr());
    return {dyn.getQ(), dyn.getScale(), dyn.getZeroPoint()};
  }

  /// The scheme string of an int8 op (`perToken`: its activation scales are
  /// per token).
  std::string schemeString(bool smoothed, bool perToken) {
    std::string scheme;
    llvm::raw_string_ostream os(scheme);
    if (mode == "static")
      os << "w8a8 static per-tensor ("
         << (smoothed ? std::string("smoothed range") : method.getValue())
         << ")";
    else
      os << "w8a8 dynamic " << (perToken ? "per-token" : "per-tensor");
    return scheme;
  }

  /// Replaces `op` (MatMul or Gemm) by quantize + qopt.qmatmul of `x` with
  /// the f32 weight `w` [K, N] (row-major), its per-channel scales
  /// multiplied by `alpha`, and the optional f32 `bias` [N].
  Operation *emitQMatMul(Operation *op, Value x, ArrayRef<float> w, int64_t k,
                         int64_t n, float alpha,
                         std::optional<std::vector<float>> bias,
                         double absMax) {
    MLIRContext *context = op->getContext();
    auto xType = cast<RankedTensorType>(x.getType());
    auto yType = cast<RankedTensorType>(op->getResult(0).getType());
    // [K, N] rows = reduction, columns = output channels: b's layout.
    RTNResult rtn = quantizeRTN(w, k, n, 0, 8, /*symmetric=*/true);
    // alpha * (x . w) = x . (alpha * w): |alpha| into the scales, its sign
    // into the (symmetric, so negatable) codes.
    if (alpha != 1.0f) {
      for (float &s : rtn.scales)
        s *= std::fabs(alpha);
      if (alpha < 0)
        for (int8_t &c : rtn.codes)
          c = int8_t(-c);
    }

    OpBuilder builder(op);
    Location loc = op->getLoc();
    std::string name = nodeName(op);
    auto i8 = IntegerType::get(context, 8);
    Value b = createConstant(
        builder, loc, RankedTensorType::get({k, n}, i8),
        ArrayRef<char>(reinterpret_cast<const char *>(rtn.codes.data()),
                       rtn.codes.size()),
        name + ".qweight");
    Value bScale =
        createF32Constant(builder, loc, {n}, rtn.scales, name + ".scale");
    Value biasValue;
    if (bias)
      biasValue = createF32Constant(builder, loc, {n}, *bias, name + ".bias");
    bool perToken = mode == "dynamic" && granularity == "per-token";
    auto [q, aScale, aZero] =
        quantizeActivation(builder, loc, x, xType, absMax, perToken, name);
    auto qmm = QMatMulOp::create(builder, loc, yType, q, b, aScale, aZero,
                                 bScale, biasValue);
    std::optional<double> outputSqnr =
        outputSqnrOnCalibrationRows(x, w, rtn, k, n, alpha, absMax, perToken);
    Operation *result = finish(op, qmm, rtn.sqnrDb, perToken);
    if (outputSqnr)
      result->setAttr("qopt.output_sqnr_db",
                      Builder(context).getF64FloatAttr(*outputSqnr));
    return result;
  }

  /// Output SQNR of the quantized layer on the activation rows that
  /// --qopt-calibrate kept for `x` (reservoir-rows), when the table has
  /// them: x·(alpha·w) against dequantize(quantize(x))·(codes·scales) with
  /// the activation parameters the layer uses (static: int8 absMax / 127;
  /// dynamic: uint8 from each row's range per token, or from all rows').
  std::optional<double> outputSqnrOnCalibrationRows(Value x, ArrayRef<float> w,
                                                    const RTNResult &rtn,
                                                    int64_t k, int64_t n,
                                                    float alpha, double absMax,
                                                    bool perToken) {
    if (!table)
      return std::nullopt;
    auto it = table->tensors.find(tensorName(x));
    if (it == table->tensors.end() || it->second.reservoirRowSize != k ||
        it->second.reservoir.empty())
      return std::nullopt;
    const std::vector<float> &rows = it->second.reservoir;
    int64_t numRows = rows.size() / k;
    std::vector<float> ref(w.size()), recon(w.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j) {
        ref[i * n + j] = alpha * w[i * n + j];
        recon[i * n + j] = rtn.codes[i * n + j] * rtn.scales[j];
      }
    std::vector<::qopt::quant::ActivationParams> acts;
    auto fromRange = [&](const float *begin, const float *end) {
      ::qopt::quant::ActivationParams p;
      auto [lo, hi] = std::minmax_element(begin, end);
      if (::qopt::quant::activationParamsUint8(*lo, *hi, p).failed())
        return false;
      acts.push_back(p);
      return true;
    };
    if (mode == "static") {
      ::qopt::quant::ActivationParams p;
      if (::qopt::quant::activationParamsInt8(float(absMax), p).failed())
        return std::nullopt;
      acts.push_back(p);
    } else if (perToken) {
      for (int64_t r = 0; r < numRows; ++r)
        if (!fromRange(rows.data() + r * k, rows.data() + (r + 1) * k))
          return std::nullopt;
    } else if (!fromRange(rows.data(), rows.data() + rows.size())) {
      return std::nullopt;
    }
    double db = ::qopt::quant::layerOutputSqnrDb(rows, numRows, k, ref, recon,
                                                 n, acts);
    if (std::isnan(db))
      return std::nullopt;
    return db;
  }

  /// Moves the result uses and the SmoothQuant attributes of `op` to
  /// `replacement`, erases `op` and its now unused constant operands, and
  /// sets the report attributes.
  Operation *finish(Operation *op, Operation *replacement, double sqnr,
                    bool perToken) {
    MLIRContext *context = op->getContext();
    op->getResult(0).replaceAllUsesWith(replacement->getResult(0));
    for (StringRef attr : {"qopt.smoothquant", "qopt.act_absmax"})
      if (Attribute value = op->getAttr(attr))
        replacement->setAttr(attr, value);
    bool smoothed = op->hasAttr("qopt.act_absmax");
    SmallVector<Value> operands(op->getOperands());
    op->erase();
    for (Value old : operands)
      if (old && old.use_empty() && isConstant(old))
        old.getDefiningOp()->erase();
    Builder builder(context);
    replacement->setAttr(
        "qopt.scheme",
        StringAttr::get(context, schemeString(smoothed, perToken)));
    replacement->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    replacement->setAttr("qopt.weight_sqnr_db", builder.getF64FloatAttr(sqnr));
    return replacement;
  }

  /// MatMul(x, constant B [K, N]) -> quantize + qopt.qmatmul. Null when the
  /// MatMul does not fit (x's last dimension dynamic, B not 2-D f32).
  FailureOr<Operation *> toQMatMul(onnx::MatMulOp matmul, double absMax) {
    auto xType = dyn_cast<RankedTensorType>(matmul.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(matmul.getB().getType());
    auto yType = dyn_cast<RankedTensorType>(matmul.getY().getType());
    if (!xType || !bType || !yType || xType.getRank() < 2 ||
        xType.isDynamicDim(xType.getRank() - 1) || bType.getRank() != 2 ||
        !bType.hasStaticShape() || !bType.getElementType().isF32())
      return static_cast<Operation *>(nullptr);
    auto values = readFloatConstant(matmul.getB());
    if (!values)
      return matmul.emitError("cannot read the constant weight");
    return emitQMatMul(matmul, matmul.getA(), *values, bType.getDimSize(0),
                       bType.getDimSize(1), 1.0f, std::nullopt, absMax);
  }

  /// Gemm(x, constant B, C) -> quantize + qopt.qmatmul with B laid out
  /// [K, N] (a transB constant transposed here), alpha in the weight scales
  /// and beta * C as the [N] bias. Null with `reason` set when the Gemm
  /// does not fit.
  FailureOr<Operation *> toQMatMul(onnx::GemmOp gemm, double absMax,
                                   std::string &reason) {
    auto folded = foldGemm(gemm, reason);
    if (!folded)
      return static_cast<Operation *>(nullptr);
    return emitQMatMul(gemm, gemm.getA(), folded->weight, folded->k,
                       folded->n, folded->alpha, std::move(folded->bias),
                       absMax);
  }

  /// Conv (2-D, NCHW, constant W) -> quantize (per tensor) + qopt.qconv with
  /// int8 per-filter weight codes. Null with `reason` set when it does not
  /// fit.
  FailureOr<Operation *> toQConv(onnx::ConvOp conv, double absMax,
                                 std::string &reason) {
    MLIRContext *context = conv.getContext();
    auto xType = dyn_cast<RankedTensorType>(conv.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
    auto yType = dyn_cast<RankedTensorType>(conv.getY().getType());
    Operation *none = nullptr;
    if (!xType || !wType || !yType || xType.getRank() != 4 ||
        wType.getRank() != 4 || !wType.hasStaticShape() ||
        !wType.getElementType().isF32()) {
      reason = "not a 2-D convolution with a static f32 weight";
      return none;
    }
    StringRef autoPad = conv.getAutoPad();
    if (autoPad != "NOTSET" && autoPad != "VALID") {
      reason = "auto_pad " + autoPad.str() + " (qopt.qconv takes explicit pads)";
      return none;
    }
    auto ints = [](std::optional<ArrayAttr> attr) {
      SmallVector<int64_t> out;
      if (attr)
        for (Attribute a : *attr)
          out.push_back(cast<IntegerAttr>(a).getInt());
      return out;
    };
    SmallVector<int64_t> kernel = ints(conv.getKernelShape());
    if (!kernel.empty() && (kernel.size() != 2 || kernel[0] != wType.getDimSize(2) ||
                            kernel[1] != wType.getDimSize(3))) {
      reason = "kernel_shape differs from the weight's";
      return none;
    }
    SmallVector<int64_t> pads = ints(conv.getPads()),
                         strides = ints(conv.getStrides()),
                         dilations = ints(conv.getDilations());
    if (autoPad == "VALID")
      pads.clear();
    if ((!pads.empty() && pads.size() != 4) ||
        (!strides.empty() && strides.size() != 2) ||
        (!dilations.empty() && dilations.size() != 2)) {
      reason = "pads / strides / dilations are not 2-D";
      return none;
    }
    Value bias = conv.getB();
    if (bias && isa<NoneType>(bias.getType()))
      bias = Value();
    if (bias) {
      auto bType = dyn_cast<RankedTensorType>(bias.getType());
      if (!bType || bType.getRank() != 1 || !bType.getElementType().isF32()) {
        reason = "bias is not a 1-D f32 tensor";
        return none;
      }
    }
    auto values = readFloatConstant(conv.getW());
    if (!values)
      return conv.emitError("cannot read the constant weight");
    // W [F, R] (R = C/group * kH * kW) -> [R, F] for the per-channel
    // encoder, the codes back to [F, R].
    int64_t f = wType.getDimSize(0), r = wType.getNumElements() / f;
    std::vector<float> wt(r * f);
    for (int64_t i = 0; i < f; ++i)
      for (int64_t j = 0; j < r; ++j)
        wt[j * f + i] = (*values)[i * r + j];
    RTNResult rtn = quantizeRTN(wt, r, f, 0, 8, /*symmetric=*/true);
    std::vector<int8_t> codes(r * f);
    for (int64_t i = 0; i < f; ++i)
      for (int64_t j = 0; j < r; ++j)
        codes[i * r + j] = rtn.codes[j * f + i];

    OpBuilder builder(conv);
    Location loc = conv.getLoc();
    std::string name = nodeName(conv);
    Value w = createConstant(
        builder, loc,
        RankedTensorType::get(wType.getShape(), IntegerType::get(context, 8)),
        ArrayRef<char>(reinterpret_cast<const char *>(codes.data()),
                       codes.size()),
        name + ".qweight");
    Value wScale =
        createF32Constant(builder, loc, {f}, rtn.scales, name + ".scale");
    // qopt.qconv takes per-tensor activation parameters only.
    auto [q, xScale, xZero] = quantizeActivation(
        builder, loc, conv.getX(), xType, absMax, /*perToken=*/false, name);
    auto array = [&](ArrayRef<int64_t> v) {
      return v.empty() ? DenseI64ArrayAttr() : builder.getDenseI64ArrayAttr(v);
    };
    auto qconv = QConvOp::create(builder, loc, yType, q, w, xScale, xZero,
                                 wScale, bias, array(strides), array(pads),
                                 array(dilations),
                                 builder.getI64IntegerAttr(conv.getGroup()));
    return finish(conv, qconv, rtn.sqnrDb, /*perToken=*/false);
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
    // The int8 ops; an op they do not fit keeps the QDQ form below, with
    // the reason in qopt.qdq_reason.
    std::string reason;
    FailureOr<Operation *> fused = static_cast<Operation *>(nullptr);
    if (auto matmul = dyn_cast<onnx::MatMulOp>(op))
      fused = toQMatMul(matmul, absMax);
    else if (auto gemm = dyn_cast<onnx::GemmOp>(op))
      fused = toQMatMul(gemm, absMax, reason);
    else if (auto conv = dyn_cast<onnx::ConvOp>(op))
      fused = toQConv(conv, absMax, reason);
    if (failed(fused))
      return failure();
    if (*fused)
      return success();
    // QDQ form: per-tensor scales even with per-token (the scheme says so).
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
         << (granularity == "per-token" ? " (per-token needs qopt.qmatmul)"
                                        : "");
    op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
    if (!reason.empty())
      op->setAttr("qopt.qdq_reason", StringAttr::get(context, reason));
    op->setAttr("qopt.bits", builder.getI64IntegerAttr(8));
    op->setAttr("qopt.weight_sqnr_db",
                builder.getF64FloatAttr(weight.weightSqnrDb));
    return success();
  }
};

} // namespace
