func.func @bad(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<*xf32> {
  %0 = onnx.Add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
