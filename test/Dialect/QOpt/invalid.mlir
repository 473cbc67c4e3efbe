// One case per qopt verifier error.
// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @quantize_shape(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{result shape [8, 4] differs from input shape [4, 8]}}
  %0 = qopt.quantize %x, %s : tensor<4x8xf32>, tensor<f32> -> tensor<8x4xi8>
  return
}

// -----

func.func @quantize_zp_type(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{zero_point element type 'i8' differs from result element type 'ui8'}}
  %0 = qopt.quantize %x, %s, %z : tensor<4x8xf32>, tensor<f32>, tensor<i8> -> tensor<4x8xui8>
  return
}

// -----

func.func @quantize_result_type(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{result #0 must be tensor of 8-bit signless integer or 8-bit unsigned integer or 4-bit signless integer or 4-bit unsigned integer values}}
  %0 = qopt.quantize %x, %s : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xi16>
  return
}

// -----

func.func @quantize_zp_shape(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %z: tensor<i8>) {
  // expected-error @+1 {{zero_point shape [] differs from scale shape [8]}}
  %0 = qopt.quantize %x, %s, %z {axis = 1 : i64} : tensor<4x8xf32>, tensor<8xf32>, tensor<i8> -> tensor<4x8xi8>
  return
}

// -----

func.func @quantize_axis(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qopt.quantize %x, %s {axis = 2 : i64} : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @quantize_per_axis_size(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{per-axis scale has 4 elements but dimension 1 has size 8}}
  %0 = qopt.quantize %x, %s {axis = 1 : i64} : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @quantize_per_axis_rank(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{per-axis scale must be 1-D, got shape [4, 8]}}
  %0 = qopt.quantize %x, %s : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @quantize_block_rank(%x: tensor<4x8xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{per-block scale must have rank 2, got shape [2]}}
  %0 = qopt.quantize %x, %s {block_size = 4 : i64} : tensor<4x8xf32>, tensor<2xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @quantize_block_shape(%x: tensor<4x10xf32>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{per-block scale shape [4, 2] does not match data shape [4, 10] with block_size 4 along axis 1}}
  %0 = qopt.quantize %x, %s {block_size = 4 : i64} : tensor<4x10xf32>, tensor<4x2xf32> -> tensor<4x10xi8>
  return
}

// -----

func.func @quantize_block_negative(%x: tensor<4x8xf32>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{block_size must be >= 0, got -4}}
  %0 = qopt.quantize %x, %s {block_size = -4 : i64} : tensor<4x8xf32>, tensor<4x2xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @dequantize_shape(%q: tensor<4x8xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{result shape [4] differs from input shape [4, 8]}}
  %0 = qopt.dequantize %q, %s : tensor<4x8xi8>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_zp_type(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{zero_point element type 'ui8' differs from input element type 'i8'}}
  %0 = qopt.dequantize %q, %s, %z : tensor<4x8xi8>, tensor<f32>, tensor<ui8> -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_result_type(%q: tensor<4x8xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{result element type 'f16' differs from scale element type 'f32'}}
  %0 = qopt.dequantize %q, %s : tensor<4x8xi8>, tensor<f32> -> tensor<4x8xf16>
  return
}

// -----

func.func @dequantize_per_axis(%q: tensor<4x8xi8>, %s: tensor<8xf32>) {
  // expected-error @+1 {{per-axis scale has 8 elements but dimension 0 has size 4}}
  %0 = qopt.dequantize %q, %s {axis = 0 : i64} : tensor<4x8xi8>, tensor<8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @dynamic_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [8, 4] differs from input shape [4, 8]}}
  %q, %s, %z = qopt.dynamic_quantize %x per_tensor : tensor<4x8xf32> -> tensor<8x4xui8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @dynamic_zp_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{zero_point element type 'i8' differs from result element type 'ui8'}}
  %q, %s, %z = qopt.dynamic_quantize %x per_tensor : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<i8>
  return
}

// -----

func.func @dynamic_zp_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{zero_point shape [] differs from scale shape [4]}}
  %q, %s, %z = qopt.dynamic_quantize %x per_row : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<4xf32>, tensor<ui8>
  return
}

// -----

func.func @dynamic_per_tensor(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{per_tensor scale must be a scalar (rank 0), got shape [4]}}
  %q, %s, %z = qopt.dynamic_quantize %x per_tensor : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<4xf32>, tensor<4xui8>
  return
}

// -----

func.func @dynamic_per_row(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{per_row scale shape [8] must be the input shape [4, 8] without its last dimension}}
  %q, %s, %z = qopt.dynamic_quantize %x per_row : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<8xf32>, tensor<8xui8>
  return
}

// -----

func.func @dynamic_per_row_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{per_row needs an input of rank >= 1}}
  %q, %s, %z = qopt.dynamic_quantize %x per_row : tensor<f32> -> tensor<ui8>, tensor<f32>, tensor<ui8>
  return
}

