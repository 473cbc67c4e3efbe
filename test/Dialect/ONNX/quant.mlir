// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s
// RUN: quant-opt %s --split-input-file | quant-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// ROUNDTRIP-LABEL: func.func @quantize_per_tensor
// ROUNDTRIP: onnx.QuantizeLinear
// CHECK-LABEL: func.func @quantize_per_tensor
func.func @quantize_per_tensor(%x: tensor<2x3xf32>, %s: tensor<f32>, %zp: tensor<i8>) -> (tensor<*xi8>, tensor<*xui8>) {
  %none = onnx.NoValue
  // CHECK: onnx.QuantizeLinear {{.*}} -> tensor<2x3xi8>
  %0 = onnx.QuantizeLinear %x, %s, %zp : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<*xi8>
  // CHECK: onnx.QuantizeLinear {{.*}} -> tensor<2x3xui8>
  %1 = onnx.QuantizeLinear %x, %s, %none : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<*xui8>
  return %0, %1 : tensor<*xi8>, tensor<*xui8>
}

// -----

// CHECK-LABEL: func.func @quantize_output_dtype_blocked
func.func @quantize_output_dtype_blocked(%x: tensor<?x64xf16>, %s: tensor<?x2xf16>) -> tensor<*xi4> {
  %none = onnx.NoValue
  // INT4 = 22
  // CHECK: onnx.QuantizeLinear {{.*}} -> tensor<?x64xi4>
  %0 = onnx.QuantizeLinear %x, %s, %none {axis = -1 : i64, block_size = 32 : i64, output_dtype = 22 : i64} : (tensor<?x64xf16>, tensor<?x2xf16>, none) -> tensor<*xi4>
  return %0 : tensor<*xi4>
}

// -----

// CHECK-LABEL: func.func @quantize_unranked_fp8
func.func @quantize_unranked_fp8(%x: tensor<*xf32>, %s: tensor<f32>, %zp: tensor<f8E4M3FN>) -> tensor<*xf8E4M3FN> {
  // CHECK: onnx.QuantizeLinear {{.*}} -> tensor<*xf8E4M3FN>
  %0 = onnx.QuantizeLinear %x, %s, %zp {saturate = 0 : i64} : (tensor<*xf32>, tensor<f32>, tensor<f8E4M3FN>) -> tensor<*xf8E4M3FN>
  return %0 : tensor<*xf8E4M3FN>
}

// -----

