// --qopt-llm-int8 on a MatMul and a Gemm (transB=1, [N] bias) reading the
// same input x, whose feature 1 is 20x larger in the calibration data
// (max |x| far above 6; the other features are N(0, 1), 8 values each).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/make_dataset.py --out %t/data --random 2x4 --count 4 \
// RUN:   --outlier-channels 1 --outlier-scale 20
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/table.json progress=false reservoir-rows=8" -o /dev/null
// Static, threshold 6: feature 1 is an outlier of both layers.
// RUN: quant-opt %s --qopt-llm-int8="calibration-table=%t/table.json" | FileCheck %s --check-prefix=STATIC
// Static, threshold 100: no outlier, plain vector-wise int8.
// RUN: quant-opt %s --qopt-llm-int8="threshold=100 calibration-table=%t/table.json" | FileCheck %s --check-prefix=PLAIN
// Dynamic: decided per call, no table needed.
// RUN: quant-opt %s --qopt-llm-int8="mode=dynamic" | FileCheck %s --check-prefix=DYN
// The report prints the outlier columns and the output SQNR on the rows.
// RUN: quant-opt %s --qopt-llm-int8="calibration-table=%t/table.json" --qopt-report -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REPORT
// RUN: quant-opt %s --qopt-llm-int8="mode=dynamic" --qopt-report -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYNREPORT

// Errors: a clear message, non-zero exit, no output file.
// RUN: not quant-opt %s --qopt-llm-int8 -o %t/none.mlir 2>&1 | FileCheck %s --check-prefix=NOTABLE
// RUN: test ! -e %t/none.mlir
// NOTABLE: error: --qopt-llm-int8: mode=static needs calibration-table=FILE (the per-channel absmax of each layer input, written by --qopt-calibrate)
// RUN: not quant-opt %s --qopt-llm-int8="mode=dynamic threshold=0" 2>&1 | FileCheck %s --check-prefix=THRESHOLD
// RUN: not quant-opt %s --qopt-llm-int8="mode=dynamic threshold=-1" 2>&1 | FileCheck %s --check-prefix=THRESHOLD
// THRESHOLD: error: --qopt-llm-int8: threshold must be a finite number > 0, got {{.+}}
// RUN: not quant-opt %s --qopt-llm-int8="mode=fast" 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: error: --qopt-llm-int8: mode must be static or dynamic, got 'fast'
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/drop_channel_stats.py %t/table.json %t/nochan.json x
// RUN: not quant-opt %s --qopt-llm-int8="calibration-table=%t/nochan.json" -o %t/none.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOCHAN
// RUN: test ! -e %t/none.mlir
// NOCHAN: error: {{.*}}--qopt-llm-int8: the calibration table '{{.*}}nochan.json' has no per-channel absmax of 4 channels for tensor 'x' (input of 'mm'); --qopt-calibrate writes it for the input of every MatMul / Gemm with a constant weight
// Dynamic mode does not need the statistics (the table only gives the SQNR).
// RUN: quant-opt %s --qopt-llm-int8="mode=dynamic calibration-table=%t/nochan.json" -o /dev/null

// STATIC-LABEL: func.func @main_graph
// The int8 weight is quantized with row 1 zeroed: column absmax 0.7, 1, 0.9,
// so row 0 [0.5, -1, 0.25] becomes 91, -127, 35.
// STATIC: %[[MASK:.*]] = onnx.Constant dense<[1.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<4xf32>
// STATIC: %[[XIN:.*]] = onnx.Mul %arg0, %[[MASK]]
// STATIC: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qopt.dynamic_quantize %[[XIN]] per_row symmetric : tensor<2x4xf32> -> tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>
// STATIC: %[[W:.*]] = onnx.Constant dense<{{\[}}[91, -127, 35], [0, 0, 0], [36, 38, 56], [-127, 13, 127]]> : tensor<4x3xi8>
// STATIC: %[[Y:.*]] = qopt.qmatmul %[[Q]], %[[W]], %[[S]], %[[Z]], %{{.*}} {qopt.bits = 8 : i64, qopt.llm_int8_mode = "static", qopt.llm_int8_threshold = 6.000000e+00 : f64, qopt.outlier_columns = 1 : i64, qopt.output_sqnr_db = {{.*}}, qopt.scheme = "llm-int8", qopt.weight_sqnr_db = {{.*}}} : tensor<2x4xi8>, tensor<4x3xi8>, tensor<2xf32>, tensor<2xi8>, tensor<3xf32> -> tensor<2x3xf32>
// STATIC: %[[IDX:.*]] = onnx.Constant dense<1> : tensor<1xi64>
// STATIC: %[[XOUT:.*]] = onnx.Gather %arg0, %[[IDX]] {{.*}}-> tensor<2x1xf32>
// The outlier row of W in float.
// STATIC: %[[WOUT:.*]] = onnx.Constant dense<{{\[}}[1.000000e+00, 5.000000e-01, -5.000000e-01]]> : tensor<1x3xf32>
// STATIC: %[[YOUT:.*]] = onnx.MatMul %[[XOUT]], %[[WOUT]] {qopt.bits = 32 : i64, qopt.llm_int8_layer = "mm", qopt.scheme = "llm-int8 outlier part"}
// STATIC: %[[SUM:.*]] = onnx.Add %[[Y]], %[[YOUT]]
// The Gemm: B^T [4, 3], C the qmatmul bias.
// STATIC: onnx.Mul %arg0
// STATIC: qopt.dynamic_quantize {{.*}} per_row symmetric
// STATIC: qopt.qmatmul {{.*}} bias {{.*}}qopt.outlier_columns = 1 : i64{{.*}}qopt.scheme = "llm-int8"
// STATIC: onnx.Gather %arg0
// STATIC: onnx.MatMul
// STATIC: onnx.Add
// STATIC-NOT: onnx.Gemm
// STATIC: return %[[SUM]],

