// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s --check-prefix=ROUND

// ROUND-LABEL: func.func @round_trip
// ROUND: onnx.Clip %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xf32>
// ROUND: onnx.Cast %{{.*}} {saturate = 0 : i64, to = 16 : i64} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
// ROUND: onnx.Max %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
func.func @round_trip(%x: tensor<2x3xf32>, %lo: tensor<f32>, %b: tensor<3xf32>, %c: tensor<1xf32>) -> (tensor<2x3xf32>, tensor<2x3xbf16>, tensor<2x3xf32>) {
  %none = onnx.NoValue
  %0 = onnx.Clip %x, %lo, %none : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xf32>
  %1 = onnx.Cast %x {to = 16 : i64, saturate = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  %2 = onnx.Max %x, %b, %c : (tensor<2x3xf32>, tensor<3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xbf16>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @add
func.func @add(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %c: tensor<?x4xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Add {{.*}} -> tensor<2x3x4xf32>
  %0 = onnx.Add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Add {{.*}} -> tensor<2x?x4xf32>
  %1 = onnx.Add %a, %c : (tensor<2x1x4xf32>, tensor<?x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Add {{.*}} -> tensor<*xf32>
  %2 = onnx.Add %a, %d : (tensor<2x1x4xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sub
func.func @sub(%a: tensor<2x1x4xi32>, %b: tensor<3x1xi32>, %c: tensor<?x4xi32>, %d: tensor<*xi32>) {
  // CHECK: onnx.Sub {{.*}} -> tensor<2x3x4xi32>
  %0 = onnx.Sub %a, %b : (tensor<2x1x4xi32>, tensor<3x1xi32>) -> tensor<*xi32>
  // CHECK: onnx.Sub {{.*}} -> tensor<2x?x4xi32>
  %1 = onnx.Sub %a, %c : (tensor<2x1x4xi32>, tensor<?x4xi32>) -> tensor<*xi32>
  // CHECK: onnx.Sub {{.*}} -> tensor<*xi32>
  %2 = onnx.Sub %a, %d : (tensor<2x1x4xi32>, tensor<*xi32>) -> tensor<*xi32>
  return
}

// -----

// CHECK-LABEL: func.func @mul
func.func @mul(%a: tensor<2x1x4xf16>, %b: tensor<3x1xf16>, %c: tensor<?x4xf16>, %d: tensor<*xf16>) {
  // CHECK: onnx.Mul {{.*}} -> tensor<2x3x4xf16>
  %0 = onnx.Mul %a, %b : (tensor<2x1x4xf16>, tensor<3x1xf16>) -> tensor<*xf16>
  // CHECK: onnx.Mul {{.*}} -> tensor<2x?x4xf16>
  %1 = onnx.Mul %a, %c : (tensor<2x1x4xf16>, tensor<?x4xf16>) -> tensor<*xf16>
  // CHECK: onnx.Mul {{.*}} -> tensor<*xf16>
  %2 = onnx.Mul %a, %d : (tensor<2x1x4xf16>, tensor<*xf16>) -> tensor<*xf16>
  return
}

// -----

// CHECK-LABEL: func.func @div
func.func @div(%a: tensor<2x1x4xi64>, %b: tensor<3x1xi64>, %c: tensor<?x4xi64>, %d: tensor<*xi64>) {
  // CHECK: onnx.Div {{.*}} -> tensor<2x3x4xi64>
  %0 = onnx.Div %a, %b : (tensor<2x1x4xi64>, tensor<3x1xi64>) -> tensor<*xi64>
  // CHECK: onnx.Div {{.*}} -> tensor<2x?x4xi64>
  %1 = onnx.Div %a, %c : (tensor<2x1x4xi64>, tensor<?x4xi64>) -> tensor<*xi64>
  // CHECK: onnx.Div {{.*}} -> tensor<*xi64>
  %2 = onnx.Div %a, %d : (tensor<2x1x4xi64>, tensor<*xi64>) -> tensor<*xi64>
  return
}

// -----

// CHECK-LABEL: func.func @pow
func.func @pow(%a: tensor<2x3xf32>, %b: tensor<3xi64>, %c: tensor<?x1xi32>, %d: tensor<*xf16>) {
  // CHECK: onnx.Pow {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Pow %a, %b : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  // CHECK: onnx.Pow {{.*}} -> tensor<2x3xi32>
  %1 = onnx.Pow %c, %a : (tensor<?x1xi32>, tensor<2x3xf32>) -> tensor<*xi32>
  // CHECK: onnx.Pow {{.*}} -> tensor<*xf32>
  %2 = onnx.Pow %a, %d : (tensor<2x3xf32>, tensor<*xf16>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sqrt
func.func @sqrt(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Sqrt {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Sqrt %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sqrt {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Sqrt %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sqrt {{.*}} -> tensor<*xf32>
  %2 = onnx.Sqrt %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reciprocal
func.func @reciprocal(%x: tensor<2x3xf16>, %y: tensor<?x3xf16>, %z: tensor<*xf16>) {
  // CHECK: onnx.Reciprocal {{.*}} -> tensor<2x3xf16>
  %0 = onnx.Reciprocal %x : (tensor<2x3xf16>) -> tensor<*xf16>
  // CHECK: onnx.Reciprocal {{.*}} -> tensor<?x3xf16>
  %1 = onnx.Reciprocal %y : (tensor<?x3xf16>) -> tensor<*xf16>
  // CHECK: onnx.Reciprocal {{.*}} -> tensor<*xf16>
  %2 = onnx.Reciprocal %z : (tensor<*xf16>) -> tensor<*xf16>
  return
}

// -----

// CHECK-LABEL: func.func @neg
func.func @neg(%x: tensor<2x3xi32>, %y: tensor<?x3xi32>, %z: tensor<*xi32>) {
  // CHECK: onnx.Neg {{.*}} -> tensor<2x3xi32>
  %0 = onnx.Neg %x : (tensor<2x3xi32>) -> tensor<*xi32>
  // CHECK: onnx.Neg {{.*}} -> tensor<?x3xi32>
  %1 = onnx.Neg %y : (tensor<?x3xi32>) -> tensor<*xi32>
  // CHECK: onnx.Neg {{.*}} -> tensor<*xi32>
  %2 = onnx.Neg %z : (tensor<*xi32>) -> tensor<*xi32>
  return
}

// -----

// CHECK-LABEL: func.func @abs
func.func @abs(%x: tensor<2x3xui8>, %y: tensor<?x3xui8>, %z: tensor<*xui8>) {
  // CHECK: onnx.Abs {{.*}} -> tensor<2x3xui8>
  %0 = onnx.Abs %x : (tensor<2x3xui8>) -> tensor<*xui8>
  // CHECK: onnx.Abs {{.*}} -> tensor<?x3xui8>
  %1 = onnx.Abs %y : (tensor<?x3xui8>) -> tensor<*xui8>
  // CHECK: onnx.Abs {{.*}} -> tensor<*xui8>
  %2 = onnx.Abs %z : (tensor<*xui8>) -> tensor<*xui8>
  return
}

// -----

// CHECK-LABEL: func.func @exp
func.func @exp(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Exp {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Exp %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Exp {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Exp %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Exp {{.*}} -> tensor<*xf32>
  %2 = onnx.Exp %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @log
func.func @log(%x: tensor<2x3xf64>, %y: tensor<?x3xf64>, %z: tensor<*xf64>) {
  // CHECK: onnx.Log {{.*}} -> tensor<2x3xf64>
  %0 = onnx.Log %x : (tensor<2x3xf64>) -> tensor<*xf64>
  // CHECK: onnx.Log {{.*}} -> tensor<?x3xf64>
  %1 = onnx.Log %y : (tensor<?x3xf64>) -> tensor<*xf64>
  // CHECK: onnx.Log {{.*}} -> tensor<*xf64>
  %2 = onnx.Log %z : (tensor<*xf64>) -> tensor<*xf64>
  return
}

// -----

// CHECK-LABEL: func.func @tanh
func.func @tanh(%x: tensor<2x3xbf16>, %y: tensor<?x3xbf16>, %z: tensor<*xbf16>) {
  // CHECK: onnx.Tanh {{.*}} -> tensor<2x3xbf16>
  %0 = onnx.Tanh %x : (tensor<2x3xbf16>) -> tensor<*xbf16>
  // CHECK: onnx.Tanh {{.*}} -> tensor<?x3xbf16>
  %1 = onnx.Tanh %y : (tensor<?x3xbf16>) -> tensor<*xbf16>
  // CHECK: onnx.Tanh {{.*}} -> tensor<*xbf16>
  %2 = onnx.Tanh %z : (tensor<*xbf16>) -> tensor<*xbf16>
  return
}

// -----

// CHECK-LABEL: func.func @sigmoid
func.func @sigmoid(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Sigmoid {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Sigmoid %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sigmoid {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Sigmoid %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sigmoid {{.*}} -> tensor<*xf32>
  %2 = onnx.Sigmoid %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @erf
func.func @erf(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Erf {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Erf %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Erf {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Erf %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Erf {{.*}} -> tensor<*xf32>
  %2 = onnx.Erf %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @relu
func.func @relu(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Relu {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Relu %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Relu {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Relu %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Relu {{.*}} -> tensor<*xf32>
  %2 = onnx.Relu %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @hardswish
func.func @hardswish(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.HardSwish {{.*}} -> tensor<2x3xf32>
  %0 = onnx.HardSwish %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.HardSwish {{.*}} -> tensor<?x3xf32>
  %1 = onnx.HardSwish %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.HardSwish {{.*}} -> tensor<*xf32>
  %2 = onnx.HardSwish %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @floor
func.func @floor(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Floor {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Floor %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Floor {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Floor %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Floor {{.*}} -> tensor<*xf32>
  %2 = onnx.Floor %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @ceil
func.func @ceil(%x: tensor<2x3xf16>, %y: tensor<?x3xf16>, %z: tensor<*xf16>) {
  // CHECK: onnx.Ceil {{.*}} -> tensor<2x3xf16>
  %0 = onnx.Ceil %x : (tensor<2x3xf16>) -> tensor<*xf16>
  // CHECK: onnx.Ceil {{.*}} -> tensor<?x3xf16>
  %1 = onnx.Ceil %y : (tensor<?x3xf16>) -> tensor<*xf16>
  // CHECK: onnx.Ceil {{.*}} -> tensor<*xf16>
  %2 = onnx.Ceil %z : (tensor<*xf16>) -> tensor<*xf16>
  return
}

// -----

// CHECK-LABEL: func.func @not
func.func @not(%x: tensor<2x3xi1>, %y: tensor<?x3xi1>, %z: tensor<*xi1>) {
  // CHECK: onnx.Not {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Not %x : (tensor<2x3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Not {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Not %y : (tensor<?x3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Not {{.*}} -> tensor<*xi1>
  %2 = onnx.Not %z : (tensor<*xi1>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @sin
func.func @sin(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Sin {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Sin %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sin {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Sin %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sin {{.*}} -> tensor<*xf32>
  %2 = onnx.Sin %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @cos
func.func @cos(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Cos {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Cos %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Cos {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Cos %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Cos {{.*}} -> tensor<*xf32>
  %2 = onnx.Cos %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @softplus
func.func @softplus(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Softplus {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Softplus %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Softplus {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Softplus %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Softplus {{.*}} -> tensor<*xf32>
  %2 = onnx.Softplus %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sign
func.func @sign(%x: tensor<2x3xi8>, %y: tensor<?x3xi8>, %z: tensor<*xi8>) {
  // CHECK: onnx.Sign {{.*}} -> tensor<2x3xi8>
  %0 = onnx.Sign %x : (tensor<2x3xi8>) -> tensor<*xi8>
  // CHECK: onnx.Sign {{.*}} -> tensor<?x3xi8>
  %1 = onnx.Sign %y : (tensor<?x3xi8>) -> tensor<*xi8>
  // CHECK: onnx.Sign {{.*}} -> tensor<*xi8>
  %2 = onnx.Sign %z : (tensor<*xi8>) -> tensor<*xi8>
  return
}

// -----

// CHECK-LABEL: func.func @round
func.func @round(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Round {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Round %x : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Round {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Round %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Round {{.*}} -> tensor<*xf32>
  %2 = onnx.Round %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @leakyrelu
func.func @leakyrelu(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.LeakyRelu %{{.*}} {alpha = 2.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.LeakyRelu %x {alpha = 2.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.LeakyRelu {{.*}} -> tensor<?x3xf32>
  %1 = onnx.LeakyRelu %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.LeakyRelu {{.*}} -> tensor<*xf32>
  %2 = onnx.LeakyRelu %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @hardsigmoid
func.func @hardsigmoid(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.HardSigmoid %{{.*}} {alpha = 1.000000e-01 : f32, beta = 6.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.HardSigmoid %x {alpha = 1.000000e-01 : f32, beta = 6.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.HardSigmoid {{.*}} -> tensor<?x3xf32>
  %1 = onnx.HardSigmoid %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.HardSigmoid {{.*}} -> tensor<*xf32>
  %2 = onnx.HardSigmoid %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @elu
func.func @elu(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Elu %{{.*}} {alpha = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Elu %x {alpha = 5.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Elu {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Elu %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Elu {{.*}} -> tensor<*xf32>
  %2 = onnx.Elu %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @selu
func.func @selu(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Selu %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Selu %x  : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Selu {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Selu %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Selu {{.*}} -> tensor<*xf32>
  %2 = onnx.Selu %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @gelu
func.func @gelu(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %z: tensor<*xf32>) {
  // CHECK: onnx.Gelu %{{.*}} {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Gelu %x {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Gelu {{.*}} -> tensor<?x3xf32>
  %1 = onnx.Gelu %y : (tensor<?x3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Gelu {{.*}} -> tensor<*xf32>
  %2 = onnx.Gelu %z : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @clip
func.func @clip(%x: tensor<2x3xf32>, %lo: tensor<f32>, %hi: tensor<1xf32>, %y: tensor<?x3xi8>, %m: tensor<i8>) {
  %none = onnx.NoValue
  // CHECK: onnx.Clip {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Clip %x, %lo, %hi : (tensor<2x3xf32>, tensor<f32>, tensor<1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Clip {{.*}} -> tensor<2x3xf32>
  %1 = onnx.Clip %x, %none, %none : (tensor<2x3xf32>, none, none) -> tensor<*xf32>
  // CHECK: onnx.Clip {{.*}} -> tensor<?x3xi8>
  %2 = onnx.Clip %y, %none, %m : (tensor<?x3xi8>, none, tensor<i8>) -> tensor<*xi8>
  return
}

// -----

// CHECK-LABEL: func.func @where
func.func @where(%c: tensor<2x1x1xi1>, %x: tensor<3x1xf32>, %y: tensor<4xf32>, %d: tensor<?xi1>, %u: tensor<*xf32>) {
  // CHECK: onnx.Where {{.*}} -> tensor<2x3x4xf32>
  %0 = onnx.Where %c, %x, %y : (tensor<2x1x1xi1>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Where {{.*}} -> tensor<3x4xf32>
  %1 = onnx.Where %d, %x, %y : (tensor<?xi1>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Where {{.*}} -> tensor<*xf32>
  %2 = onnx.Where %c, %u, %y : (tensor<2x1x1xi1>, tensor<*xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @equal
func.func @equal(%a: tensor<2x1xi64>, %b: tensor<3xi64>, %c: tensor<?x1xi64>, %d: tensor<*xi64>) {
  // CHECK: onnx.Equal {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Equal %a, %b : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<*xi1>
  // CHECK: onnx.Equal {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Equal %c, %b : (tensor<?x1xi64>, tensor<3xi64>) -> tensor<*xi1>
  // CHECK: onnx.Equal {{.*}} -> tensor<*xi1>
  %2 = onnx.Equal %a, %d : (tensor<2x1xi64>, tensor<*xi64>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @less
func.func @less(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<?x1xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Less {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Less %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<*xi1>
  // CHECK: onnx.Less {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Less %c, %b : (tensor<?x1xf32>, tensor<3xf32>) -> tensor<*xi1>
  // CHECK: onnx.Less {{.*}} -> tensor<*xi1>
  %2 = onnx.Less %a, %d : (tensor<2x1xf32>, tensor<*xf32>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @greater
func.func @greater(%a: tensor<2x1xui8>, %b: tensor<3xui8>, %c: tensor<?x1xui8>, %d: tensor<*xui8>) {
  // CHECK: onnx.Greater {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Greater %a, %b : (tensor<2x1xui8>, tensor<3xui8>) -> tensor<*xi1>
  // CHECK: onnx.Greater {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Greater %c, %b : (tensor<?x1xui8>, tensor<3xui8>) -> tensor<*xi1>
  // CHECK: onnx.Greater {{.*}} -> tensor<*xi1>
  %2 = onnx.Greater %a, %d : (tensor<2x1xui8>, tensor<*xui8>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @lessorequal
func.func @lessorequal(%a: tensor<2x1xf16>, %b: tensor<3xf16>, %c: tensor<?x1xf16>, %d: tensor<*xf16>) {
  // CHECK: onnx.LessOrEqual {{.*}} -> tensor<2x3xi1>
  %0 = onnx.LessOrEqual %a, %b : (tensor<2x1xf16>, tensor<3xf16>) -> tensor<*xi1>
  // CHECK: onnx.LessOrEqual {{.*}} -> tensor<?x3xi1>
  %1 = onnx.LessOrEqual %c, %b : (tensor<?x1xf16>, tensor<3xf16>) -> tensor<*xi1>
  // CHECK: onnx.LessOrEqual {{.*}} -> tensor<*xi1>
  %2 = onnx.LessOrEqual %a, %d : (tensor<2x1xf16>, tensor<*xf16>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @greaterorequal
func.func @greaterorequal(%a: tensor<2x1xi32>, %b: tensor<3xi32>, %c: tensor<?x1xi32>, %d: tensor<*xi32>) {
  // CHECK: onnx.GreaterOrEqual {{.*}} -> tensor<2x3xi1>
  %0 = onnx.GreaterOrEqual %a, %b : (tensor<2x1xi32>, tensor<3xi32>) -> tensor<*xi1>
  // CHECK: onnx.GreaterOrEqual {{.*}} -> tensor<?x3xi1>
  %1 = onnx.GreaterOrEqual %c, %b : (tensor<?x1xi32>, tensor<3xi32>) -> tensor<*xi1>
  // CHECK: onnx.GreaterOrEqual {{.*}} -> tensor<*xi1>
  %2 = onnx.GreaterOrEqual %a, %d : (tensor<2x1xi32>, tensor<*xi32>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @equal_bool
func.func @equal_bool(%a: tensor<2xi1>, %b: tensor<2xi1>) {
  // CHECK: onnx.Equal {{.*}} -> tensor<2xi1>
  %0 = onnx.Equal %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @and
func.func @and(%a: tensor<2x1xi1>, %b: tensor<3xi1>, %c: tensor<?x3xi1>, %d: tensor<*xi1>) {
  // CHECK: onnx.And {{.*}} -> tensor<2x3xi1>
  %0 = onnx.And %a, %b : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.And {{.*}} -> tensor<?x3xi1>
  %1 = onnx.And %c, %b : (tensor<?x3xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.And {{.*}} -> tensor<*xi1>
  %2 = onnx.And %d, %b : (tensor<*xi1>, tensor<3xi1>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @or
func.func @or(%a: tensor<2x1xi1>, %b: tensor<3xi1>, %c: tensor<?x3xi1>, %d: tensor<*xi1>) {
  // CHECK: onnx.Or {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Or %a, %b : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Or {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Or %c, %b : (tensor<?x3xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Or {{.*}} -> tensor<*xi1>
  %2 = onnx.Or %d, %b : (tensor<*xi1>, tensor<3xi1>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @xor
func.func @xor(%a: tensor<2x1xi1>, %b: tensor<3xi1>, %c: tensor<?x3xi1>, %d: tensor<*xi1>) {
  // CHECK: onnx.Xor {{.*}} -> tensor<2x3xi1>
  %0 = onnx.Xor %a, %b : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Xor {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Xor %c, %b : (tensor<?x3xi1>, tensor<3xi1>) -> tensor<*xi1>
  // CHECK: onnx.Xor {{.*}} -> tensor<*xi1>
  %2 = onnx.Xor %d, %b : (tensor<*xi1>, tensor<3xi1>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @isnan
func.func @isnan(%x: tensor<2x3xf32>, %y: tensor<?xf8E4M3FN>, %z: tensor<*xf16>) {
  // CHECK: onnx.IsNaN {{.*}} -> tensor<2x3xi1>
  %0 = onnx.IsNaN %x : (tensor<2x3xf32>) -> tensor<*xi1>
  // CHECK: onnx.IsNaN {{.*}} -> tensor<?xi1>
  %1 = onnx.IsNaN %y : (tensor<?xf8E4M3FN>) -> tensor<*xi1>
  // CHECK: onnx.IsNaN {{.*}} -> tensor<*xi1>
  %2 = onnx.IsNaN %z : (tensor<*xf16>) -> tensor<*xi1>
  return
}

// -----

// CHECK-LABEL: func.func @cast
func.func @cast(%x: tensor<2x3xf32>, %y: tensor<?x3xi64>, %z: tensor<*xf16>) {
  // CHECK: onnx.Cast {{.*}} -> tensor<2x3xi64>
  %0 = onnx.Cast %x {to = 7 : i64} : (tensor<2x3xf32>) -> tensor<*xi64>
  // CHECK: onnx.Cast {{.*}} -> tensor<?x3xi1>
  %1 = onnx.Cast %y {to = 9 : i64} : (tensor<?x3xi64>) -> tensor<*xi1>
  // CHECK: onnx.Cast {{.*}} -> tensor<*xf8E4M3FN>
  %2 = onnx.Cast %z {to = 17 : i64, saturate = 0 : i64} : (tensor<*xf16>) -> tensor<*xf8E4M3FN>
  // CHECK: onnx.Cast {{.*}} -> tensor<2x3xui8>
  %3 = onnx.Cast %x {to = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xui8>
  return
}

// -----

// CHECK-LABEL: func.func @max
func.func @max(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<?x1x1xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Max {{.*}} -> tensor<2x1xf32>
  %0 = onnx.Max %a : (tensor<2x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Max {{.*}} -> tensor<?x2x3xf32>
  %1 = onnx.Max %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<?x1x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Max {{.*}} -> tensor<*xf32>
  %2 = onnx.Max %a, %d : (tensor<2x1xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @min
func.func @min(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<?x1x1xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Min {{.*}} -> tensor<2x1xf32>
  %0 = onnx.Min %a : (tensor<2x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Min {{.*}} -> tensor<?x2x3xf32>
  %1 = onnx.Min %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<?x1x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Min {{.*}} -> tensor<*xf32>
  %2 = onnx.Min %a, %d : (tensor<2x1xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sum
func.func @sum(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<?x1x1xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Sum {{.*}} -> tensor<2x1xf32>
  %0 = onnx.Sum %a : (tensor<2x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sum {{.*}} -> tensor<?x2x3xf32>
  %1 = onnx.Sum %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<?x1x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Sum {{.*}} -> tensor<*xf32>
  %2 = onnx.Sum %a, %d : (tensor<2x1xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @mean
func.func @mean(%a: tensor<2x1xf32>, %b: tensor<3xf32>, %c: tensor<?x1x1xf32>, %d: tensor<*xf32>) {
  // CHECK: onnx.Mean {{.*}} -> tensor<2x1xf32>
  %0 = onnx.Mean %a : (tensor<2x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Mean {{.*}} -> tensor<?x2x3xf32>
  %1 = onnx.Mean %a, %b, %c : (tensor<2x1xf32>, tensor<3xf32>, tensor<?x1x1xf32>) -> tensor<*xf32>
  // CHECK: onnx.Mean {{.*}} -> tensor<*xf32>
  %2 = onnx.Mean %a, %d : (tensor<2x1xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// CHECK-LABEL: func.func @max_int
func.func @max_int(%a: tensor<2xi32>, %b: tensor<2xi32>) {
  // CHECK: onnx.Max {{.*}} -> tensor<2xi32>
  %0 = onnx.Max %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<*xi32>
  return
}
