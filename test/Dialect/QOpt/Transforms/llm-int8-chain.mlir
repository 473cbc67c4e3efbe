// --qopt-llm-int8 on MatMuls that feed each other: the second layer reads
// the first one's rewritten result (qmatmul + outlier part).
// RUN: quant-opt %s --qopt-llm-int8="mode=dynamic" | FileCheck %s

// CHECK-LABEL: func.func @main_graph
// CHECK: qopt.dynamic_quantize %{{.*}} per_row symmetric : tensor<2x4xf32>
// CHECK: %[[Y1:.*]] = qopt.qmatmul {{.*}}qopt.scheme = "llm-int8"
// CHECK: %[[O1:.*]] = qopt.weight_matmul
// CHECK: %[[S1:.*]] = onnx.Add %[[Y1]], %[[O1]]
// CHECK: %[[A:.*]] = onnx.Abs %[[S1]]
// CHECK: onnx.Where {{.*}}, %[[S1]]
// CHECK: %[[Y2:.*]] = qopt.qmatmul {{.*}}qopt.scheme = "llm-int8"
// CHECK: %[[O2:.*]] = qopt.weight_matmul
// CHECK: %[[S2:.*]] = onnx.Add %[[Y2]], %[[O2]]
// CHECK: return %[[S2]]
// CHECK-NOT: onnx.MatMul

func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"}) -> (tensor<2x2xf32> {onnx.name = "y"}) {
  %w1 = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %w2 = onnx.Constant dense<[[0.5, -1.0], [1.0, 0.5], [0.2, 0.3]]> : tensor<3x2xf32>
  %h = onnx.MatMul %x, %w1 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("fc1")
  %y = onnx.MatMul %h, %w2 : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32> loc("fc2")
  return %y : tensor<2x2xf32>
}
