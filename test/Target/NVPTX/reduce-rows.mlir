// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-reduce-rows,canonicalize,cse))' \
// RUN:   | FileCheck %s

// A sum over rows of 1024: one block per row (grid = rows) of
// 1024 / 8 = 128 threads, each adding elements t, t + 128, ... from -0.0;
// 5 xor shuffles per warp, the 4 warp sums through workgroup memory, a
// barrier, warp 0 shuffles again and thread 0 adds the init (y[row]).
// CHECK-LABEL: func.func @sum_rows
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[C1024:.*]] = arith.constant 1024 : index
// CHECK-DAG:     %[[ROWS:.*]] = memref.dim %arg0, %c0
// CHECK:         gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[ROWS]], %{{.*}} = %c1, %{{.*}} = %c1) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C128]], %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%[[SH:.*]] : memref<4xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[ACC:.*]] = scf.for %[[K:.*]] = %[[T]] to %[[C1024]] step %[[C128]] iter_args(%[[A:.*]] = %[[ZERO]])
// CHECK:             %[[X:.*]] = memref.load %arg0[%[[B]], %[[K]]]
// CHECK:             %[[S:.*]] = arith.addf %[[X]], %[[A]] : f32
// CHECK:             scf.yield %[[S]]
// CHECK-COUNT-5:   gpu.shuffle  xor
// CHECK:           %[[WARP:.*]] = arith.divui %[[T]], %c32
// CHECK:           %[[LANE:.*]] = arith.remui %[[T]], %c32
// CHECK:           %[[LANE0:.*]] = arith.cmpi eq, %[[LANE]], %c0
// CHECK:           scf.if %[[LANE0]] {
// CHECK:             memref.store %{{.*}}, %[[SH]][%[[WARP]]]
// CHECK:           gpu.barrier
// CHECK:           %[[WARP0:.*]] = arith.cmpi eq, %[[WARP]], %c0
// CHECK:           scf.if %[[WARP0]] {
// CHECK:             %[[IN:.*]] = arith.cmpi ult, %[[LANE]], %c4
// CHECK:             %[[P:.*]] = memref.load %[[SH]]
// CHECK:             arith.select %[[IN]], %[[P]], %[[ZERO]]
// CHECK-COUNT-5:     gpu.shuffle  xor
// CHECK:             scf.if %[[LANE0]] {
// CHECK:               %[[OLD:.*]] = memref.load %arg1[%[[B]]]
// CHECK:               %[[NEW:.*]] = arith.addf %{{.*}}, %[[OLD]] : f32
// CHECK:               memref.store %[[NEW]], %arg1[%[[B]]]
// CHECK-NOT:     linalg.reduce
func.func @sum_rows(%x: memref<?x1024xf32>, %y: memref<?xf32>) {
  linalg.reduce ins(%x : memref<?x1024xf32>) outs(%y : memref<?xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %0 = arith.addf %in, %init : f32
      linalg.yield %0 : f32
    }
  return
}

// -----

// A max over rows of 64 (<= 256): one warp per row, 8 rows per block of
// 32 x 8 threads, a guard on the row, lanes start from -inf, no workgroup
// memory and no barrier; lane 0 combines with the init.
// CHECK-LABEL: func.func @max_rows
// CHECK-DAG:     %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG:     %[[ROWS:.*]] = memref.dim %arg0, %c0
// CHECK:         %[[GRID:.*]] = arith.ceildivui %[[ROWS]], %c8
// CHECK:         gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %c1, %{{.*}} = %c1) threads(%[[L:.*]], %[[W:.*]], %{{.*}}) in (%{{.*}} = %c32, %{{.*}} = %c8, %{{.*}} = %c1) {
// CHECK:           %[[R0:.*]] = arith.muli %[[B]], %c8
// CHECK:           %[[ROW:.*]] = arith.addi %[[R0]], %[[W]]
// CHECK:           %[[ACTIVE:.*]] = arith.cmpi ult, %[[ROW]], %[[ROWS]]
// CHECK:           scf.if %[[ACTIVE]] {
// CHECK:             scf.for %[[K:.*]] = %[[L]] to %c64 step %c32 iter_args(%{{.*}} = %[[NEGINF]])
// CHECK:               memref.load %arg0[%[[ROW]], %[[K]]]
// CHECK:               arith.maximumf
// CHECK-COUNT-5:     gpu.shuffle  xor
// CHECK-NOT:         gpu.barrier
// CHECK:             %[[LANE0:.*]] = arith.cmpi eq, %[[L]], %c0
// CHECK:             scf.if %[[LANE0]] {
// CHECK:               %[[OLD:.*]] = memref.load %arg1[%[[ROW]]]
// CHECK:               %[[NEW:.*]] = arith.maximumf %{{.*}}, %[[OLD]] : f32
// CHECK:               memref.store %[[NEW]], %arg1[%[[ROW]]]
func.func @max_rows(%x: memref<?x64xf32>, %y: memref<?xf32>) {
  linalg.reduce ins(%x : memref<?x64xf32>) outs(%y : memref<?xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %0 = arith.maximumf %in, %init : f32
      linalg.yield %0 : f32
    }
  return
}

