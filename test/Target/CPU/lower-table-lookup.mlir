// RUN: quant-opt %s --split-input-file --qopt-cpu-lower-table-lookup | FileCheck %s --check-prefix=ZMM
// RUN: quant-opt %s --split-input-file --qopt-cpu-lower-table-lookup=lanes=8 | FileCheck %s --check-prefix=YMM
// RUN: not quant-opt %s --split-input-file --qopt-cpu-lower-table-lookup=lanes=4 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: lanes must be 16 (AVX-512F) or 8 (AVX2), not 4

// The code-book look-up of the NF4 GEMV (vector<1x2x16> of indices into a
// 16 x f32 constant): the table is loaded once as a vector and each row of
// 16 indices (i32) selects from it with one vpermps (zmm); with AVX2, each
// 8 indices select from both halves of the table, blended on bit 3.
// ZMM-LABEL: func.func @codebook
// ZMM-SAME: (%[[I:.*]]: vector<1x2x16xindex>)
// ZMM: %[[BOOK:.*]] = memref.get_global @book
// ZMM: %[[FLAT:.*]] = vector.shape_cast %[[I]] : vector<1x2x16xindex> to vector<2x16xindex>
// ZMM: %[[I32:.*]] = arith.index_cast %[[FLAT]] : vector<2x16xindex> to vector<2x16xi32>
// ZMM: %[[TABLE:.*]] = vector.load %[[BOOK]][%{{.*}}] : memref<16xf32>, vector<16xf32>
// ZMM: %[[ROW0:.*]] = vector.extract %[[I32]][0] : vector<16xi32> from vector<2x16xi32>
// ZMM: %[[P0:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[TABLE]], %[[ROW0]]) : (vector<16xf32>, vector<16xi32>) -> vector<16xf32>
// ZMM: vector.insert %[[P0]]
// ZMM: %[[ROW1:.*]] = vector.extract %[[I32]][1] : vector<16xi32> from vector<2x16xi32>
// ZMM: %[[P1:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"(%[[TABLE]], %[[ROW1]])
// ZMM: vector.insert %[[P1]]
// ZMM: %[[R:.*]] = vector.shape_cast %{{.*}} : vector<2x16xf32> to vector<1x2x16xf32>
// ZMM-NOT: vector.gather
// ZMM-NOT: arith.select
// ZMM: return %[[R]]
// YMM-LABEL: func.func @codebook
// YMM-DAG: %[[SEVEN:.*]] = arith.constant dense<7> : vector<8xi32>
// YMM-DAG: %[[BOOK:.*]] = memref.get_global @book
// YMM: %[[I32:.*]] = arith.index_cast %{{.*}} : vector<4x8xindex> to vector<4x8xi32>
// YMM-DAG: %[[LO:.*]] = vector.load %[[BOOK]][%c0{{.*}}] : memref<16xf32>, vector<8xf32>
// YMM-DAG: %[[HI:.*]] = vector.load %[[BOOK]][%c8{{.*}}] : memref<16xf32>, vector<8xf32>
// YMM: %[[ROW:.*]] = vector.extract %[[I32]][0] : vector<8xi32> from vector<4x8xi32>
// YMM: %[[PL:.*]] = llvm.call_intrinsic "llvm.x86.avx2.permps"(%[[LO]], %[[ROW]]) : (vector<8xf32>, vector<8xi32>) -> vector<8xf32>
// YMM: %[[PH:.*]] = llvm.call_intrinsic "llvm.x86.avx2.permps"(%[[HI]], %[[ROW]])
// YMM: %[[UP:.*]] = arith.cmpi ugt, %[[ROW]], %[[SEVEN]] : vector<8xi32>
// YMM: arith.select %[[UP]], %[[PH]], %[[PL]] : vector<8xi1>, vector<8xf32>
// YMM-COUNT-3: llvm.x86.avx2.permps
// YMM-NOT: vector.gather
// YMM: return
memref.global "private" constant @book : memref<16xf32> = dense<[-1.0, -0.75, -0.5, -0.25, -0.125, -0.0625, -0.03125, 0.0, 0.03125, 0.0625, 0.125, 0.25, 0.5, 0.75, 0.875, 1.0]>
func.func @codebook(%i: vector<1x2x16xindex>) -> vector<1x2x16xf32> {
  %book = memref.get_global @book : memref<16xf32>
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<1x2x16xi1>
  %pass = arith.constant dense<0.0> : vector<1x2x16xf32>
  %r = vector.gather %book[%c0] [%i], %mask, %pass : memref<16xf32>, vector<1x2x16xindex>, vector<1x2x16xi1>, vector<1x2x16xf32> into vector<1x2x16xf32>
  return %r : vector<1x2x16xf32>
}

