// RUN: quant-opt %s --split-input-file --qopt-cpu-tile-and-vectorize="vector-width=16" --canonicalize | FileCheck %s
// RUN: quant-opt %s --split-input-file --qopt-cpu-tile-and-vectorize="vector-width=8 parallel=false" --canonicalize | FileCheck %s --check-prefix=AVX2

// A matmul with static rows: thread tiles of 64x256 with the fill fused,
// micro-tiles of 12 x 32 whose accumulator lives in registers across the k
// loop (it starts as the fill value, zero, and is written once after it)
// and becomes broadcast FMAs; each 64-row tile ends in a static 4 x 32
// edge, vectorized too.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[ZERO4:.*]] = arith.constant dense<0.000000e+00> : vector<4x32xf32>
// CHECK-DAG: %[[ZERO12:.*]] = arith.constant dense<0.000000e+00> : vector<12x32xf32>
// CHECK: scf.forall ({{.*}}) = (0, 0) to (128, 3072) step (64, 256)
// CHECK: scf.for {{.*}} step %c32
// CHECK: scf.for {{.*}} step %c12
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO12]]) -> (vector<12x32xf32>)
// CHECK-COUNT-12: vector.fma {{.*}} : vector<32xf32>
// CHECK: vector.transfer_write {{.*}} : vector<12x32xf32>, tensor<12x32xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO4]]) -> (vector<4x32xf32>)
// CHECK-COUNT-4: vector.fma {{.*}} : vector<32xf32>
// With AVX2 (8 lanes) the micro-tile is 6 x 16; no scf.forall without
// parallel.
// AVX2-LABEL: func.func @matmul
// AVX2-NOT: scf.forall
// AVX2: scf.for {{.*}} step %c6
// AVX2: vector.fma {{.*}} : vector<16xf32>
func.func @matmul(%a: tensor<128x768xf32>, %b: tensor<768x3072xf32>) -> tensor<128x3072xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x3072xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<128x3072xf32>) -> tensor<128x3072xf32>
  %r = linalg.matmul ins(%a, %b : tensor<128x768xf32>, tensor<768x3072xf32>) outs(%c : tensor<128x3072xf32>) -> tensor<128x3072xf32>
  return %r : tensor<128x3072xf32>
}

// -----

// Unaligned static sizes: full 12 x 32 tiles and the peeled static edges
// (1 x 32, 12 x 4, 1 x 4) are all vectorized.
// CHECK-LABEL: func.func @matmul_edges
// CHECK: vector.fma
// CHECK-NOT: linalg.matmul
func.func @matmul_edges(%a: tensor<37x64xf32>, %b: tensor<64x100xf32>) -> tensor<37x100xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<37x100xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<37x100xf32>) -> tensor<37x100xf32>
  %r = linalg.matmul ins(%a, %b : tensor<37x64xf32>, tensor<64x100xf32>) outs(%c : tensor<37x100xf32>) -> tensor<37x100xf32>
  return %r : tensor<37x100xf32>
}

// -----

// Rows known only at run time: 8 x 32 micro-tiles (64-row thread tiles hold
// eight of them), and the run-time edge of the last thread tile is cut into
// 1 x 16 tiles that are vectorized too.
// CHECK-LABEL: func.func @matmul_dynamic_rows
// CHECK: scf.forall
// CHECK: scf.for {{.*}} step %c8
// CHECK-COUNT-8: vector.fma {{.*}} : vector<32xf32>
// CHECK: scf.for {{.*}} step %c1
// CHECK: vector.fma {{.*}} : vector<16xf32>
func.func @matmul_dynamic_rows(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x64xf32>) -> tensor<?x64xf32>
  %r = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x64xf32>) outs(%c : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

// Elementwise on a dynamic batch: one row per parallel tile; the row in
// 16-lane chunks, the loop peeled so full chunks need no mask and the
// 4-element tail is one masked chunk.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.forall (%[[I:.*]]) in (%{{.*}})
// CHECK: scf.for {{.*}} to %c96 step %c16
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x16xf32>, vector<16xf32>
// CHECK: math.tanh {{.*}} : vector<16xf32>
// CHECK: vector.constant_mask [1, 4] : vector<1x16xi1>
// CHECK: math.tanh {{.*}} : vector<16xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @elementwise(%x: tensor<?x100xf32>) -> tensor<?x100xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x100xf32>
  %e = tensor.empty(%n) : tensor<?x100xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x100xf32>) outs(%e : tensor<?x100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<?x100xf32>
  return %r : tensor<?x100xf32>
}

