// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// A linear layer with a constant-shaped weight: the rows of all leading
// (dynamic) dims go through one 2-D linalg.matmul; two dynamic dims come
// back with tensor.reshape (one would use tensor.expand_shape).
// CHECK-LABEL: func.func @matmul_linear
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x64xf32> into tensor<?x64xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[A]], %arg1 : tensor<?x64xf32>, tensor<64x256xf32>)
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xindex>
// CHECK: tensor.reshape %[[MM]](%[[SHAPE]]) : (tensor<?x256xf32>, tensor<3xindex>) -> tensor<?x?x256xf32>
func.func @matmul_linear(%a: tensor<?x?x64xf32>, %b: tensor<64x256xf32>) -> tensor<?x?x256xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<?x?x64xf32>, tensor<64x256xf32>) -> tensor<?x?x256xf32>
  return %0 : tensor<?x?x256xf32>
}

// -----

// Attention scores: equal batch dims collapse into one batch_matmul.
// CHECK-LABEL: func.func @matmul_attention
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1], [2], [3]] : tensor<?x8x?x64xf32> into tensor<?x?x64xf32>
// CHECK: tensor.collapse_shape %arg1 {{\[}}[0, 1], [2], [3]] : tensor<?x8x64x?xf32> into tensor<?x64x?xf32>
// CHECK: %[[BMM:.*]] = linalg.batch_matmul
// CHECK: tensor.expand_shape %[[BMM]] {{\[}}[0, 1], [2], [3]] {{.*}} into tensor<?x8x?x?xf32>
func.func @matmul_attention(%a: tensor<?x8x?x64xf32>, %b: tensor<?x8x64x?xf32>) -> tensor<?x8x?x?xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<?x8x?x64xf32>, tensor<?x8x64x?xf32>) -> tensor<?x8x?x?xf32>
  return %0 : tensor<?x8x?x?xf32>
}

// -----

// Broadcast batch dims: a contraction generic whose maps read the static 1
// at index 0 and align the shorter operand to the right.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_broadcast(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// 1-D operands: vecmat / matvec / dot; integers accumulate in their type.
// CHECK-LABEL: func.func @matmul_vectors
// CHECK: linalg.vecmat ins(%arg0, %arg1 : tensor<8xi32>, tensor<8x5xi32>) outs(%{{.*}} : tensor<5xi32>)
// CHECK: linalg.matvec ins(%arg1, %arg2 : tensor<8x5xi32>, tensor<5xi32>) outs(%{{.*}} : tensor<8xi32>)
// CHECK: linalg.dot ins(%arg2, %arg2 : tensor<5xi32>, tensor<5xi32>) outs(%{{.*}} : tensor<i32>)
func.func @matmul_vectors(%a: tensor<8xi32>, %b: tensor<8x5xi32>, %c: tensor<5xi32>) -> (tensor<5xi32>, tensor<8xi32>, tensor<i32>) {
  %0 = onnx.MatMul %a, %b : (tensor<8xi32>, tensor<8x5xi32>) -> tensor<5xi32>
  %1 = onnx.MatMul %b, %c : (tensor<8x5xi32>, tensor<5xi32>) -> tensor<8xi32>
  %2 = onnx.MatMul %c, %c : (tensor<5xi32>, tensor<5xi32>) -> tensor<i32>
  return %0, %1, %2 : tensor<5xi32>, tensor<8xi32>, tensor<i32>
}

// -----

// f16 accumulates in f32 and is truncated at the end.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<?x8xf16>, tensor<8x4xf16>) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_f16(%a: tensor<?x8xf16>, %b: tensor<8x4xf16>) -> tensor<?x4xf16> {
  %0 = onnx.MatMul %a, %b : (tensor<?x8xf16>, tensor<8x4xf16>) -> tensor<?x4xf16>
  return %0 : tensor<?x4xf16>
}

// -----

