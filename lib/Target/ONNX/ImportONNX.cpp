// TEMPORARY: replaced by the real importer before landing.
#include "QuantOpt/Target/ONNX/ImportONNX.h"
#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
using namespace mlir;
namespace quant_opt {
llvm::Expected<llvm::StringMap<llvm::SmallVector<int64_t>>> parseInputShapes(llvm::StringRef) { return llvm::StringMap<llvm::SmallVector<int64_t>>(); }
FailureOr<OwningOpRef<ModuleOp>> importONNXFile(MLIRContext *c, StringRef path, const ImportOptions &) { emitError(UnknownLoc::get(c), "importer not built yet"); return failure(); }
void registerImportDialects(DialectRegistry &registry) { registry.insert<onnx::ONNXDialect, func::FuncDialect>(); }
}
