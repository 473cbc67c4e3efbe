//===- QuantOps.td - ONNX quantization ops ------------------*- tablegen -*-===//
//
// QuantizeLinear / DequantizeLinear (QDQ form), DynamicQuantizeLinear, the
// QOperator ops (QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger) and
// ONNX Runtime's com.microsoft MatMulNBits.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_QUANTOPS_TD
#define QUANTOPT_DIALECT_ONNX_QUANTOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"
include "QuantOpt/Dialect/ONNX/NNOps.td"

/// QuantizeLinear's output types (opset 21): no int32.
def ONNX_QuantizedTensor : TensorOf<[I8, UI8, I16, UI16, I<4>, UI<4>,
                                     F8E4M3FN, F8E4M3FNUZ, F8E5M2,
                                     F8E5M2FNUZ]>;
/// QuantizeLinear's input / scale types (opset 21).
def ONNX_QuantizeInTensor : TensorOf<[F16, BF16, F32, I32]>;
/// Scale types of DequantizeLinear and QLinearMatMul (opset 21).
def ONNX_ScaleTensor : TensorOf<[F16, BF16, F32]>;
/// 8-bit operands of the QOperator ops.
def ONNX_Int8Tensor : TensorOf<[I8, UI8]>;
/// QLinearMatMul operands (opset 21): 8-bit integers and float8.
def ONNX_QLinearMatMulTensor : TensorOf<[I8, UI8, F8E4M3FN, F8E4M3FNUZ,
                                         F8E5M2, F8E5M2FNUZ]>;

