// --qopt-gptq on a small graph: fc1 and the Gemm 'side' read the graph
// input (stage 1), fc2 reads fc1's output through a Relu (stage 2).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/make_dataset.py --out %t/data --random 16x8 --count 4
//
// Sequential (default), act-order with dynamic groups: the weight is stored
// in act-order and x is gathered with the permutation first.
// RUN: quant-opt %s --qopt-gptq="bits=4 group-size=4 calibration-data=%t/data" -o %t/seq.mlir 2> %t/seq.log
// RUN: FileCheck %s --check-prefix=SEQ < %t/seq.mlir
// RUN: FileCheck %s --check-prefix=PROGRESS < %t/seq.log
// PROGRESS: gptq: stage 1/2: 2 layers (fc1, ...), 4 samples, {{[0-9.]+}} s (GPTQ {{[0-9.]+}} s)
// PROGRESS-NEXT: gptq: stage 2/2: 1 layer (fc2), 4 samples, {{[0-9.]+}} s (GPTQ {{[0-9.]+}} s)
// PROGRESS-NEXT: gptq: 3 layers in 2 stages, {{[0-9.]+}} s (compiling the calibration copy {{[0-9.]+}} s)
// SEQ-LABEL: func.func @main_graph
// SEQ-DAG: %[[P1:.*]] = onnx.Constant dense<{{\[[0-7, ]+\]}}> : tensor<8xi64>
// SEQ-DAG: %[[X1:.*]] = onnx.Gather %arg0, %[[P1]] {axis = 1 : i64}
// SEQ-DAG: %[[H:.*]] = qopt.weight_matmul %[[X1]], %{{.*}}, %{{.*}} zero_point %{{.*}} {bits = 4 : i64, group_size = 4 : i64, qopt.bits = 4 : i64, qopt.group_size = 4 : i64, qopt.output_sqnr_db = {{.*}}, qopt.scheme = "w4a16-gptq asym group 4 act-order (gathered)", qopt.weight_sqnr_db = {{.*}}} : tensor<16x8xf32>, tensor<8x4xui8>, tensor<8x2xf32>, tensor<8x2xui8> -> tensor<16x8xf32>
// SEQ-DAG: %[[R:.*]] = onnx.Relu %[[H]]
// SEQ-DAG: %[[X2:.*]] = onnx.Gather %[[R]], %{{.*}} {axis = 1 : i64}
// SEQ-DAG: qopt.weight_matmul %[[X2]], {{.*}} -> tensor<16x4xf32>
// SEQ-DAG: qopt.weight_matmul %[[X1]], %{{.*}}, %{{.*}} zero_point %{{.*}} bias %{{.*}} {{.*}} : tensor<16x8xf32>, tensor<3x4xui8>, tensor<3x2xf32>, tensor<3x2xui8>, tensor<3xf32> -> tensor<16x3xf32>
// SEQ-NOT: onnx.MatMul
// SEQ-NOT: onnx.Gemm
//
// Static groups, or no act-order: the original column order, no Gather.
// RUN: quant-opt %s --qopt-gptq="bits=4 group-size=4 static-groups=true calibration-data=%t/data progress=false" \
// RUN:   | FileCheck %s --check-prefix=STATIC
// STATIC-LABEL: func.func @main_graph
// STATIC-NOT: onnx.Gather
// STATIC: qopt.weight_matmul %arg0, {{.*}}qopt.scheme = "w4a16-gptq asym group 4 act-order static-groups"
// RUN: quant-opt %s --qopt-gptq="bits=3 group-size=0 sym=true act-order=false calibration-data=%t/data progress=false" \
// RUN:   | FileCheck %s --check-prefix=NOACT
// NOACT-LABEL: func.func @main_graph
// NOACT-NOT: onnx.Gather
// NOACT: qopt.weight_matmul %arg0, %{{.*}}, %{{.*}} {bits = 3 : i64, qopt.bits = 3 : i64, qopt.group_size = 0 : i64, {{.*}}qopt.scheme = "w3a16-gptq sym per-channel"
//
// Non-sequential: one run of the float model, or XᵀX from a calibration
// table (same XᵀX for stage-1 layers; fc2's differs from sequential's).
// RUN: quant-opt %s --qopt-gptq="group-size=4 sequential=false calibration-data=%t/data" -o %t/nonseq.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NONSEQ
// NONSEQ: gptq: stage 1/1: 3 layers (fc1, ...), 4 samples, {{[0-9.]+}} s
// NONSEQ-NEXT: gptq: 3 layers in 1 stage (sequential=false), {{.*}}
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/table.json xtx=true progress=false" -o /dev/null
// RUN: quant-opt %s --qopt-gptq="group-size=4 sequential=false calibration-table=%t/table.json" -o %t/table.mlir 2>&1 \
// RUN:   | count 0
// RUN: diff %t/nonseq.mlir %t/table.mlir
//
// --qopt-report lists the GPTQ layers with weight and output SQNR.
// RUN: quant-opt %s --qopt-gptq="group-size=4 calibration-data=%t/data progress=false" --qopt-report -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REPORT
// REPORT: quantization report: 3 MatMul/Gemm/Conv layers, 3 quantized, 0 left in float
// REPORT: fc1{{ +}}qopt.weight_matmul{{ +}}w4a16-gptq asym group 4 act-order (gathered){{ +}}4  {{[0-9.]+}}  {{[0-9.]+}}
// REPORT: fc2{{ +}}qopt.weight_matmul{{ +}}w4a16-gptq asym group 4 act-order (gathered){{ +}}4  {{[0-9.]+}}  {{[0-9.]+}}
// REPORT: side{{ +}}qopt.weight_matmul{{ +}}w4a16-gptq asym group 4 act-order (gathered){{ +}}4  {{[0-9.]+}}  {{[0-9.]+}}

