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
def ONNX_ReduceL1Op : ONNX_ReduceOp<"ReduceL1", ONNX_ReduceTensor, "18">;
def ONNX_ReduceLogSumOp
    : ONNX_ReduceOp<"ReduceLogSum", ONNX_ReduceTensor, "18">;
def ONNX_ReduceLogSumExpOp
    : ONNX_ReduceOp<"ReduceLogSumExp", ONNX_ReduceTensor, "18">;
def ONNX_ReduceSumSquareOp
    : ONNX_ReduceOp<"ReduceSumSquare", ONNX_ReduceTensor, "18">;

/// ArgMax / ArgMin (opset 13): i64 indices along one axis.
class ONNX_ArgReduceOp<string mnemonic> : ONNX_Op<mnemonic> {
  let summary = "ONNX " # mnemonic # ": index of the extreme along an axis";
  let description = [{
    ONNX }] # mnemonic # [{ (opset 13). The result holds i64 indices along
    `axis` (default 0, in [-r, r-1]); `keepdims` = 1 keeps that dimension
    as 1. `select_last_index` = 1 picks the last of equal extremes.
  }];
  let arguments = (ins ONNX_NumericTensor:$data,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<I64Attr, "1">:$keepdims,
                       DefaultValuedAttr<I64Attr, "0">:$select_last_index);
  let results = (outs ONNX_AnyTensor:$reduced);
}

def ONNX_ArgMaxOp : ONNX_ArgReduceOp<"ArgMax">;
def ONNX_ArgMinOp : ONNX_ArgReduceOp<"ArgMin">;

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
def ONNX_HardmaxOp : ONNX_SoftmaxLikeOp<"Hardmax">;

def ONNX_CumSumOp : ONNX_Op<"CumSum"> {
  let summary = "ONNX CumSum: cumulative sum along an axis";
  let description = [{
    ONNX CumSum (opset 14). `axis` is a scalar i32 / i64 input (a 1-D tensor
    of one element is accepted too) in [-r, r-1]. `exclusive` = 1 leaves out
    the current element, `reverse` = 1 sums from the back.
  }];
  let arguments = (ins ONNX_ReduceTensor:$x, ONNX_IndexTensor:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$exclusive,
                       DefaultValuedAttr<I64Attr, "0">:$reverse);
  let results = (outs ONNX_AnyTensor:$y);
}

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

def ONNX_InstanceNormalizationOp : ONNX_Op<"InstanceNormalization",
    [AllElementTypesMatch<["input", "scale", "B"]>]> {
  let summary = "ONNX InstanceNormalization";
  let description = [{
    ONNX InstanceNormalization (opset 6). `input` is N x C x D1 ... Dn
    (rank >= 2); `scale` and `B` are 1-D of size C. Each (n, c) slice is
    normalized over D1 ... Dn.
  }];
  let arguments = (ins ONNX_FloatTensor:$input, ONNX_FloatTensor:$scale,
                       ONNX_FloatTensor:$B,
                       DefaultValuedAttr<F32Attr, "1e-05">:$epsilon);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_MeanVarianceNormalizationOp
    : ONNX_Op<"MeanVarianceNormalization"> {
  let summary = "ONNX MeanVarianceNormalization";
  let description = [{
    ONNX MeanVarianceNormalization (opset 13): (X - mean) / sqrt(var) over
    `axes` (default [0, 2, 3]; distinct, in [-r, r-1]).
  }];
  let arguments = (ins ONNX_FloatTensor:$X,
      DefaultValuedAttr<I64ArrayAttr, "{0, 2, 3}">:$axes);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_LRNOp : ONNX_Op<"LRN"> {
  let summary = "ONNX LRN: local response normalization across channels";
  let description = [{
    ONNX LRN (opset 13). `X` is N x C x D1 ... Dn (rank >= 2); each element
    is divided by (bias + alpha / size * sum of squares over `size`
    neighbouring channels) ^ beta. `size` (required) must be positive.
  }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "0.0001">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.75">:$beta,
                       DefaultValuedAttr<F32Attr, "1.0">:$bias,
                       I64Attr:$size);
  let results = (outs ONNX_AnyTensor:$Y);
}

#endif // QUANTOPT_DIALECT_ONNX_REDUCTIONOPS_TD
