// RUN: quant-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(qopt-cpu-conv-to-matmul{min-channels=16 min-reduction=16 min-macs=1048576}))' \
// RUN:   | FileCheck %s

// The NVPTX pipeline's thresholds for the im2col rewrite (docs/gpu.md):
// at least 16 output channels per group, C/G * KH * KW >= 16 and, when the
// sizes are static, 2^20 multiply-accumulates. A 3x3 conv of 32 -> 64
// channels on 16 x 16 (4.7M MACs) is rewritten: im2col copy + one matmul.
// CHECK-LABEL: func.func @large
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x32x18x18xf32>) outs(%{{.*}} : tensor<32x3x3x1x16x16xf32>)
// CHECK: %[[RHS:.*]] = tensor.collapse_shape %[[COL]] {{.*}} into tensor<288x256xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[RHS]] : tensor<64x288xf32>, tensor<288x256xf32>)
// CHECK-NOT: linalg.conv_2d
func.func @large(%in: tensor<1x32x18x18xf32>, %w: tensor<64x32x3x3xf32>, %init: tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<1x32x18x18xf32>, tensor<64x32x3x3xf32>) outs(%init : tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32>
  return %0 : tensor<1x64x16x16xf32>
}

// -----

// A dynamic batch: the MAC count is unknown, the other two thresholds
// hold: rewritten. A 1x1 conv's columns are a permutation (no kernel dims).
// CHECK-LABEL: func.func @dynamic_pointwise
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<64x?x16x16xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<64x?xf32>)
// CHECK-NOT: linalg.conv_2d
func.func @dynamic_pointwise(%in: tensor<?x64x16x16xf32>, %w: tensor<32x64x1x1xf32>, %init: tensor<?x32x16x16xf32>) -> tensor<?x32x16x16xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<?x64x16x16xf32>, tensor<32x64x1x1xf32>) outs(%init : tensor<?x32x16x16xf32>) -> tensor<?x32x16x16xf32>
  return %0 : tensor<?x32x16x16xf32>
}

// -----

// Below a threshold each stays a direct conv: 8 output channels; a
// reduction of 1 x 3 x 3 = 9; 16 -> 16 channels 3x3 on 8 x 8 (147K MACs);
// a grouped conv with 4 output channels per group.
// CHECK-LABEL: func.func @small
// CHECK-NOT: linalg.matmul
// CHECK-COUNT-3: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-NOT: linalg.matmul
func.func @small(%in: tensor<1x32x34x34xf32>, %w: tensor<8x32x3x3xf32>, %init: tensor<1x8x32x32xf32>,
                 %in1: tensor<1x1x66x66xf32>, %w1: tensor<64x1x3x3xf32>, %init1: tensor<1x64x64x64xf32>,
                 %in2: tensor<1x16x10x10xf32>, %w2: tensor<16x16x3x3xf32>, %init2: tensor<1x16x8x8xf32>,
                 %in3: tensor<1x8x32x34x34xf32>, %w3: tensor<8x4x32x3x3xf32>, %init3: tensor<1x8x4x32x32xf32>)
    -> (tensor<1x8x32x32xf32>, tensor<1x64x64x64xf32>, tensor<1x16x8x8xf32>, tensor<1x8x4x32x32xf32>) {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<1x32x34x34xf32>, tensor<8x32x3x3xf32>) outs(%init : tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in1, %w1 : tensor<1x1x66x66xf32>, tensor<64x1x3x3xf32>) outs(%init1 : tensor<1x64x64x64xf32>) -> tensor<1x64x64x64xf32>
  %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in2, %w2 : tensor<1x16x10x10xf32>, tensor<16x16x3x3xf32>) outs(%init2 : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %3 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in3, %w3 : tensor<1x8x32x34x34xf32>, tensor<8x4x32x3x3xf32>) outs(%init3 : tensor<1x8x4x32x32xf32>) -> tensor<1x8x4x32x32xf32>
  return %0, %1, %2, %3 : tensor<1x8x32x32xf32>, tensor<1x64x64x64xf32>, tensor<1x16x8x8xf32>, tensor<1x8x4x32x32xf32>
}

// -----

// A grouped conv with 32 output channels per group: one batch_matmul
// (batch = the 2 groups).
// CHECK-LABEL: func.func @grouped
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x32x144xf32>, tensor<2x144x256xf32>)
// CHECK-NOT: linalg.conv_2d
func.func @grouped(%in: tensor<1x2x16x18x18xf32>, %w: tensor<2x32x16x3x3xf32>, %init: tensor<1x2x32x16x16xf32>) -> tensor<1x2x32x16x16xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : tensor<1x2x16x18x18xf32>, tensor<2x32x16x3x3xf32>) outs(%init : tensor<1x2x32x16x16xf32>) -> tensor<1x2x32x16x16xf32>
  return %0 : tensor<1x2x32x16x16xf32>
}
