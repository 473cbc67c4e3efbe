// RUN: quant-opt %s --split-input-file --qopt-nvptx-device-buffers | FileCheck %s

// The input is copied into managed memory; the constant weight is the
// runtime's device-resident copy (qopt_cuda_global(host, 16 bytes), a
// descriptor cast to the memref type); the kernel reads those; the result is
// copied into a malloc'ed host buffer (plain memref.alloc) and the managed
// buffers are freed by the runtime (not the weight: the runtime keeps it).
// CHECK:       func.func private @qopt_cuda_free(i64)
// CHECK:       func.func private @qopt_cuda_global(i64, i64) -> i64
// CHECK-LABEL: func.func @model(
// CHECK-SAME:      %[[ARG:.*]]: memref<?x4xf32>) -> memref<?x4xf32>
// CHECK-DAG:     %[[W:.*]] = memref.get_global @weight
// CHECK-DAG:     %[[WP:.*]] = memref.extract_aligned_pointer_as_index %[[W]]
// CHECK-DAG:     %[[WI:.*]] = arith.index_cast %[[WP]] : index to i64
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : i64
// CHECK-DAG:     %[[DEV:.*]] = call @qopt_cuda_global(%[[WI]], %[[C16]])
// CHECK-DAG:     %[[DP:.*]] = llvm.inttoptr %[[DEV]] : i64 to !llvm.ptr
// CHECK-DAG:     %[[WD:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<4xf32>
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
// CHECK:         memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK:         call @qopt_cuda_free
// CHECK-NOT:     call @qopt_cuda_free
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

// A global that is not constant gets a managed copy per run.
// CHECK-LABEL: func.func @mutable
// CHECK:         %[[G:.*]] = memref.get_global @state
// CHECK:         %[[M:.*]] = gpu.alloc host_shared () : memref<2xi8>
// CHECK:         memref.copy %[[G]], %[[M]]
// CHECK-NOT:     qopt_cuda_global
// CHECK:         memref.load %[[M]]
module {
  memref.global "private" @state : memref<2xi8> = dense<[1, 2]>
  func.func @mutable(%i: index) -> i8 {
    %g = memref.get_global @state : memref<2xi8>
    %v = memref.load %g[%i] : memref<2xi8>
    return %v : i8
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
