// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg | FileCheck %s

// Per-tensor quantize to ui8: divide, round half to even, add the zero
// point, saturate to [0, 255]; the unsigned types become signless.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME: (%{{.*}}: tensor<?x4xf32>, %{{.*}}: tensor<f32>, %{{.*}}: tensor<i8>) -> tensor<?x4xi8>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[S]], #[[S]], #[[ID]]]
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_per_tensor(%x: tensor<?x4xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<?x4xui8> {
  %0 = qopt.quantize %x, %s, %z : tensor<?x4xf32>, tensor<f32>, tensor<ui8> -> tensor<?x4xui8>
  return %0 : tensor<?x4xui8>
}

// -----

// Per axis (scales along dim 1) and per block (blocks of 32 along dim 1),
// signed results (fptosi), 4-bit codes.
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 32)>
// CHECK-LABEL: func.func @quantize_axis_and_block
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS]], #[[AXIS]], #{{.*}}]
// CHECK: arith.fptosi %{{.*}} : f32 to i8
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BLOCK]], #{{.*}}]
// CHECK: arith.fptosi %{{.*}} : f32 to i4
func.func @quantize_axis_and_block(%x: tensor<?x64xf32>, %s: tensor<64xf32>, %z: tensor<64xi8>, %bs: tensor<?x2xf32>) -> (tensor<?x64xi8>, tensor<?x64xi4>) {
  %0 = qopt.quantize %x, %s, %z {axis = 1 : i64} : tensor<?x64xf32>, tensor<64xf32>, tensor<64xi8> -> tensor<?x64xi8>
  %1 = qopt.quantize %x, %bs {axis = 1 : i64, block_size = 32 : i64} : tensor<?x64xf32>, tensor<?x2xf32> -> tensor<?x64xi4>
  return %0, %1 : tensor<?x64xi8>, tensor<?x64xi4>
}

// -----

// Dequantize: widen (zero-extend unsigned codes), subtract the zero point,
// convert and scale.
// CHECK-LABEL: func.func @dequantize
// CHECK: linalg.generic
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
func.func @dequantize(%q: tensor<4x8xui8>, %s: tensor<8xf32>, %z: tensor<8xui8>) -> tensor<4x8xf32> {
  %0 = qopt.dequantize %q, %s, %z {axis = 1 : i64} : tensor<4x8xui8>, tensor<8xf32>, tensor<8xui8> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Per-row symmetric dynamic quantization: an |x| max reduction per row, a
// generic computing scale / zero point / divisor per row, the quantizing
// generic reading them per row.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @dynamic_per_row
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK: arith.select
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #[[ROW]], #{{.*}}]
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @dynamic_per_row(%x: tensor<?x64xf32>) -> (tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>) {
  %q, %s, %z = qopt.dynamic_quantize %x per_row symmetric : tensor<?x64xf32> -> tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>
  return %q, %s, %z : tensor<?x64xi8>, tensor<?xf32>, tensor<?xi8>
}

// -----

// Per-tensor asymmetric: min and max in one reduction into scalars.
// CHECK-LABEL: func.func @dynamic_per_tensor
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @dynamic_per_tensor(%x: tensor<?x64xf32>) -> (tensor<?x64xui8>, tensor<f32>, tensor<ui8>) {
  %q, %s, %z = qopt.dynamic_quantize %x per_tensor : tensor<?x64xf32> -> tensor<?x64xui8>, tensor<f32>, tensor<ui8>
  return %q, %s, %z : tensor<?x64xui8>, tensor<f32>, tensor<ui8>
}
