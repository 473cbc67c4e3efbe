//===- Pipeline.cpp - the NVPTX compilation pipeline ----------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/ONNX/Passes.h"
#include "QuantOpt/Target/CPU/Passes.h"
#include "QuantOpt/Target/NVPTX/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace quant_opt;

static void addUpstream(OpPassManager &pm, StringRef pipeline) {
  std::string error;
  llvm::raw_string_ostream os(error);
  if (failed(parsePassPipeline(pipeline, pm, os)))
    llvm::report_fatal_error(llvm::Twine("bad built-in pipeline: ") + error);
}

std::string quant_opt::getPTXFeatures(StringRef arch) {
  // The PTX ISA each architecture first appeared in (LLVM 22's NVPTX
  // backend writes at least this version).
  if (arch == "sm_80")
    return "+ptx70";
  if (arch == "sm_86")
    return "+ptx71";
  if (arch == "sm_89")
    return "+ptx78";
  if (arch == "sm_90")
    return "+ptx78";
  return "";
}

/// 80 for "sm_80", ...; 0 when the name does not parse.
static int getSMVersion(StringRef arch) {
  int version = 0;
  if (!arch.consume_front("sm_") || arch.getAsInteger(10, version))
    return 0;
  return version;
}

void quant_opt::buildNVPTXPipeline(OpPassManager &pm,
                                   const NVPTXPipelineOptions &options) {
  // onnx level and linalg: shared with the CPU target.
  buildSignaturePipeline(pm, options.modelName);
  pm.addPass(createConvertONNXToLinalg());
  // qopt ops: as on the CPU, except weight_matmul, which stays one marked
  // generic for the GEMV kernel (--qopt-nvptx-weight-matmul below).
  ConvertQOptToLinalgOptions qopt;
  qopt.weightMatMulKernel = true;
  pm.addPass(createConvertQOptToLinalg(qopt));
  // Convolutions worth it: im2col + matmul (the CPU's rewrite, with the
  // GPU's size thresholds), so that the tiled kernel below takes them.
  if (options.convToMatmul && options.tileMatmul) {
    CPUConvToMatmulOptions conv;
    conv.minChannels = options.convMinChannels;
    conv.minReduction = options.convMinReduction;
    conv.minMacs = options.convMinMacs;
    pm.addNestedPass<func::FuncOp>(createCPUConvToMatmul(conv));
  }
  addUpstream(pm, "canonicalize,cse");
  pm.addNestedPass<func::FuncOp>(createCPUFuseElementwise());
  addUpstream(pm, "canonicalize,cse");

  // Bufferization as on the CPU: identity layouts at the boundary.
  addUpstream(pm, "one-shot-bufferize{bufferize-function-boundaries "
                  "function-boundary-type-conversion=identity-layout-map},"
                  "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
                  "canonicalize");
  pm.addNestedPass<func::FuncOp>(createCPUExpandCopies());
  pm.addNestedPass<func::FuncOp>(createCPUExpandReshapes());

  // Weight-only quantized matmuls: warp-per-row GEMV kernels.
  pm.addNestedPass<func::FuncOp>(createNVPTXWeightMatMul());
  // Float matmuls: shared-memory tiled kernels.
  if (options.tileMatmul) {
    // Every --gpu-arch (sm_80 and newer) has mma.sync m16n8k16.
    NVPTXTileMatmulOptions tiling;
    tiling.tensorCores = getSMVersion(options.arch) >= 80;
    // ... and mma.sync m16n8k32 for s8 / u8 (the W8A8 contractions).
    tiling.int8TensorCores = getSMVersion(options.arch) >= 80;
    pm.addNestedPass<func::FuncOp>(createNVPTXTileMatmul(tiling));
  }
  // Row reductions: a warp or a block per output element.
  if (options.reduceRows)
    pm.addNestedPass<func::FuncOp>(createNVPTXReduceRows());
  // Everything else: parallel loops -> blocks and threads -> gpu.launch.
  addUpstream(pm, "func.func(convert-linalg-to-parallel-loops)");
  NVPTXMapParallelLoopsOptions mapping;
  mapping.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(createNVPTXMapParallelLoops(mapping));
  addUpstream(pm, "func.func(convert-parallel-loops-to-gpu),canonicalize");
  pm.addPass(createNVPTXDeviceBuffers());

  // Kernels: outlined into one gpu.module, lowered to NVVM.
  addUpstream(pm, "lower-affine,gpu-launch-sink-index-computations,"
                  "gpu-kernel-outlining");
  pm.addPass(createNVPTXMergeKernelModules());
  std::string attach = "nvvm-attach-target{chip=" + options.arch +
                       " features=" + getPTXFeatures(options.arch) + " O=3";
  std::string libdevice =
      options.cudaPath + "/nvvm/libdevice/libdevice.10.bc";
  if (llvm::sys::fs::exists(libdevice))
    attach += " l=" + libdevice;
  attach += "}";
  addUpstream(pm, attach);
  addUpstream(pm, "gpu.module(expand-strided-metadata,lower-affine,"
                  "convert-scf-to-cf,convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,"
                  "canonicalize,cse,"
                  "reconcile-unrealized-casts)");

  // Host: as on the CPU (without OpenMP), then the gpu runtime calls.
  addUpstream(pm, "convert-linalg-to-loops,lower-affine,"
                  "convert-math-to-llvm,convert-math-to-libm,"
                  "expand-strided-metadata,lower-affine,"
                  "finalize-memref-to-llvm,convert-scf-to-cf,"
                  "convert-arith-to-llvm,convert-index-to-llvm,"
                  "convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
                  "gpu-to-llvm,reconcile-unrealized-casts,canonicalize");
  pm.addPass(createCPUEntryPoint());
  pm.addPass(createNVPTXEntryPoint());
  // PTX text in a gpu.binary (the driver JIT-compiles it when loading).
  addUpstream(pm, "gpu-module-to-binary{format=isa toolkit=" +
                      options.cudaPath + "}");
}

