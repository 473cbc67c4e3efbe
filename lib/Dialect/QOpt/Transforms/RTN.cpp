//===- RTN.cpp - weight-only round-to-nearest quantization ----------------===//
//
// Constant MatMul / Gemm / Conv weights become integer constants dequantized
// by onnx.DequantizeLinear (per output channel or per group along the
// reduction dimension).
//
// A MatMul whose A has a static last dimension, and a Gemm with a constant
// B (transA=0, C absent or a float constant broadcast along M; see
// foldGemm), become `qopt.weight_matmul` (packed codes, dequantized inside
// the contraction; encoder and packing from lib/Quant; a Gemm's alpha is
// folded into the weight before quantization, beta * C is the bias). Other
// Gemms (reason in qopt.dq_reason) and Conv weights keep their op and get
// an integer constant (one code per byte) behind onnx.DequantizeLinear.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Quant/Encoders.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

#include <optional>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_RTN
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

/// Where the weight operand of a supported op is and how it is laid out.
struct WeightSlot {
  unsigned operand;     ///< operand index of the weight
  int64_t channelAxis;  ///< output-channel axis of the weight
  int64_t reduceAxis;   ///< reduction axis (grouped), -1: per channel only
};

/// The weight slot of `op`, or nullopt with `reason` set.
std::optional<WeightSlot> getWeightSlot(Operation *op, std::string &reason) {
  auto rank2 = [&](Value w) {
    auto type = dyn_cast<RankedTensorType>(w.getType());
    return type && type.getRank() == 2 && type.hasStaticShape();
  };
  if (auto matmul = dyn_cast<onnx::MatMulOp>(op)) {
    if (!isConstant(matmul.getB())) {
      reason = "weight B is not a constant (activation x activation matmul)";
      return std::nullopt;
    }
    if (!rank2(matmul.getB())) {
      reason = "weight B is not a static 2-D tensor";
      return std::nullopt;
    }
    return WeightSlot{1, 1, 0};
  }
  if (auto gemm = dyn_cast<onnx::GemmOp>(op)) {
    if (!isConstant(gemm.getB())) {
      reason = "weight B is not a constant";
      return std::nullopt;
    }
    if (!rank2(gemm.getB())) {
      reason = "weight B is not a static 2-D tensor";
      return std::nullopt;
    }
    return gemm.getTransB() ? WeightSlot{1, 0, 1} : WeightSlot{1, 1, 0};
  }
  if (auto conv = dyn_cast<onnx::ConvOp>(op)) {
    if (!isConstant(conv.getW())) {
      reason = "weight W is not a constant";
      return std::nullopt;
    }
    auto type = dyn_cast<RankedTensorType>(conv.getW().getType());
    if (!type || !type.hasStaticShape()) {
      reason = "weight W has no static shape";
      return std::nullopt;
    }
    return WeightSlot{1, 0, -1};
  }
  return std::nullopt;
}

/// `op` (MatMul or Gemm) -> qopt.weight_matmul with its weight quantized by
/// lib/Quant's RTN. Null with `reason` set when the op does not fit (then
/// the DequantizeLinear form is used).
FailureOr<Operation *> toWeightMatMul(Operation *op, int64_t bits,
                                      int64_t groupSize, bool symmetric,
                                      double &sqnr, std::string &reason) {
  auto linear = getLinearWeight(op, reason);
  if (failed(linear))
    return failure();
  if (!*linear)
    return static_cast<Operation *>(nullptr);
  ::qopt::quant::RtnOptions options;
  options.bits = static_cast<int>(bits);
  options.groupSize = groupSize >= (*linear)->k ? 0 : groupSize;
  options.symmetric = symmetric;
  ::qopt::quant::RtnWeight rtn;
  auto status = ::qopt::quant::quantizeRtn(
      ::qopt::quant::Span<float>((*linear)->weight), (*linear)->n,
      (*linear)->k, options, rtn);
  if (status.failed())
    return op->emitError() << "--qopt-rtn: " << status.message();
  sqnr = sqnrDb((*linear)->weight, ::qopt::quant::dequantizeRtn(rtn));
  return replaceWithWeightMatMul(**linear, rtn);
}

struct RTNPass : quant_opt::qopt::impl::RTNBase<RTNPass> {
  using RTNBase::RTNBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (bits != 8 && bits != 4 && bits != 3 && bits != 2) {
      emitError(module.getLoc()) << "--qopt-rtn: bits must be 8, 4, 3 or 2, got "
                         << bits.getValue();
      return signalPassFailure();
    }
    if (groupSize < 0) {
      emitError(module.getLoc()) << "--qopt-rtn: group-size must be >= 0, got "
                         << groupSize.getValue();
      return signalPassFailure();
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
      return success(); // quantized by an earlier pass
    WeightQuantization result;
    std::string reason;
    if (isa<onnx::MatMulOp, onnx::GemmOp>(op)) {
      double sqnr = 0;
      std::string fitReason;
      FailureOr<Operation *> fused =
          toWeightMatMul(op, bits, groupSize, symmetric, sqnr, fitReason);
      if (isa<onnx::GemmOp>(op))
        reason = fitReason;
      if (failed(fused))
        return failure();
      if (*fused) {
        op = *fused;
        auto k = cast<RankedTensorType>(op->getOperand(0).getType()).getShape().back();
        result.quantized = true;
        result.groupSize = groupSize >= k ? 0 : groupSize.getValue();
        result.weightSqnrDb = sqnr;
      }
    }
    if (!result.quantized &&
        failed(quantizeWeightRTN(op, bits, groupSize, symmetric, result)))
      return failure();
    if (!result.quantized) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, result.floatReason));
      return success();
    }
    std::string scheme;
    llvm::raw_string_ostream os(scheme);
    os << "w" << bits << "a16-rtn " << (symmetric ? "sym" : "asym") << " "
       << (result.groupSize == 0
               ? std::string("per-channel")
               : "group " + std::to_string(result.groupSize));
    if (isa<onnx::ConvOp>(op) && groupSize > 0)
      os << " (conv: per output channel, group-size applies to matmuls)";
    Builder builder(context);
    op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
    if (!reason.empty() && isa<onnx::GemmOp>(op))
      op->setAttr("qopt.dq_reason", StringAttr::get(context, reason));
    op->setAttr("qopt.bits", builder.getI64IntegerAttr(bits));
    op->setAttr("qopt.weight_sqnr_db",
                builder.getF64FloatAttr(result.weightSqnrDb));
    return success();
  }
};

} // namespace

