// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg --verify-diagnostics

// Run-time axes whose result shape says nothing: too many axis sets.
func.func @runtime_axes_unknown_shape(%x: tensor<2x3x4x5x6x7xf32>, %axes: tensor<?xi64>) -> tensor<?x?x?x?x?x?xf32> {
  // expected-error @+2 {{failed to legalize operation 'onnx.ReduceSum'}}
  // expected-error @+1 {{ReduceSum: unsupported non-constant 'axes' input: 63 axis sets match the result shape}}
  %0 = onnx.ReduceSum %x, %axes : (tensor<2x3x4x5x6x7xf32>, tensor<?xi64>) -> tensor<?x?x?x?x?x?xf32>
  return %0 : tensor<?x?x?x?x?x?xf32>
}
