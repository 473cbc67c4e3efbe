// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @transpose_perm_size(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'perm' has 1 entries but the input has rank 2}}
  %0 = onnx.Transpose %x {perm = [0]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'perm' [1, 1] is not a permutation of [0, 2)}}
  %0 = onnx.Transpose %x {perm = [1, 1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axis' 3 is out of range [-2, 2]}}
  %0 = onnx.Flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_axes_rank(%x: tensor<1x3xf32>, %a: tensor<1x1xi64>) {
  // expected-error @+1 {{'axes' must be a 1-D tensor, got rank 2}}
  %0 = onnx.Squeeze %x, %a : (tensor<1x3xf32>, tensor<1x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_axes_too_many(%x: tensor<1x3xf32>, %a: tensor<3xi64>) {
  // expected-error @+1 {{'axes' has 3 entries but the input has rank 2}}
  %0 = onnx.Squeeze %x, %a : (tensor<1x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_axis_range(%x: tensor<1x3xf32>) {
  %a = onnx.Constant dense<[2]> : tensor<1xi64>
  // expected-error @+1 {{'axes' value 2 is out of range for rank 2}}
  %0 = onnx.Squeeze %x, %a : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_duplicate(%x: tensor<1x3xf32>) {
  %a = onnx.Constant dense<[0, -2]> : tensor<2xi64>
  // expected-error @+1 {{'axes' has duplicate axis -2}}
  %0 = onnx.Squeeze %x, %a : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @squeeze_not_one(%x: tensor<1x3xf32>) {
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  // expected-error @+1 {{cannot squeeze dimension 1 of size 3}}
  %0 = onnx.Squeeze %x, %a : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @unsqueeze_axis_range(%x: tensor<3xf32>) {
  %a = onnx.Constant dense<[2]> : tensor<1xi64>
  // expected-error @+1 {{'axes' value 2 is out of range for rank 2}}
  %0 = onnx.Unsqueeze %x, %a : (tensor<3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @unsqueeze_duplicate(%x: tensor<3xf32>) {
  %a = onnx.Constant dense<[0, 0]> : tensor<2xi64>
  // expected-error @+1 {{'axes' has duplicate axis 0}}
  %0 = onnx.Unsqueeze %x, %a : (tensor<3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = onnx.Concat {axis = 0 : i64} : () -> tensor<*xf32>
  return
}

// -----

func.func @concat_element_type(%a: tensor<2xf32>, %b: tensor<2xf16>) {
  // expected-error @+1 {{inputs must have the same element type, got 'f32' and 'f16'}}
  %0 = onnx.Concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf16>) -> tensor<*xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+1 {{inputs must have the same rank, got 1 and 2}}
  %0 = onnx.Concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'axis' 1 is out of range for rank 1}}
  %0 = onnx.Concat %a, %b {axis = 1 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{inputs disagree on dimension 1: 3 vs 4}}
  %0 = onnx.Concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @split_no_results(%x: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{must have at least one result}}
  onnx.Split %x, %none : (tensor<4xf32>, none) -> ()
  return
}

// -----

func.func @split_both(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[2, 2]> : tensor<2xi64>
  // expected-error @+1 {{'split' and 'num_outputs' cannot both be given}}
  %0:2 = onnx.Split %x, %s {num_outputs = 2 : i64} : (tensor<4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_num_outputs(%x: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'num_outputs' 3 does not match the 2 results}}
  %0:2 = onnx.Split %x, %none {num_outputs = 3 : i64} : (tensor<4xf32>, none) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_length(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[1, 1, 2]> : tensor<3xi64>
  // expected-error @+1 {{'split' has 3 entries for 2 results}}
  %0:2 = onnx.Split %x, %s : (tensor<4xf32>, tensor<3xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_negative(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[5, -1]> : tensor<2xi64>
  // expected-error @+1 {{'split' has negative length -1}}
  %0:2 = onnx.Split %x, %s : (tensor<4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_sum(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  // expected-error @+1 {{'split' lengths sum to 3 but dimension 0 is 4}}
  %0:2 = onnx.Split %x, %s : (tensor<4xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_uneven(%x: tensor<5xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{dimension of size 5 is not evenly splittable into 2 outputs}}
  %0:2 = onnx.Split %x, %none : (tensor<5xf32>, none) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_too_many(%x: tensor<5xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{cannot split dimension of size 5 into 4 outputs}}
  %0:4 = onnx.Split %x, %none {num_outputs = 4 : i64} : (tensor<5xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @split_axis(%x: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'axis' -2 is out of range for rank 1}}
  %0:2 = onnx.Split %x, %none {axis = -2 : i64} : (tensor<4xf32>, none) -> (tensor<*xf32>, tensor<*xf32>)
  return
}

// -----

func.func @slice_lengths(%x: tensor<4x4xf32>, %s: tensor<2xi64>, %e: tensor<1xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'starts', 'ends', 'axes' and 'steps' must have the same length, got 2 and 1 ('ends')}}
  %0 = onnx.Slice %x, %s, %e, %none, %none : (tensor<4x4xf32>, tensor<2xi64>, tensor<1xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<4xf32>) {
  %none = onnx.NoValue
  %s = onnx.Constant dense<[0]> : tensor<1xi64>
  // expected-error @+1 {{'steps' must not contain 0}}
  %0 = onnx.Slice %x, %s, %s, %none, %s : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @slice_too_many(%x: tensor<4xf32>, %s: tensor<2xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'starts' has 2 entries but the input has rank 1}}
  %0 = onnx.Slice %x, %s, %s, %none, %none : (tensor<4xf32>, tensor<2xi64>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @slice_duplicate_axes(%x: tensor<4x4xf32>, %s: tensor<2xi64>) {
  %none = onnx.NoValue
  %a = onnx.Constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+1 {{'axes' has duplicate axis -1}}
  %0 = onnx.Slice %x, %s, %s, %a, %none : (tensor<4x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, none) -> tensor<*xf32>
  return
}

// -----

func.func @slice_starts_rank(%x: tensor<4xf32>, %s: tensor<i64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'starts' must be a 1-D tensor, got rank 0}}
  %0 = onnx.Slice %x, %s, %s, %none, %none : (tensor<4xf32>, tensor<i64>, tensor<i64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @gather_scalar_data(%x: tensor<f32>, %i: tensor<i64>) {
  // expected-error @+1 {{'data' must have rank >= 1}}
  %0 = onnx.Gather %x, %i : (tensor<f32>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4xf32>, %i: tensor<i64>) {
  // expected-error @+1 {{'axis' 1 is out of range for rank 1}}
  %0 = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<4xf32>, tensor<i64>) -> tensor<*xf32>
  return
}

// -----

func.func @gather_index(%x: tensor<4xf32>) {
  %i = onnx.Constant dense<[0, -5]> : tensor<2xi64>
  // expected-error @+1 {{'indices' value -5 is out of range for dimension of size 4}}
  %0 = onnx.Gather %x, %i : (tensor<4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @expand_negative(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[-1]> : tensor<1xi64>
  // expected-error @+1 {{'shape' has negative dimension -1}}
  %0 = onnx.Expand %x, %s : (tensor<4xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @expand_incompatible(%x: tensor<4xf32>) {
  %s = onnx.Constant dense<[3]> : tensor<1xi64>
  // expected-error @+1 {{operands are not broadcast-compatible: dimension 0 is 4 and 3}}
  %0 = onnx.Expand %x, %s : (tensor<4xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @expand_shape_rank(%x: tensor<4xf32>, %s: tensor<1x1xi64>) {
  // expected-error @+1 {{'shape' must be a 1-D tensor, got rank 2}}
  %0 = onnx.Expand %x, %s : (tensor<4xf32>, tensor<1x1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cos_value(%s: tensor<2xi64>) {
  // expected-error @+1 {{'value' must have exactly one element, got 2}}
  %0 = onnx.ConstantOfShape %s {value = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cos_negative() {
  %s = onnx.Constant dense<[2, -3]> : tensor<2xi64>
  // expected-error @+1 {{'input' has negative dimension -3}}
  %0 = onnx.ConstantOfShape %s : (tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @cos_input_rank(%s: tensor<1x2xi64>) {
  // expected-error @+1 {{'input' must be a 1-D tensor, got rank 2}}
  %0 = onnx.ConstantOfShape %s : (tensor<1x2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @range_types(%a: tensor<i64>, %b: tensor<i32>) {
  // expected-error @+1 {{'start', 'limit' and 'delta' must have the same element type}}
  %0 = onnx.Range %a, %a, %b : (tensor<i64>, tensor<i64>, tensor<i32>) -> tensor<*xi64>
  return
}

// -----

func.func @range_scalar(%a: tensor<i64>, %b: tensor<1xi64>) {
  // expected-error @+1 {{'limit' must be a scalar}}
  %0 = onnx.Range %a, %b, %a : (tensor<i64>, tensor<1xi64>, tensor<i64>) -> tensor<*xi64>
  return
}

// -----

func.func @range_zero_delta(%a: tensor<i64>) {
  %d = onnx.Constant dense<0> : tensor<i64>
  // expected-error @+1 {{'delta' must not be zero}}
  %0 = onnx.Range %a, %a, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  return
}

// -----

func.func @range_float_nan(%a: tensor<f32>) {
  %s = onnx.Constant dense<0.0> : tensor<f32>
  %l = onnx.Constant dense<0x7FC00000> : tensor<f32>
  %d = onnx.Constant dense<1.0> : tensor<f32>
  // expected-error @+1 {{cannot compute the number of elements}}
  %0 = onnx.Range %s, %l, %d : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  return
}

// -----

func.func @tile_length(%x: tensor<2x3xf32>, %r: tensor<3xi64>) {
  // expected-error @+1 {{'repeats' has 3 entries but the input has rank 2}}
  %0 = onnx.Tile %x, %r : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @tile_negative(%x: tensor<2xf32>) {
  %r = onnx.Constant dense<[-2]> : tensor<1xi64>
  // expected-error @+1 {{'repeats' has negative value -2}}
  %0 = onnx.Tile %x, %r : (tensor<2xf32>, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @tile_overflow(%x: tensor<4611686018427387904xi1>) {
  %r = onnx.Constant dense<[4]> : tensor<1xi64>
  // expected-error @+1 {{dimension overflows: 4611686018427387904 * 4}}
  %0 = onnx.Tile %x, %r : (tensor<4611686018427387904xi1>, tensor<1xi64>) -> tensor<*xi1>
  return
}

// -----

func.func @pad_mode(%x: tensor<2xf32>, %p: tensor<2xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'mode' "mirror" is not one of constant, reflect, edge, wrap}}
  %0 = onnx.Pad %x, %p, %none, %none {mode = "mirror"} : (tensor<2xf32>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<2xf32>, %p: tensor<2xi64>, %v: tensor<i32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'constant_value' element type 'i32' does not match the data's 'f32'}}
  %0 = onnx.Pad %x, %p, %v, %none : (tensor<2xf32>, tensor<2xi64>, tensor<i32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_value_scalar(%x: tensor<2xf32>, %p: tensor<2xi64>, %v: tensor<2xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'constant_value' must be a scalar}}
  %0 = onnx.Pad %x, %p, %v, %none : (tensor<2xf32>, tensor<2xi64>, tensor<2xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_odd(%x: tensor<2xf32>, %p: tensor<3xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'pads' must have an even number of entries, got 3}}
  %0 = onnx.Pad %x, %p, %none, %none : (tensor<2xf32>, tensor<3xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_length(%x: tensor<2xf32>, %p: tensor<4xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'pads' has 4 entries, expected 2}}
  %0 = onnx.Pad %x, %p, %none, %none : (tensor<2xf32>, tensor<4xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_negative_result(%x: tensor<2xf32>) {
  %none = onnx.NoValue
  %p = onnx.Constant dense<[-2, -1]> : tensor<2xi64>
  // expected-error @+1 {{'pads' make dimension 0 negative (-1)}}
  %0 = onnx.Pad %x, %p, %none, %none : (tensor<2xf32>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @pad_axes(%x: tensor<2xf32>, %p: tensor<2xi64>) {
  %none = onnx.NoValue
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  // expected-error @+1 {{'axes' value 1 is out of range for rank 1}}
  %0 = onnx.Pad %x, %p, %none, %a : (tensor<2xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'mode' "area" is not one of nearest, linear, cubic}}
  %0 = onnx.Resize %x, %none, %s, %none {mode = "area"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_coordinate_mode(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'coordinate_transformation_mode' "bogus_mode" is not one of}}
  %0 = onnx.Resize %x, %none, %s, %none {coordinate_transformation_mode = "bogus_mode"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_nearest_mode(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'nearest_mode' "round" is not one of}}
  %0 = onnx.Resize %x, %none, %s, %none {nearest_mode = "round"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_policy(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'keep_aspect_ratio_policy' "fit" is not one of stretch, not_larger, not_smaller}}
  %0 = onnx.Resize %x, %none, %s, %none {keep_aspect_ratio_policy = "fit"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_antialias(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'antialias' must be 0 or 1, got 2}}
  %0 = onnx.Resize %x, %none, %s, %none {antialias = 2 : i64} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_exclude_outside(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'exclude_outside' must be 0 or 1, got -1}}
  %0 = onnx.Resize %x, %none, %s, %none {exclude_outside = -1 : i64} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_both(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>, %z: tensor<4xi64>) {
  %none = onnx.NoValue
  // expected-error @+1 {{exactly one of 'scales' and 'sizes' must be given}}
  %0 = onnx.Resize %x, %none, %s, %z : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @resize_neither(%x: tensor<1x1x2x2xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{exactly one of 'scales' and 'sizes' must be given}}
  %0 = onnx.Resize %x, %none, %none, %none : (tensor<1x1x2x2xf32>, none, none, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_scales_length(%x: tensor<1x1x2x2xf32>, %s: tensor<2xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'scales' has 2 entries, expected 4}}
  %0 = onnx.Resize %x, %none, %s, %none : (tensor<1x1x2x2xf32>, none, tensor<2xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_scales_positive(%x: tensor<1x1x2x2xf32>) {
  %none = onnx.NoValue
  %s = onnx.Constant dense<[1.0, 0.0]> : tensor<2xf32>
  // expected-error @+1 {{'scales' must be positive, got 0}}
  %0 = onnx.Resize %x, %none, %s, %none {axes = [2, 3]} : (tensor<1x1x2x2xf32>, none, tensor<2xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_sizes_negative(%x: tensor<1x1x2x2xf32>) {
  %none = onnx.NoValue
  %s = onnx.Constant dense<[1, 1, -4, 4]> : tensor<4xi64>
  // expected-error @+1 {{'sizes' has negative value -4}}
  %0 = onnx.Resize %x, %none, %none, %s : (tensor<1x1x2x2xf32>, none, none, tensor<4xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @resize_axes(%x: tensor<1x1x2x2xf32>, %s: tensor<1xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'axes' value 4 is out of range for rank 4}}
  %0 = onnx.Resize %x, %none, %s, %none {axes = [4]} : (tensor<1x1x2x2xf32>, none, tensor<1xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<1x1x2x2xf32>) {
  %r = onnx.Constant dense<[0.0, 1.0]> : tensor<2xf32>
  %s = onnx.Constant dense<[2.0, 2.0]> : tensor<2xf32>
  %none = onnx.NoValue
  // expected-error @+1 {{'roi' has 2 entries, expected 4}}
  %0 = onnx.Resize %x, %r, %s, %none {axes = [2, 3], coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'input' must have rank >= 2, got 1}}
  %0 = onnx.Trilu %x, %none : (tensor<3xf32>, none) -> tensor<*xf32>
  return
}

// -----

func.func @trilu_k(%x: tensor<3x3xf32>, %k: tensor<2xi64>) {
  // expected-error @+1 {{'k' must be a scalar}}
  %0 = onnx.Trilu %x, %k : (tensor<3x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return
}

// -----

func.func @dropout_ratio(%x: tensor<3xf32>) {
  %none = onnx.NoValue
  %r = onnx.Constant dense<1.0> : tensor<f32>
  // expected-error @+1 {{'ratio' must be in [0, 1), got 1}}
  %0:2 = onnx.Dropout %x, %r, %none : (tensor<3xf32>, tensor<f32>, none) -> (tensor<*xf32>, tensor<*xi1>)
  return
}

// -----

func.func @dropout_mode_scalar(%x: tensor<3xf32>, %t: tensor<2xi1>) {
  %none = onnx.NoValue
  // expected-error @+1 {{'training_mode' must be a scalar}}
  %0:2 = onnx.Dropout %x, %none, %t : (tensor<3xf32>, none, tensor<2xi1>) -> (tensor<*xf32>, tensor<*xi1>)
  return
}

// -----

func.func @depth_to_space_blocksize(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{'blocksize' must be positive, got 0}}
  %0 = onnx.DepthToSpace %x {blocksize = 0 : i64} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @depth_to_space_rank(%x: tensor<4x2x2xf32>) {
  // expected-error @+1 {{'input' must have rank 4, got 3}}
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64} : (tensor<4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @depth_to_space_mode(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{'mode' "XYZ" is not DCR or CRD}}
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64, mode = "XYZ"} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @depth_to_space_channels(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+1 {{channel dimension 6 is not divisible by blocksize^2 = 4}}
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @depth_to_space_overflow(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{dimension overflows: 4294967296 * 4294967296}}
  %0 = onnx.DepthToSpace %x {blocksize = 4294967296 : i64} : (tensor<1x4x2x2xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @space_to_depth_spatial(%x: tensor<1x1x4x5xf32>) {
  // expected-error @+1 {{spatial dimensions 4x5 are not divisible by blocksize 2}}
  %0 = onnx.SpaceToDepth %x {blocksize = 2 : i64} : (tensor<1x1x4x5xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @range_int_overflow() {
  %s = onnx.Constant dense<-9223372036854775808> : tensor<i64>
  %l = onnx.Constant dense<9223372036854775807> : tensor<i64>
  %d = onnx.Constant dense<1> : tensor<i64>
  // expected-error @+1 {{cannot compute the number of elements}}
  %0 = onnx.Range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  return
}
