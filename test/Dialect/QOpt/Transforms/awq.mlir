// AWQ on a small graph: calibrate with a reservoir of input rows, search,
// check where s^-1 went and that every layer became qopt.weight_matmul,
// and that the result still computes the float function closely.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/make_dataset.py --out %t/data \
// RUN:   --random 4x8 --count 16 --outlier-channels 1 --outlier-scale 20
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/table.json progress=false reservoir-rows=64" -o /dev/null
// RUN: quant-opt %s --qopt-awq="bits=4 group-size=4 calibration-table=%t/table.json" -o %t/awq.mlir
// RUN: FileCheck %s < %t/awq.mlir
// RUN: quant-opt %s --qopt-awq="bits=4 group-size=4 calibration-table=%t/table.json" --qopt-report 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=REPORT
// RUN: quant-opt %s --emit=shared -o %t/float.so
// RUN: quant-opt %t/awq.mlir --emit=shared -o %t/awq.so
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/compare.py --quant-run quant-run \
// RUN:   --float %t/float.so --quant %t/awq.so --data %t/data --min-sqnr 20 \
// RUN:   --label awq | FileCheck %s --check-prefix=SQNR
// Symmetric, per channel (group-size >= K), without clipping:
// RUN: quant-opt %s --qopt-awq="bits=8 group-size=8 sym=true clip=false calibration-table=%t/table.json" \
// RUN:   | FileCheck %s --check-prefix=SYM
// Errors: a table without reservoir rows, a group size that does not divide
// K, no table, a table for another model.
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/plain.json progress=false" -o /dev/null
// RUN: not quant-opt %s --qopt-awq="calibration-table=%t/plain.json group-size=4" -o %t/bad.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NORES
// RUN: not ls %t/bad.mlir
// RUN: not quant-opt %s --qopt-awq="calibration-table=%t/table.json group-size=3" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GROUP
// RUN: not quant-opt %s --qopt-awq 2>&1 | FileCheck %s --check-prefix=NOTABLE
// RUN: sed 's/"fingerprint": "\(.\)/"fingerprint": "x/' %t/table.json > %t/other.json && cp %t/table.json.bin %t/other.json.bin
// RUN: not quant-opt %s --qopt-awq="calibration-table=%t/other.json" 2>&1 | FileCheck %s --check-prefix=OTHER

// 'down' is searched first: its s^-1 goes into the columns of 'up'; x also
// feeds the LayerNorm, so 'up' gets an explicit Mul in front of it only;
// the LayerNorm absorbs s^-1 of q_proj / k_proj, searched together.
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[MUL:.*]] = onnx.Mul %arg0, %{{.*}} : (tensor<4x8xf32>, tensor<8xf32>)
// CHECK: %[[LN:.*]], %{{.*}}, %{{.*}} = onnx.LayerNormalization %arg0
// CHECK: qopt.weight_matmul %[[LN]], %{{.*}}, %{{.*}} zero_point %{{.*}} {bits = 4 : i64, group_size = 4 : i64, qopt.awq = "alpha {{0\.[0-9]+}} over 2 layers of 'ln', s^-1 folded into LayerNorm 'ln', {{[0-9]+}}/16 (row, group) ranges clipped", qopt.awq_alpha = {{.*}}, qopt.bits = 4 : i64, qopt.output_sqnr_db = {{.*}}, qopt.scheme = "w4a16-awq asym group 4", qopt.weight_sqnr_db = {{.*}}} : tensor<4x8xf32>, tensor<4x4xui8>, tensor<4x2xf32>, tensor<4x2xui8> -> tensor<4x4xf32>
// CHECK: qopt.weight_matmul %[[LN]], {{.*}}qopt.awq = "alpha {{0\.[0-9]+}} over 2 layers of 'ln', s^-1 folded into LayerNorm 'ln'
// CHECK: %[[UP:.*]] = qopt.weight_matmul %[[MUL]], {{.*}}qopt.awq = "alpha {{0\.[0-9]+}} over 1 layer of 'x', s^-1 folded into an explicit Mul (x has users that are not quantized here)
// CHECK: qopt.weight_matmul %[[UP]], {{.*}}qopt.awq = "alpha {{0\.[0-9]+}} over 1 layer of 'up', s^-1 folded into 'up'
// CHECK-NOT: onnx.MatMul
// REPORT: quantization report: 4 MatMul/Gemm/Conv layers, 4 quantized, 0 left in float
// REPORT: q_proj {{ *}}qopt.weight_matmul {{ *}}w4a16-awq asym group 4 {{ *}}4  {{[0-9.]+}}  {{[0-9.]+}}
// REPORT: awq: q_proj: alpha
// SQNR: awq SQNR: {{[0-9.]+}} dB over 16 samples
// SYM: qopt.weight_matmul {{.*}}{bits = 8 : i64, qopt.awq = "alpha {{.*}} 0/8 (row, group) ranges clipped"{{.*}}qopt.scheme = "w8a16-awq sym per-channel"
// NORES: error: {{.*}}--qopt-awq: the calibration table has no reservoir rows of 8 channels for tensor '{{.*}}' (input of '{{.*}}'); calibrate with --qopt-calibrate="reservoir-rows=N"
// GROUP: error: {{.*}}--qopt-awq: group-size 3 does not divide K = 8 of layer '{{.*}}'
// NOTABLE: --qopt-awq needs calibration-table=FILE
// OTHER: --qopt-awq: calibration table '{{.*}}other.json': written for another model