func.func @main_graph(%x: tensor<16x8xf32> {onnx.name = "x"}) -> (tensor<16x4xf32> {onnx.name = "y"}, tensor<16x3xf32> {onnx.name = "s"}) {
  %w1 = onnx.Constant dense<[[0.5, -1.0, 0.25, 0.1, 0.9, -0.3, 0.2, 0.7], [1.0, 0.5, -0.5, 0.3, -0.2, 0.6, -0.8, 0.1], [0.2, 0.3, 0.4, -0.6, 0.5, 0.1, 0.9, -0.4], [-0.7, 0.1, 0.9, 0.2, -0.1, 0.8, 0.3, 0.5], [0.4, -0.2, 0.6, 0.7, 0.3, -0.9, 0.1, 0.2], [0.3, 0.8, -0.1, -0.5, 0.6, 0.2, -0.4, 0.9], [-0.6, 0.4, 0.2, 0.8, -0.7, 0.5, 0.6, -0.2], [0.9, -0.5, 0.3, 0.1, 0.4, -0.6, 0.7, 0.3]]> : tensor<8x8xf32>
  %w2 = onnx.Constant dense<[[0.1, 0.2, 0.3, -0.4], [-0.4, 0.5, -0.6, 0.2], [0.7, -0.8, 0.9, 0.1], [1.0, 1.1, -1.2, 0.3], [0.2, -0.3, 0.4, 0.5], [-0.5, 0.6, 0.1, -0.7], [0.8, 0.2, -0.3, 0.4], [0.3, -0.9, 0.5, 0.6]]> : tensor<8x4xf32>
  %w3 = onnx.Constant dense<[[1.0, 2.0, 3.0, 4.0, -1.0, 0.5, 0.0, 2.0], [0.1, 0.2, 0.3, 0.4, 0.5, -0.6, 0.7, -0.8], [-1.5, 0.5, 2.5, -0.5, 1.0, 0.25, -2.0, 0.75]]> : tensor<3x8xf32>
  %c = onnx.Constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %h = onnx.MatMul %x, %w1 : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32> loc("fc1")
  %r = onnx.Relu %h : (tensor<16x8xf32>) -> tensor<16x8xf32> loc("relu")
  %y = onnx.MatMul %r, %w2 : (tensor<16x8xf32>, tensor<8x4xf32>) -> tensor<16x4xf32> loc("fc2")
  %s = onnx.Gemm %x, %w3, %c {transB = 1 : i64, alpha = 0.5 : f32} : (tensor<16x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<16x3xf32> loc("side")
  return %y, %s : tensor<16x4xf32>, tensor<16x3xf32>
}
