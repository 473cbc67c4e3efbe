// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @gather_elements_rank(%d: tensor<3x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'indices' has rank 1 but 'data' has rank 2}}
  %0 = onnx.GatherElements %d, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_elements_axis(%d: tensor<3x4xf32>, %i: tensor<3x4xi64>) {
  // expected-error @+1 {{'axis' 2 is out of range}}
  %0 = onnx.GatherElements %d, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<3x4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_nd_last_dim(%d: tensor<3x4xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+1 {{'indices' last dimension (3) must be in [1, 2]}}
  %0 = onnx.GatherND %d, %i : (tensor<3x4xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_nd_batch(%d: tensor<3x4xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+1 {{'data' and 'indices' differ in batch dimension 0: 3 and 2}}
  %0 = onnx.GatherND %d, %i {batch_dims = 1 : i64} : (tensor<3x4xf32>, tensor<2x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_nd_batch_dims(%d: tensor<3x4xf32>, %i: tensor<3x1xi64>) {
  // expected-error @+1 {{'batch_dims' (2) must be less than the rank 2 of 'data'}}
  %0 = onnx.GatherND %d, %i {batch_dims = 2 : i64} : (tensor<3x4xf32>, tensor<3x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_nd_negative_batch(%d: tensor<3x4xf32>, %i: tensor<3x1xi64>) {
  // expected-error @+1 {{'batch_dims' must be non-negative, got -1}}
  %0 = onnx.GatherND %d, %i {batch_dims = -1 : i64} : (tensor<3x4xf32>, tensor<3x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_elements_shapes(%d: tensor<3x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{'indices' and 'updates' differ in dimension 1: 2 and 3}}
  %0 = onnx.ScatterElements %d, %i, %u : (tensor<3x4xf32>, tensor<2x2xi64>, tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_elements_reduction(%d: tensor<3x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) {
  // expected-error @+1 {{'reduction' must be "none", "add", "mul", "max" or "min", got "sub"}}
  %0 = onnx.ScatterElements %d, %i, %u {reduction = "sub"} : (tensor<3x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_elements_types(%d: tensor<3x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf16>) {
  // expected-error @+1 {{failed to verify that all of {data, updates} have same element type}}
  %0 = onnx.ScatterElements %d, %i, %u : (tensor<3x4xf32>, tensor<2x2xi64>, tensor<2x2xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'updates' dimension 1 does not match indices.shape[:-1] + data.shape[m:]: 4 and 5}}
  %0 = onnx.ScatterND %d, %i, %u : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @scatter_nd_rank(%d: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{'updates' has rank 1 but indices.shape[:-1] + data.shape[1:] has rank 2}}
  %0 = onnx.ScatterND %d, %i, %u : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @one_hot_depth(%i: tensor<3xi64>, %v: tensor<2xf32>) {
  %d = onnx.Constant dense<0> : tensor<i64>
  // expected-error @+1 {{'depth' must be at least 1, got 0}}
  %0 = onnx.OneHot %i, %d, %v : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @one_hot_float_depth(%i: tensor<3xi64>, %v: tensor<2xf32>) {
  %d = onnx.Constant dense<1.0e30> : tensor<f32>
  // expected-error @+1 {{'depth' must be a positive integer below 2^63, got 1.000000e+30}}
  %0 = onnx.OneHot %i, %d, %v : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'values' must be a 1-D tensor of two elements [off, on]}}
  %0 = onnx.OneHot %i, %d, %v : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @one_hot_axis(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'axis' 2 is out of range for rank 2}}
  %0 = onnx.OneHot %i, %d, %v {axis = 2 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @eye_like_rank(%x: tensor<3xf32>) {
  // expected-error @+1 {{'input' must be a 2-D tensor, got rank 1}}
  %0 = onnx.EyeLike %x : (tensor<3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @eye_like_dtype(%x: tensor<3x3xf32>) {
  // expected-error @+1 {{'dtype' = 8 is not a supported ONNX data type}}
  %0 = onnx.EyeLike %x {dtype = 8 : i64} : (tensor<3x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @top_k_too_large(%x: tensor<3x4xf32>) {
  %k = onnx.Constant dense<5> : tensor<1xi64>
  // expected-error @+1 {{'K' (5) is larger than dimension 1 of 'X' (4)}}
  %0:2 = onnx.TopK %x, %k : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @top_k_negative(%x: tensor<3x4xf32>) {
  %k = onnx.Constant dense<-1> : tensor<1xi64>
  // expected-error @+1 {{'K' must be non-negative, got -1}}
  %0:2 = onnx.TopK %x, %k : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @top_k_k_shape(%x: tensor<3x4xf32>, %k: tensor<2xi64>) {
  // expected-error @+1 {{'K' must hold exactly one element, got 2}}
  %0:2 = onnx.TopK %x, %k : (tensor<3x4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @top_k_flag(%x: tensor<3x4xf32>, %k: tensor<1xi64>) {
  // expected-error @+1 {{'sorted' must be 0 or 1, got 7}}
  %0:2 = onnx.TopK %x, %k {sorted = 7 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<*xf32>, tensor<*xi64>)
  return
}

// -----

func.func @non_zero_result(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{incompatible with inferred type 'tensor<2x?xi64>'}}
  %0 = onnx.NonZero %x : (tensor<3x4xf32>) -> tensor<3x?xi64>
  return
}
