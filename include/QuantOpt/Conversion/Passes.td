//===- Passes.td - quant-opt conversion passes --------------*- tablegen -*-===//

#ifndef QUANTOPT_CONVERSION_PASSES_TD
#define QUANTOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertONNXToLinalg : Pass<"qopt-convert-onnx-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower onnx ops to linalg, tensor, arith, math and scf";
  let description = [{
    Rewrites every `onnx` op into upstream dialects on tensors. Unsigned ONNX
    element types become signless integers (the patterns choose unsigned
    arithmetic from the original types). Every onnx op must have a lowering:
    an op without one is an error naming the node, never left behind. Run
    `--qopt-onnx-shape-inference` first: patterns rely on ranked result types.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::affine::AffineDialect",
    "::mlir::func::FuncDialect", "::mlir::bufferization::BufferizationDialect",
  ];
}

#endif // QUANTOPT_CONVERSION_PASSES_TD
