// The NF4 GEMV (qopt.weight_matmul with a code book, one row) stays
// vectorized through the CPU pipeline: the code-book look-up becomes a
// 16-lane gather (vgatherdps on zmm) feeding vector multiplies and adds
// (fused multiply-adds since the reductions keep vector accumulators).
// RUN: quant-opt %s --emit=asm --cpu=skylake-avx512 --model-name=nf4 -o %t.s
// RUN: FileCheck %s < %t.s
// CHECK: vgatherdps {{.*}}%zmm
// CHECK: {{vmulps|vfmadd[0-9]+ps}} {{.*}}%zmm
func.func @main_graph(%x: tensor<1x256xf32>, %w: tensor<64x128xui8>, %s: tensor<64x4xf32>) -> tensor<1x64xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0>} : tensor<1x256xf32>, tensor<64x128xui8>, tensor<64x4xf32> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
