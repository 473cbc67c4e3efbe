//===- TensorOps.td - shape and data movement onnx ops ------*- tablegen -*-===//
//
// Ops that move or re-index data without arithmetic on it: reshaping,
// transposing, slicing, gathering, padding, resizing, shape queries.
// Inference lives in lib/Dialect/ONNX/TensorOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_TENSOROPS_TD
#define QUANTOPT_DIALECT_ONNX_TENSOROPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

/// Element types ConstantOfShape may produce.
def ONNX_ConstantOfShapeTensor
    : TensorOf<[F16, BF16, F32, F64, I1, I8, UI8, I16, UI16, I32, UI32, I64,
                UI64, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ]>;
/// Element types of Range.
def ONNX_RangeTensor : TensorOf<[F32, F64, I16, I32, I64]>;

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
  let hasFolder = 1;
}

def ONNX_TransposeOp : ONNX_Op<"Transpose"> {
  let summary = "ONNX Transpose: permutes the dimensions";
  let description = [{
    Output dimension `i` is input dimension `perm[i]`. Without `perm` the
    dimensions are reversed. `perm` must be a permutation of [0, rank).
  }];
  let arguments = (ins ONNX_AnyTensor:$data,
                       OptionalAttr<I64ArrayAttr>:$perm);
  let results = (outs ONNX_AnyTensor:$transposed);
}

