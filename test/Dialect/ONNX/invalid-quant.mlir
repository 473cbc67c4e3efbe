// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @quantize_block_size_negative(%x: tensor<4x8xf32>, %s: tensor<f32>, %zp: tensor<i8>) -> (tensor<*xi8>) {
  // expected-error @+1 {{attribute 'block_size' has invalid value -1 (must be non-negative)}}
  %0 = onnx.QuantizeLinear %x, %s, %zp {block_size = -1 : i64} : (tensor<4x8xf32>, tensor<f32>, tensor<i8>) -> tensor<*xi8>
  return %0 : tensor<*xi8>
}

// -----

func.func @quantize_zero_point_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %zp: tensor<i8>) -> (tensor<*xi8>) {
  // expected-error @+1 {{'y_zero_point' must have the shape of 'y_scale'}}
  %0 = onnx.QuantizeLinear %x, %s, %zp {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4xf32>, tensor<i8>) -> tensor<*xi8>
  return %0 : tensor<*xi8>
}

// -----

func.func @quantize_scale_rank(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'y_scale' must be a scalar or 1-D when 'block_size' is 0, got rank 2}}
  %0 = onnx.QuantizeLinear %x, %s, %none : (tensor<4x8xf32>, tensor<4x8xf32>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @quantize_axis_range(%x: tensor<4x8xf32>, %s: tensor<8xf32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'axis' 2 is out of range for rank 2}}
  %0 = onnx.QuantizeLinear %x, %s, %none {axis = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @quantize_per_axis_size(%x: tensor<4x8xf32>, %s: tensor<8xf32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{per-axis 'y_scale' has 8 elements but dimension 0 of the input is 4}}
  %0 = onnx.QuantizeLinear %x, %s, %none {axis = 0 : i64} : (tensor<4x8xf32>, tensor<8xf32>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @quantize_output_dtype_invalid(%x: tensor<4x8xf32>, %s: tensor<f32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'output_dtype' has invalid value 1 (not a quantized ONNX data type)}}
  %0 = onnx.QuantizeLinear %x, %s, %none {output_dtype = 1 : i64} : (tensor<4x8xf32>, tensor<f32>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @quantize_output_dtype_conflict(%x: tensor<4x8xf32>, %s: tensor<f32>, %zp: tensor<i8>) -> (tensor<*xi8>) {
  // expected-error @+1 {{attribute 'output_dtype' ('ui8') disagrees with the 'y_zero_point' element type 'i8'}}
  %0 = onnx.QuantizeLinear %x, %s, %zp {output_dtype = 2 : i64} : (tensor<4x8xf32>, tensor<f32>, tensor<i8>) -> tensor<*xi8>
  return %0 : tensor<*xi8>
}

// -----

func.func @dequantize_blocked_rank(%x: tensor<4x64xi8>, %s: tensor<2xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{blocked 'x_scale' must have the input's rank 2, got 1}}
  %0 = onnx.DequantizeLinear %x, %s, %none {block_size = 32 : i64} : (tensor<4x64xi8>, tensor<2xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @dequantize_blocked_dim(%x: tensor<4x64xi8>, %s: tensor<4x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{blocked 'x_scale' dimension 1 is 3, expected 2}}
  %0 = onnx.DequantizeLinear %x, %s, %none {block_size = 32 : i64} : (tensor<4x64xi8>, tensor<4x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @dequantize_blocked_axis(%x: tensor<4x64xi8>, %s: tensor<4x2xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'axis' -3 is out of range for rank 2}}
  %0 = onnx.DequantizeLinear %x, %s, %none {axis = -3 : i64, block_size = 32 : i64} : (tensor<4x64xi8>, tensor<4x2xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @dequantize_zero_point_type(%x: tensor<4x64xi8>, %s: tensor<f32>, %zp: tensor<ui8>) -> (tensor<*xf32>) {
  // expected-error @+1 {{'x' and 'x_zero_point' must have the same element type, got 'i8' and 'ui8'}}
  %0 = onnx.DequantizeLinear %x, %s, %zp : (tensor<4x64xi8>, tensor<f32>, tensor<ui8>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @qlinear_matmul_zero_point_type(%a: tensor<2x4xui8>, %s: tensor<f32>, %za: tensor<i8>, %b: tensor<4x5xi8>, %sb: tensor<f32>, %zb: tensor<i8>, %zy: tensor<ui8>) -> (tensor<*xui8>) {
  // expected-error @+1 {{'a' and 'a_zero_point' must have the same element type, got 'ui8' and 'i8'}}
  %0 = onnx.QLinearMatMul %a, %s, %za, %b, %sb, %zb, %s, %zy : (tensor<2x4xui8>, tensor<f32>, tensor<i8>, tensor<4x5xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_matmul_scale_rank(%a: tensor<2x4xui8>, %s: tensor<f32>, %za: tensor<ui8>, %b: tensor<4x5xi8>, %sb: tensor<1x5xf32>, %zb: tensor<1x5xi8>, %zy: tensor<ui8>) -> (tensor<*xui8>) {
  // expected-error @+1 {{'b_scale' must be a scalar or 1-D, got rank 2}}
  %0 = onnx.QLinearMatMul %a, %s, %za, %b, %sb, %zb, %s, %zy : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x5xi8>, tensor<1x5xf32>, tensor<1x5xi8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_matmul_zero_point_shape(%a: tensor<2x4xui8>, %s: tensor<f32>, %za: tensor<ui8>, %b: tensor<4x5xi8>, %sb: tensor<5xf32>, %zb: tensor<i8>, %zy: tensor<ui8>) -> (tensor<*xui8>) {
  // expected-error @+1 {{'b_zero_point' must have the shape of 'b_scale'}}
  %0 = onnx.QLinearMatMul %a, %s, %za, %b, %sb, %zb, %s, %zy : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x5xi8>, tensor<5xf32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_matmul_contraction(%a: tensor<2x4xui8>, %s: tensor<f32>, %za: tensor<ui8>, %b: tensor<3x5xi8>, %sb: tensor<f32>, %zb: tensor<i8>, %zy: tensor<ui8>) -> (tensor<*xui8>) {
  // expected-error @+1 {{matmul contraction dimensions differ: 4 and 3}}
  %0 = onnx.QLinearMatMul %a, %s, %za, %b, %sb, %zb, %s, %zy : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x5xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_x_scale(%x: tensor<1x3x8x8xui8>, %xs: tensor<3xf32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<f32>, %zw: tensor<i8>, %s: tensor<f32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'x_scale' must be a scalar}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %none : (tensor<1x3x8x8xui8>, tensor<3xf32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_w_scale(%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<3xf32>, %zw: tensor<i8>, %s: tensor<f32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'w_scale' has 3 elements, expected 1 or 4}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %none : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<3xf32>, tensor<i8>, tensor<f32>, tensor<ui8>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_bias_rank(%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<f32>, %zw: tensor<i8>, %s: tensor<f32>, %b: tensor<1x4xi32>) -> (tensor<*xui8>) {
  // expected-error @+1 {{bias must be 1-D, got rank 2}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %b : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, tensor<1x4xi32>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_bias_size(%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<f32>, %zw: tensor<i8>, %s: tensor<f32>, %b: tensor<3xi32>) -> (tensor<*xui8>) {
  // expected-error @+1 {{bias has 3 elements, expected 4 (output channels)}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %b : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, tensor<3xi32>) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_channels(%x: tensor<1x2x8x8xui8>, %xs: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<f32>, %zw: tensor<i8>, %s: tensor<f32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input has 2 channels but the weight expects 3 x group 1}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %none : (tensor<1x2x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @qlinear_conv_strides(%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %z: tensor<ui8>, %w: tensor<4x3x3x3xi8>, %sw: tensor<f32>, %zw: tensor<i8>, %s: tensor<f32>) -> (tensor<*xui8>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'strides' has invalid value 0 (must be positive)}}
  %0 = onnx.QLinearConv %x, %xs, %z, %w, %sw, %zw, %s, %z, %none {strides = [0, 1]} : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @matmul_integer_zero_point_type(%a: tensor<2x4xui8>, %b: tensor<4x5xi8>, %zb: tensor<ui8>) -> (tensor<*xi32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'B' and 'b_zero_point' must have the same element type, got 'i8' and 'ui8'}}
  %0 = onnx.MatMulInteger %a, %b, %none, %zb : (tensor<2x4xui8>, tensor<4x5xi8>, none, tensor<ui8>) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

func.func @matmul_integer_contraction(%a: tensor<2x4xui8>, %b: tensor<5x5xi8>) -> (tensor<*xi32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{matmul contraction dimensions differ: 4 and 5}}
  %0 = onnx.MatMulInteger %a, %b, %none, %none : (tensor<2x4xui8>, tensor<5x5xi8>, none, none) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

func.func @conv_integer_x_zero_point(%x: tensor<1x3x8xui8>, %w: tensor<4x3x3xui8>, %zx: tensor<3xui8>) -> (tensor<*xi32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'x_zero_point' must be a scalar}}
  %0 = onnx.ConvInteger %x, %w, %zx, %none : (tensor<1x3x8xui8>, tensor<4x3x3xui8>, tensor<3xui8>, none) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

func.func @conv_integer_w_zero_point(%x: tensor<1x3x8xui8>, %w: tensor<4x3x3xui8>, %zw: tensor<2xui8>) -> (tensor<*xi32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'w_zero_point' has 2 elements, expected 1 or 4}}
  %0 = onnx.ConvInteger %x, %w, %none, %zw : (tensor<1x3x8xui8>, tensor<4x3x3xui8>, none, tensor<2xui8>) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

func.func @conv_integer_auto_pad(%x: tensor<1x3x8xui8>, %w: tensor<4x3x3xui8>) -> (tensor<*xi32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'auto_pad' has invalid value 'same'}}
  %0 = onnx.ConvInteger %x, %w, %none, %none {auto_pad = "same"} : (tensor<1x3x8xui8>, tensor<4x3x3xui8>, none, none) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

func.func @nbits_k(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'K' has invalid value 0 (must be positive)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 0 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_n(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'N' has invalid value -8 (must be positive)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = -8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_bits(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'bits' has invalid value 1 (expected 2 to 8)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 1 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_block_size(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'block_size' has invalid value 48 (must be a power of 2, at least 16)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 48 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_accuracy_level(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'accuracy_level' has invalid value 5 (expected 0 to 4)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, accuracy_level = 5 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_overflow(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attributes 'N' and 'K' are too large}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 9223372036854775807 : i64, N = 9223372036854775807 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_a_rank(%a: tensor<f32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'A' must have rank >= 1}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<f32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_a_k(%a: tensor<2x32xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{last dimension of 'A' is 32, expected K = 64}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x32xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_b_shape(%a: tensor<2x64xf32>, %b: tensor<8x2x32xui8>, %s: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'B' must have shape [N, ceil(K / block_size), block_size * bits / 8] = [8, 2, 16]}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x32xui8>, tensor<16xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_scales_count(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<8xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'scales' has 8 elements, expected 16 (N x blocks)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_scales_2d(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<2x8xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'scales' must have shape [8, 2] or [16]}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<2x8xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_scales_rank(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<8x2x1xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'scales' must be 1-D or 2-D, got rank 3}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<8x2x1xf32>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_scales_type(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf16>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'A' and 'scales' must have the same element type, got 'f32' and 'f16'}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf16>, none, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_zero_points_type(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>, %zp: tensor<16xf16>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'A' and 'zero_points' must have the same element type, got 'f32' and 'f16'}}
  %0 = onnx.MatMulNBits %a, %b, %s, %zp, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, tensor<16xf16>, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_zero_points_packed(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>, %zp: tensor<16xui8>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'zero_points' has 16 elements, expected 8 (N x blocks)}}
  %0 = onnx.MatMulNBits %a, %b, %s, %zp, %none, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, tensor<16xui8>, none, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_g_idx(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>, %g: tensor<32xi32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'g_idx' must have shape [K] = [64]}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %g, %none {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, tensor<32xi32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nbits_bias(%a: tensor<2x64xf32>, %b: tensor<8x2x16xui8>, %s: tensor<16xf32>, %bias: tensor<16xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'bias' must have shape [N] = [8]}}
  %0 = onnx.MatMulNBits %a, %b, %s, %none, %none, %bias {K = 64 : i64, N = 8 : i64, bits = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<8x2x16xui8>, tensor<16xf32>, none, none, tensor<16xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
