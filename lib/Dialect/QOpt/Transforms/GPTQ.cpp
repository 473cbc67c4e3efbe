//===- GPTQ.cpp - weight-only GPTQ quantization ---------------------------===//
//
// MatMul / Gemm layers with a constant 2-D f32 weight become
// qopt.weight_matmul with codes from lib/Quant's GPTQ (QuantOpt/Quant/
// GPTQ.h), given XᵀX of each layer's input on calibration data.
//
// Sequential mode (the reference's): a layer's stage is 1 + the largest
// stage of the quantizable layers its input depends on (0 when none). A copy
// of the graph takes every quantizable weight as an extra input
// (`qopt_weight_<i>`) and returns the layers' inputs (`qopt_probe_<j>`); it
// is compiled once (CalibrationRunner.h) and run per stage over the samples
// with the dequantized weights of the stages already quantized and the float
// weights of the others, so XᵀX of a stage is that of the inputs the
// quantized model will see. Non-sequential mode: XᵀX of the float model,
// from a calibration table or one run of the same copy.
//
// The IR is rewritten only after every layer is quantized: an error leaves
// the module as it was.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationRunner.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Quant/Calibrators.h"
#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/GPTQ.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_GPTQ
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;
namespace q = ::qopt::quant;

namespace {

/// One quantizable layer.
struct Layer {
  LinearWeight linear;  ///< op, input, weight [N, K], bias
  std::string name;     ///< node name
  int64_t stage = 0;
  int64_t group = 0;    ///< group size used (0: per channel)
  unsigned inputIndex = 0; ///< into GPTQPass::inputs
  // How the weight operand B relates to linear.weight (for the copy).
  bool transposed = true; ///< B is [K, N] (MatMul, Gemm transB=0)
  float alpha = 1;        ///< Gemm alpha (folded into linear.weight)
  q::GptqResult result;
  std::vector<float> recon; ///< dequantized, [N, K]
  double weightSqnr = 0;
  double outputSqnr = std::numeric_limits<double>::quiet_NaN();
};

/// [N, K] row-major -> [K, N] row-major.
std::vector<float> transposeNK(const std::vector<float> &w, int64_t n,
                               int64_t k) {
  std::vector<float> t(w.size());
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      t[c * n + r] = w[r * k + c];
  return t;
}

struct GPTQPass : quant_opt::qopt::impl::GPTQBase<GPTQPass> {
  using GPTQBase::GPTQBase;

  std::vector<Layer> layers;
  /// The distinct layer inputs (several layers may share one).
  std::vector<Value> inputs;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    layers.clear();
    inputs.clear();
    std::string error;
    if (failed(checkOptions(error))) {
      emitError(module.getLoc()) << "--qopt-gptq" << error;
      return signalPassFailure();
    }
    auto *graph = getGraphFunction(module);
    if (!graph)
      return signalPassFailure();
    auto func = cast<func::FuncOp>(graph);
    if (failed(collectLayers(func)))
      return signalPassFailure();
    if (layers.empty())
      return;
    if (!sequential && !calibrationTable.empty()) {
      if (failed(quantizeFromTable(module)))
        return signalPassFailure();
    } else if (failed(quantizeFromData(module, func, error))) {
      if (!error.empty())
        emitError(module.getLoc()) << "--qopt-gptq: " << error;
      return signalPassFailure();
    }
    if (failed(rewrite()))
      return signalPassFailure();
  }

  /// Errors start with ":" or " " to follow "--qopt-gptq".
  LogicalResult checkOptions(std::string &error) {
    auto fail = [&](const std::string &message) {
      error = message;
      return failure();
    };
    if (bits != 8 && bits != 4 && bits != 3 && bits != 2)
      return fail(": bits must be 8, 4, 3 or 2, got " + std::to_string(bits));
    if (groupSize < 0)
      return fail(": group-size must be >= 0, got " +
                  std::to_string(groupSize));
    if (blockSize < 1)
      return fail(": block-size must be >= 1, got " +
                  std::to_string(blockSize));
    if (!(damp >= 0) || !std::isfinite(damp))
      return fail(": damp must be >= 0, got " + llvm::formatv("{0}", damp.getValue()).str());
    if (samples < 0)
      return fail(": samples must be >= 0, got " + std::to_string(samples));
    if (calibrationData.empty() && calibrationTable.empty())
      return fail(" needs calibration-data=DIR (the dataset) or "
                  "calibration-table=FILE (XᵀX written by "
                  "--qopt-calibrate=\"xtx=true\"; with sequential=false)");
    if (sequential && calibrationData.empty())
      return fail(": sequential=true needs calibration-data=DIR (a "
                  "calibration table holds XᵀX of the float model only; "
                  "use sequential=false with calibration-table=FILE)");
    return success();
  }