// -----

// Softmax's sum as the fused generic leaves it: exp(x - max) stays in the
// thread loop; two parallel dimensions are one row index (4 * ?), split
// back with remui / divui; 4096 / 8 -> 256 threads, 8 warps.
// CHECK-LABEL: func.func @softmax_sum
// CHECK:         %[[D:.*]] = memref.dim %arg0, %c1
// CHECK:         %[[ROWS:.*]] = arith.muli %[[D]], %c4
// CHECK:         gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[ROWS]], {{.*}} threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c256, {{.*}} workgroup(%{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[I1:.*]] = arith.remui %[[B]], %[[D]]
// CHECK:           %[[I0:.*]] = arith.divui %[[B]], %[[D]]
// CHECK:           scf.for %[[K:.*]] = %[[T]] to %c4096 step %c256
// CHECK:             %[[X:.*]] = memref.load %arg0[%[[I0]], %[[I1]], %[[K]]]
// CHECK:             %[[M:.*]] = memref.load %arg1[%[[I0]], %[[I1]]]
// CHECK:             %[[DIFF:.*]] = arith.subf %[[X]], %[[M]]
// CHECK:             %[[E:.*]] = math.exp %[[DIFF]]
// CHECK:             arith.addf %[[E]],
// CHECK:           gpu.barrier
// CHECK:           memref.store %{{.*}}, %arg2[%[[I0]], %[[I1]]]
func.func @softmax_sum(%x: memref<4x?x4096xf32>, %m: memref<4x?xf32>, %y: memref<4x?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %m : memref<4x?x4096xf32>, memref<4x?xf32>) outs(%y : memref<4x?xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %0 = arith.subf %in, %mx : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %out : f32
    linalg.yield %2 : f32
  }
  return
}

// -----

// A full reduction (ReduceSum to a scalar, two reduction dimensions) of
// fewer than 32768 elements: one block of 1024 threads over the 16000
// elements, the linear index split into (i, j); 32 warp sums in workgroup
// memory.
// CHECK-LABEL: func.func @full
// CHECK:         gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c1, %{{.*}} = %c1, %{{.*}} = %c1) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c1024, %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %[[K:.*]] = %[[T]] to %c16000 step %c1024
// CHECK:             %[[J:.*]] = arith.remui %[[K]], %c1000
// CHECK:             %[[I:.*]] = arith.divui %[[K]], %c1000
// CHECK:             memref.load %arg0[%[[I]], %[[J]]]
// CHECK:           gpu.barrier
// CHECK:           memref.load %arg1[] : memref<f32>
// CHECK:           memref.store %{{.*}}, %arg1[] : memref<f32>
func.func @full(%x: memref<16x1000xf32>, %y: memref<f32>) {
  linalg.reduce ins(%x : memref<16x1000xf32>) outs(%y : memref<f32>) dimensions = [0, 1]
    (%in: f32, %init: f32) {
      %0 = arith.addf %in, %init : f32
      linalg.yield %0 : f32
    }
  return
}

// -----

