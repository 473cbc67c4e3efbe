// Dynamic: no table. The MatMul and both Gemms (transB=1 with a [N] bias;
// transB=0 with alpha, beta and a [1, N] bias) become dynamic_quantize (per
// token) + qmatmul. Fallbacks to the QDQ form: w8a8-fallbacks.mlir.
// RUN: quant-opt %s --qopt-w8a8="mode=dynamic granularity=per-token" | FileCheck %s --check-prefix=DYN
// Static: scales from a calibration table of this graph.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/make_dataset.py --out %t/data --random 2x4 --count 4
// RUN: quant-opt %s --qopt-calibrate="data=%t/data table=%t/table.json progress=false" -o /dev/null
// RUN: quant-opt %s --qopt-w8a8="mode=static calibration-table=%t/table.json method=kl" | FileCheck %s --check-prefix=STATIC
// The float graph and both quantized ones run and stay close:
// RUN: quant-opt %s --emit=shared -o %t/float.so
// RUN: quant-opt %s --qopt-w8a8="mode=static calibration-table=%t/table.json" --emit=shared -o %t/static.so
// RUN: quant-opt %s --qopt-w8a8="mode=dynamic" --emit=shared -o %t/dynamic.so
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/compare.py --quant-run quant-run --float %t/float.so \
// RUN:   --quant %t/static.so --data %t/data --min-sqnr 25 --label static | FileCheck %s --check-prefix=SQNR
// RUN: %python %qopt_src/test/e2e/quantize/Inputs/compare.py --quant-run quant-run --float %t/float.so \
// RUN:   --quant %t/dynamic.so --data %t/data --min-sqnr 25 --label dynamic | FileCheck %s --check-prefix=SQNR
// RUN: not quant-opt %s --qopt-w8a8="mode=static granularity=per-token calibration-table=%t/table.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TOKEN

// DYN-LABEL: func.func @main_graph
// DYN: %[[Q:.*]], %[[S:.*]], %[[Z:.*]] = qopt.dynamic_quantize %arg0 per_row : tensor<2x4xf32> -> tensor<2x4xui8>, tensor<2xf32>, tensor<2xui8>
// DYN: qopt.qmatmul %[[Q]], %{{.*}}, %[[S]], %[[Z]], %{{.*}} {qopt.bits = 8 : i64, qopt.scheme = "w8a8 dynamic per-token", qopt.weight_sqnr_db = {{.*}}} : tensor<2x4xui8>, tensor<4x3xi8>, tensor<2xf32>, tensor<2xui8>, tensor<3xf32> -> tensor<2x3xf32>
// transB=1: the [3, 4] weight is transposed to [K, N] = [4, 3]; C is the bias.
// DYN: %[[GB:.*]] = onnx.Constant dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>
// DYN: %[[Q2:.*]], %[[S2:.*]], %[[Z2:.*]] = qopt.dynamic_quantize %arg0 per_row
// DYN: qopt.qmatmul %[[Q2]], %{{.*}}, %[[S2]], %[[Z2]], %{{.*}} bias %[[GB]] {qopt.bits = 8 : i64, qopt.scheme = "w8a8 dynamic per-token", qopt.weight_sqnr_db = {{.*}}} : tensor<2x4xui8>, tensor<4x3xi8>, tensor<2xf32>, tensor<2xui8>, tensor<3xf32>, tensor<3xf32> -> tensor<2x3xf32>
// alpha = -0.5 folds into the scales (0.5x) and the codes (negated): the
// weight [[0.5, -1, 0.25], ...] has column scales 1/127, 1/127, 0.9/127, so
// the first row's codes become -64, 127, -35 (half to even: 63.5 -> 64).
// beta * C = 2 * [0.5, -1, 0.25].
// DYN: onnx.Constant dense<{{\[}}[-64, 127, -35]{{.*}}> : tensor<4x3xi8>
// DYN: onnx.Constant dense<[0.00393700786, 0.00393700786, 0.00354330707]> : tensor<3xf32>
// DYN: onnx.Constant dense<[1.000000e+00, -2.000000e+00, 5.000000e-01]> : tensor<3xf32>
// DYN: qopt.qmatmul {{.*}} bias {{.*}} : tensor<2x4xui8>, tensor<4x3xi8>, tensor<2xf32>, tensor<2xui8>, tensor<3xf32>, tensor<3xf32> -> tensor<2x3xf32>
// DYN-NOT: onnx.Gemm

// STATIC-LABEL: func.func @main_graph
// STATIC: %[[Q:.*]] = qopt.quantize %arg0, %[[S:.*]], %[[Z:.*]] : tensor<2x4xf32>, tensor<f32>, tensor<i8> -> tensor<2x4xi8>
// STATIC: qopt.qmatmul %[[Q]], %{{.*}}, %[[S]], %[[Z]], %{{.*}} {{.*}}qopt.scheme = "w8a8 static per-tensor (kl)"
// STATIC: %[[Q2:.*]] = qopt.quantize %arg0, %[[S2:.*]], %[[Z2:.*]] : tensor<2x4xf32>, tensor<f32>, tensor<i8> -> tensor<2x4xi8>
// STATIC: qopt.qmatmul %[[Q2]], %{{.*}}, %[[S2]], %[[Z2]], %{{.*}} bias {{.*}}qopt.scheme = "w8a8 static per-tensor (kl)"
// STATIC: qopt.qmatmul {{.*}} bias {{.*}}qopt.scheme = "w8a8 static per-tensor (kl)"
// STATIC-NOT: onnx.Gemm
// SQNR: SQNR: {{[0-9.]+}} dB over 4 samples
// TOKEN: error: --qopt-w8a8: granularity=per-token needs mode=dynamic (static scales are per tensor)

func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"}) -> (tensor<2x3xf32> {onnx.name = "m"}, tensor<2x3xf32> {onnx.name = "g"}, tensor<2x3xf32> {onnx.name = "g2"}) {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %wt = onnx.Constant dense<[[0.1, -0.4, 0.7, 1.0], [0.2, 0.5, -0.8, 1.1], [0.3, -0.6, 0.9, -1.2]]> : tensor<3x4xf32>
  %c = onnx.Constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %m = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("mm")
  %g = onnx.Gemm %x, %wt, %c {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("gemm")
  %c2 = onnx.Constant dense<[[0.5, -1.0, 0.25]]> : tensor<1x3xf32>
  %g2 = onnx.Gemm %x, %w, %c2 {alpha = -0.5 : f32, beta = 2.0 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32> loc("gemm2")
  return %m, %g, %g2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
