// RUN: quant-opt %s --split-input-file --qopt-rtn="bits=8" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qopt-rtn="bits=4 group-size=2 sym=false" \
// RUN:   | FileCheck %s --check-prefix=ASYM

// Per output channel (columns of B), symmetric: scale = max|w| / 127, codes
// rounded half to even (-63.5 -> -64, 63.5 -> 64, -31.75 -> -32).
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[Q:.*]] = onnx.Constant dense<{{\[}}[127, 64, -32], [-64, 127, 64], [0, -32, 16], [1, 127, 127]]> : tensor<4x3xi8>
// CHECK-DAG: %[[S:.*]] = onnx.Constant dense<[1.000000e+00, 0.00787{{[0-9]+}}, 0.0629{{[0-9]+}}]> : tensor<3xf32>
// CHECK: %[[W:.*]] = onnx.DequantizeLinear %[[Q]], %[[S]], %{{[0-9]+}} : (tensor<4x3xi8>, tensor<3xf32>, none) -> tensor<4x3xf32>
// CHECK: onnx.MatMul %arg0, %[[W]] {qopt.bits = 8 : i64, qopt.scheme = "w8a16-rtn sym per-channel", qopt.weight_sqnr_db = {{.*}}}
// ASYM-LABEL: func.func @matmul
// ASYM-DAG: onnx.Constant {{.*}} : tensor<4x3xui8>
// ASYM-DAG: onnx.Constant {{.*}} : tensor<2x3xf32>
// ASYM-DAG: onnx.Constant {{.*}} : tensor<2x3xui8>
// ASYM: onnx.DequantizeLinear {{.*}} {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x3xui8>, tensor<2x3xf32>, tensor<2x3xui8>) -> tensor<4x3xf32>
// ASYM: qopt.scheme = "w4a16-rtn asym group 2"
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[127.0, 0.5, -2.0], [-63.5, 1.0, 4.0], [0.0, -0.25, 1.0], [1.0, 1.0, 8.0]]> : tensor<4x3xf32>
  %y = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Gemm with transB = 1: B is [N, K], the channel axis is 0.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK: onnx.DequantizeLinear {{.*}} {axis = 0 : i64} : (tensor<3x4xi8>, tensor<3xf32>, none) -> tensor<3x4xf32>
// CHECK: onnx.Gemm {{.*}}qopt.scheme = "w8a16-rtn sym per-channel"
// ASYM-LABEL: func.func @gemm_trans_b
// ASYM: onnx.DequantizeLinear {{.*}} {block_size = 2 : i64} : (tensor<3x4xui8>, tensor<3x2xf32>, tensor<3x2xui8>) -> tensor<3x4xf32>
func.func @gemm_trans_b(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<3x4xf32>
  %none = onnx.NoValue
  %y = onnx.Gemm %x, %w, %none {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, none) -> tensor<2x3xf32>
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
