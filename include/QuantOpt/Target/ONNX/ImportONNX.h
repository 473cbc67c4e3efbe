//===- ImportONNX.h - ONNX protobuf to onnx dialect -------------*- C++ -*-===//
//
// Turns an ONNX ModelProto into a `builtin.module` holding one `func.func`
// (the main graph) of `onnx` dialect ops.
//
//  * Graph inputs / outputs keep their ONNX names as `onnx.name` argument and
//    result attributes; node names become NameLoc locations.
//  * Initializers become `onnx.Constant` ops. Tensors stored as raw_data
//    (inside the model file or in external-data files) are
//    `dense_resource` blobs that point into the memory-mapped file: weights
//    are never copied, unless the bytes are misaligned for their element type.
//  * Older opsets (9 and up) are rewritten to the canonical, newest form.
//  * Every failure is a diagnostic on the context naming the file, node or
//    tensor; nothing is ever partially returned.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_ONNX_IMPORTONNX_H
#define QUANTOPT_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>

namespace quant_opt {

struct ImportOptions {
  /// Shapes that replace the declared shapes of graph inputs, by input name
  /// (-1 keeps a dimension dynamic). Each must be compatible with the
  /// declared shape.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Tensors with at most this many elements become inline `dense`
  /// attributes instead of `dense_resource` blobs.
  int64_t inlineElementLimit = 16;
  /// Largest tensor the importer accepts, in bytes (guards against
  /// malicious declared sizes).
  uint64_t maxTensorBytes = uint64_t(1) << 40;
};

/// Parses `--input-shape` syntax: `name=1x128,other=?x3x224x224`. `?` or -1
/// keeps a dimension dynamic. On error returns a message naming the entry.
llvm::Expected<llvm::StringMap<llvm::SmallVector<int64_t>>>
parseInputShapes(llvm::StringRef spec);

/// Imports the model at `path`. External-data files are resolved relative
/// to the model's directory and may not leave it.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(mlir::MLIRContext *context, llvm::StringRef path,
               const ImportOptions &options = {});

/// Imports a model held in memory. `buffer` stays referenced by the
/// module's resources. `baseDir` resolves external data; an empty `baseDir`
/// rejects external data.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXBuffer(mlir::MLIRContext *context,
                 std::shared_ptr<llvm::MemoryBuffer> buffer,
                 llvm::StringRef baseDir, const ImportOptions &options = {});

/// Registers the dialects an imported module uses.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_ONNX_IMPORTONNX_H