// Gemm: transB as a matmul indexing map; alpha != 1 scales afterwards and
// adds beta * C broadcast along the rows.
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #{{.*}}] ins(%arg0, %arg1
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #{{.*}}]{{.*}} ins(%[[MM]], %arg2
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @gemm(%a: tensor<?x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = onnx.Gemm %a, %b, %c {transB = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32} : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Gemm with alpha 1: the matmul accumulates into C.
// CHECK-LABEL: func.func @gemm_bias_init
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<3x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<3x6xf32>, tensor<6x4xf32>) outs(%[[C]] : tensor<3x4xf32>)
func.func @gemm_bias_init(%a: tensor<3x6xf32>, %b: tensor<6x4xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = onnx.Gemm %a, %b, %c : (tensor<3x6xf32>, tensor<6x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Conv with dynamic batch and spatial dims: tensor.pad, the bias broadcast
// into the init, conv_2d_nchw_fchw with the strides.
// CHECK-LABEL: func.func @conv_dynamic
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[H:.*]] = tensor.dim %[[P]], %c2
// CHECK: affine.apply #{{.*}}()[%[[H]]]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<8xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %arg1 : tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>) outs(%[[BIAS]] : tensor<?x8x?x?xf32>)
func.func @conv_dynamic(%x: tensor<?x3x?x?xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<?x8x?x?xf32> {
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<?x8x?x?xf32>
  return %0 : tensor<?x8x?x?xf32>
}

// -----

// Depthwise (group = C = M) with SAME_UPPER padding.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.collapse_shape %arg1 {{\[}}[0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @conv_depthwise(%x: tensor<?x8x16x16xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<?x8x16x16xf32> {
  %n = onnx.NoValue
  %0 = onnx.Conv %x, %w, %n {group = 8 : i64, auto_pad = "SAME_UPPER"} : (tensor<?x8x16x16xf32>, tensor<8x1x3x3xf32>, none) -> tensor<?x8x16x16xf32>
  return %0 : tensor<?x8x16x16xf32>
}

// -----

// Grouped 2-D conv: channels split into (group, per-group) dims.
// CHECK-LABEL: func.func @conv_grouped
// CHECK: tensor.expand_shape %arg0 {{\[}}[0], [1, 2], [3], [4]] {{.*}} into tensor<1x2x2x5x5xf32>
// CHECK: tensor.expand_shape %arg1 {{\[}}[0, 1], [2], [3], [4]] {{.*}} into tensor<2x3x2x3x3xf32>
// CHECK: %[[G:.*]] = linalg.conv_2d_ngchw_gfchw
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %n = onnx.NoValue
  %0 = onnx.Conv %x, %w, %n {group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, none) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}

// -----

// Grouped 1-D conv has no named op: a grouped convolution generic.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 * 2 + d5 * 2)>
// CHECK-LABEL: func.func @conv_grouped_1d
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
func.func @conv_grouped_1d(%x: tensor<?x4x9xf32>, %w: tensor<6x2x2xf32>) -> tensor<?x6x4xf32> {
  %n = onnx.NoValue
  %0 = onnx.Conv %x, %w, %n {group = 2 : i64, strides = [2], dilations = [2]} : (tensor<?x4x9xf32>, tensor<6x2x2xf32>, none) -> tensor<?x6x4xf32>
  return %0 : tensor<?x6x4xf32>
}

// -----

