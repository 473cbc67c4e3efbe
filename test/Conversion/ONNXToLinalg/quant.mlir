// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// Per-tensor QuantizeLinear to uint8: divide, round half to even, add the
// zero point, saturate to [0, 255], convert unsigned.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[S]], #[[S]], #[[ID]]]
// CHECK: arith.divf
// CHECK: arith.uitofp
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_per_tensor(%x: tensor<?x4xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<?x4xui8> {
  %0 = onnx.QuantizeLinear %x, %s, %z : (tensor<?x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x4xui8>
  return %0 : tensor<?x4xui8>
}

// -----

// Per-axis int8 and blocked (block_size 32 along axis 1) scales.
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 32)>
// CHECK-LABEL: func.func @quantize_axis_and_block
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS]], #[[AXIS]], #{{.*}}]
// CHECK: arith.fptosi %{{.*}} : f32 to i8
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BLOCK]], #{{.*}}]
func.func @quantize_axis_and_block(%x: tensor<?x64xf32>, %s: tensor<64xf32>, %z: tensor<64xi8>, %bs: tensor<?x2xf32>) -> (tensor<?x64xi8>, tensor<?x64xui8>) {
  %0 = onnx.QuantizeLinear %x, %s, %z {axis = 1 : i64} : (tensor<?x64xf32>, tensor<64xf32>, tensor<64xi8>) -> tensor<?x64xi8>
  %n = onnx.NoValue
  %1 = onnx.QuantizeLinear %x, %bs, %n {axis = 1 : i64, block_size = 32 : i64} : (tensor<?x64xf32>, tensor<?x2xf32>, none) -> tensor<?x64xui8>
  return %0, %1 : tensor<?x64xi8>, tensor<?x64xui8>
}

// -----

