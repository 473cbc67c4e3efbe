//===- ONNXOps.td - onnx dialect ops ------------------------*- tablegen -*-===//
//
// Ops are grouped by family, one file each. Every op's description names the
// ONNX op it models and, where it differs, how older opsets are imported.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_ONNXOPS_TD
#define QUANTOPT_DIALECT_ONNX_ONNXOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

def ONNX_NoValueOp : Op<ONNX_Dialect, "NoValue", [Pure, ConstantLike]> {
  let summary = "An absent optional input";
  let description = [{
    Stands for an ONNX optional input whose name is empty. Ops accept its
    `none` result wherever an input is optional.
  }];
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
  let hasFolder = 1;
  let builders = [OpBuilder<(ins), [{
    build($_builder, $_state, $_builder.getNoneType());
  }]>];
}

def ONNX_ConstantOp : ONNX_Op<"Constant", [ConstantLike]> {
  let summary = "ONNX Constant, and every graph initializer";
  let description = [{
    Holds a tensor value. Graph initializers import as `onnx.Constant` ops
    located at the initializer's name. Large tensors are
    `dense_resource<...>` blobs that reference the memory-mapped model or
    external-data file; small ones (at most 16 elements) are inline `dense`.
    The ONNX scalar / list forms (value_float, value_ints, ...) are imported
    as `value`. Sparse tensors and strings are not supported.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs ONNX_AnyTensor:$output);
  let assemblyFormat = ?;
  let hasCustomAssemblyFormat = 1;
  let hasFolder = 1;
  let builders = [OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
    build($_builder, $_state, ::mlir::cast<::mlir::TensorType>(value.getType()), value);
  }]>];
}

include "QuantOpt/Dialect/ONNX/ElementwiseOps.td"
include "QuantOpt/Dialect/ONNX/ReductionOps.td"
include "QuantOpt/Dialect/ONNX/NNOps.td"
include "QuantOpt/Dialect/ONNX/TensorOps.td"
include "QuantOpt/Dialect/ONNX/QuantOps.td"

#endif // QUANTOPT_DIALECT_ONNX_ONNXOPS_TD
