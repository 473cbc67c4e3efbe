// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// A plain fold is linalg.reduce over the listed (negative) axes; keepdims
// re-inserts them with expand_shape; the dynamic batch comes from tensor.dim.
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[INIT:.*]] = tensor.empty(%[[DIM]]) : tensor<?xf32>
// CHECK: linalg.fill ins(%cst{{.*}}) outs(%[[INIT]]
// CHECK: %[[R:.*]] = linalg.reduce ins(%arg0 : tensor<?x3x4xf32>) outs(%{{.*}} : tensor<?xf32>) dimensions = [1, 2]
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2]] output_shape [%{{.*}}, 1, 1] : tensor<?xf32> into tensor<?x1x1xf32>
func.func @reduce_sum_keepdims(%x: tensor<?x3x4xf32>) -> tensor<?x1x1xf32> {
  %axes = onnx.Constant dense<[-1, 1]> : tensor<2xi64>
  %0 = onnx.ReduceSum %x, %axes : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x1x1xf32>
  return %0 : tensor<?x1x1xf32>
}

// -----

// Absent axes reduce everything; the empty set gives the identity element
// (-inf for max, the unsigned maximum for an unsigned min).
// CHECK-LABEL: func.func @reduce_max_min_all
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK: linalg.reduce ins(%arg0 : tensor<2x0xf32>) outs(%{{.*}} : tensor<f32>) dimensions = [0, 1]
// CHECK: arith.maximumf
// CHECK: %[[UMAX:.*]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[UMAX]] : i8)
// CHECK: linalg.reduce
// CHECK: arith.minui
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<i8> into tensor<1x1xi8>
func.func @reduce_max_min_all(%x: tensor<2x0xf32>, %u: tensor<2x3xui8>) -> (tensor<f32>, tensor<1x1xui8>) {
  %none = onnx.NoValue
  %0 = onnx.ReduceMax %x, %none {keepdims = 0 : i64} : (tensor<2x0xf32>, none) -> tensor<f32>
  %1 = onnx.ReduceMin %u, %none : (tensor<2x3xui8>, none) -> tensor<1x1xui8>
  return %0, %1 : tensor<f32>, tensor<1x1xui8>
}

// -----

