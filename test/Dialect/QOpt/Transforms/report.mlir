// The report lists every quantized layer with its scheme, bits and weight
// SQNR, and every layer left in float with the reason.
// RUN: quant-opt %s --qopt-rtn="bits=4" --qopt-report="file=%t.txt" -o /dev/null
// RUN: FileCheck %s < %t.txt
// RUN: quant-opt %s --qopt-report -o /dev/null 2>&1 | FileCheck %s --check-prefix=NONE

// CHECK: quantization report: 3 MatMul/Gemm/Conv layers, 2 quantized, 1 left in float
// CHECK-NEXT: layer op scheme bits weight SQNR (dB) output SQNR (dB)
// CHECK-NEXT: proj qopt.weight_matmul w4a16-rtn sym per-channel 4 {{[0-9]+\.[0-9]+}} -{{$}}
// CHECK-NEXT: head qopt.weight_matmul w4a16-rtn sym per-channel 4 {{[0-9]+\.[0-9]+}} -{{$}}
// CHECK-NEXT: float: scores (onnx.MatMul): weight B is not a constant (activation x activation matmul)
// NONE: quantization report: 3 MatMul/Gemm/Conv layers, 0 quantized, 3 left in float
// NONE: float: proj (onnx.MatMul): not quantized by any pass

func.func @main_graph(%x: tensor<2x4xf32>, %y: tensor<3x2xf32>) -> (tensor<2x2xf32>, tensor<2x3xf32>) {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %none = onnx.NoValue
  %p = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("proj")
  %s = onnx.MatMul %p, %y : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32> loc("scores")
  %h = onnx.Gemm %x, %w, %none : (tensor<2x4xf32>, tensor<4x3xf32>, none) -> tensor<2x3xf32> loc("head")
  return %s, %h : tensor<2x2xf32>, tensor<2x3xf32>
}