// Few long rows (here one of 16M elements): stage 1 splits each row over
// min(ceil(L / 8192), 1024) = 1024 blocks of 256 threads that store their
// chunk's total (no init) to a temporary; stage 2 reduces the 1024
// partials into the output (one block of 1024 threads, init combined
// there), then the temporary is freed.
// CHECK-LABEL: func.func @split
// CHECK:         %[[PART:.*]] = memref.alloc() : memref<1024xf32>
// CHECK:         gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c1024, %{{.*}} = %c1, %{{.*}} = %c1) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c256, %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[P:.*]] = arith.remui %[[B]], %c1024
// CHECK:           %[[FIRST:.*]] = arith.muli %[[P]], %c16384
// CHECK:           %[[LB:.*]] = arith.addi %[[FIRST]], %[[T]]
// CHECK:           %[[NEXT:.*]] = arith.addi %[[FIRST]], %c16384
// CHECK:           %[[UB:.*]] = arith.minui %[[NEXT]], %c16777216
// CHECK:           scf.for %{{.*}} = %[[LB]] to %[[UB]] step %c256
// CHECK:           gpu.barrier
// CHECK:           memref.store %{{.*}}, %[[PART]][%[[P]]] : memref<1024xf32>
// CHECK-NOT:       memref.load %arg1
// CHECK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c1024, %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %c1024 step %c1024
// CHECK:             memref.load %[[PART]][%[[K]]]
// CHECK:           %[[OLD:.*]] = memref.load %arg1[] : memref<f32>
// CHECK:           arith.addf %{{.*}}, %[[OLD]] : f32
// CHECK:         memref.dealloc %[[PART]]
func.func @split(%x: memref<4096x4096xf32>, %y: memref<f32>) {
  linalg.reduce ins(%x : memref<4096x4096xf32>) outs(%y : memref<f32>) dimensions = [0, 1]
    (%in: f32, %init: f32) {
      %0 = arith.addf %in, %init : f32
      linalg.yield %0 : f32
    }
  return
}

// -----

// A row length known only at run time: the warp kernel when it is <= 256,
// else a block of 256 threads per row. f16 values are shuffled as f32
// (exact), maxnumf starts from NaN, the init is the right-hand operand
// as in the body (maxnumf %init, %in).
// CHECK-LABEL: func.func @dynamic
// CHECK-DAG:     %[[NAN:.*]] = arith.constant 0x7E00 : f16
// CHECK:         %[[LEN:.*]] = memref.dim %arg0, %c1
// CHECK:         %[[SHORT:.*]] = arith.cmpi ule, %[[LEN]], %c256
// CHECK:         scf.if %[[SHORT]] {
// CHECK:           gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c32, %{{.*}} = %c8, %{{.*}} = %c1) {
// CHECK:             scf.for {{.*}} to %[[LEN]] step %c32 iter_args(%{{.*}} = %[[NAN]]) -> (f16)
// CHECK:             arith.extf %{{.*}} : f16 to f32
// CHECK:             gpu.shuffle  xor %{{.*}} : f32
// CHECK:             arith.truncf %{{.*}} : f32 to f16
// CHECK:             %[[OLD:.*]] = memref.load %arg1
// CHECK:             arith.maxnumf %[[OLD]], %{{.*}} : f16
// CHECK:         } else {
// CHECK:           gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c256, %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%{{.*}} : memref<8xf16, #gpu.address_space<workgroup>>)
// CHECK:             scf.for {{.*}} to %[[LEN]] step %c256
// CHECK:             gpu.barrier
func.func @dynamic(%x: memref<?x?xf16>, %y: memref<?xf16>) {
  linalg.reduce ins(%x : memref<?x?xf16>) outs(%y : memref<?xf16>) dimensions = [1]
    (%in: f16, %init: f16) {
      %0 = arith.maxnumf %init, %in : f16
      linalg.yield %0 : f16
    }
  return
}

// -----

