// RUN: quant-opt %s --split-input-file --qopt-cpu-lower-vnni | FileCheck %s

// The u8 x s8 dot-product form becomes one vpdpbusd, whichever side of the
// muli the unsigned operand is on.
// CHECK-LABEL: func.func @dot
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[B:.*]]: vector<64xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[A]], %[[B]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[R]], %[[A]], %[[B]])
// CHECK-NOT: vector.multi_reduction
// CHECK: return %[[S]]
func.func @dot(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<16xi32> {
  %a4 = vector.shape_cast %a : vector<64xi8> to vector<16x4xi8>
  %b4 = vector.shape_cast %b : vector<64xi8> to vector<16x4xi8>
  %aw = arith.extui %a4 : vector<16x4xi8> to vector<16x4xi32>
  %bw = arith.extsi %b4 : vector<16x4xi8> to vector<16x4xi32>
  %p = arith.muli %aw, %bw : vector<16x4xi32>
  %r = vector.multi_reduction <add>, %p, %acc [1] : vector<16x4xi32> to vector<16xi32>
  %q = arith.muli %bw, %aw : vector<16x4xi32>
  %s = vector.multi_reduction <add>, %q, %r [1] : vector<16x4xi32> to vector<16xi32>
  return %s : vector<16xi32>
}

// -----

// Not vpdpbusd: both operands signed, and a reduction over the wrong
// dimension.
// CHECK-LABEL: func.func @not_dot
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1]
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [0]
// CHECK-NOT: llvm.call_intrinsic
func.func @not_dot(%acc: vector<16xi32>, %acc4: vector<4xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> (vector<16xi32>, vector<4xi32>) {
  %a4 = vector.shape_cast %a : vector<64xi8> to vector<16x4xi8>
  %b4 = vector.shape_cast %b : vector<64xi8> to vector<16x4xi8>
  %as = arith.extsi %a4 : vector<16x4xi8> to vector<16x4xi32>
  %bw = arith.extsi %b4 : vector<16x4xi8> to vector<16x4xi32>
  %p = arith.muli %as, %bw : vector<16x4xi32>
  %r = vector.multi_reduction <add>, %p, %acc [1] : vector<16x4xi32> to vector<16xi32>
  %au = arith.extui %a4 : vector<16x4xi8> to vector<16x4xi32>
  %q = arith.muli %au, %bw : vector<16x4xi32>
  %s = vector.multi_reduction <add>, %q, %acc4 [0] : vector<16x4xi32> to vector<4xi32>
  return %r, %s : vector<16xi32>, vector<4xi32>
}
