//===- QOptBase.td - qopt dialect, base classes -------------*- tablegen -*-===//
//
// The `qopt` dialect: quantization ops whose parameters (scales, zero points,
// group tables) are tensor operands, never baked into types. Integer codes
// use signless `i8` / `i4` for signed and `ui8` / `ui4` for unsigned storage,
// as the `onnx` dialect does. See docs/quantization.md.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QOPT_QOPTBASE_TD
#define QUANTOPT_DIALECT_QOPT_QOPTBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QOpt_Dialect : Dialect {
  let name = "qopt";
  let summary = "Quantization ops: quantize / dequantize, quantized matmul "
                "and conv, weight-only matmul, calibration probes";
  let description = [{
    Quantization parameters are operands: a 4096x4096 layer at group 128
    carries its 131,072 scales as a tensor. `--qopt-convert-qopt-to-linalg`
    lowers every op to linalg on tensors.
  }];
  let cppNamespace = "::quant_opt::qopt";
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::quant_opt::onnx::ONNXDialect"];
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def QOpt_FloatTensor : TensorOf<[F16, BF16, F32]>;
def QOpt_F32Tensor : TensorOf<[F32]>;
/// Storage of quantized codes.
def QOpt_CodeTensor : TensorOf<[I8, UI8, I<4>, UI<4>]>;
/// What dequantize accepts: codes and i32 (quantized biases).
def QOpt_DequantInTensor : TensorOf<[I8, UI8, I<4>, UI<4>, I32]>;
def QOpt_Int8Tensor : TensorOf<[I8, UI8]>;
def QOpt_I8Tensor : TensorOf<[I8]>;
def QOpt_UI8Tensor : TensorOf<[UI8]>;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def QOpt_Granularity : I32EnumAttr<"Granularity",
    "scale granularity of run-time quantization", [
      I32EnumAttrCase<"per_tensor", 0>,
      I32EnumAttrCase<"per_row", 1>
    ]> {
  let cppNamespace = "::quant_opt::qopt";
}

//===----------------------------------------------------------------------===//
// Base op
//===----------------------------------------------------------------------===//

class QOpt_Op<string mnemonic, list<Trait> traits = []>
    : Op<QOpt_Dialect, mnemonic, traits>;

#endif // QUANTOPT_DIALECT_QOPT_QOPTBASE_TD
