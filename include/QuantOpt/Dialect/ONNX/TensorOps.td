//===- TensorOps.td - shape and data movement onnx ops ------*- tablegen -*-===//

#ifndef QUANTOPT_DIALECT_ONNX_TENSOROPS_TD
#define QUANTOPT_DIALECT_ONNX_TENSOROPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

def ONNX_ReshapeOp : ONNX_Op<"Reshape"> {
  let summary = "ONNX Reshape";
  let description = [{
    Reshapes `data` to `shape` (a 1-D i64 tensor). `0` copies the input
    dimension (unless `allowzero` = 1) and one `-1` is inferred. The result is
    static only where `shape` is a constant. Opset 1-4 `shape` attribute is
    not supported (opsets older than 9 are rejected by the importer).
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_I64Tensor:$shape,
                       DefaultValuedAttr<I64Attr, "0">:$allowzero);
  let results = (outs ONNX_AnyTensor:$reshaped);
}

#endif // QUANTOPT_DIALECT_ONNX_TENSOROPS_TD
