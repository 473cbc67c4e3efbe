// RUN: quant-opt %s --split-input-file --qopt-nf4="block-size=2" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qopt-nf4="block-size=2 double-quant=true" \
// RUN:   | FileCheck %s --check-prefix=DQ
// RUN: quant-opt %s --split-input-file --qopt-nf4 --qopt-report 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=REPORT

// W = B^T = [[-2, 1, 0.08, 0.6], [0, 0, 0.5, -0.5]], blocks of 2 along K.
// Row 0: block [-2, 1] (absmax 2) -> -1, 0.5 -> codes 0, 12; block
// [0.08, 0.6] (absmax 0.6) -> 0.133 (above the 0.0796 / 0.1609 midpoint
// 0.1203: code 9), 1 -> 15. Row 1: an all-zero block -> 7, 7; [0.5, -0.5]
// -> 15, 0. Two codes a byte, the first in the low nibble:
// [0 | 12 << 4, 9 | 15 << 4] = [192, 249], [7 | 7 << 4, 15] = [119, 15].
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = onnx.Constant dense<{{\[}}[192, 249], [119, 15]]> : tensor<2x2xui8>
// CHECK-DAG: %[[S:.*]] = onnx.Constant dense<{{\[}}[2.000000e+00, 6.000000e-01], [0.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK: qopt.weight_matmul %arg0, %[[W]], %[[S]] {bits = 4 : i64, codebook = array<f32: -1.000000e+00, -0.6961928{{[0-9]*}}, {{.*}}, 0.72295683{{[0-9]*}}, 1.000000e+00>, group_size = 2 : i64, qopt.bits = 4 : i64, qopt.bits_per_param = 2.000000e+01 : f64, qopt.block_size = 2 : i64, qopt.scheme = "nf4", qopt.weight_sqnr_db = {{.*}}} : tensor<3x4xf32>, tensor<2x2xui8>, tensor<2x2xf32> -> tensor<3x2xf32>
// CHECK-NOT: onnx.MatMul
// Double quantization: absmax [2, 0.6, 0, 0.5] - mean 0.775, one block:
// scale 1.225 / 127, codes [127, -18, -80, -29].
// DQ-LABEL: func.func @matmul
// DQ-DAG: %[[W:.*]] = onnx.Constant dense<{{\[}}[192, 249], [119, 15]]> : tensor<2x2xui8>
// DQ-DAG: %[[SQ:.*]] = onnx.Constant dense<{{\[}}[127, -18], [-80, -29]]> : tensor<2x2xi8>
// DQ-DAG: %[[SS:.*]] = onnx.Constant dense<9.64567{{[0-9]*}}e-03> : tensor<1xf32>
// DQ-DAG: %[[SO:.*]] = onnx.Constant dense<0.77499{{[0-9]*}}> : tensor<f32>
// DQ: qopt.weight_matmul %arg0, %[[W]], %[[SQ]] scale_scale %[[SS]] scale_offset %[[SO]] {bits = 4 : i64, codebook = {{.*}}, qopt.scheme = "nf4-dq"{{.*}}} : tensor<3x4xf32>, tensor<2x2xui8>, tensor<2x2xi8>, tensor<1xf32>, tensor<f32> -> tensor<3x2xf32>
// (Default block 64 > K = 4: one block of 4 per row, 4 + 32 / 4 bits.)
// REPORT: quantization report: 1 MatMul/Gemm/Conv layers, 1 quantized, 0 left in float
// REPORT: qopt.weight_matmul nf4 (12.000 bits/param)
func.func @matmul(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = onnx.Constant dense<[[-2.0, 0.0], [1.0, 0.0], [0.08, 0.5], [0.6, -0.5]]> : tensor<4x2xf32>
  %y = onnx.MatMul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Gemm with transB = 1 and a bias C: B is the [N, K] weight, beta * C the
// bias; with K = 4 and block-size 2, two blocks per row.
// CHECK-LABEL: func.func @gemm
// CHECK: qopt.weight_matmul %arg0, %{{.*}}, %{{.*}} bias %{{.*}} {bits = 4 : i64, codebook = {{.*}}, group_size = 2 : i64{{.*}}qopt.scheme = "nf4"{{.*}}} : tensor<2x4xf32>, tensor<3x2xui8>, tensor<3x2xf32>, tensor<3xf32> -> tensor<2x3xf32>
// CHECK-NOT: onnx.Gemm
func.func @gemm(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<3x4xf32>
  %c = onnx.Constant dense<[2.0, 4.0, 6.0]> : tensor<3xf32>
  %y = onnx.Gemm %x, %w, %c {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Not a constant weight and a Conv: left in float with the reason.
// CHECK-LABEL: func.func @float_left
// CHECK: onnx.MatMul {{.*}}qopt.float_reason = "weight B is not a constant (activation x activation matmul)"
// CHECK: onnx.Conv {{.*}}qopt.float_reason = "--qopt-nf4 quantizes MatMul / Gemm weights only, not Conv"
func.func @float_left(%x: tensor<2x4xf32>, %b: tensor<4x3xf32>, %i: tensor<1x1x4x4xf32>) -> (tensor<2x3xf32>, tensor<1x1x4x4xf32>) {
  %y = onnx.MatMul %x, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %w = onnx.Constant dense<1.0> : tensor<1x1x1x1xf32>
  %none = onnx.NoValue
  %c = onnx.Conv %i, %w, %none : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<1x1x4x4xf32>
  return %y, %c : tensor<2x3xf32>, tensor<1x1x4x4xf32>
}
