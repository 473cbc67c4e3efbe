//===- NNOps.td - matmul, conv and pooling onnx ops ---------*- tablegen -*-===//
//
// MatMul, Gemm, Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool,
// GlobalMaxPool. The conv / pool output size rule lives in NNOps.cpp and is
// shared with the quantized ops through ConvShape.h.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_NNOPS_TD
#define QUANTOPT_DIALECT_ONNX_NNOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

/// MatMul / Gemm element types (opset 13).
def ONNX_MatMulTensor : TensorOf<[F16, BF16, F32, F64, I32, UI32, I64, UI64]>;
/// MaxPool element types (opset 12, bf16 from opset 22).
def ONNX_MaxPoolTensor : TensorOf<[F16, BF16, F32, F64, I8, UI8]>;

/// The window attributes shared by Conv, ConvTranspose, ConvInteger and
/// QLinearConv, in ONNX order after the kernel: auto_pad, dilations, group,
/// kernel_shape, pads, strides.
defvar ONNX_ConvAttrs = (ins
    DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
    OptionalAttr<I64ArrayAttr>:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$group,
    OptionalAttr<I64ArrayAttr>:$kernel_shape,
    OptionalAttr<I64ArrayAttr>:$pads,
    OptionalAttr<I64ArrayAttr>:$strides);

def ONNX_MatMulOp : ONNX_Op<"MatMul"> {
  let summary = "ONNX MatMul: numpy matrix product";
  let description = [{
    Matrix product with numpy.matmul semantics: a 1-D `A` is promoted to
    (1, K) and a 1-D `B` to (K, 1), the added dimension is removed from the
    result; leading (batch) dimensions broadcast. `A` and `B` have the same
    element type.
  }];
  let arguments = (ins ONNX_MatMulTensor:$A, ONNX_MatMulTensor:$B);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_GemmOp : ONNX_Op<"Gemm"> {
  let summary = "ONNX Gemm: Y = alpha * A' * B' + beta * C";
  let description = [{
    General matrix multiply on 2-D `A` and `B`, transposed first when
    `transA` / `transB` are non-zero. `C` is optional (opset 11+; `none` when
    absent) and unidirectionally broadcastable to (M, N).
  }];
  let arguments = (ins ONNX_MatMulTensor:$A, ONNX_MatMulTensor:$B,
                       ONNX_Optional<ONNX_MatMulTensor>:$C,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<I64Attr, "0">:$transA,
                       DefaultValuedAttr<I64Attr, "0">:$transB);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_ConvOp : ONNX_Op<"Conv"> {
  let summary = "ONNX Conv: N-D convolution";
  let description = [{
    X (N, C, D1..Dn) convolved with W (M, C/group, k1..kn), plus the optional
    bias `B` (M), for n = 1, 2 or 3. Output spatial sizes follow `pads` or
    `auto_pad` (NOTSET, SAME_UPPER, SAME_LOWER, VALID), `strides` and
    `dilations`; `kernel_shape` defaults to W's spatial dims.
  }];
  let arguments = !con((ins ONNX_FloatTensor:$X, ONNX_FloatTensor:$W,
                            ONNX_Optional<ONNX_FloatTensor>:$B),
                       ONNX_ConvAttrs);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_ConvTransposeOp : ONNX_Op<"ConvTranspose"> {
  let summary = "ONNX ConvTranspose: N-D transposed convolution";
  let description = [{
    X (N, C, D1..Dn) with W (C, M/group, k1..kn) and optional bias `B` (M)
    gives (N, M, O1..On) where, unless `output_shape` is given,
    O = stride * (D - 1) + output_padding + (k - 1) * dilation + 1
        - pad_begin - pad_end,
    or O = D * stride with auto_pad SAME_UPPER / SAME_LOWER. `output_shape`
    may list the spatial dims or all N+2 dims.
  }];
  let arguments = !con((ins ONNX_FloatTensor:$X, ONNX_FloatTensor:$W,
                            ONNX_Optional<ONNX_FloatTensor>:$B),
                       ONNX_ConvAttrs,
                       (ins OptionalAttr<I64ArrayAttr>:$output_padding,
                            OptionalAttr<I64ArrayAttr>:$output_shape));
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_MaxPoolOp : ONNX_Op<"MaxPool"> {
  let summary = "ONNX MaxPool";
  let description = [{
    Max over windows of `kernel_shape` on X (N, C, D1..Dn). Results: `Y` and
    the flattened argmax `Indices` (i64, same shape; always created, possibly
    unused). With `ceil_mode` a window that would start in the end padding
    is dropped.
  }];
  let arguments = (ins ONNX_MaxPoolTensor:$X,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                       OptionalAttr<I64ArrayAttr>:$dilations,
                       I64ArrayAttr:$kernel_shape,
                       OptionalAttr<I64ArrayAttr>:$pads,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order,
                       OptionalAttr<I64ArrayAttr>:$strides);
  let results = (outs ONNX_AnyTensor:$Y, ONNX_AnyTensor:$Indices);
}

def ONNX_AveragePoolOp : ONNX_Op<"AveragePool"> {
  let summary = "ONNX AveragePool";
  let description = [{
    Average over windows of `kernel_shape` on X (N, C, D1..Dn), opset 19
    semantics (with `dilations`); padding counts only with
    `count_include_pad`.
  }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad,
                       DefaultValuedAttr<I64Attr, "0">:$ceil_mode,
                       DefaultValuedAttr<I64Attr, "0">:$count_include_pad,
                       OptionalAttr<I64ArrayAttr>:$dilations,
                       I64ArrayAttr:$kernel_shape,
                       OptionalAttr<I64ArrayAttr>:$pads,
                       OptionalAttr<I64ArrayAttr>:$strides);
  let results = (outs ONNX_AnyTensor:$Y);
}

/// Y (N, C, 1, ..., 1) = reduction of X (N, C, D1..Dn) over all spatial dims.
class ONNX_GlobalPoolOp<string mnemonic> : ONNX_Op<mnemonic> {
  let arguments = (ins ONNX_FloatTensor:$X);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_GlobalAveragePoolOp : ONNX_GlobalPoolOp<"GlobalAveragePool"> {
  let summary = "ONNX GlobalAveragePool: mean over all spatial dims";
  let description = [{
    X (N, C, D1..Dn) -> Y (N, C, 1..1), the mean over the spatial dims.
  }];
}

def ONNX_GlobalMaxPoolOp : ONNX_GlobalPoolOp<"GlobalMaxPool"> {
  let summary = "ONNX GlobalMaxPool: max over all spatial dims";
  let description = [{
    X (N, C, D1..Dn) -> Y (N, C, 1..1), the max over the spatial dims.
  }];
}

#endif // QUANTOPT_DIALECT_ONNX_NNOPS_TD
