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

/// A consumer of the smoothed activation: its weight is [K, N] (`rowsAreK`)
/// or [N, K].
struct Consumer {
  Operation *op;
  bool rowsAreK;
};

/// The consumer view of `user` for activation `x`, or nullopt when `user`
/// cannot take scaled weights.
std::optional<Consumer> asConsumer(Operation *user, Value x, int64_t k) {
  auto constant2D = [&](Value w) {
    auto type = dyn_cast<RankedTensorType>(w.getType());
    return isConstant(w) && type && type.getRank() == 2 &&
           type.hasStaticShape() && type.getElementType().isF32();
  };
  if (auto matmul = dyn_cast<onnx::MatMulOp>(user)) {
    if (matmul.getA() != x || matmul.getB() == x ||
        !constant2D(matmul.getB()))
      return std::nullopt;
    if (cast<RankedTensorType>(matmul.getB().getType()).getDimSize(0) != k)
      return std::nullopt;
    return Consumer{user, true};
  }
  if (auto gemm = dyn_cast<onnx::GemmOp>(user)) {
    if (gemm.getA() != x || gemm.getB() == x || gemm.getTransA() ||
        !constant2D(gemm.getB()))
      return std::nullopt;
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    bool rowsAreK = !gemm.getTransB();
    if (bType.getDimSize(rowsAreK ? 0 : 1) != k)
      return std::nullopt;
    return Consumer{user, rowsAreK};
  }
  return std::nullopt;
}

/// Replaces operand `index` of `op` by a new f32 constant (the old one stays
/// for its other users, and is erased when unused).
void replaceConstantOperand(Operation *op, unsigned index,
                            ArrayRef<int64_t> shape, ArrayRef<float> values,
                            StringRef blobName) {
  Value old = op->getOperand(index);
  OpBuilder builder(op);
  Value fresh =
      createF32Constant(builder, old.getLoc(), shape, values, blobName);
  op->setOperand(index, fresh);
  if (old.use_empty())
    old.getDefiningOp()->erase();
}

/// Scales the constant f32 operand `index` of `op`, viewed as
/// [outer, k, inner] along `axis`, by `factor[j]`.
void scaleConstantOperand(Operation *op, unsigned index, int64_t axis,
                          ArrayRef<float> factor, StringRef blobName) {
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

/// True when `v` is a 1-D f32 constant of `k` elements.
bool isVectorConstant(Value v, int64_t k) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return isConstant(v) && type && type.getRank() == 1 &&
         type.getDimSize(0) == k && type.getElementType().isF32();
}

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
      SmallVector<Consumer> consumers;
      bool all = true;
      for (Operation *user : llvm::make_early_inc_range(x.getUsers())) {
        auto consumer = asConsumer(user, x, k);
        if (!consumer) {
          all = false;
          break;
        }
        if (llvm::none_of(consumers,
                          [&](const Consumer &c) { return c.op == user; }))
          consumers.push_back(*consumer);
      }
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

  void smooth(Value x, ArrayRef<Consumer> consumers,
              ArrayRef<float> actMax, double a, int64_t k, StringRef name) {
    // max |W_j| over the rows j of every consumer.
    std::vector<float> weightMax(k, 0.0f);
    for (const Consumer &c : consumers) {
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
    for (const Consumer &c : consumers)
      scaleConstantOperand(c.op, 1, c.rowsAreK ? 0 : 1, s,
                           nodeName(c.op) + ".smoothed");

    std::string how = absorb(x, inverse, k);
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
    for (const Consumer &c : consumers) {
      c.op->setAttr("qopt.smoothquant", StringAttr::get(context, note));
      c.op->setAttr("qopt.act_absmax", builder.getF64FloatAttr(smoothedAbsMax));
    }
  }

  /// Folds 1/s into x's producer; returns what absorbed it.
  std::string absorb(Value x, ArrayRef<float> inverse, int64_t k) {
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
        scaleConstantOperand(ln, 1, 0, inverse, name + ".scale.smoothed");
        if (!onnx::isNoValue(ln.getB()))
          scaleConstantOperand(ln, 2, 0, inverse, name + ".bias.smoothed");
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
      scaleConstantOperand(op, 1, axis, inverse, name + ".smoothed");
      if (auto gemm = dyn_cast<onnx::GemmOp>(op))
        if (!onnx::isNoValue(gemm.getC()))
          scaleConstantOperand(op, 2, 0, inverse, name + ".bias.smoothed");
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
                               nodeName(add) + ".smoothed");
          return "'" + name + "' and its bias";
        }
      }
    }
    // Nothing can absorb 1/s: an explicit Mul.
    OpBuilder builder(x.getContext());
    builder.setInsertionPointAfterValue(x);
    Location loc = x.getLoc();
    Value factor = createF32Constant(builder, loc, {k}, inverse,
                                     tensorName(x) + ".smooth_inverse");
    auto mul = onnx::MulOp::create(builder, loc, x.getType(), x, factor);
    x.replaceAllUsesExcept(mul.getResult(), mul);
    return "an explicit Mul (no producer can absorb it)";
  }
};

} // namespace
