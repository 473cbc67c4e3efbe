// --qopt-w8a8 on Gemm and Conv: the int8 forms (qopt.qmatmul, qopt.qconv)
// and every case that keeps the QDQ form, with its qopt.qdq_reason.
// RUN: quant-opt %s --split-input-file --qopt-w8a8="mode=dynamic granularity=per-token" | FileCheck %s

// A 2-D Conv with a constant weight, a bias, pads and strides: per-tensor
// dynamic quantize (qopt.qconv has scalar activation parameters, so
// per-token falls back to per tensor) + qopt.qconv with [F, C, kH, kW] i8
// codes and one scale per filter.
// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = onnx.Constant dense<[1.000000e-01, -2.000000e-01]> : tensor<2xf32>
// CHECK: %[[W:.*]] = onnx.Constant dense<{{.*}}> : tensor<2x1x2x2xi8>
// CHECK: %[[WS:.*]] = onnx.Constant dense<{{.*}}> : tensor<2xf32>
// CHECK: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qopt.dynamic_quantize %arg0 per_tensor : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xui8>, tensor<f32>, tensor<ui8>
// CHECK: %[[Y:.*]] = qopt.qconv %[[Q]], %[[W]], %[[S]], %[[Z]], %[[WS]] bias %[[B]] {pads = array<i64: 1, 1, 1, 1>, qopt.bits = 8 : i64, qopt.scheme = "w8a8 dynamic per-tensor", qopt.weight_sqnr_db = {{.*}}, strides = array<i64: 2, 2>} : tensor<1x1x4x4xui8>, tensor<2x1x2x2xi8>, tensor<f32>, tensor<ui8>, tensor<2xf32>, tensor<2xf32> -> tensor<1x2x3x3xf32>
// CHECK: return %[[Y]]
func.func @conv(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> tensor<1x2x3x3xf32> {
  %w = onnx.Constant dense<[[[[1.0, -0.5], [0.25, 0.75]]], [[[0.1, 0.2], [-0.3, 0.4]]]]> : tensor<2x1x2x2xf32>
  %b = onnx.Constant dense<[0.1, -0.2]> : tensor<2xf32>
  %y = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("conv")
  return %y : tensor<1x2x3x3xf32>
}

// -----

// auto_pad SAME_UPPER: qopt.qconv takes explicit pads; QDQ form.
// CHECK-LABEL: func.func @conv_same
// CHECK: onnx.DynamicQuantizeLinear %arg0
// CHECK: onnx.Conv {{.*}}qopt.qdq_reason = "auto_pad SAME_UPPER (qopt.qconv takes explicit pads)", qopt.scheme = "w8a8 dynamic per-tensor (per-token needs qopt.qmatmul)"
// CHECK-NOT: = qopt.qconv
func.func @conv_same(%x: tensor<1x1x4x4xf32> {onnx.name = "x"}) -> tensor<1x2x4x4xf32> {
  %w = onnx.Constant dense<[[[[1.0, -0.5], [0.25, 0.75]]], [[[0.1, 0.2], [-0.3, 0.4]]]]> : tensor<2x1x2x2xf32>
  %n = onnx.NoValue
  %y = onnx.Conv %x, %w, %n {auto_pad = "SAME_UPPER"} : (tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>, none) -> tensor<1x2x4x4xf32> loc("conv")
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A 1-D Conv: qopt.qconv is 2-D only; QDQ form.
// CHECK-LABEL: func.func @conv1d
// CHECK: onnx.Conv {{.*}}qopt.qdq_reason = "not a 2-D convolution with a static f32 weight"
func.func @conv1d(%x: tensor<1x1x8xf32> {onnx.name = "x"}) -> tensor<1x2x7xf32> {
  %w = onnx.Constant dense<[[[1.0, -0.5]], [[0.1, 0.2]]]> : tensor<2x1x2xf32>
  %n = onnx.NoValue
  %y = onnx.Conv %x, %w, %n : (tensor<1x1x8xf32>, tensor<2x1x2xf32>, none) -> tensor<1x2x7xf32> loc("conv")
  return %y : tensor<1x2x7xf32>
}

// -----

// transA=1: qopt.qmatmul reads A as [M, K]; QDQ form.
// CHECK-LABEL: func.func @gemm_transa
// CHECK: onnx.DequantizeLinear {{.*}} : (tensor<4x3xi8>, tensor<3xf32>, none) -> tensor<4x3xf32>
// CHECK: onnx.DynamicQuantizeLinear %arg0
// CHECK: onnx.Gemm {{.*}}qopt.qdq_reason = "transA=1 (the quantized matmuls read A as [M, K])"
// CHECK-NOT: = qopt.qmatmul
func.func @gemm_transa(%x: tensor<4x2xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %n = onnx.NoValue
  %y = onnx.Gemm %x, %w, %n {transA = 1 : i64} : (tensor<4x2xf32>, tensor<4x3xf32>, none) -> tensor<2x3xf32> loc("gemm")
  return %y : tensor<2x3xf32>
}

// -----

// C [M, N] varies along M: no [N] bias; QDQ form.
// CHECK-LABEL: func.func @gemm_bias_mn
// CHECK: onnx.Gemm {{.*}}qopt.qdq_reason = "bias C varies along M (cannot fold into a [N] bias)"
// CHECK-NOT: = qopt.qmatmul
func.func @gemm_bias_mn(%x: tensor<2x4xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %c = onnx.Constant dense<[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]> : tensor<2x3xf32>
  %y = onnx.Gemm %x, %w, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("gemm")
  return %y : tensor<2x3xf32>
}

// -----

// C is a graph input: not foldable; QDQ form.
// CHECK-LABEL: func.func @gemm_bias_input
// CHECK: onnx.Gemm {{.*}}qopt.qdq_reason = "bias C is not a float constant"
// CHECK-NOT: = qopt.qmatmul
func.func @gemm_bias_input(%x: tensor<2x4xf32> {onnx.name = "x"}, %c: tensor<3xf32> {onnx.name = "c"}) -> tensor<2x3xf32> {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %y = onnx.Gemm %x, %w, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("gemm")
  return %y : tensor<2x3xf32>
}

// -----

// B is not a constant: stays float (no weight to quantize).
// CHECK-LABEL: func.func @gemm_b_input
// CHECK: onnx.Gemm {{.*}}qopt.float_reason = "weight is not a constant (activation x activation)"
// CHECK-NOT: = qopt.qmatmul
func.func @gemm_b_input(%x: tensor<2x4xf32> {onnx.name = "x"}, %b: tensor<4x3xf32> {onnx.name = "b"}) -> tensor<2x3xf32> {
  %n = onnx.NoValue
  %y = onnx.Gemm %x, %b, %n : (tensor<2x4xf32>, tensor<4x3xf32>, none) -> tensor<2x3xf32> loc("gemm")
  return %y : tensor<2x3xf32>
}
