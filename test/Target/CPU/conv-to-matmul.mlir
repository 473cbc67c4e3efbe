// RUN: quant-opt %s --qopt-cpu-conv-to-matmul --split-input-file | FileCheck %s

// Static batch, 3x3 kernel: the input is copied into the transposed im2col
// matrix colT[C*KH*KW, N*OH*OW], the filter is reshaped to [F, C*KH*KW], and
// one matmul accumulates into the conv's init permuted to [F, N*OH*OW].
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[$FNHW:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-LABEL: func.func @static_3x3
// CHECK-SAME: (%[[IN:.+]]: tensor<2x3x10x10xf32>, %[[FILTER:.+]]: tensor<8x3x3x3xf32>, %[[INIT:.+]]: tensor<2x8x8x8xf32>)
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: %[[COLT:.+]] = linalg.generic {indexing_maps = [#[[$COL]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[IN]] : tensor<2x3x10x10xf32>) outs(%{{.*}} : tensor<3x3x3x2x8x8xf32>)
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[COLT]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x3x3x2x8x8xf32> into tensor<27x128xf32>
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[FILTER]] {{\[}}[0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK: %[[ACC4:.+]] = linalg.generic {indexing_maps = [#[[$FNHW]], {{.*}}]{{.*}} ins(%[[INIT]] : tensor<2x8x8x8xf32>) outs(%{{.*}} : tensor<8x2x8x8xf32>)
// CHECK: %[[ACC:.+]] = tensor.collapse_shape %[[ACC4]] {{\[}}[0], [1, 2, 3]] : tensor<8x2x8x8xf32> into tensor<8x128xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<8x27xf32>, tensor<27x128xf32>) outs(%[[ACC]] : tensor<8x128xf32>) -> tensor<8x128xf32>
// CHECK: %[[EXP:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0], [1, 2, 3]] output_shape [8, 2, 8, 8] : tensor<8x128xf32> into tensor<8x2x8x8xf32>
// CHECK: %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[$FNHW]], {{.*}}]{{.*}} ins(%[[EXP]] : tensor<8x2x8x8xf32>) outs(%{{.*}} : tensor<2x8x8x8xf32>)
// CHECK: return %[[OUT]]
func.func @static_3x3(%in: tensor<2x3x10x10xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<2x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  return %0 : tensor<2x8x8x8xf32>
}

// -----

// Dynamic batch, strides (2, 2) and dilations (2, 1): the im2col map scales
// the output position by the stride and the kernel position by the dilation.
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1 * 2, d5 * 2 + d2)>
// CHECK-LABEL: func.func @dynamic_strided_dilated
// CHECK-SAME: (%[[IN:.+]]: tensor<?x3x11x11xf32>, %[[FILTER:.+]]: tensor<8x3x3x3xf32>, %[[INIT:.+]]: tensor<?x8x4x5xf32>)
// CHECK: %[[N:.+]] = tensor.dim %[[INIT]], %c0
// CHECK: tensor.empty(%[[N]]) : tensor<3x3x3x?x4x5xf32>
// CHECK: %[[COLT:.+]] = linalg.generic {indexing_maps = [#[[$COL]], {{.*}}]{{.*}} ins(%[[IN]] : tensor<?x3x11x11xf32>) outs(%{{.*}} : tensor<3x3x3x?x4x5xf32>)
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[COLT]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x3x3x?x4x5xf32> into tensor<27x?xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%{{.*}}, %[[RHS]] : tensor<8x27xf32>, tensor<27x?xf32>) outs(%{{.*}} : tensor<8x?xf32>) -> tensor<8x?xf32>
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0], [1, 2, 3]] output_shape [8, %[[N]], 4, 5] : tensor<8x?xf32> into tensor<8x?x4x5xf32>
// CHECK: -> tensor<?x8x4x5xf32>
func.func @dynamic_strided_dilated(%in: tensor<?x3x11x11xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<?x8x4x5xf32>) -> tensor<?x8x4x5xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%in, %w : tensor<?x3x11x11xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<?x8x4x5xf32>) -> tensor<?x8x4x5xf32>
  return %0 : tensor<?x8x4x5xf32>
}

// -----

