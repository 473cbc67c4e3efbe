// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @matmul_rank0(%a: tensor<f32>, %b: tensor<4xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{matmul operands must have rank >= 1}}
  %0 = onnx.MatMul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{matmul contraction dimensions differ: 4 and 5}}
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 0 is 2 and 3}}
  %0 = onnx.MatMul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @matmul_element_types(%a: tensor<3x4xf32>, %b: tensor<4x5xf16>) -> (tensor<*xf32>) {
  // expected-error @+1 {{'A' and 'B' must have the same element type, got 'f32' and 'f16'}}
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4x5xf16>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @matmul_wrong_result(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> (tensor<3x6xf32>) {
  // expected-error @+1 {{result #0 has type 'tensor<3x6xf32>' incompatible with inferred type 'tensor<3x5xf32>'}}
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @gemm_a_rank(%a: tensor<3xf32>, %b: tensor<3x5xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'A' must be 2-D, got rank 1}}
  %0 = onnx.Gemm %a, %b, %none : (tensor<3xf32>, tensor<3x5xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_b_rank(%a: tensor<2x3xf32>, %b: tensor<1x3x5xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'B' must be 2-D, got rank 3}}
  %0 = onnx.Gemm %a, %b, %none : (tensor<2x3xf32>, tensor<1x3x5xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{contraction dimensions of A' and B' differ: 3 and 5}}
  %0 = onnx.Gemm %a, %b, %none {transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x5xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_c_rank(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<1x2x5xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{'C' must have rank <= 2, got 3}}
  %0 = onnx.Gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<1x2x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_c_broadcast(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{'C' is not unidirectionally broadcastable to (M, N): dimension 0 is 4, expected 1 or 5}}
  %0 = onnx.Gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_c_element_type(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf64>) -> (tensor<*xf32>) {
  // expected-error @+1 {{'A' and 'C' must have the same element type, got 'f32' and 'f64'}}
  %0 = onnx.Gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<5xf64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'strides' has 1 values, expected 2}}
  %0 = onnx.Conv %x, %w, %none {strides = [1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'strides' has invalid value 0 (must be positive)}}
  %0 = onnx.Conv %x, %w, %none {strides = [1, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_pads_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'pads' has invalid value -1 (must be non-negative)}}
  %0 = onnx.Conv %x, %w, %none {pads = [0, -1, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_auto_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'auto_pad' has invalid value 'SAME' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)}}
  %0 = onnx.Conv %x, %w, %none {auto_pad = "SAME"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_kernel_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x0xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{kernel spatial dimension 1 is 0 (must be positive)}}
  %0 = onnx.Conv %x, %w, %none : (tensor<1x3x8x8xf32>, tensor<4x3x3x0xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_dilation_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{kernel extent overflows (kernel 3, dilation 4611686018427387904)}}
  %0 = onnx.Conv %x, %w, %none {dilations = [1, 4611686018427387904]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_pads_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{padded size of spatial dimension 1 overflows}}
  %0 = onnx.Conv %x, %w, %none {pads = [0, 9223372036854775807, 0, 0]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_kernel_too_large(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{spatial dimension 0: kernel extent 9 exceeds the padded input size 8}}
  %0 = onnx.Conv %x, %w, %none {dilations = [4, 1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_group_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'group' has invalid value 0 (must be positive)}}
  %0 = onnx.Conv %x, %w, %none {group = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_input_rank(%x: tensor<1x3xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input must have rank >= 3 (N x C x D1...), got 2}}
  %0 = onnx.Conv %x, %w, %none : (tensor<1x3xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{weight must have rank >= 3 (M x C/group x k1...), got 2}}
  %0 = onnx.Conv %x, %w, %none : (tensor<1x3x8x8xf32>, tensor<4x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_rank_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input rank 4 and weight rank 3 differ}}
  %0 = onnx.Conv %x, %w, %none : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'kernel_shape' value 5 at 1 does not match the weight's spatial dimension 3}}
  %0 = onnx.Conv %x, %w, %none {kernel_shape = [3, 5]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_group_divides_m(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{output channels 4 are not divisible by group 3}}
  %0 = onnx.Conv %x, %w, %none {group = 3 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input has 3 channels but the weight expects 3 x group 2}}
  %0 = onnx.Conv %x, %w, %none {group = 2 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{bias must be 1-D, got rank 2}}
  %0 = onnx.Conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @conv_bias_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{bias has 5 elements, expected 4 (output channels)}}
  %0 = onnx.Conv %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_group_zero(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'group' has invalid value 0 (must be positive)}}
  %0 = onnx.ConvTranspose %x, %w, %none {group = 0 : i64} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_auto_pad(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'auto_pad' has invalid value 'FULL'}}
  %0 = onnx.ConvTranspose %x, %w, %none {auto_pad = "FULL"} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_input_rank(%x: tensor<4xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input must have rank >= 3 (N x C x D1...), got 1}}
  %0 = onnx.ConvTranspose %x, %w, %none : (tensor<4xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_weight_rank(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{weight must have rank >= 3 (C x M/group x k1...), got 2}}
  %0 = onnx.ConvTranspose %x, %w, %none : (tensor<1x4x5x5xf32>, tensor<4x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_rank_mismatch(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input rank 4 and weight rank 5 differ}}
  %0 = onnx.ConvTranspose %x, %w, %none : (tensor<1x4x5x5xf32>, tensor<4x3x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_kernel_shape(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'kernel_shape' value 2 at 0 does not match the weight's spatial dimension 3}}
  %0 = onnx.ConvTranspose %x, %w, %none {kernel_shape = [2, 3]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_channels(%x: tensor<1x2x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input has 2 channels but the weight has 4}}
  %0 = onnx.ConvTranspose %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_group_divides_c(%x: tensor<?x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{input channels 4 are not divisible by group 3}}
  %0 = onnx.ConvTranspose %x, %w, %none {group = 3 : i64} : (tensor<?x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_channel_overflow(%x: tensor<1x4x5x5xf32>, %w: tensor<4x4611686018427387904x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{output channel count overflows}}
  %0 = onnx.ConvTranspose %x, %w, %none {group = 4 : i64} : (tensor<1x4x5x5xf32>, tensor<4x4611686018427387904x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_output_padding(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'output_padding' has 1 values, expected 2}}
  %0 = onnx.ConvTranspose %x, %w, %none {output_padding = [1]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_output_shape(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'output_shape' has 3 values, expected 2}}
  %0 = onnx.ConvTranspose %x, %w, %none {output_shape = [10, 10, 10]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_kernel_zero(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x0x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{kernel spatial dimension 0 is 0 (must be positive)}}
  %0 = onnx.ConvTranspose %x, %w, %none : (tensor<1x4x5x5xf32>, tensor<4x3x0x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_same_overflow(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{output size of spatial dimension 0 overflows}}
  %0 = onnx.ConvTranspose %x, %w, %none {auto_pad = "SAME_UPPER", strides = [4611686018427387904, 1]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_dilation_overflow(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{kernel extent overflows (kernel 3, dilation 4611686018427387904)}}
  %0 = onnx.ConvTranspose %x, %w, %none {dilations = [4611686018427387904, 1]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_pads_overflow(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{attribute 'pads' overflows}}
  %0 = onnx.ConvTranspose %x, %w, %none {pads = [9223372036854775807, 0, 1, 0]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_size_overflow(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{output size of spatial dimension 0 overflows}}
  %0 = onnx.ConvTranspose %x, %w, %none {strides = [4611686018427387904, 1]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_size_negative(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<*xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{spatial dimension 0: output size -1 is not positive (pads too large)}}
  %0 = onnx.ConvTranspose %x, %w, %none {pads = [4, 0, 4, 0]} : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @convt_bias_size(%x: tensor<1x4x5x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{bias has 4 elements, expected 3 (output channels)}}
  %0 = onnx.ConvTranspose %x, %w, %b : (tensor<1x4x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @maxpool_storage_order(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // expected-error @+1 {{attribute 'storage_order' has invalid value 2 (expected 0 or 1)}}
  %0, %1 = onnx.MaxPool %x {kernel_shape = [2, 2], storage_order = 2 : i64} : (tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

func.func @maxpool_kernel_empty(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // expected-error @+1 {{attribute 'kernel_shape' must not be empty}}
  %0, %1 = onnx.MaxPool %x {kernel_shape = []} : (tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

func.func @maxpool_kernel_zero(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // expected-error @+1 {{attribute 'kernel_shape' has invalid value 0 (must be positive)}}
  %0, %1 = onnx.MaxPool %x {kernel_shape = [2, 0]} : (tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

func.func @maxpool_rank(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  // expected-error @+1 {{input has rank 4 but 'kernel_shape' has 1 values (expected rank 3)}}
  %0, %1 = onnx.MaxPool %x {kernel_shape = [2]} : (tensor<1x3x8x8xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

func.func @averagepool_dilations(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{attribute 'dilations' has 3 values, expected 2}}
  %0 = onnx.AveragePool %x {dilations = [1, 1, 1], kernel_shape = [2, 2]} : (tensor<1x3x8x8xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @averagepool_too_small(%x: tensor<1x3x8x8xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{spatial dimension 0: kernel extent 9 exceeds the padded input size 8}}
  %0 = onnx.AveragePool %x {kernel_shape = [9, 2]} : (tensor<1x3x8x8xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @global_pool_rank(%x: tensor<3xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{input must have rank >= 2 (N x C x D1...), got 1}}
  %0 = onnx.GlobalAveragePool %x  : (tensor<3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