  q::GptqOptions gptqOptions(int64_t group) const {
    q::GptqOptions options;
    options.bits = static_cast<int>(bits);
    options.groupSize = group;
    options.symmetric = symmetric;
    options.actOrder = actOrder;
    options.staticGroups = staticGroups;
    options.damp = damp;
    options.blockSize = blockSize;
    return options;
  }

  /// The quantizable layers, their stages and the distinct inputs. Checks
  /// the group size against every layer's K.
  LogicalResult collectLayers(func::FuncOp func) {
    // level(v): number of quantizable layers on the longest chain ending
    // at v.
    DenseMap<Value, int64_t> level;
    llvm::MapVector<Value, unsigned> inputIndex;
    auto levelOf = [&](Value v) {
      auto it = level.find(v);
      return it == level.end() ? int64_t(0) : it->second;
    };
    WalkResult walk = func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      int64_t in = 0;
      for (Value operand : op->getOperands())
        in = std::max(in, levelOf(operand));
      int64_t out = in;
      if (isa<onnx::MatMulOp, onnx::GemmOp>(op) &&
          !op->hasAttr("qopt.scheme")) {
        std::string reason;
        auto linear = getLinearWeight(op, reason);
        if (failed(linear))
          return WalkResult::interrupt();
        if (!*linear) {
          if (!op->hasAttr("qopt.float_reason"))
            op->setAttr("qopt.float_reason",
                        StringAttr::get(op->getContext(), "gptq: " + reason));
        } else {
          Layer layer;
          layer.linear = std::move(**linear);
          layer.name = nodeName(op);
          int64_t k = layer.linear.k;
          layer.group = groupSize == 0 || groupSize >= k ? 0 : groupSize;
          if (layer.group > 0 && k % layer.group != 0) {
            op->emitError() << "--qopt-gptq: layer '" << layer.name
                            << "': group-size " << groupSize.getValue()
                            << " does not divide K = " << k;
            return WalkResult::interrupt();
          }
          // The stage: the longest chain of quantizable layers feeding the
          // activation operand.
          layer.stage = levelOf(layer.linear.input);
          out = layer.stage + 1;
          if (auto gemm = dyn_cast<onnx::GemmOp>(op)) {
            layer.transposed = !gemm.getTransB();
            layer.alpha = gemm.getAlpha().convertToFloat();
          }
          auto [it, inserted] = inputIndex.insert(
              {layer.linear.input, (unsigned)inputIndex.size()});
          layer.inputIndex = it->second;
          layers.push_back(std::move(layer));
        }
      }
      for (Value result : op->getResults())
        level[result] = out;
      // Values defined inside regions see their parent's operands.
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            level[arg] = in;
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    for (auto &entry : inputIndex)
      inputs.push_back(entry.first);
    return success();
  }

  /// Runs GPTQ on `layer` with XᵀX `gram` over `rows` rows.
  LogicalResult quantizeLayer(Layer &layer, const std::vector<double> &gram,
                              int64_t rows) {
    const LinearWeight &linear = layer.linear;
    auto status = q::quantizeGptq(
        q::Span<float>(linear.weight), linear.n, linear.k,
        q::Span<double>(gram), rows, gptqOptions(layer.group), layer.result);
    if (status.failed())
      return linear.op->emitError()
             << "--qopt-gptq: layer '" << layer.name << "': "
             << status.message();
    layer.recon = q::dequantizeGptq(layer.result);
    layer.weightSqnr = sqnrDb(linear.weight, layer.recon);
    std::vector<float> w = transposeNK(linear.weight, linear.n, linear.k);
    std::vector<float> r = transposeNK(layer.recon, linear.n, linear.k);
    layer.outputSqnr = q::layerOutputSqnrDbFromGram(
        q::Span<double>(gram), linear.k, q::Span<float>(w), q::Span<float>(r),
        linear.n);
    return success();
  }

  /// sequential=false with a table: XᵀX of the float model from the table.
  LogicalResult quantizeFromTable(ModuleOp module) {
    std::string error;
    auto table = readCalibrationTableFor(module, calibrationTable, error);
    if (!table) {
      emitError(module.getLoc()) << "--qopt-gptq: " << error;
      return failure();
    }
    // Check every layer first: no work is done for a table that does not
    // fit.
    std::vector<const TensorStats *> stats;
    for (Layer &layer : layers) {
      std::string name = tensorName(layer.linear.input);
      auto it = table->tensors.find(name);
      if (it == table->tensors.end() || it->second.gram.empty()) {
        return layer.linear.op->emitError()
               << "--qopt-gptq: calibration table '"
               << calibrationTable.getValue() << "' has no XᵀX for '" << name
               << "' (the input of layer '" << layer.name
               << "'): write the table with --qopt-calibrate=\"xtx=true\"";
      }
      if (it->second.gramK != layer.linear.k) {
        return layer.linear.op->emitError()
               << "--qopt-gptq: calibration table '"
               << calibrationTable.getValue() << "': XᵀX of '" << name
               << "' is " << it->second.gramK << " x " << it->second.gramK
               << ", layer '" << layer.name << "' has K = " << layer.linear.k;
      }
      stats.push_back(&it->second);
    }
    for (auto [layer, s] : llvm::zip(layers, stats))
      if (failed(quantizeLayer(layer, s->gram, s->gramRows)))
        return failure();
    return success();
  }

