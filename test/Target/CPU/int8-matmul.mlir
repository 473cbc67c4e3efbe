// RUN: quant-opt %s --split-input-file --qopt-cpu-int8-matmul | FileCheck %s
// RUN: quant-opt %s --split-input-file --qopt-cpu-int8-matmul="parallel=false micro-m=4 micro-n=2 tile-m=32" | FileCheck %s --check-prefix=SEQ

// u8 A (extui) times a constant s8 B from a zero fill: B is packed at compile
// time into 16-column panels [N16 / 16, ceil(K/4), 64] = [2, 2, 64] (K = 6,
// N = 20 -> 32 columns), the fill disappears (accumulators start at 0), the
// row tiles are sequential (under 32K multiply-adds: no threads), and the k
// loop (one step per 4 k) does u8 x s8 dot products of 4 bytes of A broadcast
// with 64 bytes of a B panel (a vector.multi_reduction over [16, 4] that
// qopt-cpu-lower-vnni turns into vpdpbusd after bufferization). K = 6
// leaves a tail step whose A read is masked (in_bounds false). N = 20 is one
// block narrower than micro-n = 3 vectors: 2 vectors, the second masked.
// CHECK-LABEL: func.func @unsigned_const
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[PACKED:.*]] = arith.constant dense_resource<qopt_vnni_b{{.*}}> : tensor<2x2x64xi8>
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.*}} step %c8
// CHECK: scf.for {{.*}} -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK: vector.transfer_read %[[PACKED]]{{.*}} {in_bounds = [true]} : tensor<2x2x64xi8>, vector<64xi8>
// CHECK: vector.transfer_read %arg0{{.*}} {in_bounds = [true]} : tensor<37x6xi8>, vector<4xi8>
// CHECK: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// CHECK: vector.broadcast {{.*}} : i32 to vector<16xi32>
// CHECK-NOT: arith.xori
// CHECK: %[[ABYTES:.*]] = vector.bitcast {{.*}} : vector<16xi32> to vector<64xi8>
// CHECK: %[[A4:.*]] = vector.shape_cast %[[ABYTES]] : vector<64xi8> to vector<16x4xi8>
// CHECK: %[[AW:.*]] = arith.extui %[[A4]] : vector<16x4xi8> to vector<16x4xi32>
// CHECK: %[[B4:.*]] = vector.shape_cast %{{.*}} : vector<64xi8> to vector<16x4xi8>
// CHECK: %[[BW:.*]] = arith.extsi %[[B4]] : vector<16x4xi8> to vector<16x4xi32>
// CHECK: %[[P:.*]] = arith.muli %[[AW]], %[[BW]] : vector<16x4xi32>
// CHECK: vector.multi_reduction <add>, %[[P]], %{{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// CHECK: scf.yield
// The tail step: the last 2 of K = 6.
// CHECK: vector.transfer_read %arg0{{[^{]*}} : tensor<37x6xi8>, vector<4xi8>
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi32>, tensor<?x20xi32>
// CHECK: vector.transfer_write {{[^{]*}} : vector<16xi32>, tensor<?x20xi32>
// Rows left over in a thread tile: one-row tiles.
// CHECK: scf.for {{.*}} step %c1
// CHECK: tensor.insert_slice
// CHECK-NOT: linalg.generic
// SEQ-LABEL: func.func @unsigned_const
// SEQ-NOT: scf.forall
// SEQ: scf.for {{.*}} step %c32
// SEQ: scf.for {{.*}} step %c4
// SEQ: tensor.insert_slice
func.func @unsigned_const(%a: tensor<37x6xi8>) -> tensor<37x20xi32> {
  %b = arith.constant dense<[[1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16, 17, -18, 19, -20],
                             [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
                             [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20],
                             [127, -128, 127, -128, 127, -128, 127, -128, 127, -128, 127, -128, 127, -128, 127, -128, 127, -128, 127, -128],
                             [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]]> : tensor<6x20xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<37x20xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<37x20xi32>) -> tensor<37x20xi32>
  %c = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<37x6xi8>, tensor<6x20xi8>) outs(%acc : tensor<37x20xi32>) {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xa = arith.extui %x : i8 to i32
    %yb = arith.extsi %y : i8 to i32
    %p = arith.muli %xa, %yb : i32
    %s = arith.addi %z, %p : i32
    linalg.yield %s : i32
  } -> tensor<37x20xi32>
  return %c : tensor<37x20xi32>
}

// -----

// s8 A (extsi), B a function argument, dynamic rows, an accumulator that is
// read: B is packed at run time by a linalg.generic, 128 * colsum(B) is
// reduced at run time, the accumulators start at C - 128 * colsum(B) and
// each broadcast of A is flipped to unsigned (xor 0x80808080 = -2139062144).
// CHECK-LABEL: func.func @signed_dynamic
// CHECK: %[[PACK:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x4x64xi8>)
// CHECK: tensor.extract %arg1
// CHECK: %[[COLSUM:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<16x64xi8>) outs(%{{.*}} : tensor<64xi32>)
// CHECK: arith.shli
// CHECK: scf.forall
// CHECK: vector.transfer_read %[[COLSUM]]
// CHECK: vector.transfer_read %{{.*}} : tensor<?x?xi32>, vector<16xi32>
// CHECK: arith.subi {{.*}} : vector<16xi32>
// CHECK: arith.xori {{.*}} : vector<16xi32>
// CHECK: vector.multi_reduction <add>
func.func @signed_dynamic(%a: tensor<?x16xi8>, %b: tensor<16x64xi8>, %acc: tensor<?x64xi32>) -> tensor<?x64xi32> {
  %c = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<?x16xi8>, tensor<16x64xi8>) outs(%acc : tensor<?x64xi32>) {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xa = arith.extsi %x : i8 to i32
    %yb = arith.extsi %y : i8 to i32
    %p = arith.muli %yb, %xa : i32
    %s = arith.addi %p, %z : i32
    linalg.yield %s : i32
  } -> tensor<?x64xi32>
  return %c : tensor<?x64xi32>
}

// -----

// Not the canonical contraction: u8 B (extui) has no vpdpbusd form, and a
// transposed B map is another op. Both stay linalg.generic.
// CHECK-LABEL: func.func @not_canonical
// CHECK-NOT: vector.multi_reduction
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: vector.multi_reduction
func.func @not_canonical(%a: tensor<8x16xi8>, %b: tensor<16x32xi8>, %bt: tensor<32x16xi8>, %acc: tensor<8x32xi32>) -> (tensor<8x32xi32>, tensor<8x32xi32>) {
  %c = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x16xi8>, tensor<16x32xi8>) outs(%acc : tensor<8x32xi32>) {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xa = arith.extui %x : i8 to i32
    %yb = arith.extui %y : i8 to i32
    %p = arith.muli %xa, %yb : i32
    %s = arith.addi %z, %p : i32
    linalg.yield %s : i32
  } -> tensor<8x32xi32>
  %d = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %bt : tensor<8x16xi8>, tensor<32x16xi8>) outs(%acc : tensor<8x32xi32>) {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xa = arith.extui %x : i8 to i32
    %yb = arith.extsi %y : i8 to i32
    %p = arith.muli %xa, %yb : i32
    %s = arith.addi %z, %p : i32
    linalg.yield %s : i32
  } -> tensor<8x32xi32>
  return %c, %d : tensor<8x32xi32>, tensor<8x32xi32>
}