// -----

func.func @qmatmul_rank(%a: tensor<64xui8>, %b: tensor<64x32xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{a must have rank >= 2 ([..., M, K]), got rank 1}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<32xf32>
  return
}

// -----

func.func @qmatmul_b_rank(%a: tensor<4x64xui8>, %b: tensor<2x64x32xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{b must be 2-D ([K, N]), got rank 3}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<2x64x32xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_k(%a: tensor<4x64xui8>, %b: tensor<32x32xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{contraction sizes differ: a has K = 64, b has K = 32}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<32x32xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_b_type(%a: tensor<4x64xui8>, %b: tensor<64x32xui8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{operand #1 must be tensor of 8-bit signless integer values}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<64x32xui8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_zp_type(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{a_zero_point element type 'i8' differs from a's 'ui8'}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<i8>, tensor<f32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_zp_shape(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<4xf32>, %z: tensor<ui8>) {
  // expected-error @+1 {{a_zero_point shape [] differs from a_scale shape [4]}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<64x32xi8>, tensor<4xf32>, tensor<ui8>, tensor<4xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_a_scale(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<64xf32>, %z: tensor<64xui8>, %bs: tensor<f32>) {
  // expected-error @+1 {{a_scale must be a scalar or a's shape without K ([4]), got shape [64]}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %bs : tensor<4x64xui8>, tensor<64x32xi8>, tensor<64xf32>, tensor<64xui8>, tensor<f32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_b_scale(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<f32>, %z: tensor<ui8>, %bs: tensor<16xf32>) {
  // expected-error @+1 {{b_scale must be a scalar or [32], got shape [16]}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %bs : tensor<4x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<16xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_bias(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<f32>, %z: tensor<ui8>, %bias: tensor<4x32xf32>) {
  // expected-error @+1 {{bias must be [32], got shape [4, 32]}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s bias %bias : tensor<4x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<4x32xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @qmatmul_result(%a: tensor<4x64xui8>, %b: tensor<64x32xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{result shape [4, 64] differs from expected [4, 32]}}
  %0 = qopt.qmatmul %a, %b, %s, %z, %s : tensor<4x64xui8>, tensor<64x32xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<4x64xf32>
  return
}

// -----

func.func @qconv_rank(%x: tensor<8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{x and w must be 4-D (NCHW, FCHW), got ranks 3 and 4}}
  %0 = qopt.qconv %x, %w, %s, %z, %s : tensor<8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_zp_type(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{x_zero_point element type 'i8' differs from x's 'ui8'}}
  %0 = qopt.qconv %x, %w, %s, %z, %s : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_x_scale(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<1xf32>, %z: tensor<1xui8>, %ws: tensor<f32>) {
  // expected-error @+1 {{x_scale and x_zero_point must be scalars (rank 0)}}
  %0 = qopt.qconv %x, %w, %s, %z, %ws : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<1xf32>, tensor<1xui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_attr_sizes(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{strides and dilations need 2 values, pads 4}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {pads = array<i64: 1, 1>} : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_attr_values(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{strides and dilations must be >= 1, pads >= 0}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {strides = array<i64: 0, 1>} : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_group_value(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{group must be >= 1, got 0}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {group = 0 : i64} : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_group(%x: tensor<1x8x16x16xui8>, %w: tensor<16x2x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{channels (8) and filters (16) must be multiples of group 3}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {group = 3 : i64} : tensor<1x8x16x16xui8>, tensor<16x2x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_channels(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{w has 8 input channels, expected 4}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {group = 2 : i64} : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_dynamic_w(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x?x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{w must have static F, kH and kW}}
  %0 = qopt.qconv %x, %w, %s, %z, %s : tensor<1x8x16x16xui8>, tensor<16x8x?x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_w_scale(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>, %ws: tensor<8xf32>) {
  // expected-error @+1 {{w_scale must be a scalar or [16], got shape [8]}}
  %0 = qopt.qconv %x, %w, %s, %z, %ws : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<8xf32> -> tensor<1x16x14x14xf32>
  return
}

// -----

func.func @qconv_kernel(%x: tensor<1x8x2x2xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{kernel (extent 3) is larger than the padded input (2) along spatial dimension 0}}
  %0 = qopt.qconv %x, %w, %s, %z, %s : tensor<1x8x2x2xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x1x1xf32>
  return
}

// -----

func.func @qconv_result(%x: tensor<1x8x16x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{result shape [1, 16, 16, 16] differs from expected [1, 16, 8, 8]}}
  %0 = qopt.qconv %x, %w, %s, %z, %s {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x8x16x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x16x16xf32>
  return
}

// -----

func.func @wmm_bits(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{bits must be 2, 3, 4 or 8, got 5}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 5 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_dynamic_k(%x: tensor<1x?xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{x's last dimension (K) must be static}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64} : tensor<1x?xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_x_rank(%x: tensor<f32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{x must have rank >= 1}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64} : tensor<f32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<16xf32>
  return
}

// -----

func.func @wmm_group(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{group_size must be 0 (per channel) or in [1, K = 64], got 128}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 128 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_w_rank(%x: tensor<1x64xf32>, %w: tensor<512xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{w must be 2-D ([N, packed K]), got rank 1}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64} : tensor<1x64xf32>, tensor<512xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_packed(%x: tensor<1x64xf32>, %w: tensor<16x24xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{packed w must have 32 bytes per row for K = 64 at 3 bits, got 24}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 3 : i64} : tensor<1x64xf32>, tensor<16x24xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_scale(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{scale must be [N, G] = [16, 2], got [16, 1]}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 32 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_zp_shape(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>, %z: tensor<16xui8>) {
  // expected-error @+1 {{zero_point must be [N, G] = [16, 1], got [16]}}
  %0 = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<16xui8> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_zp_range(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  %z = onnx.Constant dense<16> : tensor<16x1xui8>
  // expected-error @+1 {{zero point 16 is out of range for 4-bit codes}}
  %0 = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<16x1xui8> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_bias(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias must be [N] = [16], got shape [8]}}
  %0 = qopt.weight_matmul %x, %w, %s bias %b {bits = 4 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<8xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_result(%x: tensor<3x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{result shape [1, 16] differs from expected [3, 16]}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64} : tensor<3x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @probe_name(%x: tensor<4xf32>) {
  // expected-error @+1 {{name must not be empty}}
  %0 = qopt.probe %x "" : tensor<4xf32>
  return
}

// -----

func.func @probe_stats(%x: tensor<4xf32>) {
  // expected-error @+1 {{unknown statistic 'median' (expected minmax, histogram, channel_absmax, channel_mean_abs, hessian or samples)}}
  %0 = qopt.probe %x "t" stats ["minmax", "median"] : tensor<4xf32>
  return
}

// -----

func.func @wmm_book_bits(%x: tensor<1x64xf32>, %w: tensor<16x64xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{a codebook needs bits = 4, got 8}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 8 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<16x64xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_book_size(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>) {
  // expected-error @+1 {{codebook must have 16 values, got 2}}
  %0 = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, codebook = array<f32: -1.0, 1.0>} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_book_zp(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>, %z: tensor<16x1xui8>) {
  // expected-error @+1 {{zero_point and codebook are exclusive (a code book has no zero point)}}
  %0 = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<16x1xui8> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_i8_scale_no_book(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xi8>, %ss: tensor<1xf32>, %so: tensor<f32>) {
  // expected-error @+1 {{i8 (double-quantized) scales need a codebook}}
  %0 = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xi8>, tensor<1xf32>, tensor<f32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_i8_scale_missing(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xi8>, %ss: tensor<1xf32>) {
  // expected-error @+1 {{i8 (double-quantized) scales need scale_scale and scale_offset}}
  %0 = qopt.weight_matmul %x, %w, %s scale_scale %ss {bits = 4 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xi8>, tensor<1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_scale_scale_shape(%x: tensor<1x64xf32>, %w: tensor<300x32xui8>, %s: tensor<300x1xi8>, %ss: tensor<1xf32>, %so: tensor<f32>) {
  // expected-error @+1 {{scale_scale must be [ceil(N * G / 256)] = [2], got [1]}}
  %0 = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<300x32xui8>, tensor<300x1xi8>, tensor<1xf32>, tensor<f32> -> tensor<1x300xf32>
  return
}

// -----

func.func @wmm_scale_offset_rank(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xi8>, %ss: tensor<1xf32>, %so: tensor<1xf32>) {
  // expected-error @+1 {{scale_offset must be a scalar (rank 0), got [1]}}
  %0 = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xi8>, tensor<1xf32>, tensor<1xf32> -> tensor<1x16xf32>
  return
}

// -----

func.func @wmm_scale_scale_f32(%x: tensor<1x64xf32>, %w: tensor<16x32xui8>, %s: tensor<16x1xf32>, %ss: tensor<1xf32>, %so: tensor<f32>) {
  // expected-error @+1 {{scale_scale / scale_offset need i8 (double-quantized) scales}}
  %0 = qopt.weight_matmul %x, %w, %s scale_scale %ss scale_offset %so {bits = 4 : i64, codebook = array<f32: -1.0, -0.6961928, -0.52507305, -0.39491749, -0.28444138, -0.18477343, -0.091050036, 0.0, 0.0795803, 0.1609302, 0.2461123, 0.33791524, 0.44070983, 0.562617, 0.72295684, 1.0>} : tensor<1x64xf32>, tensor<16x32xui8>, tensor<16x1xf32>, tensor<1xf32>, tensor<f32> -> tensor<1x16xf32>
  return
}
