// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-tile-matmul{tensor-cores=true int8-tensor-cores=true}))' \
// RUN:   | FileCheck %s
// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-tile-matmul{tensor-cores=true}))' \
// RUN:   | FileCheck %s --check-prefix=OFF
// RUN: %python %S/Inputs/mma_layout_check.py

// The qmatmul contraction (ui8 activations, i8 weights: extui / extsi):
// grid (ceil(N/64), ceil(M/64), 1) of 16 x 16 threads, two workgroup tiles
// of packed words (A [m][k/4], B transposed [n][k/4], rows of 12 words),
// K in steps of 32. A (rows of 64 bytes) is copied with one 4-byte
// vector<4xi8> load per word, 2 words per thread; B with 4 guarded byte
// loads per word (4 consecutive k of one column). Per warp and k-tile: 4
// A registers, and for each of 4 n-tiles 2 B registers and one
// nvvm.mma.sync m16n8k32 u8 x s8 (wrapping s32 accumulation); at the end
// 16 guarded C += acc (i32).
// CHECK-LABEL: func.func @qmatmul_u8s8
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[GX:.*]] = arith.ceildivui %{{.*}}, %c64
// CHECK:         gpu.launch blocks({{[^)]*}}) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}) threads({{[^)]*}}) in (%{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %[[C16]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}})
// CHECK-SAME:      workgroup(%[[AT:[a-z0-9_]+]] : memref<64x12xi32, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<64x12xi32, #gpu.address_space<workgroup>>)
// CHECK:           %[[LANE:.*]] = arith.remui %{{.*}}, %c32
// CHECK:           %[[G:.*]] = arith.divui %[[LANE]], %c4
// CHECK:           %[[T:.*]] = arith.remui %[[LANE]], %c4
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32{{[_0-9]*}} iter_args({{.*}}) -> (vector<2x2xi32>, vector<2x2xi32>, vector<2x2xi32>, vector<2x2xi32>)
// CHECK:             scf.if %{{.*}} -> (i32)
// CHECK-NEXT:          vector.load %{{.*}} {alignment = 4 : i64} : memref<?x64xi8>, vector<4xi8>
// CHECK-NEXT:          vector.bitcast %{{.*}} : vector<4xi8> to vector<1xi32>
// CHECK:             memref.store %{{.*}}, %[[AT]]
// CHECK:             vector.load %{{.*}} : memref<?x64xi8>, vector<4xi8>
// CHECK:             memref.store %{{.*}}, %[[AT]]
// CHECK-COUNT-4:     memref.load %{{.*}} : memref<64x48xi8>
// CHECK:             vector.from_elements %{{.*}} : vector<4xi8>
// CHECK:             memref.store %{{.*}}, %[[BT]]
// CHECK-COUNT-4:     memref.load %{{.*}} : memref<64x48xi8>
// CHECK:             memref.store %{{.*}}, %[[BT]]
// CHECK:             gpu.barrier
// CHECK-COUNT-4:     memref.load %[[AT]]
// CHECK-COUNT-2:     memref.load %[[BT]]
// CHECK:             nvvm.mma.sync A[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] B[%{{.*}}, %{{.*}}] C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK-COUNT-3:     nvvm.mma.sync
// CHECK:             gpu.barrier
// CHECK:             scf.yield
// CHECK-COUNT-16:  arith.addi %{{.*}}, %{{.*}} : i32
// CHECK:           gpu.terminator
// CHECK-NOT:     linalg.generic
// OFF-LABEL: func.func @qmatmul_u8s8
// OFF-NOT:     gpu.launch
// OFF:         linalg.generic
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @qmatmul_u8s8(%a: memref<?x64xi8>, %b: memref<64x48xi8>, %c: memref<?x48xi32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x64xi8>, memref<64x48xi8>) outs(%c : memref<?x48xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Signed activations, operands of muli / addi in the other order, K
// (= 30) not a multiple of 4: A is read with 4 guarded byte loads per word
// (K edge zero-filled), and the mma is s8 x s8.
// CHECK-LABEL: func.func @signed_k30
// CHECK:         gpu.launch
// CHECK:           scf.for
// CHECK-NOT:         vector.load
// CHECK-COUNT-4:     memref.load %{{.*}} : memref<?x30xi8>
// CHECK:             nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @signed_k30(%a: memref<?x30xi8>, %b: memref<30x?xi8>, %c: memref<?x?xi32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x30xi8>, memref<30x?xi8>) outs(%c : memref<?x?xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %1, %0 : i32
    %3 = arith.addi %2, %acc : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// An i8 x i8 -> i32 linalg.matmul (signed cast) and batch_matmul take the
// same kernel; the batch is grid z.
// CHECK-LABEL: func.func @matmul_i8
// CHECK:         gpu.launch
// CHECK:           nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>
// CHECK-NOT:     linalg.matmul
// CHECK-LABEL: func.func @batch_matmul_i8
// CHECK:         %[[B:.*]] = memref.dim %{{.*}}, %c0 : memref<2x?x?xi8>
// CHECK:         gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %[[B]])
// CHECK:           memref.load %{{.*}}[%[[BZ]], %{{.*}}, %{{.*}}] : memref<2x?x?xi8>
// CHECK:           nvvm.mma.sync
// CHECK-NOT:     linalg.batch_matmul
func.func @matmul_i8(%a: memref<?x?xi8>, %b: memref<?x?xi8>, %c: memref<?x?xi32>) {
  linalg.matmul ins(%a, %b : memref<?x?xi8>, memref<?x?xi8>) outs(%c : memref<?x?xi32>)
  return
}
func.func @batch_matmul_i8(%a: memref<2x?x?xi8>, %b: memref<2x?x?xi8>, %c: memref<2x?x?xi32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x?x?xi8>, memref<2x?x?xi8>) outs(%c : memref<2x?x?xi32>)
  return
}

// -----

// Not the plain contraction (a zero point subtracted in the body, a
// transposed B, an i16 operand, i32 x i32): the generic path.
// CHECK-LABEL: func.func @uncovered
// CHECK-NOT:     gpu.launch
// CHECK-COUNT-3: linalg.generic
// CHECK:         linalg.matmul
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @uncovered(%a: memref<?x64xi8>, %b: memref<64x48xi8>, %bt: memref<48x64xi8>,
                     %a16: memref<?x64xi16>, %c: memref<?x48xi32>,
                     %ai: memref<4x4xi32>, %bi: memref<4x4xi32>, %ci: memref<4x4xi32>) {
  %zp = arith.constant 3 : i32
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x64xi8>, memref<64x48xi8>) outs(%c : memref<?x48xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %z = arith.subi %0, %zp : i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %z, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %bt : memref<?x64xi8>, memref<48x64xi8>) outs(%c : memref<?x48xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i8 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a16, %b : memref<?x64xi16>, memref<64x48xi8>) outs(%c : memref<?x48xi32>) {
  ^bb0(%x: i16, %y: i8, %acc: i32):
    %0 = arith.extsi %x : i16 to i32
    %1 = arith.extsi %y : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  linalg.matmul ins(%ai, %bi : memref<4x4xi32>, memref<4x4xi32>) outs(%ci : memref<4x4xi32>)
  return
}
