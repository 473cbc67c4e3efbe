//===- Pipeline.cpp - the CPU compilation pipeline ------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/ONNX/Passes.h"
#include "QuantOpt/Target/CPU/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace quant_opt;

/// Appends upstream passes written in the textual pipeline syntax; the text
/// is fixed in this file, so a parse failure is a programming error.
static void addUpstream(OpPassManager &pm, StringRef pipeline) {
  std::string error;
  llvm::raw_string_ostream os(error);
  if (failed(parsePassPipeline(pipeline, pm, os)))
    llvm::report_fatal_error(llvm::Twine("bad built-in pipeline: ") + error);
}

void quant_opt::buildSignaturePipeline(OpPassManager &pm,
                                       StringRef modelName) {
  pm.addNestedPass<func::FuncOp>(onnx::createShapeInference());
  RecordSignatureOptions signature;
  signature.modelName = modelName.str();
  pm.addPass(createRecordSignature(signature));
}

void quant_opt::buildCPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  // onnx level: static shapes where possible, then record the ABI.
  buildSignaturePipeline(pm, options.modelName);
  pm.addPass(createConvertONNXToLinalg());
  pm.addPass(createConvertQOptToLinalg());
  addUpstream(pm, "canonicalize,cse");
  pm.addNestedPass<func::FuncOp>(createCPUConvToMatmul());
  pm.addNestedPass<func::FuncOp>(createCPUFuseElementwise());
  addUpstream(pm, "canonicalize,cse");

  // Threads, caches and registers. The int8 contraction gets the VNNI
  // kernel where the target has AVX-512 VNNI; elsewhere the generic path.
  CPUTileAndVectorizeOptions tiling;
  tiling.vectorWidth = options.vectorWidth;
  tiling.parallel = options.parallel;
  tiling.microM = options.microM;
  tiling.microN = options.microN;
  tiling.skipInt8Contractions = options.int8VNNI;
  pm.addNestedPass<func::FuncOp>(createCPUTileAndVectorize(tiling));
  pm.addNestedPass<func::FuncOp>(createCPUMathApproximation());
  if (options.int8VNNI) {
    CPUInt8MatmulOptions int8;
    int8.parallel = options.parallel;
    pm.addNestedPass<func::FuncOp>(createCPUInt8Matmul(int8));
  }
  addUpstream(pm, "canonicalize,cse");

  // Bufferization: identity layouts at the function boundary (the ABI passes
  // dense row-major buffers), ownership-based deallocation.
  addUpstream(pm, "one-shot-bufferize{bufferize-function-boundaries "
                  "function-boundary-type-conversion=identity-layout-map},"
                  "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
                  "canonicalize");
  // The int8 kernel's dot products become vpdpbusd once buffers are explicit.
  if (options.int8VNNI)
    pm.addNestedPass<func::FuncOp>(createCPULowerVNNI());
  // Code-book look-ups (16-entry f32 tables) become register permutes.
  if (options.tableLookupLanes > 0) {
    CPULowerTableLookupOptions lookup;
    lookup.lanes = options.tableLookupLanes;
    pm.addNestedPass<func::FuncOp>(createCPULowerTableLookup(lookup));
  }

  // Down to LLVM.
  pm.addNestedPass<func::FuncOp>(createCPUExpandCopies());
  pm.addNestedPass<func::FuncOp>(createCPUExpandReshapes());
  // Parallel tiles run on OpenMP threads.
  if (options.parallel)
    addUpstream(pm, "scf-forall-to-parallel,convert-scf-to-openmp");
  else
    addUpstream(pm, "scf-forall-to-for");
  // memref.alloca_scope (OpenMP bodies) must be lowered while its region
  // is still one block: memref lowering runs before scf -> cf.
  addUpstream(pm, "convert-linalg-to-loops,lower-affine,"
                  "convert-vector-to-scf{full-unroll},lower-affine,"
                  "convert-math-to-llvm,convert-math-to-libm");
  std::string vectorToLLVM = "convert-vector-to-llvm{reassociate-fp-reductions";
  if (!options.features.empty())
    vectorToLLVM += " enable-x86vector";
  vectorToLLVM += "}";
  addUpstream(pm, vectorToLLVM);
  addUpstream(pm, "expand-strided-metadata,lower-affine,"
                  "finalize-memref-to-llvm,convert-scf-to-cf,"
                  "convert-openmp-to-llvm,convert-arith-to-llvm,"
                  "convert-index-to-llvm,convert-func-to-llvm,"
                  "convert-cf-to-llvm,convert-ub-to-llvm,"
                  "reconcile-unrealized-casts,canonicalize");
  pm.addPass(createCPUEntryPoint());
}

namespace {
struct CPUPipelineCLOptions
    : PassPipelineOptions<CPUPipelineCLOptions> {
  Option<std::string> modelName{*this, "model-name",
                                llvm::cl::desc("ABI prefix of the model"),
                                llvm::cl::init("model")};
  Option<int64_t> vectorWidth{*this, "vector-width",
                              llvm::cl::desc("f32 lanes per vector"),
                              llvm::cl::init(16)};
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("Lower outer loops to OpenMP"),
                        llvm::cl::init(true)};
  Option<int64_t> microM{*this, "micro-m",
                         llvm::cl::desc("Rows of the matmul micro-tile"),
                         llvm::cl::init(0)};
  Option<int64_t> microN{
      *this, "micro-n",
      llvm::cl::desc("Columns of the matmul micro-tile (0: two vectors)"),
      llvm::cl::init(0)};
  Option<bool> vnni{*this, "vnni",
                    llvm::cl::desc("The target has AVX-512 VNNI (int8 "
                                   "contractions use vpdpbusd)"),
                    llvm::cl::init(false)};
  Option<int64_t> lookupLanes{
      *this, "lookup-lanes",
      llvm::cl::desc("16-entry f32 table look-ups as register permutes of "
                     "16 (AVX-512F) or 8 (AVX2) lanes; 0 keeps the gather"),
      llvm::cl::init(0)};
};
} // namespace

void quant_opt::registerCPUPipeline() {
  PassPipelineRegistration<CPUPipelineCLOptions>(
      "qopt-cpu-pipeline",
      "onnx dialect -> LLVM dialect with the compiled-model C ABI",
      [](OpPassManager &pm, const CPUPipelineCLOptions &cl) {
        CPUPipelineOptions options;
        options.modelName = cl.modelName;
        options.vectorWidth = cl.vectorWidth;
        options.parallel = cl.parallel;
        options.microM = cl.microM;
        options.microN = cl.microN;
        options.int8VNNI = cl.vnni;
        options.tableLookupLanes = cl.lookupLanes;
        buildCPUPipeline(pm, options);
      });
}