// noop_with_empty_axes with empty axes is the identity.
// CHECK-LABEL: func.func @reduce_noop
// CHECK-NOT: linalg
// CHECK: return %arg0
func.func @reduce_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %empty = onnx.Constant dense<> : tensor<0xi64>
  %0 = onnx.ReduceSum %x, %empty {noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Mean divides by the element count (dynamic here); integer mean uses divsi.
// f16 sums accumulate in f32 through a linalg.generic.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduce_mean
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<4x?xf16>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.extf
// CHECK: arith.addf
// CHECK: %[[D1:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[D1]] : index
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
// CHECK: arith.truncf
// CHECK: linalg.reduce ins(%arg1
// CHECK: arith.addi
// CHECK: arith.divsi
func.func @reduce_mean(%x: tensor<4x?xf16>, %i: tensor<4x6xi32>) -> (tensor<4xf16>, tensor<4xi32>) {
  %axes = onnx.Constant dense<1> : tensor<1xi64>
  %0 = onnx.ReduceMean %x, %axes {keepdims = 0 : i64} : (tensor<4x?xf16>, tensor<1xi64>) -> tensor<4xf16>
  %1 = onnx.ReduceMean %i, %axes {keepdims = 0 : i64} : (tensor<4x6xi32>, tensor<1xi64>) -> tensor<4xi32>
  return %0, %1 : tensor<4xf16>, tensor<4xi32>
}

// -----

// Prod / L1 / L2 / LogSum / SumSquare: the element map and the finishing op.
// CHECK-LABEL: func.func @reduce_norms
// CHECK: linalg.reduce
// CHECK: arith.mulf
// CHECK: linalg.reduce
// CHECK: math.absf
// CHECK: arith.addf
// CHECK: linalg.reduce
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.reduce
// CHECK: linalg.generic
// CHECK: math.log
// CHECK: linalg.reduce
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @reduce_norms(%x: tensor<3x?xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %axes = onnx.Constant dense<1> : tensor<1xi64>
  %0 = onnx.ReduceProd %x, %axes {keepdims = 0 : i64} : (tensor<3x?xf32>, tensor<1xi64>) -> tensor<3xf32>
  %1 = onnx.ReduceL1 %x, %axes {keepdims = 0 : i64} : (tensor<3x?xf32>, tensor<1xi64>) -> tensor<3xf32>
  %2 = onnx.ReduceL2 %x, %axes {keepdims = 0 : i64} : (tensor<3x?xf32>, tensor<1xi64>) -> tensor<3xf32>
  %3 = onnx.ReduceLogSum %x, %axes {keepdims = 0 : i64} : (tensor<3x?xf32>, tensor<1xi64>) -> tensor<3xf32>
  %4 = onnx.ReduceSumSquare %x, %axes {keepdims = 0 : i64} : (tensor<3x?xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// LogSumExp shifts by the finite max: log(sum(exp(x - m))) + m.
// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK: %[[MAX:.*]] = linalg.reduce
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.*]] = linalg.generic {{.*}} ins(%[[MAX]]
// CHECK: math.absf
// CHECK: arith.select
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%arg0, %[[SHIFT]] : tensor<?x5xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[SHIFT]]
// CHECK: math.log
// CHECK: arith.addf
func.func @reduce_log_sum_exp(%x: tensor<?x5xf32>) -> tensor<?x1xf32> {
  %axes = onnx.Constant dense<1> : tensor<1xi64>
  %0 = onnx.ReduceLogSumExp %x, %axes : (tensor<?x5xf32>, tensor<1xi64>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// Axes known only at run time: an scf.index_switch on the axis bit mask
// among the axis sets that give the result shape (axis 1 -> 2, axis 2 -> 4).
// CHECK-LABEL: func.func @reduce_runtime_axes
// CHECK: scf.for
// CHECK: tensor.extract %arg1
// CHECK: arith.shli
// CHECK: %[[SEL:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: scf.index_switch %[[SEL]] -> tensor<3x2xf32>
// CHECK: case 2 {
// CHECK: linalg.reduce {{.*}} dimensions = [1]
// CHECK: default {
// CHECK: linalg.reduce {{.*}} dimensions = [2]
func.func @reduce_runtime_axes(%x: tensor<3x2x2xf32>, %axes: tensor<1xi64>) -> tensor<3x2xf32> {
  %0 = onnx.ReduceSum %x, %axes {keepdims = 0 : i64} : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// ArgMax: value and i64 index carried through one generic; select_last_index
// uses a non-strict compare; unsigned data compares unsigned.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @argmax_argmin
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%arg0 : tensor<?x4xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 0
// CHECK: arith.select
// CHECK: arith.select
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 4]
// CHECK: linalg.generic
// CHECK: arith.cmpi ule
// CHECK: linalg.index 1
func.func @argmax_argmin(%x: tensor<?x4xf32>, %u: tensor<2x?xui8>) -> (tensor<1x4xi64>, tensor<2xi64>) {
  %0 = onnx.ArgMax %x : (tensor<?x4xf32>) -> tensor<1x4xi64>
  %1 = onnx.ArgMin %u {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x?xui8>) -> tensor<2xi64>
  return %0, %1 : tensor<1x4xi64>, tensor<2xi64>
}

// -----

// Softmax subtracts the max; the statistics are read through a projection.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.*]] = linalg.reduce ins(%arg0 : tensor<?x?x8xf32>) outs(%{{.*}} : tensor<?x8xf32>) dimensions = [1]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]], #[[KEPT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0, %[[MAX]]
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]], #[[KEPT]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[MAX]], %[[SUM]]
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%x: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %0 = onnx.Softmax %x {axis = 1 : i64} : (tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// -----

// LogSoftmax in f16 computes in f32; Hardmax compares the index with the
// argmax.
// CHECK-LABEL: func.func @logsoftmax_hardmax
// CHECK: linalg.reduce
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.extf
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: math.log
// CHECK: arith.subf
// CHECK: arith.truncf
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
// CHECK: linalg.generic
// CHECK: linalg.index 1
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @logsoftmax_hardmax(%x: tensor<2x?xf16>, %y: tensor<2x?xf32>) -> (tensor<2x?xf16>, tensor<2x?xf32>) {
  %0 = onnx.LogSoftmax %x : (tensor<2x?xf16>) -> tensor<2x?xf16>
  %1 = onnx.Hardmax %y : (tensor<2x?xf32>) -> tensor<2x?xf32>
  return %0, %1 : tensor<2x?xf16>, tensor<2x?xf32>
}

// -----

// CumSum: an scf.for over the axis carrying the running sum of a slice,
// updated in place; reverse walks from the back, exclusive stores the sum
// before adding the slice.
// CHECK-LABEL: func.func @cumsum
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[RES:.*]] = %{{.*}}) -> (tensor<4xf32>, tensor<?x4xf32>)
// CHECK: %[[LAST:.*]] = arith.subi %[[N]], %c1
// CHECK: %[[POS:.*]] = arith.subi %[[LAST]], %[[I]]
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %arg0[%[[POS]], 0] [1, 4] [1, 1] : tensor<?x4xf32> to tensor<4xf32>
// CHECK: %[[STORED:.*]] = tensor.insert_slice %[[ACC]] into %[[RES]][%[[POS]], 0] [1, 4] [1, 1]
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[SLICE]] : tensor<4xf32>) outs(%[[ACC]] : tensor<4xf32>)
// CHECK: scf.yield %[[NEXT]], %[[STORED]]
func.func @cumsum(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %a = onnx.Constant dense<0> : tensor<i32>
  %0 = onnx.CumSum %x, %a {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<?x4xf32>, tensor<i32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A run-time CumSum axis switches between the lowerings per axis.
// CHECK-LABEL: func.func @cumsum_runtime_axis
// CHECK: %[[A:.*]] = tensor.extract %arg1[] : tensor<i64>
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: tensor.extract_slice %arg0[%{{.*}}, 0] [1, 3]
// CHECK: default {
// CHECK: tensor.extract_slice %arg0[0, %{{.*}}] [2, 1]
func.func @cumsum_runtime_axis(%x: tensor<2x3xi64>, %a: tensor<i64>) -> tensor<2x3xi64> {
  %0 = onnx.CumSum %x, %a : (tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// LayerNormalization over [?, ?, 64] (dynamic batch and sequence): mean,
// then the variance from (x - mean)^2, rsqrt(var + eps); Mean and InvStdDev
// keep the normalized dimension as 1.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[STAT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[PARAM:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[B:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[S:.*]] = tensor.dim %arg0, %c1
// CHECK: tensor.empty(%[[B]], %[[S]]) : tensor<?x?xf32>
// CHECK: %[[SUM:.*]] = linalg.reduce ins(%arg0 : tensor<?x?x64xf32>) {{.*}} dimensions = [2]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]]
// CHECK: arith.divf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[MEAN]]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.rsqrt
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]], #[[PARAM]], #[[PARAM]], #[[ID]]]
// CHECK: tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2]] output_shape [%{{.*}}, %{{.*}}, 1]
func.func @layer_norm(%x: tensor<?x?x64xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>) {
  %0:3 = onnx.LayerNormalization %x, %s, %b : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x?x64xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>
}

// -----

// f16 LayerNormalization without B computes in f32 (stash_type 1).
// CHECK-LABEL: func.func @layer_norm_f16
// CHECK: linalg.generic
// CHECK: arith.extf
// CHECK: math.rsqrt
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @layer_norm_f16(%x: tensor<?x8xf16>, %s: tensor<8xf16>) -> tensor<?x8xf16> {
  %none = onnx.NoValue
  %0:3 = onnx.LayerNormalization %x, %s, %none : (tensor<?x8xf16>, tensor<8xf16>, none) -> (tensor<?x8xf16>, tensor<?x1xf32>, tensor<?x1xf32>)
  return %0#0 : tensor<?x8xf16>
}

// -----

// Inference BatchNormalization: one generic, parameters read per channel.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK: math.rsqrt
// CHECK: linalg.generic {{.*}}#[[CH]], #[[CH]], #[[CH]], #[[CH]]{{.*}} ins(%arg0, %arg3, %{{.*}}, %arg1, %arg2 : tensor<?x3x?x?xf32>
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: return %{{.*}}, %arg3, %arg4
func.func @batch_norm(%x: tensor<?x3x?x?xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0:3 = onnx.BatchNormalization %x, %s, %b, %m, %v : (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Training mode: batch statistics over all dimensions but C, and running
// statistics blended with the momentum.
// CHECK-LABEL: func.func @batch_norm_training
// CHECK: linalg.reduce ins(%arg0 : tensor<2x3x4xf32>) {{.*}} dimensions = [0, 2]
// CHECK: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: arith.constant 0.899999976 : f32
func.func @batch_norm_training(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0:3 = onnx.BatchNormalization %x, %s, %b, %m, %v {training_mode = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// InstanceNormalization: statistics per (n, c) over the spatial dimensions.
// CHECK-DAG: #[[STAT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @instance_norm
// CHECK: linalg.reduce ins(%arg0 : tensor<?x3x?x?xf32>) {{.*}} dimensions = [2, 3]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[STAT]], #[[STAT]], #[[CH]], #[[CH]], #{{.*}}]
func.func @instance_norm(%x: tensor<?x3x?x?xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<?x3x?x?xf32> {
  %0 = onnx.InstanceNormalization %x, %s, %b : (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?x?xf32>
  return %0 : tensor<?x3x?x?xf32>
}

// -----

// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over axes.
// CHECK-LABEL: func.func @mvn
// CHECK: linalg.reduce ins(%arg0 : tensor<?x3x4x4xf32>) {{.*}} dimensions = [0, 2, 3]
// CHECK: math.sqrt
// CHECK: arith.constant 9.99999971E-10 : f32
// CHECK: arith.divf
func.func @mvn(%x: tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32> {
  %0 = onnx.MeanVarianceNormalization %x : (tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32>
  return %0 : tensor<?x3x4x4xf32>
}

// -----

// LRN: squares padded along C by floor/ceil((size - 1) / 2), a window of
// `size` channels folded by a generic, then x / (bias + alpha/size * s)^beta.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + d3, d2)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @lrn
// CHECK: tensor.pad %{{.*}} low[0, 1, 0] high[0, 2, 0]
// CHECK: tensor<?x5x?xf32> to tensor<?x8x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[K]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: math.powf
// CHECK: arith.divf
func.func @lrn(%x: tensor<?x5x?xf32>) -> tensor<?x5x?xf32> {
  %0 = onnx.LRN %x {size = 4 : i64, alpha = 2.0e-4 : f32} : (tensor<?x5x?xf32>) -> tensor<?x5x?xf32>
  return %0 : tensor<?x5x?xf32>
}

// -----

// ReduceMax of bool is an or; ReduceProd of i64 a muli.
// CHECK-LABEL: func.func @reduce_bool_int
// CHECK: arith.constant false
// CHECK: arith.ori
// CHECK: arith.constant 1 : i64
// CHECK: arith.muli
func.func @reduce_bool_int(%x: tensor<2x3xi1>, %y: tensor<2x3xi64>) -> (tensor<2xi1>, tensor<3xi64>) {
  %a1 = onnx.Constant dense<1> : tensor<1xi64>
  %a0 = onnx.Constant dense<0> : tensor<1xi64>
  %0 = onnx.ReduceMax %x, %a1 {keepdims = 0 : i64} : (tensor<2x3xi1>, tensor<1xi64>) -> tensor<2xi1>
  %1 = onnx.ReduceProd %y, %a0 {keepdims = 0 : i64} : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0, %1 : tensor<2xi1>, tensor<3xi64>
}