// 1x1 kernel, stride 1: no kernel dimensions, the im2col is a permutation of
// the input (NCHW -> CNHW) and the filter a reshape.
// CHECK-DAG: #[[$PERM:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-LABEL: func.func @pointwise
// CHECK: linalg.generic {indexing_maps = [#[[$PERM]], {{.*}}]{{.*}} ins(%{{.*}} : tensor<1x16x7x7xf32>) outs(%{{.*}} : tensor<16x1x7x7xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<32x16x1x1xf32> into tensor<32x16xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x49xf32>) outs(%{{.*}} : tensor<32x49xf32>)
func.func @pointwise(%in: tensor<1x16x7x7xf32>, %w: tensor<32x16x1x1xf32>, %init: tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<1x16x7x7xf32>, tensor<32x16x1x1xf32>) outs(%init : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// Grouped, static batch: the group is a leading batch dimension of the
// im2col [G, C/G*KH*KW, N*OH*OW], of the filter [G, F/G, C/G*KH*KW] and of the
// init permuted to [G, F/G, N*OH*OW]; one batch_matmul, permuted back.
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d1, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[$TOACC:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d0, d1, d3, d4)>
// CHECK-DAG: #[[$FROMACC:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d0, d3, d4)>
// CHECK-LABEL: func.func @grouped_static
// CHECK-SAME: (%[[IN:.+]]: tensor<2x2x3x5x5xf32>, %[[FILTER:.+]]: tensor<2x4x3x3x3xf32>, %[[INIT:.+]]: tensor<2x2x4x3x3xf32>)
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: %[[COLT:.+]] = linalg.generic {indexing_maps = [#[[$COL]], {{.*}}]{{.*}} ins(%[[IN]] : tensor<2x2x3x5x5xf32>) outs(%{{.*}} : tensor<2x3x3x3x2x3x3xf32>)
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[COLT]] {{\[}}[0], [1, 2, 3], [4, 5, 6]] : tensor<2x3x3x3x2x3x3xf32> into tensor<2x27x18xf32>
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[FILTER]] {{\[}}[0], [1], [2, 3, 4]] : tensor<2x4x3x3x3xf32> into tensor<2x4x27xf32>
// CHECK: %[[ACC5:.+]] = linalg.generic {indexing_maps = [#[[$TOACC]], {{.*}}]{{.*}} ins(%[[INIT]] : tensor<2x2x4x3x3xf32>) outs(%{{.*}} : tensor<2x4x2x3x3xf32>)
// CHECK: %[[ACC:.+]] = tensor.collapse_shape %[[ACC5]] {{\[}}[0], [1], [2, 3, 4]] : tensor<2x4x2x3x3xf32> into tensor<2x4x18xf32>
// CHECK: %[[MM:.+]] = linalg.batch_matmul ins(%[[LHS]], %[[RHS]] : tensor<2x4x27xf32>, tensor<2x27x18xf32>) outs(%[[ACC]] : tensor<2x4x18xf32>) -> tensor<2x4x18xf32>
// CHECK: %[[EXP:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0], [1], [2, 3, 4]] output_shape [2, 4, 2, 3, 3] : tensor<2x4x18xf32> into tensor<2x4x2x3x3xf32>
// CHECK: %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[$FROMACC]], {{.*}}]{{.*}} ins(%[[EXP]] : tensor<2x4x2x3x3xf32>) outs(%{{.*}} : tensor<2x2x4x3x3xf32>)
// CHECK: return %[[OUT]]
func.func @grouped_static(%in: tensor<2x2x3x5x5xf32>, %w: tensor<2x4x3x3x3xf32>, %init: tensor<2x2x4x3x3xf32>) -> tensor<2x2x4x3x3xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<2x2x3x5x5xf32>, tensor<2x4x3x3x3xf32>) outs(%init : tensor<2x2x4x3x3xf32>) -> tensor<2x2x4x3x3xf32>
  return %0 : tensor<2x2x4x3x3xf32>
}

// -----

