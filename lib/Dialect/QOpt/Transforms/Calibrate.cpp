//===- Calibrate.cpp - activation statistics over a dataset ---------------===//
//
// The tensors later passes need statistics of become extra outputs of a copy
// of the module; the copy is compiled by the normal CPU pipeline into a
// temporary shared object, loaded by the runtime and run sample by sample.
// One execution path: the numbers are those of the compiled code
// (CalibrationRunner.h, shared with --qopt-gptq).
//
// The statistics are lib/Quant's calibrators (CalibrationTable.h). The probe
// points are returned directly by the instrumented copy rather than marked
// with qopt.probe ops first: the copy is thrown away after the run, so the
// probes would be inserted and removed again in the same pass.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationRunner.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <memory>

namespace quant_opt::qopt {
#define GEN_PASS_DEF_CALIBRATE
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

/// A tensor whose statistics are collected.
struct Probe {
  std::string name;
  int64_t channelAxis; ///< -1: no per-channel statistics
};

/// The probe points of `func`: the activation input and the output of every
/// MatMul / Gemm / Conv with a constant weight.
llvm::MapVector<Value, Probe> collectProbes(func::FuncOp func) {
  llvm::MapVector<Value, Probe> probes;
  auto add = [&](Value v, int64_t axis) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.getElementType().isF32() || probes.count(v))
      return;
    if (axis < 0)
      axis += type.getRank();
    if (axis < 0 || axis >= type.getRank())
      axis = -1;
    probes.insert({v, Probe{tensorName(v), axis}});
  };
  func.walk([&](Operation *op) {
    if (auto matmul = dyn_cast<onnx::MatMulOp>(op)) {
      if (isConstant(matmul.getB())) {
        add(matmul.getA(), -1);
        add(matmul.getY(), -1);
      }
    } else if (auto gemm = dyn_cast<onnx::GemmOp>(op)) {
      if (isConstant(gemm.getB())) {
        add(gemm.getA(), gemm.getTransA() ? 0 : 1);
        add(gemm.getY(), 1);
      }
    } else if (auto conv = dyn_cast<onnx::ConvOp>(op)) {
      if (isConstant(conv.getW())) {
        add(conv.getX(), 1);
        add(conv.getY(), 1);
      }
    }
  });
  return probes;
}

