// RUN: quant-opt %s --split-input-file --qopt-cpu-tile-and-vectorize="vector-width=16" --canonicalize | FileCheck %s

// The weight_matmul GEMV dot (int4, group 128: loops r, n, g, p, b with the
// code position p and the packed byte b reduced): the chunk loop over b
// carries a vector<2x32xf32> of partial sums (p and 32 bytes: 4 registers,
// each its own FMA chain), and one horizontal reduction per group follows
// the loop.
// CHECK-LABEL: func.func @int4_dot
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<2x32xf32>
// CHECK: scf.forall
// CHECK: %[[SUM:.*]] = scf.for {{.*}} step %c32 iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<2x32xf32>)
// CHECK: vector.transfer_read {{.*}} vector<32xi8>
// CHECK: arith.shrui {{.*}} : vector<2x32xi8>
// CHECK: %[[NEXT:.*]] = vector.fma {{.*}}, %[[ACC]] : vector<2x32xf32>
// CHECK-NOT: vector.reduction
// CHECK: scf.yield %[[NEXT]]
// CHECK: %[[FLAT:.*]] = vector.shape_cast {{.*}} to vector<64xf32>
// CHECK: vector.reduction <add>, %[[FLAT]]
// CHECK-NOT: vector.reduction
func.func @int4_dot(%x: tensor<1x32x2x64xf32>, %w: tensor<256x32x64xi8>) -> tensor<1x256x32xf32> {
  %zero = arith.constant 0.0 : f32
  %c4 = arith.constant 4 : i8
  %c15 = arith.constant 15 : i8
  %e = tensor.empty() : tensor<1x256x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x256x32xf32>) -> tensor<1x256x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x32x2x64xf32>, tensor<256x32x64xi8>) outs(%init : tensor<1x256x32xf32>) {
  ^bb0(%in: f32, %byte: i8, %acc: f32):
    %p = linalg.index 3 : index
    %pi = arith.index_cast %p : index to i8
    %shift = arith.muli %pi, %c4 : i8
    %s = arith.shrui %byte, %shift : i8
    %code = arith.andi %s, %c15 : i8
    %f = arith.uitofp %code : i8 to f32
    %m = arith.mulf %in, %f : f32
    %a = arith.addf %acc, %m : f32
    linalg.yield %a : f32
  } -> tensor<1x256x32xf32>
  return %r : tensor<1x256x32xf32>
}

// -----

// A dot product over a long row (the f32 GEMV's form as a generic): four
// 16-lane accumulators (vector<64xf32>) through the chunk loop, FMAs, one
// horizontal reduction.
// CHECK-LABEL: func.func @row_dot
// CHECK: scf.for {{.*}} step %c64 iter_args({{.*}}) -> (vector<64xf32>)
// CHECK: vector.fma {{.*}} : vector<64xf32>
// CHECK: vector.reduction <add>
// CHECK-NOT: vector.reduction
func.func @row_dot(%a: tensor<512x4096xf32>, %b: tensor<4096xf32>) -> tensor<512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<512xf32>) -> tensor<512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%a, %b : tensor<512x4096xf32>, tensor<4096xf32>) outs(%init : tensor<512xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<512xf32>
  return %r : tensor<512xf32>
}

// -----

// A reduction whose combiner is not one op with a neutral element keeps
// the per-chunk form (scalar accumulator, one reduction per chunk).
// CHECK-LABEL: func.func @sum_of_squares_clamped
// CHECK: scf.for
// CHECK-NOT: iter_args({{.*}}) -> (vector
// CHECK: linalg.generic
func.func @sum_of_squares_clamped(%a: tensor<64x256xf32>) -> tensor<64xf32> {
  %zero = arith.constant 0.0 : f32
  %cap = arith.constant 100.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<64x256xf32>) outs(%init : tensor<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %m = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %m : f32
    %c = arith.minimumf %s, %cap : f32
    linalg.yield %c : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// A transpose (the blocked weight_matmul's [64, K] -> [K, 64] tile): 16 x 16
// tiles, each read as whole input rows and transposed in registers by the
// AVX-512 16 x 16 shuffle sequence, written as whole output rows.
// CHECK-LABEL: func.func @transpose
// CHECK: scf.forall ({{.*}}) = (0) to (1024) step (16)
// CHECK: vector.transfer_read {{.*}} : tensor<16x16xf32>, vector<16x16xf32>
// CHECK-NOT: vector.transpose
// CHECK: vector.shuffle {{.*}} : vector<16xf32>, vector<16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xf32>, tensor<16x16xf32>
func.func @transpose(%a: tensor<64x1024xf32>) -> tensor<1024x64xf32> {
  %e = tensor.empty() : tensor<1024x64xf32>
  %t = linalg.transpose ins(%a : tensor<64x1024xf32>) outs(%e : tensor<1024x64xf32>) permutation = [1, 0]
  return %t : tensor<1024x64xf32>
}
