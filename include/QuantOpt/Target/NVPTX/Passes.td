//===- Passes.td - NVPTX target passes ----------------------*- tablegen -*-===//

#ifndef QUANTOPT_TARGET_NVPTX_PASSES_TD
#define QUANTOPT_TARGET_NVPTX_PASSES_TD

include "mlir/Pass/PassBase.td"

def NVPTXTileMatmul : Pass<"qopt-nvptx-tile-matmul", "mlir::func::FuncOp"> {
  let summary = "Float and int8 matmuls on buffers as shared-memory tiled GPU kernels";
  let description = [{
    `linalg.matmul` / `linalg.batch_matmul` on buffers of one float type
    (f32, f16, bf16; default indexing maps) become a `gpu.launch` of a tiled
    kernel: 64 x 64 output tiles per block of 16 x 16 threads, K in steps of
    16 through two workgroup-memory tiles (A 64 x 16, B 16 x 64, f32,
    zero-padded at the edges), 4 x 4 outputs per thread accumulated in f32
    in loop-carried values (registers), added to C at the end. An operand
    with an identity layout whose rows have a static length that is a
    multiple of 4 is copied with one aligned 4-element `vector.load` per
    thread (128-bit `ld.global.v4.b32` for f32), others with 4 scalar loads.
    With `tensor-cores` (sm_80 and newer), f16 and bf16 matmuls instead keep
    16-bit tiles and each of the 8 warps computes a 16 x 32 sub-tile with 4
    m16n8k16 `mma.sync` (f32 accumulators) per k-tile, fragments loaded
    from the workgroup tiles with `nvgpu.ldmatrix` (x4; x4 transposed for
    B) in the PTX ISA's m16n8k16 layout: f16 through
    `nvgpu.mma.sync`, bf16 through `nvvm.mma.sync` (MLIR 22's
    `nvgpu.mma.sync` cannot lower bf16).
    With `int8-tensor-cores` (sm_80 and newer), the i8 x i8 -> i32
    contraction of the qopt / ONNX integer lowerings (a `linalg.generic`
    (m, k) x (k, n) -> (m, n), `acc + ext(a) * ext(b)` with `extsi` or
    `extui` per operand, or an i8 x i8 -> i32 `linalg.matmul` /
    `batch_matmul`) becomes the same 64 x 64 tiling with K steps of 32:
    workgroup tiles of packed 4 x i8 words (A [m][k / 4], B transposed
    [n][k / 4]), and per warp 4 `nvvm.mma.sync` m16n8k32 per k-tile (s8 /
    u8 per operand as the extensions say, s32 accumulators, wrapping
    like the scalar path), added to C at the end. Other integer matmuls
    keep the generic path.
  }];
  let options = [
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"false",
           "f16 and bf16 matmuls on tensor cores (mma.sync m16n8k16, sm_80+)">,
    Option<"int8TensorCores", "int8-tensor-cores", "bool", /*default=*/"false",
           "i8 x i8 -> i32 contractions on tensor cores (mma.sync m16n8k32, sm_80+)">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::LLVM::LLVMDialect"];
}


def NVPTXWeightMatMul
    : Pass<"qopt-nvptx-weight-matmul", "mlir::func::FuncOp"> {
  let summary = "Weight-only quantized matmuls as warp-per-row GEMV kernels";
  let description = [{
    The `linalg.generic` that `--qopt-convert-qopt-to-linalg{
    weight-matmul-kernel}` makes of a `qopt.weight_matmul` (marked
    `qopt.weight_matmul = {bits, group_size}`), on buffers, becomes a
    `gpu.launch`: blocks of 8 warps, one warp per weight row (output channel
    n), 1 row of x per block when x has one row (decode) or 4 otherwise (an
    `scf.if` on the row count when it is dynamic). Lanes read the packed
    codes as 32-bit words (four per 128-bit load when a row's bytes are a
    multiple of 16) and x as 128-bit vectors, unpack and subtract the zero
    point in registers, apply the group scale once per word, sum across the
    warp with xor shuffles and add the total to the output (already the bias
    or 0). Needs K * storage bits a multiple of 32, group_size a multiple of
    the codes per word (32 / storage bits), identity layouts; other marked
    generics are left alone (the generic path).

    NF4 (`codebook` in the mark, 16 f32 values): the launch gets a 16-entry
    workgroup-memory table that thread (0, 0) fills before a barrier, and
    each 4-bit code is looked up in it instead of having the zero point
    subtracted. Double-quantized scales (i8 scale codes; `scale_offset` and
    a splat `scale_scale` in the mark, else scale_scale as the fourth
    input): the word's scale is code * scale_scale[(n * G + g) / 256] +
    offset. A mark that does not match the operands is left alone.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def NVPTXReduceRows : Pass<"qopt-nvptx-reduce-rows", "mlir::func::FuncOp"> {
  let summary = "Row reductions on buffers as block / warp reduction kernels";
  let description = [{
    A `linalg.generic` or `linalg.reduce` on buffers whose loops are
    parallel dimensions followed by one or more reduction dimensions, with
    one f16 / bf16 / f32 / f64 output indexed by the parallel dimensions in
    order and a body `yield combine(f(inputs), out)` (`out` used once;
    combine = `arith.addf`, `mulf`, `maximumf`, `minimumf`, `maxnumf`,
    `minnumf`), becomes a `gpu.launch` where the threads of a row (output
    element) share its reduction: reduced length <= 256 (or, when known
    only at run time, an `scf.if` picking this case), one warp per row in
    blocks of 32 x 8 threads; longer rows, one block per row of 64 to 256
    threads (about 8 elements per thread; 1024 threads for a single row);
    at most 16 rows of at least 32768 elements (or a length known only at
    run time), such as a full reduction to a scalar, are split over up to
    1024 blocks per row whose partial results a second row reduction
    combines with the output.
    Each thread computes the body at its strided elements (fused producers
    stay fused) and combines them from the combiner's identity, then xor
    shuffles reduce each warp, workgroup memory and a barrier the warps of
    a block, and thread 0 combines the total with the output's value and
    stores it. Sums differ from the sequential loop within rounding.
    Left alone: other iterator orders, static reduced lengths below 32,
    integer types, several outputs, unrecognized bodies, contractions
    (an input read with a reduction dimension must index all parallel
    dimensions, with the reduction dimensions last and in order), inputs
    aliasing the output, the `qopt.weight_matmul` generic.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def NVPTXMapParallelLoops
    : Pass<"qopt-nvptx-map-parallel-loops", "mlir::func::FuncOp"> {
  let summary = "Map outermost scf.parallel loops to GPU blocks and threads";
  let description = [{
    Every outermost `scf.parallel` (the loops `convert-linalg-to-parallel-loops`
    makes of a linalg op's parallel dimensions) is collapsed into one
    dimension, tiled by `block-size` (the inner loop gets a constant bound and
    an `scf.if` guard) and annotated with the `gpu` mapping: the outer loop
    to block x, the inner loop to thread x. Nested parallel loops run
    sequentially inside a thread. `convert-parallel-loops-to-gpu` then makes
    one `gpu.launch` of each.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect"];
}

def NVPTXDeviceBuffers
    : Pass<"qopt-nvptx-device-buffers", "mlir::ModuleOp"> {
  let summary = "Put the buffers kernels touch in CUDA managed memory";
  let description = [{
    Run on the bufferized entry function after its parallel loops became
    `gpu.launch` ops. The compiled-model ABI passes host buffers in and out;
    kernels need device-accessible memory. This pass
    * copies each memref argument into a new managed buffer at entry,
    * replaces each `memref.get_global` of a constant global (weights) by
      the runtime's device-resident copy (`qopt_cuda_global(host, bytes)`,
      made once per process), other globals by a managed copy per run,
    * turns every host `memref.alloc` into `gpu.alloc host_shared` (CUDA
      managed memory, readable by host code between launches),
    * turns `memref.dealloc` into a call of the runtime's
      `qopt_cuda_free`,
    * copies each returned buffer into a new `malloc`ed host buffer (the
      caller releases outputs with `free()`) and frees the managed one.
    Launches are synchronous, so host code (scalar loops, copies, shape
    arithmetic) may read and write managed buffers between them.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def NVPTXMergeKernelModules
    : Pass<"qopt-nvptx-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Move all outlined kernels into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` makes one `gpu.module` per kernel. This pass moves
    every kernel function into the first one (renamed `@name`) and rewrites
    the `gpu.launch_func` references, so the model has one PTX module: one
    file for `--emit=ptx` / `ptxas`, one module load at run time.
    Every kernel's workgroup buffers get `llvm.align = 16` (unless they
    have an alignment): `ldmatrix` reads 16-byte rows from them.
  }];
  let options = [
    Option<"moduleName", "module-name", "std::string",
           /*default=*/"\"qopt_kernels\"", "Name of the merged gpu.module">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def NVPTXEntryPoint : Pass<"qopt-nvptx-entry-point", "mlir::ModuleOp"> {
  let summary = "Wrap the model's P_run with the CUDA runtime checks";
  let description = [{
    On the LLVM-dialect host module after `qopt-cpu-entry-point`: renames
    `<P>_run` to an internal function and adds a new `<P>_run` that calls the
    runtime's `qopt_cuda_run_begin()` (driver, device and kernel module
    ready; non-zero return = error code), then the model, then returns
    `qopt_cuda_run_end()` (non-zero if a CUDA call failed on the way).
    Adds the weak `qopt_model_device()` returning "cuda", by which the
    runtime knows a GPU bundle and checks the driver when loading it.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QUANTOPT_TARGET_NVPTX_PASSES_TD
