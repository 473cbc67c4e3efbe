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

// -----

// NF4 (a code book, no zero point): the mark carries the 16 values for the
// kernel; the body still looks the code up (the generic path's form).
// CHECK-LABEL: func.func @nf4
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<16x64xi8>, tensor<16x2xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK-SAME: attrs = {qopt.weight_matmul = {bits = 4 : i64, codebook = array<f32: -1.000000e+00, -6.000000e-01, -5.000000e-01, -4.000000e-01, -3.000000e-01, -2.000000e-01, -1.000000e-01, 0.000000e+00, 1.000000e-01, 2.000000e-01, 2.500000e-01, 3.000000e-01, 4.000000e-01, 5.000000e-01, 7.500000e-01, 1.000000e+00>, group_size = 64 : i64}}
// CHECK: tensor.extract
// CHECK: } -> tensor<?x16xf32>
func.func @nf4(%x: tensor<?x128xf32>, %w: tensor<16x64xui8>, %s: tensor<16x2xf32>) -> tensor<?x16xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>} : tensor<?x128xf32>, tensor<16x64xui8>, tensor<16x2xf32> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// NF4 with double-quantized scales: the i8 scale codes are the third input,
// scale_scale (two blocks of 256) the fourth, read at
// (n * G + k floordiv 64) floordiv 256; the constant offset is in the mark
// and in the body (code * scale_scale + offset).
// CHECK-DAG: #[[SS:.*]] = affine_map<(d0, d1, d2) -> ((d1 * 2 + d2 floordiv 64) floordiv 256)>
// CHECK-LABEL: func.func @nf4_dq
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #[[SS]], #{{.*}}], {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x128xf32>, tensor<160x64xi8>, tensor<160x2xi8>, tensor<2xf32>) outs(%{{.*}} : tensor<1x160xf32>)
// CHECK-SAME: qopt.weight_matmul = {bits = 4 : i64, codebook = array<f32:
// CHECK-SAME: group_size = 64 : i64, scale_offset = 5.000000e-02 : f32}
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: i8, %[[SC:.*]]: i8, %[[SSV:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[SCF:.*]] = arith.sitofp %[[SC]] : i8 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[SCF]], %[[SSV]] : f32
// CHECK: arith.addf %[[M]], %{{.*}} : f32
// CHECK: } -> tensor<1x160xf32>
func.func @nf4_dq(%x: tensor<1x128xf32>, %w: tensor<160x64xui8>, %s: tensor<160x2xi8>) -> tensor<1x160xf32> {
  %ss = arith.constant dense<[0.001, 0.002]> : tensor<2xf32>
  %so = arith.constant dense<0.05> : tensor<f32>
  %y = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>} : tensor<1x128xf32>, tensor<160x64xui8>, tensor<160x2xi8>, tensor<2xf32>, tensor<f32> -> tensor<1x160xf32>
  return %y : tensor<1x160xf32>
}

// -----

// One scale block (a splat scale_scale): in the mark, not an operand (a
// splat constant operand would be folded into the body, dropping the mark).
// CHECK-LABEL: func.func @nf4_dq_one_block
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x128xf32>, tensor<16x64xi8>, tensor<16x2xi8>) outs(%{{.*}} : tensor<1x16xf32>)
// CHECK-SAME: group_size = 64 : i64, scale_offset = 5.000000e-02 : f32, scale_scale = 2.000000e-03 : f32}
// CHECK: arith.constant 2.000000e-03 : f32
func.func @nf4_dq_one_block(%x: tensor<1x128xf32>, %w: tensor<16x64xui8>, %s: tensor<16x2xi8>) -> tensor<1x16xf32> {
  %ss = arith.constant dense<0.002> : tensor<1xf32>
  %so = arith.constant dense<0.05> : tensor<f32>
  %y = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>} : tensor<1x128xf32>, tensor<16x64xui8>, tensor<16x2xi8>, tensor<1xf32>, tensor<f32> -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}