LogicalResult quant_opt::qopt::quantizeWeightRTN(Operation *op, int64_t bits,
                                      int64_t groupSize, bool symmetric,
                                      WeightQuantization &out) {
    MLIRContext *context = op->getContext();
    out = WeightQuantization();
    std::string reason;
    auto slot = getWeightSlot(op, reason);
    if (!slot) {
      out.floatReason = reason;
      return success();
    }
    Value weight = op->getOperand(slot->operand);
    auto type = cast<RankedTensorType>(weight.getType());
    if (!type.getElementType().isF32()) {
      out.floatReason = "weight is not f32";
      return success();
    }
    auto values = readFloatConstant(weight);
    if (!values)
      return op->emitError("cannot read the constant weight");

    // View the weight as [rows = reduction, cols = channels] for the
    // encoder; transpose in and out when the channel axis is first.
    ArrayRef<int64_t> shape = type.getShape();
    int64_t channels = shape[slot->channelAxis];
    int64_t perChannel = type.getNumElements() / std::max<int64_t>(channels, 1);
    bool channelFirst = slot->channelAxis == 0;
    int64_t group = slot->reduceAxis < 0 ? 0 : groupSize;
    if (group > 0 && group >= perChannel)
      group = 0;
    std::vector<float> view(values->size());
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t r = 0; r < perChannel; ++r)
        view[r * channels + c] = channelFirst ? (*values)[c * perChannel + r]
                                              : (*values)[r * channels + c];
    RTNResult rtn =
        quantizeRTN(view, perChannel, channels, group, bits, symmetric);
    int64_t numGroups = group > 0 ? (perChannel + group - 1) / group : 1;

    // Back to the weight's layout.
    std::vector<int8_t> codes(values->size());
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t r = 0; r < perChannel; ++r)
        (channelFirst ? codes[c * perChannel + r]
                      : codes[r * channels + c]) = rtn.codes[r * channels + c];
    // Scales: [channels] per channel; per block: the weight's shape with the
    // reduction axis divided by the group, laid out like the weight.
    SmallVector<int64_t> scaleShape;
    std::vector<float> scales;
    std::vector<uint8_t> zeroPoints;
    if (group == 0) {
      scaleShape = {channels};
      scales = rtn.scales;
      zeroPoints = rtn.zeroPoints;
    } else {
      scaleShape.assign(shape.begin(), shape.end());
      scaleShape[slot->reduceAxis] = numGroups;
      scales.resize(numGroups * channels);
      if (!symmetric)
        zeroPoints.resize(numGroups * channels);
      for (int64_t g = 0; g < numGroups; ++g)
        for (int64_t c = 0; c < channels; ++c) {
          int64_t at = channelFirst ? c * numGroups + g : g * channels + c;
          scales[at] = rtn.scales[g * channels + c];
          if (!symmetric)
            zeroPoints[at] = rtn.zeroPoints[g * channels + c];
        }
    }

    OpBuilder builder(op);
    Location loc = op->getLoc();
    std::string name = nodeName(op);
    Type codeType = symmetric ? (Type)IntegerType::get(context, 8)
                              : (Type)IntegerType::get(context, 8,
                                                       IntegerType::Unsigned);
    Value q = createConstant(
        builder, loc, RankedTensorType::get(shape, codeType),
        ArrayRef<char>(reinterpret_cast<const char *>(codes.data()),
                       codes.size()),
        name + ".qweight");
    Value scale = createF32Constant(builder, loc, scaleShape, scales,
                                    name + ".scale");
    Value zp;
    if (!symmetric)
      zp = createConstant(
          builder, loc, RankedTensorType::get(scaleShape, codeType),
          ArrayRef<char>(reinterpret_cast<const char *>(zeroPoints.data()),
                         zeroPoints.size()),
          name + ".zero_point");
    else
      zp = onnx::NoValueOp::create(builder, loc);
    int64_t axis = group == 0 ? slot->channelAxis : slot->reduceAxis;
    auto dq = onnx::DequantizeLinearOp::create(
        builder, loc, type, q, scale, zp, builder.getI64IntegerAttr(axis),
        builder.getI64IntegerAttr(group));
    op->setOperand(slot->operand, dq.getResult());
    if (weight.use_empty())
      weight.getDefiningOp()->erase();

    out.quantized = true;
    out.groupSize = group;
    out.weightSqnrDb = rtn.sqnrDb;
    return success();
}
