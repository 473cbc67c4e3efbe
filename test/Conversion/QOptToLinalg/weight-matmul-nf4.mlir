// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg | FileCheck %s

// NF4 code book, f32 scales, rows known at run time. Both paths unpack the
// nibble as for int4 and look it up in a 16-entry f32 constant with
// tensor.extract inside the same bodies; no zero point is subtracted.
// CHECK-LABEL: func.func @nf4
// CHECK: %[[BOOK:.*]] = arith.constant dense<[-1.000000e+00, -0.6961928{{[0-9]*}}, {{.*}}, 1.000000e+00]> : tensor<16xf32>
// CHECK: scf.if
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x2x2x32xf32>, tensor<64x2x32xi8>)
// CHECK: arith.andi %{{.*}}, %c15_i8
// CHECK: %[[I:.*]] = arith.index_castui %{{.*}} : i8 to index
// CHECK: %[[V:.*]] = tensor.extract %[[BOOK]][%[[I]]] : tensor<16xf32>
// CHECK-NOT: arith.subf
// CHECK: arith.mulf %{{.*}}, %[[V]] : f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x64x2xf32>, tensor<64x2xf32>)
// CHECK: } else {
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<64x2x2x32xf32>)
// CHECK: arith.index_castui %{{.*}} : i8 to index
// CHECK: tensor.extract %[[BOOK]]
// CHECK-NOT: arith.subf
// CHECK: linalg.matmul
func.func @nf4(%x: tensor<?x128xf32>, %w: tensor<64x64xui8>, %s: tensor<64x2xf32>) -> tensor<?x64xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0>} : tensor<?x128xf32>, tensor<64x64xui8>, tensor<64x2xf32> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// Double-quantized scales (N * G = 640 constants, 3 blocks of 256): the
// GEMV epilogue reads the i8 scale codes and dequantizes each one with
// scale_scale[(n * G + g) / 256] and the offset; the blocked path builds one
// [64, G] f32 scale tile per block of rows. No [N, G] f32 scales and no
// [N, K] f32 weight exist.
// CHECK-LABEL: func.func @nf4_dq
// CHECK: scf.if
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x320x2xf32>, tensor<320x2xi8>)
// CHECK: linalg.index 2
// CHECK: linalg.index 1
// CHECK: arith.muli %{{.*}}, %c2
// CHECK: arith.divui %{{.*}}, %c256
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<3xf32>
// CHECK: tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: } else {
// CHECK: scf.for %[[IV:.*]] = %{{.*}} to %{{.*}} step %c64
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<64x2xi8>) outs(%{{.*}} : tensor<64x2xf32>)
// CHECK: linalg.index 0
// CHECK: arith.addi %[[IV]]
// CHECK: arith.divui %{{.*}}, %c256
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x2x32xi8>, tensor<64x2xf32>) outs(%{{.*}} : tensor<64x2x2x32xf32>)
// CHECK: linalg.matmul
// CHECK-NOT: tensor<320x2xf32>
// CHECK-NOT: tensor<320x128xf32>
func.func @nf4_dq(%x: tensor<?x128xf32>, %w: tensor<320x64xui8>, %s: tensor<320x2xi8>, %ss: tensor<3xf32>, %so: tensor<f32>) -> tensor<?x320xf32> {
  %y = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0>} : tensor<?x128xf32>, tensor<320x64xui8>, tensor<320x2xi8>, tensor<3xf32>, tensor<f32> -> tensor<?x320xf32>
  return %y : tensor<?x320xf32>
}

// -----

// K = 40 with blocks of 16 (not a divisor): the scalar path looks the code
// up and dequantizes the scale of block k / 16 in its body.
// CHECK-LABEL: func.func @nf4_scalar
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<16xf32>
// CHECK: arith.divui %{{.*}}, %c16
// CHECK: arith.divui %{{.*}}, %c256
// CHECK: arith.sitofp %{{.*}} : i8 to f32
func.func @nf4_scalar(%x: tensor<2x40xf32>, %w: tensor<8x20xui8>, %s: tensor<8x3xi8>, %ss: tensor<1xf32>, %so: tensor<f32>) -> tensor<2x8xf32> {
  %y = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, group_size = 16 : i64, codebook = array<f32: -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0>} : tensor<2x40xf32>, tensor<8x20xui8>, tensor<8x3xi8>, tensor<1xf32>, tensor<f32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
