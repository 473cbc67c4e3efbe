// RUN: quant-opt %s --qopt-nvptx-merge-kernel-modules | FileCheck %s

// Two outlined kernels end up in one gpu.module, launched from there;
// workgroup buffers get a 16-byte alignment unless they have one.
// CHECK:       gpu.module @qopt_kernels
// CHECK-DAG:     gpu.func @f_kernel(
// CHECK-DAG:     gpu.func @f_kernel_0({{.*}}) workgroup(%{{.*}} : memref<64x16xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 4 : i64}) kernel
// CHECK-NOT:   gpu.module
// CHECK-LABEL: func.func @f
// CHECK:         gpu.launch_func @qopt_kernels::@f_kernel blocks
// CHECK:         gpu.launch_func @qopt_kernels::@f_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @f_kernel {
    gpu.func @f_kernel(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @f_kernel_0 {
    gpu.func @f_kernel_0(%m: memref<4xf32>)
        workgroup(%w : memref<64x16xf16, #gpu.address_space<workgroup>>,
                  %x : memref<8xf32, #gpu.address_space<workgroup>> {llvm.align = 4 : i64}) kernel {
      gpu.return
    }
  }
  func.func @f(%m: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @f_kernel::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    gpu.launch_func @f_kernel_0::@f_kernel_0 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    return
  }
}
