// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg=weight-matmul-kernel=true | FileCheck %s

// weight-matmul-kernel (the NVPTX pipeline's form): whatever the shape, one
// (r, n, k) generic reading the packed byte (k floordiv 2) and the group
// (k floordiv 128), marked with bits and group_size for the target's kernel
// pass; no transpose, no blocked path, no scf.if on the row count.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[WB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
// CHECK-DAG: #[[G:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 128)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @int4_group128
// CHECK-NOT: linalg.transpose
// CHECK-NOT: scf.if
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[WB]], #[[G]], #[[G]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x256xf32>, tensor<64x128xi8>, tensor<64x2xf32>, tensor<64x2xi8>) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK-SAME: attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 128 : i64}}
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: } -> tensor<?x64xf32>
// CHECK-NOT: linalg.matmul
func.func @int4_group128(%x: tensor<?x256xf32>, %w: tensor<64x128xui8>, %s: tensor<64x2xf32>, %z: tensor<64x2xui8>) -> tensor<?x64xf32> {
  %y = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64, group_size = 128 : i64} : tensor<?x256xf32>, tensor<64x128xui8>, tensor<64x2xf32>, tensor<64x2xui8> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// Per channel (group_size 0): the marked group_size is K; 8-bit codes, no
// zero point (128 is a constant of the body), the bias is the initial
// value. 3-D x is collapsed to rows first.
// CHECK-LABEL: func.func @int8_per_channel
// CHECK: %[[X:.*]] = tensor.collapse_shape %{{.*}} : tensor<2x3x64xf32> into tensor<6x64xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<16xf32>) outs(%{{.*}} : tensor<6x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}}, %{{.*}} : tensor<6x64xf32>, tensor<16x64xi8>, tensor<16x1xf32>) outs(%[[INIT]] : tensor<6x16xf32>)
// CHECK-SAME: attrs = {qopt.weight_matmul = {bits = 8 : i64, group_size = 64 : i64}}
// CHECK: arith.constant 1.280000e+02 : f32
func.func @int8_per_channel(%x: tensor<2x3x64xf32>, %w: tensor<16x64xui8>, %s: tensor<16x1xf32>, %b: tensor<16xf32>) -> tensor<2x3x16xf32> {
  %y = qopt.weight_matmul %x, %w, %s bias %b {bits = 8 : i64} : tensor<2x3x64xf32>, tensor<16x64xui8>, tensor<16x1xf32>, tensor<16xf32> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}