// -----

// A row reduction: the accumulator's fill stays outside the chunk loop over
// the reduced dimension (fusing it would reset the sum in every chunk); the
// chunk loop carries a vector of partial sums (2 x 16 lanes for 64 columns)
// that starts at the neutral element, and one horizontal reduction follows
// it.
// CHECK-LABEL: func.func @row_sum
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK: scf.forall
// CHECK: linalg.fill
// CHECK: %[[SUM:.*]] = scf.for {{.*}} step %c32 iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<32xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[CHUNK:.*]] = vector.transfer_read {{.*}} vector<32xf32>
// CHECK: %[[NEXT:.*]] = arith.addf %[[CHUNK]], %[[ACC]] : vector<32xf32>
// CHECK: scf.yield %[[NEXT]]
// CHECK: vector.reduction <add>, %[[SUM]]
// CHECK-NOT: vector.reduction
func.func @row_sum(%x: tensor<1024x64xf32>) -> tensor<1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1024xf32>) -> tensor<1024xf32>
  %r = linalg.reduce ins(%x : tensor<1024x64xf32>) outs(%c : tensor<1024xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<1024xf32>
}

// -----

// Statically small ops are not worth a parallel region (fork / join would
// cost more than the work): their tiles are plain loops.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.forall
// CHECK: vector.transfer_read {{.*}} vector<16xf32>
func.func @small(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.exp %in : f32
    linalg.yield %t : f32
  } -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

// Booleans are bytes in memory but bits in vectors: i1 ops stay scalar.
// CHECK-LABEL: func.func @bools
// CHECK-NOT: vector.
// CHECK: arith.andi {{.*}} : i1
func.func @bools(%a: tensor<4x64xi1>, %b: tensor<4x64xi1>) -> tensor<4x64xi1> {
  %e = tensor.empty() : tensor<4x64xi1>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x64xi1>, tensor<4x64xi1>) outs(%e : tensor<4x64xi1>) {
  ^bb0(%x: i1, %y: i1, %o: i1):
    %z = arith.andi %x, %y : i1
    linalg.yield %z : i1
  } -> tensor<4x64xi1>
  return %r : tensor<4x64xi1>
}

// -----

// A reduction over a dynamic dimension (softmax over a run-time sequence):
// the chunk loop (4 x 16 lanes of partial maxima) is peeled, full chunks
// are vectorized without masks, the tail chunk updates the first lanes of
// the partial maxima under a mask; one horizontal reduction follows.
// CHECK-LABEL: func.func @dynamic_row_max
// CHECK: scf.for {{.*}} step %c64 iter_args({{.*}}) -> (vector<64xf32>)
// CHECK: arith.maxnumf {{.*}} : vector<64xf32>
// CHECK: scf.for
// CHECK: vector.create_mask
// CHECK: arith.maxnumf {{.*}} : vector<64xf32>
// CHECK: vector.reduction <maxnumf>
// CHECK-NOT: linalg.generic
func.func @dynamic_row_max(%x: tensor<64x?xf32>) -> tensor<64xf32> {
  %init = arith.constant -3.0e38 : f32
  %e = tensor.empty() : tensor<64xf32>
  %c = linalg.fill ins(%init : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x?xf32>) outs(%c : tensor<64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maxnumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}
