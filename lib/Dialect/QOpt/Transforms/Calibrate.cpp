//===- Calibrate.cpp - activation statistics over a dataset ---------------===//
//
// The tensors later passes need statistics of become extra outputs of a copy
// of the module; the copy is compiled by the normal CPU pipeline into a
// temporary shared object, loaded by the runtime and run sample by sample.
// One execution path: the numbers are those of the compiled code.
//
// The statistics are lib/Quant's calibrators (CalibrationTable.h). The probe
// points are returned directly by the instrumented copy rather than marked
// with qopt.probe ops first: the copy is thrown away after the run, so the
// probes would be inserted and removed again in the same pass.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "CalibrationTable.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Target/CPU/Emit.h"
#include "QuantOpt/Target/CPU/Passes.h"
#include "quant_opt/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
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

struct TensorDeleter {
  void operator()(qopt_rt_tensor *t) const { qopt_rt_tensor_free(t); }
};
using Tensor = std::unique_ptr<qopt_rt_tensor, TensorDeleter>;
struct ModelDeleter {
  void operator()(qopt_rt_model *m) const { qopt_rt_model_free(m); }
};

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

/// Compiles `module` (onnx dialect, consumed) for the host into a shared
/// library at `soPath`.
LogicalResult compileToSharedLibrary(ModuleOp module, StringRef modelName,
                                     StringRef soPath, std::string &error) {
  auto target = getCPUTarget("host", error);
  if (failed(target))
    return failure();
  CPUPipelineOptions options;
  options.modelName = modelName.str();
  options.vectorWidth = target->vectorWidth;
  options.features = target->features;
  options.parallel = true;
  PassManager pm(module.getContext(), ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  buildCPUPipeline(pm, options);
  if (failed(pm.run(module))) {
    error = "compiling the instrumented model failed";
    return failure();
  }
  SmallString<128> objectPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "qopt-calibrate", "o", objectPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  llvm::FileRemover removeObject(objectPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec) {
      error = "cannot write '" + objectPath.str().str() + "': " + ec.message();
      return failure();
    }
    if (failed(emitCPUCode(module, *target, EmitKind::Object, os))) {
      error = "emitting the instrumented model failed";
      return failure();
    }
  }
  return linkSharedLibrary(objectPath, soPath, error);
}

/// The `test_data_set_*` sub-directories of `dir`, by numeric suffix.
LogicalResult listSamples(StringRef dir, std::vector<std::string> &samples,
                          std::string &error) {
  if (!llvm::sys::fs::is_directory(dir)) {
    error = "calibration data '" + dir.str() + "' is not a directory";
    return failure();
  }
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    int64_t index;
    if (!name.consume_front("test_data_set_") || name.getAsInteger(10, index))
      continue;
    if (llvm::sys::fs::is_directory(it->path()))
      found.push_back({index, it->path()});
  }
  if (ec) {
    error = "cannot read calibration data '" + dir.str() + "': " + ec.message();
    return failure();
  }
  if (found.empty()) {
    error = "calibration data '" + dir.str() +
            "' has no samples (expected test_data_set_<N> directories with "
            "input_<i>.pb or .npy files)";
    return failure();
  }
  llvm::sort(found);
  for (auto &entry : found)
    samples.push_back(entry.second);
  return success();
}