// ConvTranspose: x inserted with the strides into zeros padded by
// extent - 1 - pad, the kernel flipped with channels swapped, then a
// stride-1 convolution.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[D:.*]] = tensor.insert_slice %arg0 into %[[Z]][0, 0, 2, 2] [%{{.*}}, 1, 3, 3] [1, 1, 2, 2]
// CHECK: linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}]
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[D]]
func.func @conv_transpose(%x: tensor<?x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<?x2x7x7xf32> {
  %n = onnx.NoValue
  %0 = onnx.ConvTranspose %x, %w, %n {strides = [2, 2]} : (tensor<?x1x3x3xf32>, tensor<1x2x3x3xf32>, none) -> tensor<?x2x7x7xf32>
  return %0 : tensor<?x2x7x7xf32>
}

// -----

// Pads larger than the kernel extent: the convolution result is sliced.
// CHECK-LABEL: func.func @conv_transpose_slice
// CHECK: %[[C:.*]] = linalg.conv_1d_ncw_fcw
// CHECK: tensor.extract_slice %[[C]][0, 0, 2] [1, 1, 5] [1, 1, 1]
func.func @conv_transpose_slice(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x5xf32> {
  %n = onnx.NoValue
  %0 = onnx.ConvTranspose %x, %w, %n {strides = [2], pads = [3, 0]} : (tensor<1x1x4xf32>, tensor<1x1x2xf32>, none) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// -----

// MaxPool: -inf padding and pooling_nchw_max; the unused Indices result is
// dropped.
// CHECK-LABEL: func.func @maxpool
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]]
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x3x?x?xf32>, tensor<3x3xf32>)
func.func @maxpool(%x: tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32> {
  %y, %i = onnx.MaxPool %x {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<?x3x?x?xf32>) -> (tensor<?x3x?x?xf32>, tensor<?x3x?x?xi64>)
  return %y : tensor<?x3x?x?xf32>
}

// -----

// uint8 MaxPool pads with 0 and compares unsigned; Indices is the
// flattened position of the first maximum.
// CHECK-LABEL: func.func @maxpool_indices
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: arith.cmpi ugt
func.func @maxpool_indices(%x: tensor<1x1x4x4xui8>) -> (tensor<1x1x2x2xui8>, tensor<1x1x2x2xi64>) {
  %y, %i = onnx.MaxPool %x {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xui8>) -> (tensor<1x1x2x2xui8>, tensor<1x1x2x2xi64>)
  return %y, %i : tensor<1x1x2x2xui8>, tensor<1x1x2x2xi64>
}

// -----

// AveragePool without count_include_pad: pooling_nchw_sum, then a divisor
// computed per output position from the window clipped to the input.
// CHECK-LABEL: func.func @averagepool
// CHECK: linalg.pooling_nchw_sum
// CHECK: linalg.generic
// CHECK: linalg.index 2
// CHECK: arith.ceildivsi
// CHECK: arith.floordivsi
// CHECK: arith.divf
func.func @averagepool(%x: tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32> {
  %0 = onnx.AveragePool %x {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
  return %0 : tensor<?x3x8x8xf32>
}

// -----

// With count_include_pad (and in 3-D, a pooling generic) the divisor is the
// kernel size.
// CHECK-LABEL: func.func @averagepool_3d
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[K:.*]] = arith.constant 8.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[K]]
func.func @averagepool_3d(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x3x3x3xf32> {
  %0 = onnx.AveragePool %x {kernel_shape = [2, 2, 2], count_include_pad = 1 : i64} : (tensor<1x2x4x4x4xf32>) -> tensor<1x2x3x3x3xf32>
  return %0 : tensor<1x2x3x3x3xf32>
}

// -----

// Global pools: linalg.reduce over the spatial dims, expanded back to
// (N, C, 1, 1).
// CHECK-LABEL: func.func @global_pools
// CHECK: linalg.reduce ins(%arg0 : tensor<?x8x?x?xf32>) {{.*}} dimensions = [2, 3]
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [%{{.*}}, 8, 1, 1]
// CHECK: linalg.reduce ins(%arg0 : tensor<?x8x?x?xf32>) {{.*}} dimensions = [2, 3]
// CHECK: arith.maximumf
func.func @global_pools(%x: tensor<?x8x?x?xf32>) -> (tensor<?x8x1x1xf32>, tensor<?x8x1x1xf32>) {
  %0 = onnx.GlobalAveragePool %x : (tensor<?x8x?x?xf32>) -> tensor<?x8x1x1xf32>
  %1 = onnx.GlobalMaxPool %x : (tensor<?x8x?x?xf32>) -> tensor<?x8x1x1xf32>
  return %0, %1 : tensor<?x8x1x1xf32>, tensor<?x8x1x1xf32>
}
