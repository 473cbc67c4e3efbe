// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s --check-prefix=ROUND

// ROUND-LABEL: func.func @round_trip
// ROUND: onnx.ReduceMean %{{.*}}, %{{.*}} {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
// ROUND: onnx.LayerNormalization %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 1.000000e-03 : f32} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
func.func @round_trip(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  %axes = onnx.Constant dense<1> : tensor<1xi64>
  %none = onnx.NoValue
  %0 = onnx.ReduceMean %x, %axes {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  %1:3 = onnx.LayerNormalization %x, %s, %none {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0, %1#0 : tensor<2xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_constant_axes
func.func @reduce_mean_constant_axes(%x: tensor<2x3x4xf32>, %y: tensor<?x3x?xf32>) {
  %axes = onnx.Constant dense<[-1, 1]> : tensor<2xi64>
  // CHECK: onnx.ReduceMean {{.*}} -> tensor<2x1x1xf32>
  %0 = onnx.ReduceMean %x, %axes : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceMean {{.*}} -> tensor<2xf32>
  %1 = onnx.ReduceMean %x, %axes {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceMean {{.*}} -> tensor<?x1x1xf32>
  %2 = onnx.ReduceMean %y, %axes : (tensor<?x3x?xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_sum_no_axes
func.func @reduce_sum_no_axes(%x: tensor<2x3xi64>, %y: tensor<*xi64>) {
  %none = onnx.NoValue
  %empty = onnx.Constant dense<> : tensor<0xi64>
  // CHECK: onnx.ReduceSum {{.*}} -> tensor<1x1xi64>
  %0 = onnx.ReduceSum %x, %none : (tensor<2x3xi64>, none) -> tensor<*xi64>
  // CHECK: onnx.ReduceSum {{.*}} -> tensor<i64>
  %1 = onnx.ReduceSum %x, %empty {keepdims = 0 : i64} : (tensor<2x3xi64>, tensor<0xi64>) -> tensor<*xi64>
  // CHECK: onnx.ReduceSum {{.*}} -> tensor<2x3xi64>
  %2 = onnx.ReduceSum %x, %none {noop_with_empty_axes = 1 : i64} : (tensor<2x3xi64>, none) -> tensor<*xi64>
  // CHECK: onnx.ReduceSum {{.*}} -> tensor<*xi64>
  %3 = onnx.ReduceSum %y, %none : (tensor<*xi64>, none) -> tensor<*xi64>
  // CHECK: onnx.ReduceSum {{.*}} -> tensor<i64>
  %4 = onnx.ReduceSum %y, %none {keepdims = 0 : i64} : (tensor<*xi64>, none) -> tensor<*xi64>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_max_dynamic_axes
func.func @reduce_max_dynamic_axes(%x: tensor<2x1x4xf32>, %a: tensor<2xi64>, %b: tensor<?xi64>, %u: tensor<*xf32>) {
  // CHECK: onnx.ReduceMax {{.*}} -> tensor<?x1x?xf32>
  %0 = onnx.ReduceMax %x, %a : (tensor<2x1x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceMax {{.*}} -> tensor<?xf32>
  %1 = onnx.ReduceMax %x, %a {keepdims = 0 : i64} : (tensor<2x1x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceMax {{.*}} -> tensor<*xf32>
  %2 = onnx.ReduceMax %x, %b {keepdims = 0 : i64} : (tensor<2x1x4xf32>, tensor<?xi64>) -> tensor<*xf32>
  // CHECK: onnx.ReduceMax {{.*}} -> tensor<*xf32>
  %3 = onnx.ReduceMax %u, %a : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_min_prod_l2
func.func @reduce_min_prod_l2(%x: tensor<2x3xi1>, %y: tensor<?x5xf16>, %z: tensor<4x?xi32>) {
  %axes = onnx.Constant dense<0> : tensor<1xi64>
  // CHECK: onnx.ReduceMin {{.*}} -> tensor<1x3xi1>
  %0 = onnx.ReduceMin %x, %axes : (tensor<2x3xi1>, tensor<1xi64>) -> tensor<*xi1>
  // CHECK: onnx.ReduceProd {{.*}} -> tensor<5xf16>
  %1 = onnx.ReduceProd %y, %axes {keepdims = 0 : i64} : (tensor<?x5xf16>, tensor<1xi64>) -> tensor<*xf16>
  // CHECK: onnx.ReduceL2 {{.*}} -> tensor<1x?xi32>
  %2 = onnx.ReduceL2 %z, %axes : (tensor<4x?xi32>, tensor<1xi64>) -> tensor<*xi32>
  return
}

// -----

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x3xf32>, %y: tensor<?x?xf16>, %z: tensor<*xf32>) {
  // CHECK: onnx.Softmax {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Softmax %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.LogSoftmax {{.*}} -> tensor<?x?xf16>
  %1 = onnx.LogSoftmax %y {axis = 0 : i64} : (tensor<?x?xf16>) -> tensor<*xf16>
  // CHECK: onnx.Softmax {{.*}} -> tensor<*xf32>
  %2 = onnx.Softmax %z {axis = 3 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  // CHECK: onnx.LogSoftmax {{.*}} -> tensor<*xf32>
  %3 = onnx.LogSoftmax %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<2x5x8xf16>, %s: tensor<8xf16>, %b: tensor<1x8xf16>, %y: tensor<?x?x8xf32>, %s2: tensor<?x8xf32>, %u: tensor<*xf32>) {
  %none = onnx.NoValue
  // CHECK: onnx.LayerNormalization {{.*}} -> (tensor<2x5x8xf16>, tensor<2x5x1xf32>, tensor<2x5x1xf32>)
  %0:3 = onnx.LayerNormalization %x, %s, %b : (tensor<2x5x8xf16>, tensor<8xf16>, tensor<1x8xf16>) -> (tensor<*xf16>, tensor<*xf32>, tensor<*xf32>)
  // CHECK: onnx.LayerNormalization {{.*}} -> (tensor<?x?x8xf32>, tensor<?x1x1xbf16>, tensor<?x1x1xbf16>)
  %1:3 = onnx.LayerNormalization %y, %s2, %none {axis = -2 : i64, stash_type = 16 : i64} : (tensor<?x?x8xf32>, tensor<?x8xf32>, none) -> (tensor<*xf32>, tensor<*xbf16>, tensor<*xbf16>)
  // CHECK: onnx.LayerNormalization {{.*}} -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  %2:3 = onnx.LayerNormalization %u, %s2, %none : (tensor<*xf32>, tensor<?x8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @batch_norm
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %c: tensor<3xf32>, %y: tensor<?x?x7xf16>, %d: tensor<?xf32>, %e: tensor<5xf32>, %u: tensor<*xf32>) {
  // CHECK: onnx.BatchNormalization {{.*}} -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  %0:3 = onnx.BatchNormalization %x, %c, %c, %c, %c : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  // CHECK: onnx.BatchNormalization {{.*}} -> (tensor<?x5x7xf16>, tensor<5xf32>, tensor<5xf32>)
  %1:3 = onnx.BatchNormalization %y, %d, %d, %e, %d {epsilon = 1.0e-3 : f32, momentum = 0.99 : f32, training_mode = 1 : i64} : (tensor<?x?x7xf16>, tensor<?xf32>, tensor<?xf32>, tensor<5xf32>, tensor<?xf32>) -> (tensor<*xf16>, tensor<*xf32>, tensor<*xf32>)
  // CHECK: onnx.BatchNormalization {{.*}} -> (tensor<*xf32>, tensor<?xf32>, tensor<?xf32>)
  %2:3 = onnx.BatchNormalization %u, %d, %d, %d, %d : (tensor<*xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}