  /// XᵀX from runs of the instrumented copy over the samples: stage by
  /// stage (sequential) or once on the float model.
  LogicalResult quantizeFromData(ModuleOp module, func::FuncOp func,
                                 std::string &error) {
    std::vector<std::string> sampleDirs;
    if (failed(listCalibrationSamples(calibrationData, samples, sampleDirs,
                                      error)))
      return failure();

    // The copy: weights as inputs qopt_weight_<i>, layer inputs as outputs.
    GraphCopy copy = cloneGraph(module, func);
    std::vector<RuntimeTensor> weights;
    for (auto [index, layer] : llvm::enumerate(layers)) {
      Operation *op = copy.mapping.lookup(layer.linear.op);
      Value b = op->getOperand(1);
      auto type = cast<RankedTensorType>(b.getType());
      op->setOperand(1, appendInput(copy, type,
                                    "qopt_weight_" + std::to_string(index)));
      weights.emplace_back(qopt_rt_tensor_create(
          QOPT_DTYPE_FLOAT, 2, type.getShape().data()));
      if (!weights.back()) {
        error = "cannot allocate a weight tensor";
        return failure();
      }
      setWeight(layer, layer.linear.weight, weights.back().get());
    }
    if (failed(specializeInputShapes(copy, func.getNumArguments(),
                                     sampleDirs, error)))
      return failure();
    SmallVector<Value> probes;
    for (Value v : inputs)
      probes.push_back(copy.mapping.lookup(v));
    setExtraOutputs(copy, probes, "qopt_probe_", /*keepOutputs=*/false);
    int32_t modelInputs = func.getNumArguments();
    uint64_t start = qopt_rt_now_ns();
    std::unique_ptr<CompiledModel> model =
        CompiledModel::compile(*copy.module, "qopt_gptq", error);
    copy.module = nullptr;
    if (!model)
      return failure();
    double compileSeconds = double(qopt_rt_now_ns() - start) * 1e-9;

    // The groups of layers quantized together.
    int64_t numStages = 1;
    if (sequential)
      for (Layer &layer : layers)
        numStages = std::max(numStages, layer.stage + 1);
    std::vector<std::vector<unsigned>> stages(numStages);
    for (auto [index, layer] : llvm::enumerate(layers))
      stages[sequential ? layer.stage : 0].push_back(index);

    for (int64_t s = 0; s < numStages; ++s) {
      uint64_t stageStart = qopt_rt_now_ns();
      const std::vector<unsigned> &members = stages[s];
      // XᵀX of the inputs of this stage's layers.
      std::map<unsigned, q::GramAccumulator> grams;
      for (unsigned index : members)
        grams.try_emplace(layers[index].inputIndex, layers[index].linear.k);
      for (const std::string &dir : sampleDirs) {
        std::vector<RuntimeTensor> sample;
        if (failed(readSampleInputs(dir, sample, error)))
          return failure();
        if ((int32_t)sample.size() != modelInputs) {
          error = "sample '" + dir + "' has " + std::to_string(sample.size()) +
                  " input files (input_<i>.pb / .npy), the model has " +
                  std::to_string(modelInputs) + " inputs";
          return failure();
        }
        std::vector<const qopt_rt_tensor *> in;
        for (auto &t : sample)
          in.push_back(t.get());
        for (auto &t : weights)
          in.push_back(t.get());
        std::vector<RuntimeTensor> outputs;
        if (failed(model->run(in, outputs, error))) {
          error = "sample '" + dir + "': " + error;
          return failure();
        }
        for (auto &[inputIndex, gram] : grams) {
          qopt_rt_tensor *t = outputs[inputIndex].get();
          std::string name = tensorName(inputs[inputIndex]);
          if (int64_t bad = firstNonFinite(t); bad >= 0) {
            error = "sample '" + dir + "': tensor '" + name +
                    "' has NaN or Inf (element " + std::to_string(bad) + ")";
            return failure();
          }
          auto status = gram.observe(q::Span<float>(
              static_cast<const float *>(qopt_rt_tensor_data(t)),
              qopt_rt_tensor_num_elements(t)));
          if (status.failed()) {
            error = "sample '" + dir + "': tensor '" + name +
                    "': " + status.message();
            return failure();
          }
        }
      }
      uint64_t quantizeStart = qopt_rt_now_ns();
      for (unsigned index : members) {
        Layer &layer = layers[index];
        const q::GramAccumulator &gram = grams.at(layer.inputIndex);
        if (failed(quantizeLayer(layer, gram.matrix(), gram.numRows()))) {
          error.clear(); // reported on the layer
          return failure();
        }
        setWeight(layer, layer.recon, weights[index].get());
      }
      if (progress) {
        uint64_t now = qopt_rt_now_ns();
        double seconds = double(now - stageStart) * 1e-9;
        double quantizeSeconds = double(now - quantizeStart) * 1e-9;
        llvm::errs() << "gptq: stage " << s + 1 << "/" << numStages << ": "
                     << members.size()
                     << (members.size() == 1 ? " layer (" : " layers (")
                     << layers[members.front()].name
                     << (members.size() > 1 ? ", ...)" : ")") << ", "
                     << sampleDirs.size() << " samples, "
                     << llvm::format("%.2f", seconds) << " s (GPTQ "
                     << llvm::format("%.2f", quantizeSeconds) << " s)\n";
      }
    }
    if (progress)
      llvm::errs() << "gptq: " << layers.size() << " layers in " << numStages
                   << (sequential ? " stages" : " stage (sequential=false)")
                   << ", "
                   << llvm::format("%.2f",
                                   double(qopt_rt_now_ns() - start) * 1e-9)
                   << " s (compiling the calibration copy "
                   << llvm::format("%.2f", compileSeconds) << " s)\n";
    return success();
  }

