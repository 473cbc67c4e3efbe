// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @reduce_axis_range(%x: tensor<2x3xf32>) {
  %axes = onnx.Constant dense<[2]> : tensor<1xi64>
  // expected-error @+1 {{'axes' value 2 is out of range}}
  %0 = onnx.ReduceLogSumExp %x, %axes : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @argmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axis' 2 is out of range}}
  %0 = onnx.ArgMax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xi64>
  return
}

// -----

func.func @argmin_flag(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'select_last_index' must be 0 or 1, got 2}}
  %0 = onnx.ArgMin %x {select_last_index = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xi64>
  return
}

// -----

func.func @argmax_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'data' must have rank >= 1}}
  %0 = onnx.ArgMax %x : (tensor<f32>) -> tensor<*xi64>
  return
}

// -----

func.func @argmax_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{incompatible with inferred type 'tensor<1x3xi64>'}}
  %0 = onnx.ArgMax %x : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @hardmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axis' -3 is out of range}}
  %0 = onnx.Hardmax %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) {
  %a = onnx.Constant dense<5> : tensor<i64>
  // expected-error @+1 {{'axis' 5 is out of range}}
  %0 = onnx.CumSum %x, %a : (tensor<2x3xf32>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @cumsum_axis_rank(%x: tensor<2x3xf32>, %a: tensor<2xi64>) {
  // expected-error @+1 {{'axis' must be a scalar, got rank 1}}
  %0 = onnx.CumSum %x, %a : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cumsum_flag(%x: tensor<2x3xf32>, %a: tensor<i64>) {
  // expected-error @+1 {{'reverse' must be 0 or 1, got -1}}
  %0 = onnx.CumSum %x, %a {reverse = -1 : i64} : (tensor<2x3xf32>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @instancenorm_channels(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'scale' has size 4 but 'input' has 3 channels}}
  %0 = onnx.InstanceNormalization %x, %s, %s : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @instancenorm_rank(%x: tensor<3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'input' must have rank >= 2 (N x C x ...), got 1}}
  %0 = onnx.InstanceNormalization %x, %s, %s : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @mvn_default_axes(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'axes' value 3 is out of range}}
  %0 = onnx.MeanVarianceNormalization %x : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @mvn_duplicate(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'axes' has duplicate axis -1}}
  %0 = onnx.MeanVarianceNormalization %x {axes = [2, -1]} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<2x3x4x4xf32>) {
  // expected-error @+1 {{'size' must be positive, got 0}}
  %0 = onnx.LRN %x {size = 0 : i64} : (tensor<2x3x4x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @lrn_missing_size(%x: tensor<2x3x4x4xf32>) {
  // expected-error @+1 {{requires attribute 'size'}}
  %0 = onnx.LRN %x : (tensor<2x3x4x4xf32>) -> tensor<*xf32>
  return
}
