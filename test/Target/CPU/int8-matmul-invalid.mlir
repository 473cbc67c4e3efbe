// RUN: quant-opt %s --qopt-cpu-int8-matmul="micro-n=0" --verify-diagnostics

// expected-error @below {{qopt-cpu-int8-matmul: micro-m, micro-n and tile-m must be positive (got 8, 0, 64)}}
func.func @zero_width(%a: tensor<4x4xi8>) -> tensor<4x4xi8> {
  return %a : tensor<4x4xi8>
}
