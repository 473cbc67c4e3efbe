// Ops the lowering does not support fail with an error on the op.
// RUN: quant-opt %s --split-input-file --qopt-convert-qopt-to-linalg --verify-diagnostics

func.func @qconv_dynamic_spatial(%x: tensor<1x8x?x16xui8>, %w: tensor<16x8x3x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<1x16x?x14xf32> {
  // expected-error @+2 {{unsupported: qconv with dynamic channels or spatial sizes}}
  // expected-error @+1 {{failed to legalize operation 'qopt.qconv'}}
  %0 = qopt.qconv %x, %w, %s, %z, %s : tensor<1x8x?x16xui8>, tensor<16x8x3x3xi8>, tensor<f32>, tensor<ui8>, tensor<f32> -> tensor<1x16x?x14xf32>
  return %0 : tensor<1x16x?x14xf32>
}
