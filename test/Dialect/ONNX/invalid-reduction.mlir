// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @reduce_bad_keepdims(%x: tensor<2x3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'keepdims' must be 0 or 1, got 2}}
  %0 = onnx.ReduceMean %x, %none {keepdims = 2 : i64} : (tensor<2x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @reduce_bad_noop(%x: tensor<2x3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'noop_with_empty_axes' must be 0 or 1, got -1}}
  %0 = onnx.ReduceSum %x, %none {noop_with_empty_axes = -1 : i64} : (tensor<2x3xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @reduce_axes_not_1d(%x: tensor<2x3xf32>, %axes: tensor<1x1xi64>) {
  // expected-error @+1 {{'axes' must be a 1-D tensor, got rank 2}}
  %0 = onnx.ReduceMax %x, %axes : (tensor<2x3xf32>, tensor<1x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) {
  %axes = onnx.Constant dense<2> : tensor<1xi64>
  // expected-error @+1 {{'axes' value 2 is out of range for rank 2}}
  %0 = onnx.ReduceMin %x, %axes : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @reduce_duplicate_axis(%x: tensor<2x3xf32>) {
  %axes = onnx.Constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+1 {{'axes' has duplicate axis -1}}
  %0 = onnx.ReduceProd %x, %axes : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @reduce_too_many_axes(%x: tensor<2x3xf32>, %axes: tensor<3xi64>) {
  // expected-error @+1 {{'axes' has 3 entries but 'data' has rank 2}}
  %0 = onnx.ReduceL2 %x, %axes : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @softmax_bad_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0 = onnx.Softmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @log_softmax_bad_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axis' -3 is out of range for rank 2}}
  %0 = onnx.LogSoftmax %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @layer_norm_bad_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0:3 = onnx.LayerNormalization %x, %s, %none {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @layer_norm_bad_stash_type(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'stash_type' must be 1 (FLOAT) or 16 (BFLOAT16), got 11}}
  %0:3 = onnx.LayerNormalization %x, %s, %none {stash_type = 11 : i64} : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<*xf32>, tensor<*xf64>, tensor<*xf64>)
  return
}

// -----

func.func @layer_norm_bad_bias_type(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf16>) {
  // expected-error @+1 {{'B' element type 'f16' must match 'X' element type 'f32'}}
  %0:3 = onnx.LayerNormalization %x, %s, %b : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf16>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @layer_norm_scale_mismatch(%x: tensor<2x3xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'Scale' dimension 0 is 4 but the normalized dimension is 3}}
  %0:3 = onnx.LayerNormalization %x, %s, %none : (tensor<2x3xf32>, tensor<4xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @layer_norm_scale_rank(%x: tensor<2x3xf32>, %s: tensor<2x3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'Scale' has rank 2, more than the normalized rank 1}}
  %0:3 = onnx.LayerNormalization %x, %s, %none : (tensor<2x3xf32>, tensor<2x3xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @layer_norm_wrong_mean(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{result #1 has type 'tensor<2x3xf32>' incompatible with inferred type 'tensor<2x1xf32>'}}
  %0:3 = onnx.LayerNormalization %x, %s, %none : (tensor<2x3xf32>, tensor<3xf32>, none) -> (tensor<*xf32>, tensor<2x3xf32>, tensor<*xf32>)
  return
}

// -----

func.func @batch_norm_bad_training_mode(%x: tensor<2x3xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'training_mode' must be 0 or 1, got 3}}
  %0:3 = onnx.BatchNormalization %x, %c, %c, %c, %c {training_mode = 3 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @batch_norm_scalar_input(%x: tensor<f32>, %c: tensor<1xf32>) {
  // expected-error @+1 {{'X' must have rank at least 1}}
  %0:3 = onnx.BatchNormalization %x, %c, %c, %c, %c : (tensor<f32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @batch_norm_param_rank(%x: tensor<2x3xf32>, %c: tensor<3xf32>, %m: tensor<1x3xf32>) {
  // expected-error @+1 {{'input_mean' must be a 1-D tensor, got rank 2}}
  %0:3 = onnx.BatchNormalization %x, %c, %c, %m, %c : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1x3xf32>, tensor<3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @batch_norm_channel_mismatch(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'input_var' has size 4 but 'X' has 3 channels}}
  %0:3 = onnx.BatchNormalization %x, %c, %c, %c, %v : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}
