// Result types left unranked; --qopt-onnx-shape-inference fills them in.
func.func @refine(%x: tensor<2x8xf32>, %w: tensor<8x6xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant dense<[2, 3, 2]> : tensor<3xi64>
  %0 = onnx.MatMul %x, %w : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<*xf32>
  %1 = onnx.Relu %0 : (tensor<*xf32>) -> tensor<*xf32>
  %2 = onnx.Reshape %1, %shape : (tensor<*xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %2 : tensor<*xf32>
}
