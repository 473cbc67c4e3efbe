// RUN: quant-opt %s --split-input-file --qopt-rtn="bits=8" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qopt-rtn="bits=4 group-size=2 sym=false" \
// RUN:   | FileCheck %s --check-prefix=ASYM

// A MatMul becomes qopt.weight_matmul: B [K, N] transposed to [N, K], per
// output channel, symmetric: scale = max|w| / 127, codes rounded half to
// even (-63.5 -> -64, 63.5 -> 64, -31.75 -> -32) and stored unsigned with
// the implicit zero point 128.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = onnx.Constant dense<{{\[}}[255, 64, 128, 129], [192, 255, 96, 255], [96, 192, 144, 255]]> : tensor<3x4xui8>
// CHECK-DAG: %[[S:.*]] = onnx.Constant dense<{{\[}}[1.000000e+00], [0.00787{{[0-9]+}}], [0.0629{{[0-9]+}}]]> : tensor<3x1xf32>
// CHECK: qopt.weight_matmul %arg0, %[[W]], %[[S]] {bits = 8 : i64, qopt.bits = 8 : i64, qopt.scheme = "w8a16-rtn sym per-channel", qopt.weight_sqnr_db = {{.*}}} : tensor<2x4xf32>, tensor<3x4xui8>, tensor<3x1xf32> -> tensor<2x3xf32>
// CHECK-NOT: onnx.MatMul
// Asymmetric 4-bit, groups of 2 along K: two codes per byte (first in the
// low nibble), scales and zero points [N, G] = [3, 2].
// ASYM-LABEL: func.func @matmul
// ASYM: qopt.weight_matmul %arg0, %{{.*}}, %{{.*}} zero_point %{{.*}} {bits = 4 : i64, group_size = 2 : i64, {{.*}}qopt.scheme = "w4a16-rtn asym group 2"{{.*}}} : tensor<2x4xf32>, tensor<3x2xui8>, tensor<3x2xf32>, tensor<3x2xui8> -> tensor<2x3xf32>
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[127.0, 0.5, -2.0], [-63.5, 1.0, 4.0], [0.0, -0.25, 1.0], [1.0, 1.0, 8.0]]> : tensor<4x3xf32>
  %y = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Gemm with transB = 1: B is already [N, K], the weight_matmul layout
// (row 0: 4/127 scale, codes 32, 64, 95, 127 + 128).
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK: %[[W:.*]] = onnx.Constant dense<{{\[}}[160, 192, 223, 255], [64, 160, 128, 255], [160, 192, 223, 255]]> : tensor<3x4xui8>
// CHECK: qopt.weight_matmul %arg0, %[[W]], %{{.*}} {bits = 8 : i64, qopt.bits = 8 : i64, qopt.scheme = "w8a16-rtn sym per-channel", qopt.weight_sqnr_db = {{.*}}} : tensor<2x4xf32>, tensor<3x4xui8>, tensor<3x1xf32> -> tensor<2x3xf32>
// CHECK-NOT: onnx.Gemm
// ASYM-LABEL: func.func @gemm_trans_b
// ASYM: qopt.weight_matmul %arg0, %{{.*}}, %{{.*}} zero_point %{{.*}} {bits = 4 : i64, group_size = 2 : i64, {{.*}}} : tensor<2x4xf32>, tensor<3x2xui8>, tensor<3x2xf32>, tensor<3x2xui8> -> tensor<2x3xf32>
func.func @gemm_trans_b(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<3x4xf32>
  %none = onnx.NoValue
  %y = onnx.Gemm %x, %w, %none {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, none) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Gemm with transB = 0, alpha and beta: B [K, N] is transposed, alpha = 2
// is folded into the weight (scales 2x those of @gemm_trans_b, same codes),
// beta * C = 0.5 * [2, 4, 6] is the bias.
// CHECK-LABEL: func.func @gemm_alpha_beta
// CHECK-DAG: %[[W:.*]] = onnx.Constant dense<{{\[}}[160, 192, 223, 255], [64, 160, 128, 255], [160, 192, 223, 255]]> : tensor<3x4xui8>
// CHECK-DAG: %[[S:.*]] = onnx.Constant dense<{{\[}}[0.0629{{[0-9]+}}], [0.0314{{[0-9]+}}], [0.0062{{[0-9]+}}]]> : tensor<3x1xf32>
// CHECK-DAG: %[[B:.*]] = onnx.Constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: qopt.weight_matmul %arg0, %[[W]], %[[S]] bias %[[B]] {{.*}} : tensor<2x4xf32>, tensor<3x4xui8>, tensor<3x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
func.func @gemm_alpha_beta(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[1.0, -1.0, 0.1], [2.0, 0.5, 0.2], [3.0, 0.0, 0.3], [4.0, 2.0, 0.4]]> : tensor<4x3xf32>
  %c = onnx.Constant dense<[2.0, 4.0, 6.0]> : tensor<3xf32>
  %y = onnx.Gemm %x, %w, %c {alpha = 2.0 : f32, beta = 0.5 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// transA = 1: keeps the Gemm with the weight behind DequantizeLinear, and
// says why.
// CHECK-LABEL: func.func @gemm_trans_a
// CHECK: onnx.DequantizeLinear {{.*}} : (tensor<4x3xi8>, tensor<3xf32>, none) -> tensor<4x3xf32>
// CHECK: onnx.Gemm {{.*}}qopt.dq_reason = "transA=1 (the quantized matmuls read A as [M, K])", qopt.scheme = "w8a16-rtn sym per-channel"
func.func @gemm_trans_a(%x: tensor<4x2xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[1.0, -1.0, 0.1], [2.0, 0.5, 0.2], [3.0, 0.0, 0.3], [4.0, 2.0, 0.4]]> : tensor<4x3xf32>
  %none = onnx.NoValue
  %y = onnx.Gemm %x, %w, %none {transA = 1 : i64} : (tensor<4x2xf32>, tensor<4x3xf32>, none) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Conv: per output channel (axis 0) whatever the group size.
// CHECK-LABEL: func.func @conv
// CHECK: onnx.DequantizeLinear {{.*}} {axis = 0 : i64} : (tensor<2x1x3x3xi8>, tensor<2xf32>, none) -> tensor<2x1x3x3xf32>
// CHECK: onnx.Conv {{.*}}qopt.scheme = "w8a16-rtn sym per-channel"
// ASYM-LABEL: func.func @conv
// ASYM: onnx.DequantizeLinear {{.*}} {axis = 0 : i64} : (tensor<2x1x3x3xui8>, tensor<2xf32>, tensor<2xui8>)
// ASYM: qopt.scheme = "w4a16-rtn asym per-channel (conv: per output channel, group-size applies to matmuls)"
func.func @conv(%x: tensor<1x1x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %w = onnx.Constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]]> : tensor<2x1x3x3xf32>
  %none = onnx.NoValue
  %y = onnx.Conv %x, %w, %none : (tensor<1x1x5x5xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Two activations: stays float, and says why.
// CHECK-LABEL: func.func @activations
// CHECK-NOT: onnx.DequantizeLinear
// CHECK: onnx.MatMul %arg0, %arg1 {qopt.float_reason = "weight B is not a constant (activation x activation matmul)"}
func.func @activations(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %y = onnx.MatMul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