func.func @main_graph(%x: tensor<4x8xf32> {onnx.name = "x"}) -> (tensor<4x4xf32> {onnx.name = "q"}, tensor<4x4xf32> {onnx.name = "k"}, tensor<4x4xf32> {onnx.name = "d"}) {
  %g = onnx.Constant dense<[1.0, 2.0, 0.5, 1.5, 8.0, 1.0, 0.7, 1.2]> : tensor<8xf32>
  %b = onnx.Constant dense<[0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.0]> : tensor<8xf32>
  %wq = onnx.Constant dense<[[0.063, -0.066, 0.320, 0.052], [-0.268, 0.181, 0.652, 0.474], [-0.352, -0.633, -0.312, 0.021], [-1.163, -0.109, -0.623, -0.366], [-0.272, -0.158, 0.206, 0.521], [-0.064, 0.683, -0.333, 0.176], [0.452, 0.047, -0.372, -0.461], [-0.229, 0.110, -0.505, -0.105]]> : tensor<8x4xf32>
  %wk = onnx.Constant dense<[[-0.080, 0.270, 0.107, 0.178], [-0.327, -0.065, 0.392, 0.747], [-0.630, 0.757, 0.673, 0.391], [0.132, -0.157, 0.729, 0.980], [0.901, 0.658, 0.179, -0.604], [-0.002, 0.328, -0.644, 0.198], [0.215, 0.348, -0.592, -0.331], [-0.218, -0.585, 0.870, -0.248]]> : tensor<8x4xf32>
  %wu = onnx.Constant dense<[[0.164, -0.129, 0.792, 5.281, 0.317, -1.102, 0.026, 0.342], [0.502, -0.309, 0.911, -5.282, -0.331, 0.468, 0.025, 1.001], [0.094, -0.317, -0.189, -4.365, -0.639, 0.315, 0.291, 0.647], [-0.377, 0.845, -0.144, 6.298, -0.216, -0.368, 0.125, 0.516], [0.081, -0.293, -0.671, -5.606, 0.251, 0.495, -0.082, -0.537], [0.437, -0.640, -0.357, 2.484, -1.125, 0.193, -0.291, 0.055], [-0.038, 0.101, 0.347, -3.033, 0.710, 0.363, 0.422, 0.582], [0.394, 0.422, 0.038, -5.707, -0.068, -0.385, -0.711, 0.129]]> : tensor<8x8xf32>
  %wd = onnx.Constant dense<[[-0.284, -0.515, -0.522, 0.134], [0.179, 0.661, -0.007, 0.521], [0.701, 0.575, -1.183, 0.614], [0.170, 0.212, 0.186, 0.191], [0.160, -0.179, -0.951, -0.054], [-0.402, 0.540, -0.144, 0.042], [-0.425, -0.255, -0.006, -0.743], [0.150, -0.053, -0.593, -1.199]]> : tensor<8x4xf32>
  %y, %mean, %inv = onnx.LayerNormalization %x, %g, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) loc("ln")
  %q = onnx.MatMul %y, %wq : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("q_proj")
  %k = onnx.MatMul %y, %wk : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("k_proj")
  %h = onnx.MatMul %x, %wu : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("up")
  %d = onnx.MatMul %h, %wd : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("down")
  return %q, %k, %d : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
