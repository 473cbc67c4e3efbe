// RUN: quant-opt %s --split-input-file --qopt-convert-onnx-to-linalg | FileCheck %s

// Unsigned element types become signless in the signature and in constants;
// dense_resource weights keep their blob.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: (%{{.*}}: tensor<2xi8>) -> (tensor<2xi8>, tensor<20xi8>)
// CHECK: arith.constant dense_resource<w> : tensor<20xi8>
func.func @unsigned(%a: tensor<2xui8>) -> (tensor<2xui8>, tensor<20xui8>) {
  %w = onnx.Constant dense_resource<w> : tensor<20xui8>
  return %a, %w : tensor<2xui8>, tensor<20xui8>
}

// -----

// Broadcasting: a static 1 reads index 0, a missing leading dimension is
// dropped from the map, a dynamic dimension comes from the operand.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @broadcast
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[DIM]]) : tensor<?x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: arith.divui
func.func @broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>, %c: tensor<?x4xui8>, %d: tensor<?x1xui8>) -> (tensor<?x4xf32>, tensor<?x4xui8>) {
  %0 = onnx.Add %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %1 = onnx.Div %c, %d : (tensor<?x4xui8>, tensor<?x1xui8>) -> tensor<?x4xui8>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xui8>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x0400000000010203040506070809000102030405060708090001"
    }
  }
#-}