// DequantizeLinear: widen to i32 (unsigned for uint8), subtract the zero
// point, convert, scale per axis 0.
// CHECK-DAG: #[[AXIS0:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @dequantize
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS0]], #[[AXIS0]], #{{.*}}]
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK-LABEL: func.func @dequantize_i32
// CHECK-NOT: arith.ext
// CHECK: arith.sitofp %{{.*}} : i32 to f32
func.func @dequantize(%x: tensor<3x?xui8>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<3x?xf32> {
  %0 = onnx.DequantizeLinear %x, %s, %z {axis = 0 : i64} : (tensor<3x?xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}
func.func @dequantize_i32(%x: tensor<?xi32>, %s: tensor<f32>) -> tensor<?xf32> {
  %n = onnx.NoValue
  %0 = onnx.DequantizeLinear %x, %s, %n : (tensor<?xi32>, tensor<f32>, none) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// DynamicQuantizeLinear: one reduction for min(0, min x) and max(0, max x),
// scalar scale / zero point (scale 1 for an empty range, as ONNX Runtime),
// then the quantizing generic.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[LO:.*]] = tensor.extract %[[R]]#0[]
// CHECK: %[[HI:.*]] = tensor.extract %[[R]]#1[]
// CHECK: %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]]
// CHECK: %[[DIV:.*]] = arith.divf %[[RANGE]]
// CHECK: %[[EMPTY:.*]] = arith.cmpf oeq, %[[HI]], %[[LO]]
// CHECK: %[[SCALE:.*]] = arith.select %[[EMPTY]], %{{.*}}, %[[DIV]]
// CHECK: math.roundeven
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: linalg.generic
// CHECK: tensor.from_elements %[[SCALE]] : tensor<f32>
func.func @dynamic_quantize(%x: tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = onnx.DynamicQuantizeLinear %x : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<?x4xui8>, tensor<f32>, tensor<ui8>
}

// -----

// MatMulInteger: the canonical int8 contraction of the 8-bit operands (rows
// of the 3-D A collapsed into M), then the zero-point correction
// acc - a_zp * colsum(B) - b_zp * rowsum(A) + K * a_zp * b_zp in i32 (b_zp
// per column of B).
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<?x?x8xi8> into tensor<?x8xi8>
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[MK]], #[[KN]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A]], %arg1 : tensor<?x8xi8>, tensor<8x16xi8>) outs(%[[FILL]] : tensor<?x16xi32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %[[Z:.*]]: i32):
// CHECK-NEXT: %[[XA:.*]] = arith.extui %[[X]] : i8 to i32
// CHECK-NEXT: %[[YB:.*]] = arith.extsi %[[Y]] : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XA]], %[[YB]]
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[Z]], %[[P]]
// CHECK-NEXT: linalg.yield %[[S]]
// CHECK: %[[COLSUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%arg1 : tensor<8x16xi8>) outs(%{{.*}} : tensor<16xi32>)
// CHECK: %[[ROWSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[A]] : tensor<?x8xi8>) outs(%{{.*}} : tensor<?xi32>)
// CHECK: arith.extui
// CHECK: %[[Y2:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[SCALAR]], #[[ROW]], #[[COL]], #[[ID]]]{{.*}} ins(%[[ACC]], %[[COLSUM]], %arg2, %[[ROWSUM]], %arg3 : tensor<?x16xi32>, tensor<16xi32>, tensor<i8>, tensor<?xi32>, tensor<16xi8>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.muli
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: tensor.reshape %[[Y2]]
func.func @matmul_integer(%a: tensor<?x?x8xui8>, %b: tensor<8x16xi8>, %az: tensor<ui8>, %bz: tensor<16xi8>) -> tensor<?x?x16xi32> {
  %0 = onnx.MatMulInteger %a, %b, %az, %bz : (tensor<?x?x8xui8>, tensor<8x16xi8>, tensor<ui8>, tensor<16xi8>) -> tensor<?x?x16xi32>
  return %0 : tensor<?x?x16xi32>
}

// -----

// MatMulInteger without zero points: the contraction alone.
// CHECK-LABEL: func.func @matmul_integer_no_zero_points
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<4x8xi8>, tensor<8x16xi8>)
// CHECK: arith.extsi
// CHECK-NOT: linalg.generic
// CHECK: return %[[ACC]]
func.func @matmul_integer_no_zero_points(%a: tensor<4x8xi8>, %b: tensor<8x16xi8>) -> tensor<4x16xi32> {
  %n = onnx.NoValue
  %0 = onnx.MatMulInteger %a, %b, %n, %n : (tensor<4x8xi8>, tensor<8x16xi8>, none, none) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

// A constant uint8 B becomes the int8 constant B - 128 (top bit flipped)
// and its colsum a constant; the zero point is corrected by -128 (a zero
// a_zp constant drops the colsum term).
// CHECK-LABEL: func.func @matmul_integer_const_uint8_b
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[}}[-128, 127], [0, -1]]> : tensor<2x2xi8>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%arg0, %[[B]] : tensor<3x2xi8>, tensor<2x2xi8>)
// CHECK: %[[ROWSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<3x2xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[ROWSUM]], %{{.*}} : tensor<3x2xi32>, tensor<3xi32>, tensor<i8>)
// CHECK: arith.extui
// CHECK-NEXT: %[[C128:.*]] = arith.constant 128 : i32
// CHECK-NEXT: arith.subi %{{.*}}, %[[C128]]
func.func @matmul_integer_const_uint8_b(%a: tensor<3x2xui8>) -> tensor<3x2xi32> {
  %b = onnx.Constant dense<[[0, 255], [128, 127]]> : tensor<2x2xui8>
  %az = onnx.Constant dense<0> : tensor<ui8>
  %bz = onnx.Constant dense<3> : tensor<ui8>
  %0 = onnx.MatMulInteger %a, %b, %az, %bz : (tensor<3x2xui8>, tensor<2x2xui8>, tensor<ui8>, tensor<ui8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// A batched B (rank 3) keeps the widening lowering: operands minus their
// zero points in i32, an i32 batch matmul.
// CHECK-LABEL: func.func @matmul_integer_batched_b
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x4x8xi32>)
// CHECK: linalg.batch_matmul
func.func @matmul_integer_batched_b(%a: tensor<2x4x8xi8>, %b: tensor<2x8x16xi8>, %az: tensor<i8>) -> tensor<2x4x16xi32> {
  %n = onnx.NoValue
  %0 = onnx.MatMulInteger %a, %b, %az, %n : (tensor<2x4x8xi8>, tensor<2x8x16xi8>, tensor<i8>, none) -> tensor<2x4x16xi32>
  return %0 : tensor<2x4x16xi32>
}

// -----

// QLinearMatMul: the int8 contraction (uint8 B shifted to int8 at run
// time), the zero-point correction, then requantized with a_scale *
// b_scale / y_scale, rounded half to even, saturated.
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg3 : tensor<4x3xi8>)
// CHECK: arith.xori
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[B]] : tensor<?x4xi8>, tensor<4x3xi8>)
// CHECK: %[[COR:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %{{.*}}, %arg2, %{{.*}}, %arg5 :
// CHECK: linalg.generic {{.*}} ins(%[[COR]], %arg1, %arg4, %arg6, %arg7
// CHECK: arith.divf
// CHECK: arith.sitofp
// CHECK: math.roundeven
// CHECK: arith.fptoui
func.func @qlinear_matmul(%a: tensor<?x4xui8>, %as: tensor<f32>, %az: tensor<ui8>, %b: tensor<4x3xui8>, %bs: tensor<f32>, %bz: tensor<ui8>, %ys: tensor<f32>, %yz: tensor<ui8>) -> tensor<?x3xui8> {
  %0 = onnx.QLinearMatMul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<?x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<?x3xui8>
  return %0 : tensor<?x3xui8>
}

