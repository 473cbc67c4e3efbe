// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// Reshape with a constant shape (0 copies, -1 inferred): one collapse when
// static; through a 1-D tensor with arith-computed sizes when dynamic.
// CHECK-LABEL: func.func @reshape
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
// CHECK: %[[D0:.*]] = tensor.dim %arg1, %c0
// CHECK: %[[N:.*]] = arith.divsi
// CHECK: tensor.collapse_shape %arg1 {{\[}}[0, 1, 2]]
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [%[[D0]], %[[N]]] : tensor<?xf32> into tensor<?x?xf32>
func.func @reshape(%x: tensor<2x3x4xf32>, %y: tensor<?x3x4xf32>) -> (tensor<2x12xf32>, tensor<?x?xf32>) {
  %s = onnx.Constant dense<[0, -1]> : tensor<2xi64>
  %0 = onnx.Reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  %1 = onnx.Reshape %y, %s : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0, %1 : tensor<2x12xf32>, tensor<?x?xf32>
}

// -----

// A shape known only at run time: its entries are read with tensor.extract.
// CHECK-LABEL: func.func @reshape_runtime
// CHECK: tensor.extract %arg1
// CHECK: arith.select
// CHECK: tensor.expand_shape
func.func @reshape_runtime(%x: tensor<?x4xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = onnx.Reshape %x, %s : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: tensor.empty(%{{.*}}) : tensor<4x?x3xf32>
// CHECK: linalg.transpose ins(%arg0 : tensor<?x3x4xf32>) outs(%{{.*}} : tensor<4x?x3xf32>) permutation = [2, 0, 1]
// CHECK: linalg.transpose {{.*}} permutation = [2, 1, 0]
func.func @transpose(%x: tensor<?x3x4xf32>) -> (tensor<4x?x3xf32>, tensor<4x3x?xf32>) {
  %0 = onnx.Transpose %x {perm = [2, 0, 1]} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  %1 = onnx.Transpose %x : (tensor<?x3x4xf32>) -> tensor<4x3x?xf32>
  return %0, %1 : tensor<4x?x3xf32>, tensor<4x3x?xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_squeeze_unsqueeze
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
// CHECK: tensor.cast %arg1 : tensor<?x?x4xf32> to tensor<?x1x4xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<?x1x4xf32> into tensor<?x4xf32>
// CHECK: tensor.expand_shape %arg0 {{\[}}[0, 1], [2], [3]] output_shape [1, %{{.*}}, 3, 4] : tensor<?x3x4xf32> into tensor<1x?x3x4xf32>
func.func @flatten_squeeze_unsqueeze(%x: tensor<?x3x4xf32>, %y: tensor<?x?x4xf32>) -> (tensor<?x12xf32>, tensor<?x4xf32>, tensor<1x?x3x4xf32>) {
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  %z = onnx.Constant dense<[0]> : tensor<1xi64>
  %0 = onnx.Flatten %x {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  %1 = onnx.Squeeze %y, %a : (tensor<?x?x4xf32>, tensor<1xi64>) -> tensor<?x4xf32>
  %2 = onnx.Unsqueeze %x, %z : (tensor<?x3x4xf32>, tensor<1xi64>) -> tensor<1x?x3x4xf32>
  return %0, %1, %2 : tensor<?x12xf32>, tensor<?x4xf32>, tensor<1x?x3x4xf32>
}

// -----

// Axes given at run time: the result shape is computed and tensor.reshape
// applies it.
// CHECK-LABEL: func.func @unsqueeze_runtime_axes
// CHECK: tensor.extract %arg1
// CHECK: tensor.from_elements
// CHECK: tensor.reshape %arg0(%{{.*}}) : (tensor<?x4xf32>, tensor<3xindex>) -> tensor<?x?x?xf32>
func.func @unsqueeze_runtime_axes(%x: tensor<?x4xf32>, %axes: tensor<1xi64>) -> tensor<?x?x?xf32> {
  %0 = onnx.Unsqueeze %x, %axes : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @concat_split
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x5xf32>
// CHECK: %[[I:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0] [%{{.*}}, 2] [1, 1]
// CHECK: tensor.insert_slice %arg1 into %[[I]][0, 2] [%{{.*}}, 3] [1, 1]
// CHECK: tensor.extract_slice %arg2[0, 0] [%{{.*}}, 1] [1, 1]
// CHECK: tensor.extract_slice %arg2[0, 1] [%{{.*}}, 3] [1, 1]
func.func @concat_split(%a: tensor<?x2xf32>, %b: tensor<?x3xf32>, %c: tensor<?x4xf32>) -> (tensor<?x5xf32>, tensor<?x1xf32>, tensor<?x3xf32>) {
  %0 = onnx.Concat %a, %b {axis = -1 : i64} : (tensor<?x2xf32>, tensor<?x3xf32>) -> tensor<?x5xf32>
  %s = onnx.Constant dense<[1, 3]> : tensor<2xi64>
  %1:2 = onnx.Split %c, %s {axis = 1 : i64} : (tensor<?x4xf32>, tensor<2xi64>) -> (tensor<?x1xf32>, tensor<?x3xf32>)
  return %0, %1#0, %1#1 : tensor<?x5xf32>, tensor<?x1xf32>, tensor<?x3xf32>
}

// -----

// Slice: constant positive steps fold to one extract_slice (ends clamped);
// a negative step reads each element at offset + i * step.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %arg0[0, 1] [%{{.*}}, 9] [1, 1] : tensor<?x10xf32> to tensor<?x9xf32>
// CHECK: linalg.generic
// CHECK: linalg.index 1
// CHECK: arith.muli %{{.*}}, %c-1
// CHECK: tensor.extract %arg0
func.func @slice(%x: tensor<?x10xf32>) -> (tensor<?x9xf32>, tensor<?x10xf32>) {
  %s = onnx.Constant dense<[1]> : tensor<1xi64>
  %e = onnx.Constant dense<[9223372036854775807]> : tensor<1xi64>
  %a = onnx.Constant dense<[1]> : tensor<1xi64>
  %none = onnx.NoValue
  %0 = onnx.Slice %x, %s, %e, %a, %none : (tensor<?x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<?x9xf32>
  %rs = onnx.Constant dense<[-1]> : tensor<1xi64>
  %re = onnx.Constant dense<[-9223372036854775807]> : tensor<1xi64>
  %st = onnx.Constant dense<[-1]> : tensor<1xi64>
  %1 = onnx.Slice %x, %rs, %re, %a, %st : (tensor<?x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x10xf32>
  return %0, %1 : tensor<?x9xf32>, tensor<?x10xf32>
}

// -----

// Gather wraps negative indices at run time.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}]
func.func @gather(%x: tensor<?x8xf32>, %i: tensor<2x3xi64>) -> tensor<?x2x3xf32> {
  %0 = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<?x8xf32>, tensor<2x3xi64>) -> tensor<?x2x3xf32>
  return %0 : tensor<?x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements_nd
// CHECK: linalg.generic
// CHECK: tensor.extract %arg0
// CHECK: linalg.generic
// CHECK: tensor.extract %arg3[%{{.*}}, %c0{{.*}}]
// CHECK: tensor.extract %arg2
func.func @gather_elements_nd(%x: tensor<?x4xf32>, %i: tensor<?x2xi32>, %d: tensor<2x3x4xf32>, %n: tensor<2x1xi64>) -> (tensor<?x2xf32>, tensor<2x4xf32>) {
  %0 = onnx.GatherElements %x, %i {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x2xi32>) -> tensor<?x2xf32>
  %1 = onnx.GatherND %d, %n {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32>
  return %0, %1 : tensor<?x2xf32>, tensor<2x4xf32>
}

// -----

// Scatters are sequential loops over the updates; reductions combine.
// CHECK-LABEL: func.func @scatter
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract
// CHECK: arith.addf
// CHECK: tensor.insert
// CHECK: scf.for
// CHECK: arith.maxsi
func.func @scatter(%x: tensor<?x4xf32>, %i: tensor<?x2xi64>, %u: tensor<?x2xf32>, %d: tensor<4x3xi32>, %n: tensor<2x1xi64>, %v: tensor<2x3xi32>) -> (tensor<?x4xf32>, tensor<4x3xi32>) {
  %0 = onnx.ScatterElements %x, %i, %u {axis = 1 : i64, reduction = "add"} : (tensor<?x4xf32>, tensor<?x2xi64>, tensor<?x2xf32>) -> tensor<?x4xf32>
  %1 = onnx.ScatterND %d, %n, %v {reduction = "max"} : (tensor<4x3xi32>, tensor<2x1xi64>, tensor<2x3xi32>) -> tensor<4x3xi32>
  return %0, %1 : tensor<?x4xf32>, tensor<4x3xi32>
}

// -----

// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @expand_tile
// CHECK: linalg.generic {indexing_maps = [#[[B]], #{{.*}}]
// CHECK: linalg.generic
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2, 3]] : tensor<2x?x3x4xf32> into tensor<?x12xf32>
func.func @expand_tile(%x: tensor<1x4xf32>, %s: tensor<3xi64>, %y: tensor<?x4xf32>) -> (tensor<?x?x4xf32>, tensor<?x12xf32>) {
  %0 = onnx.Expand %x, %s : (tensor<1x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  %r = onnx.Constant dense<[2, 3]> : tensor<2xi64>
  %1 = onnx.Tile %y, %r : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x12xf32>
  return %0, %1 : tensor<?x?x4xf32>, tensor<?x12xf32>
}

// -----

// CHECK-LABEL: func.func @shape_size_constantofshape
// CHECK: %[[D:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[D64:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: tensor.from_elements %[[D64]], %{{.*}} : tensor<2xi64>
// CHECK: tensor.from_elements %{{.*}} : tensor<i64>
// CHECK: tensor.extract %arg1
// CHECK: linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<?x?xi32>)
func.func @shape_size_constantofshape(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> (tensor<2xi64>, tensor<i64>, tensor<?x?xi32>) {
  %0 = onnx.Shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  %1 = onnx.Size %x : (tensor<?x4xf32>) -> tensor<i64>
  %2 = onnx.ConstantOfShape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<?x?xi32>
  return %0, %1, %2 : tensor<2xi64>, tensor<i64>, tensor<?x?xi32>
}

// -----

// Range with run-time bounds: max(ceil((limit - start) / delta), 0) elements.
// CHECK-LABEL: func.func @range
// CHECK: arith.subf
// CHECK: arith.divf
// CHECK: math.ceil
// CHECK: arith.maxsi
// CHECK: linalg.generic
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @range(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<f32>) -> tensor<?xf32> {
  %0 = onnx.Range %a, %b, %c : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Pad: constant mode is tensor.pad (negative pads crop first); reflect reads
// mirrored indices.
// CHECK-LABEL: func.func @pad
// CHECK: tensor.extract_slice %arg0[0, 1] [%{{.*}}, 3] [1, 1]
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: tensor.pad %{{.*}} low[1, 0] high[1, 2]
// CHECK: tensor.yield %[[V]]
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK: tensor.extract %arg0
func.func @pad(%x: tensor<?x4xf32>) -> (tensor<?x5xf32>, tensor<?x6xf32>) {
  %p = onnx.Constant dense<[1, -1, 1, 2]> : tensor<4xi64>
  %v = onnx.Constant dense<2.5> : tensor<f32>
  %none = onnx.NoValue
  %0 = onnx.Pad %x, %p, %v, %none : (tensor<?x4xf32>, tensor<4xi64>, tensor<f32>, none) -> tensor<?x5xf32>
  %q = onnx.Constant dense<[0, 1, 0, 1]> : tensor<4xi64>
  %1 = onnx.Pad %x, %q, %none, %none {mode = "reflect"} : (tensor<?x4xf32>, tensor<4xi64>, none, none) -> tensor<?x6xf32>
  return %0, %1 : tensor<?x5xf32>, tensor<?x6xf32>
}

// -----

// CHECK-LABEL: func.func @trilu_eyelike_onehot
// CHECK: linalg.generic
// CHECK: arith.cmpi sge
// CHECK: linalg.generic
// CHECK: arith.cmpi eq
// CHECK: linalg.generic
// CHECK: arith.cmpi eq
func.func @trilu_eyelike_onehot(%x: tensor<?x4x4xf32>, %k: tensor<i64>, %e: tensor<3x3xf32>, %i: tensor<?xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> (tensor<?x4x4xf32>, tensor<3x3xi32>, tensor<?x?xf32>) {
  %0 = onnx.Trilu %x, %k {upper = 1 : i64} : (tensor<?x4x4xf32>, tensor<i64>) -> tensor<?x4x4xf32>
  %1 = onnx.EyeLike %e {dtype = 6 : i64, k = 1 : i64} : (tensor<3x3xf32>) -> tensor<3x3xi32>
  %2 = onnx.OneHot %i, %d, %v {axis = -1 : i64} : (tensor<?xi64>, tensor<i64>, tensor<2xf32>) -> tensor<?x?xf32>
  return %0, %1, %2 : tensor<?x4x4xf32>, tensor<3x3xi32>, tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @depth_space
// CHECK: tensor.expand_shape %arg0 {{\[}}[0], [1, 2, 3], [4], [5]] output_shape [%{{.*}}, 2, 2, 2, 3, 3]
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4, 5]]
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
func.func @depth_space(%x: tensor<?x8x3x3xf32>, %y: tensor<?x2x6x6xf32>) -> (tensor<?x2x6x6xf32>, tensor<?x8x3x3xf32>) {
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64} : (tensor<?x8x3x3xf32>) -> tensor<?x2x6x6xf32>
  %1 = onnx.SpaceToDepth %y {blocksize = 2 : i64} : (tensor<?x2x6x6xf32>) -> tensor<?x8x3x3xf32>
  return %0, %1 : tensor<?x2x6x6xf32>, tensor<?x8x3x3xf32>
}

// -----

// Resize linear: a generic blending 2 x 2 neighbours with f64 weights.
// CHECK-LABEL: func.func @resize
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: arith.truncf
func.func @resize(%x: tensor<?x3x4x4xf32>) -> tensor<?x3x8x8xf32> {
  %none = onnx.NoValue
  %s = onnx.Constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %0 = onnx.Resize %x, %none, %s, %none {mode = "linear"} : (tensor<?x3x4x4xf32>, none, tensor<4xf32>, none) -> tensor<?x3x8x8xf32>
  return %0 : tensor<?x3x8x8xf32>
}

// -----

// TopK keeps a sorted buffer per slice; NonZero counts, then fills.
// CHECK-LABEL: func.func @topk_nonzero
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpf oge
// CHECK: scf.if
// CHECK: tensor.empty(%{{.*}}) : tensor<2x?xi64>
// CHECK: scf.if
func.func @topk_nonzero(%x: tensor<?x5xf32>, %y: tensor<?x3xi32>) -> (tensor<?x2xf32>, tensor<?x2xi64>, tensor<2x?xi64>) {
  %k = onnx.Constant dense<[2]> : tensor<1xi64>
  %0:2 = onnx.TopK %x, %k : (tensor<?x5xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %1 = onnx.NonZero %y : (tensor<?x3xi32>) -> tensor<2x?xi64>
  return %0#0, %0#1, %1 : tensor<?x2xf32>, tensor<?x2xi64>, tensor<2x?xi64>
}

// -----

// Identity and inference Dropout forward the input; the mask is all true.
// CHECK-LABEL: func.func @identity_dropout
// CHECK: linalg.fill ins(%true : i1)
// CHECK: return %arg0, %arg0, %{{.*}}
func.func @identity_dropout(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xi1>) {
  %none = onnx.NoValue
  %0 = onnx.Identity %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1:2 = onnx.Dropout %x, %none, %none : (tensor<?x4xf32>, none, none) -> (tensor<?x4xf32>, tensor<?x4xi1>)
  return %0, %1#0, %1#1 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xi1>
}
