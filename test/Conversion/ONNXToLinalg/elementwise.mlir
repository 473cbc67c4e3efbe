// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// Integer Div / Mod pick the signed or unsigned form from the ONNX type;
// Mod fmod=0 moves the remainder to the divisor's sign, fmod=1 is C fmod.
// CHECK-LABEL: func.func @int_div_mod
// CHECK: linalg.generic
// CHECK: arith.divsi
// CHECK: linalg.generic
// CHECK: arith.divui
// CHECK: linalg.generic
// CHECK: %[[REM:.*]] = arith.remsi
// CHECK: arith.cmpi ne, %[[REM]]
// CHECK: arith.addi %[[REM]]
// CHECK: arith.xori
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: linalg.generic
// CHECK: arith.remf
// CHECK-NOT: arith.select
// CHECK: linalg.yield
func.func @int_div_mod(%a: tensor<4xi32>, %b: tensor<4xi32>, %c: tensor<4xui8>, %d: tensor<4xui8>, %e: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xui8>, tensor<4xi32>, tensor<4xui8>, tensor<4xf32>) {
  %0 = onnx.Div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = onnx.Div %c, %d : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = onnx.Mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = onnx.Mod %c, %d : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %4 = onnx.Mod %e, %e {fmod = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xui8>, tensor<4xi32>, tensor<4xui8>, tensor<4xf32>
}

// -----

// Pow: float^float keeps C pow's sign rules, float^int is math.fpowi with
// an i32 exponent, int^int square-and-multiply over the exponent's bits,
// int^float truncates back.
// CHECK-LABEL: func.func @pow
// CHECK: linalg.generic
// CHECK: math.absf
// CHECK: math.powf
// CHECK: math.floor
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.trunci %{{.*}} : i64 to i32
// CHECK: math.fpowi %{{.*}}, %{{.*}} : f64, i32
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: linalg.generic
// CHECK: arith.constant -9223372036854775808 : i64
// CHECK: arith.muli
// CHECK: arith.cmpi slt
// CHECK: linalg.generic
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: math.powf
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @pow(%x: tensor<3xf32>, %i: tensor<3xi64>, %j: tensor<3xi32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xi64>, tensor<3xi32>) {
  %0 = onnx.Pow %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = onnx.Pow %x, %i : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  %2 = onnx.Pow %i, %i : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %3 = onnx.Pow %j, %x : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<3xf32>, tensor<3xi64>, tensor<3xi32>
}

// -----

// Unary math ops on a dynamic shape; f16 is computed in f32.
// CHECK-LABEL: func.func @unary_math
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[DIM]]) : tensor<?x4xf32>
// CHECK: math.exp
// CHECK: math.roundeven
// CHECK: math.atanh
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT: math.tanh %{{.*}} : f32
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to f16
func.func @unary_math(%x: tensor<?x4xf32>, %h: tensor<?xf16>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?xf16>) {
  %0 = onnx.Exp %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = onnx.Round %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = onnx.Atanh %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = onnx.Tanh %h : (tensor<?xf16>) -> tensor<?xf16>
  return %0, %1, %2, %3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?xf16>
}

// -----

// Neg / Abs / Sign of integers; Erf of an integer goes through f32.
// CHECK-LABEL: func.func @int_unary
// CHECK: arith.subi
// CHECK: math.absi
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi ne
// CHECK: arith.sitofp
// CHECK: math.erf
// CHECK: arith.fptosi
func.func @int_unary(%a: tensor<3xi32>, %u: tensor<3xui16>) -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xui16>, tensor<3xi32>) {
  %0 = onnx.Neg %a : (tensor<3xi32>) -> tensor<3xi32>
  %1 = onnx.Abs %a : (tensor<3xi32>) -> tensor<3xi32>
  %2 = onnx.Sign %a : (tensor<3xi32>) -> tensor<3xi32>
  %3 = onnx.Sign %u : (tensor<3xui16>) -> tensor<3xui16>
  %4 = onnx.Erf %a : (tensor<3xi32>) -> tensor<3xi32>
  return %0, %1, %2, %3, %4 : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xui16>, tensor<3xi32>
}

// -----

