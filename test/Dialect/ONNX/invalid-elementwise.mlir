// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @sub_bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 1 is 3 and 2}}
  %0 = onnx.Sub %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @mul_mixed_types(%a: tensor<2xf32>, %b: tensor<2xf16>) {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = onnx.Mul %a, %b : (tensor<2xf32>, tensor<2xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @neg_unsigned(%a: tensor<2xui8>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = onnx.Neg %a : (tensor<2xui8>) -> tensor<*xui8>
  return
}

// -----

func.func @less_result_not_bool(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{result #0 has type 'tensor<2xf32>' incompatible with inferred type 'tensor<2xi1>'}}
  %0 = onnx.Less %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @pow_bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xi64>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 1 is 3 and 4}}
  %0 = onnx.Pow %a, %b : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @max_no_input() {
  // expected-error @+1 {{expected 1 or more operands, but found 0}}
  %0 = onnx.Max : () -> tensor<*xf32>
  return
}

// -----

func.func @max_bad_broadcast(%a: tensor<2xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 0 is 2 and 3}}
  %0 = onnx.Max %a, %b : (tensor<2xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @gelu_bad_approximate(%x: tensor<2xf32>) {
  // expected-error @+1 {{'approximate' must be "none" or "tanh", got "fast"}}
  %0 = onnx.Gelu %x {approximate = "fast"} : (tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @clip_min_not_scalar(%x: tensor<2x3xf32>, %lo: tensor<3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'min' must be a scalar, got rank 1}}
  %0 = onnx.Clip %x, %lo, %none : (tensor<2x3xf32>, tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @clip_max_wrong_type(%x: tensor<2x3xf32>, %hi: tensor<f16>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'max' element type 'f16' must match the input element type 'f32'}}
  %0 = onnx.Clip %x, %none, %hi : (tensor<2x3xf32>, none, tensor<f16>) -> tensor<*xf32>
  return
}

// -----

func.func @where_bad_broadcast(%c: tensor<2xi1>, %x: tensor<3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 0 is 2 and 3}}
  %0 = onnx.Where %c, %x, %y : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @where_mixed_types(%c: tensor<2xi1>, %x: tensor<2xf32>, %y: tensor<2xi32>) {
  // expected-error @+1 {{failed to verify that all of {X, Y} have same element type}}
  %0 = onnx.Where %c, %x, %y : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<*xf32>
  return
}

// -----

func.func @cast_bad_to(%x: tensor<2xf32>) {
  // expected-error @+1 {{'to' = 8 is not a supported ONNX data type}}
  %0 = onnx.Cast %x {to = 8 : i64} : (tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @cast_bad_saturate(%x: tensor<2xf32>) {
  // expected-error @+1 {{'saturate' must be 0 or 1, got 2}}
  %0 = onnx.Cast %x {to = 17 : i64, saturate = 2 : i64} : (tensor<2xf32>) -> tensor<*xf8E4M3FN>
  return
}

// -----

func.func @cast_wrong_result(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 has type 'tensor<2xf16>' incompatible with inferred type 'tensor<2xi64>'}}
  %0 = onnx.Cast %x {to = 7 : i64} : (tensor<2xf32>) -> tensor<2xf16>
  return
}
