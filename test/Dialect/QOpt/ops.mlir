// Round trip of every qopt op: print, parse the printout, print again.
// RUN: quant-opt %s | quant-opt | FileCheck %s
// (attributes at their default value, such as axis = 1, are not printed)

// CHECK-LABEL: func @quantize
func.func @quantize(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<ui8>,
                    %sa: tensor<8xf32>, %za: tensor<8xi8>,
                    %sb: tensor<4x2xf32>, %zb: tensor<4x2xi4>) {
  // CHECK: qopt.quantize %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<f32>, tensor<ui8> -> tensor<4x8xui8>
  %0 = qopt.quantize %x, %s, %z : tensor<4x8xf32>, tensor<f32>, tensor<ui8> -> tensor<4x8xui8>
  // CHECK: qopt.quantize %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8xi8>
  %1 = qopt.quantize %x, %sa, %za {axis = 1 : i64} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8xi8>
  // CHECK: qopt.quantize %{{.*}}, %{{.*}}, %{{.*}} {block_size = 4 : i64} : tensor<4x8xf32>, tensor<4x2xf32>, tensor<4x2xi4> -> tensor<4x8xi4>
  %2 = qopt.quantize %x, %sb, %zb {axis = 1 : i64, block_size = 4 : i64} : tensor<4x8xf32>, tensor<4x2xf32>, tensor<4x2xi4> -> tensor<4x8xi4>
  // CHECK: qopt.quantize %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xi8>
  %3 = qopt.quantize %x, %s : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xi8>
  return
}

// CHECK-LABEL: func @dequantize
func.func @dequantize(%q: tensor<?x8xui8>, %s: tensor<f32>, %z: tensor<ui8>,
                      %b: tensor<16xi32>, %sb: tensor<16xf32>) {
  // CHECK: qopt.dequantize %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x8xui8>, tensor<f32>, tensor<ui8> -> tensor<?x8xf32>
  %0 = qopt.dequantize %q, %s, %z : tensor<?x8xui8>, tensor<f32>, tensor<ui8> -> tensor<?x8xf32>
  // CHECK: qopt.dequantize %{{.*}}, %{{.*}} {axis = 0 : i64} : tensor<16xi32>, tensor<16xf32> -> tensor<16xf32>
  %1 = qopt.dequantize %b, %sb {axis = 0 : i64} : tensor<16xi32>, tensor<16xf32> -> tensor<16xf32>
  return
}

// CHECK-LABEL: func @dynamic_quantize
func.func @dynamic_quantize(%x: tensor<?x64xf32>) {
  // CHECK: qopt.dynamic_quantize %{{.*}} per_tensor : tensor<?x64xf32> -> tensor<?x64xui8>, tensor<f32>, tensor<ui8>
  %q, %s, %z = qopt.dynamic_quantize %x per_tensor : tensor<?x64xf32> -> tensor<?x64xui8>, tensor<f32>, tensor<ui8>
  // CHECK: qopt.dynamic_quantize %{{.*}} per_row symmetric : tensor<?x64xf32> -> tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>
  %q2, %s2, %z2 = qopt.dynamic_quantize %x per_row symmetric : tensor<?x64xf32> -> tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>
  return
}

// CHECK-LABEL: func @qmatmul
func.func @qmatmul(%a: tensor<2x?x64xui8>, %b: tensor<64x32xi8>, %as: tensor<f32>,
                   %az: tensor<ui8>, %bs: tensor<32xf32>, %bias: tensor<32xf32>,
                   %at: tensor<2x?xf32>, %azt: tensor<2x?xui8>) {
  // CHECK: qopt.qmatmul %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} : tensor<2x?x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<32xf32>, tensor<32xf32> -> tensor<2x?x32xf32>
  %0 = qopt.qmatmul %a, %b, %as, %az, %bs bias %bias : tensor<2x?x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<32xf32>, tensor<32xf32> -> tensor<2x?x32xf32>
  // CHECK: qopt.qmatmul %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x?x64xui8>, tensor<64x32xi8>, tensor<2x?xf32>, tensor<2x?xui8>, tensor<f32> -> tensor<2x?x32xf32>
  %1 = qopt.qmatmul %a, %b, %at, %azt, %as : tensor<2x?x64xui8>, tensor<64x32xi8>, tensor<2x?xf32>, tensor<2x?xui8>, tensor<f32> -> tensor<2x?x32xf32>
  return
}

