//===- QuantOps.td --------------------------------------------*- tablegen -*-===//

#ifndef QUANTOPT_DIALECT_ONNX_QUANTOPS_TD
#define QUANTOPT_DIALECT_ONNX_QUANTOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

#endif // QUANTOPT_DIALECT_ONNX_QUANTOPS_TD
