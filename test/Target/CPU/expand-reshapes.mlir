// RUN: quant-opt %s --qopt-cpu-expand-reshapes | FileCheck %s
// RUN: quant-opt %s --qopt-cpu-expand-reshapes --expand-strided-metadata | FileCheck %s --check-prefix=META

// Two dynamic sizes in one reassociation group: a reinterpret_cast with
// row-major strides (static while the trailing sizes are).
// CHECK-LABEL: func.func @two_dynamic
// CHECK: %[[S:.*]] = arith.muli %c64, %arg2 : index
// CHECK-NOT: arith.muli
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [%arg1, %arg2, 4, 16], strides: [%[[S]], 64, 16, 1]
// META-LABEL: func.func @two_dynamic
// META: memref.reinterpret_cast
func.func @two_dynamic(%m: memref<?xf32>, %a: index, %b: index) -> memref<?x?x4x16xf32> {
  %e = memref.expand_shape %m [[0, 1, 2, 3]] output_shape [%a, %b, 4, 16] : memref<?xf32> into memref<?x?x4x16xf32>
  return %e : memref<?x?x4x16xf32>
}

// One dynamic size per group is left to expand-strided-metadata.
// CHECK-LABEL: func.func @one_dynamic
// CHECK: memref.expand_shape
func.func @one_dynamic(%m: memref<?xf32>, %a: index) -> memref<?x16xf32> {
  %e = memref.expand_shape %m [[0, 1]] output_shape [%a, 16] : memref<?xf32> into memref<?x16xf32>
  return %e : memref<?x16xf32>
}
