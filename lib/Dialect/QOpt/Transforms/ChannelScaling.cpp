//===- ChannelScaling.cpp - per-channel input scaling of linear layers ----===//

#include "ChannelScaling.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

std::optional<ScaledConsumer>
quant_opt::qopt::asScaledConsumer(Operation *user, Value x, int64_t k) {
  auto constant2D = [&](Value w) {
    auto type = dyn_cast<RankedTensorType>(w.getType());
    return isConstant(w) && type && type.getRank() == 2 &&
           type.hasStaticShape() && type.getElementType().isF32();
  };
  if (auto matmul = dyn_cast<onnx::MatMulOp>(user)) {
    if (matmul.getA() != x || matmul.getB() == x || !constant2D(matmul.getB()))
      return std::nullopt;
    if (cast<RankedTensorType>(matmul.getB().getType()).getDimSize(0) != k)
      return std::nullopt;
    return ScaledConsumer{user, true};
  }
  if (auto gemm = dyn_cast<onnx::GemmOp>(user)) {
    if (gemm.getA() != x || gemm.getB() == x || gemm.getTransA() ||
        !constant2D(gemm.getB()))
      return std::nullopt;
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    bool rowsAreK = !gemm.getTransB();
    if (bType.getDimSize(rowsAreK ? 0 : 1) != k)
      return std::nullopt;
    return ScaledConsumer{user, rowsAreK};
  }
  return std::nullopt;
}

/// Replaces operand `index` of `op` by a new f32 constant (the old one stays
/// for its other users, and is erased when unused).
static void replaceConstantOperand(Operation *op, unsigned index,
                                   ArrayRef<int64_t> shape,
                                   ArrayRef<float> values, StringRef blobName) {
  Value old = op->getOperand(index);
  OpBuilder builder(op);
  Value fresh =
      createF32Constant(builder, old.getLoc(), shape, values, blobName);
  op->setOperand(index, fresh);
  if (old.use_empty())
    old.getDefiningOp()->erase();
}

void quant_opt::qopt::scaleConstantOperand(Operation *op, unsigned index,
                                           int64_t axis, ArrayRef<float> factor,
                                           StringRef blobName) {
  Value old = op->getOperand(index);
  auto type = cast<RankedTensorType>(old.getType());
  std::vector<float> values = *readFloatConstant(old);
  int64_t k = type.getDimSize(axis);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] *= factor[(i / inner) % k];
  replaceConstantOperand(op, index, type.getShape(), values, blobName);
}

bool quant_opt::qopt::isVectorConstant(Value v, int64_t k) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return isConstant(v) && type && type.getRank() == 1 &&
         type.getDimSize(0) == k && type.getElementType().isF32();
}

bool quant_opt::qopt::collectScaledConsumers(
    Value x, int64_t k, SmallVectorImpl<ScaledConsumer> &consumers) {
  bool all = true;
  for (Operation *user : x.getUsers()) {
    auto consumer = asScaledConsumer(user, x, k);
    if (!consumer) {
      all = false;
      continue;
    }
    if (llvm::none_of(consumers,
                      [&](const ScaledConsumer &c) { return c.op == user; }))
      consumers.push_back(*consumer);
  }
  return all;
}

std::string quant_opt::qopt::absorbChannelScale(Value x,
                                                ArrayRef<float> inverse,
                                                int64_t k, StringRef tag,
                                                StringRef mulSuffix) {
  Operation *producer = x.getDefiningOp();
  if (auto ln = dyn_cast_or_null<onnx::LayerNormalizationOp>(producer)) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = static_cast<int64_t>(ln.getAxis());
    if (axis < 0)
      axis += type.getRank();
    if (x == ln.getY() && axis == type.getRank() - 1 &&
        isVectorConstant(ln.getScale(), k) &&
        (onnx::isNoValue(ln.getB()) || isVectorConstant(ln.getB(), k))) {
      std::string name = nodeName(ln);
      scaleConstantOperand(ln, 1, 0, inverse, name + ".scale." + tag.str());
      if (!onnx::isNoValue(ln.getB()))
        scaleConstantOperand(ln, 2, 0, inverse, name + ".bias." + tag.str());
      return "LayerNorm '" + name + "'";
    }
  }
  // A producing linear layer: x = A W (+ bias), scale W's output columns.
  auto linearColumns = [&](Operation *op) -> std::optional<int64_t> {
    if (!op || !op->hasOneUse())
      return std::nullopt;
    if (auto matmul = dyn_cast<onnx::MatMulOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(matmul.getB().getType());
      if (isConstant(matmul.getB()) && type && type.getRank() == 2 &&
          type.getDimSize(1) == k && type.getElementType().isF32())
        return 1;
    }
    if (auto gemm = dyn_cast<onnx::GemmOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(gemm.getB().getType());
      int64_t axis = gemm.getTransB() ? 0 : 1;
      if (isConstant(gemm.getB()) && type && type.getRank() == 2 &&
          type.getDimSize(axis) == k && type.getElementType().isF32() &&
          (onnx::isNoValue(gemm.getC()) || isVectorConstant(gemm.getC(), k)))
        return axis;
    }
    return std::nullopt;
  };
  auto scaleLinear = [&](Operation *op, int64_t axis) {
    std::string name = nodeName(op);
    scaleConstantOperand(op, 1, axis, inverse, name + "." + tag.str());
    if (auto gemm = dyn_cast<onnx::GemmOp>(op))
      if (!onnx::isNoValue(gemm.getC()))
        scaleConstantOperand(op, 2, 0, inverse, name + ".bias." + tag.str());
    return name;
  };
  if (auto axis = linearColumns(producer))
    return "'" + scaleLinear(producer, *axis) + "'";
  if (auto add = dyn_cast_or_null<onnx::AddOp>(producer)) {
    for (unsigned i = 0; i < 2; ++i) {
      Operation *linear = add->getOperand(i).getDefiningOp();
      Value bias = add->getOperand(1 - i);
      auto axis = linearColumns(linear);
      if (axis && isVectorConstant(bias, k) &&
          add->getOperand(0) != add->getOperand(1)) {
        std::string name = scaleLinear(linear, *axis);
        scaleConstantOperand(add, 1 - i, 0, inverse,
                             nodeName(add) + "." + tag.str());
        return "'" + name + "' and its bias";
      }
    }
  }
  // Nothing can absorb 1/s: an explicit Mul.
  OpBuilder builder(x.getContext());
  builder.setInsertionPointAfterValue(x);
  Location loc = x.getLoc();
  Value factor = createF32Constant(builder, loc, {k}, inverse,
                                   tensorName(x) + "." + mulSuffix.str());
  auto mul = onnx::MulOp::create(builder, loc, x.getType(), x, factor);
  x.replaceAllUsesExcept(mul.getResult(), mul);
  return "an explicit Mul (no producer can absorb it)";
}
