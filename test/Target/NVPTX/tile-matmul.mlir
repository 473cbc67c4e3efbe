// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-tile-matmul))' \
// RUN:   | FileCheck %s

// An f16 matmul: grid (ceil(N/64), ceil(M/64), 1) of 16 x 16 threads, two
// f32 workgroup tiles, a k loop in steps of 16 carrying 16 f32
// accumulators, barriers around the unrolled 16 x 16 FMAs, C += acc in f16.
// CHECK-LABEL: func.func @f16
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG:     %[[M:.*]] = memref.dim %{{.*}}, %c0
// CHECK-DAG:     %[[GX:.*]] = arith.ceildivui %{{.*}}, %[[C64]]
// CHECK:         gpu.launch blocks({{[^)]*}}) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}) threads({{[^)]*}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}})
// CHECK-SAME:      workgroup(%[[AT:[a-z0-9_]+]] : memref<64x16xf32, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x64xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK:             scf.if
// CHECK:               memref.load %{{.*}} : memref<?x?xf16>
// CHECK:               arith.extf
// CHECK:             memref.store %{{.*}}, %[[AT]]
// CHECK:             memref.store %{{.*}}, %[[BT]]
// CHECK:             gpu.barrier
// CHECK-COUNT-256:   math.fma
// CHECK:             gpu.barrier
// CHECK:             scf.yield
// CHECK-COUNT-16:  arith.truncf
// CHECK:           gpu.terminator
// CHECK-NOT:     linalg.matmul
func.func @f16(%a: memref<?x?xf16>, %b: memref<?x?xf16>, %c: memref<?x?xf16>) {
  linalg.matmul ins(%a, %b : memref<?x?xf16>, memref<?x?xf16>) outs(%c : memref<?x?xf16>)
  return
}

// -----

// batch_matmul: the batch is grid z and the first index of every access.
// CHECK-LABEL: func.func @batched
// CHECK:         %[[B:.*]] = memref.dim %{{.*}}, %c0 : memref<3x?x?xf32>
// CHECK:         gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %[[B]])
// CHECK:           memref.load %{{.*}}[%[[BZ]], %{{.*}}, %{{.*}}] : memref<3x?x?xf32>
func.func @batched(%a: memref<3x?x?xf32>, %b: memref<3x?x?xf32>, %c: memref<3x?x?xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x?x?xf32>, memref<3x?x?xf32>) outs(%c : memref<3x?x?xf32>)
  return
}

// -----

// Integer matmuls keep the generic path.
// CHECK-LABEL: func.func @integer
// CHECK-NOT:     gpu.launch
// CHECK:         linalg.matmul
func.func @integer(%a: memref<4x4xi32>, %b: memref<4x4xi32>, %c: memref<4x4xi32>) {
  linalg.matmul ins(%a, %b : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>)
  return
}
