//===- CalibrationRunner.cpp - run an instrumented copy over samples ------===//

#include "CalibrationRunner.h"

#include "QuantOpt/Target/CPU/Emit.h"
#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

LogicalResult quant_opt::qopt::listCalibrationSamples(
    StringRef dir, int64_t limit, std::vector<std::string> &samples,
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
  samples.clear();
  for (auto &entry : found)
    samples.push_back(entry.second);
  if (limit > 0 && (int64_t)samples.size() > limit)
    samples.resize(limit);
  return success();
}

int64_t quant_opt::qopt::firstNonFinite(qopt_rt_tensor *t) {
  if (qopt_rt_tensor_dtype(t) != QOPT_DTYPE_FLOAT)
    return -1;
  const float *data = static_cast<const float *>(qopt_rt_tensor_data(t));
  int64_t n = qopt_rt_tensor_num_elements(t);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(data[i]))
      return i;
  return -1;
}

LogicalResult
quant_opt::qopt::readSampleInputs(StringRef dir,
                                  std::vector<RuntimeTensor> &inputs,
                                  std::string &error) {
  inputs.clear();
  for (int32_t i = 0;; ++i) {
    std::string pb = (dir + "/input_" + std::to_string(i) + ".pb").str();
    std::string npy = (dir + "/input_" + std::to_string(i) + ".npy").str();
    std::string path = llvm::sys::fs::exists(pb)    ? pb
                       : llvm::sys::fs::exists(npy) ? npy
                                                    : std::string();
    if (path.empty())
      return success();
    RuntimeTensor t(qopt_rt_read_tensor_file(path.c_str()));
    if (!t) {
      error = qopt_rt_last_error();
      return failure();
    }
    if (int64_t bad = firstNonFinite(t.get()); bad >= 0) {
      error = "sample '" + dir.str() + "': " + path +
              " has NaN or Inf (element " + std::to_string(bad) + ")";
      return failure();
    }
    inputs.push_back(std::move(t));
  }
}

GraphCopy quant_opt::qopt::cloneGraph(ModuleOp module, func::FuncOp func) {
  GraphCopy copy;
  copy.module = cast<ModuleOp>(module->clone(copy.mapping));
  for (auto f : copy.module->getOps<func::FuncOp>())
    if (f.getSymName() == func.getSymName())
      copy.func = f;
  return copy;
}

void quant_opt::qopt::setExtraOutputs(GraphCopy &copy, ArrayRef<Value> values,
                                      StringRef prefix, bool keepOutputs) {
  func::FuncOp func = copy.func;
  MLIRContext *context = func.getContext();
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  SmallVector<Value> operands;
  SmallVector<Type> types;
  SmallVector<Attribute> resultAttrs;
  if (keepOutputs) {
    for (unsigned i = 0, e = ret.getNumOperands(); i < e; ++i) {
      operands.push_back(ret.getOperand(i));
      types.push_back(func.getResultTypes()[i]);
      resultAttrs.push_back(func.getResultAttrDict(i)
                                ? Attribute(func.getResultAttrDict(i))
                                : DictionaryAttr::get(context));
    }
  }
  Builder b(context);
  for (auto [index, value] : llvm::enumerate(values)) {
    operands.push_back(value);
    types.push_back(value.getType());
    resultAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
        "onnx.name",
        b.getStringAttr(prefix.str() + std::to_string(index)))));
  }
  ret->setOperands(operands);
  func.setFunctionType(
      FunctionType::get(context, func.getArgumentTypes(), types));
  func.setAllResultAttrs(resultAttrs);
}

LogicalResult quant_opt::qopt::specializeInputShapes(
    GraphCopy &copy, unsigned numInputs, ArrayRef<std::string> sampleDirs,
    std::string &error) {
  func::FuncOp func = copy.func;
  if (numInputs > func.getNumArguments())
    return success();
  std::vector<std::vector<int64_t>> shapes;
  for (const std::string &dir : sampleDirs) {
    std::vector<RuntimeTensor> inputs;
    if (failed(readSampleInputs(dir, inputs, error)))
      return failure();
    if (inputs.size() != numInputs)
      return success(); // reported by the run
    std::vector<std::vector<int64_t>> these;
    for (auto &t : inputs)
      these.emplace_back(qopt_rt_tensor_dims(t.get()),
                         qopt_rt_tensor_dims(t.get()) +
                             qopt_rt_tensor_rank(t.get()));
    if (shapes.empty())
      shapes = std::move(these);
    else if (shapes != these)
      return success(); // shapes vary: keep the dynamic dimensions
  }
  SmallVector<RankedTensorType> types;
  for (unsigned i = 0; i < numInputs; ++i) {
    auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
    if (!type || type.getRank() != (int64_t)shapes[i].size())
      return success();
    for (auto [declared, actual] : llvm::zip(type.getShape(), shapes[i]))
      if (!ShapedType::isDynamic(declared) && declared != actual)
        return success(); // the run reports the mismatch
    types.push_back(RankedTensorType::get(shapes[i], type.getElementType()));
  }
  for (unsigned i = 0; i < numInputs; ++i)
    func.getArgument(i).setType(types[i]);
  func.setFunctionType(FunctionType::get(
      func.getContext(), func.getBody().front().getArgumentTypes(),
      func.getResultTypes()));
  return success();
}

Value quant_opt::qopt::appendInput(GraphCopy &copy, Type type,
                                   StringRef name) {
  func::FuncOp func = copy.func;
  Builder b(func.getContext());
  unsigned index = func.getNumArguments();
  auto attrs =
      b.getDictionaryAttr(b.getNamedAttr("onnx.name", b.getStringAttr(name)));
  (void)func.insertArgument(index, type, attrs, func.getLoc());
  return func.getArgument(index);
}

namespace {

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

} // namespace

std::unique_ptr<CompiledModel>
CompiledModel::compile(ModuleOp module, StringRef name, std::string &error) {
  std::unique_ptr<CompiledModel> result(new CompiledModel());
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "qopt-calibrate", "so", result->soPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return nullptr;
  }
  if (failed(compileToSharedLibrary(module, name, result->soPath, error)))
    return nullptr;
  result->model = qopt_rt_model_load(result->soPath.c_str(), name.str().c_str());
  if (!result->model) {
    error = std::string("loading the instrumented model: ") +
            qopt_rt_last_error();
    return nullptr;
  }
  qopt_rt_keep_freed_memory();
  return result;
}

CompiledModel::~CompiledModel() {
  qopt_rt_model_free(model);
  if (!soPath.empty())
    llvm::sys::fs::remove(soPath);
}

int32_t CompiledModel::numInputs() const {
  return qopt_rt_model_num_inputs(model);
}

int32_t CompiledModel::numOutputs() const {
  return qopt_rt_model_num_outputs(model);
}

LogicalResult CompiledModel::run(ArrayRef<const qopt_rt_tensor *> inputs,
                                 std::vector<RuntimeTensor> &outputs,
                                 std::string &error) {
  if ((int32_t)inputs.size() != numInputs()) {
    error = "the instrumented model has " + std::to_string(numInputs()) +
            " inputs, got " + std::to_string(inputs.size());
    return failure();
  }
  std::vector<qopt_rt_tensor *> raw(numOutputs(), nullptr);
  std::vector<const qopt_rt_tensor *> in(inputs.begin(), inputs.end());
  int status = qopt_rt_model_run(model, in.data(), raw.data());
  outputs.clear();
  for (qopt_rt_tensor *t : raw)
    outputs.emplace_back(t);
  if (status) {
    error = qopt_rt_last_error();
    return failure();
  }
  return success();
}
