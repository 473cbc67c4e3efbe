// A decode GEMV (one row) and a prefill-style matmul (rows known at run
// time) with 4-bit codes, group 128 and zero points, an 8-bit per-channel
// GEMV with a bias, and a 4-bit group-16 case with K = 40 the GEMV kernel
// does not cover (40 * 4 bits is not a whole number of 32-bit words).
func.func @main_graph(%x: tensor<1x256xf32>, %xs: tensor<?x256xf32>, %x40: tensor<1x40xf32>) -> (tensor<1x64xf32>, tensor<?x64xf32>, tensor<1x32xf32>, tensor<1x8xf32>) {
  %w = onnx.Constant dense<17> : tensor<64x128xui8>
  %s = arith.constant dense<0.5> : tensor<64x2xf32>
  %z = onnx.Constant dense<8> : tensor<64x2xui8>
  %y = qopt.weight_matmul %x, %w, %s zero_point %z {bits = 4 : i64, group_size = 128 : i64} : tensor<1x256xf32>, tensor<64x128xui8>, tensor<64x2xf32>, tensor<64x2xui8> -> tensor<1x64xf32>
  %ys = qopt.weight_matmul %xs, %w, %s zero_point %z {bits = 4 : i64, group_size = 128 : i64} : tensor<?x256xf32>, tensor<64x128xui8>, tensor<64x2xf32>, tensor<64x2xui8> -> tensor<?x64xf32>
  %w8 = onnx.Constant dense<200> : tensor<32x256xui8>
  %s8 = arith.constant dense<0.25> : tensor<32x1xf32>
  %b8 = arith.constant dense<1.0> : tensor<32xf32>
  %y8 = qopt.weight_matmul %x, %w8, %s8 bias %b8 {bits = 8 : i64} : tensor<1x256xf32>, tensor<32x256xui8>, tensor<32x1xf32>, tensor<32xf32> -> tensor<1x32xf32>
  %we = onnx.Constant dense<33> : tensor<8x20xui8>
  %se = arith.constant dense<0.125> : tensor<8x3xf32>
  %ye = qopt.weight_matmul %x40, %we, %se {bits = 4 : i64, group_size = 16 : i64} : tensor<1x40xf32>, tensor<8x20xui8>, tensor<8x3xf32> -> tensor<1x8xf32>
  return %y, %ys, %y8, %ye : tensor<1x64xf32>, tensor<?x64xf32>, tensor<1x32xf32>, tensor<1x8xf32>
}