// CHECK-LABEL: func.func @dequantize_per_axis
func.func @dequantize_per_axis(%x: tensor<8x4x3x3xi8>, %s: tensor<8xf32>, %zp: tensor<8xi8>) -> tensor<*xf32> {
  // CHECK: onnx.DequantizeLinear {{.*}} -> tensor<8x4x3x3xf32>
  %0 = onnx.DequantizeLinear %x, %s, %zp {axis = 0 : i64} : (tensor<8x4x3x3xi8>, tensor<8xf32>, tensor<8xi8>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @dequantize_blocked_dynamic
func.func @dequantize_blocked_dynamic(%x: tensor<?x100xui4>, %s: tensor<?x4xf16>) -> tensor<*xf16> {
  %none = onnx.NoValue
  // CHECK: onnx.DequantizeLinear {{.*}} -> tensor<?x100xf16>
  %0 = onnx.DequantizeLinear %x, %s, %none {block_size = 32 : i64} : (tensor<?x100xui4>, tensor<?x4xf16>, none) -> tensor<*xf16>
  return %0 : tensor<*xf16>
}

// -----

// CHECK-LABEL: func.func @dynamic_quantize
func.func @dynamic_quantize(%x: tensor<?x16xf32>) -> (tensor<*xui8>, tensor<*xf32>, tensor<*xui8>) {
  // CHECK: onnx.DynamicQuantizeLinear {{.*}} -> (tensor<?x16xui8>, tensor<f32>, tensor<ui8>)
  %0:3 = onnx.DynamicQuantizeLinear %x : (tensor<?x16xf32>) -> (tensor<*xui8>, tensor<*xf32>, tensor<*xui8>)
  return %0#0, %0#1, %0#2 : tensor<*xui8>, tensor<*xf32>, tensor<*xui8>
}

// -----

// CHECK-LABEL: func.func @qlinear_matmul
func.func @qlinear_matmul(%a: tensor<2x3x4xui8>, %b: tensor<4x5xi8>, %sa: tensor<f32>, %za: tensor<ui8>, %sb: tensor<5xf32>, %zb: tensor<5xi8>, %zy: tensor<ui8>, %u: tensor<*xui8>) -> (tensor<*xui8>, tensor<*xui8>) {
  // CHECK: onnx.QLinearMatMul {{.*}} -> tensor<2x3x5xui8>
  %0 = onnx.QLinearMatMul %a, %sa, %za, %b, %sb, %zb, %sa, %zy : (tensor<2x3x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  // CHECK: onnx.QLinearMatMul {{.*}} -> tensor<*xui8>
  %1 = onnx.QLinearMatMul %u, %sa, %za, %b, %sb, %zb, %sa, %zy : (tensor<*xui8>, tensor<f32>, tensor<ui8>, tensor<4x5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  return %0, %1 : tensor<*xui8>, tensor<*xui8>
}

// -----

// CHECK-LABEL: func.func @qlinear_conv
func.func @qlinear_conv(%x: tensor<1x3x32x32xui8>, %w: tensor<16x3x3x3xi8>, %s: tensor<f32>, %zx: tensor<ui8>, %sw: tensor<16xf32>, %zw: tensor<16xi8>, %zy: tensor<i8>, %b: tensor<16xi32>) -> tensor<*xi8> {
  // CHECK: onnx.QLinearConv {{.*}} -> tensor<1x16x16x16xi8>
  %0 = onnx.QLinearConv %x, %s, %zx, %w, %sw, %zw, %s, %zy, %b {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x3x32x32xui8>, tensor<f32>, tensor<ui8>, tensor<16x3x3x3xi8>, tensor<16xf32>, tensor<16xi8>, tensor<f32>, tensor<i8>, tensor<16xi32>) -> tensor<*xi8>
  return %0 : tensor<*xi8>
}

// -----

// CHECK-LABEL: func.func @qlinear_conv_dynamic
func.func @qlinear_conv_dynamic(%x: tensor<?x3x?x?xui8>, %w: tensor<16x3x3x3xui8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<*xui8> {
  %none = onnx.NoValue
  // CHECK: onnx.QLinearConv {{.*}} -> tensor<?x16x?x?xui8>
  %0 = onnx.QLinearConv %x, %s, %z, %w, %s, %z, %s, %z, %none : (tensor<?x3x?x?xui8>, tensor<f32>, tensor<ui8>, tensor<16x3x3x3xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

// CHECK-LABEL: func.func @matmul_integer
func.func @matmul_integer(%a: tensor<?x7x4xui8>, %b: tensor<4x5xi8>, %za: tensor<ui8>, %u: tensor<*xi8>) -> (tensor<*xi32>, tensor<*xi32>) {
  %none = onnx.NoValue
  // CHECK: onnx.MatMulInteger {{.*}} -> tensor<?x7x5xi32>
  %0 = onnx.MatMulInteger %a, %b, %za, %none : (tensor<?x7x4xui8>, tensor<4x5xi8>, tensor<ui8>, none) -> tensor<*xi32>
  // CHECK: onnx.MatMulInteger {{.*}} -> tensor<*xi32>
  %1 = onnx.MatMulInteger %a, %u, %none, %none : (tensor<?x7x4xui8>, tensor<*xi8>, none, none) -> tensor<*xi32>
  return %0, %1 : tensor<*xi32>, tensor<*xi32>
}

// -----

// CHECK-LABEL: func.func @conv_integer
func.func @conv_integer(%x: tensor<1x4x10xui8>, %w: tensor<8x4x3xui8>, %zx: tensor<ui8>, %u: tensor<*xui8>) -> (tensor<*xi32>, tensor<*xi32>) {
  %none = onnx.NoValue
  // CHECK: onnx.ConvInteger {{.*}} -> tensor<1x8x10xi32>
  %0 = onnx.ConvInteger %x, %w, %zx, %none {auto_pad = "SAME_LOWER"} : (tensor<1x4x10xui8>, tensor<8x4x3xui8>, tensor<ui8>, none) -> tensor<*xi32>
  // CHECK: onnx.ConvInteger {{.*}} -> tensor<?x8x?xi32>
  %1 = onnx.ConvInteger %u, %w, %none, %none : (tensor<*xui8>, tensor<8x4x3xui8>, none, none) -> tensor<*xi32>
  return %0, %1 : tensor<*xi32>, tensor<*xi32>
}

// -----

// CHECK-LABEL: func.func @matmul_nbits
func.func @matmul_nbits(%a: tensor<1x?x256xf16>, %b: tensor<64x8x16xui8>, %s: tensor<512xf16>, %zp: tensor<64x4xui8>, %bias: tensor<64xf16>) -> tensor<*xf16> {
  %none = onnx.NoValue
  // CHECK: onnx.MatMulNBits {{.*}} -> tensor<1x?x64xf16>
  %0 = onnx.MatMulNBits %a, %b, %s, %zp, %none, %bias {K = 256 : i64, N = 64 : i64, accuracy_level = 4 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<1x?x256xf16>, tensor<64x8x16xui8>, tensor<512xf16>, tensor<64x4xui8>, none, tensor<64xf16>) -> tensor<*xf16>
  return %0 : tensor<*xf16>
}

// -----

// CHECK-LABEL: func.func @matmul_nbits_unranked
func.func @matmul_nbits_unranked(%a: tensor<*xf32>, %b: tensor<?x?x?xui8>, %s: tensor<10x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.MatMulNBits {{.*}} -> tensor<*xf32>
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 40 : i64, N = 10 : i64, bits = 8 : i64, block_size = 16 : i64} : (tensor<*xf32>, tensor<?x?x?xui8>, tensor<10x3xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
