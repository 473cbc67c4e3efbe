//===- CalibrationRunner.h - run an instrumented copy over samples -*- C++ -*-===//
//
// The machinery the calibration-driven passes share (--qopt-calibrate,
// --qopt-gptq): a copy of the graph that returns the tensors a pass needs
// as extra outputs (and may take extra inputs), compiled once by the normal
// CPU pipeline into a temporary shared object, loaded by the runtime and run
// sample by sample over a `test_data_set_*` dataset. One execution path: the
// numbers are those of the compiled code.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H
#define QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallString.h"

#include "quant_opt/runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace quant_opt::qopt {

struct RuntimeTensorDeleter {
  void operator()(qopt_rt_tensor *t) const { qopt_rt_tensor_free(t); }
};
/// A tensor owned by the runtime.
using RuntimeTensor = std::unique_ptr<qopt_rt_tensor, RuntimeTensorDeleter>;

/// The `test_data_set_*` sub-directories of `dir`, by numeric suffix, at
/// most `limit` of them (0: all). Errors: not a directory, unreadable, no
/// sample.
llvm::LogicalResult listCalibrationSamples(llvm::StringRef dir, int64_t limit,
                                           std::vector<std::string> &samples,
                                           std::string &error);

/// Reads the inputs of the sample directory `dir` (input_<i>.pb or .npy,
/// bound by position, i = 0, 1, ... while a file exists). NaN or Inf in a
/// float input is an error naming the file.
llvm::LogicalResult readSampleInputs(llvm::StringRef dir,
                                     std::vector<RuntimeTensor> &inputs,
                                     std::string &error);

/// The index of the first NaN / Inf of a float tensor, or -1.
int64_t firstNonFinite(qopt_rt_tensor *t);

/// A copy of a module's graph function to instrument.
struct GraphCopy {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp func;  ///< the copy of the graph function
  mlir::IRMapping mapping;  ///< original values -> values of the copy
};

/// Clones `module`; `func` is its graph function.
GraphCopy cloneGraph(mlir::ModuleOp module, mlir::func::FuncOp func);

/// Makes `copy.func` return `values` (values of the copy) as outputs named
/// `<prefix><i>`, after the original outputs when `keepOutputs` (else the
/// original outputs are dropped and what only they used is left to the
/// compiler's dead-code elimination).
void setExtraOutputs(GraphCopy &copy, llvm::ArrayRef<mlir::Value> values,
                     llvm::StringRef prefix, bool keepOutputs);

/// When every sample under `sampleDirs` gives the first `func` inputs the
/// same shapes, makes the dynamic dimensions of those inputs of `copy.func`
/// static (the CPU pipeline's shape inference then specializes the whole
/// graph, which runs faster than the dynamic-shape code). Leaves the copy
/// alone otherwise; fails only when a sample cannot be read.
llvm::LogicalResult
specializeInputShapes(GraphCopy &copy, unsigned numInputs,
                      llvm::ArrayRef<std::string> sampleDirs,
                      std::string &error);

/// Appends a function input named `name` of `type` to `copy.func`; returns
/// it.
mlir::Value appendInput(GraphCopy &copy, mlir::Type type, llvm::StringRef name);

/// A module compiled for the host into a temporary shared object and loaded
/// by the runtime. The object is deleted when this is destroyed.
class CompiledModel {
public:
  /// Compiles `module` (onnx dialect; consumed by the pipeline) with the
  /// model name `name`. Null with `error` set on failure.
  static std::unique_ptr<CompiledModel>
  compile(mlir::ModuleOp module, llvm::StringRef name, std::string &error);
  ~CompiledModel();

  int32_t numInputs() const;
  int32_t numOutputs() const;
  /// Runs the model on `inputs` (numInputs() of them); `outputs` receives
  /// numOutputs() tensors.
  llvm::LogicalResult run(llvm::ArrayRef<const qopt_rt_tensor *> inputs,
                          std::vector<RuntimeTensor> &outputs,
                          std::string &error);

private:
  CompiledModel() = default;
  llvm::SmallString<128> soPath;
  qopt_rt_model *model = nullptr;
};

} // namespace quant_opt::qopt

#endif // QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H