// -----

// ConvInteger: zero points subtracted in i32 before the zero padding, an
// i32 conv_2d_nchw_fchw.
// CHECK-LABEL: func.func @conv_integer
// CHECK: %[[X:.*]] = linalg.generic {{.*}} ins(%arg0, %arg2 : tensor<?x1x3x3xi8>, tensor<i8>) outs(%{{.*}} : tensor<?x1x3x3xi32>)
// CHECK: tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<?x1x4x4xi32>
func.func @conv_integer(%x: tensor<?x1x3x3xui8>, %w: tensor<1x1x2x2xui8>, %xz: tensor<ui8>) -> tensor<?x1x4x4xi32> {
  %n = onnx.NoValue
  %0 = onnx.ConvInteger %x, %w, %xz, %n {pads = [1, 1, 1, 1]} : (tensor<?x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>, none) -> tensor<?x1x4x4xi32>
  return %0 : tensor<?x1x4x4xi32>
}

// -----

// QLinearConv with per-output-channel weight scales and zero points and an
// i32 bias in the accumulator.
// CHECK-DAG: #[[M:.*]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @qlinear_conv
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[M]], #{{.*}}]{{.*}} ins(%arg3, %arg5 : tensor<2x3x1x1xi8>, tensor<2xi8>)
// CHECK: %[[BIAS:.*]] = linalg.generic {indexing_maps = [#[[C]], #{{.*}}]{{.*}} ins(%arg8 : tensor<2xi32>)
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%[[BIAS]] : tensor<?x2x4x4xi32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[C]], #{{.*}}, #{{.*}}, #{{.*}}]{{.*}} ins(%[[ACC]], %arg1, %arg4, %arg6, %arg7
// CHECK: arith.fptosi
func.func @qlinear_conv(%x: tensor<?x3x4x4xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, %w: tensor<2x3x1x1xi8>, %ws: tensor<2xf32>, %wz: tensor<2xi8>, %ys: tensor<f32>, %yz: tensor<i8>, %b: tensor<2xi32>) -> tensor<?x2x4x4xi8> {
  %0 = onnx.QLinearConv %x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b : (tensor<?x3x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<2x3x1x1xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<?x2x4x4xi8>
  return %0 : tensor<?x2x4x4xi8>
}

// -----

// MatMulNBits (4 bits, block 32, K = 48 so the last block is partial):
// B's nibbles and the packed zero points dequantized into a [N, K] weight
// that linalg.matmul reads transposed.
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2 floordiv 2)>
// CHECK-DAG: #[[Z:.*]] = affine_map<(d0, d1, d2) -> (d0, d1 floordiv 2)>
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @matmul_nbits
// CHECK: tensor.expand_shape %arg2 {{\[}}[0, 1]] output_shape [8, 2] : tensor<16xf32> into tensor<8x2xf32>
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[B]], #{{.*}}, #[[Z]], #{{.*}}]
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2]] : tensor<8x2x32xf32> into tensor<8x64xf32>
// CHECK: %[[WK:.*]] = tensor.extract_slice %[[W2]][0, 0] [8, 48] [1, 1]
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]]
// CHECK: linalg.matmul indexing_maps = [#[[AT]], #[[BT]], #{{.*}}] ins(%[[A]], %[[WK]] : tensor<?x48xf32>, tensor<8x48xf32>)
// CHECK: tensor.reshape {{.*}} -> tensor<?x?x8xf32>
func.func @matmul_nbits(%a: tensor<?x?x48xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>, %z: tensor<8xui8>) -> tensor<?x?x8xf32> {
  %n = onnx.NoValue
  %0 = onnx.MatMulNBits %a, %b, %s, %z, %n, %n {K = 48 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<?x?x48xf32>, tensor<8x2x16xui8>, tensor<16xf32>, tensor<8xui8>, none, none) -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}
