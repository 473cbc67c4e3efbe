//===- ONNXInterfaces.td - onnx op interfaces ---------------*- tablegen -*-===//

#ifndef QUANTOPT_DIALECT_ONNX_ONNXINTERFACES_TD
#define QUANTOPT_DIALECT_ONNX_ONNXINTERFACES_TD

include "mlir/IR/OpBase.td"

//===----------------------------------------------------------------------===//
// Interfaces
//===----------------------------------------------------------------------===//

def ONNX_InferTypesOpInterface : OpInterface<"InferTypesOpInterface"> {
  let description = [{
    Computes the result types of an onnx op from its operand types, its
    attributes and, where ONNX semantics need them (Reshape's shape, Slice's
    starts, ...), the values of constant operands. Dimensions that cannot be
    known are dynamic (`?`); a result whose rank cannot be known is unranked.

    Results are declared as `AnyTensor`: their precise type is the inferred
    one. Inference validates the attributes it reads and reports problems with
    `emitOpError`, so it doubles as the op's semantic verifier: the interface
    verifier checks that every declared result type is compatible with the
    inferred one (same element type; same rank and equal static dimensions
    wherever both sides are static).
  }];
  let cppNamespace = "::quant_opt::onnx";
  let methods = [
    InterfaceMethod<
      "Infers the result types; emits an error and fails on invalid input.",
      "::llvm::LogicalResult", "inferResultTypes",
      (ins "::llvm::SmallVectorImpl<::mlir::Type> &":$inferred)>,
    InterfaceMethod<
      "Checks the ODS operand and attribute constraints alone (results are "
      "declared as any tensor; their types are what inference says). The "
      "importer calls this before inferResultTypes, so inference never sees "
      "a `none` where a tensor is required.",
      "::llvm::LogicalResult", "verifyODSConstraints", (ins), [{}],
      [{ return $_op.verifyInvariantsImpl(); }]>,
  ];
  let verify = [{
    return ::quant_opt::onnx::verifyInferredResultTypes($_op);
  }];
}

#endif // QUANTOPT_DIALECT_ONNX_ONNXINTERFACES_TD
