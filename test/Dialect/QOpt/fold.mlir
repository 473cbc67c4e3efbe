// quantize of a constant with constant parameters folds to a constant;
// dequantize(quantize(x)) does not fold.
// RUN: quant-opt %s --split-input-file --canonicalize | FileCheck %s

// Per tensor, round half to even, saturation at both ends.
// CHECK-LABEL: func @per_tensor
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[0, 0, 2, 2, 0, -2, 127, -128, 3]> : tensor<9xi8>
// CHECK-NEXT: return %[[C]]
func.func @per_tensor() -> tensor<9xi8> {
  %x = arith.constant dense<[0.0, 0.25, 0.75, 1.25, -0.25, -0.75, 100.0, -100.0, 1.4]> : tensor<9xf32>
  %s = arith.constant dense<0.5> : tensor<f32>
  %q = qopt.quantize %x, %s : tensor<9xf32>, tensor<f32> -> tensor<9xi8>
  return %q : tensor<9xi8>
}

// -----

// Unsigned results materialize as onnx.Constant (arith constants are
// signless); the zero point is added after rounding.
// CHECK-LABEL: func @unsigned_zero_point
// CHECK-NEXT: %[[C:.*]] = onnx.Constant dense<[128, 129, 255, 0]> : tensor<4xui8>
// CHECK-NEXT: return %[[C]]
func.func @unsigned_zero_point() -> tensor<4xui8> {
  %x = arith.constant dense<[0.0, 1.0, 1000.0, -1000.0]> : tensor<4xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %z = onnx.Constant dense<128> : tensor<ui8>
  %q = qopt.quantize %x, %s, %z : tensor<4xf32>, tensor<f32>, tensor<ui8> -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----

// Per axis (one scale per column) to i4, saturating at [-8, 7].
// CHECK-LABEL: func @per_axis_i4
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[}}[1, 1], [7, -8]]> : tensor<2x2xi4>
func.func @per_axis_i4() -> tensor<2x2xi4> {
  %x = arith.constant dense<[[1.0, 1.0], [10.0, -100.0]]> : tensor<2x2xf32>
  %s = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %q = qopt.quantize %x, %s {axis = 1 : i64} : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xi4>
  return %q : tensor<2x2xi4>
}

// -----

// Per block: blocks of 2 along axis 1, one scale per block.
// CHECK-LABEL: func @per_block
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[}}[4, 8, 2, 4]]> : tensor<1x4xi8>
func.func @per_block() -> tensor<1x4xi8> {
  %x = arith.constant dense<[[1.0, 2.0, 1.0, 2.0]]> : tensor<1x4xf32>
  %s = arith.constant dense<[[0.25, 0.5]]> : tensor<1x2xf32>
  %q = qopt.quantize %x, %s {axis = 1 : i64, block_size = 2 : i64} : tensor<1x4xf32>, tensor<1x2xf32> -> tensor<1x4xi8>
  return %q : tensor<1x4xi8>
}

// -----

// A non-constant scale does not fold; dequantize(quantize) never folds.
// CHECK-LABEL: func @no_fold
// CHECK: qopt.quantize
// CHECK: qopt.dequantize
func.func @no_fold(%s: tensor<f32>) -> tensor<2xf32> {
  %x = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %q = qopt.quantize %x, %s : tensor<2xf32>, tensor<f32> -> tensor<2xi8>
  %y = qopt.dequantize %q, %s : tensor<2xi8>, tensor<f32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
