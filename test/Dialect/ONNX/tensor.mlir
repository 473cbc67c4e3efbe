// RUN: quant-opt %s --split-input-file --qopt-onnx-shape-inference="fold=false" | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s --check-prefix=RT

// RT-LABEL: func.func @transpose_default
// RT: onnx.Transpose %{{.*}} : (tensor<2x3x4xf32>) -> tensor<*xf32>
// CHECK-LABEL: func.func @transpose_default
func.func @transpose_default(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Transpose {{.*}} -> tensor<4x3x2xf32>
  %0 = onnx.Transpose %x : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_perm_dynamic
func.func @transpose_perm_dynamic(%x: tensor<?x3x4xf32>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.Transpose {{.*}} -> tensor<3x?x4xf32>
  %0 = onnx.Transpose %x {perm = [1, 0, 2]} : (tensor<?x3x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Transpose {{.*}} -> tensor<?x?xf32>
  %1 = onnx.Transpose %u {perm = [1, 0]} : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
func.func @flatten(%x: tensor<2x3x4x5xf32>, %y: tensor<?x3x4xf32>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.Flatten {{.*}} -> tensor<2x60xf32>
  %0 = onnx.Flatten %x : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.Flatten {{.*}} -> tensor<24x5xf32>
  %1 = onnx.Flatten %x {axis = -1 : i64} : (tensor<2x3x4x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.Flatten {{.*}} -> tensor<?x12xf32>
  %2 = onnx.Flatten %y : (tensor<?x3x4xf32>) -> tensor<*xf32>
  // CHECK: onnx.Flatten {{.*}} -> tensor<?x?xf32>
  %3 = onnx.Flatten %u : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze
func.func @squeeze(%x: tensor<1x3x1x4xf32>, %y: tensor<?x1x4xf32>, %a: tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %axes = onnx.Constant dense<[0, -2]> : tensor<2xi64>
  // CHECK: onnx.Squeeze {{.*}} -> tensor<3x4xf32>
  %0 = onnx.Squeeze %x, %axes : (tensor<1x3x1x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Squeeze {{.*}} -> tensor<3x4xf32>
  %1 = onnx.Squeeze %x, %none : (tensor<1x3x1x4xf32>, none) -> tensor<*xf32>
  // CHECK: onnx.Squeeze {{.*}} -> tensor<*xf32>
  %2 = onnx.Squeeze %y, %none : (tensor<?x1x4xf32>, none) -> tensor<*xf32>
  %axis1 = onnx.Constant dense<[1]> : tensor<1xi64>
  // CHECK: onnx.Squeeze {{.*}} -> tensor<?x4xf32>
  %3 = onnx.Squeeze %y, %axis1 : (tensor<?x1x4xf32>, tensor<1xi64>) -> tensor<*xf32>
  // CHECK: onnx.Squeeze {{.*}} -> tensor<?x?xf32>
  %4 = onnx.Squeeze %x, %a : (tensor<1x3x1x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3, %4 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @unsqueeze
func.func @unsqueeze(%x: tensor<3x4xf32>, %y: tensor<?x4xf32>, %u: tensor<*xf32>, %a: tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %axes = onnx.Constant dense<[0, -1]> : tensor<2xi64>
  // CHECK: onnx.Unsqueeze {{.*}} -> tensor<1x3x4x1xf32>
  %0 = onnx.Unsqueeze %x, %axes : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Unsqueeze {{.*}} -> tensor<1x?x4x1xf32>
  %1 = onnx.Unsqueeze %y, %axes : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Unsqueeze {{.*}} -> tensor<*xf32>
  %2 = onnx.Unsqueeze %u, %axes : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Unsqueeze {{.*}} -> tensor<?x?x?x?xf32>
  %3 = onnx.Unsqueeze %x, %a : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<?x?xf32>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.Concat {{.*}} -> tensor<2x8xf32>
  %0 = onnx.Concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<*xf32>
  // CHECK: onnx.Concat {{.*}} -> tensor<2x?xf32>
  %1 = onnx.Concat %a, %c {axis = -1 : i64} : (tensor<2x3xf32>, tensor<?x?xf32>) -> tensor<*xf32>
  // CHECK: onnx.Concat {{.*}} -> tensor<?x3xf32>
  %2 = onnx.Concat %a, %u {axis = 0 : i64} : (tensor<2x3xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @split
func.func @split(%x: tensor<2x8xf32>, %y: tensor<?x6xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  // CHECK: onnx.Split {{.*}} -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>)
  %0:3 = onnx.Split %x, %none {axis = 1 : i64, num_outputs = 3 : i64} : (tensor<2x8xf32>, none) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>)
  %s = onnx.Constant dense<[1, 5]> : tensor<2xi64>
  // CHECK: onnx.Split {{.*}} -> (tensor<?x1xf32>, tensor<?x5xf32>)
  %1:2 = onnx.Split %y, %s {axis = -1 : i64} : (tensor<?x6xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return %0#0, %0#1, %0#2, %1#0, %1#1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @split_equal_dynamic
func.func @split_equal_dynamic(%x: tensor<6x?xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  // CHECK: onnx.Split {{.*}} -> (tensor<3x?xf32>, tensor<3x?xf32>)
  %0:2 = onnx.Split %x, %none : (tensor<6x?xf32>, none) -> (tensor<*xf32>, tensor<*xf32>)
  // CHECK: onnx.Split {{.*}} -> (tensor<6x?xf32>, tensor<6x?xf32>)
  %1:2 = onnx.Split %x, %none {axis = 1 : i64} : (tensor<6x?xf32>, none) -> (tensor<*xf32>, tensor<*xf32>)
  return %0#0, %0#1, %1#0, %1#1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @slice
func.func @slice(%x: tensor<10x20x30xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %starts = onnx.Constant dense<[1, -5]> : tensor<2xi64>
  %ends = onnx.Constant dense<[9223372036854775807, -1]> : tensor<2xi64>
  %axes = onnx.Constant dense<[0, 2]> : tensor<2xi64>
  %steps = onnx.Constant dense<[3, 1]> : tensor<2xi64>
  // CHECK: onnx.Slice {{.*}} -> tensor<3x20x4xf32>
  %0 = onnx.Slice %x, %starts, %ends, %axes, %steps : (tensor<10x20x30xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  // Reverse a whole axis: start -1, end INT64_MIN, step -1.
  %rs = onnx.Constant dense<[-1]> : tensor<1xi64>
  %re = onnx.Constant dense<[-9223372036854775808]> : tensor<1xi64>
  %ra = onnx.Constant dense<[1]> : tensor<1xi64>
  %rstep = onnx.Constant dense<[-1]> : tensor<1xi64>
  // CHECK: onnx.Slice {{.*}} -> tensor<10x20x30xf32>
  %1 = onnx.Slice %x, %rs, %re, %ra, %rstep : (tensor<10x20x30xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  // Axis 0 by default; start 25 clamps to 9, then 9, 7, 5 (end 4 excluded).
  %s2 = onnx.Constant dense<[25]> : tensor<1xi32>
  %e2 = onnx.Constant dense<[4]> : tensor<1xi32>
  %st2 = onnx.Constant dense<[-2]> : tensor<1xi32>
  // CHECK: onnx.Slice {{.*}} -> tensor<3x20x30xf32>
  %2 = onnx.Slice %x, %s2, %e2, %none, %st2 : (tensor<10x20x30xf32>, tensor<1xi32>, tensor<1xi32>, none, tensor<1xi32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @slice_dynamic
func.func @slice_dynamic(%x: tensor<?x20xf32>, %s: tensor<1xi64>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %starts = onnx.Constant dense<[2, 2]> : tensor<2xi64>
  %ends = onnx.Constant dense<[5, 5]> : tensor<2xi64>
  // CHECK: onnx.Slice {{.*}} -> tensor<?x3xf32>
  %0 = onnx.Slice %x, %starts, %ends, %none, %none : (tensor<?x20xf32>, tensor<2xi64>, tensor<2xi64>, none, none) -> tensor<*xf32>
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  // CHECK: onnx.Slice {{.*}} -> tensor<?x?xf32>
  %1 = onnx.Slice %x, %s, %s, %axes, %none : (tensor<?x20xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<*xf32>
  // CHECK: onnx.Slice {{.*}} -> tensor<*xf32>
  %2 = onnx.Slice %u, %starts, %ends, %none, %none : (tensor<*xf32>, tensor<2xi64>, tensor<2xi64>, none, none) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @gather
func.func @gather(%x: tensor<5x6x7xf32>, %i: tensor<2x3xi64>, %j: tensor<?xi32>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.Gather {{.*}} -> tensor<5x2x3x7xf32>
  %0 = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<5x6x7xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  // CHECK: onnx.Gather {{.*}} -> tensor<?x6x7xf32>
  %1 = onnx.Gather %x, %j : (tensor<5x6x7xf32>, tensor<?xi32>) -> tensor<*xf32>
  %k = onnx.Constant dense<-1> : tensor<i64>
  // CHECK: onnx.Gather {{.*}} -> tensor<5x6xf32>
  %2 = onnx.Gather %x, %k {axis = -1 : i64} : (tensor<5x6x7xf32>, tensor<i64>) -> tensor<*xf32>
  // CHECK: onnx.Gather {{.*}} -> tensor<*xf32>
  %3 = onnx.Gather %u, %i : (tensor<*xf32>, tensor<2x3xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @expand
func.func @expand(%x: tensor<3x1xf32>, %y: tensor<?x4xf32>, %s: tensor<3xi64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %shape = onnx.Constant dense<[2, 1, 6]> : tensor<3xi64>
  // CHECK: onnx.Expand {{.*}} -> tensor<2x3x6xf32>
  %0 = onnx.Expand %x, %shape : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<*xf32>
  %shape2 = onnx.Constant dense<[1, 4]> : tensor<2xi64>
  // CHECK: onnx.Expand {{.*}} -> tensor<?x4xf32>
  %1 = onnx.Expand %y, %shape2 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Expand {{.*}} -> tensor<?x3x?xf32>
  %2 = onnx.Expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @shape_size
func.func @shape_size(%x: tensor<2x?x4x5xf32>, %u: tensor<*xf32>) -> (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) {
  // CHECK: onnx.Shape {{.*}} -> tensor<4xi64>
  %0 = onnx.Shape %x : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // CHECK: onnx.Shape {{.*}} -> tensor<2xi64>
  %1 = onnx.Shape %x {start = 1 : i64, end = -1 : i64} : (tensor<2x?x4x5xf32>) -> tensor<*xi64>
  // CHECK: onnx.Shape {{.*}} -> tensor<?xi64>
  %2 = onnx.Shape %u : (tensor<*xf32>) -> tensor<*xi64>
  // CHECK: onnx.Size {{.*}} -> tensor<i64>
  %3 = onnx.Size %u : (tensor<*xf32>) -> tensor<*xi64>
  return %0, %1, %2, %3 : tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>
}

// -----

// CHECK-LABEL: func.func @constant_of_shape
func.func @constant_of_shape(%s: tensor<3xi64>, %t: tensor<?xi64>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>) {
  %shape = onnx.Constant dense<[2, 3]> : tensor<2xi64>
  // CHECK: onnx.ConstantOfShape {{.*}} -> tensor<2x3xf32>
  %0 = onnx.ConstantOfShape %shape : (tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.ConstantOfShape {{.*}} -> tensor<2x3xi64>
  %1 = onnx.ConstantOfShape %shape {value = dense<7> : tensor<1xi64>} : (tensor<2xi64>) -> tensor<*xi64>
  // CHECK: onnx.ConstantOfShape {{.*}} -> tensor<?x?x?xf32>
  %2 = onnx.ConstantOfShape %s : (tensor<3xi64>) -> tensor<*xf32>
  // CHECK: onnx.ConstantOfShape {{.*}} -> tensor<*xf32>
  %3 = onnx.ConstantOfShape %t : (tensor<?xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @identity
func.func @identity(%x: tensor<2x?xf16>, %u: tensor<*xi8>) -> (tensor<*xf16>, tensor<*xi8>) {
  // CHECK: onnx.Identity {{.*}} -> tensor<2x?xf16>
  %0 = onnx.Identity %x : (tensor<2x?xf16>) -> tensor<*xf16>
  // CHECK: onnx.Identity {{.*}} -> tensor<*xi8>
  %1 = onnx.Identity %u : (tensor<*xi8>) -> tensor<*xi8>
  return %0, %1 : tensor<*xf16>, tensor<*xi8>
}

// -----

// CHECK-LABEL: func.func @range
func.func @range(%a: tensor<i64>) -> (tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>) {
  %start = onnx.Constant dense<1> : tensor<i64>
  %limit = onnx.Constant dense<10> : tensor<i64>
  %delta = onnx.Constant dense<4> : tensor<i64>
  // CHECK: onnx.Range {{.*}} -> tensor<3xi64>
  %0 = onnx.Range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  %fs = onnx.Constant dense<1.0> : tensor<f32>
  %fl = onnx.Constant dense<-1.0> : tensor<f32>
  %fd = onnx.Constant dense<-0.5> : tensor<f32>
  // CHECK: onnx.Range {{.*}} -> tensor<4xf32>
  %1 = onnx.Range %fs, %fl, %fd : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  // CHECK: onnx.Range {{.*}} -> tensor<0xi64>
  %2 = onnx.Range %limit, %start, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  // CHECK: onnx.Range {{.*}} -> tensor<?xi64>
  %3 = onnx.Range %start, %a, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  return %0, %1, %2, %3 : tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>
}

// -----

// CHECK-LABEL: func.func @tile
func.func @tile(%x: tensor<2x?xf32>, %r: tensor<2xi64>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %reps = onnx.Constant dense<[3, 2]> : tensor<2xi64>
  // CHECK: onnx.Tile {{.*}} -> tensor<6x?xf32>
  %0 = onnx.Tile %x, %reps : (tensor<2x?xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Tile {{.*}} -> tensor<?x?xf32>
  %1 = onnx.Tile %x, %r : (tensor<2x?xf32>, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Tile {{.*}} -> tensor<?x?xf32>
  %2 = onnx.Tile %u, %reps : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @pad
func.func @pad(%x: tensor<2x3x?xf32>, %p: tensor<6xi64>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %pads = onnx.Constant dense<[1, 0, 2, 1, -1, 2]> : tensor<6xi64>
  %cv = onnx.Constant dense<0.5> : tensor<f32>
  // CHECK: onnx.Pad {{.*}} -> tensor<4x2x?xf32>
  %0 = onnx.Pad %x, %pads, %cv, %none : (tensor<2x3x?xf32>, tensor<6xi64>, tensor<f32>, none) -> tensor<*xf32>
  %pads2 = onnx.Constant dense<[2, 2]> : tensor<2xi64>
  %axes = onnx.Constant dense<[-2]> : tensor<1xi64>
  // CHECK: onnx.Pad {{.*}} -> tensor<2x7x?xf32>
  %1 = onnx.Pad %x, %pads2, %none, %axes {mode = "reflect"} : (tensor<2x3x?xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<*xf32>
  // CHECK: onnx.Pad {{.*}} -> tensor<?x?x?xf32>
  %2 = onnx.Pad %x, %p, %none, %none : (tensor<2x3x?xf32>, tensor<6xi64>, none, none) -> tensor<*xf32>
  // CHECK: onnx.Pad {{.*}} -> tensor<?x?x?xf32>
  %3 = onnx.Pad %u, %pads, %none, %none : (tensor<*xf32>, tensor<6xi64>, none, none) -> tensor<*xf32>
  return %0, %1, %2, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// RT-LABEL: func.func @resize
// RT: onnx.Resize {{.*}}coordinate_transformation_mode = "asymmetric"
// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<1x3x10x?xf32>, %s: tensor<4xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %scales = onnx.Constant dense<[1.0, 1.0, 2.5, 2.0]> : tensor<4xf32>
  // CHECK: onnx.Resize {{.*}} -> tensor<1x3x25x?xf32>
  %0 = onnx.Resize %x, %none, %scales, %none {coordinate_transformation_mode = "asymmetric", mode = "linear"} : (tensor<1x3x10x?xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  %sizes = onnx.Constant dense<[5, 7]> : tensor<2xi64>
  // CHECK: onnx.Resize {{.*}} -> tensor<1x3x5x7xf32>
  %1 = onnx.Resize %x, %none, %none, %sizes {axes = [2, 3]} : (tensor<1x3x10x?xf32>, none, none, tensor<2xi64>) -> tensor<*xf32>
  // CHECK: onnx.Resize {{.*}} -> tensor<?x?x?x?xf32>
  %2 = onnx.Resize %x, %none, %s, %none : (tensor<1x3x10x?xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  // An empty scales tensor (opset 11-12 style) counts as absent.
  %empty = onnx.Constant dense<> : tensor<0xf32>
  %sizes4 = onnx.Constant dense<[1, 3, 4, 4]> : tensor<4xi64>
  // CHECK: onnx.Resize {{.*}} -> tensor<1x3x4x4xf32>
  %3 = onnx.Resize %x, %empty, %empty, %sizes4 : (tensor<1x3x10x?xf32>, tensor<0xf32>, tensor<0xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %0, %1, %2, %3, %3 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @resize_keep_aspect
func.func @resize_keep_aspect(%x: tensor<1x3x20x30xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %none = onnx.NoValue
  %sizes = onnx.Constant dense<[10, 10]> : tensor<2xi64>
  // scale = min(10/20, 10/30) = 1/3: 20/3 -> 7, 30/3 -> 10
  // CHECK: onnx.Resize {{.*}} -> tensor<1x3x7x10xf32>
  %0 = onnx.Resize %x, %none, %none, %sizes {axes = [2, 3], keep_aspect_ratio_policy = "not_larger"} : (tensor<1x3x20x30xf32>, none, none, tensor<2xi64>) -> tensor<*xf32>
  // scale = max(1/2, 1/3) = 1/2: 10, 15
  // CHECK: onnx.Resize {{.*}} -> tensor<1x3x10x15xf32>
  %1 = onnx.Resize %x, %none, %none, %sizes {axes = [2, 3], keep_aspect_ratio_policy = "not_smaller"} : (tensor<1x3x20x30xf32>, none, none, tensor<2xi64>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @trilu
func.func @trilu(%x: tensor<4x5xf32>, %u: tensor<*xi64>) -> (tensor<*xf32>, tensor<*xi64>) {
  %none = onnx.NoValue
  %k = onnx.Constant dense<1> : tensor<i64>
  // CHECK: onnx.Trilu {{.*}} -> tensor<4x5xf32>
  %0 = onnx.Trilu %x, %k {upper = 0 : i64} : (tensor<4x5xf32>, tensor<i64>) -> tensor<*xf32>
  // CHECK: onnx.Trilu {{.*}} -> tensor<*xi64>
  %1 = onnx.Trilu %u, %none : (tensor<*xi64>, none) -> tensor<*xi64>
  return %0, %1 : tensor<*xf32>, tensor<*xi64>
}

// -----

// CHECK-LABEL: func.func @dropout
func.func @dropout(%x: tensor<2x?xf32>, %u: tensor<*xf16>) -> (tensor<*xf32>, tensor<*xi1>, tensor<*xf16>, tensor<*xi1>) {
  %none = onnx.NoValue
  %ratio = onnx.Constant dense<0.25> : tensor<f32>
  // CHECK: onnx.Dropout {{.*}} -> (tensor<2x?xf32>, tensor<2x?xi1>)
  %0:2 = onnx.Dropout %x, %ratio, %none {seed = 3 : i64} : (tensor<2x?xf32>, tensor<f32>, none) -> (tensor<*xf32>, tensor<*xi1>)
  // CHECK: onnx.Dropout {{.*}} -> (tensor<*xf16>, tensor<*xi1>)
  %1:2 = onnx.Dropout %u, %none, %none : (tensor<*xf16>, none, none) -> (tensor<*xf16>, tensor<*xi1>)
  return %0#0, %0#1, %1#0, %1#1 : tensor<*xf32>, tensor<*xi1>, tensor<*xf16>, tensor<*xi1>
}

// -----

// CHECK-LABEL: func.func @depth_space
func.func @depth_space(%x: tensor<1x8x3x?xf32>, %u: tensor<*xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  // CHECK: onnx.DepthToSpace {{.*}} -> tensor<1x2x6x?xf32>
  %0 = onnx.DepthToSpace %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x3x?xf32>) -> tensor<*xf32>
  // CHECK: onnx.SpaceToDepth {{.*}} -> tensor<1x72x1x?xf32>
  %1 = onnx.SpaceToDepth %x {blocksize = 3 : i64} : (tensor<1x8x3x?xf32>) -> tensor<*xf32>
  // CHECK: onnx.DepthToSpace {{.*}} -> tensor<?x?x?x?xf32>
  %2 = onnx.DepthToSpace %u {blocksize = 2 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  return %0, %1, %2 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
