// The NF4 GEMV (qopt.weight_matmul with a code book, one row) stays
// vectorized through the CPU pipeline, and the code-book look-up reads no
// memory (qopt-cpu-lower-table-lookup): with AVX-512F the 16 f32 entries
// sit in one zmm register and each 16 codes (zero-extended bytes) select
// from it with one permute (LLVM picks vpermps or its integer twin vpermd,
// same operation), feeding fused multiply-adds into vector accumulators;
// no vgatherdps is left. With AVX2 (x86-64-v3) each 8 codes take two ymm
// permutes (the table's halves) and a blend on bit 3. Without AVX2 (plain
// x86-64) the look-up stays a gather, which SSE does with scalar loads.
// RUN: quant-opt %s --emit=asm --cpu=skylake-avx512 --model-name=nf4 -o %t.s
// RUN: FileCheck %s --check-prefix=ZMM < %t.s
// RUN: quant-opt %s --emit=asm --cpu=x86-64-v3 --model-name=nf4 -o %t-avx2.s
// RUN: FileCheck %s --check-prefix=YMM < %t-avx2.s
// RUN: quant-opt %s --emit=asm --cpu=x86-64 --model-name=nf4 -o %t-sse.s
// RUN: FileCheck %s --check-prefix=SSE < %t-sse.s
// ZMM-NOT: vgatherdps
// ZMM: vpmovzxbd {{.*}}%zmm
// ZMM: {{vpermps|vpermd}} %zmm[[TABLE:[0-9]+]], %zmm{{[0-9]+}}, %zmm
// ZMM: {{vpermps|vpermd}} %zmm[[TABLE]], %zmm{{[0-9]+}}, %zmm
// ZMM: vfmadd{{[0-9]+}}ps {{.*}}%zmm
// ZMM-NOT: vgatherdps
// YMM-NOT: vgatherdps
// YMM: {{vpermps|vpermd}} %ymm[[LO:[0-9]+]], %ymm[[IDX:[0-9]+]], %ymm[[A:[0-9]+]]
// YMM: {{vpermps|vpermd}} %ymm[[HI:[0-9]+]], %ymm[[IDX]], %ymm[[B:[0-9]+]]
// YMM: vpcmpgtd %ymm{{[0-9]+}}, %ymm[[IDX]], %ymm[[SEL:[0-9]+]]
// YMM: vblendvps %ymm[[SEL]], %ymm[[B]], %ymm[[A]], %ymm
// YMM: vfmadd{{[0-9]+}}ps {{.*}}%ymm
// YMM-NOT: vgatherdps
// SSE-NOT: vperm
// SSE: movss (%{{[a-z0-9]+}}), %xmm
// SSE-NOT: vperm
func.func @main_graph(%x: tensor<1x256xf32>, %w: tensor<64x128xui8>, %s: tensor<64x4xf32>) -> tensor<1x64xf32> {
  %y = qopt.weight_matmul %x, %w, %s {bits = 4 : i64, group_size = 64 : i64, codebook = array<f32: -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0>} : tensor<1x256xf32>, tensor<64x128xui8>, tensor<64x4xf32> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
