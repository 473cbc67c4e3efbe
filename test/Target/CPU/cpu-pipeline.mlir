// RUN: quant-opt %s --qopt-cpu-pipeline="model-name=tiny vector-width=16" | FileCheck %s
// RUN: quant-opt %s --qopt-cpu-pipeline="model-name=tiny parallel=false" | FileCheck %s --check-prefix=SEQ

// The whole CPU pipeline: onnx in, LLVM dialect out, with the C ABI around
// the entry function (docs/cpu-codegen.md).
// CHECK-NOT: onnx.
// CHECK: llvm.func internal @main_graph(
// Parallel tiles run on OpenMP threads; without them nothing calls libomp.
// CHECK: omp.parallel
// CHECK-DAG: llvm.func @tiny_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK-DAG: llvm.func @tiny_signature() -> !llvm.ptr
// CHECK-DAG: llvm.func weak @qopt_model_prefix() -> !llvm.ptr
// CHECK-DAG: llvm.mlir.global internal constant @__tiny_signature_text("qopt-model 1\0Aname tiny\0Ainput 0 x float 2 ? 64\0Aoutput 0 y float 2 ? 32\0A\00")
// SEQ-NOT: omp.parallel
// SEQ: llvm.func @tiny_run
module {
  func.func @main_graph(%x: tensor<?x64xf32> {onnx.name = "x"}) -> (tensor<?x32xf32> {onnx.name = "y"}) {
    %w = onnx.Constant dense<0.5> : tensor<64x32xf32>
    %0 = onnx.MatMul %x, %w : (tensor<?x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
    %1 = onnx.Relu %0 : (tensor<?x32xf32>) -> tensor<?x32xf32>
    return %1 : tensor<?x32xf32>
  }
}