// BitShift guards shifts by the width or more.
// CHECK-LABEL: func.func @bitshift
// CHECK: arith.shli
// CHECK: arith.cmpi ult
// CHECK: arith.select
// CHECK: arith.shrui
func.func @bitshift(%a: tensor<3xui8>, %b: tensor<3xui8>) -> (tensor<3xui8>, tensor<3xui8>) {
  %0 = onnx.BitShift %a, %b {direction = "LEFT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  %1 = onnx.BitShift %a, %b {direction = "RIGHT"} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %0, %1 : tensor<3xui8>, tensor<3xui8>
}

// -----

// Variadic ops broadcast all operands; float Max/Min propagate NaN.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @variadic
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[SCALAR]], #[[ID]]]
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: arith.minui
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.constant 2.0
// CHECK: arith.divf
func.func @variadic(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<f32>, %u: tensor<3xui32>) -> (tensor<?x3xf32>, tensor<3xui32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = onnx.Max %a, %b, %c : (tensor<?x3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<?x3xf32>
  %1 = onnx.Min %u, %u : (tensor<3xui32>, tensor<3xui32>) -> tensor<3xui32>
  %2 = onnx.Sum %a, %b, %c : (tensor<?x3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<?x3xf32>
  %3 = onnx.Mean %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0, %1, %2, %3 : tensor<?x3xf32>, tensor<3xui32>, tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// Activations with attributes.
// CHECK-LABEL: func.func @activations
// CHECK: arith.constant 2.000000e-01 : f32
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: math.log1p
// CHECK: math.expm1
// CHECK: arith.cmpf ole
// CHECK: arith.cmpf ogt
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: math.erf
// CHECK: math.tanh
func.func @activations(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %0 = onnx.LeakyRelu %x {alpha = 2.000000e-01 : f32} : (tensor<?xf32>) -> tensor<?xf32>
  %1 = onnx.Sigmoid %x : (tensor<?xf32>) -> tensor<?xf32>
  %2 = onnx.Softplus %x : (tensor<?xf32>) -> tensor<?xf32>
  %3 = onnx.Elu %x : (tensor<?xf32>) -> tensor<?xf32>
  %4 = onnx.Selu %x : (tensor<?xf32>) -> tensor<?xf32>
  %5 = onnx.ThresholdedRelu %x : (tensor<?xf32>) -> tensor<?xf32>
  %6 = onnx.HardSigmoid %x : (tensor<?xf32>) -> tensor<?xf32>
  %7 = onnx.Gelu %x : (tensor<?xf32>) -> tensor<?xf32>
  %8 = onnx.Gelu %x {approximate = "tanh"} : (tensor<?xf32>) -> tensor<?xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// -----

// More activations: HardSwish, Celu, Softsign, Shrink (also of ints, in
// f64), PRelu with a broadcast slope.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SLOPE:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @more_activations
// CHECK: arith.mulf
// CHECK: math.expm1
// CHECK: math.absf
// CHECK: arith.sitofp %{{.*}} : i8 to f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SLOPE]], #[[ID]]]
// CHECK: arith.cmpf olt
// CHECK: arith.mulf
func.func @more_activations(%x: tensor<?x4xf32>, %i: tensor<5xi8>, %s: tensor<1x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<5xi8>, tensor<?x4xf32>) {
  %0 = onnx.HardSwish %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = onnx.Celu %x {alpha = 2.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = onnx.Softsign %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = onnx.Shrink %i {bias = 1.5 : f32, lambd = 1.5 : f32} : (tensor<5xi8>) -> tensor<5xi8>
  %4 = onnx.PRelu %x, %s : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3, %4 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<5xi8>, tensor<?x4xf32>
}

// -----

// Clip: absent bounds are skipped, present ones are read as scalars.
// CHECK-LABEL: func.func @clip
// CHECK: %[[LO:.*]] = tensor.extract %arg1[]
// CHECK: linalg.generic
// CHECK: arith.maximumf %{{.*}}, %[[LO]]
// CHECK-NOT: arith.minimumf
// CHECK: linalg.yield
// CHECK: %[[HI:.*]] = tensor.extract %arg3[%{{.*}}]
// CHECK: linalg.generic
// CHECK-NOT: arith.maxsi
// CHECK: arith.minsi %{{.*}}, %[[HI]]
func.func @clip(%x: tensor<?x3xf32>, %lo: tensor<f32>, %i: tensor<4xi8>, %hi: tensor<1xi8>) -> (tensor<?x3xf32>, tensor<4xi8>) {
  %none = onnx.NoValue
  %0 = onnx.Clip %x, %lo, %none : (tensor<?x3xf32>, tensor<f32>, none) -> tensor<?x3xf32>
  %1 = onnx.Clip %i, %none, %hi : (tensor<4xi8>, none, tensor<1xi8>) -> tensor<4xi8>
  return %0, %1 : tensor<?x3xf32>, tensor<4xi8>
}

// -----

// Comparisons: bool results, signedness from the ONNX type.
// CHECK-LABEL: func.func @compare
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi ult
// CHECK: arith.cmpi sle
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi uge
// CHECK: arith.cmpi eq
func.func @compare(%a: tensor<?xf32>, %u: tensor<?xui8>, %i: tensor<?xi64>, %p: tensor<?xi1>) -> (tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>) {
  %0 = onnx.Equal %a, %a : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xi1>
  %1 = onnx.Less %u, %u : (tensor<?xui8>, tensor<?xui8>) -> tensor<?xi1>
  %2 = onnx.LessOrEqual %i, %i : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi1>
  %3 = onnx.Greater %a, %a : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xi1>
  %4 = onnx.GreaterOrEqual %u, %u : (tensor<?xui8>, tensor<?xui8>) -> tensor<?xi1>
  %5 = onnx.Equal %p, %p : (tensor<?xi1>, tensor<?xi1>) -> tensor<?xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>
}

// -----

// IsNaN / IsInf, also on float8 (a test of the bits).
// CHECK-LABEL: func.func @nan_inf
// CHECK: arith.cmpf uno
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.cmpf oeq
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
func.func @nan_inf(%x: tensor<3xf32>, %f8: tensor<3xf8E4M3FN>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %0 = onnx.IsNaN %x : (tensor<3xf32>) -> tensor<3xi1>
  %1 = onnx.IsInf %x {detect_positive = 0 : i64} : (tensor<3xf32>) -> tensor<3xi1>
  %2 = onnx.IsNaN %f8 : (tensor<3xf8E4M3FN>) -> tensor<3xi1>
  return %0, %1, %2 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// Logic and Where with three broadcast operands.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @logic_where
// CHECK: arith.xori
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: linalg.generic {indexing_maps = [#[[COL]], #[[ROW]], #[[ID]], #[[ID]]]
// CHECK: arith.select
func.func @logic_where(%c: tensor<?x1xi1>, %x: tensor<4xf32>, %y: tensor<?x4xf32>) -> (tensor<?x1xi1>, tensor<?x1xi1>, tensor<?x1xi1>, tensor<?x4xf32>) {
  %0 = onnx.Not %c : (tensor<?x1xi1>) -> tensor<?x1xi1>
  %1 = onnx.And %c, %0 : (tensor<?x1xi1>, tensor<?x1xi1>) -> tensor<?x1xi1>
  %2 = onnx.Or %c, %1 : (tensor<?x1xi1>, tensor<?x1xi1>) -> tensor<?x1xi1>
  %3 = onnx.Where %c, %x, %y : (tensor<?x1xi1>, tensor<4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x1xi1>, tensor<?x1xi1>, tensor<?x1xi1>, tensor<?x4xf32>
}

// -----

// Cast: float -> narrow int wraps through i32, f16 goes through f32,
// float -> bool is != 0; CastLike reads only its input.
// CHECK-LABEL: func.func @cast
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.cmpf une
// CHECK: arith.uitofp %{{.*}} : i16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<?xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @cast(%x: tensor<?xf32>, %h: tensor<?xf16>, %u: tensor<?xui16>, %t: tensor<1xf16>) -> (tensor<?xui8>, tensor<?xi64>, tensor<?xi1>, tensor<?xbf16>, tensor<?xf16>) {
  %0 = onnx.Cast %x {to = 2 : i64} : (tensor<?xf32>) -> tensor<?xui8>
  %1 = onnx.Cast %h {to = 7 : i64} : (tensor<?xf16>) -> tensor<?xi64>
  %2 = onnx.Cast %x {to = 9 : i64} : (tensor<?xf32>) -> tensor<?xi1>
  %3 = onnx.Cast %u {to = 16 : i64} : (tensor<?xui16>) -> tensor<?xbf16>
  %4 = onnx.CastLike %x, %t : (tensor<?xf32>, tensor<1xf16>) -> tensor<?xf16>
  return %0, %1, %2, %3, %4 : tensor<?xui8>, tensor<?xi64>, tensor<?xi1>, tensor<?xbf16>, tensor<?xf16>
}
