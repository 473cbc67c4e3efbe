// Dynamic: no table. The MatMul becomes dynamic_quantize (per token) +
// qmatmul; the Gemm keeps its op in QDQ form.
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
// DYN: onnx.DequantizeLinear {{.*}} : (tensor<3x4xi8>, tensor<3xf32>, none) -> tensor<3x4xf32>
// DYN: onnx.DynamicQuantizeLinear %arg0
// DYN: onnx.DequantizeLinear {{.*}} : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xf32>
// DYN: onnx.Gemm {{.*}}qopt.scheme = "w8a8 dynamic per-tensor (per-token is for MatMul)"

// STATIC-LABEL: func.func @main_graph
// STATIC: %[[Q:.*]] = qopt.quantize %arg0, %[[S:.*]], %[[Z:.*]] : tensor<2x4xf32>, tensor<f32>, tensor<i8> -> tensor<2x4xi8>
// STATIC: qopt.qmatmul %[[Q]], %{{.*}}, %[[S]], %[[Z]], %{{.*}} {{.*}}qopt.scheme = "w8a8 static per-tensor (kl)"
// STATIC: onnx.QuantizeLinear %arg0, {{.*}} -> tensor<2x4xi8>
// STATIC: onnx.Gemm {{.*}}qopt.scheme = "w8a8 static per-tensor (kl)"
// SQNR: SQNR: {{[0-9.]+}} dB over 4 samples
// TOKEN: error: --qopt-w8a8: granularity=per-token needs mode=dynamic (static scales are per tensor)

func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"}) -> (tensor<2x3xf32> {onnx.name = "m"}, tensor<2x3xf32> {onnx.name = "g"}) {
  %w = onnx.Constant dense<[[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [0.2, 0.3, 0.4], [-0.7, 0.1, 0.9]]> : tensor<4x3xf32>
  %wt = onnx.Constant dense<[[0.1, -0.4, 0.7, 1.0], [0.2, 0.5, -0.8, 1.1], [0.3, -0.6, 0.9, -1.2]]> : tensor<3x4xf32>
  %c = onnx.Constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %m = onnx.MatMul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("mm")
  %g = onnx.Gemm %x, %wt, %c {transB = 1 : i64} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("gemm")
  return %m, %g : tensor<2x3xf32>, tensor<2x3xf32>
}
