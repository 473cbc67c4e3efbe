//===- Passes.td - onnx dialect passes ----------------------*- tablegen -*-===//

#ifndef QUANTOPT_DIALECT_ONNX_PASSES_TD
#define QUANTOPT_DIALECT_ONNX_PASSES_TD

include "mlir/Pass/PassBase.td"

def ShapeInference : Pass<"qopt-onnx-shape-inference", "mlir::func::FuncOp"> {
  let summary = "Propagate shapes and element types through onnx ops";
  let description = [{
    Visits ops in order and refines every result type with the type its
    InferTypesOpInterface computes (dynamic dimensions become static where
    operand shapes or constant operands allow). Declared static dimensions are
    kept; a conflict between a declared and an inferred static dimension is an
    error naming the node. Ops whose results fold to small constants (shape
    computations: Shape, Gather, Unsqueeze, Concat, Slice, Cast, integer
    Add/Sub/Mul/Div, Range, ...) are replaced by `onnx.Constant`, so shapes
    computed at run time by exporters become static once input shapes are.
    The function's result types are updated to match its `func.return`
    operands.
  }];
  let options = [
    Option<"fold", "fold", "bool", /*default=*/"true",
           "Replace ops that fold to small constants by onnx.Constant">,
  ];
  let dependentDialects = ["::quant_opt::onnx::ONNXDialect"];
}

#endif // QUANTOPT_DIALECT_ONNX_PASSES_TD