/// The first NaN / Inf of a float tensor, or -1.
int64_t firstNonFinite(qopt_rt_tensor *t) {
  if (qopt_rt_tensor_dtype(t) != QOPT_DTYPE_FLOAT)
    return -1;
  const float *data = static_cast<const float *>(qopt_rt_tensor_data(t));
  int64_t n = qopt_rt_tensor_num_elements(t);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(data[i]))
      return i;
  return -1;
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
    if (failed(listSamples(data, sampleDirs, error)))
      return failure();
    if (samples > 0 && (int64_t)sampleDirs.size() > samples)
      sampleDirs.resize(samples);

    auto *graph = getGraphFunction(module);
    if (!graph) {
      error = "the module has no graph function";
      return failure();
    }
    auto func = cast<func::FuncOp>(graph);
    std::string fingerprint = moduleFingerprint(module);

    // The instrumented copy: probes appended as outputs qopt_probe_<i>.
    IRMapping mapping;
    OwningOpRef<ModuleOp> copy = cast<ModuleOp>(module->clone(mapping));
    auto probes = collectProbes(func);
    if (probes.empty()) {
      error = "the model has no MatMul / Gemm / Conv with a constant weight: "
              "nothing to calibrate";
      return failure();
    }
    func::FuncOp copyFunc;
    for (auto f : copy->getOps<func::FuncOp>())
      if (f.getSymName() == func.getSymName())
        copyFunc = f;
    auto ret = cast<func::ReturnOp>(copyFunc.getBody().front().getTerminator());
    unsigned firstProbe = ret.getNumOperands();
    SmallVector<Value> operands(ret.getOperands());
    SmallVector<Type> types(copyFunc.getResultTypes());
    SmallVector<Attribute> resultAttrs;
    for (unsigned i = 0; i < firstProbe; ++i)
      resultAttrs.push_back(copyFunc.getResultAttrDict(i)
                                ? Attribute(copyFunc.getResultAttrDict(i))
                                : DictionaryAttr::get(&getContext()));
    Builder b(&getContext());
    unsigned index = 0;
    for (auto &[value, probe] : probes) {
      Value mapped = mapping.lookup(value);
      operands.push_back(mapped);
      types.push_back(mapped.getType());
      resultAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
          "onnx.name", b.getStringAttr("qopt_probe_" + std::to_string(index++)))));
    }
    ret->setOperands(operands);
    copyFunc.setFunctionType(
        FunctionType::get(&getContext(), copyFunc.getArgumentTypes(), types));
    copyFunc.setAllResultAttrs(resultAttrs);

    SmallString<128> soPath;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("qopt-calibrate", "so", soPath)) {
      error = "cannot create a temporary file: " + ec.message();
      return failure();
    }
    llvm::FileRemover removeSo(soPath);
    if (failed(compileToSharedLibrary(*copy, "qopt_calibrate", soPath, error)))
      return failure();
    copy = nullptr; // the compiled copy is no longer needed
    std::unique_ptr<qopt_rt_model, ModelDeleter> model(
        qopt_rt_model_load(soPath.c_str(), "qopt_calibrate"));
    if (!model) {
      error = std::string("loading the instrumented model: ") +
              qopt_rt_last_error();
      return failure();
    }
    int32_t numInputs = qopt_rt_model_num_inputs(model.get());
    int32_t numOutputs = qopt_rt_model_num_outputs(model.get());
    qopt_rt_keep_freed_memory();

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
      // Inputs bound by position: input_<i>.pb or .npy.
      std::vector<Tensor> inputs;
      std::vector<const qopt_rt_tensor *> inputPtrs;
      for (int32_t i = 0;; ++i) {
        std::string pb = dir + "/input_" + std::to_string(i) + ".pb";
        std::string npy = dir + "/input_" + std::to_string(i) + ".npy";
        std::string path = llvm::sys::fs::exists(pb)    ? pb
                           : llvm::sys::fs::exists(npy) ? npy
                                                        : std::string();
        if (path.empty())
          break;
        Tensor t(qopt_rt_read_tensor_file(path.c_str()));
        if (!t) {
          error = qopt_rt_last_error();
          return failure();
        }
        if (int64_t bad = firstNonFinite(t.get()); bad >= 0) {
          error = "sample '" + dir + "': " + path + " has NaN or Inf (element " +
                  std::to_string(bad) + ")";
          return failure();
        }
        inputPtrs.push_back(t.get());
        inputs.push_back(std::move(t));
      }
      if ((int32_t)inputs.size() != numInputs) {
        error = "sample '" + dir + "' has " + std::to_string(inputs.size()) +
                " input files (input_<i>.pb / .npy), the model has " +
                std::to_string(numInputs) + " inputs";
        return failure();
      }
      std::vector<qopt_rt_tensor *> outputs(numOutputs, nullptr);
      if (qopt_rt_model_run(model.get(), inputPtrs.data(), outputs.data())) {
        error = "sample '" + dir + "': " + qopt_rt_last_error();
        return failure();
      }
      std::vector<Tensor> owned;
      for (qopt_rt_tensor *t : outputs)
        owned.emplace_back(t);
      for (size_t p = 0; p < probeList.size(); ++p) {
        qopt_rt_tensor *t = outputs[firstProbe + p];
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
