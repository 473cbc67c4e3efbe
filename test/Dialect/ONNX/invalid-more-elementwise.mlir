// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @mod_float_fmod0(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'fmod' must be 1 for floating-point inputs ('f32')}}
  %0 = onnx.Mod %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @mod_bad_fmod(%a: tensor<2xi32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{'fmod' must be 0 or 1, got 2}}
  %0 = onnx.Mod %a, %b {fmod = 2 : i64} : (tensor<2xi32>, tensor<2xi32>) -> tensor<*xi32>
  return
}

// -----

func.func @mod_bad_broadcast(%a: tensor<2x3xi32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 1 is 3 and 2}}
  %0 = onnx.Mod %a, %b : (tensor<2x3xi32>, tensor<2xi32>) -> tensor<*xi32>
  return
}

// -----

func.func @bitshift_direction(%a: tensor<2xui8>, %b: tensor<2xui8>) {
  // expected-error @+1 {{'direction' must be "LEFT" or "RIGHT", got "UP"}}
  %0 = onnx.BitShift %a, %b {direction = "UP"} : (tensor<2xui8>, tensor<2xui8>) -> tensor<*xui8>
  return
}

// -----

func.func @bitshift_signed(%a: tensor<2xi8>, %b: tensor<2xi8>) {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = onnx.BitShift %a, %b {direction = "LEFT"} : (tensor<2xi8>, tensor<2xi8>) -> tensor<*xi8>
  return
}

// -----

func.func @prelu_rank(%x: tensor<4xf32>, %s: tensor<2x4xf32>) {
  // expected-error @+1 {{'slope' has rank 2, more than the rank 1 of 'X'}}
  %0 = onnx.PRelu %x, %s : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @prelu_dim(%x: tensor<2x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'slope' dimension 0 is 3 but the matching 'X' dimension is 4}}
  %0 = onnx.PRelu %x, %s : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @isinf_flag(%x: tensor<2xf32>) {
  // expected-error @+1 {{'detect_positive' must be 0 or 1, got 3}}
  %0 = onnx.IsInf %x {detect_positive = 3 : i64} : (tensor<2xf32>) -> tensor<*xi1>
  return
}

// -----

func.func @isinf_result(%x: tensor<2xf32>) {
  // expected-error @+1 {{incompatible with inferred type 'tensor<2xi1>'}}
  %0 = onnx.IsInf %x : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @celu_f64(%x: tensor<2xf64>) {
  // expected-error @+1 {{operand #0 must be tensor of 32-bit float values}}
  %0 = onnx.Celu %x : (tensor<2xf64>) -> tensor<*xf64>
  return
}

// -----

func.func @castlike_saturate(%x: tensor<2xf32>, %t: tensor<f16>) {
  // expected-error @+1 {{'saturate' must be 0 or 1, got 5}}
  %0 = onnx.CastLike %x, %t {saturate = 5 : i64} : (tensor<2xf32>, tensor<f16>) -> tensor<*xf16>
  return
}
