// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-tile-matmul))' \
// RUN:   | FileCheck %s
// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-tile-matmul{tensor-cores=true}))' \
// RUN:   | FileCheck %s --check-prefix=TC

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

// -----

// Static rows that are a multiple of 4 long (identity layouts): each
// thread copies its 4 elements of the A tile (4 consecutive k) and of the
// B tile (4 consecutive n) with one 16-byte-aligned vector load each,
// guarded as a whole (zeros outside), then 4 scalar stores into the tile.
// CHECK-LABEL: func.func @vector_loads
// CHECK:         scf.for
// CHECK:           %[[AV:.*]] = scf.if %{{.*}} -> (vector<4xf32>) {
// CHECK-NEXT:        %[[LA:.*]] = vector.load %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<64x128xf32>, vector<4xf32>
// CHECK-NEXT:        scf.yield %[[LA]] : vector<4xf32>
// CHECK-NEXT:      } else {
// CHECK-NEXT:        arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK:           vector.extract %[[AV]][0]
// CHECK-COUNT-4:   memref.store %{{.*}} : memref<64x16xf32, #gpu.address_space<workgroup>>
// CHECK:           vector.load %{{.*}} {alignment = 16 : i64} : memref<128x256xf32>, vector<4xf32>
// CHECK-COUNT-4:   memref.store %{{.*}} : memref<16x64xf32, #gpu.address_space<workgroup>>
// CHECK:           gpu.barrier
// TC-LABEL: func.func @vector_loads
// TC-NOT:     nvgpu.mma.sync
// TC-COUNT-256: math.fma
func.func @vector_loads(%a: memref<64x128xf32>, %b: memref<128x256xf32>, %c: memref<64x256xf32>) {
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x256xf32>) outs(%c : memref<64x256xf32>)
  return
}

// -----

// K = 30 is not a multiple of 4: A keeps 4 scalar loads per thread, B
// (rows of 64) gets the vector load.
// CHECK-LABEL: func.func @mixed
// CHECK:         scf.for
// CHECK-NOT:       vector.load
// CHECK-COUNT-4:   memref.load %{{.*}} : memref<?x30xf32>
// CHECK:           vector.load %{{.*}} {alignment = 16 : i64} : memref<30x64xf32>, vector<4xf32>
// CHECK:           gpu.barrier
func.func @mixed(%a: memref<?x30xf32>, %b: memref<30x64xf32>, %c: memref<?x64xf32>) {
  linalg.matmul ins(%a, %b : memref<?x30xf32>, memref<30x64xf32>) outs(%c : memref<?x64xf32>)
  return
}

// -----

