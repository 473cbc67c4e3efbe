//===- Passes.h - CPU target passes and pipeline ----------------*- C++ -*-===//

#ifndef QUANTOPT_TARGET_CPU_PASSES_H
#define QUANTOPT_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace quant_opt {

#define GEN_PASS_DECL
#include "QuantOpt/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Target/CPU/Passes.h.inc"

/// What the CPU pipeline compiles for.
struct CPUPipelineOptions {
  /// C identifier prefix of the exported ABI functions.
  std::string modelName = "model";
  /// f32 lanes of the widest usable vector register (16 with AVX-512, 8 with
  /// AVX2, 4 with SSE).
  int64_t vectorWidth = 16;
  /// LLVM target features ("+avx512f,+fma,...") for the vector lowering.
  std::string features;
  /// Lower outer parallel loops to OpenMP.
  bool parallel = true;
  /// Matmul register micro-tile (rows, columns); 0 = chosen from the vector
  /// width (12 x 32 for AVX-512, 6 x 16 for AVX2).
  int64_t microM = 0, microN = 0;
  /// The target has AVX-512 VNNI: int8 contractions get the vpdpbusd kernel
  /// (qopt-cpu-int8-matmul).
  bool int8VNNI = false;
  /// f32 lanes of the register permute that 16-entry table look-ups (the
  /// NF4 code book) become (qopt-cpu-lower-table-lookup): 16 with AVX-512F
  /// (vpermps zmm), 8 with AVX2 (two vpermps ymm and a blend), 0 to keep
  /// the vector gather.
  int64_t tableLookupLanes = 0;
};

/// True for the canonical int8 contraction that `qopt-cpu-int8-matmul`
/// rewrites (a linalg.generic: i8 x i8 -> i32, maps (m,k), (k,n), (m,n)).
bool isInt8Contraction(mlir::Operation *op);

/// Shape inference, then qopt-record-signature: what every emitted artifact
/// (code or C header) starts with.
void buildSignaturePipeline(mlir::OpPassManager &pm,
                            llvm::StringRef modelName);

/// onnx dialect (after import) -> LLVM dialect with the C ABI entry points:
/// shape inference, conversion to linalg, fusion, tiling and vectorization,
/// bufferization, lowering to LLVM, entry point.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// Registers `--qopt-cpu-pipeline` (options model-name, vector-width,
/// parallel) for quant-opt's command line.
void registerCPUPipeline();

} // namespace quant_opt

#endif // QUANTOPT_TARGET_CPU_PASSES_H
