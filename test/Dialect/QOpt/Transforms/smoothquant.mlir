// Calibrate a small graph on data whose LayerNorm input has an outlier
// channel, smooth it, and check that the float function is unchanged.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/make_dataset.py --out %t/data \
// RUN:   --random 2x4 --count 6 --outlier-channels 1 --outlier-scale 50 --inputs 2
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/table.json progress=false" -o %t/calibrated.mlir
// RUN: quant-opt %s -o %t/original.mlir
// RUN: diff %t/original.mlir %t/calibrated.mlir
// RUN: FileCheck %s --check-prefix=TABLE < %t/table.json
// RUN: quant-opt %s --qopt-smoothquant="calibration-table=%t/table.json alpha=0.5" -o %t/smoothed.mlir
// RUN: FileCheck %s < %t/smoothed.mlir
// RUN: quant-opt %s --emit=shared -o %t/float.so
// RUN: quant-opt %t/smoothed.mlir --emit=shared -o %t/smoothed.so
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/compare.py --quant-run quant-run \
// RUN:   --float %t/float.so --quant %t/smoothed.so --data %t/data --max-rel-error 1e-5 \
// RUN:   --label smoothed | FileCheck %s --check-prefix=SAME
// Another alpha for the LayerNorm only:
// RUN: quant-opt %s --qopt-smoothquant="calibration-table=%t/table.json layer-alpha=ln:0.8" \
// RUN:   | FileCheck %s --check-prefix=LAYER
// A table for another model is rejected:
// RUN: sed 's/"fingerprint": "\(.\)/"fingerprint": "x/' %t/table.json > %t/other.json && cp %t/table.json.bin %t/other.json.bin
// RUN: not quant-opt %s --qopt-smoothquant="calibration-table=%t/other.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OTHER
// And another version:
// RUN: sed 's/"version": 1/"version": 7/' %t/table.json > %t/v7.json && cp %t/table.json.bin %t/v7.json.bin
// RUN: not quant-opt %s --qopt-smoothquant="calibration-table=%t/v7.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VERSION

// TABLE: "format": "quant-opt-calibration",
// TABLE: "version": 1,
// TABLE: "sample_count": 6,
// TABLE: {"name": "ln", "min": {{.*}}, "percentile": 99.99, "percentile_threshold": {{.*}}, "kl_threshold": {{.*}}, "mse_threshold":
// TABLE-NEXT: "histogram": {"range": {{.*}}, "bins": {"offset": {{[0-9]+}}, "count": 2048, "dtype": "u64"}},
// TABLE-NEXT: "channel_axis": 1,
// TABLE-NEXT: "channel_absmax": {"offset": {{[0-9]+}}, "count": 4, "dtype": "f32"},

// 1/s is folded into the LayerNorm's scale and bias, s into the rows of
// both projections; the producing MatMul 'up' absorbs 1/s of its output; a
// graph input needs an explicit Mul; 'up' itself is not smoothed (x also
// feeds the LayerNorm).
// CHECK-LABEL: func.func @main_graph
// CHECK: onnx.Mul %arg1
// CHECK: onnx.LayerNormalization %arg0
// CHECK: onnx.MatMul {{.*}}qopt.smoothquant = "smoothed (alpha 0.5, 1/s folded into LayerNorm 'ln')"
// CHECK: onnx.MatMul {{.*}}qopt.smoothquant = "smoothed (alpha 0.5, 1/s folded into LayerNorm 'ln')"
// CHECK: onnx.MatMul %arg0, {{.*}}qopt.smoothquant = "not smoothed: the activation also feeds an op that cannot take scaled weights"
// CHECK: onnx.MatMul {{.*}}qopt.smoothquant = "smoothed (alpha 0.5, 1/s folded into 'up')"
// CHECK: onnx.MatMul {{.*}}qopt.smoothquant = "smoothed (alpha 0.5, 1/s folded into an explicit Mul (no producer can absorb it))"
// LAYER: qopt.smoothquant = "smoothed (alpha 0.8, 1/s folded into LayerNorm 'ln')"
// OTHER: calibration table '{{.*}}other.json': written for another model
// VERSION: error: {{.*}}v7.json: calibration table version 7 is not supported (this build reads version 1)
// SAME: smoothed SQNR: {{[0-9.]+}} dB over 6 samples

func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"}, %x2: tensor<2x4xf32> {onnx.name = "x2"}) -> (tensor<2x3xf32> {onnx.name = "q"}, tensor<2x3xf32> {onnx.name = "k"}, tensor<2x4xf32> {onnx.name = "down"}, tensor<2x3xf32> {onnx.name = "direct"}) {
  %g = onnx.Constant dense<[1.0, 2.0, 0.5, 1.5]> : tensor<4xf32>
  %b = onnx.Constant dense<[0.1, -0.2, 0.3, 0.0]> : tensor<4xf32>
  %wq = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %wk = onnx.Constant dense<[[0.1, 0.2, 0.3], [-0.4, 0.5, -0.6], [0.7, -0.8, 0.9], [1.0, 1.1, -1.2]]> : tensor<4x3xf32>
  %wu = onnx.Constant dense<[[0.5, 1.5, -0.5], [2.0, -1.0, 0.5], [0.25, 0.75, 1.0], [-1.0, 0.5, 0.3]]> : tensor<4x3xf32>
  %wd = onnx.Constant dense<[[1.0, 0.5, -0.5, 0.2], [0.3, -0.4, 0.6, 0.8], [-0.9, 0.1, 0.2, 0.7]]> : tensor<3x4xf32>
  %wx = onnx.Constant dense<[[0.3, -0.2, 0.1], [0.05, 0.4, -0.3], [0.6, 0.2, 0.2], [-0.1, -0.5, 0.8]]> : tensor<4x3xf32>
  %y, %mean, %inv = onnx.LayerNormalization %x, %g, %b : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>) loc("ln")
  %q = onnx.MatMul %y, %wq : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("q_proj")
  %k = onnx.MatMul %y, %wk : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("k_proj")
  %h = onnx.MatMul %x, %wu : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("up")
  %d = onnx.MatMul %h, %wd : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("down")
  %direct = onnx.MatMul %x2, %wx : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("direct")
  return %q, %k, %d, %direct : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32>
}
