// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg --verify-diagnostics

func.func @cast_float8(%x: tensor<2xf32>) -> tensor<2xf8E4M3FN> {
  // expected-error @+2 {{Cast from f32 to f8E4M3FN is unsupported (float8, 4-bit and string types are not)}}
  // expected-error @+1 {{failed to legalize operation 'onnx.Cast'}}
  %0 = onnx.Cast %x {to = 17 : i64} : (tensor<2xf32>) -> tensor<2xf8E4M3FN>
  return %0 : tensor<2xf8E4M3FN>
}
