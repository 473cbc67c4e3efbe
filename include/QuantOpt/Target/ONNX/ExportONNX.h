//===- ExportONNX.h - onnx dialect -> ONNX ModelProto -----------*- C++ -*-===//
//
// Writes a module of `onnx` ops (one func, as the importer makes it) back to
// an ONNX ModelProto: one NodeProto per op, constants as initializers,
// graph inputs / outputs with their importer-kept names and dim_params.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_ONNX_EXPORTONNX_H
#define QUANTOPT_TARGET_ONNX_EXPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

namespace quant_opt {

struct ExportOptions {
  enum class ExternalData {
    /// External data when the source model had it (the importer's
    /// `onnx.external_data` module attribute) or when the model would not
    /// fit protobuf's 2 GiB limit.
    Auto,
    Always,
    Never,
  };
  ExternalData externalData = ExternalData::Auto;
  /// Initializers of at least this many bytes go to the external-data file
  /// (when external data is used).
  uint64_t externalThreshold = 1024;
};

/// Module attribute the importer sets when an initializer of the source
/// model was stored as external data.
inline constexpr llvm::StringLiteral kExternalDataAttrName =
    "onnx.external_data";

/// Writes `module` as an ONNX model to `path` ("-" = stdout), through a
/// temporary file renamed into place: on failure no file (and no partial
/// external-data file) is left. With external data, the weights go to
/// `<file name of path>.data` next to it, each at a 64-byte-aligned offset.
/// Ops that ONNX cannot express are errors that name the op.
mlir::LogicalResult exportONNXFile(mlir::ModuleOp module, llvm::StringRef path,
                                   const ExportOptions &options = {});

/// Rewrites the `qopt` ops of `module` into standard ONNX ops (and
/// arith.constant into onnx.Constant) for export; an op ONNX cannot express
/// is an error naming it. exportONNXFile runs it on a clone of the module.
mlir::LogicalResult convertQOptToONNXForExport(mlir::ModuleOp module);

} // namespace quant_opt

#endif // QUANTOPT_TARGET_ONNX_EXPORTONNX_H