struct CalibratePass : quant_opt::qopt::impl::CalibrateBase<CalibratePass> {
  using CalibrateBase::CalibrateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    if (failed(run(module, error))) {
      emitError(module.getLoc()) << "--qopt-calibrate: " << error;
      signalPassFailure();
    }
  }

  LogicalResult run(ModuleOp module, std::string &error) {
    if (data.empty() || table.empty()) {
      error = "needs data=DIR (the dataset) and table=FILE (the calibration "
              "table to write)";
      return failure();
    }
    if (samples < 0) {
      error = "samples must be >= 0";
      return failure();
    }
    std::vector<std::string> sampleDirs;
    if (failed(listCalibrationSamples(data, samples, sampleDirs, error)))
      return failure();

    auto *graph = getGraphFunction(module);
    if (!graph) {
      error = "the module has no graph function";
      return failure();
    }
    auto func = cast<func::FuncOp>(graph);
    std::string fingerprint = moduleFingerprint(module);

    // The instrumented copy: probes appended as outputs qopt_probe_<i>.
    auto probes = collectProbes(func);
    if (probes.empty()) {
      error = "the model has no MatMul / Gemm / Conv with a constant weight: "
              "nothing to calibrate";
      return failure();
    }
    GraphCopy copy = cloneGraph(module, func);
    SmallVector<Value> probeValues;
    for (auto &entry : probes)
      probeValues.push_back(copy.mapping.lookup(entry.first));
    setExtraOutputs(copy, probeValues, "qopt_probe_", /*keepOutputs=*/true);
    unsigned firstProbe = func.getNumResults();
    std::unique_ptr<CompiledModel> model =
        CompiledModel::compile(*copy.module, "qopt_calibrate", error);
    copy.module = nullptr; // the compiled copy is no longer needed
    if (!model)
      return failure();
    int32_t numInputs = model->numInputs();

    CollectOptions collect;
    collect.percentile = percentile;
    collect.gram = xtx;
    collect.reservoirRows = reservoirRows;
    if (percentile <= 0 || percentile > 100) {
      error = "percentile must be in (0, 100]";
      return failure();
    }
    CalibrationTable result;
    result.fingerprint = fingerprint;
    std::vector<TensorStats *> stats;
    std::vector<const Probe *> probeList;
    for (auto &[value, probe] : probes) {
      TensorStats &entry = result.tensors[probe.name];
      entry.percentile = percentile;
      stats.push_back(&entry);
      probeList.push_back(&probe);
    }

    uint64_t start = qopt_rt_now_ns(), lastPrint = 0;
    size_t done = 0;
    for (const std::string &dir : sampleDirs) {
      std::vector<RuntimeTensor> inputs;
      if (failed(readSampleInputs(dir, inputs, error)))
        return failure();
      if ((int32_t)inputs.size() != numInputs) {
        error = "sample '" + dir + "' has " + std::to_string(inputs.size()) +
                " input files (input_<i>.pb / .npy), the model has " +
                std::to_string(numInputs) + " inputs";
        return failure();
      }
      std::vector<const qopt_rt_tensor *> inputPtrs;
      for (auto &t : inputs)
        inputPtrs.push_back(t.get());
      std::vector<RuntimeTensor> outputs;
      if (failed(model->run(inputPtrs, outputs, error))) {
        error = "sample '" + dir + "': " + error;
        return failure();
      }
      for (size_t p = 0; p < probeList.size(); ++p) {
        qopt_rt_tensor *t = outputs[firstProbe + p].get();
        if (int64_t bad = firstNonFinite(t); bad >= 0) {
          error = "sample '" + dir + "': tensor '" + probeList[p]->name +
                  "' has NaN or Inf (element " + std::to_string(bad) + ")";
          return failure();
        }
        ArrayRef<int64_t> shape(qopt_rt_tensor_dims(t),
                                qopt_rt_tensor_rank(t));
        std::string statError;
        if (failed(stats[p]->add(
                static_cast<const float *>(qopt_rt_tensor_data(t)), shape,
                probeList[p]->channelAxis, collect, statError))) {
          error = "sample '" + dir + "': tensor '" + probeList[p]->name +
                  "': " + statError;
          return failure();
        }
      }
      ++done;
      uint64_t now = qopt_rt_now_ns();
      if (progress && (now - lastPrint > 500000000ull || done == sampleDirs.size())) {
        lastPrint = now;
        double seconds = double(now - start) * 1e-9;
        double rate = seconds > 0 ? done / seconds : 0;
        double eta = rate > 0 ? (sampleDirs.size() - done) / rate : 0;
        llvm::errs() << "\rcalibrate: " << done << "/" << sampleDirs.size()
                     << " samples, " << llvm::format("%.1f", rate)
                     << " samples/s, ETA " << llvm::format("%.0f", eta)
                     << " s   ";
      }
    }
    result.samples = done;
    double seconds = double(qopt_rt_now_ns() - start) * 1e-9;
    if (progress)
      llvm::errs() << "\ncalibrate: " << done << " samples in "
                   << llvm::format("%.2f", seconds) << " s ("
                   << llvm::format("%.1f", seconds > 0 ? done / seconds : 0.0)
                   << " samples/s), " << probeList.size()
                   << " tensors, peak RSS "
                   << llvm::format("%.1f",
                                   qopt_rt_peak_rss_bytes() / 1048576.0)
                   << " MiB\n";
    return result.write(table, error);
  }
};

} // namespace
