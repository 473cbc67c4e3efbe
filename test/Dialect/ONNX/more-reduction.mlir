// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s

// Inference of ReduceL1 / LogSum / LogSumExp / SumSquare, ArgMax / ArgMin,
// Hardmax, CumSum, InstanceNormalization, MeanVarianceNormalization, LRN.

// CHECK-LABEL: func.func @reduce
func.func @reduce(%x: tensor<2x?x4xf32>, %ax: tensor<1xi64>, %dyn: tensor<?xi64>) {
  %none = onnx.NoValue
  %axes = onnx.Constant dense<[-1]> : tensor<1xi64>
  // CHECK: onnx.ReduceL1 {{.*}} -> tensor<2x?x1xf32>
  %0 = onnx.ReduceL1 %x, %axes : (tensor<2x?x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceLogSum {{.*}} -> tensor<2x?xf32>
  %1 = onnx.ReduceLogSum %x, %axes {keepdims = 0 : i64} : (tensor<2x?x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceLogSumExp {{.*}} -> tensor<f32>
  %2 = onnx.ReduceLogSumExp %x, %none {keepdims = 0 : i64} : (tensor<2x?x4xf32>, none) -> tensor<*xf32>
  // CHECK: onnx.ReduceSumSquare {{.*}} -> tensor<?x?x?xf32>
  %3 = onnx.ReduceSumSquare %x, %ax : (tensor<2x?x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceSumSquare {{.*}} -> tensor<2x?x4xf32>
  %4 = onnx.ReduceSumSquare %x, %none {noop_with_empty_axes = 1 : i64} : (tensor<2x?x4xf32>, none) -> tensor<*xf32>
  // CHECK: onnx.ReduceL1 {{.*}} -> tensor<*xf32>
  %5 = onnx.ReduceL1 %x, %dyn {keepdims = 0 : i64} : (tensor<2x?x4xf32>, tensor<?xi64>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @argmax
func.func @argmax(%x: tensor<2x?x4xf32>, %u: tensor<*xi32>) {
  // CHECK: onnx.ArgMax {{.*}} -> tensor<1x?x4xi64>
  %0 = onnx.ArgMax %x : (tensor<2x?x4xf32>) -> tensor<*xi64>
  // CHECK: onnx.ArgMax {{.*}} -> tensor<2x?xi64>
  %1 = onnx.ArgMax %x {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x?x4xf32>) -> tensor<*xi64>
  // CHECK: onnx.ArgMin {{.*}} -> tensor<2x4xi64>
  %2 = onnx.ArgMin %x {axis = 1 : i64, keepdims = 0 : i64} : (tensor<2x?x4xf32>) -> tensor<*xi64>
  // CHECK: onnx.ArgMin {{.*}} -> tensor<*xi64>
  %3 = onnx.ArgMin %u : (tensor<*xi32>) -> tensor<*xi64>
  return
}

// -----

// CHECK-LABEL: func.func @hardmax_cumsum
func.func @hardmax_cumsum(%x: tensor<2x?x4xf32>, %ax: tensor<i32>, %i: tensor<5xi64>) {
  // CHECK: onnx.Hardmax {{.*}} -> tensor<2x?x4xf32>
  %0 = onnx.Hardmax %x {axis = 1 : i64} : (tensor<2x?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.CumSum {{.*}} -> tensor<2x?x4xf32>
  %1 = onnx.CumSum %x, %ax {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x?x4xf32>, tensor<i32>) -> tensor<*xf32>
  %c = onnx.Constant dense<0> : tensor<i64>
  // CHECK: onnx.CumSum {{.*}} -> tensor<5xi64>
  %2 = onnx.CumSum %i, %c : (tensor<5xi64>, tensor<i64>) -> tensor<*xi64>
  return
}

// -----

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<2x?x5x5xf32>, %s: tensor<3xf32>, %b: tensor<?xf32>, %u: tensor<*xf32>) {
  // CHECK: onnx.InstanceNormalization {{.*}} -> tensor<2x3x5x5xf32>
  %0 = onnx.InstanceNormalization %x, %s, %b {epsilon = 1.0e-2 : f32} : (tensor<2x?x5x5xf32>, tensor<3xf32>, tensor<?xf32>) -> tensor<*xf32>
  // CHECK: onnx.InstanceNormalization {{.*}} -> tensor<*xf32>
  %1 = onnx.InstanceNormalization %u, %s, %b : (tensor<*xf32>, tensor<3xf32>, tensor<?xf32>) -> tensor<*xf32>
  // CHECK: onnx.MeanVarianceNormalization {{.*}} -> tensor<2x?x5x5xf32>
  %2 = onnx.MeanVarianceNormalization %x : (tensor<2x?x5x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.MeanVarianceNormalization {{.*}} -> tensor<2x?x5x5xf32>
  %3 = onnx.MeanVarianceNormalization %x {axes = [-1, 1]} : (tensor<2x?x5x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.LRN {{.*}} -> tensor<2x?x5x5xf32>
  %4 = onnx.LRN %x {size = 3 : i64} : (tensor<2x?x5x5xf32>) -> tensor<*xf32>
  return
}
