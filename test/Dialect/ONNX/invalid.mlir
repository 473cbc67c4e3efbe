// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 1 is 3 and 4}}
  %0 = onnx.Add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{result #0 has type 'tensor<3x2xf32>' incompatible with inferred type 'tensor<2x3xf32>'}}
  %0 = onnx.Relu %a : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_two_minus_one(%x: tensor<6xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+1 {{'shape' has more than one -1}}
  %0 = onnx.Reshape %x, %shape : (tensor<6xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
