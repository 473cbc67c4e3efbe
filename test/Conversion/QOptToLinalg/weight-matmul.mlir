// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg | FileCheck %s

// 4-bit codes, group 32, zero points, rows known at run time: one row
// takes the fused GEMV, more rows the blocked path. x is transposed to
// [R, G, P, B], the packed weight viewed as [N, G, B] (no copy).
// GEMV: the dot over (r, n, g, p, b) unpacks each code in its body (shift
// by 4 * p, mask 15) and subtracts the zero point read per (n, g); every
// map is a projected permutation; then y = sum_g scale * dot.
// Blocked: per block of 64 weight rows, a [64, K] f32 tile, transposed to
// [K, 64] for the plain linalg.matmul. No [N, K] float weight exists.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[Z:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
// CHECK-DAG: #[[D:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: %{{.*}}: tensor<128x32xi8>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [%{{.*}}, 2, 16, 2] : tensor<?x64xf32> into tensor<?x2x16x2xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x2x16x2xf32>) outs(%{{.*}} : tensor<?x2x2x16xf32>) permutation = [0, 1, 3, 2]
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [128, 2, 16] : tensor<128x32xi8> into tensor<128x2x16xi8>
// CHECK: %[[ONE:.*]] = arith.cmpi eq
// CHECK: scf.if %[[ONE]]
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Z]], #[[D]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: linalg.index 3
// CHECK: arith.shrui
// CHECK: arith.andi %{{.*}}, %c15_i8
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x128x2xf32>, tensor<128x2xf32>) outs(%{{.*}} : tensor<?x128xf32>)
// CHECK: } else {
// CHECK: scf.for %[[IV:.*]] = %{{.*}} to %{{.*}} step %c64
// CHECK: tensor.extract_slice %{{.*}}[%[[IV]], 0, 0] [64, 2, 16] [1, 1, 1] : tensor<128x2x16xi8> to tensor<64x2x16xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<64x2x2x16xf32>)
// CHECK: linalg.index 2
// CHECK: tensor.collapse_shape %{{.*}} : tensor<64x2x2x16xf32> into tensor<64x64xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<64x64xf32>) outs(%{{.*}} : tensor<64x64xf32>) permutation = [1, 0]
// CHECK: linalg.matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<64x64xf32>) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK: tensor.insert_slice %{{.*}}[0, %[[IV]]] [%{{.*}}, 64] [1, 1]
// CHECK-NOT: tensor<128x64xf32>
func.func @grouped(%x: tensor<?x64xf32>, %w: tensor<128x32xui8>, %s: tensor<128x2xf32>, %z: tensor<128x2xui8>) -> tensor<?x128xf32> {
  %y = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64, group_size = 32 : i64} : tensor<?x64xf32>, tensor<128x32xui8>, tensor<128x2xf32>, tensor<128x2xui8> -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// 8-bit codes per channel, symmetric (zero point 128), 1-D x (one row:
// the GEMV only): no shift, no mask, no transpose.
// CHECK-LABEL: func.func @eight_bit
// CHECK-NOT: linalg.transpose
// CHECK-NOT: scf.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<1x1x1x64xf32>, tensor<16x1x64xi8>)
// CHECK-NOT: arith.shrui
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.constant 1.280000e+02 : f32
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
func.func @eight_bit(%x: tensor<64xf32>, %w: tensor<16x64xui8>, %s: tensor<16x1xf32>) -> tensor<16xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 8 : i64} : tensor<64xf32>, tensor<16x64xui8>, tensor<16x1xf32> -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// 3-bit codes use nibbles: shift by 4 * p, mask 7. Two static rows: the
// blocked path only.
// CHECK-LABEL: func.func @three_bit
// CHECK-NOT: scf.if
// CHECK: scf.for
// CHECK: %[[FOUR:.*]] = arith.constant 4 : i8
// CHECK: arith.muli %{{.*}}, %[[FOUR]] : i8
// CHECK: arith.andi %{{.*}}, %c7_i8
// CHECK: arith.constant 4.000000e+00 : f32
func.func @three_bit(%x: tensor<2x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) -> tensor<2x16xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 3 : i64} : tensor<2x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// K = 40 is not a multiple of the group size 16: one generic over (r, n, k)
// reading the packed byte (k floordiv 2) and the group (k floordiv 16); the
// bias initializes the accumulator.
// CHECK-DAG: #[[WB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
// CHECK-DAG: #[[G:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 16)>
// CHECK-LABEL: func.func @fallback
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<3x8xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WB]], #[[G]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%[[INIT]] : tensor<3x8xf32>)
// CHECK: arith.remui
// CHECK: arith.shrui
func.func @fallback(%x: tensor<3x40xf32>, %w: tensor<8x20xui8>, %s: tensor<8x3xf32>, %b: tensor<8xf32>) -> tensor<3x8xf32> {
  %y = qopt.weight_matmul %x, %w, %s bias %b {bits = 4 : i64, group_size = 16 : i64} : tensor<3x40xf32>, tensor<8x20xui8>, tensor<8x3xf32>, tensor<8xf32> -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}
