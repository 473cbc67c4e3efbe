//===- Passes.h - NVPTX target passes and pipeline --------------*- C++ -*-===//

#ifndef QUANTOPT_TARGET_NVPTX_PASSES_H
#define QUANTOPT_TARGET_NVPTX_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace quant_opt {

#define GEN_PASS_DECL
#include "QuantOpt/Target/NVPTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Target/NVPTX/Passes.h.inc"

/// What the NVPTX pipeline compiles for.
struct NVPTXPipelineOptions {
  /// C identifier prefix of the exported ABI functions.
  std::string modelName = "model";
  /// GPU architecture: sm_80, sm_86, sm_89 or sm_90.
  std::string arch = "sm_80";
  /// Threads per block of the generic elementwise / loop kernels.
  int64_t blockSize = 256;
  /// Float matmuls as shared-memory tiled kernels (else one thread per
  /// output element, like every other op).
  bool tileMatmul = true;
  /// 2-D float convolutions large enough to pay for it become im2col + one
  /// matmul (qopt-cpu-conv-to-matmul with the GPU's thresholds below), which
  /// the tiled kernel takes; else every conv is a direct loop kernel.
  bool convToMatmul = true;
  /// The thresholds (docs/gpu.md): output channels per group (the matmul's
  /// rows), C/G * KH * KW (its reduction), and multiply-accumulates when
  /// the conv's sizes are static.
  int64_t convMinChannels = 16, convMinReduction = 16,
          convMinMacs = int64_t(1) << 20;
  /// Row reductions (softmax, normalizations, Reduce*) as warp / block
  /// reduction kernels (else one thread per output element).
  bool reduceRows = true;
  /// CUDA toolkit root (libdevice for math functions in kernels).
  std::string cudaPath = "/usr/local/cuda";
};

/// The PTX ISA version LLVM 22 should write for `arch` ("+ptx80"), or an
/// empty string for an architecture quant-opt does not support.
std::string getPTXFeatures(llvm::StringRef arch);

/// onnx dialect (after import) -> LLVM-dialect host module whose kernels are
/// a `gpu.binary` holding the PTX of one `gpu.module`: shape inference,
/// conversion to linalg, elementwise fusion, bufferization, parallel loops
/// mapped to blocks and threads, managed buffers, kernel outlining,
/// gpu -> nvvm -> PTX, host lowering with the C ABI entry points.
void buildNVPTXPipeline(mlir::OpPassManager &pm,
                        const NVPTXPipelineOptions &options);

/// Registers `--qopt-nvptx-pipeline` (options model-name, gpu-arch,
/// block-size, tile-matmul, reduce-rows, cuda-path).
void registerNVPTXPipeline();

} // namespace quant_opt

#endif // QUANTOPT_TARGET_NVPTX_PASSES_H