// f64 product: 512 / 8 = 64 threads (2 warps), identity 1.0, f64 in
// workgroup memory.
// CHECK-LABEL: func.func @prod_f64
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c64, %{{.*}} = %c1, %{{.*}} = %c1) workgroup(%{{.*}} : memref<2xf64, #gpu.address_space<workgroup>>)
// CHECK:           scf.for {{.*}} step %c64 iter_args(%{{.*}} = %[[ONE]]) -> (f64)
// CHECK:             arith.mulf
// CHECK:           gpu.shuffle  xor %{{.*}} : f64
func.func @prod_f64(%x: memref<?x512xf64>, %y: memref<?xf64>) {
  linalg.reduce ins(%x : memref<?x512xf64>) outs(%y : memref<?xf64>) dimensions = [1]
    (%in: f64, %init: f64) {
      %0 = arith.mulf %init, %in : f64
      linalg.yield %0 : f64
    }
  return
}

// -----

// linalg.index in the body reads the thread's loop index; minimumf starts
// from +inf.
// CHECK-LABEL: func.func @indexed
// CHECK-DAG:     %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK:         gpu.launch
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %c100 step %c32 iter_args(%{{.*}} = %[[INF]])
// CHECK:             %[[I:.*]] = arith.index_cast %[[K]] : index to i32
// CHECK:             arith.sitofp %[[I]]
// CHECK:             arith.minimumf
func.func @indexed(%x: memref<8x100xf32>, %y: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x100xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 1 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    %p = arith.mulf %in, %f : f32
    %m = arith.minimumf %p, %out : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Left on the generic path: the reduction is not the innermost loop (a
// column sum; its threads already read consecutive columns), an integer
// sum, rows shorter than 32, a contraction (B is read without d0), a body
// using out twice, an unrecognized combiner (subf), a parallel loop after
// the reduction.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:     gpu.launch
// CHECK:         linalg.reduce ins(%arg0 {{.*}} dimensions = [0]
// CHECK:         linalg.reduce ins(%arg2 {{.*}} dimensions = [1]
// CHECK:         linalg.reduce ins(%arg4 {{.*}} dimensions = [1]
// CHECK:         linalg.generic
// CHECK:         linalg.reduce ins(%arg0 {{.*}} dimensions = [1]
// CHECK:         linalg.reduce { arith.subf }
// CHECK:         linalg.generic
// CHECK-NOT:     gpu.launch
func.func @left_alone(%x: memref<64x64xf32>, %a: memref<64xf32>, %i: memref<64x64xi32>, %ia: memref<64xi32>,
                      %s: memref<64x16xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>, %z: memref<64x64x64xf32>) {
  linalg.reduce ins(%x : memref<64x64xf32>) outs(%a : memref<64xf32>) dimensions = [0]
    (%in: f32, %init: f32) {
      %0 = arith.addf %in, %init : f32
      linalg.yield %0 : f32
    }
  linalg.reduce ins(%i : memref<64x64xi32>) outs(%ia : memref<64xi32>) dimensions = [1]
    (%in: i32, %init: i32) {
      %0 = arith.addi %in, %init : i32
      linalg.yield %0 : i32
    }
  linalg.reduce ins(%s : memref<64x16xf32>) outs(%a : memref<64xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %0 = arith.addf %in, %init : f32
      linalg.yield %0 : f32
    }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%u: f32, %v: f32, %out: f32):
    %0 = arith.mulf %u, %v : f32
    %1 = arith.addf %0, %out : f32
    linalg.yield %1 : f32
  }
  linalg.reduce ins(%x : memref<64x64xf32>) outs(%a : memref<64xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %0 = arith.mulf %in, %init : f32
      %1 = arith.addf %0, %init : f32
      linalg.yield %1 : f32
    }
  linalg.reduce ins(%x : memref<64x64xf32>) outs(%a : memref<64xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %0 = arith.subf %init, %in : f32
      linalg.yield %0 : f32
    }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%z : memref<64x64x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%u: f32, %out: f32):
    %1 = arith.addf %u, %out : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// The marked weight-only matmul generic belongs to qopt-nvptx-weight-matmul
// (or the generic path when that kernel does not cover its shape).
// CHECK-LABEL: func.func @weight_matmul_marked
// CHECK-NOT:     gpu.launch
// CHECK:         linalg.generic
// CHECK-SAME:      qopt.weight_matmul
func.func @weight_matmul_marked(%x: memref<4x8xf32>, %w: memref<4x8x64xf32>, %y: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<4x8xf32>, memref<4x8x64xf32>) outs(%y : memref<4x8xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 32 : i64}} {
  ^bb0(%u: f32, %v: f32, %out: f32):
    %0 = arith.mulf %u, %v : f32
    %1 = arith.addf %0, %out : f32
    linalg.yield %1 : f32
  }
  return
}
