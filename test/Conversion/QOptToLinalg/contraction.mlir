// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg | FileCheck %s

// The canonical int8 contraction (i8 operands, extended inside the body;
// extui for unsigned a), leading dims of a collapsed into M, colsum(b) a
// constant for a constant b, one epilogue with per-tensor a parameters and
// per-channel b_scale / bias.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @qmatmul_constant_b
// CHECK: %[[BV:.*]] = arith.constant dense<{{.*}}> : tensor<4x3xi8>
// CHECK: %[[AV:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x?x4xi8> into tensor<?x4xi8>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<?x3xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[AV]], %[[BV]] : tensor<?x4xi8>, tensor<4x3xi8>) outs(%[[ACC]] : tensor<?x3xi32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %[[Z:.*]]: i32):
// CHECK-NEXT: %[[XA:.*]] = arith.extui %[[X]] : i8 to i32
// CHECK-NEXT: %[[YB:.*]] = arith.extsi %[[Y]] : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XA]], %[[YB]] : i32
// CHECK-NEXT: %[[SUM:.*]] = arith.addi %[[Z]], %[[P]] : i32
// CHECK-NEXT: linalg.yield %[[SUM]] : i32
// colsum of [[1, 2, -3], [1, 2, -3], [0, 0, 0], [5, -1, 4]]
// CHECK: arith.constant dense<[7, 3, -2]> : tensor<3xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[S]], #[[S]], #[[COL]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.muli
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, %{{.*}}, 3] : tensor<?x3xf32> into tensor<2x?x3xf32>
func.func @qmatmul_constant_b(%a: tensor<2x?x4xui8>, %az: tensor<ui8>, %as: tensor<f32>, %bs: tensor<3xf32>, %bias: tensor<3xf32>) -> tensor<2x?x3xf32> {
  %b = arith.constant dense<[[1, 2, -3], [1, 2, -3], [0, 0, 0], [5, -1, 4]]> : tensor<4x3xi8>
  %0 = qopt.qmatmul %a, %b, %as, %az, %bs bias %bias : tensor<2x?x4xui8>, tensor<4x3xi8>, tensor<f32>, tensor<ui8>, tensor<3xf32>, tensor<3xf32> -> tensor<2x?x3xf32>
  return %0 : tensor<2x?x3xf32>
}

// -----

// Signed activations (extsi), per-token a_scale / a_zero_point read per
// row, a run-time b: its column sums are a reduction.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @qmatmul_per_token
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i8 to i32
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<16x8xi8>) outs(%{{.*}} : tensor<8xi32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #[[ROW]], #[[ROW]], #[[S]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
func.func @qmatmul_per_token(%a: tensor<?x16xi8>, %b: tensor<16x8xi8>, %as: tensor<?xf32>, %az: tensor<?xi8>, %bs: tensor<f32>) -> tensor<?x8xf32> {
  %0 = qopt.qmatmul %a, %b, %as, %az, %bs : tensor<?x16xi8>, tensor<16x8xi8>, tensor<?xf32>, tensor<?xi8>, tensor<f32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// qconv: pad with the zero point, im2col, the weight transposed to [K, F]
// at compile time, the same contraction and epilogue, back to NCHW.
// CHECK-DAG: #[[IM2COL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 * 2 + d4, d2 * 2 + d5)>
// CHECK-LABEL: func.func @qconv
// CHECK: %[[ZP:.*]] = tensor.extract %{{.*}}[] : tensor<i8>
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZP]] : i8
// CHECK: linalg.generic {indexing_maps = [#[[IM2COL]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x2x7x7xi8>) outs(%{{.*}} : tensor<1x3x3x2x3x3xi8>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<1x3x3x2x3x3xi8> into tensor<9x18xi8>
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<18x4xi8>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[W]] : tensor<9x18xi8>, tensor<18x4xi8>) outs(%{{.*}} : tensor<9x4xi32>)
// CHECK: arith.extui
// CHECK: arith.constant dense<[18, -18, 0, 36]> : tensor<4xi32>
// CHECK: linalg.generic
// CHECK: tensor.expand_shape %{{.*}} : tensor<9x4xf32> into tensor<1x3x3x4xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x3x3x4xf32>) outs(%{{.*}} : tensor<1x4x3x3xf32>) permutation = [0, 3, 1, 2]
func.func @qconv(%x: tensor<1x2x5x5xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, %ws: tensor<4xf32>) -> tensor<1x4x3x3xf32> {
  %w = arith.constant dense<[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]], [[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]]], [[[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]], [[[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[2, 2, 2], [2, 2, 2], [2, 2, 2]]]]> : tensor<4x2x3x3xi8>
  %0 = qopt.qconv %x, %w, %xs, %xz, %ws {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x2x5x5xui8>, tensor<4x2x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<4xf32> -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// Group 2: per group a channel slice, its own contraction and the slices of
// the per-channel parameters; a run-time weight is transposed by
// linalg.transpose.
// CHECK-LABEL: func.func @qconv_groups
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 2, 5, 5] [1, 1, 1, 1]
// CHECK: linalg.transpose ins(%{{.*}} : tensor<3x18xi8>) outs(%{{.*}} : tensor<18x3xi8>) permutation = [1, 0]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.extsi
// CHECK: tensor.extract_slice %{{.*}}[0] [3] [1] : tensor<6xf32> to tensor<3xf32>
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 0, 0] [1, 3, 3, 3] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %{{.*}}[0, 2, 0, 0] [1, 2, 5, 5] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %{{.*}}[3] [3] [1] : tensor<6xf32> to tensor<3xf32>
// CHECK: tensor.insert_slice %{{.*}}[0, 3, 0, 0] [1, 3, 3, 3] [1, 1, 1, 1]
func.func @qconv_groups(%x: tensor<1x4x5x5xi8>, %w: tensor<6x2x3x3xi8>, %xs: tensor<f32>, %xz: tensor<i8>, %ws: tensor<6xf32>) -> tensor<1x6x3x3xf32> {
  %0 = qopt.qconv %x, %w, %xs, %xz, %ws {group = 2 : i64} : tensor<1x4x5x5xi8>, tensor<6x2x3x3xi8>, tensor<f32>, tensor<i8>, tensor<6xf32> -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}
