// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s

// Inference of GatherElements / GatherND / ScatterElements / ScatterND,
// OneHot, EyeLike, TopK, NonZero.

// CHECK-LABEL: func.func @gather_scatter
func.func @gather_scatter(%d: tensor<3x?x5xf32>, %i: tensor<3x2x?xi64>, %u: tensor<*xi32>, %up: tensor<3x2x?xf32>) {
  // CHECK: onnx.GatherElements {{.*}} -> tensor<3x2x?xf32>
  %0 = onnx.GatherElements %d, %i {axis = -2 : i64} : (tensor<3x?x5xf32>, tensor<3x2x?xi64>) -> tensor<*xf32>
  // CHECK: onnx.GatherElements {{.*}} -> tensor<?x?x?xf32>
  %1 = onnx.GatherElements %d, %u : (tensor<3x?x5xf32>, tensor<*xi32>) -> tensor<*xf32>
  // CHECK: onnx.ScatterElements {{.*}} -> tensor<3x?x5xf32>
  %2 = onnx.ScatterElements %d, %i, %up {axis = 1 : i64, reduction = "add"} : (tensor<3x?x5xf32>, tensor<3x2x?xi64>, tensor<3x2x?xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @gather_nd
func.func @gather_nd(%d: tensor<2x3x4x5xf32>, %i: tensor<?x2xi64>, %b: tensor<2x?x1xi64>, %dyn: tensor<2x?xi64>) {
  // CHECK: onnx.GatherND {{.*}} -> tensor<?x4x5xf32>
  %0 = onnx.GatherND %d, %i : (tensor<2x3x4x5xf32>, tensor<?x2xi64>) -> tensor<*xf32>
  // CHECK: onnx.GatherND {{.*}} -> tensor<2x?x4x5xf32>
  %1 = onnx.GatherND %d, %b {batch_dims = 1 : i64} : (tensor<2x3x4x5xf32>, tensor<2x?x1xi64>) -> tensor<*xf32>
  // CHECK: onnx.GatherND {{.*}} -> tensor<*xf32>
  %2 = onnx.GatherND %d, %dyn : (tensor<2x3x4x5xf32>, tensor<2x?xi64>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @scatter_nd
func.func @scatter_nd(%d: tensor<4x4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4x4xf32>, %v: tensor<?x?x?xf32>) {
  // CHECK: onnx.ScatterND {{.*}} -> tensor<4x4x4xf32>
  %0 = onnx.ScatterND %d, %i, %u : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.ScatterND {{.*}} -> tensor<4x4x4xf32>
  %1 = onnx.ScatterND %d, %i, %v {reduction = "mul"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<?x?x?xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @one_hot
func.func @one_hot(%i: tensor<2x?xi64>, %v: tensor<2xf32>, %d: tensor<i64>) {
  %depth = onnx.Constant dense<10> : tensor<1xi64>
  %fdepth = onnx.Constant dense<3.0> : tensor<f32>
  // CHECK: onnx.OneHot {{.*}} -> tensor<2x?x10xf32>
  %0 = onnx.OneHot %i, %depth, %v : (tensor<2x?xi64>, tensor<1xi64>, tensor<2xf32>) -> tensor<*xf32>
  // CHECK: onnx.OneHot {{.*}} -> tensor<3x2x?xf32>
  %1 = onnx.OneHot %i, %fdepth, %v {axis = 0 : i64} : (tensor<2x?xi64>, tensor<f32>, tensor<2xf32>) -> tensor<*xf32>
  // CHECK: onnx.OneHot {{.*}} -> tensor<2x?x?xf32>
  %2 = onnx.OneHot %i, %d, %v {axis = -2 : i64} : (tensor<2x?xi64>, tensor<i64>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @eye_like
func.func @eye_like(%x: tensor<3x?xi32>, %u: tensor<*xf32>) {
  // CHECK: onnx.EyeLike {{.*}} -> tensor<3x?xi32>
  %0 = onnx.EyeLike %x {k = 1 : i64} : (tensor<3x?xi32>) -> tensor<*xi32>
  // CHECK: onnx.EyeLike {{.*}} -> tensor<3x?xf64>
  %1 = onnx.EyeLike %x {dtype = 11 : i64} : (tensor<3x?xi32>) -> tensor<*xf64>
  // CHECK: onnx.EyeLike {{.*}} -> tensor<?x?xf32>
  %2 = onnx.EyeLike %u : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @top_k
func.func @top_k(%x: tensor<3x?x5xf32>, %k: tensor<1xi64>, %u: tensor<*xi32>) {
  %c = onnx.Constant dense<2> : tensor<1xi64>
  // CHECK: onnx.TopK {{.*}} -> (tensor<3x?x2xf32>, tensor<3x?x2xi64>)
  %0:2 = onnx.TopK %x, %c : (tensor<3x?x5xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  // CHECK: onnx.TopK {{.*}} -> (tensor<?x?x5xf32>, tensor<?x?x5xi64>)
  %1:2 = onnx.TopK %x, %k {axis = 0 : i64, largest = 0 : i64, sorted = 0 : i64} : (tensor<3x?x5xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  // CHECK: onnx.TopK {{.*}} -> (tensor<*xi32>, tensor<*xi64>)
  %2:2 = onnx.TopK %u, %k : (tensor<*xi32>, tensor<1xi64>) -> (tensor<*xi32>, tensor<*xi64>)
  return
}

// -----

// CHECK-LABEL: func.func @non_zero
func.func @non_zero(%x: tensor<3x?xf32>, %b: tensor<*xi1>, %s: tensor<i32>) {
  // CHECK: onnx.NonZero {{.*}} -> tensor<2x?xi64>
  %0 = onnx.NonZero %x : (tensor<3x?xf32>) -> tensor<*xi64>
  // CHECK: onnx.NonZero {{.*}} -> tensor<?x?xi64>
  %1 = onnx.NonZero %b : (tensor<*xi1>) -> tensor<*xi64>
  // CHECK: onnx.NonZero {{.*}} -> tensor<0x?xi64>
  %2 = onnx.NonZero %s : (tensor<i32>) -> tensor<*xi64>
  return
}
