// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-map-parallel-loops{block-size=128}))' \
// RUN:   | FileCheck %s

// A 2-D loop becomes one dimension of 12 * %n iterations, tiled by 128:
// blocks over the tiles, 128 threads in each, a guard for the last tile.
// CHECK-LABEL: func.func @two_d
// CHECK:         scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%{{.*}}) step (%[[C128:.*]])
// CHECK:           scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[C128]])
// CHECK:             scf.if
// CHECK:               memref.store
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
func.func @two_d(%m: memref<12x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c12, %n) step (%c1, %c1) {
    memref.store %cst, %m[%i, %j] : memref<12x?xf32>
    scf.reduce
  }
  return
}

// -----

// A loop nested in the thread body runs sequentially in the thread.
// CHECK-LABEL: func.func @nested
// CHECK:         scf.parallel
// CHECK:           scf.parallel
// CHECK:             scf.parallel
// CHECK:             } {mapping = [#gpu.loop_dim_map<processor = sequential
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @nested(%m: memref<8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
      memref.store %cst, %m[%i, %j] : memref<8x8xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
