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

def ConvertQOptToLinalg : Pass<"qopt-convert-qopt-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower qopt ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `qopt` op into upstream dialects on tensors, with the same
    unsigned -> signless type conversion as `--qopt-convert-onnx-to-linalg`
    (which leaves qopt ops alone, so the two passes run one after the other
    on modules that mix both dialects). quantize / dequantize /
    dynamic_quantize become elementwise and reduction `linalg.generic`s with
    ONNX rounding (half to even) and saturation. `qmatmul` and `qconv`
    (through im2col) become one int8 x int8 -> i32 contraction in the
    canonical form the VNNI kernel matches (i8 operands extended inside the
    body) and one elementwise epilogue `(acc - a_zp * colsum(b)) * a_scale *
    b_scale + bias`; colsum(b) is folded at compile time when `b` is a
    constant. `weight_matmul` unpacks and dequantizes its codes inside the
    contraction: per group, a dot product of x with `code - zp` (unpacked
    in the loop body, vectorized along the packed bytes), then `scale *
    dot` summed over groups, for one row (decode); for more rows, blocks of
    weight rows are dequantized into a small f32 tile and multiplied by a
    linalg.matmul (an scf.if picks when the row count is dynamic). The float
    weight is never materialized whole.
    `probe` is replaced by its operand.

    With `weight-matmul-kernel`, every `weight_matmul` instead becomes the
    one (r, n, k) `linalg.generic` of the scalar form above (x [R, K], the
    packed codes, scale, zero point, and the bias-initialized output),
    marked with the discardable attribute `qopt.weight_matmul = {bits,
    group_size}` (group_size = K per channel; with a code book also
    `codebook`, with double-quantized scales also the constant
    `scale_offset` and a splat `scale_scale`, else scale_scale is the fourth
    input): a target's kernel pass (`--qopt-nvptx-weight-matmul`) replaces
    it after bufferization; where none does, the generic is a correct
    scalar loop nest.
  }];
  let options = [
    Option<"weightMatMulKernel", "weight-matmul-kernel", "bool",
           /*default=*/"false",
           "weight_matmul as one marked (r, n, k) generic for a target kernel">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect", "::mlir::scf::SCFDialect",
  ];
}

#endif // QUANTOPT_CONVERSION_PASSES_TD
