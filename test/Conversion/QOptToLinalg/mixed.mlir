// Modules that mix onnx and qopt ops: the onnx lowering leaves qopt ops
// alone (casting their operands where types change), the qopt lowering
// runs next and the unsigned casts cancel out.
// RUN: quant-opt %s --qopt-convert-onnx-to-linalg --qopt-convert-qopt-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%{{.*}}: tensor<2x8xf32>) -> tensor<2x4xf32>
// CHECK-NOT: unrealized_conversion_cast
// CHECK-NOT: onnx.
// CHECK-NOT: qopt.
// CHECK: return
func.func @main_graph(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %s = onnx.Constant dense<0.1> : tensor<f32>
  %z = onnx.Constant dense<128> : tensor<ui8>
  %b = onnx.Constant dense<1> : tensor<8x4xi8>
  %bs = onnx.Constant dense<0.01> : tensor<4xf32>
  %r = onnx.Relu %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %p = qopt.probe %r "relu_out" : tensor<2x8xf32>
  %q = qopt.quantize %p, %s, %z : tensor<2x8xf32>, tensor<f32>, tensor<ui8> -> tensor<2x8xui8>
  %y = qopt.qmatmul %q, %b, %s, %z, %bs : tensor<2x8xui8>, tensor<8x4xi8>, tensor<f32>, tensor<ui8>, tensor<4xf32> -> tensor<2x4xf32>
  %o = onnx.Sigmoid %y : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %o : tensor<2x4xf32>
}