def ONNX_FlattenOp : ONNX_Op<"Flatten"> {
  let summary = "ONNX Flatten: collapses to a 2-D tensor";
  let description = [{
    The result is (d_0 * ... * d_{axis-1}, d_axis * ... * d_{n-1}); `axis`
    is in [-rank, rank] (opset 11+ allows negative axes).
  }];
  let arguments = (ins ONNX_AnyTensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}

def ONNX_SqueezeOp : ONNX_Op<"Squeeze"> {
  let summary = "ONNX Squeeze: removes dimensions of size 1";
  let description = [{
    Removes the dimensions listed in `axes` (a 1-D i64 tensor, opset 13+),
    which must have size 1. Without `axes` every size-1 dimension is removed;
    then a dynamic input dimension makes the result unranked. The importer
    converts the opset 1-11 `axes` attribute into a constant operand.
  }];
  let arguments = (ins ONNX_AnyTensor:$data,
                       ONNX_Optional<ONNX_I64Tensor>:$axes);
  let results = (outs ONNX_AnyTensor:$squeezed);
  let hasFolder = 1;
}

def ONNX_UnsqueezeOp : ONNX_Op<"Unsqueeze"> {
  let summary = "ONNX Unsqueeze: inserts dimensions of size 1";
  let description = [{
    Inserts size-1 dimensions at `axes` (a 1-D i64 tensor, opset 13+), which
    index the output and must be unique. The importer converts the opset 1-11
    `axes` attribute into a constant operand.
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_I64Tensor:$axes);
  let results = (outs ONNX_AnyTensor:$expanded);
  let hasFolder = 1;
}

def ONNX_ConcatOp : ONNX_Op<"Concat"> {
  let summary = "ONNX Concat: joins tensors along an axis";
  let description = [{
    All inputs have the same rank, element type and dimensions except along
    `axis` (in [-rank, rank)).
  }];
  let arguments = (ins Variadic<ONNX_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs ONNX_AnyTensor:$concat_result);
  let hasFolder = 1;
}

def ONNX_SplitOp : ONNX_Op<"Split"> {
  let summary = "ONNX Split: splits a tensor into parts along an axis";
  let description = [{
    Splits `input` along `axis` into one result per declared result. `split`
    (1-D i64, opset 13+) gives the part lengths; otherwise `num_outputs`
    (opset 18) gives the number of parts, each ceil(dim / num_outputs) long
    except a smaller last one; with neither, the parts are equal and the
    dimension must divide evenly (opset 13 semantics). The importer converts
    the opset 1-11 `split` attribute into a constant operand.
  }];
  let arguments = (ins ONNX_AnyTensor:$input,
                       ONNX_Optional<ONNX_I64Tensor>:$split,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       OptionalAttr<I64Attr>:$num_outputs);
  let results = (outs Variadic<ONNX_AnyTensor>:$outputs);
}

def ONNX_SliceOp : ONNX_Op<"Slice"> {
  let summary = "ONNX Slice: strided slice";
  let description = [{
    Slices `data` along `axes` (default: 0 .. len(starts)-1) from `starts`
    to `ends` (exclusive) by `steps` (default 1, never 0). Negative starts /
    ends count from the back; values are clamped as in ONNX, so INT64_MAX /
    INT64_MIN mean "to the end" for positive / negative steps. The importer
    converts the opset 1-9 `starts` / `ends` / `axes` attributes into
    constant operands.
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_IndexTensor:$starts,
                       ONNX_IndexTensor:$ends,
                       ONNX_Optional<ONNX_IndexTensor>:$axes,
                       ONNX_Optional<ONNX_IndexTensor>:$steps);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}

def ONNX_GatherOp : ONNX_Op<"Gather"> {
  let summary = "ONNX Gather: takes entries along an axis";
  let description = [{
    The result shape is data.shape[:axis] + indices.shape +
    data.shape[axis+1:] (rank q + r - 1). Negative indices count from the
    back.
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}

def ONNX_GatherElementsOp : ONNX_Op<"GatherElements"> {
  let summary = "ONNX GatherElements: elementwise gather along an axis";
  let description = [{
    ONNX GatherElements (opset 13). `indices` has the rank of `data`; the
    result has the shape of `indices` and the element type of `data`.
    Negative indices count from the back.
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_GatherNDOp : ONNX_Op<"GatherND"> {
  let summary = "ONNX GatherND: gathers slices addressed by index tuples";
  let description = [{
    ONNX GatherND (opset 13). `indices` (i64, rank q >= 1) holds tuples of
    m = indices.shape[-1] indices into `data` (rank r >= 1) after the first
    `batch_dims` dimensions, which both share. The result shape is
    indices.shape[:-1] + data.shape[batch_dims + m:].
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_I64Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_ScatterElementsOp : ONNX_Op<"ScatterElements",
    [AllElementTypesMatch<["data", "updates"]>]> {
  let summary = "ONNX ScatterElements: elementwise scatter along an axis";
  let description = [{
    ONNX ScatterElements (opset 18). `indices` and `updates` have the same
    shape and the rank of `data`; the result is like `data`. `reduction` is
    "none", "add", "mul", "max" or "min".
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_IndexTensor:$indices,
                       ONNX_AnyTensor:$updates,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_ScatterNDOp : ONNX_Op<"ScatterND",
    [AllElementTypesMatch<["data", "updates"]>]> {
  let summary = "ONNX ScatterND: scatters slices addressed by index tuples";
  let description = [{
    ONNX ScatterND (opset 18). `indices` (i64, rank q >= 1) holds tuples of
    m = indices.shape[-1] <= r indices into `data` (rank r >= 1); `updates`
    has shape indices.shape[:-1] + data.shape[m:]. The result is like
    `data`. `reduction` is "none", "add", "mul", "max" or "min".
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_I64Tensor:$indices,
                       ONNX_AnyTensor:$updates,
                       DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_ExpandOp : ONNX_Op<"Expand"> {
  let summary = "ONNX Expand: broadcasts to a shape";
  let description = [{
    The result shape is the multidirectional broadcast of the input shape
    and `shape` (a 1-D i64 tensor).
  }];
  let arguments = (ins ONNX_AnyTensor:$input, ONNX_I64Tensor:$shape);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_ShapeOp : ONNX_Op<"Shape"> {
  let summary = "ONNX Shape: the shape of a tensor as a 1-D i64 tensor";
  let description = [{
    Returns dimensions [start, end) of the input shape (opset 15 `start` /
    `end`; negative values count from the back and are clamped to
    [0, rank]).
  }];
  let arguments = (ins ONNX_AnyTensor:$data,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs ONNX_AnyTensor:$shape);
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The input dimensions in [start, end) after clamping (kDyn where
    /// dynamic), or nullopt if the input is unranked.
    std::optional<::llvm::SmallVector<int64_t>> getReportedDims();
  }];
}

def ONNX_SizeOp : ONNX_Op<"Size"> {
  let summary = "ONNX Size: number of elements as an i64 scalar";
  let arguments = (ins ONNX_AnyTensor:$data);
  let results = (outs ONNX_AnyTensor:$size);
  let hasFolder = 1;
}

def ONNX_ConstantOfShapeOp : ONNX_Op<"ConstantOfShape"> {
  let summary = "ONNX ConstantOfShape: a tensor filled with one value";
  let description = [{
    The result has the shape given by `input` (a 1-D i64 tensor) and is
    filled with `value` (a one-element tensor; default 0.0 : f32), whose
    element type is the result's. The result is static when `input` is a
    constant.
  }];
  let arguments = (ins ONNX_I64Tensor:$input,
                       OptionalAttr<ElementsAttr>:$value);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_IdentityOp : ONNX_Op<"Identity"> {
  let summary = "ONNX Identity: returns its input";
  let description = [{
    Only tensor inputs are supported (not sequences or optionals).
  }];
  let arguments = (ins ONNX_AnyTensor:$input);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}

def ONNX_RangeOp : ONNX_Op<"Range"> {
  let summary = "ONNX Range: arithmetic sequence";
  let description = [{
    `start`, `limit` and `delta` are scalars of the same element type. The
    result is 1-D with max(ceil((limit - start) / delta), 0) elements; it is
    static when all three are constants.
  }];
  let arguments = (ins ONNX_RangeTensor:$start, ONNX_RangeTensor:$limit,
                       ONNX_RangeTensor:$delta);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}

def ONNX_TileOp : ONNX_Op<"Tile"> {
  let summary = "ONNX Tile: repeats a tensor";
  let description = [{
    Output dimension i is input dimension i times `repeats[i]` (a 1-D i64
    tensor with one non-negative entry per input dimension).
  }];
  let arguments = (ins ONNX_AnyTensor:$input, ONNX_I64Tensor:$repeats);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_PadOp : ONNX_Op<"Pad"> {
  let summary = "ONNX Pad";
  let description = [{
    Pads (or, with negative pads, crops) `data`. `pads` is a 1-D i64 tensor
    [x1_begin, x2_begin, ..., x1_end, x2_end, ...] with two entries per axis
    in `axes` (opset 18; default all axes). `constant_value` is a scalar of
    the data's element type (default 0). `mode` is one of "constant",
    "reflect", "edge", "wrap" (opset 19). The importer converts the opset
    1-10 `pads` / `value` attributes into constant operands.
  }];
  let arguments = (ins ONNX_AnyTensor:$data, ONNX_I64Tensor:$pads,
                       ONNX_Optional<ONNX_AnyTensor>:$constant_value,
                       ONNX_Optional<ONNX_IndexTensor>:$axes,
                       DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_ResizeOp : ONNX_Op<"Resize"> {
  let summary = "ONNX Resize (opset 19 form)";
  let description = [{
    Resizes `X` by `scales` (f32, floor(in * scale)) or to `sizes` (i64,
    adjusted by `keep_aspect_ratio_policy`); exactly one of them is given.
    Both have one entry per axis in `axes` (default all axes). With
    "tf_crop_and_resize" the output is floor(in * (roi_end - roi_start) *
    scale). The importer converts Upsample and the opset 10 `scales`-only
    form (absent `roi`); absent inputs are onnx.NoValue.
  }];
  let arguments = (ins
    ONNX_AnyTensor:$X,
    ONNX_Optional<ONNX_FloatTensor>:$roi,
    ONNX_Optional<TensorOf<[F32]>>:$scales,
    ONNX_Optional<ONNX_I64Tensor>:$sizes,
    DefaultValuedAttr<I64Attr, "0">:$antialias,
    OptionalAttr<I64ArrayAttr>:$axes,
    DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
    DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
    DefaultValuedAttr<I64Attr, "0">:$exclude_outside,
    DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value,
    DefaultValuedStrAttr<StrAttr, "stretch">:$keep_aspect_ratio_policy,
    DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
    DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_TriluOp : ONNX_Op<"Trilu"> {
  let summary = "ONNX Trilu: upper / lower triangle of the last two dims";
  let description = [{
    Keeps the upper (`upper` = 1) or lower triangle of each matrix, shifted
    by the optional scalar `k`. The input has rank >= 2.
  }];
  let arguments = (ins ONNX_AnyTensor:$input,
                       ONNX_Optional<ONNX_I64Tensor>:$k,
                       DefaultValuedAttr<I64Attr, "1">:$upper);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_DropoutOp : ONNX_Op<"Dropout"> {
  let summary = "ONNX Dropout";
  let description = [{
    Opset 13 form: `ratio` (scalar, default 0.5) and `training_mode` (i1
    scalar, default false) are optional inputs; both results are always
    present (`mask` is i1 with the data's shape). The importer converts the
    opset 9-11 `ratio` attribute into a constant operand and, for opset 9,
    whose `mask` has the data's type, casts a used mask to that type.
  }];
  let arguments = (ins ONNX_FloatTensor:$data,
                       ONNX_Optional<ONNX_FloatTensor>:$ratio,
                       ONNX_Optional<ONNX_BoolTensor>:$training_mode,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs ONNX_AnyTensor:$output, ONNX_AnyTensor:$mask);
}

def ONNX_DepthToSpaceOp : ONNX_Op<"DepthToSpace"> {
  let summary = "ONNX DepthToSpace: [N,C,H,W] -> [N,C/b^2,H*b,W*b]";
  let description = [{
    `mode` is "DCR" (default) or "CRD"; C must be divisible by blocksize^2.
  }];
  let arguments = (ins ONNX_AnyTensor:$input, I64Attr:$blocksize,
                       DefaultValuedStrAttr<StrAttr, "DCR">:$mode);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_SpaceToDepthOp : ONNX_Op<"SpaceToDepth"> {
  let summary = "ONNX SpaceToDepth: [N,C,H,W] -> [N,C*b^2,H/b,W/b]";
  let description = [{
    H and W must be divisible by `blocksize`.
  }];
  let arguments = (ins ONNX_AnyTensor:$input, I64Attr:$blocksize);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_OneHotOp : ONNX_Op<"OneHot"> {
  let summary = "ONNX OneHot: one-hot encoding";
  let description = [{
    ONNX OneHot (opset 11). `depth` is a scalar (or one-element) numeric
    input, `values` a two-element [off, on] tensor whose element type is the
    result's. A new dimension of size `depth` (static when `depth` is a
    constant) is inserted at `axis` (default -1, in [-(r+1), r]).
  }];
  let arguments = (ins ONNX_NumericTensor:$indices, ONNX_NumericTensor:$depth,
                       ONNX_AnyTensor:$values,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_EyeLikeOp : ONNX_Op<"EyeLike"> {
  let summary = "ONNX EyeLike: identity-like 2-D tensor";
  let description = [{
    ONNX EyeLike (opset 9). The result has the shape of the 2-D `input`, ones
    on the `k`-th diagonal, and the element type given by `dtype` (an ONNX
    data type code) or else the input's.
  }];
  let arguments = (ins ONNX_AnyTensor:$input, OptionalAttr<I64Attr>:$dtype,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_TopKOp : ONNX_Op<"TopK"> {
  let summary = "ONNX TopK: the k largest or smallest entries along an axis";
  let description = [{
    ONNX TopK (opset 11). `K` is a 1-D i64 tensor of one element. Results:
    `Values` (like X with dimension `axis` set to K, static when K is a
    constant) and `Indices` (i64, same shape). `largest` and `sorted` are 0
    or 1. The importer converts the opset 9 `k` attribute into the `K`
    input.
  }];
  let arguments = (ins ONNX_NumericTensor:$X, ONNX_I64Tensor:$K,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<I64Attr, "1">:$largest,
                       DefaultValuedAttr<I64Attr, "1">:$sorted);
  let results = (outs ONNX_AnyTensor:$Values, ONNX_AnyTensor:$Indices);
}

def ONNX_NonZeroOp : ONNX_Op<"NonZero"> {
  let summary = "ONNX NonZero: indices of the non-zero elements";
  let description = [{
    ONNX NonZero (opset 13). The result is i64 of shape [rank(X), ?]: one
    column of indices per non-zero element.
  }];
  let arguments = (ins ONNX_NumericOrBoolTensor:$X);
  let results = (outs ONNX_AnyTensor:$Y);
}

#endif // QUANTOPT_DIALECT_ONNX_TENSOROPS_TD
