// RUN: quant-opt %s --qopt-cpu-expand-copies | FileCheck %s

// A copy between strided views would call runner-utils' memrefCopy: it
// becomes linalg.copy. A copy between contiguous buffers stays a memcpy.
// CHECK-LABEL: func.func @copies
// CHECK: linalg.copy ins(%{{.*}} : memref<4x2xf32, strided<[8, 1], offset: ?>>) outs(%{{.*}} : memref<4x2xf32, strided<[8, 1], offset: ?>>)
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<?x8xf32> to memref<?x8xf32>
func.func @copies(%a: memref<?x8xf32>, %b: memref<?x8xf32>, %i: index) {
  %sa = memref.subview %a[%i, 2] [4, 2] [1, 1] : memref<?x8xf32> to memref<4x2xf32, strided<[8, 1], offset: ?>>
  %sb = memref.subview %b[%i, 4] [4, 2] [1, 1] : memref<?x8xf32> to memref<4x2xf32, strided<[8, 1], offset: ?>>
  memref.copy %sa, %sb : memref<4x2xf32, strided<[8, 1], offset: ?>> to memref<4x2xf32, strided<[8, 1], offset: ?>>
  memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32>
  return
}