// CHECK-LABEL: func @qconv
func.func @qconv(%x: tensor<1x8x16x16xi8>, %w: tensor<16x4x3x3xi8>, %xs: tensor<f32>,
                 %xz: tensor<i8>, %ws: tensor<16xf32>, %bias: tensor<16xf32>) {
  // CHECK: qopt.qconv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x8x16x16xi8>, tensor<16x4x3x3xi8>, tensor<f32>, tensor<i8>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x8x8xf32>
  %0 = qopt.qconv %x, %w, %xs, %xz, %ws bias %bias {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x8x16x16xi8>, tensor<16x4x3x3xi8>, tensor<f32>, tensor<i8>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x8x8xf32>
  return
}

// CHECK-LABEL: func @weight_matmul
func.func @weight_matmul(%x: tensor<?x64xf32>, %w4: tensor<16x32xui8>, %s: tensor<16x2xf32>,
                         %z: tensor<16x2xui8>, %w3: tensor<16x32xui8>, %sc: tensor<16x1xf32>,
                         %bias: tensor<16xf32>, %w2: tensor<16x16xui8>) {
  // CHECK: qopt.weight_matmul %{{.*}}, %{{.*}}, %{{.*}} zero_point %{{.*}} {bits = 4 : i64, group_size = 32 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xf32>, tensor<16x2xui8> -> tensor<?x16xf32>
  %0 = qopt.weight_matmul %x, %w4, %s zero_point %z {bits = 4 : i64, group_size = 32 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xf32>, tensor<16x2xui8> -> tensor<?x16xf32>
  // CHECK: qopt.weight_matmul %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} {bits = 3 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<16xf32> -> tensor<?x16xf32>
  %1 = qopt.weight_matmul %x, %w3, %sc bias %bias {bits = 3 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<16xf32> -> tensor<?x16xf32>
  // CHECK: qopt.weight_matmul %{{.*}}, %{{.*}}, %{{.*}} {bits = 2 : i64, group_size = 64 : i64} : tensor<?x64xf32>, tensor<16x16xui8>, tensor<16x1xf32> -> tensor<?x16xf32>
  %2 = qopt.weight_matmul %x, %w2, %sc {bits = 2 : i64, group_size = 64 : i64} : tensor<?x64xf32>, tensor<16x16xui8>, tensor<16x1xf32> -> tensor<?x16xf32>
  return
}

// Code book (NF4), f32 scales and double-quantized i8 scales.
// CHECK-LABEL: func @weight_matmul_codebook
func.func @weight_matmul_codebook(%x: tensor<?x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x2xf32>,
                                  %sq: tensor<16x2xi8>, %ss: tensor<1xf32>, %so: tensor<f32>,
                                  %bias: tensor<16xf32>) {
  // CHECK: qopt.weight_matmul %{{.*}}, %{{.*}}, %{{.*}} {bits = 4 : i64, codebook = array<f32: -1.000000e+00, {{.*}}, 1.000000e+00>, group_size = 32 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xf32> -> tensor<?x16xf32>
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 32 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xf32> -> tensor<?x16xf32>
  // CHECK: qopt.weight_matmul %{{.*}}, %{{.*}}, %{{.*}} scale_scale %{{.*}} scale_offset %{{.*}} bias %{{.*}} {bits = 4 : i64, codebook = {{.*}}, group_size = 32 : i64} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xi8>, tensor<1xf32>, tensor<f32>, tensor<16xf32> -> tensor<?x16xf32>
  %1 = qopt.weight_matmul %x, %w, %sq scale_scale %ss scale_offset %so bias %bias {bits = 4 : i64, group_size = 32 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<?x64xf32>, tensor<16x32xui8>, tensor<16x2xi8>, tensor<1xf32>, tensor<f32>, tensor<16xf32> -> tensor<?x16xf32>
  return
}

// CHECK-LABEL: func @probe
func.func @probe(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: qopt.probe %{{.*}} "act0" stats ["minmax", "histogram"] : tensor<4x8xf32>
  %0 = qopt.probe %x "act0" stats ["minmax", "histogram"] : tensor<4x8xf32>
  // CHECK: qopt.probe %{{.*}} "act1" : tensor<4x8xf32>
  %1 = qopt.probe %0 "act1" : tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