namespace {
struct NVPTXPipelineCLOptions : PassPipelineOptions<NVPTXPipelineCLOptions> {
  Option<std::string> modelName{*this, "model-name",
                                llvm::cl::desc("ABI prefix of the model"),
                                llvm::cl::init("model")};
  Option<std::string> arch{*this, "gpu-arch",
                           llvm::cl::desc("sm_80, sm_86, sm_89 or sm_90"),
                           llvm::cl::init("sm_80")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("Threads per block"),
                            llvm::cl::init(256)};
  Option<bool> tileMatmul{
      *this, "tile-matmul",
      llvm::cl::desc("Shared-memory tiled kernels for float matmuls"),
      llvm::cl::init(true)};
  Option<bool> convToMatmul{
      *this, "conv-to-matmul",
      llvm::cl::desc("im2col + tiled matmul for 2-D float convolutions above "
                     "the size thresholds (needs tile-matmul)"),
      llvm::cl::init(true)};
  Option<int64_t> convMinMacs{
      *this, "conv-min-macs",
      llvm::cl::desc("Multiply-accumulates below which a static conv stays "
                     "a direct loop kernel"),
      llvm::cl::init(int64_t(1) << 20)};
  Option<bool> reduceRows{
      *this, "reduce-rows",
      llvm::cl::desc("Warp / block reduction kernels for row reductions"),
      llvm::cl::init(true)};
  Option<std::string> cudaPath{*this, "cuda-path",
                               llvm::cl::desc("CUDA toolkit root"),
                               llvm::cl::init("/usr/local/cuda")};
};
} // namespace

void quant_opt::registerNVPTXPipeline() {
  PassPipelineRegistration<NVPTXPipelineCLOptions>(
      "qopt-nvptx-pipeline",
      "onnx dialect -> LLVM-dialect host module with the model's kernels as "
      "PTX (gpu.binary) and the compiled-model C ABI",
      [](OpPassManager &pm, const NVPTXPipelineCLOptions &cl) {
        NVPTXPipelineOptions options;
        options.modelName = cl.modelName;
        options.arch = cl.arch;
        options.blockSize = cl.blockSize;
        options.cudaPath = cl.cudaPath;
        options.tileMatmul = cl.tileMatmul;
        options.convToMatmul = cl.convToMatmul;
        options.convMinMacs = cl.convMinMacs;
        options.reduceRows = cl.reduceRows;
        buildNVPTXPipeline(pm, options);
      });
}
