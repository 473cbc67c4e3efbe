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
