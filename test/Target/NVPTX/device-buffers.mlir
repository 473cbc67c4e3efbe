// RUN: quant-opt %s --split-input-file --qopt-nvptx-device-buffers | FileCheck %s

// The input is copied into managed memory, the weight too; the kernel reads
// those copies; the result is copied into a malloc'ed host buffer (plain
// memref.alloc) and every managed buffer is freed by the runtime.
// CHECK-LABEL: func.func @model(
// CHECK-SAME:      %[[ARG:.*]]: memref<?x4xf32>) -> memref<?x4xf32>
// CHECK-DAG:     %[[W:.*]] = memref.get_global @weight
// CHECK-DAG:     %[[WD:.*]] = gpu.alloc host_shared () : memref<4xf32>
// CHECK-DAG:     memref.copy %[[W]], %[[WD]]
// CHECK-DAG:     %[[D:.*]] = memref.dim %[[ARG]], %c0
// CHECK-DAG:     %[[IN:.*]] = gpu.alloc host_shared (%[[D]]) : memref<?x4xf32>
// CHECK-DAG:     memref.copy %[[ARG]], %[[IN]]
// CHECK:         %[[OUT:.*]] = gpu.alloc host_shared (%{{.*}}) : memref<?x4xf32>
// CHECK:         gpu.launch
// CHECK:           memref.load %[[IN]]
// CHECK:           memref.load %[[WD]]
// CHECK:           memref.store %{{.*}}, %[[OUT]]
// CHECK:         %[[HOST:.*]] = memref.alloc(%{{.*}}) : memref<?x4xf32>
// CHECK-NOT:     qopt.host
// CHECK:         memref.copy %[[OUT]], %[[HOST]]
// CHECK:         memref.extract_aligned_pointer_as_index %[[IN]]
// CHECK:         call @qopt_cuda_free
// CHECK:         memref.extract_aligned_pointer_as_index %[[WD]]
// CHECK:         call @qopt_cuda_free
// CHECK:         memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK:         call @qopt_cuda_free
// CHECK:         return %[[HOST]]
module {
  memref.global "private" constant @weight : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
  func.func @model(%x: memref<?x4xf32>) -> memref<?x4xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %w = memref.get_global @weight : memref<4xf32>
    %n = memref.dim %x, %c0 : memref<?x4xf32>
    %out = memref.alloc(%n) : memref<?x4xf32>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
      %a = memref.load %x[%bx, %tx] : memref<?x4xf32>
      %b = memref.load %w[%tx] : memref<4xf32>
      %s = arith.addf %a, %b : f32
      memref.store %s, %out[%bx, %tx] : memref<?x4xf32>
      gpu.terminator
    }
    return %out : memref<?x4xf32>
  }
}

// -----

// Temporary buffers become managed memory, their deallocs runtime frees.
// CHECK:       func.func private @qopt_cuda_free(i64)
// CHECK-LABEL: func.func @temporary
// CHECK:         %[[T:.*]] = gpu.alloc host_shared () : memref<16xf32>
// CHECK:         %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[T]]
// CHECK:         %[[I:.*]] = arith.index_cast %[[P]] : index to i64
// CHECK:         call @qopt_cuda_free(%[[I]]) : (i64) -> ()
// CHECK-NOT:     memref.dealloc
module {
  func.func @temporary() {
    %t = memref.alloc() : memref<16xf32>
    memref.dealloc %t : memref<16xf32>
    return
  }
}