// f16 inputs, f32 accumulator (the ONNX lowering's f16 MatMul). Without
// tensor cores: f32 tiles, 8-byte-aligned vector<4xf16> loads extended to
// f32, FMAs. With tensor cores: f16 tiles; warp = tid / 32, lane = 4 g + t;
// per k-tile one A fragment vector<4x2xf16> (ldmatrix x4: lane l addresses
// row wm + l % 8 + 8 ((l / 8) % 2), column 8 (l / 16)), two ldmatrix x4
// .trans of the B tile (row l % 8 + 8 ((l / 8) % 2), two n-tiles each)
// split into four vector<2x2xf16> B fragments, and 4 nvgpu.mma.sync
// m16n8k16 with vector<2x2xf32> accumulators carried by the k loop; at the
// end 16 guarded C += acc in f32 (no truncation).
// CHECK-LABEL: func.func @f16_f32_acc
// CHECK:         workgroup(%{{.*}} : memref<64x16xf32, #gpu.address_space<workgroup>>
// CHECK:           vector.load %{{.*}} {alignment = 8 : i64} : memref<?x64xf16>, vector<4xf16>
// CHECK-NEXT:      arith.extf %{{.*}} : vector<4xf16> to vector<4xf32>
// CHECK-COUNT-256: math.fma
// CHECK-NOT:       arith.truncf
// TC-LABEL: func.func @f16_f32_acc
// TC:         gpu.launch
// TC-SAME:      workgroup(%[[AT:[a-z0-9_]+]] : memref<64x16xf16, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x64xf16, #gpu.address_space<workgroup>>)
// TC:           %[[WARP:.*]] = arith.divui %{{.*}}, %c32
// TC:           %[[LANE:.*]] = arith.remui %{{.*}}, %c32
// TC:           %[[G:.*]] = arith.divui %[[LANE]], %c4
// TC:           %[[T:.*]] = arith.remui %[[LANE]], %c4
// TC:           %[[WM:.*]] = arith.muli %{{.*}}, %c16
// TC:           scf.for {{.*}} iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// TC:             vector.load %{{.*}} {alignment = 8 : i64} : memref<?x64xf16>, vector<4xf16>
// TC-NOT:         arith.extf
// TC:             gpu.barrier
// TC:             %[[L8:.*]] = arith.remui %[[LANE]], %c8
// TC:             %[[LQ:.*]] = arith.divui %[[LANE]], %c8
// TC:             %[[LQ2:.*]] = arith.remui %[[LQ]], %c2
// TC:             %[[LQ28:.*]] = arith.muli %[[LQ2]], %c8
// TC:             %[[RIP:.*]] = arith.addi %[[L8]], %[[LQ28]]
// TC:             %[[LH:.*]] = arith.divui %[[LANE]], %c16
// TC:             %[[CH:.*]] = arith.muli %[[LH]], %c8
// TC:             %[[AR:.*]] = arith.addi %[[WM]], %[[RIP]]
// TC:             %[[AF:.*]] = nvgpu.ldmatrix %[[AT]][%[[AR]], %[[CH]]] {numTiles = 4 : i32, transpose = false} : memref<64x16xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// TC:             %[[BP:.*]] = nvgpu.ldmatrix %[[BT]][%[[RIP]], %{{.*}}] {numTiles = 4 : i32, transpose = true} : memref<16x64xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// TC:             %[[B0:.*]] = vector.extract %[[BP]][0] : vector<2xf16> from vector<4x2xf16>
// TC:             %[[BF0:.*]] = vector.insert %[[B0]], %{{.*}} [0] : vector<2xf16> into vector<2x2xf16>
// TC:             %[[B1:.*]] = vector.extract %[[BP]][1] : vector<2xf16> from vector<4x2xf16>
// TC:             %[[BF:.*]] = vector.insert %[[B1]], %[[BF0]] [1] : vector<2xf16> into vector<2x2xf16>
// TC:             vector.extract %[[BP]][2]
// TC:             vector.extract %[[BP]][3]
// TC:             nvgpu.ldmatrix %[[BT]]{{.*}}transpose = true
// TC:             nvgpu.mma.sync(%[[AF]], %[[BF]], %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// TC-COUNT-3:     nvgpu.mma.sync
// TC-NOT:         memref.load
// TC-NOT:         math.fma
// TC:             gpu.barrier
// TC:             scf.yield
// TC-COUNT-16:  vector.extract %{{.*}} : f32 from vector<2x2xf32>
// TC-NOT:       arith.truncf
// TC:           gpu.terminator
func.func @f16_f32_acc(%a: memref<?x64xf16>, %b: memref<64x96xf16>, %c: memref<?x96xf32>) {
  linalg.matmul ins(%a, %b : memref<?x64xf16>, memref<64x96xf16>) outs(%c : memref<?x96xf32>)
  return
}

// -----

// bf16 with tensor cores: bf16 tiles and the same ldmatrix fragments as
// f16, each row a .bf16x2 register (vector<2xbf16> -> i32) for nvvm.mma.sync
// m16n8k16 (MLIR 22's nvgpu.mma.sync has no bf16 lowering); the f32
// accumulators stay vector<2x2xf32> loop-carried values.
// TC-LABEL: func.func @bf16_f32_acc
// TC:         gpu.launch
// TC-SAME:      workgroup(%[[AT:[a-z0-9_]+]] : memref<64x16xbf16, #gpu.address_space<workgroup>>, %[[BT:[a-z0-9_]+]] : memref<16x64xbf16, #gpu.address_space<workgroup>>)
// TC:           scf.for {{.*}} iter_args({{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// TC:             gpu.barrier
// TC:             nvgpu.ldmatrix %[[AT]]{{.*}} -> vector<4x2xbf16>
// TC:             nvgpu.ldmatrix %[[BT]]{{.*}}transpose = true{{.*}} -> vector<4x2xbf16>
// TC:             vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// TC:             nvvm.mma.sync A[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] B[%{{.*}}, %{{.*}}] C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// TC-COUNT-3:     nvvm.mma.sync
// TC-NOT:         math.fma
// TC:             gpu.barrier
// TC:           gpu.terminator
// CHECK-LABEL: func.func @bf16_f32_acc
// CHECK-NOT:     nvvm.mma.sync
// CHECK-COUNT-256: math.fma
func.func @bf16_f32_acc(%a: memref<?x64xbf16>, %b: memref<64x96xbf16>, %c: memref<?x96xf32>) {
  linalg.matmul ins(%a, %b : memref<?x64xbf16>, memref<64x96xbf16>) outs(%c : memref<?x96xf32>)
  return
}