  /// Writes the [N, K] weight `w` of `layer` into the copy's input `t` in
  /// the layout of the op's B operand (a Gemm's alpha divided out).
  static void setWeight(const Layer &layer, const std::vector<float> &w,
                        qopt_rt_tensor *t) {
    float *data = static_cast<float *>(qopt_rt_tensor_data(t));
    int64_t n = layer.linear.n, k = layer.linear.k;
    float inv = layer.alpha != 0 ? 1.0f / layer.alpha : 0.0f;
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c) {
        float v = w[r * k + c] * inv;
        if (layer.transposed)
          data[c * n + r] = v;
        else
          data[r * k + c] = v;
      }
  }

  /// Every layer -> qopt.weight_matmul with its GPTQ weight. Layers that
  /// share an input and a permutation (q / k / v: same XᵀX, same act-order)
  /// share one Gather.
  LogicalResult rewrite() {
    struct Gathered {
      Value input;
      ArrayRef<int64_t> permutation;
      Operation *gather;
    };
    SmallVector<Gathered> gathers;
    for (Layer &layer : layers) {
      MLIRContext *context = layer.linear.op->getContext();
      Value input = layer.linear.input;
      FailureOr<Operation *> wmm = replaceWithWeightMatMul(
          layer.linear, layer.result.weight, layer.result.permutation);
      if (failed(wmm))
        return failure();
      Operation *op = *wmm;
      if (!layer.result.permutation.empty()) {
        Operation *gather = op->getOperand(0).getDefiningOp();
        ArrayRef<int64_t> perm(layer.result.permutation);
        auto same = llvm::find_if(gathers, [&](const Gathered &g) {
          return g.input == input && g.permutation == perm &&
                 g.gather->getBlock() == op->getBlock() &&
                 g.gather->isBeforeInBlock(op);
        });
        if (same != gathers.end()) {
          op->setOperand(0, same->gather->getResult(0));
          Value indices = gather->getOperand(1);
          gather->erase();
          if (indices.use_empty())
            indices.getDefiningOp()->erase();
        } else {
          gathers.push_back({input, perm, gather});
        }
      }
      std::string scheme;
      llvm::raw_string_ostream os(scheme);
      os << "w" << bits << "a16-gptq " << (symmetric ? "sym" : "asym") << " "
         << (layer.group == 0 ? std::string("per-channel")
                              : "group " + std::to_string(layer.group));
      if (actOrder)
        os << (layer.result.permutation.empty() ? " act-order"
                                                : " act-order (gathered)");
      if (staticGroups && layer.group > 0)
        os << " static-groups";
      Builder builder(context);
      op->setAttr("qopt.scheme", StringAttr::get(context, scheme));
      op->setAttr("qopt.bits", builder.getI64IntegerAttr(bits));
      op->setAttr("qopt.group_size", builder.getI64IntegerAttr(layer.group));
      op->setAttr("qopt.weight_sqnr_db",
                  builder.getF64FloatAttr(layer.weightSqnr));
      if (std::isfinite(layer.outputSqnr))
        op->setAttr("qopt.output_sqnr_db",
                    builder.getF64FloatAttr(layer.outputSqnr));
    }
    return success();
  }
};

} // namespace