def ONNX_QuantizeLinearOp : ONNX_Op<"QuantizeLinear"> {
  let summary = "ONNX QuantizeLinear: y = saturate(round(x / y_scale) + zp)";
  let description = [{
    Quantizes `x` per tensor (scalar or 1-element `y_scale`), per axis
    (1-D `y_scale` of size dim(axis)) or per block (`block_size` > 0:
    `y_scale` has x's rank and dim(axis) = ceil(x.dim(axis) / block_size)).
    `y_zero_point` (`none` when absent) has y_scale's shape. The result
    element type is the zero point's, else `output_dtype`'s (an ONNX
    TensorProto data type), else ui8. Opset 21 semantics; opsets 10 and 13
    (without saturate / block_size / output_dtype) import unchanged.
  }];
  let arguments = (ins ONNX_QuantizeInTensor:$x,
                       ONNX_QuantizeInTensor:$y_scale,
                       ONNX_Optional<ONNX_QuantizedTensor>:$y_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size,
                       DefaultValuedAttr<I64Attr, "0">:$output_dtype,
                       DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs ONNX_AnyTensor:$y);
}

def ONNX_DequantizeLinearOp : ONNX_Op<"DequantizeLinear"> {
  let summary = "ONNX DequantizeLinear: y = (x - zp) * x_scale";
  let description = [{
    Dequantizes `x` per tensor, per axis or per block (see QuantizeLinear for
    the shapes of `x_scale` and `x_zero_point`). The result element type is
    x_scale's. `x_zero_point` (`none` when absent) has x's element type.
    Opset 21 semantics.
  }];
  let arguments = (ins ONNX_QuantTensor:$x,
                       ONNX_ScaleTensor:$x_scale,
                       ONNX_Optional<ONNX_QuantTensor>:$x_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs ONNX_AnyTensor:$y);
}

def ONNX_DynamicQuantizeLinearOp : ONNX_Op<"DynamicQuantizeLinear"> {
  let summary = "ONNX DynamicQuantizeLinear: f32 -> ui8 with computed scale";
  let description = [{
    Quantizes f32 `x` to ui8 `y` (same shape) with a per-tensor scale and
    zero point computed from x's range, returned as scalars `y_scale` (f32)
    and `y_zero_point` (ui8).
  }];
  let arguments = (ins TensorOf<[F32]>:$x);
  let results = (outs ONNX_AnyTensor:$y, ONNX_AnyTensor:$y_scale, ONNX_AnyTensor:$y_zero_point);
}

def ONNX_QLinearMatMulOp : ONNX_Op<"QLinearMatMul"> {
  let summary = "ONNX QLinearMatMul: quantized numpy matmul";
  let description = [{
    numpy matmul of quantized `a` and `b`, requantized with `y_scale` /
    `y_zero_point`; the result has y_zero_point's element type. Scales are
    scalars or 1-D (per row of a, per column of b); each zero point has its
    scale's shape and its operand's element type. Opset 21 semantics.
  }];
  let arguments = (ins ONNX_QLinearMatMulTensor:$a, ONNX_ScaleTensor:$a_scale,
                       ONNX_QLinearMatMulTensor:$a_zero_point,
                       ONNX_QLinearMatMulTensor:$b, ONNX_ScaleTensor:$b_scale,
                       ONNX_QLinearMatMulTensor:$b_zero_point,
                       ONNX_ScaleTensor:$y_scale,
                       ONNX_QLinearMatMulTensor:$y_zero_point);
  let results = (outs ONNX_AnyTensor:$y);
}

def ONNX_QLinearConvOp : ONNX_Op<"QLinearConv"> {
  let summary = "ONNX QLinearConv: quantized convolution";
  let description = [{
    Conv (same shapes and attributes) on quantized `x` and `w` with f32
    scales; `w_scale` / `w_zero_point` are scalars or 1-D of size M (per
    output channel). Optional i32 bias `B` (M) is quantized with scale
    x_scale * w_scale. The result has y_zero_point's element type.
  }];
  let arguments = !con((ins ONNX_Int8Tensor:$x, TensorOf<[F32]>:$x_scale,
                            ONNX_Int8Tensor:$x_zero_point,
                            ONNX_Int8Tensor:$w, TensorOf<[F32]>:$w_scale,
                            ONNX_Int8Tensor:$w_zero_point,
                            TensorOf<[F32]>:$y_scale,
                            ONNX_Int8Tensor:$y_zero_point,
                            ONNX_Optional<TensorOf<[I32]>>:$B),
                       ONNX_ConvAttrs);
  let results = (outs ONNX_AnyTensor:$y);
}

def ONNX_MatMulIntegerOp : ONNX_Op<"MatMulInteger"> {
  let summary = "ONNX MatMulInteger: 8-bit numpy matmul into i32";
  let description = [{
    numpy matmul of (A - a_zero_point) and (B - b_zero_point) accumulated in
    i32. Zero points are optional (`none`), scalars, or 1-D (per row of A /
    per column of B), with their operand's element type.
  }];
  let arguments = (ins ONNX_Int8Tensor:$A, ONNX_Int8Tensor:$B,
                       ONNX_Optional<ONNX_Int8Tensor>:$a_zero_point,
                       ONNX_Optional<ONNX_Int8Tensor>:$b_zero_point);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_ConvIntegerOp : ONNX_Op<"ConvInteger"> {
  let summary = "ONNX ConvInteger: 8-bit convolution into i32";
  let description = [{
    Conv (same shapes and attributes, no bias) of (x - x_zero_point) and
    (w - w_zero_point) accumulated in i32. Zero points are optional
    (`none`); w_zero_point may be per output channel (1-D of size M).
  }];
  let arguments = !con((ins ONNX_Int8Tensor:$x, ONNX_Int8Tensor:$w,
                            ONNX_Optional<ONNX_Int8Tensor>:$x_zero_point,
                            ONNX_Optional<ONNX_Int8Tensor>:$w_zero_point),
                       ONNX_ConvAttrs);
  let results = (outs ONNX_AnyTensor:$y);
}

def ONNX_MatMulNBitsOp : ONNX_Op<"MatMulNBits"> {
  let summary = "com.microsoft MatMulNBits: matmul with block-quantized B";
  let description = [{
    ONNX Runtime contrib op of domain `com.microsoft` (the importer maps that
    domain's MatMulNBits here). Y (..., N) = A (..., K) x dequant(B)^T
    (+ bias), where B (ui8) packs the N x K weight as
    [N, ceil(K / block_size), block_size * bits / 8] with `bits`-bit codes,
    low bits first; `scales` (A's type) and optional `zero_points` hold one
    value per block, as [N * n_blocks] or [N, n_blocks]; optional `g_idx`
    (i32, deprecated) maps each of the K rows to its block; optional `bias`
    (N). `accuracy_level` picks the minimum compute precision (0 unset,
    1 f32, 2 f16, 3 bf16, 4 int8).
  }];
  let arguments = (ins ONNX_FloatTensor:$A, TensorOf<[UI8]>:$B,
                       ONNX_FloatTensor:$scales,
                       ONNX_Optional<TensorOf<[UI8, I32, F16, BF16, F32]>>:
                           $zero_points,
                       ONNX_Optional<TensorOf<[I32]>>:$g_idx,
                       ONNX_Optional<ONNX_FloatTensor>:$bias,
                       I64Attr:$K, I64Attr:$N, I64Attr:$bits,
                       I64Attr:$block_size,
                       DefaultValuedAttr<I64Attr, "0">:$accuracy_level);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_MatMulBnb4Op : ONNX_Op<"MatMulBnb4"> {
  let summary = "com.microsoft MatMulBnb4: matmul with a bitsandbytes 4-bit B";
  let description = [{
    ONNX Runtime contrib op of domain `com.microsoft` (written by the
    exporter for NF4 `qopt.weight_matmul`; not imported). Y (..., N) =
    A (..., K) x dequant(B)^T, where B (ui8, [ceil(N * K / 2)]) packs the
    row-major N x K codes two per byte, the first in the high nibble, and
    `absmax` (A's type, [ceil(N * K / block_size)]) scales each block of
    `block_size` codes of that flat order; `quant_type` 0 is FP4, 1 NF4.
  }];
  let arguments = (ins ONNX_FloatTensor:$A, TensorOf<[UI8]>:$B,
                       ONNX_FloatTensor:$absmax,
                       I64Attr:$K, I64Attr:$N, I64Attr:$block_size,
                       I64Attr:$quant_type,
                       DefaultValuedAttr<I64Attr, "0">:$training_mode,
                       DefaultValuedAttr<I64Attr, "1">:$transB);
  let results = (outs ONNX_AnyTensor:$Y);
}

#endif // QUANTOPT_DIALECT_ONNX_QUANTOPS_TD
