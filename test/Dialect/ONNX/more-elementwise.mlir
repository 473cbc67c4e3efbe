// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s --check-prefix=ROUND

// Inference of the unary math / activation ops, Mod, BitShift, PRelu, IsInf
// and CastLike, with static, dynamic and unranked shapes.

// ROUND-LABEL: func.func @round_trip
// ROUND: onnx.Shrink %{{.*}} {bias = 1.000000e+00 : f32, lambd = 2.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// ROUND: onnx.BitShift %{{.*}}, %{{.*}} {direction = "LEFT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
func.func @round_trip(%x: tensor<2x3xf32>, %a: tensor<2x3xui8>, %b: tensor<3xui8>) -> (tensor<2x3xf32>, tensor<2x3xui8>) {
  %0 = onnx.Shrink %x {bias = 1.0 : f32, lambd = 2.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = onnx.BitShift %a, %b {direction = "LEFT"} : (tensor<2x3xui8>, tensor<3xui8>) -> tensor<2x3xui8>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xui8>
}

// -----

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<?x4xf32>, %u: tensor<*xf16>, %i: tensor<3xi32>) {
  // CHECK: onnx.Tan {{.*}} -> tensor<?x4xf32>
  %0 = onnx.Tan %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Asin {{.*}} -> tensor<?x4xf32>
  %1 = onnx.Asin %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Acos {{.*}} -> tensor<?x4xf32>
  %2 = onnx.Acos %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Atan {{.*}} -> tensor<*xf16>
  %3 = onnx.Atan %u : (tensor<*xf16>) -> tensor<*xf16>
  // CHECK: onnx.Sinh {{.*}} -> tensor<?x4xf32>
  %4 = onnx.Sinh %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Cosh {{.*}} -> tensor<?x4xf32>
  %5 = onnx.Cosh %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Asinh {{.*}} -> tensor<?x4xf32>
  %6 = onnx.Asinh %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Acosh {{.*}} -> tensor<?x4xf32>
  %7 = onnx.Acosh %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Atanh {{.*}} -> tensor<?x4xf32>
  %8 = onnx.Atanh %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Softsign {{.*}} -> tensor<?x4xf32>
  %9 = onnx.Softsign %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.ThresholdedRelu {{.*}} -> tensor<?x4xf32>
  %10 = onnx.ThresholdedRelu %x {alpha = 2.0 : f32} : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Celu {{.*}} -> tensor<?x4xf32>
  %11 = onnx.Celu %x : (tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Shrink {{.*}} -> tensor<3xi32>
  %12 = onnx.Shrink %i : (tensor<3xi32>) -> tensor<*xi32>
  // CHECK: onnx.IsInf {{.*}} -> tensor<?x4xi1>
  %13 = onnx.IsInf %x {detect_negative = 0 : i64} : (tensor<?x4xf32>) -> tensor<*xi1>
  // CHECK: onnx.IsInf {{.*}} -> tensor<*xi1>
  %14 = onnx.IsInf %u : (tensor<*xf16>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x1x4xi32>, %b: tensor<3x1xi32>, %f: tensor<?x4xf32>, %g: tensor<4xf32>, %u: tensor<*xui16>, %v: tensor<5xui16>) {
  // CHECK: onnx.Mod {{.*}} -> tensor<2x3x4xi32>
  %0 = onnx.Mod %a, %b : (tensor<2x1x4xi32>, tensor<3x1xi32>) -> tensor<*xi32>
  // CHECK: onnx.Mod {{.*}} -> tensor<?x4xf32>
  %1 = onnx.Mod %f, %g {fmod = 1 : i64} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: onnx.BitShift {{.*}} -> tensor<*xui16>
  %2 = onnx.BitShift %u, %v {direction = "RIGHT"} : (tensor<*xui16>, tensor<5xui16>) -> tensor<*xui16>
  return
}

// -----

// CHECK-LABEL: func.func @prelu
func.func @prelu(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %d: tensor<?x?x?xf32>, %t: tensor<3x1xf32>, %u: tensor<*xf32>) {
  // CHECK: onnx.PRelu {{.*}} -> tensor<2x3x4xf32>
  %0 = onnx.PRelu %x, %s : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: onnx.PRelu {{.*}} -> tensor<?x3x?xf32>
  %1 = onnx.PRelu %d, %t : (tensor<?x?x?xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.PRelu {{.*}} -> tensor<*xf32>
  %2 = onnx.PRelu %u, %s : (tensor<*xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @cast_like
func.func @cast_like(%x: tensor<?x3xf32>, %t: tensor<1xf16>, %u: tensor<*xi8>) {
  // CHECK: onnx.CastLike {{.*}} -> tensor<?x3xf16>
  %0 = onnx.CastLike %x, %t : (tensor<?x3xf32>, tensor<1xf16>) -> tensor<*xf16>
  // CHECK: onnx.CastLike {{.*}} -> tensor<*xf32>
  %1 = onnx.CastLike %u, %x : (tensor<*xi8>, tensor<?x3xf32>) -> tensor<*xf32>
  return
}
