//===- QOptOps.td - qopt dialect ops ------------------------*- tablegen -*-===//
//
// quantize / dequantize / dynamic_quantize, the W8A8 contractions qmatmul and
// qconv, the weight-only weight_matmul and the calibration probe. Every op
// has a verifier (QOptOps.cpp) for element types, parameter shapes and the
// packed weight layout.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QOPT_QOPTOPS_TD
#define QUANTOPT_DIALECT_QOPT_QOPTOPS_TD

include "QuantOpt/Dialect/QOpt/QOptBase.td"

def QOpt_QuantizeOp : QOpt_Op<"quantize", [Pure]> {
  let summary = "Uniform quantization with ONNX QuantizeLinear semantics";
  let description = [{
    `q = saturate(round_half_to_even(x / scale) + zero_point)`, computed in
    f32, saturating to the range of the result's element type (`i8`, `ui8`,
    `i4`, `ui4`). The granularity follows from the shape of `scale`: a
    scalar (rank 0, or one element) quantizes per tensor; with
    `block_size = 0` a 1-D `scale` of size `dim(axis)` quantizes per axis;
    with `block_size > 0`, `scale` has x's rank and `dim(axis)` equal to
    `ceil(x.dim(axis) / block_size)` (one scale per block of `block_size`
    consecutive elements along `axis`). `zero_point` is optional (0 when
    absent), has `scale`'s shape and the result's element type. A quantize of
    a constant with constant parameters folds to a constant.

    ```mlir
    %q = qopt.quantize %x, %scale, %zp {axis = 1 : i64}
        : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8xi8>
    ```
  }];
  let arguments = (ins QOpt_FloatTensor:$x, QOpt_FloatTensor:$scale,
                       Optional<QOpt_CodeTensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs QOpt_CodeTensor:$q);
  let assemblyFormat = [{
    $x `,` $scale (`,` $zero_point^)? attr-dict `:` type(operands) `->` type($q)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QOpt_DequantizeOp : QOpt_Op<"dequantize", [Pure]> {
  let summary = "Uniform dequantization with ONNX DequantizeLinear semantics";
  let description = [{
    `x = (q - zero_point) * scale`, the inverse of `qopt.quantize` with the
    same granularity rules (per tensor, per axis with `axis`, per block with
    `axis` and `block_size`). `q` holds `i8`, `ui8`, `i4`, `ui4` codes or
    `i32` (quantized biases); `zero_point` (optional) has `q`'s element type
    and `scale`'s shape. The result has `scale`'s element type.
    `dequantize(quantize(x))` is never folded: it changes the numbers.

    ```mlir
    %x = qopt.dequantize %q, %scale, %zp
        : tensor<4x8xui8>, tensor<f32>, tensor<ui8> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins QOpt_DequantInTensor:$q, QOpt_FloatTensor:$scale,
                       Optional<QOpt_DequantInTensor>:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs QOpt_FloatTensor:$x);
  let assemblyFormat = [{
    $q `,` $scale (`,` $zero_point^)? attr-dict `:` type(operands) `->` type($x)
  }];
  let hasVerifier = 1;
}

def QOpt_DynamicQuantizeOp : QOpt_Op<"dynamic_quantize", [Pure]> {
  let summary = "Run-time quantization with scales computed from the data";
  let description = [{
    Quantizes f32 `x` to 8-bit codes `q` with a scale and zero point computed
    at run time from x's range, per tensor (`scale` and `zero_point` are
    scalars) or `per_row` (one scale per row of the last dimension, i.e. per
    token: `scale` and `zero_point` have x's shape without its last
    dimension). Asymmetric (default): the range is `[min(0, min x), max(0,
    max x)]`, `scale = (hi - lo) / (qmax - qmin)` and `zero_point =
    saturate(round(qmin - lo / scale))`; for `ui8` this is ONNX
    DynamicQuantizeLinear. `symmetric`: `scale = max|x| / 127` and the zero
    point is 0 (`i8`) or 128 (`ui8`). Then `q = saturate(round(x / scale) +
    zero_point)`, rounding half to even. An all-zero range gives `scale = 0`
    and `q = zero_point`.

    ```mlir
    %q, %s, %z = qopt.dynamic_quantize %x per_row symmetric
        : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4xf32>, tensor<4xi8>
    ```
  }];
  let arguments = (ins QOpt_F32Tensor:$x,
                       DefaultValuedAttr<QOpt_Granularity,
                           "::quant_opt::qopt::Granularity::per_tensor">:
                           $granularity,
                       UnitAttr:$symmetric);
  let results = (outs QOpt_Int8Tensor:$q, QOpt_F32Tensor:$scale,
                      QOpt_Int8Tensor:$zero_point);
  let assemblyFormat = [{
    $x $granularity (`symmetric` $symmetric^)? attr-dict `:` type($x) `->`
    type($q) `,` type($scale) `,` type($zero_point)
  }];
  let hasVerifier = 1;
}

def QOpt_QMatMulOp : QOpt_Op<"qmatmul", [Pure]> {
  let summary = "W8A8 matmul: int8 x int8 -> int32, dequantized to f32";
  let description = [{
    `y[..., m, n] = (sum_k a[..., m, k] * b[k, n] - a_zero_point *
    colsum(b)[n]) * a_scale * b_scale[n] + bias[n]`, accumulating exactly in
    i32. `a` holds `ui8` or `i8` activation codes `[..., M, K]`, `b` holds
    symmetric `i8` weight codes `[K, N]` (zero point 0). `a_scale` (f32) and
    `a_zero_point` (a's element type) are scalars (static or per-tensor
    dynamic quantization) or have a's shape without K (per token, as produced
    by `qopt.dynamic_quantize` per_row). `b_scale` (f32) is a scalar or `[N]`
    (per output channel); `bias` (optional, f32) is `[N]`. The lowering keeps
    the int8 operands of the contraction narrow (the VNNI kernel's form).

    ```mlir
    %y = qopt.qmatmul %a, %b, %as, %az, %bs bias %bias
        : tensor<?x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>,
          tensor<32xf32>, tensor<32xf32> -> tensor<?x32xf32>
    ```
  }];
  let arguments = (ins QOpt_Int8Tensor:$a, QOpt_I8Tensor:$b,
                       QOpt_F32Tensor:$a_scale, QOpt_Int8Tensor:$a_zero_point,
                       QOpt_F32Tensor:$b_scale,
                       Optional<QOpt_F32Tensor>:$bias);
  let results = (outs QOpt_F32Tensor:$y);
  let assemblyFormat = [{
    $a `,` $b `,` $a_scale `,` $a_zero_point `,` $b_scale
    (`bias` $bias^)? attr-dict `:` type(operands) `->` type($y)
  }];
  let hasVerifier = 1;
}

def QOpt_QConvOp : QOpt_Op<"qconv", [Pure]> {
  let summary = "W8A8 2-D convolution (NCHW), dequantized to f32";
  let description = [{
    The convolution of 8-bit activation codes `x` `[N, C, H, W]` (`ui8` or
    `i8`, per-tensor scalar `x_scale` / `x_zero_point`) with symmetric `i8`
    weight codes `w` `[F, C/group, kH, kW]` (`w_scale` a scalar or `[F]`),
    accumulated in i32 and dequantized like `qopt.qmatmul`; `bias`
    (optional, f32) is `[F]`. Padding reads the activation zero point (a
    real 0). `strides` and `dilations` (2 values, default 1) and `pads`
    (`[top, left, bottom, right]`, default 0) follow ONNX Conv. The result is
    f32 `[N, F, OH, OW]`. Lowered through im2col to the qmatmul contraction.

    ```mlir
    %y = qopt.qconv %x, %w, %xs, %xz, %ws {pads = array<i64: 1, 1, 1, 1>}
        : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>,
          tensor<ui8>, tensor<16xf32> -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins QOpt_Int8Tensor:$x, QOpt_I8Tensor:$w,
                       QOpt_F32Tensor:$x_scale, QOpt_Int8Tensor:$x_zero_point,
                       QOpt_F32Tensor:$w_scale,
                       Optional<QOpt_F32Tensor>:$bias,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs QOpt_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $w `,` $x_scale `,` $x_zero_point `,` $w_scale
    (`bias` $bias^)? attr-dict `:` type(operands) `->` type($y)
  }];
  let extraClassDeclaration = [{
    /// strides / dilations with their defaults (1, 1).
    llvm::SmallVector<int64_t> getStrideValues();
    llvm::SmallVector<int64_t> getDilationValues();
    /// pads [top, left, bottom, right] with their default (0s).
    llvm::SmallVector<int64_t> getPadValues();
  }];
  let hasVerifier = 1;
}

def QOpt_WeightMatMulOp : QOpt_Op<"weight_matmul",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Weight-only quantized matmul with fused dequantization";
  let description = [{
    `y[..., m, n] = sum_k x[..., m, k] * (q[n, k] - zp[n, g]) * scale[n, g] +
    bias[n]` with `g = k / group_size` (`group_size = 0`: one group per row,
    per channel). The `bits`-bit (2, 3, 4 or 8) unsigned codes `q` of the
    `[N, K]` weight are packed row by row into `w` (`ui8 [N, ceil(K * s /
    8)]`, `s = bits`, except 4 for 3-bit codes, which use nibbles), `8 / s`
    codes per byte, the first in the low bits: the MatMulNBits layout.
    `scale` is f32 `[N, G]`, `G = ceil(K / group_size)` (1 per channel);
    the optional `zero_point` is `ui8 [N, G]`, one unpacked code per group
    (default `2^(bits - 1)`, symmetric); `bias` is optional f32 `[N]`. K is
    x's last dimension and must be static. Accumulation is f32; the lowering
    dequantizes inside the contraction and never materializes the float
    weight.

    ```mlir
    %y = qopt.weight_matmul %x, %w, %scale zero_point %zp
        {bits = 4 : i64, group_size = 32 : i64}
        : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x2xf32>,
          tensor<16x2xui8> -> tensor<1x16xf32>
    ```

    **Code book (NF4).** With the optional `codebook` attribute (16 f32
    values, only for `bits = 4`, no `zero_point`) a code indexes the book:
    `w[n, k] = codebook[q[n, k]] * scale[n, g]` (look-up-table
    dequantization, fused into the contraction like the affine form).
    `--qopt-nf4` emits the NF4 levels with the blocks' absmax as `scale`.

    **Double-quantized scales.** With a code book, `scale` may instead be
    `i8 [N, G]` codes of the scales, with `scale_scale` f32
    `[ceil(N * G / 256)]` and `scale_offset` f32 `[]` (both required then,
    and only then): `scale[n, g] = scale_code[n, g] * scale_scale[i / 256] +
    scale_offset` with `i = n * G + g` (QLoRA's double quantization, in
    symmetric int8 blocks of 256 constants around their mean). The lowering
    reads the 8-bit codes; it never materializes the f32 scales of the
    whole weight.

    ```mlir
    %y = qopt.weight_matmul %x, %w, %sq scale_scale %ss scale_offset %so
        {bits = 4 : i64, group_size = 64 : i64,
         codebook = array<f32: -1.0, ..., 1.0>}
        : tensor<1x128xf32>, tensor<16x64xui8>, tensor<16x2xi8>,
          tensor<1xf32>, tensor<f32> -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins QOpt_F32Tensor:$x, QOpt_UI8Tensor:$w,
                       TensorOf<[F32, I8]>:$scale,
                       Optional<QOpt_UI8Tensor>:$zero_point,
                       Optional<QOpt_F32Tensor>:$scale_scale,
                       Optional<QOpt_F32Tensor>:$scale_offset,
                       Optional<QOpt_F32Tensor>:$bias,
                       I64Attr:$bits, DefaultValuedAttr<I64Attr, "0">:$group_size,
                       OptionalAttr<DenseF32ArrayAttr>:$codebook);
  let results = (outs QOpt_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $w `,` $scale (`zero_point` $zero_point^)?
    (`scale_scale` $scale_scale^)? (`scale_offset` $scale_offset^)?
    (`bias` $bias^)?
    attr-dict `:` type(operands) `->` type($y)
  }];
  let builders = [
    // The affine form (no code book, f32 scales), as before NF4.
    OpBuilder<(ins "::mlir::Type":$y, "::mlir::Value":$x, "::mlir::Value":$w,
                   "::mlir::Value":$scale, "::mlir::Value":$zero_point,
                   "::mlir::Value":$bias, "::mlir::IntegerAttr":$bits,
                   "::mlir::IntegerAttr":$group_size), [{
      build($_builder, $_state, y, x, w, scale, zero_point, ::mlir::Value(),
            ::mlir::Value(), bias, bits, group_size,
            ::mlir::DenseF32ArrayAttr());
    }]>
  ];
  let extraClassDeclaration = [{
    /// Bits a code occupies in the packed bytes (4 for 3-bit codes).
    int64_t getStorageBits() { return getBits() == 3 ? 4 : getBits(); }
    /// K, x's last dimension.
    int64_t getK();
    /// The number of groups per row (1 per channel).
    int64_t getNumGroups();
    /// True when the scales are double-quantized (i8 codes + scale_scale +
    /// scale_offset).
    bool hasDoubleQuantScales() {
      return ::mlir::cast<::mlir::ShapedType>(getScale().getType())
          .getElementType().isInteger(8);
    }
    /// Scale constants per double-quantization block.
    static constexpr int64_t kScaleBlock = 256;
  }];
  let hasVerifier = 1;
}

def QOpt_ProbeOp : QOpt_Op<"probe", [AllTypesMatch<["x", "y"]>]> {
  let summary = "Calibration probe: identity that marks a tensor to observe";
  let description = [{
    Returns `x` unchanged. `name` is the observed tensor's ONNX name (the key
    of the calibration table); `stats` lists the statistics its consumers
    need: `minmax`, `histogram`, `channel_absmax`, `channel_mean_abs`,
    `hessian` (XᵀX of a linear layer's input), `samples` (a reservoir of
    rows). `--qopt-calibrate` turns probes into extra model outputs; the
    lowering to linalg replaces a probe by its operand. Not pure, so that
    canonicalization keeps probes whose results are unused.

    ```mlir
    %y = qopt.probe %x "conv1_out" stats ["minmax", "histogram"]
        : tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$x, StrAttr:$name,
                       OptionalAttr<StrArrayAttr>:$stats);
  let results = (outs AnyRankedTensor:$y);
  let assemblyFormat = [{
    $x $name (`stats` $stats^)? attr-dict `:` type($x)
  }];
  let hasVerifier = 1;
}

#endif // QUANTOPT_DIALECT_QOPT_QOPTOPS_TD
