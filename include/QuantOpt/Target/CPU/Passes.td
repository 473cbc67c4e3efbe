//===- Passes.td - CPU target passes ------------------------*- tablegen -*-===//

#ifndef QUANTOPT_TARGET_CPU_PASSES_TD
#define QUANTOPT_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def RecordSignature : Pass<"qopt-record-signature", "mlir::ModuleOp"> {
  let summary = "Record the model's C ABI signature before lowering";
  let description = [{
    Writes the `qopt.signature` module attribute: the compiled-model ABI's
    signature text (docs/cpu-codegen.md) of the entry function — ONNX names,
    ONNX element types (unsigned types included, which lowering makes
    signless) and static / dynamic dimensions. Run it on the onnx-level
    module, after shape inference; `qopt-cpu-entry-point` reads it.
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"model\"",
           "C identifier prefix of the exported functions">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that computes the model">,
  ];
}

def CPUConvToMatmul : Pass<"qopt-cpu-conv-to-matmul", "mlir::func::FuncOp"> {
  let summary = "Rewrite 2-D NCHW float convolutions as im2col + linalg.matmul";
  let description = [{
    `linalg.conv_2d_nchw_fchw` on float tensors (any strides and dilations,
    static or dynamic batch and spatial sizes, static filter) becomes a
    `linalg.generic` im2col copy of the (already padded) input into
    `[N*OH*OW, C*KH*KW]` (kernel dimensions of extent 1 left out: a 1x1
    conv's im2col is a permutation), the filter permuted to `[C*KH*KW, F]`,
    and one `linalg.matmul` accumulating into the conv's init (the bias)
    permuted to `[N*OH*OW, F]`; the result is permuted back to
    `[N, F, OH, OW]`. `qopt-cpu-tile-and-vectorize` then gives the work the
    matmul register micro-kernel. Grouped convolutions (static filter) take
    the same path per group with one `linalg.batch_matmul`; depthwise, 1-D /
    3-D and integer convolutions are left as they are.

    The options keep small convolutions as they are (the CPU pipeline
    rewrites every one; the NVPTX pipeline sets them: docs/gpu.md): a conv
    is rewritten only with at least `min-channels` output channels per group
    (the matmul's rows), `min-reduction` input channels per group times
    kernel elements (its reduction) and, when every size is static,
    `min-macs` multiply-accumulates.
  }];
  let options = [
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"0",
           "Rewrite only convs with this many output channels per group">,
    Option<"minReduction", "min-reduction", "int64_t", /*default=*/"0",
           "Rewrite only convs with C/G * KH * KW at least this">,
    Option<"minMacs", "min-macs", "int64_t", /*default=*/"0",
           "Rewrite only convs with this many multiply-accumulates (when "
           "static)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUFuseElementwise : Pass<"qopt-cpu-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops, keeping matmuls named";
  let description = [{
    Upstream elementwise fusion with a control that never fuses into or out
    of `linalg.matmul` / `linalg.batch_matmul`: fusing a transpose or a bias
    into a matmul turns it into a `linalg.generic` that
    `qopt-cpu-tile-and-vectorize` cannot give its register micro-kernel.
    Producers with one use are fused into elementwise and reduction
    consumers; reshapes are folded by expansion under the same control;
    constant linalg ops (transposed weights) are folded at compile time.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUTileAndVectorize
    : Pass<"qopt-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops for caches and registers and vectorize them";
  let description = [{
    `linalg.matmul` / `batch_matmul` are tiled into 64 x 256 `scf.forall`
    thread tiles, then register micro-tiles (12 x 32 with 16-lane vectors and
    static rows, 8 x 32 with run-time rows, 6 x 16 with 8-lane vectors;
    `micro-m` / `micro-n` override), peeled so full tiles are static and
    vectorized into broadcast FMAs with the accumulator in registers.
    Elementwise ops and reductions get one-row parallel tiles and their
    innermost dimension in peeled `vector-width` chunks. Ops with window
    maps (convolutions, pooling) get parallel tiles only. Statically small
    ops (< 32K iterations) use sequential loops instead of `scf.forall`.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes of the target's widest vector register">,
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Make the outermost tile loops scf.forall">,
    Option<"microM", "micro-m", "int64_t", /*default=*/"0",
           "Rows of the matmul register micro-tile (0: 12 with 16-lane "
           "vectors, 6 with 8-lane ones)">,
    Option<"microN", "micro-n", "int64_t", /*default=*/"0",
           "Columns of the matmul register micro-tile (0: 2 * vector-width)">,
    Option<"skipInt8Contractions", "skip-int8-contractions", "bool",
           /*default=*/"false",
           "Leave canonical int8 contractions to qopt-cpu-int8-matmul">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect",
    "::mlir::affine::AffineDialect", "::mlir::memref::MemRefDialect",
  ];
}

def CPUInt8Matmul : Pass<"qopt-cpu-int8-matmul", "mlir::func::FuncOp"> {
  let summary = "AVX-512 VNNI (vpdpbusd) kernel for the canonical int8 contraction";
  let description = [{
    Rewrites the canonical int8 contraction (docs/cpu-codegen.md): a
    `linalg.generic` with maps (m,k), (k,n), (m,n), iterators parallel,
    parallel, reduction, `i8` A (`arith.extui` or `arith.extsi`) times `i8` B
    (`arith.extsi`) accumulated into `i32`; K and N static, M static or
    dynamic. B is packed into the VNNI layout `[ceil(K/4), 4 * N16]` (four
    consecutive k of a column side by side, zero padded; folded into a
    constant when B is one, a `linalg.generic` otherwise). The result is
    `scf.forall` row tiles of `tile-m` rows (threads; with few row tiles also
    column chunks of at least 4 blocks, up to 8), column blocks of
    `micro-n` 16-lane vectors and register tiles of `micro-m` rows whose
    k loop does one u8 x s8 dot product per accumulator with 4 bytes of a
    row of A broadcast, written as a pure `vector.multi_reduction` that
    `qopt-cpu-lower-vnni` turns into `llvm.x86.avx512.vpdpbusd.512` after
    bufferization; left-over rows use one-row tiles, left-over columns a
    narrower block with a masked last vector. A signed A is made unsigned in
    registers (xor 0x80) and the accumulators start at -128 * colsum(B).
    Only for targets with `avx512vnni`: the CPU pipeline adds this pass (after
    `qopt-cpu-tile-and-vectorize`, which then leaves these contractions
    alone) when the target has it.
  }];
  let options = [
    Option<"microM", "micro-m", "int64_t", /*default=*/"8",
           "Rows of the register tile">,
    Option<"microN", "micro-n", "int64_t", /*default=*/"3",
           "16-lane i32 vectors (columns / 16) of the register tile">,
    Option<"tileM", "tile-m", "int64_t", /*default=*/"64",
           "Rows of one thread tile">,
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Make the row-tile loop scf.forall (unless statically < 32K "
           "multiply-adds)">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
  ];
}

def CPULowerVNNI : Pass<"qopt-cpu-lower-vnni", "mlir::func::FuncOp"> {
  let summary = "Rewrite the u8 x s8 dot-product form into vpdpbusd";
  let description = [{
    `vector.multi_reduction <add>` over `[16, 4]` of
    `arith.extui(shape_cast A) * arith.extsi(shape_cast B)` (A, B:
    `vector<64xi8>`) into `%acc` becomes the call of
    `llvm.x86.avx512.vpdpbusd.512(%acc, A, B)`. `qopt-cpu-int8-matmul`
    emits that pure form so that bufferization (whose deallocation rejects
    ops with unknown memory effects) can run; the CPU pipeline runs this
    pass after it. Only for targets with `avx512vnni`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CPULowerTableLookup
    : Pass<"qopt-cpu-lower-table-lookup", "mlir::func::FuncOp"> {
  let summary = "Look up 16-entry f32 tables with register permutes (vpermps)";
  let description = [{
    A `vector.gather` of f32 from a rank-1 `memref<16xf32>` at offset 0
    (the NF4 code book of `qopt.weight_matmul`, which the vectorizer turns
    into a gather) becomes register permutes: the table is loaded as one
    vector (LLVM folds the load of a constant global) and each `lanes`-wide
    slice of the indices selects from it with
    `llvm.x86.avx512.permvar.sf.512` (`lanes` = 16, AVX-512F: `vpermps`
    on zmm, the table in one register) or, with `lanes` = 8 (AVX2), two
    `llvm.x86.avx2.permps` on the table's halves and a select on bit 3 of
    the index. A mask that is not all-true selects the pass-through value
    in its off lanes (a permute reads no memory, so nothing can fault).
    Gathers of other shapes, element types or tables, or whose lane count
    is not a multiple of `lanes`, are left alone. Runs after bufferization
    (like `qopt-cpu-lower-vnni`: deallocation rejects
    `llvm.call_intrinsic`); the CPU pipeline adds it for x86 targets with
    AVX-512F or AVX2 only.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "f32 lanes per permute: 16 (AVX-512F) or 8 (AVX2)">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::vector::VectorDialect",
    "::mlir::arith::ArithDialect",
  ];
}

def CPUMathApproximation
    : Pass<"qopt-cpu-math-approximation", "mlir::func::FuncOp"> {
  let summary = "Vectorized polynomial approximations of exp, erf, tanh, log";
  let description = [{
    Math ops on vectors (after `qopt-cpu-tile-and-vectorize`) would become one
    libm call per lane. This pass rewrites vector `math.exp`, `expm1`, `erf`,
    `tanh`, `log`, `log1p`, `log2`, `sin`, `cos`, `atan` into
    MLIR's polynomial approximations (f16 / bf16 computed in f32), which stay
    in vector registers. Scalar math ops keep calling libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect"];
}

def CPUExpandCopies : Pass<"qopt-cpu-expand-copies", "mlir::func::FuncOp"> {
  let summary = "Rewrite strided memref.copy into linalg.copy";
  let description = [{
    Bufferization copies between strided views with `memref.copy`, which the
    LLVM lowering turns into a call to the `memrefCopy` helper of MLIR's
    runner-utils library: a dependency a compiled model must not have. Copies
    between contiguous identity-layout buffers stay `memref.copy` (a
    memcpy); the others become `linalg.copy`, lowered to loops.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CPUExpandReshapes : Pass<"qopt-cpu-expand-reshapes", "mlir::func::FuncOp"> {
  let summary = "Rewrite multi-dynamic memref.expand_shape as reinterpret_cast";
  let description = [{
    LLVM 22's `expand-strided-metadata` crashes on a `memref.expand_shape`
    whose reassociation group has two or more dynamic sizes (for example
    `memref<?xf32>` into `memref<?x?x4x16xf32>`, which dynamic Reshapes
    produce). When the source has the identity layout the result is the same
    buffer with row-major strides, so this pass writes it as a
    `memref.reinterpret_cast` with sizes from `output_shape`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CPUEntryPoint : Pass<"qopt-cpu-entry-point", "mlir::ModuleOp"> {
  let summary = "Add the compiled-model C ABI functions (LLVM dialect)";
  let description = [{
    On a module lowered to the LLVM dialect, adds `<P>_run`, `<P>_signature`
    and the weak `qopt_model_prefix` (docs/cpu-codegen.md), and makes the
    entry function internal. Reads the `qopt.signature` attribute that
    `qopt-record-signature` wrote.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the function that computes the model">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QUANTOPT_TARGET_CPU_PASSES_TD