// -----

// i8 indices are zero-extended; a mask that is not all-true selects the
// pass-through value in its off lanes.
// ZMM-LABEL: func.func @masked
// ZMM-SAME: (%[[T:.*]]: memref<16xf32>, %[[I:.*]]: vector<16xi8>, %[[M:.*]]: vector<16xi1>, %[[P:.*]]: vector<16xf32>)
// ZMM: %[[I32:.*]] = arith.extui %{{.*}} : vector<1x16xi8> to vector<1x16xi32>
// ZMM: %[[L:.*]] = llvm.call_intrinsic "llvm.x86.avx512.permvar.sf.512"
// ZMM: %[[S:.*]] = arith.select %[[M]], %{{.*}}, %[[P]] : vector<16xi1>, vector<16xf32>
// ZMM: return %[[S]]
// YMM-LABEL: func.func @masked
// YMM-COUNT-4: llvm.x86.avx2.permps
// YMM: arith.select %{{.*}} : vector<16xi1>, vector<16xf32>
// YMM-NOT: vector.gather
func.func @masked(%t: memref<16xf32>, %i: vector<16xi8>, %m: vector<16xi1>, %p: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %r = vector.gather %t[%c0] [%i], %m, %p : memref<16xf32>, vector<16xi8>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// Not a 16-entry f32 table read from its start, or lanes that the permute
// width does not divide: the gathers stay.
// ZMM-LABEL: func.func @not_a_table
// ZMM-NOT: llvm.call_intrinsic
// ZMM-COUNT-5: vector.gather
// ZMM-NOT: llvm.call_intrinsic
// YMM-LABEL: func.func @not_a_table
// YMM-NOT: llvm.call_intrinsic
// YMM-COUNT-5: vector.gather
func.func @not_a_table(%big: memref<32xf32>, %t: memref<16xf32>, %d: memref<16xf64>, %i16: vector<16xi32>, %i12: vector<12xi32>, %i4: vector<4xi32>) -> (vector<16xf32>, vector<16xf32>, vector<12xf32>, vector<4xf32>, vector<16xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m16 = arith.constant dense<true> : vector<16xi1>
  %m12 = arith.constant dense<true> : vector<12xi1>
  %m4 = arith.constant dense<true> : vector<4xi1>
  %p16 = arith.constant dense<0.0> : vector<16xf32>
  %p12 = arith.constant dense<0.0> : vector<12xf32>
  %p4 = arith.constant dense<0.0> : vector<4xf32>
  %pd = arith.constant dense<0.0> : vector<16xf64>
  %a = vector.gather %big[%c0] [%i16], %m16, %p16 : memref<32xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  %b = vector.gather %t[%c1] [%i16], %m16, %p16 : memref<16xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  %c = vector.gather %t[%c0] [%i12], %m12, %p12 : memref<16xf32>, vector<12xi32>, vector<12xi1>, vector<12xf32> into vector<12xf32>
  %e = vector.gather %t[%c0] [%i4], %m4, %p4 : memref<16xf32>, vector<4xi32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
  %f = vector.gather %d[%c0] [%i16], %m16, %pd : memref<16xf64>, vector<16xi32>, vector<16xi1>, vector<16xf64> into vector<16xf64>
  return %a, %b, %c, %e, %f : vector<16xf32>, vector<16xf32>, vector<12xf32>, vector<4xf32>, vector<16xf64>
}
