// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-nvptx-weight-matmul))' \
// RUN:   | FileCheck %s

// 4-bit codes, group 128, zero points, one row (decode): grid (N / 8, 1)
// of 32 x 8 threads, warp ty owns weight row n = 8 block.x + ty; lanes
// read 4 packed words per 16-byte-aligned vector load (a row is 2048
// bytes), unpack 8 nibbles per word (the last without a mask), subtract
// the group's zero point, dot with two 16-byte-aligned 4-float loads of x,
// scale once per word; 5 xor shuffles; lane 0 adds to y.
// CHECK-LABEL: func.func @int4_decode
// CHECK-DAG:     %[[C512:.*]] = arith.constant 512 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK:         gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C512]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}) threads(%[[LANE:[a-z0-9_]+]], %[[TY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[C32]], %{{[a-z0-9_]+}} = %[[C8]], %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}})
// CHECK:           %[[NB:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK:           %[[N:.*]] = arith.addi %[[NB]], %[[TY]] : index
// CHECK:           %[[ACTIVE:.*]] = arith.cmpi ult, %[[N]], %c4096
// CHECK:           scf.if %[[ACTIVE]] {
// CHECK:             %[[START:.*]] = arith.muli %[[LANE]], %c4
// CHECK:             %[[SUM:.*]] = scf.for %[[W:.*]] = %[[START]] to %c512{{.*}} step %c128{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK:               %[[BYTE:.*]] = arith.muli %[[W]], %c4
// CHECK:               %[[PACKED:.*]] = vector.load %{{.*}}[%[[N]], %[[BYTE]]] {alignment = 16 : i64} : memref<4096x2048xi8>, vector<16xi8>
// CHECK:               %[[WORDS:.*]] = vector.bitcast %[[PACKED]] : vector<16xi8> to vector<4xi32>
// CHECK:               %[[WORD:.*]] = vector.extract %[[WORDS]][0] : i32 from vector<4xi32>
// CHECK:               %[[G:.*]] = arith.divui %{{.*}}, %c128
// CHECK:               %[[SCALE:.*]] = memref.load %{{.*}}[%[[N]], %[[G]]] : memref<4096x32xf32>
// CHECK:               %[[ZP8:.*]] = memref.load %{{.*}}[%[[N]], %[[G]]] : memref<4096x32xi8>
// CHECK:               %[[ZP:.*]] = arith.uitofp %[[ZP8]] : i8 to f32
// CHECK:               arith.andi %[[WORD]], %c15_i32
// CHECK-COUNT-6:       arith.andi %{{.*}}, %c15_i32
// CHECK:               %[[TOP:.*]] = arith.shrui %[[WORD]], %c28_i32
// CHECK-NEXT:          arith.uitofp %[[TOP]] : i32 to f32
// CHECK:               vector.load %{{.*}} {alignment = 16 : i64} : memref<1x4096xf32>, vector<4xf32>
// CHECK-COUNT-4:       math.fma
// CHECK:               vector.load %{{.*}} {alignment = 16 : i64} : memref<1x4096xf32>, vector<4xf32>
// CHECK-COUNT-4:       math.fma
// CHECK-NEXT:          math.fma %[[SCALE]], %{{.*}}, %{{.*}} : f32
// CHECK:               vector.extract %[[WORDS]][3] : i32 from vector<4xi32>
// CHECK:             }
// CHECK:             gpu.shuffle  xor %[[SUM]], %c16_i32, %c32_i32 : f32
// CHECK:             gpu.shuffle  xor %{{.*}}, %c8_i32, %{{.*}} : f32
// CHECK:             gpu.shuffle  xor %{{.*}}, %c4_i32, %{{.*}} : f32
// CHECK:             gpu.shuffle  xor %{{.*}}, %c2_i32, %{{.*}} : f32
// CHECK:             gpu.shuffle  xor %{{.*}}, %c1_i32, %{{.*}} : f32
// CHECK:             scf.if
// CHECK:               %[[OLD:.*]] = memref.load %{{.*}}[%{{.*}}, %[[N]]] : memref<1x4096xf32>
// CHECK:               %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK:               memref.store %[[NEW]], %{{.*}}[%{{.*}}, %[[N]]] : memref<1x4096xf32>
// CHECK:           gpu.terminator
// CHECK-NOT:     linalg.generic
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
#g128 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 128)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @int4_decode(%x: memref<1x4096xf32>, %w: memref<4096x2048xi8>, %s: memref<4096x32xf32>, %z: memref<4096x32xi8>, %y: memref<1x4096xf32>) {
  linalg.generic {indexing_maps = [#x, #w4, #g128, #g128, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s, %z : memref<1x4096xf32>, memref<4096x2048xi8>, memref<4096x32xf32>, memref<4096x32xi8>) outs(%y : memref<1x4096xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 128 : i64}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %d: i8, %o: f32):
    %k = linalg.index 2 : index
    %c2 = arith.constant 2 : index
    %p = arith.remui %k, %c2 : index
    %pi = arith.index_cast %p : index to i8
    %c4 = arith.constant 4 : i8
    %sh = arith.muli %pi, %c4 : i8
    %v = arith.shrui %b, %sh : i8
    %c15 = arith.constant 15 : i8
    %m = arith.andi %v, %c15 : i8
    %f = arith.uitofp %m : i8 to f32
    %zf = arith.uitofp %d : i8 to f32
    %dq = arith.subf %f, %zf : f32
    %sc = arith.mulf %dq, %c : f32
    %t = arith.mulf %a, %sc : f32
    %r = arith.addf %o, %t : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// 8-bit codes per channel (no zero point: 128), rows known at run time, a
// row of 36 bytes (not a multiple of 16: one 32-bit word per load): an
// scf.if on the row count picks the one-row kernel (grid y = rows) or the
// four-row kernel (grid y = ceil(rows / 4), four accumulators, 4 x 5
// shuffles, stores guarded by row < rows).
// CHECK-LABEL: func.func @int8_rows
// CHECK:         %[[ROWS:.*]] = memref.dim %{{.*}}, %c0 : memref<?x36xf32>
// CHECK:         %[[ONE:.*]] = arith.cmpi eq, %[[ROWS]], %c1
// CHECK:         scf.if %[[ONE]] {
// CHECK:           gpu.launch
// CHECK:             arith.constant 1.280000e+02 : f32
// CHECK:             scf.for {{.*}} step %c32{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK:               vector.load %{{.*}} {alignment = 4 : i64} : memref<16x36xi8>, vector<4xi8>
// CHECK:               vector.bitcast %{{.*}} : vector<4xi8> to vector<1xi32>
// CHECK-COUNT-5:     gpu.shuffle  xor
// CHECK:         } else {
// CHECK:           %[[GY:.*]] = arith.ceildivui %{{.*}}, %c4
// CHECK:           gpu.launch blocks({{.*}}) in (%{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = %[[GY]],
// CHECK-COUNT-4:     arith.minui
// CHECK:             scf.for {{.*}} -> (f32, f32, f32, f32) {
// CHECK-COUNT-20:    gpu.shuffle  xor
// CHECK:             arith.cmpi ult, %{{.*}}, %{{.*}} : index
// CHECK-NOT:     linalg.generic
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w8 = affine_map<(d0, d1, d2) -> (d1, d2)>
#g = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 36)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @int8_rows(%x: memref<?x36xf32>, %w: memref<16x36xi8>, %s: memref<16x1xf32>, %y: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w8, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s : memref<?x36xf32>, memref<16x36xi8>, memref<16x1xf32>) outs(%y : memref<?x16xf32>) attrs = {qopt.weight_matmul = {bits = 8 : i64, group_size = 36 : i64}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %u = arith.mulf %t, %c : f32
    %r = arith.addf %o, %u : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Not covered, left alone: K = 36 with 4-bit codes is 144 bits (not whole
// 32-bit words); group 4 of 4-bit codes splits a word; a strided x.
// CHECK-LABEL: func.func @uncovered
// CHECK-NOT:     gpu.launch
// CHECK-COUNT-3: linalg.generic {{.*}}qopt.weight_matmul
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
#g16 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 16)>
#g4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 4)>
#g36 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 36)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @uncovered(%x36: memref<1x36xf32>, %w18: memref<8x18xi8>, %s1: memref<8x1xf32>, %y: memref<1x8xf32>,
                     %x64: memref<1x64xf32>, %w32: memref<8x32xi8>, %s16: memref<8x16xf32>,
                     %xs: memref<1x64xf32, strided<[128, 1]>>, %s4: memref<8x4xf32>) {
  linalg.generic {indexing_maps = [#x, #w4, #g36, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x36, %w18, %s1 : memref<1x36xf32>, memref<8x18xi8>, memref<8x1xf32>) outs(%y : memref<1x8xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 36 : i64}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %u = arith.mulf %t, %c : f32
    %r = arith.addf %o, %u : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #w4, #g4, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x64, %w32, %s16 : memref<1x64xf32>, memref<8x32xi8>, memref<8x16xf32>) outs(%y : memref<1x8xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 4 : i64}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %u = arith.mulf %t, %c : f32
    %r = arith.addf %o, %u : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #w4, #g16, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%xs, %w32, %s4 : memref<1x64xf32, strided<[128, 1]>>, memref<8x32xi8>, memref<8x4xf32>) outs(%y : memref<1x8xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 16 : i64}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %u = arith.mulf %t, %c : f32
    %r = arith.addf %o, %u : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// NF4 (a code book in the mark, f32 scales, no zero point), one row: the
// launch has a 16-entry workgroup table that thread (0, 0) fills with the
// book's values before a block-wide barrier (ahead of the activity test);
// each nibble indexes the table (a workgroup load, no uitofp / zero
// point); the group's scale is applied once per word as for int4.
// CHECK-LABEL: func.func @nf4_decode
// CHECK:         gpu.launch {{.*}} workgroup(%[[BOOK:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[FIRST:.*]] = arith.andi
// CHECK:           scf.if %[[FIRST]] {
// CHECK:             memref.store %{{.*}}, %[[BOOK]][%c0{{.*}}] : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-15:    memref.store %{{.*}}, %[[BOOK]][%{{.*}}] : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK:           }
// CHECK-NEXT:      gpu.barrier
// CHECK:           scf.if %{{.*}} {
// CHECK:             scf.for
// CHECK:               vector.load %{{.*}} {alignment = 16 : i64} : memref<16x64xi8>, vector<16xi8>
// CHECK:               %[[SCALE:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<16x2xf32>
// CHECK:               %[[C0:.*]] = arith.andi %{{.*}}, %c15_i32 : i32
// CHECK:               %[[I0:.*]] = arith.index_castui %[[C0]] : i32 to index
// CHECK:               memref.load %[[BOOK]][%[[I0]]] : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-7:       memref.load %[[BOOK]][%{{.*}}] : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK-NOT:           arith.subf
// CHECK-COUNT-8:       math.fma
// CHECK-NEXT:          math.fma %[[SCALE]], %{{.*}}, %{{.*}} : f32
// CHECK:           gpu.shuffle  xor
// CHECK-NOT:     linalg.generic
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
#g64 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @nf4_decode(%x: memref<1x128xf32>, %w: memref<16x64xi8>, %s: memref<16x2xf32>, %y: memref<1x16xf32>) {
  %book = memref.get_global @book : memref<16xf32>
  linalg.generic {indexing_maps = [#x, #w4, #g64, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s : memref<1x128xf32>, memref<16x64xi8>, memref<16x2xf32>) outs(%y : memref<1x16xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>}} {
  ^bb0(%a: f32, %b: i8, %c: f32, %o: f32):
    %k = linalg.index 2 : index
    %c2 = arith.constant 2 : index
    %p = arith.remui %k, %c2 : index
    %pi = arith.index_cast %p : index to i8
    %c4 = arith.constant 4 : i8
    %sh = arith.muli %pi, %c4 : i8
    %v = arith.shrui %b, %sh : i8
    %c15 = arith.constant 15 : i8
    %m = arith.andi %v, %c15 : i8
    %i = arith.index_castui %m : i8 to index
    %f = memref.load %book[%i] : memref<16xf32>
    %sc = arith.mulf %f, %c : f32
    %t = arith.mulf %a, %sc : f32
    %r = arith.addf %o, %t : f32
    linalg.yield %r : f32
  }
  return
}
memref.global "private" constant @book : memref<16xf32> = dense<[-1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0]>

// -----

// NF4 with double-quantized scales, scale_scale an operand: per word, the
// group's i8 scale code, scale_scale[(n * 2 + g) / 256] and the mark's
// offset make the f32 scale (code * scale_scale + offset) once.
// CHECK-LABEL: func.func @nf4_dq
// CHECK:         gpu.launch {{.*}} workgroup(%[[BOOK:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK:           gpu.barrier
// CHECK:             scf.for
// CHECK:               %[[G:.*]] = arith.divui %{{.*}}, %c64
// CHECK:               %[[SC:.*]] = memref.load %{{.*}}[%[[N:.*]], %[[G]]] : memref<160x2xi8>
// CHECK:               %[[NG:.*]] = arith.muli %[[N]], %c2
// CHECK:               %[[FLAT:.*]] = arith.addi %[[NG]], %[[G]]
// CHECK:               %[[BLK:.*]] = arith.divui %[[FLAT]], %c256
// CHECK:               %[[SS:.*]] = memref.load %{{.*}}[%[[BLK]]] : memref<2xf32>
// CHECK:               %[[SCF:.*]] = arith.sitofp %[[SC]] : i8 to f32
// CHECK:               %[[M:.*]] = arith.mulf %[[SCF]], %[[SS]] : f32
// CHECK:               %[[SCALE:.*]] = arith.addf %[[M]], %cst{{.*}} : f32
// CHECK:               memref.load %[[BOOK]]
// CHECK:               math.fma %[[SCALE]], %{{.*}}, %{{.*}} : f32
// CHECK-COUNT-5:   gpu.shuffle  xor
// CHECK-NOT:     linalg.generic
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
#g64 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#ss = affine_map<(d0, d1, d2) -> ((d1 * 2 + d2 floordiv 64) floordiv 256)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @nf4_dq(%x: memref<1x128xf32>, %w: memref<160x64xi8>, %s: memref<160x2xi8>, %ss: memref<2xf32>, %y: memref<1x160xf32>) {
  linalg.generic {indexing_maps = [#x, #w4, #g64, #ss, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s, %ss : memref<1x128xf32>, memref<160x64xi8>, memref<160x2xi8>, memref<2xf32>) outs(%y : memref<1x160xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 64 : i64, scale_offset = 0.05 : f32, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>}} {
  ^bb0(%a: f32, %b: i8, %c: i8, %e: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %cf = arith.sitofp %c : i8 to f32
    %sc = arith.mulf %cf, %e : f32
    %t = arith.mulf %a, %sc : f32
    %u = arith.mulf %t, %f : f32
    %r = arith.addf %o, %u : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Marks that do not describe the operands are left alone: i8 scales
// without scale_offset, and a splat scale_scale in the mark next to a
// scale_scale operand.
// CHECK-LABEL: func.func @nf4_bad_marks
// CHECK-NOT:     gpu.launch
// CHECK-COUNT-2: linalg.generic {{.*}}qopt.weight_matmul
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w4 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
#g64 = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#ss = affine_map<(d0, d1, d2) -> ((d1 * 2 + d2 floordiv 64) floordiv 256)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @nf4_bad_marks(%x: memref<1x128xf32>, %w: memref<160x64xi8>, %s: memref<160x2xi8>, %ss: memref<2xf32>, %y: memref<1x160xf32>) {
  linalg.generic {indexing_maps = [#x, #w4, #g64, #ss, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s, %ss : memref<1x128xf32>, memref<160x64xi8>, memref<160x2xi8>, memref<2xf32>) outs(%y : memref<1x160xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>}} {
  ^bb0(%a: f32, %b: i8, %c: i8, %e: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %r = arith.addf %o, %t : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #w4, #g64, #ss, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w, %s, %ss : memref<1x128xf32>, memref<160x64xi8>, memref<160x2xi8>, memref<2xf32>) outs(%y : memref<1x160xf32>) attrs = {qopt.weight_matmul = {bits = 4 : i64, group_size = 64 : i64, scale_offset = 0.05 : f32, scale_scale = 0.001 : f32, codebook = array<f32: -1.0, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0>}} {
  ^bb0(%a: f32, %b: i8, %c: i8, %e: f32, %o: f32):
    %f = arith.uitofp %b : i8 to f32
    %t = arith.mulf %a, %f : f32
    %r = arith.addf %o, %t : f32
    linalg.yield %r : f32
  }
  return
}
