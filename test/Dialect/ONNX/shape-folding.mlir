// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s

// The PyTorch export pattern: the target shape of a Reshape is computed from
// Shape / Gather / Div / Unsqueeze / Concat. With a static input it folds to
// a constant and the Reshape gets a static result.
// CHECK-LABEL: func.func @reshape_heads
// CHECK-SAME: -> tensor<2x8x4x32xf32>
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Gather
// CHECK-NOT: onnx.Unsqueeze
// CHECK-NOT: onnx.Concat
func.func @reshape_heads(%x: tensor<2x8x128xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %x : (tensor<2x8x128xf32>) -> tensor<*xi64>
  %i0 = onnx.Constant dense<0> : tensor<i64>
  %i1 = onnx.Constant dense<1> : tensor<i64>
  %i2 = onnx.Constant dense<2> : tensor<i64>
  %b = onnx.Gather %shape, %i0 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %s = onnx.Gather %shape, %i1 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %d = onnx.Gather %shape, %i2 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %heads = onnx.Constant dense<4> : tensor<i64>
  %dh = onnx.Div %d, %heads : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %dh64 = onnx.Cast %dh {to = 7 : i64} : (tensor<*xi64>) -> tensor<*xi64>
  %axes = onnx.Constant dense<0> : tensor<1xi64>
  %ub = onnx.Unsqueeze %b, %axes : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %us = onnx.Unsqueeze %s, %axes : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %uh = onnx.Unsqueeze %heads, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<*xi64>
  %ud = onnx.Unsqueeze %dh64, %axes : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %target = onnx.Concat %ub, %us, %uh, %ud {axis = 0 : i64} : (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> tensor<*xi64>
  // CHECK: %[[T:.*]] = onnx.Constant dense<[2, 8, 4, 32]> : tensor<4xi64>
  // CHECK: onnx.Reshape %{{.*}}, %[[T]] : (tensor<2x8x128xf32>, tensor<4xi64>) -> tensor<2x8x4x32xf32>
  %r = onnx.Reshape %x, %target : (tensor<2x8x128xf32>, tensor<*xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Constant ranges, slices of shapes and integer arithmetic fold; dynamic
// dimensions and float arithmetic do not.
// CHECK-LABEL: func.func @partial
func.func @partial(%x: tensor<?x16xf32>) -> (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xf32>) {
  %shape = onnx.Shape %x : (tensor<?x16xf32>) -> tensor<*xi64>
  %start = onnx.Constant dense<1> : tensor<1xi64>
  %end = onnx.Constant dense<2> : tensor<1xi64>
  %none = onnx.NoValue
  // CHECK-DAG: onnx.Constant dense<16> : tensor<1xi64>
  %last = onnx.Slice %shape, %start, %end, %none, %none : (tensor<*xi64>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<*xi64>
  %r0 = onnx.Constant dense<0> : tensor<i64>
  %r5 = onnx.Constant dense<5> : tensor<i64>
  %r2 = onnx.Constant dense<2> : tensor<i64>
  // CHECK-DAG: onnx.Constant dense<[0, 2, 4]> : tensor<3xi64>
  %range = onnx.Range %r0, %r5, %r2 : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  // The shape has a dynamic dimension: it stays a Shape op.
  // CHECK-DAG: onnx.Shape %{{.*}} : (tensor<?x16xf32>) -> tensor<2xi64>
  %f1 = onnx.Constant dense<1.5> : tensor<f32>
  // CHECK-DAG: onnx.Add %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %f = onnx.Add %f1, %f1 : (tensor<f32>, tensor<f32>) -> tensor<*xf32>
  return %last, %range, %shape, %f : tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xf32>
}

// -----

// Division by zero is left for run time.
// CHECK-LABEL: func.func @div_by_zero
func.func @div_by_zero() -> tensor<*xi64> {
  %a = onnx.Constant dense<7> : tensor<i64>
  %z = onnx.Constant dense<0> : tensor<i64>
  // CHECK: onnx.Div
  %d = onnx.Div %a, %z : (tensor<i64>, tensor<i64>) -> tensor<*xi64>
  return %d : tensor<*xi64>
}

// -----

// fold=false only infers.
// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference="fold=false" | FileCheck %s --check-prefix=NOFOLD
// NOFOLD-LABEL: func.func @no_fold
// NOFOLD: onnx.Shape %{{.*}} : (tensor<2x3xf32>) -> tensor<2xi64>
func.func @no_fold(%x: tensor<2x3xf32>) -> tensor<*xi64> {
  %s = onnx.Shape %x : (tensor<2x3xf32>) -> tensor<*xi64>
  return %s : tensor<*xi64>
}

// -----

// With a dynamic batch and sequence the target shape is only partly known:
// Reshape still gets the rank and the static pieces.
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK: onnx.Reshape {{.*}} -> tensor<?x?x4x32xf32>
func.func @reshape_dynamic(%x: tensor<?x?x128xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %x : (tensor<?x?x128xf32>) -> tensor<*xi64>
  %i0 = onnx.Constant dense<0> : tensor<i64>
  %i1 = onnx.Constant dense<1> : tensor<i64>
  %b = onnx.Gather %shape, %i0 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %s = onnx.Gather %shape, %i1 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
  %axes = onnx.Constant dense<0> : tensor<1xi64>
  %ub = onnx.Unsqueeze %b, %axes : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %us = onnx.Unsqueeze %s, %axes : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %rest = onnx.Constant dense<[4, 32]> : tensor<2xi64>
  %target = onnx.Concat %ub, %us, %rest {axis = 0 : i64} : (tensor<*xi64>, tensor<*xi64>, tensor<2xi64>) -> tensor<*xi64>
  %r = onnx.Reshape %x, %target : (tensor<?x?x128xf32>, tensor<*xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
