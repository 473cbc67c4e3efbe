//===- ReductionOps.td - reductions and normalizations -----*- tablegen -*-===//
//
// Reduce* (axes as an input, opset 18 form), Softmax / LogSoftmax,
// LayerNormalization, BatchNormalization. Inference is in
// lib/Dialect/ONNX/ReductionOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_REDUCTIONOPS_TD
#define QUANTOPT_DIALECT_ONNX_REDUCTIONOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

/// ReduceSum / Mean / Prod / L2 types: floats, 32/64-bit ints.
def ONNX_ReduceTensor : TensorOf<[F16, BF16, F32, F64, I32, UI32, I64, UI64]>;
/// ReduceMax / Min types (opset 20): also 8-bit ints and bool.
def ONNX_ReduceMinMaxTensor
    : TensorOf<[I1, F16, BF16, F32, F64, I8, UI8, I32, UI32, I64, UI64]>;

/// A reduction over `axes` (optional 1-D i64 input). Empty or absent axes
/// reduce all dimensions unless `noop_with_empty_axes` = 1, in which case the
/// op is the identity. `keepdims` = 1 keeps reduced dimensions as 1.
class ONNX_ReduceOp<string mnemonic, Type t, string opset>
    : ONNX_Op<mnemonic> {
  let summary = "ONNX " # mnemonic # " over the given axes";
  let description = [{
    ONNX }] # mnemonic # [{ (opset }] # opset # [{), canonical form with
    `axes` as an optional 1-D i64 input (a `none` from onnx.NoValue when
    absent). The importer converts the `axes` attribute of older opsets into
    a constant input. Empty or absent `axes` reduce over all dimensions
    unless `noop_with_empty_axes` = 1 (then the op is the identity).
    `keepdims` = 1 keeps each reduced dimension as size 1.
  }];
  let arguments = (ins t:$data, ONNX_Optional<ONNX_I64Tensor>:$axes,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs ONNX_AnyTensor:$reduced);
}

def ONNX_ReduceMeanOp : ONNX_ReduceOp<"ReduceMean", ONNX_ReduceTensor, "18">;
def ONNX_ReduceSumOp : ONNX_ReduceOp<"ReduceSum", ONNX_ReduceTensor, "13">;
def ONNX_ReduceMaxOp
    : ONNX_ReduceOp<"ReduceMax", ONNX_ReduceMinMaxTensor, "20">;
def ONNX_ReduceMinOp
    : ONNX_ReduceOp<"ReduceMin", ONNX_ReduceMinMaxTensor, "20">;
def ONNX_ReduceProdOp : ONNX_ReduceOp<"ReduceProd", ONNX_ReduceTensor, "18">;
def ONNX_ReduceL2Op : ONNX_ReduceOp<"ReduceL2", ONNX_ReduceTensor, "18">;

/// Softmax-like op over one axis (opset 13 semantics).
class ONNX_SoftmaxLikeOp<string mnemonic>
    : ONNX_Op<mnemonic> {
  let summary = "ONNX " # mnemonic # " along one axis";
  let description = [{
    ONNX }] # mnemonic # [{ (opset 13): normalizes along the single
    dimension `axis` (default -1, in [-r, r-1]). The importer rewrites the
    opset 1-12 form (coerce to 2-D at `axis`, default 1) into this one with
    Reshapes.
  }];
  let arguments = (ins ONNX_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_SoftmaxOp : ONNX_SoftmaxLikeOp<"Softmax">;
def ONNX_LogSoftmaxOp : ONNX_SoftmaxLikeOp<"LogSoftmax">;

def ONNX_LayerNormalizationOp : ONNX_Op<"LayerNormalization",
    [AllElementTypesMatch<["X", "Scale"]>]> {
  let summary = "ONNX LayerNormalization";
  let description = [{
    ONNX LayerNormalization (opset 17). Normalizes `X` over the dimensions
    from `axis` (default -1) on, then scales by `Scale` and adds the optional
    `B`; both broadcast (unidirectionally) to X.shape[axis:]. Results: `Y`
    (like X), and `Mean` / `InvStdDev` shaped as X with the dimensions from
    `axis` on set to 1, of the element type given by `stash_type` (1 =
    FLOAT, 16 = BFLOAT16).
  }];
  let arguments = (ins ONNX_FloatTensor:$X, ONNX_FloatTensor:$Scale,
                       ONNX_Optional<ONNX_FloatTensor>:$B,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1e-05">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs ONNX_AnyTensor:$Y, ONNX_AnyTensor:$Mean, ONNX_AnyTensor:$InvStdDev);
}

def ONNX_BatchNormalizationOp : ONNX_Op<"BatchNormalization",
    [AllElementTypesMatch<["scale", "B"]>,
     AllElementTypesMatch<["input_mean", "input_var"]>]> {
  let summary = "ONNX BatchNormalization";
  let description = [{
    ONNX BatchNormalization (opset 15). `X` is N x C x D1 ... Dn (or N, with
    C = 1); `scale`, `B`, `input_mean` and `input_var` are 1-D of size C.
    Results: `Y` (like X) and `running_mean` / `running_var` (1-D of size C,
    meaningful when `training_mode` = 1). Before opset 14, outputs beyond
    `Y` (mean, var, saved_mean, saved_var) meant training mode: the importer
    drops them when they are absent (empty names) and rejects the node
    otherwise.
  }];
  let arguments = (ins ONNX_FloatTensor:$X, ONNX_FloatTensor:$scale,
                       ONNX_FloatTensor:$B, ONNX_FloatTensor:$input_mean,
                       ONNX_FloatTensor:$input_var,
                       DefaultValuedAttr<F32Attr, "1e-05">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.9">:$momentum,
                       DefaultValuedAttr<I64Attr, "0">:$training_mode);
  let results = (outs ONNX_AnyTensor:$Y, ONNX_AnyTensor:$running_mean, ONNX_AnyTensor:$running_var);
}

#endif // QUANTOPT_DIALECT_ONNX_REDUCTIONOPS_TD
