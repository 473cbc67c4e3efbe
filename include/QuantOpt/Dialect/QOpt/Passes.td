//===- Passes.td - quantization passes ----------------------*- tablegen -*-===//
//
// The quantization passes of issue 4: calibration, weight-only RTN,
// SmoothQuant and the quantization report. They run on the onnx dialect,
// before --qopt-cpu-pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QOPT_PASSES_TD
#define QUANTOPT_DIALECT_QOPT_PASSES_TD

include "mlir/Pass/PassBase.td"

def Calibrate : Pass<"qopt-calibrate", "mlir::ModuleOp"> {
  let summary = "Collect activation statistics over a dataset and write a "
                "calibration table";
  let description = [{
    Picks the tensors later passes need statistics of: the activation input
    of every MatMul / Gemm / Conv whose weight is a constant (for
    SmoothQuant these are LayerNorm outputs feeding Q/K/V, shared by their
    consumers) and the outputs of those layers. A copy of the module
    returns these tensors as extra outputs; it is compiled by the normal
    CPU pipeline to a temporary shared object and loaded with the runtime
    (one execution path). The dataset directory holds `test_data_set_*`
    sub-directories with `input_<i>.pb` / `.npy` files (bound by position)
    and is run sample by sample: statistics are accumulated, tensors freed
    after each sample. NaN or Inf in an input or a probed tensor is an
    error naming the sample. Statistics (lib/Quant calibrators): min/max,
    moving-average min/max, the |x| histogram with its percentile, KL and
    MSE clipping thresholds, per-channel absmax and mean |x|; optionally XᵀX
    and a reservoir of rows of linear-layer inputs (large: off by default).
    Writes the calibration table (lib/Quant format: JSON + binary sidecar)
    with the module's fingerprint; the module itself is left unchanged.
    Prints a progress line (samples done, samples/s, ETA) on stderr.
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Dataset directory (test_data_set_* sub-directories)">,
    Option<"table", "table", "std::string", /*default=*/"\"\"",
           "Calibration table to write (JSON)">,
    Option<"samples", "samples", "int64_t", /*default=*/"0",
           "Use at most this many samples (0: all)">,
    Option<"progress", "progress", "bool", /*default=*/"true",
           "Print a progress line on stderr">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile of |x| for the percentile clipping threshold">,
    Option<"xtx", "xtx", "bool", /*default=*/"false",
           "Accumulate XᵀX (K x K doubles) of every linear-layer input">,
    Option<"reservoirRows", "reservoir-rows", "int64_t", /*default=*/"0",
           "Keep a uniform sample of this many input rows per linear layer">,
  ];
}

def RTN : Pass<"qopt-rtn", "mlir::ModuleOp"> {
  let summary = "Weight-only round-to-nearest quantization of constant "
                "MatMul / Gemm / Conv weights";
  let description = [{
    Quantizes the constant float weight of every MatMul / Gemm (B) and Conv
    (W) with per-output-channel (group-size=0) or per-group scales along the
    reduction dimension: w = (q - zp) * scale. A MatMul whose input has a
    static last dimension becomes `qopt.weight_matmul` (codes packed 8/bits
    per byte, dequantized inside the contraction; lib/Quant encoder). Gemm
    and Conv keep their op and read an integer constant through
    `onnx.DequantizeLinear` (symmetric: signed i8 codes in
    [-(2^(b-1)-1), 2^(b-1)-1], no zero point; asymmetric: ui8 codes in
    [0, 2^b-1] and a zero point; one code per byte; Conv always per output
    channel). Each quantized layer
    gets the attributes `qopt.scheme` and `qopt.weight_sqnr_db` (read by
    --qopt-report); a layer that is skipped gets `qopt.float_reason`.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"8",
           "Bits per weight code: 8, 4, 3 or 2">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"0",
           "Weights per scale along the reduction dimension (0: one scale "
           "per output channel)">,
    Option<"symmetric", "sym", "bool", /*default=*/"true",
           "Symmetric codes (no zero point)">,
  ];
}

def GPTQ : Pass<"qopt-gptq", "mlir::ModuleOp"> {
  let summary = "Weight-only GPTQ quantization of constant MatMul / Gemm "
                "weights";
  let description = [{
    Every MatMul / Gemm with a constant 2-D f32 weight (the forms --qopt-rtn
    turns into `qopt.weight_matmul`) is quantized with lib/Quant's GPTQ
    (QuantOpt/Quant/GPTQ.h) from XᵀX of its input on calibration data, and
    becomes `qopt.weight_matmul` with the GPTQ codes, scales and zero
    points. With act-order and dynamic groups the weight columns are
    stored in act-order and the activation is gathered first
    (`onnx.Gather(x, permutation, axis=-1)`).

    `sequential=true` (the reference's behaviour): stage of a layer = 1 +
    the largest stage of the quantizable layers its input depends on. A
    copy of the model taking every quantizable weight as an extra input
    (`qopt_weight_<i>`) and returning the stages' inputs is compiled once;
    per stage it is run over the calibration samples with the quantized
    earlier stages' dequantized weights, XᵀX of the stage's inputs is
    accumulated and the stage's layers are quantized. One progress line per
    stage on stderr. Needs `calibration-data`.

    `sequential=false`: XᵀX of the float model, from `calibration-table`
    (written by --qopt-calibrate="xtx=true") or, without a table, from one
    run over `calibration-data`.

    Each quantized layer gets `qopt.scheme`, `qopt.bits`,
    `qopt.group_size`, `qopt.weight_sqnr_db` and `qopt.output_sqnr_db` (on
    the calibration data, from XᵀX), read by --qopt-report; a MatMul / Gemm
    that does not fit gets `qopt.float_reason`.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"4",
           "Bits per weight code: 8, 4, 3 or 2">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Columns per scale along K (0 or >= K: one scale per output "
           "channel); must divide K">,
    Option<"actOrder", "act-order", "bool", /*default=*/"true",
           "Quantize columns by descending diag(XᵀX)">,
    Option<"staticGroups", "static-groups", "bool", /*default=*/"false",
           "Group parameters from the original weight, in the original "
           "column order (no Gather)">,
    Option<"damp", "damp", "double", /*default=*/"0.01",
           "Dampening, as a fraction of mean(diag H)">,
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "Columns per lazy batch update">,
    Option<"symmetric", "sym", "bool", /*default=*/"false",
           "Symmetric codes (no zero point)">,
    Option<"sequential", "sequential", "bool", /*default=*/"true",
           "Quantize stage by stage on the outputs of the quantized earlier "
           "stages (needs calibration-data)">,
    Option<"calibrationData", "calibration-data", "std::string",
           /*default=*/"\"\"", "Dataset directory (test_data_set_*)">,
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"",
           "Calibration table with XᵀX (sequential=false)">,
    Option<"samples", "samples", "int64_t", /*default=*/"0",
           "Use at most this many samples (0: all)">,
    Option<"progress", "progress", "bool", /*default=*/"true",
           "Print one line per stage on stderr">,
  ];
}

def NF4 : Pass<"qopt-nf4", "mlir::ModuleOp"> {
  let summary = "Weight-only NF4 (QLoRA NormalFloat-4) quantization of "
                "constant MatMul / Gemm weights";
  let description = [{
    Quantizes the constant weight of every MatMul (static K) and of every
    Gemm that --qopt-rtn turns into `qopt.weight_matmul` (constant B,
    transA=0, C absent or broadcast along M) to NF4: blocks of `block-size`
    weights along K (a shorter last block when it does not divide K), each
    scaled by its absmax, every weight the nearest of the 16 NF4 levels
    (lib/Quant NF4.h). The result is a `qopt.weight_matmul` with the NF4
    `codebook`; with `double-quant` the absmax constants are stored as
    symmetric int8 in blocks of 256 around their mean (i8 `scale`,
    `scale_scale`, `scale_offset`). No calibration. Each quantized layer gets
    `qopt.scheme` ("nf4" or "nf4-dq"), `qopt.bits` (4),
    `qopt.bits_per_param` (4.5, or ~4.127 with double quantization, at
    block 64) and `qopt.weight_sqnr_db` for --qopt-report; other MatMul /
    Gemm ops (and every Conv) stay float with `qopt.float_reason`.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"64",
           "Weights per absmax block along K">,
    Option<"doubleQuant", "double-quant", "bool", /*default=*/"false",
           "Quantize the absmax constants to 8 bits (blocks of 256)">,
  ];
}

def SmoothQuant : Pass<"qopt-smoothquant", "mlir::ModuleOp"> {
  let summary = "Migrate activation outliers into the weights (SmoothQuant)";
  let description = [{
    For every activation X whose consumers are all MatMul / Gemm with
    constant weights W (e.g. the Q, K and V projections of one LayerNorm),
    computes per input channel j: s_j = max|X_j|^alpha / max|W_j|^(1-alpha)
    (max|X_j| from the calibration table, max|W_j| over the rows j of all
    consumers), multiplies row j of every W by s_j and divides the producer
    by s_j: the LayerNorm's scale and bias, or the producing MatMul / Gemm
    (weight columns and bias). When nothing can absorb 1/s an explicit
    `onnx.Mul` is inserted. The float function is unchanged up to rounding.
    `layer-alpha` overrides alpha per producer node name.
  }];
  let options = [
    Option<"alpha", "alpha", "double", /*default=*/"0.5",
           "Migration strength in [0, 1]">,
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"", "Calibration table written by --qopt-calibrate">,
    Option<"layerAlpha", "layer-alpha", "std::string", /*default=*/"\"\"",
           "Per-layer alpha: name:0.7,other:0.3 (the producer's node name)">,
  ];
}

def AWQ : Pass<"qopt-awq", "mlir::ModuleOp"> {
  let summary = "Activation-aware weight quantization (AWQ) of MatMul / Gemm "
                "weights into qopt.weight_matmul";
  let description = [{
    AWQ (Lin et al. 2023) for every activation X consumed by MatMul / Gemm
    layers with constant weights (e.g. q / k / v after one LayerNorm,
    searched together with their weights concatenated): per input channel
    s = s_X^α (s_X the mean |x| from the calibration table), normalised by
    √(max·min), α on the grid i / alpha-grid picked to minimise the squared
    output error of the RTN-quantized W·diag(s) seen through diag(s)⁻¹ on
    the table's reservoir rows (α = 0 is plain RTN, so AWQ never does
    worse on those rows); then, per output row and group, the clipping
    range max_val = max|w|·(1 − i/20), i < 10, with the smallest error on
    the group's slice of the rows. s⁻¹ is folded into X's producer as
    --qopt-smoothquant does (LayerNorm scale / bias, producing MatMul /
    Gemm columns and bias) or applied by an inserted `onnx.Mul` (before the
    consumers only when X has other users). Each layer becomes
    `qopt.weight_matmul` with the clipped RTN codes, attributes
    `qopt.scheme`, `qopt.awq` (α and where s⁻¹ went), `qopt.awq_alpha`,
    `qopt.weight_sqnr_db` and `qopt.output_sqnr_db` (on the reservoir rows).
    Needs `--qopt-calibrate="reservoir-rows=N"`; errors name the layer.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"4",
           "Bits per weight code: 8, 4, 3 or 2">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Weights per scale along K (0 or >= K: per output channel); must "
           "divide K">,
    Option<"symmetric", "sym", "bool", /*default=*/"false",
           "Symmetric codes (no zero point)">,
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"",
           "Calibration table with mean |x| and reservoir rows "
           "(--qopt-calibrate reservoir-rows=N)">,
    Option<"alphaGrid", "alpha-grid", "int64_t", /*default=*/"20",
           "Number of α candidates i / alpha-grid, i in [0, alpha-grid)">,
    Option<"clip", "clip", "bool", /*default=*/"true",
           "Search a clipping range per output row and group">,
  ];
}

def W8A8 : Pass<"qopt-w8a8", "mlir::ModuleOp"> {
  let summary = "Int8 activations and int8 weights for MatMul / Gemm / Conv";
  let description = [{
    For every MatMul / Gemm / Conv with a constant weight: int8 symmetric
    per-output-channel weight codes, int8 activations. A MatMul whose input
    has a static last dimension becomes `qopt.quantize` (static) or
    `qopt.dynamic_quantize` (dynamic; per tensor or per token) +
    `qopt.qmatmul` (integer contraction, i32 accumulation). Gemm and Conv
    keep their op in QDQ form: the weight behind onnx.DequantizeLinear, the
    activation through QuantizeLinear (static) or DynamicQuantizeLinear
    (dynamic, per tensor) + DequantizeLinear. Static scales are symmetric
    per tensor, max|x| / 127 from the calibration table: `method=minmax`
    (range over all samples), `ema` (moving average of the per-sample
    ranges), `percentile` / `kl` / `mse` (clipping thresholds of the |x|
    histogram); after --qopt-smoothquant, the smoothed range it recorded.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"static\"",
           "static (calibrated scales) or dynamic (run-time scales)">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"per-tensor\"",
           "Activation scales: per-tensor, or per-token (mode=dynamic)">,
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"", "Calibration table (mode=static)">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "Static range: minmax, ema, percentile, kl or mse">,
  ];
}

def LLMInt8 : Pass<"qopt-llm-int8", "mlir::ModuleOp"> {
  let summary = "LLM.int8(): vector-wise int8 matmul with the outlier input "
                "features in float";
  let description = [{
    For every MatMul / Gemm with a constant 2-D f32 weight (the forms
    --qopt-w8a8 turns into `qopt.qmatmul`): int8 symmetric weights with one
    scale per output column, activations quantized per row (per token,
    `qopt.dynamic_quantize per_row symmetric`, i8) and the input features
    whose |x| exceeds `threshold` (Dettmers et al. 2022, bitsandbytes)
    multiplied in float and added back.
    `mode=static`: the outlier features are the columns whose calibrated
    per-channel absmax (the table's `channel_absmax` of the layer input)
    exceeds the threshold; x's outlier columns are zeroed (a constant mask
    multiply) before quantization, the int8 weight is quantized with the
    outlier rows set to zero, and `onnx.Gather` of x's outlier columns times
    the float outlier rows of W is added. No outlier features: plain
    vector-wise int8. `mode=dynamic`: the outlier columns are decided per
    call (max |x| over all rows of the call > threshold, onnx ReduceMax /
    Greater / Where) and multiplied by the same int8 codes through
    `qopt.weight_matmul` (bits=8): a second full-K product. Sets
    `qopt.scheme = "llm-int8"`, `qopt.outlier_columns` (static) and, with
    calibration rows in the table, `qopt.output_sqnr_db`.
  }];
  let dependentDialects = ["::quant_opt::qopt::QOptDialect"];
  let options = [
    Option<"threshold", "threshold", "double", /*default=*/"6.0",
           "An input feature is an outlier when its |x| exceeds this (> 0)">,
    Option<"mode", "mode", "std::string", /*default=*/"\"static\"",
           "static (outlier features from the calibration table) or dynamic "
           "(decided per call at run time)">,
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"",
           "Calibration table (needed by mode=static; optional for dynamic: "
           "its rows give the output SQNR)">,
  ];
}

def Report : Pass<"qopt-report", "mlir::ModuleOp"> {
  let summary = "Report how each layer was quantized and what stayed float";
  let description = [{
    Lists, per MatMul / Gemm / Conv: the scheme and bits the quantization
    passes chose, the weight SQNR and (where the quantizing pass had
    calibration rows: `qopt.output_sqnr_db`) the output SQNR on calibration
    data; and every such op left in float with
    the reason (`qopt.float_reason`, or "not quantized by any pass"). Writes
    to `file` (default: stderr). The module is unchanged.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"-\"",
           "Where to write the report ('-': stderr)">,
  ];
}

#endif // QUANTOPT_DIALECT_QOPT_PASSES_TD
