// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s
// RUN: quant-opt %s --split-input-file | quant-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// ROUNDTRIP-LABEL: func.func @matmul_2d
// ROUNDTRIP: onnx.MatMul
// CHECK-LABEL: func.func @matmul_2d
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<*xf32> {
  // CHECK: onnx.MatMul {{.*}} -> tensor<3x5xf32>
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch_broadcast
func.func @matmul_batch_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<7x4x?xf32>) -> tensor<*xf32> {
  // CHECK: onnx.MatMul {{.*}} -> tensor<2x7x3x?xf32>
  %0 = onnx.MatMul %a, %b : (tensor<2x1x3x4xf32>, tensor<7x4x?xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_vectors
func.func @matmul_vectors(%a: tensor<4xf32>, %b: tensor<2x4x5xf32>, %c: tensor<4xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.MatMul {{.*}} -> tensor<2x5xf32>
  %0 = onnx.MatMul %a, %b : (tensor<4xf32>, tensor<2x4x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.MatMul {{.*}} -> tensor<f32>
  %1 = onnx.MatMul %a, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_unranked
func.func @matmul_unranked(%a: tensor<*xf32>, %b: tensor<4x5xf32>) -> tensor<*xf32> {
  // CHECK: onnx.MatMul {{.*}} -> tensor<*xf32>
  %0 = onnx.MatMul %a, %b : (tensor<*xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @gemm_trans
func.func @gemm_trans(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Gemm {{.*}} -> tensor<3x5xf32>
  %0 = onnx.Gemm %a, %b, %c {alpha = 2.0 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @gemm_no_c_dynamic
func.func @gemm_no_c_dynamic(%a: tensor<?x3xf32>, %b: tensor<*xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.Gemm {{.*}} -> tensor<?x?xf32>
  %0 = onnx.Gemm %a, %b, %none : (tensor<?x3xf32>, tensor<*xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv2d_pads_strides
func.func @conv2d_pads_strides(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Conv {{.*}} -> tensor<1x64x112x112xf32>
  %0 = onnx.Conv %x, %w, %b {pads = [3, 3, 3, 3], strides = [2, 2]} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv1d_dilated_group
func.func @conv1d_dilated_group(%x: tensor<2x8x20xf32>, %w: tensor<4x2x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // (20 - ((3-1)*2+1)) / 1 + 1 = 16
  // CHECK: onnx.Conv {{.*}} -> tensor<2x4x16xf32>
  %0 = onnx.Conv %x, %w, %none {dilations = [2], group = 4 : i64} : (tensor<2x8x20xf32>, tensor<4x2x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv3d_same_upper
func.func @conv3d_same_upper(%x: tensor<1x2x9x10x11xf32>, %w: tensor<4x2x3x3x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.Conv {{.*}} -> tensor<1x4x5x5x6xf32>
  %0 = onnx.Conv %x, %w, %none {auto_pad = "SAME_UPPER", strides = [2, 2, 2]} : (tensor<1x2x9x10x11xf32>, tensor<4x2x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_valid_dynamic
func.func @conv_valid_dynamic(%x: tensor<?x3x?x32xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.Conv {{.*}} -> tensor<?x8x?x30xf32>
  %0 = onnx.Conv %x, %w, %none {auto_pad = "VALID"} : (tensor<?x3x?x32xf32>, tensor<8x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_unranked_input
func.func @conv_unranked_input(%x: tensor<*xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.Conv {{.*}} -> tensor<?x8x?x?xf32>
  %0 = onnx.Conv %x, %w, %none : (tensor<*xf32>, tensor<8x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // 2 * (5 - 1) + 1 + 3 - 1 - 1 = 10; group 2 -> 6 output channels
  // CHECK: onnx.ConvTranspose {{.*}} -> tensor<1x6x10x10xf32>
  %0 = onnx.ConvTranspose %x, %w, %none {group = 2 : i64, output_padding = [1, 1], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose_output_shape
func.func @conv_transpose_output_shape(%x: tensor<?x4x?xf32>, %w: tensor<4x3x3xf32>, %b: tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.ConvTranspose {{.*}} -> tensor<?x3x21xf32>
  %0 = onnx.ConvTranspose %x, %w, %b {output_shape = [21], strides = [2]} : (tensor<?x4x?xf32>, tensor<4x3x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  // CHECK: onnx.ConvTranspose {{.*}} -> tensor<?x3x?xf32>
  %1 = onnx.ConvTranspose %x, %w, %b {auto_pad = "SAME_UPPER", strides = [2]} : (tensor<?x4x?xf32>, tensor<4x3x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @maxpool_ceil
func.func @maxpool_ceil(%x: tensor<1x3x32x32xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // (32 - 3) / 2 -> ceil 14.5 -> 15 + 1 = 16
  // CHECK: onnx.MaxPool {{.*}} -> (tensor<1x3x16x16xf32>, tensor<1x3x16x16xi64>)
  %0, %1 = onnx.MaxPool %x {ceil_mode = 1 : i64, kernel_shape = [3, 3], strides = [2, 2]} : (tensor<1x3x32x32xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

// CHECK-LABEL: func.func @maxpool_ceil_drops_padding_window
func.func @maxpool_ceil_drops_padding_window(%x: tensor<1x1x5x5xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // span = 5 + 2 - 2 = 5; ceil(5 / 2) + 1 = 4, but window 4 would start at
  // 6 >= 5 + 1 (in the end padding), so 3.
  // CHECK: onnx.MaxPool {{.*}} -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>)
  %0, %1 = onnx.MaxPool %x {ceil_mode = 1 : i64, kernel_shape = [2, 2], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x1x5x5xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

// CHECK-LABEL: func.func @maxpool_dynamic
func.func @maxpool_dynamic(%x: tensor<?x3x?x16xi8>, %u: tensor<*xf32>) -> (tensor<*xi8>, tensor<*xf32>) {
  // CHECK: onnx.MaxPool {{.*}} -> (tensor<?x3x?x8xi8>, tensor<?x3x?x8xi64>)
  %0, %1 = onnx.MaxPool %x {auto_pad = "SAME_LOWER", kernel_shape = [3, 3], strides = [2, 2]} : (tensor<?x3x?x16xi8>) -> (tensor<*xi8>, tensor<*xi64>)
  // CHECK: onnx.MaxPool {{.*}} -> (tensor<?x?x?xf32>, tensor<?x?x?xi64>)
  %2, %3 = onnx.MaxPool %u {kernel_shape = [2]} : (tensor<*xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %2 : tensor<*xi8>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @averagepool
func.func @averagepool(%x: tensor<1x3x10x10xf32>) -> tensor<*xf32> {
  // dilated kernel 5: (10 + 2 - 5) / 1 + 1 = 8
  // CHECK: onnx.AveragePool {{.*}} -> tensor<1x3x8x8xf32>
  %0 = onnx.AveragePool %x {count_include_pad = 1 : i64, dilations = [2, 2], kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x3x10x10xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @averagepool_dynamic
func.func @averagepool_dynamic(%x: tensor<?x3x?xf16>) -> tensor<*xf16> {
  // CHECK: onnx.AveragePool {{.*}} -> tensor<?x3x?xf16>
  %0 = onnx.AveragePool %x {kernel_shape = [3]} : (tensor<?x3x?xf16>) -> tensor<*xf16>
  return %0 : tensor<*xf16>
}

// -----

// CHECK-LABEL: func.func @global_pools
func.func @global_pools(%x: tensor<2x3x7x9xf32>, %y: tensor<?x?x?xf32>, %z: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.GlobalAveragePool {{.*}} -> tensor<2x3x1x1xf32>
  %0 = onnx.GlobalAveragePool %x : (tensor<2x3x7x9xf32>) -> tensor<*xf32>
  // CHECK: onnx.GlobalMaxPool {{.*}} -> tensor<?x?x1xf32>
  %1 = onnx.GlobalMaxPool %y : (tensor<?x?x?xf32>) -> tensor<*xf32>
  // CHECK: onnx.GlobalAveragePool {{.*}} -> tensor<*xf32>
  %2 = onnx.GlobalAveragePool %z : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