// PLAIN-LABEL: func.func @main_graph
// PLAIN-NOT: onnx.Mul
// PLAIN: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qopt.dynamic_quantize %arg0 per_row symmetric
// Every row in the int8 weight: column absmax 1, 1, 0.9.
// PLAIN: %[[Y:.*]] = qopt.qmatmul %[[Q]], %{{.*}}, %[[S]], %[[Z]], {{.*}}qopt.outlier_columns = 0 : i64{{.*}}qopt.scheme = "llm-int8"
// PLAIN: qopt.qmatmul {{.*}}qopt.outlier_columns = 0 : i64
// PLAIN-NOT: onnx.Gather
// PLAIN-NOT: onnx.Add
// PLAIN: return %[[Y]],

// DYN-LABEL: func.func @main_graph
// DYN: %[[ABS:.*]] = onnx.Abs %arg0
// DYN: %[[MAX:.*]] = onnx.ReduceMax %[[ABS]], {{.*}}-> tensor<1x4xf32>
// DYN: %[[C:.*]] = onnx.Greater %[[MAX]], {{.*}}-> tensor<1x4xi1>
// DYN: %[[XOUT:.*]] = onnx.Where %[[C]], %arg0, %[[ZERO:[^ ]*]] :
// DYN: %[[XIN:.*]] = onnx.Where %[[C]], %[[ZERO]], %arg0 :
// DYN: qopt.dynamic_quantize %[[XIN]] per_row symmetric : tensor<2x4xf32> -> tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>
// DYN: %[[Y:.*]] = qopt.qmatmul {{.*}}qopt.llm_int8_mode = "dynamic"{{.*}}qopt.scheme = "llm-int8"
// Same codes + 128 ([N, K]): column 0 of the full weight, absmax 1:
// [0.5, 1, 0.2, -0.7] -> 64, 127, 25, -89 -> 192, 255, 153, 39.
// DYN: onnx.Constant dense<{{\[}}[192, 255, 153, 39], {{.*}}]> : tensor<3x4xui8>
// DYN: %[[YOUT:.*]] = qopt.weight_matmul %[[XOUT]], {{.*}}qopt.scheme = "llm-int8 outlier part"
// DYN: onnx.Add %[[Y]], %[[YOUT]]
// DYN-NOT: onnx.Gemm

// REPORT: quantization report: 4 MatMul/Gemm/Conv layers, 4 quantized, 0 left in float
// REPORT: mm {{.*}}qopt.qmatmul {{.*}}llm-int8 {{.*}}8 {{[0-9.]+}} {{[0-9.]+}} outlier columns: 1
// REPORT: mm {{.*}}onnx.MatMul {{.*}}llm-int8 outlier part {{.*}}32 - -
// REPORT: gemm {{.*}}qopt.qmatmul {{.*}}llm-int8 {{.*}}outlier columns: 1
// DYNREPORT: mm {{.*}}qopt.qmatmul {{.*}}llm-int8 {{.*}}outlier columns: decided per call
// DYNREPORT: mm {{.*}}qopt.weight_matmul {{.*}}llm-int8 outlier part

func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"}) -> (tensor<2x3xf32> {onnx.name = "m"}, tensor<2x3xf32> {onnx.name = "g"}) {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %wt = onnx.Constant dense<[[0.1, -0.4, 0.7, 1.0], [0.2, 0.5, -0.8, 1.1], [0.3, -0.6, 0.9, -1.2]]> : tensor<3x4xf32>
  %c = onnx.Constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %m = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("mm")
  %g = onnx.Gemm %x, %wt, %c {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("gemm")
  return %m, %g : tensor<2x3xf32>, tensor<2x3xf32>
}