// Grouped, dynamic batch, strides (2, 2) and dilations (2, 1).
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d1, d5 * 2 + d2 * 2, d6 * 2 + d3)>
// CHECK-LABEL: func.func @grouped_dynamic
// CHECK-SAME: (%[[IN:.+]]: tensor<?x2x3x11x11xf32>, %[[FILTER:.+]]: tensor<2x4x3x3x3xf32>, %[[INIT:.+]]: tensor<?x2x4x4x5xf32>)
// CHECK: %[[N:.+]] = tensor.dim %[[INIT]], %c0
// CHECK: tensor.empty(%[[N]]) : tensor<2x3x3x3x?x4x5xf32>
// CHECK: %[[COLT:.+]] = linalg.generic {indexing_maps = [#[[$COL]], {{.*}}]{{.*}} ins(%[[IN]] : tensor<?x2x3x11x11xf32>) outs(%{{.*}} : tensor<2x3x3x3x?x4x5xf32>)
// CHECK: %[[RHS:.+]] = tensor.collapse_shape %[[COLT]] {{\[}}[0], [1, 2, 3], [4, 5, 6]] : tensor<2x3x3x3x?x4x5xf32> into tensor<2x27x?xf32>
// CHECK: %[[MM:.+]] = linalg.batch_matmul ins(%{{.*}}, %[[RHS]] : tensor<2x4x27xf32>, tensor<2x27x?xf32>) outs(%{{.*}} : tensor<2x4x?xf32>) -> tensor<2x4x?xf32>
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0], [1], [2, 3, 4]] output_shape [2, 4, %[[N]], 4, 5] : tensor<2x4x?xf32> into tensor<2x4x?x4x5xf32>
// CHECK: -> tensor<?x2x4x4x5xf32>
func.func @grouped_dynamic(%in: tensor<?x2x3x11x11xf32>, %w: tensor<2x4x3x3x3xf32>, %init: tensor<?x2x4x4x5xf32>) -> tensor<?x2x4x4x5xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%in, %w : tensor<?x2x3x11x11xf32>, tensor<2x4x3x3x3xf32>) outs(%init : tensor<?x2x4x4x5xf32>) -> tensor<?x2x4x4x5xf32>
  return %0 : tensor<?x2x4x4x5xf32>
}

// -----

// Integer convolutions (plain and grouped), grouped ones with a dynamic filter
// and depthwise convolutions are left as they are.
// CHECK-LABEL: func.func @unchanged
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK: linalg.depthwise_conv_2d_nchw_chw
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.batch_matmul
func.func @unchanged(%a: tensor<1x3x5x5xi8>, %b: tensor<4x3x3x3xi8>, %c: tensor<1x4x3x3xi32>,
                     %d: tensor<1x2x3x5x5xi8>, %e: tensor<2x4x3x3x3xi8>, %f: tensor<1x2x4x3x3xi32>,
                     %g: tensor<1x3x5x5xf32>, %h: tensor<3x3x3xf32>, %i: tensor<1x3x3x3xf32>,
                     %j: tensor<1x2x3x5x5xf32>, %k: tensor<2x?x3x3x3xf32>, %l: tensor<1x2x?x3x3xf32>)
    -> (tensor<1x4x3x3xi32>, tensor<1x2x4x3x3xi32>, tensor<1x2x?x3x3xf32>, tensor<1x3x3x3xf32>) {
  %0 = linalg.conv_2d_nchw_fchw ins(%a, %b : tensor<1x3x5x5xi8>, tensor<4x3x3x3xi8>) outs(%c : tensor<1x4x3x3xi32>) -> tensor<1x4x3x3xi32>
  %1 = linalg.conv_2d_ngchw_gfchw ins(%d, %e : tensor<1x2x3x5x5xi8>, tensor<2x4x3x3x3xi8>) outs(%f : tensor<1x2x4x3x3xi32>) -> tensor<1x2x4x3x3xi32>
  %3 = linalg.conv_2d_ngchw_gfchw ins(%j, %k : tensor<1x2x3x5x5xf32>, tensor<2x?x3x3x3xf32>) outs(%l : tensor<1x2x?x3x3xf32>) -> tensor<1x2x?x3x3xf32>
  %2 = linalg.depthwise_conv_2d_nchw_chw ins(%g, %h : tensor<1x3x5x5xf32>, tensor<3x3x3xf32>) outs(%i : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %0, %1, %3, %2 : tensor<1x4x3x3xi32>, tensor<1x2x4x3x3xi32>, tensor<1x2x?x3x3xf32>, tensor<1x3x3x3xf32>
}
