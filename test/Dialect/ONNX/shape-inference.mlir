// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s

// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: -> tensor<2x3x4xf32>
func.func @broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Add {{.*}} -> tensor<2x3x4xf32>
  %0 = onnx.Add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant_shape
func.func @reshape_constant_shape(%x: tensor<?x6xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant dense<[0, 2, 3]> : tensor<3xi64>
  // CHECK: onnx.Reshape {{.*}} -> tensor<?x2x3xf32>
  %0 = onnx.Reshape %x, %shape : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Declarations have no body: the pass leaves them alone.
// CHECK-LABEL: func.func private @declaration
func.func private @declaration(tensor<2xf32>) -> tensor<2xf32>
