// RUN: quant-opt %s --qopt-convert-qopt-to-linalg | FileCheck %s

// A probe lowers to its operand.
// CHECK-LABEL: func.func @probe
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @probe(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = qopt.probe %x "act" stats ["minmax"] : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
